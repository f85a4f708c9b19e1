"""Executed notebook -> one self-contained Thai HTML page -> A4 PDF in Chromium.

HTML (:func:`notebook_to_html`): a report, not a notebook. nbconvert's lab template
without any CDN script (see ``templates/krlib``), Sarabun embedded, no prompts and no
code (reviewers open the executed notebook the report links to), charts embedded as PNG
data URLs, and the lab CSS trimmed from ~256 KB to the ~20 KB of rules this markup can
use. :class:`CleanNotebook` is the one clean-up both the saved executed notebook and the
export go through. Same notebook, same string.

PDF (:class:`PdfPrinter`): Debian's Chromium driven by Playwright through its executable
path (nothing downloaded), one browser and one page reused for a whole batch, each page
set as content (no local path reaches the PDF), the charts put in as their own PNG data
(:mod:`krlib.render.pdfimages`), every request that is not ``file:`` or ``data:`` aborted, A4
from the page's ``@page`` rule with "หน้า X / Y" in a CSS page-margin box, and the
report's own header (title, district, period) and footer (data-as-of) in the other
margin boxes, which the report writes
(:func:`krlib.report.view.page_style`): margin boxes print with the page's embedded Sarabun,
whereas Chromium's ``header_template`` is a separate document that does not get the
page's fonts, so Thai there prints as boxes. Chromium stamps the print time in the
PDF; it is removed (or set to ``SOURCE_DATE_EPOCH``), so the same HTML prints to the same
bytes. Thai clusters whose marks Chromium writes out of order along the line are put in
order (:mod:`krlib.render.pdftext`), so the text layer reads ฟื้นฟู as one word.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from krlib.errors import KrlibError
from krlib.fonts import font_face_css
from krlib.render.pdftext import join_mark_clusters
from krlib.report.layout import prepare_html

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor
    from playwright.sync_api import Browser, Page, Playwright, Route

#: A trimmed CSS rule: its selectors (or an at-rule's head), and its declarations (tinycss2
#: nodes) or, for @media/@supports, the rules inside.
_Rule = tuple[str, Any]

TEMPLATES = Path(__file__).parents[1] / "templates"
#: One HTML export at a time per process. A Dask worker runs several notebooks on
#: threads, and the export is not thread-safe: the cached exporter re-registers filters on
#: every call, and the first calls race through pygments' lazy formatter imports ("cannot
#: import name 'HtmlFormatter'"). The export is GIL-bound Python, so little is lost.
_EXPORT_LOCK = threading.Lock()
TEMPLATE = "krlib"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-extensions", "--font-render-hinting=none"]
PRINT_TIMEOUT_MS = 60_000

#: The report's stylesheets (package data, shipped in the wheel): ``page.css`` the printed
#: page (A4, margins, the page-margin boxes), ``lab-inline.css`` what the lab template's
#: inline <style> did, ``report.css`` the report on screen and in print.
STATIC = TEMPLATES / TEMPLATE / "static"


@cache
def stylesheet(name: str) -> str:
    """``templates/krlib/static/<name>`` as shipped, without its leading comment; read
    once per process."""
    text = (STATIC / name).read_text(encoding="utf-8")
    if text.startswith("/*"):
        text = text[text.index("*/") + 2:]
    return text


def page_css() -> str:
    """The @page rule: A4, margins, "หน้า X / Y" and the header and footer boxes."""
    return stylesheet("page.css")


# Classes outside the lab template's markup whose rules the trimmed CSS must keep.
_EXTRA_CLASSES = {"highlight", "anchor-link", "dataframe"}
_EXTRA_PREFIXES = ("ansi-", "hl-")
# ... and classes of lab markup the krlib template never writes (prompts, mermaid, widgets).
_UNUSED_CLASSES = {"jp-InputPrompt", "jp-InputArea-prompt", "jp-OutputPrompt",
                   "jp-OutputArea-prompt", "jp-Mermaid", "mermaid", "jupyter-widgets"}
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NOT = re.compile(r":not\([^()]*\)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_EXTERNAL_TAG = re.compile(
    r"<(script|iframe)\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>.*?</\1\s*>"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", re.I | re.S)
_EXTERNAL_SRC = re.compile(r"(<(?:img|source|video|audio|embed|input)\b[^>]*?\bsrc\s*=\s*)"
                           r"([\"'])\s*(?:https?:)?//[^\"']*\2", re.I)
_EXTERNAL_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//[^;]*;", re.I)


# --- HTML -----------------------------------------------------------------------------

@cache
def _exporter() -> HTMLExporter:
    """One HTMLExporter per process: building one costs ~0.1 s."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    # Tag a cell "remove-cell" / "remove-input" / "remove-output" to leave that part out.
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "remove_input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    return HTMLExporter(  # type: ignore[no-untyped-call, unused-ignore]
        config=config, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        language_code="th", embed_images=True)


