"""The printed reports as a Thai reviewer lays them out (issue 24, items 6, 8, 9, 10, 16).

Two batches, rendered once for the module: the demo drop (Bangkok, the largest
district, a district with a single case in a KR, a district with no case at all) and
the same drop damaged so that a third of one table's dates cannot be read (two data
warnings: Bangkok, the largest district, the district without cases). Everything is
checked on the PDF's text layer (pdftotext, its -bbox-layout boxes), the locator map's
box on the page (from the PDF's content stream), and the HTML in Chromium.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FY, Q = 2568, 2
MM = 72 / 25.4  # PDF points per millimetre
TOP, BOTTOM = 15 * MM, 18 * MM  # the page-margin boxes (header, footer) lie outside


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def damage(drop: Path) -> None:
    """Make a third of the referrals' dates unreadable: > 20 % rejected, a warning."""
    path = drop / "rehab_referrals.csv"
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    col = rows[0].index("referred_on")
    for i, row in enumerate(rows[1:], 1):
        if i % 3 == 0:
            row[col] = "not-a-date"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """Report name ("demo-bma", "warn-large", ...) -> its folder stem (``.pdf``/``.html``)."""
    from krlib.batch.run import run_report
    from krlib.compute.prepare import prepare
    from krlib.demo import write_demo_drop

    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: run 'bash scripts/setup-system.sh' (poppler-utils)")
    root = tmp_path_factory.mktemp("layout")
    demo, warn = root / "demo", root / "warn"
    write_demo_drop(demo)
    shutil.copytree(demo, warn)
    damage(warn)

    r = prepare(demo, FY, Q).indicators.results
    now = r[(r.fiscal_year == FY) & (r.quarter == Q) & (r.scope_code != "BMA")]
    dens = now.groupby("scope_code").denominator.sum()
    scopes = {"bma": "BMA", "large": str(dens.idxmax()),
              "one": str(sorted(now[now.denominator == 1].scope_code)[0]),  # a KR's one case
              "empty": str(dens[dens == 0].index[0])}
    assert len(set(scopes.values())) == 4, scopes
    warnings = prepare(warn, FY, Q).warnings
    assert len(warnings) == 2, warnings  # referrals' dates; services left without a referral

    out: dict[str, Path] = {}
    for name, drop, which in (("demo", demo, ("bma", "large", "one", "empty")),
                              ("warn", warn, ("bma", "large", "empty"))):
        batch = run_report(drop, FY, Q, [scopes[w] for w in which], ["html", "pdf"],
                           root / f"out-{name}", workers=2, show_progress=False)
        assert not batch.failed, batch.failed
        for w in which:
            out[f"{name}-{w}"] = batch.folder / scopes[w]
        out[f"{name}-folder"] = batch.folder
        out[f"{name}-drop"] = drop
    return out


ALL = ["demo-bma", "demo-large", "demo-one", "demo-empty", "warn-bma", "warn-large",
       "warn-empty"]
WITH_CASES = ["demo-bma", "demo-large", "demo-one", "warn-bma", "warn-large"]


# --- the PDF's text layer and boxes ------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A block of pdftotext -bbox-layout: a paragraph line group or a table cell."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    lines: tuple[str, ...]  # words joined by a space, as pdftotext splits them

    @property
    def text(self) -> str:
        return squash("".join(self.lines))

    def overlaps(self, x0: float, y0: float, x1: float, y1: float, slack: float = 0.5) -> bool:
        return (min(self.x1, x1) - max(self.x0, x0) > slack
                and min(self.y1, y1) - max(self.y0, y0) > slack)


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    blocks: tuple[Block, ...]  # the content, without the header and footer

    def below(self, y: float) -> list[Block]:
        return [b for b in self.blocks if b.y0 >= y - 0.5]


