"""Executed notebook -> one self-contained Thai HTML page -> A4 PDF in Chromium.

HTML: nbconvert's lab template without any CDN script (see templates/krlib), Sarabun
embedded, prompts removed, code folded in a <details> element for reviewers, charts
embedded as PNG data URLs. PDF: Debian's Chromium driven by Playwright through its
executable path (nothing downloaded), one browser and page reused for a whole batch,
every non-file request blocked, A4 with page numbers.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from krlib.errors import KrlibError
from krlib.fonts import FAMILY, font_face_css

TEMPLATES = Path(__file__).parent / "templates"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-extensions", "--font-render-hinting=none"]

REPORT_CSS = f"""
body, .jp-Notebook, .jp-RenderedHTMLCommon, .jp-RenderedText pre, table {{
  font-family: '{FAMILY}', sans-serif !important; }}
body {{ max-width: 1000px; margin: 0 auto; }}
.jp-RenderedHTMLCommon {{ line-height: 1.6; font-size: 15px; }}
.jp-RenderedHTMLCommon h1, .jp-RenderedHTMLCommon h2, .jp-RenderedHTMLCommon h3,
.jp-RenderedHTMLCommon h4 {{ line-height: 1.5; }}
.jp-RenderedText pre {{ font-size: 13px; }}
details.krlib-code > summary {{ cursor: pointer; color: #666; font-size: 12px; }}
details.krlib-code:not([open]) {{ margin: 0; }}
.jp-CodeCell.jp-mod-noOutputs details.krlib-code {{ display: none; }}
table.krlib-table {{ border-collapse: collapse; font-size: 14px; margin: .5em 0; }}
table.krlib-table th, table.krlib-table td {{ border: 1px solid #ccc; padding: 2px 8px; }}
table.krlib-table th {{ background: #f3f3f3; }}
.jp-OutputArea-output img {{ max-width: 100%; height: auto; }}
@page {{ size: A4; margin: 14mm 12mm 16mm 12mm; }}
@media print {{
  body {{ max-width: none; }}
  details.krlib-code {{ display: none; }}
  .jp-OutputArea-output img, table.krlib-table {{ break-inside: avoid; }}
  h2, h3, h4 {{ break-after: avoid; }}
}}
"""

FOOTER = ("<div style=\"width:100%;font-size:8px;color:#666;text-align:center;"
          "font-family:sans-serif\"><span class=\"pageNumber\"></span> / "
          "<span class=\"totalPages\"></span></div>")


@cache
def _exporter():
    """One HTMLExporter per process: building one costs ~0.1 s."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="krlib", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input_prompt=True, exclude_output_prompt=True)


def notebook_to_html(nb, *, title: str) -> str:
    """Render an executed notebook as one offline HTML page (deterministic)."""
    nb = nb.copy()
    nb.metadata["title"] = title
    resources = {"krlib_css": font_face_css() + REPORT_CSS, "metadata": {"name": title}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body.replace('<html lang="en">', '<html lang="th">', 1)


def chromium_path() -> str:
    """The browser to print with: KRLIB_CHROMIUM, else Debian's chromium."""
    path = os.environ.get("KRLIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise KrlibError(f"ไม่พบ Chromium สำหรับสร้าง PDF / Chromium not found at {path}: "
                         "run 'bash scripts/setup-system.sh' (or set KRLIB_CHROMIUM)")
    return path


class PdfPrinter:
    """One headless Chromium for a whole batch: ``with PdfPrinter() as p: p.print(html, pdf)``."""

    def __enter__(self) -> "PdfPrinter":
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=chromium_path(),
                                                     args=CHROMIUM_ARGS, headless=True)
        except Exception:
            self._pw.stop()
            raise
        self._page = self._browser.new_page()
        self._page.route("**/*", _only_local)
        return self

    def print(self, html_path: Path, pdf_path: Path) -> Path:
        page = self._page
        page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.pdf(path=str(pdf_path), format="A4", print_background=True,
                 prefer_css_page_size=True, display_header_footer=True,
                 header_template="<div></div>", footer_template=FOOTER,
                 margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        return Path(pdf_path)

    def __exit__(self, *exc) -> None:
        try:
            self._browser.close()
        finally:
            self._pw.stop()


def _only_local(route) -> None:
    """Reports are self-contained: anything but file: and data: is a bug, never fetched."""
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def html_to_pdf(pairs: list[tuple[Path, Path]]) -> list[Path]:
    """Print several HTML files with one browser."""
    with PdfPrinter() as printer:
        return [printer.print(h, p) for h, p in pairs]