@cache
def report_css() -> str:
    """All the CSS of a report page: Sarabun, trimmed lab CSS, pygments, report, @page
    (the last three from ``templates/krlib/static``)."""
    from jupyterlab_pygments import JupyterStyle
    from pygments.formatters import HtmlFormatter

    pygments_css = HtmlFormatter(style=JupyterStyle).get_style_defs(".highlight")
    own = "\n".join([pygments_css, stylesheet("lab-inline.css"), stylesheet("report.css"),
                     page_css()])
    return "\n".join([font_face_css(), _trimmed_lab_css(own), own])


def _lab_dir() -> Path:
    for d in _exporter().template_paths:
        if (Path(d) / "static" / "index.css").is_file() and Path(d).name == "lab":
            return Path(d)
    raise KrlibError("nbconvert's lab template is missing: reinstall nbconvert")


def _trimmed_lab_css(own_css: str) -> str:
    """The lab template's index.css + theme-light.css without what this page cannot use.

    Keeps a rule when one of its selectors names only classes the lab template writes (or
    ansi/pygments classes); drops lumino/widget/editor rules, keyframes and every custom
    property nothing refers to. ~256 KB -> ~20 KB, same look (checked by screenshots).
    """
    import tinycss2

    lab = _lab_dir()
    css = "\n".join((lab / "static" / name).read_text(encoding="utf-8")
                    for name in ("index.css", "theme-light.css"))
    markup = "\n".join(p.read_text(encoding="utf-8") for p in sorted(lab.glob("*.j2")))
    allowed = set(_EXTRA_CLASSES)
    for attr in re.findall(r'class="([^"]*)"', markup):
        allowed.update(n for n in attr.split() if re.fullmatch(r"[\w-]+", n))
    allowed -= _UNUSED_CLASSES

    def keep(selector: str) -> bool:
        required = _NOT.sub("", selector)  # ul:not(.list-inline) needs no class at all
        return all(c in allowed or c.startswith(_EXTRA_PREFIXES) for c in _CLASS.findall(required))

    def declarations(content: Any) -> list[Any]:
        return [d for d in tinycss2.parse_blocks_contents(content, True, True)
                if d.type == "declaration"]

    def select(rules: Iterable[Any]) -> list[_Rule]:
        out: list[_Rule] = []
        for r in rules:
            if r.type == "qualified-rule":
                selectors = [s.strip() for s in tinycss2.serialize(r.prelude).split(",")]
                selectors = [s for s in selectors if keep(s)]
                if selectors:
                    out.append((", ".join(selectors), declarations(r.content)))
            elif r.type == "at-rule" and r.lower_at_keyword in ("media", "supports"):
                inner = select(tinycss2.parse_rule_list(r.content or [], True, True))
                if inner:
                    out.append((f"@{r.at_keyword} {tinycss2.serialize(r.prelude).strip()}", inner))
            # other at-rules (keyframes, font-face, import, page) are not needed
        return out

    rules = select(tinycss2.parse_stylesheet(css, True, True))

    definitions: dict[str, set[str]] = {}
    used = set(_VAR.findall(own_css))

    def scan(rs: list[_Rule]) -> None:
        for _, body in rs:
            if body and isinstance(body[0], tuple):
                scan(body)
                continue
            for d in body:
                if d.type != "declaration":
                    continue
                refs = _VAR.findall(tinycss2.serialize(d.value))
                if d.name.startswith("--"):
                    definitions.setdefault(d.name, set()).update(refs)
                else:
                    used.update(refs)

    scan(rules)
    todo = list(used)
    while todo:
        for ref in definitions.get(todo.pop(), ()):
            if ref not in used:
                used.add(ref)
                todo.append(ref)

    def write(rs: list[_Rule]) -> str:
        parts: list[str] = []
        for head, body in rs:
            if body and isinstance(body[0], tuple):
                inner = write(body)
                if inner:
                    parts.append(f"{head} {{\n{inner}\n}}")
                continue
            items = [f"{d.name}: {' '.join(tinycss2.serialize(d.value).split())}"
                     + (" !important" if d.important else "")
                     for d in body if not (d.name.startswith("--") and d.name not in used)]
            if items:
                parts.append(f"{head} {{ {'; '.join(items)}; }}")
        return "\n".join(parts)

    return write(rules)


