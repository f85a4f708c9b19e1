"""krlib.render.export: an executed notebook becomes one offline Thai HTML page (no CDN, Sarabun
embedded, no prompts, code folded) and an A4 PDF from headless Chromium whose text layer
holds the Thai, with page numbers. Tests marked ``browser`` need Debian's Chromium
(scripts/setup-system.sh); the PDF ones also need poppler-utils (pdftotext, pdfinfo)."""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from krlib.errors import KrlibError
from krlib.render import export as render
from krlib.report import charts

KR_NAME = "ร้อยละของคนไร้บ้านที่ผ่านการตรวจสอบสิทธิได้รับสวัสดิการ"
TITLE = "รายงาน KR 8207 — เขตพระนคร"
CODE = "fig = trend_chart(df, 100, 'แนวโน้ม')  # marker-code-42"
STREAM = "ผู้สูงอายุ ดำเนินการ น้ำ: 193 / 348 คน"


def chart_png() -> str:
    df = pd.DataFrame({"quarter": [1, 2], "percent": [43.75, 55.46],
                       "numerator": [77, 193], "denominator": [176, 348]})
    fig = charts.trend_chart(df, 100, "KR 8207 ร้อยละสะสมรายไตรมาส — เขตพระนคร")
    return base64.b64encode(charts.figure_to_png_bytes(fig)).decode("ascii")


def make_notebook(paragraphs: int = 0) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    params = new_code_cell("scope = '1001'", execution_count=1)
    params.metadata["tags"] = ["injected-parameters"]
    filler = "\n\n".join(f"ย่อหน้าที่ {i}: ข้อมูลสะสมตั้งแต่ 1 ต.ค. 2567 ถึง 31 มี.ค. 2568 "
                         "นับเป็นคน ไม่ใช่นับครั้ง " * 3 for i in range(paragraphs))
    nb.cells = [
        params,
        new_markdown_cell(f"# {TITLE}\n\n## ผลการดำเนินงาน\n\n{KR_NAME}\n\n"
                          "หัวข้อที่มีวรรณยุกต์: ปู่ ป้า น้ำ ก๋วยเตี๋ยว ดำเนินการ"),
        new_code_cell(CODE, execution_count=2, outputs=[
            new_output("stream", name="stdout", text=STREAM + "\n"),
            new_output("display_data", data={"image/png": chart_png(), "text/plain": "<Figure>"}),
        ]),
        new_code_cell("import pandas as pd", execution_count=3),
        new_markdown_cell(filler or "จบรายงาน"),
    ]
    return nb


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return make_notebook()


@pytest.fixture(scope="module")
def html(notebook) -> str:
    return render.notebook_to_html(notebook, title=TITLE)


# --- HTML -----------------------------------------------------------------------------

def test_html_has_no_external_resource(html):
    attrs = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html, flags=re.I)
    assert attrs, "expected some src/href attributes (the chart)"
    assert not [a for a in attrs if re.match(r"(?:https?:)?//", a, flags=re.I)]
    assert not re.search(r"@import", html, flags=re.I)
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", html)
    assert urls and all(u.startswith(("data:", "#")) for u in urls), set(urls) - {""}
    assert "http://" not in html and "https://" not in html
    lowered = html.lower()
    for word in ("require.js", "requirejs", "mathjax", "mermaid", "jupyter-widgets", "<script"):
        assert word not in lowered, word
    assert "<link" not in lowered


def test_html_embeds_sarabun_and_thai_css(html):
    faces = re.findall(r"@font-face\s*{[^}]*}", html)
    assert len(faces) == 2
    assert all("Sarabun" in f and "url(data:font/woff;base64," in f for f in faces)
    assert {re.search(r"font-weight:\s*(\d+)", f).group(1) for f in faces} == {"400", "700"}
    assert re.search(r"body, \.jp-RenderedHTMLCommon\s*{\s*font-family:\s*'Sarabun'", html)
    assert "line-height: 1.5" in html
    assert '<html lang="th">' in html
    assert f"<title>{TITLE}</title>" in html


