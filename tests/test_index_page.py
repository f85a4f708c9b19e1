"""index.html's district table (issue 24 item 17): Thai alphabetical order, the sort
direction in aria-sort, and persons still needed largest first on the first click;
the markup checked in Python, the sorting script by clicking in headless Chromium."""

from __future__ import annotations

import html as htmllib
import re
import sys
from pathlib import Path

import pytest

from krlib.thai import thai_sort_key

sys.path.insert(0, str(Path(__file__).parent))
from test_thai_order import DISTRICTS_TH_ORDER  # noqa: E402

FY, Q = 2568, 2


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    """index.html of a demo drop (no reports rendered: the table is what is tested)."""
    from krlib.compute.prepare import prepare
    from krlib.demo import write_demo_drop
    from krlib.report.index_page import write_index

    root = tmp_path_factory.mktemp("index")
    drop = root / "drop"
    drop.mkdir()
    write_demo_drop(drop, seed=5, scale=0.3, fmt="csv")
    return write_index(root, prepare(drop, FY, Q), [])


def body_rows(page: str) -> list[list[tuple[str, str]]]:
    """Each row of the district table as (data-v, text) per cell."""
    body = page.split('<table id="districts">', 1)[1].split("</tbody>", 1)[0]
    body = body.split("<tbody>", 1)[1]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r'<td(?: data-v="([^"]*)")?>(.*?)</td>', tr, flags=re.S)
        rows.append([(v, htmllib.unescape(re.sub(r"<[^>]+>", " ", t)).strip())
                     for v, t in cells])
    return rows


def test_districts_are_listed_in_thai_alphabetical_order(index):
    rows = body_rows(index.read_text("utf-8"))
    names = [r[0][1] for r in rows]
    assert names[:50] == [f"เขต{n}" for n in DISTRICTS_TH_ORDER]
    assert names[:50] == sorted(names[:50], key=thai_sort_key)
    assert names[50:] == ["ไม่ทราบเขต", "กรุงเทพมหานคร"]  # pinned after the districts
    assert [r[0][0] for r in rows] == [str(i) for i in range(52)]  # the script's sort key


def test_headers_say_how_the_table_is_sorted(index):
    head = index.read_text("utf-8").split('<table id="districts">', 1)[1].split("</thead>")[0]
    ths = re.findall(r"<th((?:\s[^>]*)?)>(.*?)</th>", head, flags=re.S)
    sorted_by = [(a, t) for a, t in ths if "aria-sort" in a]
    assert len(sorted_by) == 1 and 'aria-sort="ascending"' in sorted_by[0][0]
    assert ">เขต</button>" in sorted_by[0][1]
    needed = [t for _, t in ths if "ยังต้องเพิ่ม" in t]
    percent = [t for _, t in ths if "ร้อยละ</button>" in t]
    assert len(needed) == 2 and all('data-first="descending"' in t for t in needed)
    assert len(percent) == 2 and all('data-first="ascending"' in t for t in percent)


@pytest.mark.slow
@pytest.mark.browser
def test_clicking_headers_sorts_and_updates_aria_sort(index):
    from playwright.sync_api import sync_playwright

    from krlib.render import export as render

    rows = body_rows(index.read_text("utf-8"))
    thai = [r[0][1] for r in rows[:50]]
    needed_col = 2  # KR 8207's persons still needed
    read = ("(col) => [...document.querySelectorAll('#districts tbody tr')].map(r => "
            "[r.cells[0].textContent, r.cells[col].dataset.v])")
    state = ("() => [...document.querySelectorAll('#districts thead th')]"
             ".map(th => th.getAttribute('aria-sort'))")

    def numbers(got):
        return [float(v) for _, v in got[:50] if v != ""]

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=render.chromium_path(),
                                     args=render.CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1366, "height": 900})
            pg.goto(index.as_uri(), wait_until="load")
            assert pg.evaluate(state)[0] == "ascending"
            assert [n for n, _ in pg.evaluate(read, 0)][:50] == thai

            # first click on persons still needed: largest first, the header says so
            pg.click(f"#districts th button[data-col='{needed_col}']")
            got = pg.evaluate(read, needed_col)
            values = numbers(got)
            assert values == sorted(values, reverse=True) and values[0] > values[-1]
            blanks = [v for _, v in got[:50]]
            assert blanks == [v for v in blanks if v != ""] + [v for v in blanks if v == ""]
            for a, b in zip(got[:50], got[1:50]):  # ties keep Thai alphabetical order
                if a[1] == b[1]:
                    assert thai.index(a[0]) < thai.index(b[0])
            aria = pg.evaluate(state)
            assert aria[needed_col] == "descending"
            assert [a for i, a in enumerate(aria) if i != needed_col] == [None] * (len(aria) - 1)
            assert [n for n, _ in got[50:]] == ["ไม่ทราบเขต", "กรุงเทพมหานคร"]
            arrow = pg.evaluate("(col) => getComputedStyle(document.querySelectorAll("
                                "'#districts thead th')[col].querySelector('button'), "
                                "'::after').content", needed_col)
            assert "▼" in arrow

            # second click: smallest first
            pg.click(f"#districts th button[data-col='{needed_col}']")
            assert numbers(pg.evaluate(read, needed_col)) == sorted(values)
            assert pg.evaluate(state)[needed_col] == "ascending"

            # a percent column: lowest first on the first click
            pg.click("#districts th button[data-col='1']")
            percents = numbers(pg.evaluate(read, 1))
            assert percents == sorted(percents) and len(set(percents)) > 1
            assert pg.evaluate(state)[1] == "ascending"
            assert pg.evaluate(state)[needed_col] is None

            # back to the districts: Thai order again, then reversed
            pg.click("#districts th button[data-col='0']")
            assert [n for n, _ in pg.evaluate(read, 0)][:50] == thai
            assert pg.evaluate(state)[0] == "ascending"
            pg.click("#districts th button[data-col='0']")
            assert [n for n, _ in pg.evaluate(read, 0)][:50] == thai[::-1]
            assert pg.evaluate(state)[0] == "descending"
        finally:
            browser.close()