#: Cells left out of the HTML and PDF (still in the executed notebook): the machine-checked
#: key figures and anything tagged remove-cell.
HIDDEN_TAGS = {"key-figures", "remove-cell", "remove_cell"}


def _clean_preprocessor_class() -> type[Preprocessor]:
    from nbconvert.preprocessors import Preprocessor
    from traitlets import Bool

    class CleanNotebook(Preprocessor):
        """The one notebook clean-up: stable ids, no volatile metadata, executions
        renumbered (same run, same file); with ``for_export`` also no hidden cells and no
        code at all, only what a reviewer reads."""

        for_export = Bool(False).tag(config=True)

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            nb.metadata.pop("papermill", None)
            count = 0
            cells = []
            for cell in nb.cells:
                tags = set(cell.get("metadata", {}).get("tags", []))
                if self.for_export and tags & HIDDEN_TAGS:
                    continue
                if "injected-parameters" in tags:
                    cell["id"] = "injected-parameters"  # papermill gives it a random id
                cell.metadata.pop("papermill", None)
                cell.metadata.pop("execution", None)
                if cell.cell_type == "code":
                    if cell.get("execution_count") is not None:
                        count += 1
                        cell.execution_count = count
                    for out in cell.get("outputs", []):
                        if "execution_count" in out:
                            out["execution_count"] = cell.execution_count
                    if self.for_export:
                        cell.source = ""
                        cell.outputs = [o for o in cell.get("outputs", [])
                                        if o.get("output_type") != "error"]
                cells.append(cell)
            nb.cells = cells
            return nb, resources

    return CleanNotebook


@cache
def clean_notebook_class() -> type[Preprocessor]:
    """:class:`CleanNotebook` (built on first use: nbconvert imports cost ~0.3 s)."""
    return _clean_preprocessor_class()


def clean_notebook(nb: Any, for_export: bool = False) -> Any:
    """Clean ``nb`` in place (see CleanNotebook) and return it."""
    cleaner = clean_notebook_class()(for_export=for_export)
    cleaner.preprocess(nb, {})  # type: ignore[no-untyped-call, unused-ignore]
    return nb


def strip_external(html: str) -> str:
    """Remove anything that would load from the network (scripts, styles, frames, media).

    Links the reader may click (``<a href>``) stay; nothing loads them on its own.
    """
    html = _EXTERNAL_TAG.sub("", html)
    html = _EXTERNAL_SRC.sub(r'\1\2\2 data-krlib-blocked="external"', html)
    return _EXTERNAL_IMPORT.sub("", html)


def notebook_to_html(nb: Any, *, title: str) -> str:
    """Render an executed notebook as one offline Thai HTML page (deterministic).

    ``nb`` is not modified. No code is shown; cells tagged key-figures or remove-cell are
    left out, and remove-input / remove-output leave out a part. Lines and pages break
    where a reader expects (:func:`krlib.report.layout.prepare_html`).
    """
    import copy

    nb = clean_notebook(copy.deepcopy(nb), for_export=True)
    nb.metadata["title"] = title
    with _EXPORT_LOCK:
        resources = {"krlib_css": report_css(), "metadata": {"name": title}}
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return strip_external(prepare_html(body))


# --- PDF ------------------------------------------------------------------------------

def chromium_path() -> str:
    """The browser to print with: ``KRLIB_CHROMIUM``, else Debian's ``chromium``."""
    path = os.environ.get("KRLIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise KrlibError(f"ไม่พบ Chromium สำหรับสร้าง PDF / Chromium not found at {path}: "
                         "run 'bash scripts/setup-system.sh' (or set KRLIB_CHROMIUM)")
    return path


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]{0,8}\)")