def test_html_print_css_is_a4_with_page_numbers(html):
    # left 3 cm, right 2 cm: the margins of a Thai official document (ระเบียบงานสารบรรณ)
    assert re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*15mm 20mm 18mm 30mm", html)
    assert 'content: "หน้า " counter(page) " / " counter(pages)' in html


def test_html_has_no_prompts_and_no_code(html):
    assert "In&nbsp;[" not in html and "In [" not in html
    assert "Out[" not in html and "Out&nbsp;[" not in html
    assert "jp-InputPrompt" not in html and "jp-OutputPrompt" not in html
    assert "<details" not in html and "โค้ด" not in html  # no code toggles either
    assert "marker-code-42" not in html and "import pandas" not in html
    assert "scope = " not in html  # the parameters cell neither
    # the text, read through krlib.report.layout's no-wrap spans (คนไร้บ้าน kept on one line)
    assert STREAM in html and KR_NAME in re.sub(r'<span class="nw">(.*?)</span>', r"\1", html)
    assert '<span class="nw">คนไร้บ้าน</span>' in html
    assert "data:image/png;base64," in html and 'alt="แผนภูมิ"' in html
    assert re.search(r'<meta content="width=device-width[^"]*" name="viewport"', html)


def test_key_figures_cell_is_left_out_of_the_export_only():
    nb = make_notebook()
    key = new_code_cell("print(key_figures)", execution_count=4, outputs=[
        new_output("stream", name="stdout", text="KR 8207 BMA 2568-Q2: 9/16 percent=56.25\n")])
    key.metadata["tags"] = ["key-figures"]
    nb.cells.append(key)
    out = render.notebook_to_html(nb, title=TITLE)
    assert "9/16" not in out and STREAM in out
    saved = render.clean_notebook(copy.deepcopy(nb))  # the executed notebook keeps it
    assert any("key-figures" in c.metadata.get("tags", []) for c in saved.cells)
    assert [c.execution_count for c in saved.cells if c.cell_type == "code"] == [1, 2, 3, 4]


def test_html_is_deterministic_and_leaves_the_notebook_alone(notebook, html):
    before = json.dumps(notebook, sort_keys=True)
    again = render.notebook_to_html(notebook, title=TITLE)
    assert again == html
    assert json.dumps(notebook, sort_keys=True) == before
    # papermill gives its parameters cell a new random id on every run
    other = copy.deepcopy(notebook)
    other.cells[0]["id"] = "0f3a9c1e"
    assert render.notebook_to_html(other, title=TITLE) == html


_RACE = """
import sys, threading
from concurrent.futures import ThreadPoolExecutor
import nbformat
from krlib.render import export as render
nbs = [nbformat.read(sys.argv[1], as_version=4) for _ in range(4)]
start = threading.Barrier(4)
def export(i):
    start.wait()
    return render.notebook_to_html(nbs[i], title=f"t{i}")
with ThreadPoolExecutor(4) as pool:
    together = list(pool.map(export, range(4)))
alone = [render.notebook_to_html(nbs[i], title=f"t{i}") for i in range(4)]
print(together == alone)
"""