def layout(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for n, pm in enumerate(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>',
                                       out, re.S), 1):
        width, height = float(pm.group(1)), float(pm.group(2))
        blocks = []
        for bm in re.finditer(r'<block xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                              r'yMax="([\d.]+)">(.*?)</block>', pm.group(3), re.S):
            lines = tuple(" ".join(htmllib.unescape(w) for w in
                                   re.findall(r"<word [^>]*>([^<]*)</word>", lm))
                          for lm in re.findall(r"<line [^>]*>(.*?)</line>", bm.group(5), re.S))
            x0, y0, x1, y1 = (float(bm.group(i)) for i in range(1, 5))
            if y1 <= TOP or y0 >= height - BOTTOM:
                continue  # the page-margin boxes: report title, page number, data-as-of
            blocks.append(Block(n, x0, y0, x1, y1, lines))
        pages.append(Page(n, width, height, tuple(blocks)))
    return pages


def page_texts(pdf: Path) -> list[list[str]]:
    """Each page's lines as pdftotext (reading order) gives them, margin boxes included."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [p.splitlines() for p in out.split("\f")[:-1]]


def image_boxes(pdf: Path, page: int) -> list[tuple[float, float, float, float]]:
    """Where the images of a page (1-based) are drawn: (x0, y0, x1, y1), y down as above."""
    import pikepdf

    def mul(a, b):
        return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
                a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]

    def walk(obj, resources, ctm, out, depth=0):
        stack = []
        for operands, op in pikepdf.parse_content_stream(obj):
            op = str(op)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = mul([float(x) for x in operands], ctm)
            elif op == "Do":
                xo = resources.XObject[operands[0]]
                if xo.Subtype == "/Image":
                    pts = [(x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5])
                           for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                    out.append((min(p[0] for p in pts), min(p[1] for p in pts),
                                max(p[0] for p in pts), max(p[1] for p in pts)))
                elif xo.Subtype == "/Form" and depth < 5:
                    m = [float(x) for x in xo.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(xo, xo.get("/Resources", resources), mul(m, ctm), out, depth + 1)
        return out

    with pikepdf.open(pdf) as doc:
        p = doc.pages[page - 1]
        height = float(p.MediaBox[3])
        boxes = walk(p, p.Resources, [1, 0, 0, 1, 0, 0], [])
    return [(x0, height - y1, x1, height - y0) for x0, y0, x1, y1 in boxes]


def html_of(reports, name: str) -> str:
    return reports[name].with_suffix(".html").read_text("utf-8")


def pdf_of(reports, name: str) -> Path:
    return reports[name].with_suffix(".pdf")


def visible(html: str) -> str:
    html = re.sub(r"<(style|title)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<span class="nw">(.*?)</span>', r"\1", html)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))


def results(reports, name: str) -> dict[str, list[str]]:
    """KR code -> this scope's row of kr_results.csv for the period."""
    folder = reports[name.split("-")[0] + "-folder"]
    scope = reports[name].name
    rows = [line.split(",") for line in
            (folder / "kr_results.csv").read_text("utf-8").splitlines()[1:]]
    return {r[0]: r for r in rows if r[3] == scope and r[1] == str(FY) and r[2] == str(Q)}


# --- item 6: page 1 ----------------------------------------------------------------------

@pytest.mark.parametrize("name", WITH_CASES)
def test_page_one_holds_every_kr_and_nothing_on_it_overlaps(reports, name):
    from krlib.contract.kr import KRS

    pdf = pdf_of(reports, name)
    first = layout(pdf)[0]
    text = squash("".join("".join(b.lines) for b in first.blocks))
    assert "บทสรุปผู้บริหาร" in text
    for code, row in results(reports, name).items():
        assert squash(KRS[code].name_th) in text, code
        if row[7]:
            assert f"{row[7]}%" in text, (code, row[7])  # its percent, "84.79 %"
    if name.startswith("warn"):
        assert "ข้อควรระวังเกี่ยวกับข้อมูล" in text
    blocks = first.blocks
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            assert not a.overlaps(b.x0, b.y0, b.x1, b.y1), (a, b)
    images = image_boxes(pdf, 1)
    assert len(images) == (0 if name.endswith("bma") else 1)  # the locator map
    for box in images:
        hit = [b for b in blocks if b.overlaps(*box)]
        assert not hit, (box, hit)


# --- item 8: the no-case statement ------------------------------------------------------

@pytest.mark.parametrize("name", ["demo-empty", "warn-empty"])
def test_no_case_statement_is_one_page_with_its_provenance_and_file_table(reports, name):
    pages = layout(pdf_of(reports, name))
    assert len(pages) == 1
    text = squash("".join("".join(b.lines) for b in pages[0].blocks))
    assert "ไม่มีผู้อยู่ในกลุ่มเป้าหมายของตัวชี้วัดใดในช่วงเวลานี้" in text
    assert "การรับรองรายงาน" in text and "ที่มาของข้อมูล" in text
    assert "SHA-256" in text and "แถว" in text
    for f in sorted(reports[name.split("-")[0] + "-drop"].iterdir()):
        assert f.name in text, f.name  # every file of the drop, in the file table
    if name.startswith("warn"):
        assert "ข้อควรระวังเกี่ยวกับข้อมูล" in text


# --- item 9: no number, name or word cut at a line end -----------------------------------

NUMBER = re.compile(r"(?<![\w.,])[+\u2212-]?\d[\d,]*\.\d+(?: %)?|(?<![\w.,])\d{1,3}(?:,\d{3})+"
                    r"|(?<![\w.,])\d+ %")
FILE = re.compile(r"\b[\w-]+\.(?:csv|xlsx|ipynb|json)\b")
HEX = re.compile(r"^[0-9a-f]{16,}(?:-dirty)?$")


def terms(html: str) -> set[str]:
    """What must never be cut by a line end: the numbers of the page (with their unit),
    its file names, the 50 districts and the compounds a dictionary splits (คนไร้บ้าน)."""
    from krlib.contract.scopes import districts
    from krlib.report.layout import COMPOUNDS

    text = visible(re.sub(r"<td class=.sha.>.*?</td>", " ", html))
    found = {m.group(0) for m in NUMBER.finditer(text)} | set(FILE.findall(text))
    names = [str(n) for n in districts()["name_th"]]
    found |= {n for n in names + [n.removeprefix("เขต") for n in names] if n in text}
    found |= {c for c in COMPOUNDS if c in text}
    return {squash(t) for t in found if len(squash(t)) >= 3}


def cut_at_line_ends(lines: list[str], wanted: set[str]) -> list[tuple[str, str, str]]:
    """(term, line, next line) for every term that starts on a line and ends on the next."""
    cut = []
    lines = [squash(line) for line in lines if not HEX.match(line.strip())]
    for a, b in zip(lines, lines[1:]):
        joined = a + b
        for t in wanted:
            start = joined.find(t, max(0, len(a) - len(t) + 1))
            while 0 <= start < len(a):
                if start + len(t) > len(a):
                    cut.append((t, a[-30:], b[:30]))
                    break
                start = joined.find(t, start + 1)
    return cut


@pytest.mark.parametrize("name", ALL)
def test_no_number_file_name_or_name_is_cut_at_a_line_end(reports, name):
    wanted = terms(html_of(reports, name))
    assert any("%" in t for t in wanted) or name.endswith("empty")
    cut = [c for page in page_texts(pdf_of(reports, name))
           for c in cut_at_line_ends(page, wanted)]
    assert not cut, cut[:10]


def test_the_line_end_check_sees_a_cut_number_and_name():
    lines = ["ผลงาน 1,53", "4 คน", "ทะเบียนคนไร้", "บ้าน 100.", "00 %"]
    found = {t for t, _, _ in cut_at_line_ends(lines, {"1,534", "ทะเบียนคนไร้บ้าน", "100.00%"})}
    assert found == {"1,534", "ทะเบียนคนไร้บ้าน", "100.00%"}
    assert not cut_at_line_ends(["1,534 คน", "ทะเบียนคนไร้บ้าน"], {"1,534", "ทะเบียนคนไร้บ้าน"})


@pytest.mark.parametrize("name", ["demo-bma", "demo-large"])
def test_tables_are_set_in_one_font_size_and_fit_the_page(reports, name):
    from playwright.sync_api import sync_playwright

    from krlib.render import export as render

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=render.chromium_path(),
                                     args=render.CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 605, "height": 900})  # 16 cm: A4's text
            pg.emulate_media(media="print")
            pg.goto(reports[name].with_suffix(".html").as_uri(), wait_until="load")
            sizes, wide = pg.evaluate("""() => {
                const cells = [...document.querySelectorAll(
                    'table.krlib-table td:not(.sha), table.krlib-table th')];
                const sizes = [...new Set(cells.map(c => getComputedStyle(c).fontSize))];
                const wide = [...document.querySelectorAll('table.krlib-table')]
                    .filter(t => t.getBoundingClientRect().width > innerWidth + 0.5)
                    .map(t => t.className);
                return [sizes, wide]; }""")
        finally:
            browser.close()
    assert sizes == ["14px"]
    assert not wide