def pdf_date() -> datetime | None:
    """The date to stamp in PDFs: ``SOURCE_DATE_EPOCH`` if set, else none at all."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), tz=UTC) if epoch.isdigit() else None


def fix_pdf_dates(data: bytes, when: datetime | None) -> bytes:
    """Replace Chromium's print time in the Info dictionary, keeping every byte offset.

    ``when=None`` blanks the entries (spaces are valid between dictionary entries), so
    the xref table stays correct and the same page prints to the same bytes.
    """
    def repl(m: re.Match[bytes]) -> bytes:
        old: bytes = m.group(0)
        if when is None:
            return b" " * len(old)
        new = f"/{m.group(1).decode()} (D:{when.astimezone(UTC):%Y%m%d%H%M%S}Z)"
        return new.encode("ascii").ljust(len(old))

    return _PDF_DATE.sub(repl, data, count=2)


class PdfPrinter:
    """One headless Chromium for a whole batch.

    >>> with PdfPrinter() as printer:          # doctest: +SKIP
    ...     printer.print(Path("1001.html"), Path("1001.pdf"))

    ``blocked`` lists every URL a page tried to load from the network (all aborted).
    ``embed_charts=False`` lets Chromium re-encode the charts itself (slower, bigger).
    """

    def __init__(self, executable: str | None = None, *, timeout_ms: int = PRINT_TIMEOUT_MS,
                 tagged: bool = False, embed_charts: bool = True) -> None:
        self.executable = executable
        self.embed_charts = embed_charts  # charts keep their PNG data (krlib.render.pdfimages)
        self.timeout_ms = timeout_ms
        self.tagged = tagged  # tagged PDF + outline: for screen readers, ~2x the size
        self.blocked: list[str] = []
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._page: Page | None = None

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import sync_playwright

        path = self.executable or chromium_path()
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS,
                                                     headless=True)
        except Exception as exc:
            self._pw.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise KrlibError(f"เปิด Chromium ไม่ได้ / cannot start Chromium at {path}: {first} "
                             "- run 'bash scripts/setup-system.sh' (or set KRLIB_CHROMIUM)"
                             ) from exc
        self._page = self._browser.new_page()
        self._page.set_default_timeout(self.timeout_ms)
        self._page.route("**/*", self._only_local)
        return self

    def _only_local(self, route: Route) -> None:
        """Reports are self-contained: anything but file: and data: is a bug, never fetched."""
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def print(self, html_path: Path, pdf_path: Path) -> Path:
        """Print ``html_path`` to ``pdf_path`` (A4, backgrounds, page numbers); returns it."""
        if self._page is None:
            raise RuntimeError("use PdfPrinter as a context manager: with PdfPrinter() as p: ...")
        html_path, pdf_path = Path(html_path), Path(pdf_path)
        if not html_path.is_file():
            raise FileNotFoundError(html_path)
        html = html_path.read_text(encoding="utf-8")
        data = None
        if self.embed_charts:  # charts as their own PNG data (krlib.render.pdfimages)
            from krlib.render.pdfimages import Unswapped, fill_placeholders, with_placeholders

            stand_ins, charts = with_placeholders(html)
            try:
                data = fill_placeholders(self._print_page(stand_ins), charts)
            except Unswapped:
                data = None  # printed the plain way below
        if data is None:
            data = self._print_page(html)
        tmp = pdf_path.with_name(pdf_path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(pdf_path)
        return pdf_path

    def _print_page(self, html: str) -> bytes:
        """One page's PDF as Chromium prints it, its print time removed.

        The page is set as content, not opened by its file: URL: cheaper (~20 % less CPU
        a PDF), and the PDF then holds no path of this machine (a link to
        "notebooks/1001.ipynb" used to print as file:///<staging folder>/..., so the same
        report printed in another folder gave other bytes). Reports load nothing.
        """
        assert self._page is not None
        page = self._page
        page.set_content(html, wait_until="load")
        if page_css() not in html:  # page numbers for any page (reports carry them already)
            page.add_style_tag(content=page_css())
        page.evaluate("document.fonts.ready.then(() => true)")
        data = page.pdf(format="A4", prefer_css_page_size=True, print_background=True,
                        display_header_footer=False, outline=self.tagged, tagged=self.tagged)
        # before anything else reads it: the file id pikepdf derives covers these dates
        data = fix_pdf_dates(data, pdf_date())
        return join_mark_clusters(data)  # a searchable text layer: ฟื้นฟู, not ฟื้ นฟู

    def __exit__(self, *exc: object) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._pw is not None:
                self._pw.stop()
            self._pw = self._browser = self._page = None


def html_to_pdf(html_paths_and_pdf_paths: list[tuple[Path, Path]]) -> list[Path]:
    """Print several HTML files with one browser; returns the PDF paths."""
    with PdfPrinter() as printer:
        return [printer.print(h, p) for h, p in html_paths_and_pdf_paths]