def test_html_export_on_threads_at_once_in_a_fresh_process(notebook, tmp_path):
    """A Dask worker exports on several threads; cold, pygments' lazy imports raced."""
    import sys

    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    run = subprocess.run([sys.executable, "-c", _RACE, str(path)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr.strip().splitlines()[-1:]
    assert run.stdout.strip() == "True"


def test_html_is_small(html):
    # Sarabun (subset WOFF) ~70 KB + trimmed lab CSS ~20 KB + one chart; stock nbconvert ~290 KB
    assert len(html.encode()) < 160_000
    assert len(render.report_css().encode()) < 110_000


def test_remove_tags_leave_parts_out():
    nb = make_notebook()
    nb.cells[2].metadata["tags"] = ["remove-input"]
    nb.cells[3].metadata["tags"] = ["remove-cell"]
    out = render.notebook_to_html(nb, title=TITLE)
    assert "marker-code-42" not in out and "import pandas" not in out
    assert STREAM in out


def test_strip_external_removes_network_loads_but_keeps_links():
    dirty = ('<script src="https://cdn.example.org/x.js"></script>'
             "<script src='//cdn.example.org/y.js' async></script>"
             '<link rel="stylesheet" href="http://cdn.example.org/a.css">'
             '<img src="https://example.org/logo.png" alt="logo">'
             '<iframe src="https://example.org/embed"></iframe>'
             "<style>@import url('https://fonts.example.org/css');</style>"
             '<a href="https://bangkok.go.th">กรุงเทพมหานคร</a>'
             '<script>var ok = 1;</script><img src="data:image/png;base64,AAAA">')
    clean = render.strip_external(dirty)
    assert "cdn.example.org" not in clean and "fonts.example.org" not in clean
    assert "example.org/logo.png" not in clean and "example.org/embed" not in clean
    assert '<a href="https://bangkok.go.th">' in clean  # a link loads nothing by itself
    assert "var ok = 1" in clean and "data:image/png;base64,AAAA" in clean


def test_output_html_with_cdn_script_is_stripped():
    nb = make_notebook()
    nb.cells[2].outputs.append(new_output("display_data", data={
        "text/html": '<script src="https://cdn.plot.ly/plotly.min.js"></script><b>ตาราง</b>'}))
    out = render.notebook_to_html(nb, title=TITLE)
    assert "cdn.plot.ly" not in out and "<b>ตาราง</b>" in out


def test_fix_pdf_dates_keeps_offsets():
    raw = (b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n"
           b"/CreationDate (D:20261123024558+00'00')\n/ModDate (D:20261123024558+00'00')>>\n"
           b"endobj\n")
    blank = render.fix_pdf_dates(raw, None)
    assert len(blank) == len(raw) and b"D:2026" not in blank and b"/Producer" in blank
    fixed = render.fix_pdf_dates(raw, datetime(2026, 1, 1, tzinfo=UTC))
    assert len(fixed) == len(raw)
    assert fixed.count(b"(D:20260101000000Z)") == 2


def test_missing_chromium_names_the_setup_script(monkeypatch, tmp_path):
    monkeypatch.setenv("KRLIB_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(KrlibError, match="scripts/setup-system.sh"):
        render.chromium_path()
    with pytest.raises(KrlibError, match="setup-system.sh"):
        with render.PdfPrinter():
            pass


# --- in a browser ---------------------------------------------------------------------

def needs_chromium() -> str:
    try:
        return render.chromium_path()
    except KrlibError as exc:
        pytest.fail(str(exc))  # make test installs it: a missing browser is a failure


@pytest.fixture(scope="module")
def html_file(tmp_path_factory, html) -> Path:
    path = tmp_path_factory.mktemp("html") / "1001.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.browser
def test_page_in_chromium_loads_offline_with_sarabun(html_file, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = needs_chromium()
    errors, failed, requests = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=render.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html_file.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            assert page.evaluate("document.fonts.check('16px Sarabun')")
            # the Bold face loads on demand (this page has no bold text): it must load
            assert page.evaluate("document.fonts.load('bold 16px Sarabun', 'ก')"
                                 ".then(faces => faces.length)") == 1
            assert page.evaluate("document.fonts.check('bold 16px Sarabun')")
            loaded = page.evaluate("[...document.fonts].filter(f => f.family.includes('Sarabun')"
                                   " && f.status === 'loaded').length")
            assert loaded >= 1
            family = page.evaluate("getComputedStyle(document.querySelector("
                                   "'.jp-RenderedMarkdown p')).fontFamily")
            assert family.startswith("Sarabun") or family.startswith('"Sarabun"')
            assert KR_NAME in page.inner_text("body")
            assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
            assert page.evaluate(
                "[...document.images].every(i => i.complete && i.naturalWidth > 0)")
            shot = tmp_path / "page.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert not errors, errors
    assert not failed, failed
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000


def pdf_tools() -> None:
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: run 'bash scripts/setup-system.sh' (poppler-utils)")


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.browser
def test_pdf_is_a4_with_thai_text_and_page_numbers(tmp_path):
    needs_chromium()
    pdf_tools()
    long_page = tmp_path / "long.html"
    long_page.write_text(render.notebook_to_html(make_notebook(paragraphs=40), title=TITLE),
                         encoding="utf-8")
    pdfs = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    with render.PdfPrinter() as printer:
        printer.print(long_page, pdfs[0])
        printer.print(long_page, pdfs[1])
        assert printer.blocked == []
    info = subprocess.run(["pdfinfo", str(pdfs[0])], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    assert "CreationDate" not in info  # the print time is removed: same HTML, same bytes
    text = pdftotext(pdfs[0])
    assert squash(KR_NAME) in squash(text)
    assert squash(STREAM) in squash(text)
    assert squash(TITLE) in squash(text)
    assert "marker-code-42" not in text  # no code is printed
    for n in range(1, pages + 1):
        assert f"หน้า{n}/{pages}" in squash(text)
    assert pdfs[0].read_bytes() == pdfs[1].read_bytes()


@pytest.mark.browser
def test_pdf_blocks_external_requests_and_batches(tmp_path, monkeypatch):
    needs_chromium()
    pdf_tools()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    leaky = tmp_path / "leaky.html"
    leaky.write_text("<!DOCTYPE html><html lang='th'><head><style>"
                     f"{render.report_css()}</style>"
                     "<link rel='stylesheet' href='http://192.0.2.1/x.css'></head>"
                     "<body><p>ทดสอบ</p><img src='https://192.0.2.1/a.png'></body></html>",
                     encoding="utf-8")
    plain = tmp_path / "plain.html"
    plain.write_text(render.notebook_to_html(make_notebook(), title=TITLE), encoding="utf-8")
    with render.PdfPrinter() as printer:
        printer.print(leaky, tmp_path / "leaky.pdf")
        assert sorted(printer.blocked) == ["http://192.0.2.1/x.css", "https://192.0.2.1/a.png"]
    assert "ทดสอบ" in pdftotext(tmp_path / "leaky.pdf")
    out = render.html_to_pdf([(plain, tmp_path / "1.pdf"), (leaky, tmp_path / "2.pdf")])
    assert out == [tmp_path / "1.pdf", tmp_path / "2.pdf"]
    info = subprocess.run(["pdfinfo", str(out[0])], capture_output=True, text=True).stdout
    assert "2026" in re.search(r"CreationDate:.*", info).group(0)
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(FileNotFoundError):
        render.html_to_pdf([(tmp_path / "missing.html", tmp_path / "x.pdf")])


@pytest.mark.browser
def test_pdf_holds_no_local_path_and_prints_the_same_from_any_folder(tmp_path):
    """A report's link to its notebook must not become file:///<this machine's folder>:
    the same report printed in another folder (the batch prints in a staging folder named
    after its process) gives the same bytes."""
    needs_chromium()
    nb = make_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("[สมุดบันทึก](notebooks/1001.ipynb)"))
    html = render.notebook_to_html(nb, title=TITLE)
    pdfs = []
    with render.PdfPrinter() as printer:
        for name in ("one", ".2568-Q2.tmp-12345"):
            folder = tmp_path / name
            folder.mkdir()
            (folder / "1001.html").write_text(html, encoding="utf-8")
            pdfs.append(printer.print(folder / "1001.html", folder / "1001.pdf"))
    data = [p.read_bytes() for p in pdfs]
    assert data[0] == data[1]
    assert b"file:" not in data[0] and str(tmp_path).encode() not in data[0]