# --- item 10: headings and tables at a page foot -----------------------------------------

def headings(html: str) -> list[str]:
    body = re.sub(r"<(style|title)\b.*?</\1>", " ", html, flags=re.S)
    found = re.findall(r"<(h[1-4]|caption)\b[^>]*>(.*?)</\1>", body, flags=re.S)
    return [squash(visible(t)) for _, t in found]


def heading_blocks(page: Page, wanted: set[str]) -> list[tuple[Block, Block]]:
    """(first, last block) of every heading on the page (a wrapped one may be two)."""
    blocks = sorted(page.blocks, key=lambda b: (b.y0, b.x0))
    found = []
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if b.text in wanted:
            found.append((b, b))
        elif nxt is not None and b.text + nxt.text in wanted:
            found.append((b, nxt))
    return found


@pytest.mark.parametrize("name", ALL)
def test_no_heading_is_left_at_a_page_foot(reports, name):
    """A heading has at least two lines of what it introduces under it on its page, or
    its section ends there (the next page opens with a heading)."""
    pages = layout(pdf_of(reports, name))
    wanted = set(headings(html_of(reports, name)))
    for page, nxt in zip(pages, pages[1:]):
        top = min(nxt.blocks, key=lambda b: (b.y0, b.x0)).text if nxt.blocks else ""
        opens_section = bool(top) and (top in wanted or any(top + b.text in wanted
                                                            for b in nxt.blocks))
        for first, last in heading_blocks(page, wanted):
            after = page.below(last.y1)
            height = sum(b.y1 - b.y0 for b in rows_head(after))
            assert after, (page.number, first.text)  # something follows it on its page
            assert height > 24 or opens_section, (page.number, first.text)


def rows_head(blocks: list[Block]) -> list[Block]:
    """One block per row (the tallest): the height the rows take."""
    return [max(row, key=lambda b: b.y1 - b.y0) for row in rows_of(blocks)]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # squashed th texts
    rows: int


def tables(html: str) -> list[Table]:
    out = []
    for m in re.finditer(r"<table\b[^>]*krlib-table[^>]*>(.*?)</table>", html, re.S):
        body = m.group(1)
        head = re.search(r"<thead\b.*?</thead>", body, re.S)
        if head is None:
            continue
        ths = tuple(squash(visible(t)) for t in re.findall(r"<th\b[^>]*>(.*?)</th>",
                                                            head.group(0), re.S))
        rows = len(re.findall(r"<tr\b", body[head.end():]))
        out.append(Table(ths, rows))
    return out


def header_rows(page: Page, header: tuple[str, ...]) -> list[float]:
    """The bottom y of every row of blocks on the page reading as ``header``, in order.

    A header cell that wraps may come as one block per line: a block right under a cell
    (overlapping it across, starting within 3 pt of its foot: closer than the next row)
    continues it.
    """
    found = []
    for row in rows_of(page.blocks):
        cells = []
        for b in sorted(row, key=lambda b: b.x0):
            text, foot = b.text, b.y1
            for c in sorted(page.blocks, key=lambda c: c.y0):
                if c.y0 > foot - 0.5 and c.y0 - foot < 3 and min(c.x1, b.x1) > max(c.x0, b.x0):
                    text, foot = text + c.text, c.y1
            cells.append((text, foot))
        if tuple(t for t, _ in cells[:len(header)]) == header:
            found.append(max(f for _, f in cells[:len(header)]))
    return sorted(found)


def rows_of(blocks) -> list[list[Block]]:
    """Blocks grouped into rows: tops within 2 pt (table cells are top-aligned)."""
    rows: list[list[Block]] = []
    for b in sorted(blocks, key=lambda b: b.y0):
        if rows and b.y0 - rows[-1][0].y0 < 2:
            rows[-1].append(b)
        else:
            rows.append([b])
    return rows


def continues(c: Block, blocks) -> bool:
    """``c`` is a wrapped cell's next line: it starts within 3 pt of the foot of a block
    right above it (overlapping it across), closer than the next table row would."""
    return any(c.y0 > b.y1 - 0.5 and c.y0 - b.y1 < 3 and min(c.x1, b.x1) > max(c.x0, b.x0)
               for b in blocks if b is not c)


def rows_below(page: Page, y: float) -> int:
    """Table rows under ``y``: rows of blocks, a wrapped cell's later lines not counted."""
    under = [b for b in page.blocks if b.y0 > y]
    return len(rows_of([b for b in under if not continues(b, under)]))


@pytest.mark.parametrize("name", ALL)
def test_tables_are_not_split_in_their_first_or_last_rows(reports, name):
    """Follow each table header of the HTML through the pages: a table whose rows do not
    all follow its header on that page goes on after its header repeated at the top of
    the next page; it must be a long table, and leave at least its first rows behind and
    its last rows to carry over."""
    from krlib.report.layout import FIRST_ROWS, KEEP_ROWS, LAST_ROWS

    pages = layout(pdf_of(reports, name))
    by_header: dict[tuple[str, ...], list[Table]] = {}
    for table in tables(html_of(reports, name)):
        by_header.setdefault(table.header, []).append(table)
    splits = 0
    for header, queue in by_header.items():
        seen = [(page, y) for page in pages for y in header_rows(page, header)]
        todo, pending, current = list(queue), 0, None
        for page, y in seen:
            here = rows_below(page, y)
            if pending:  # the table goes on: its header repeated at the top of this page
                assert y - min(b.y0 for b in page.blocks) < 30, (page.number, header)
                assert pending >= LAST_ROWS, (page.number, header, pending)
                pending = max(0, pending - here)
                continue
            assert todo, (page.number, header)  # each header belongs to a table
            current = todo.pop(0)
            if here < current.rows:  # split at this page's foot
                splits += 1
                assert current.rows > KEEP_ROWS, (page.number, current)
                assert here >= FIRST_ROWS, (page.number, current, here)
                pending = current.rows - here
        assert not pending and not todo, (header, pending, todo)
    # the definition table (no header row) is one page: its first and last label together
    for page in pages:
        texts = [b.text for b in page.blocks]
        if "นิยาม" in texts:
            assert "การรายงาน" in texts[texts.index("นิยาม"):], page.number
    assert splits or not name.endswith("bma")  # Bangkok's league tables span pages


# --- item 16: the KR names and the districts, found whole --------------------------------

def flowing(pdf: Path) -> str:
    """The text layer with lines joined as they flow (a line end adds nothing), spaces
    within a line kept: what a search in the PDF goes through."""
    return "".join("".join(lines) for lines in page_texts(pdf))


@pytest.mark.parametrize("name", WITH_CASES)
def test_kr_names_are_found_whole_in_the_text_layer(reports, name):
    from krlib.contract.kr import KRS

    text = flowing(pdf_of(reports, name))
    for kr in KRS.values():
        assert kr.name_th in text, kr.code
        assert text.count(kr.name_th) == squash(text).count(squash(kr.name_th)), kr.code
    assert "ฟื้ น" not in text and "ฟื้นฟู" in text


def test_every_district_is_found_whole_in_bangkok_s_report(reports):
    from krlib.contract.scopes import districts

    text = flowing(pdf_of(reports, "demo-bma"))
    for name in districts()["name_th"]:
        assert name in text or name.removeprefix("เขต") in text, name
        assert text.count(name) == squash(text).count(name), name


# --- item 9 on a phone: the HTML in Chromium at 390 px -----------------------------------

SPLIT_ON_SCREEN = """(names) => {
    const num = /(?<![\\w.,])[+\\u2212-]?\\d[\\d,]*(?:\\.\\d+)?(?: (?:%|จุด|คน|วัน))?/g;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
        acceptNode: n => n.parentElement.closest('script, style, code, pre, td.sha')
            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    const lines = (node, start, end) => {
        const r = document.createRange();
        r.setStart(node, start); r.setEnd(node, end);
        return new Set([...r.getClientRects()].filter(q => q.width > 0)
                       .map(q => Math.round(q.top))).size;
    };
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const t = n.textContent;
        for (const m of t.matchAll(num))
            if (m[0].length > 2 && lines(n, m.index, m.index + m[0].length) > 1) out.push(m[0]);
        for (const name of names) {
            let i = t.indexOf(name);
            while (i >= 0) {
                if (lines(n, i, i + name.length) > 1) out.push(name);
                i = t.indexOf(name, i + 1);
            }
        }
    }
    return out; }"""


@pytest.mark.parametrize("name", ["demo-folder", "demo-large", "demo-bma", "warn-empty"])
def test_nothing_is_cut_at_a_line_end_on_a_phone(reports, name):
    from playwright.sync_api import sync_playwright

    from krlib.contract.scopes import districts
    from krlib.render import export as render
    from krlib.report.layout import COMPOUNDS

    page = (reports[name] / "index.html" if name.endswith("folder")
            else reports[name].with_suffix(".html"))
    names = [str(n) for n in districts()["name_th"]] + list(COMPOUNDS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=render.chromium_path(),
                                     args=render.CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 390, "height": 844})
            pg.goto(page.as_uri(), wait_until="load")
            cut = pg.evaluate(SPLIT_ON_SCREEN, names)
        finally:
            browser.close()
    assert not cut, cut[:10]
