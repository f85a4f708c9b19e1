"""Charts that fit (issue 24, items 12-13), measured with the renderer that draws them: the
percent axis ends a little above the data and the target, a 0 % bar has a visible mark and
its label, no two words overlap (value labels, ticks, titles, legends, map names and
numbers, the map's key), no label crosses the target line or the axes' edge, and every
chart's title names the KR it was given."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from krlib import thai
from krlib.contract.kr import KRS
from krlib.contract.scopes import BMA, scopes
from krlib.report import charts

NAN = float("nan")
KR = "KR 5122 ร้อยละของผู้ที่ได้รับการฟื้นฟูสภาพทางสังคม"
LONG_KR = f"KR 8207 {KRS['8207'].name_th}"
NAMES = {c: n.removeprefix("เขต") for c, n in zip(scopes().scope_code, scopes().scope_name_th)
         if c != BMA}


# --- measuring ------------------------------------------------------------------------------

def render(fig) -> tuple[bytes, object]:
    """The PNG the report embeds, and the renderer that drew it (for window extents)."""
    data = charts.figure_to_png_bytes(fig)
    return data, fig.canvas.get_renderer()


def drawn_texts(fig) -> list[Text]:
    """Every text the figure draws, not blank: tick labels only for the ticks drawn."""
    ticks, shown = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            every = axis.get_major_ticks() + axis.get_minor_ticks()
            ticks |= {id(t) for tick in every for t in (tick.label1, tick.label2)}
            lo, hi = sorted(axis.get_view_interval())
            eps = (hi - lo) * 1e-9
            used = axis.get_major_ticks(len(axis.get_majorticklocs()))
            shown += [t for tick in used if lo - eps <= tick.get_loc() <= hi + eps
                      for t in (tick.label1, tick.label2) if t.get_visible()]
    others = [t for t in fig.findobj(Text) if id(t) not in ticks]
    return [t for t in others + shown if t.get_visible() and t.get_text().strip()]


def overlapping(fig, tol: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose window extents overlap by more than ``tol`` pixels."""
    _, renderer = render(fig)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in drawn_texts(fig)]
    return [(a, b) for i, (a, p) in enumerate(boxes) for b, q in boxes[i + 1:]
            if p.x0 < q.x1 - tol and q.x0 < p.x1 - tol and p.y0 < q.y1 - tol
            and q.y0 < p.y1 - tol]


def value_labels(ax) -> list[Text]:
    return [t for t in ax.texts if not t.get_text().startswith("เป้าหมาย")]


def label_box(t, renderer):
    """A value label's extent with its white box: the box too must not hide the line."""
    box = t.get_window_extent(renderer)
    patch = t.get_bbox_patch()
    if patch is not None:
        box = type(box).union([box, patch.get_window_extent(renderer)])
    return box


def assert_clear_of_target_and_edge(fig, target: float, vertical: bool) -> None:
    _, renderer = render(fig)
    ax = fig.axes[0]
    frame = ax.get_window_extent(renderer)
    if vertical:
        line = ax.transData.transform((0, target))[1]
    else:
        line = ax.transData.transform((target, 0))[0]
    half = charts.TARGET_WIDTH / 2 * fig.dpi / 72
    for t in value_labels(ax):
        box = label_box(t, renderer)
        lo, hi = (box.y0, box.y1) if vertical else (box.x0, box.x1)
        assert hi <= line - half or lo >= line + half, f"{t.get_text()!r} crosses the target"
        edge = frame.y1 if vertical else frame.x1
        assert hi <= edge + 0.5, f"{t.get_text()!r} runs past the axes' edge"


# --- data -----------------------------------------------------------------------------------

def league(percents, no_cases: int = 0) -> pd.DataFrame:
    p = list(percents) + [NAN] * no_cases
    return pd.DataFrame({"scope_name_th": [NAMES[f"10{i + 1:02d}"] for i in range(len(p))],
                         "percent": p, "met": [None] * len(p)})


def kr5122_like() -> pd.DataFrame:
    """The shape of KR 5122's ranking: a 10 % target, up to 50 %, bars just below the
    target, 17 districts at 0 % and 6 without a target group (the issue's case)."""
    top = [50, 42.86, 42.86, 42.86, 37.5, 35.71, 33.33, 33.33, 25, 25, 21.05, 20, 20, 20,
           17.5, 13.33, 12.5, 12.5, 12.5, 11.11, 9.99, 9.52, 9.09, 7.69, 7.14, 5.88, 5.56]
    return league(top + [0.0] * 17, no_cases=6)


def kr8207_like() -> pd.DataFrame:
    """A 100 % target: many districts at 100 %, some just below, one at 0 %."""
    rng = np.random.default_rng(3)
    p = [100.0] * 15 + list(rng.uniform(90, 99.99, 20).round(2)) + list(
        rng.uniform(20, 90, 10).round(2)) + [0.0]
    return league(p, no_cases=4)


def random_league(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = rng.choice([0.0, 100.0, NAN, *rng.uniform(0, 100, 8).round(2)], size=50)
    return league(p)


def test_the_measure_sees_an_overlap_and_every_tick_label():
    """The checks below would pass on anything if they measured nothing."""
    fig = charts.league_chart(kr5122_like(), 10, "รายเขต")
    names = [t.get_text() for t in drawn_texts(fig) if t in fig.axes[0].get_yticklabels()]
    assert sorted(names) == sorted(kr5122_like().scope_name_th.str.removeprefix("เขต"))
    fig.axes[0].text(0, 0, "ข้อความทับ")
    fig.axes[0].text(0, 0, "ข้อความทับ")
    assert ("ข้อความทับ", "ข้อความทับ") in overlapping(fig)


# --- axes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("values, target, top", [
    ([13.35, 12.5], 10, 15),     # Bangkok's KR 5122: not 0-110
    ([50.0, 0.0], 10, 55),       # KR 5122's ranking
    ([0.0, 0.0], 10, 11),        # nobody served anywhere: the target still shows
    ([85.84, 60.0], 100, 110),   # KR 8207: the target on the axis, room above it
    ([100.0], 80, 110),
    ([3.2], 2, 3.5),
    ([0.0], 0, 1),               # nothing at all: an axis all the same
    ([None, 7.0], 5, 8),         # a missing percent does not count
])
def test_percent_axis_ends_a_little_above_data_and_target(values, target, top):
    got = charts.percent_axis_top(values, target)
    assert got == pytest.approx(top)
    assert got > max([target] + [v for v in values if v is not None])


@pytest.mark.parametrize("make, vertical, most", [
    (lambda: charts.league_chart(kr5122_like(), 10, "รายเขต"), False, 50),
    (lambda: charts.league_chart(kr8207_like(), 100, "รายเขต"), False, 100),
    (lambda: charts.comparison_chart(12.5, 13.35, 10, ("เขตพระนคร", "กรุงเทพมหานคร")),
     False, 13.35),
    (lambda: charts.fiscal_years_chart(
        pd.DataFrame({"quarter": [1, 2], "percent": [13.33, 13.35]}),
        pd.DataFrame({"quarter": [1, 2, 3, 4], "percent": [17.39, 15.96, 13.29, 16.19]}),
        10, "แนวโน้ม", ("ปี 2568", "ปี 2567")), True, 17.39),
    (lambda: charts.trend_chart(pd.DataFrame({"quarter": [1, 2], "percent": [4.0, 6.5]}),
                                10, "แนวโน้ม"), True, 10),
])
def test_drawn_axis_fits_data_and_target(make, vertical, most):
    fig = make()
    render(fig)
    ax = fig.axes[0]
    lo, hi = ax.get_ylim() if vertical else ax.get_xlim()
    assert lo == 0 and most < hi <= max(most * 1.25, most + 3)  # not a fixed 0-110
    ticks = (ax.get_yticks() if vertical else ax.get_xticks())
    shown = [t for t in ticks if 0 <= t <= hi]
    step = np.diff(shown)
    assert len(shown) >= 3 and np.allclose(step, step[0])  # round, evenly spaced ticks


# --- 0 % ------------------------------------------------------------------------------------

def _pixel(png: bytes, fig, xy_px) -> tuple[int, int, int]:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    x, y = xy_px
    return img.getpixel((int(round(x)), int(round(img.height - y))))


def _near(rgb, colour: str, tol: int = 24) -> bool:
    from matplotlib.colors import to_rgb

    want = [round(c * 255) for c in to_rgb(colour)]
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


def test_a_0_percent_district_has_a_visible_mark_and_label():
    fig = charts.league_chart(kr5122_like(), 10, "รายเขต")
    png, renderer = render(fig)
    ax = fig.axes[0]
    zero_rows = [t.xy[1] for t in ax.texts if t.get_text() == "0.00 %"]
    assert len(zero_rows) == 17
    marks = [a for a in ax.get_children() if isinstance(a, Line2D) and a.get_marker() == "|"]
    assert sorted(m.get_ydata()[0] for m in marks) == sorted(zero_rows)
    for mark in marks:
        assert mark.get_visible() and mark.get_markersize() > 3
        assert mark.get_markeredgewidth() >= 2
        # the mark is drawn: its pixels are the not-met colour, just right of the axis line
        x, y = mark.get_transform().transform((0, mark.get_ydata()[0]))
        assert _near(_pixel(png, fig, (x, y)), charts.NOT_MET)
    for label in (t for t in ax.texts if t.get_text() == "0.00 %"):
        box = label.get_window_extent(renderer)
        assert box.x0 > ax.transData.transform((0, 0))[0] + charts.ZERO_MARK  # after the mark


def test_a_0_percent_quarter_has_a_visible_mark_and_label():
    this = pd.DataFrame({"quarter": [1, 2], "percent": [NAN, 0.0],
                         "note": [thai.EMPTY_COHORT_TH, ""]})
    prev = pd.DataFrame({"quarter": [1, 2, 3, 4], "percent": [NAN, 0.0, 0.0, 25.0],
                         "note": [thai.EMPTY_COHORT_TH, "", "", ""]})
    fig = charts.fiscal_years_chart(this, prev, 10, "แนวโน้ม", ("ปี 2568", "ปี 2567"))
    png, _ = render(fig)
    ax = fig.axes[0]
    marks = [a for a in ax.get_children() if isinstance(a, Line2D) and a.get_marker() == "_"]
    assert len(marks) == 3 and [t.get_text() for t in ax.texts].count("0.00 %") == 3
    for mark in marks:
        x, y = mark.get_transform().transform((mark.get_xdata()[0], 0))
        assert _near(_pixel(png, fig, (x, y)), mark.get_color())


# --- no two words overlap, none crosses the target or the edge -----------------------------

LEAGUES = {
    "5122": (kr5122_like, 10),
    "8207": (kr8207_like, 100),
    **{f"random-{seed}": ((lambda s=seed: random_league(s)), t)
       for seed, t in ((1, 10), (2, 80), (5, 100), (8, 50))},
}


@pytest.mark.parametrize("name", LEAGUES)
def test_league_chart_words_never_collide(name):
    make, target = LEAGUES[name]
    fig = charts.league_chart(make(), target, "ร้อยละรายเขต — ไตรมาส 2 ปีงบประมาณ พ.ศ. 2568",
                              kr=KR)
    assert overlapping(fig) == []
    assert_clear_of_target_and_edge(fig, target, vertical=False)


TRENDS = {
    "missing quarters": (pd.DataFrame({"quarter": [1, 2, 3, 4],
                                                "percent": [40.0, NAN, 75.5, NAN]}), 80),
    "near the target": (pd.DataFrame({"quarter": [1, 2, 3], "percent": [9.9, 0.0, NAN]}), 10),
    "at 100 %": (pd.DataFrame({"quarter": [1, 2], "percent": [100.0, 99.5]}), 100),
}


@pytest.mark.parametrize("name", TRENDS)
def test_trend_chart_words_never_collide(name):
    df, target = TRENDS[name]
    fig = charts.trend_chart(df, target, "ร้อยละรายไตรมาส — เขตพระนคร", kr=KR)
    assert overlapping(fig) == []
    assert_clear_of_target_and_edge(fig, target, vertical=True)


def _quarters(percents, notes=None) -> pd.DataFrame:
    n = len(percents)
    return pd.DataFrame({"quarter": range(1, n + 1), "percent": percents,
                         "note": notes or [""] * n})


FISCAL_YEARS = {
    # the quarter without a cohort beside one without data, a 10 % target
    "no cohort": (_quarters([NAN, 12.5], [thai.EMPTY_COHORT_TH, ""]),
                  _quarters([NAN, 0.0, 0.0, 25.0], [thai.EMPTY_COHORT_TH, "", "", ""]), 10),
    "not covered": (_quarters([NAN, 5.0], [thai.NOT_COVERED_TH, ""]),
                    _quarters([NAN] * 4, [thai.NOT_COVERED_TH] * 4), 10),
    "two at 100 %": (_quarters([100.0, 100.0]), _quarters([100.0, 100.0, 99.99, 100.0]), 100),
    "just under": (_quarters([9.52, 9.99]), _quarters([10.0, 9.8, NAN, 9.9],
                                                       ["", "", thai.WITHHELD_TH, ""]), 10),
}


@pytest.mark.parametrize("name", FISCAL_YEARS)
def test_fiscal_years_chart_words_never_collide(name):
    this, prev, target = FISCAL_YEARS[name]
    fig = charts.fiscal_years_chart(this, prev, target, "ร้อยละรายไตรมาส (สะสม) — เขตพระนคร",
                                    ("ปีงบประมาณ 2568", "ปีงบประมาณ 2567"), kr=LONG_KR)
    assert overlapping(fig) == []
    assert_clear_of_target_and_edge(fig, target, vertical=True)
    words = [t.get_text() for t in fig.axes[0].texts]
    for frame in (this, prev):  # the words for a missing bar are there, each whole
        assert all(n in words for n in frame.note if n)


@pytest.mark.parametrize("mine, bma, target", [
    (12.5, 13.35, 10), (9.9, 10.1, 10), (0.0, 0.0, 10), (100.0, 99.99, 100), (NAN, 3.0, 2)])
def test_comparison_chart_words_never_collide(mine, bma, target):
    fig = charts.comparison_chart(mine, bma, target, ("เขตป้อมปราบศัตรูพ่าย", "กรุงเทพมหานคร"),
                                  kr=KR)
    assert overlapping(fig) == []
    assert_clear_of_target_and_edge(fig, target, vertical=False)


def _map(status_of, **kw):
    status = {c: status_of(i) for i, c in enumerate(sorted(NAMES))}
    return charts.district_map(status, "ผลรายเขต — ไตรมาส 2 ปีงบประมาณ พ.ศ. 2568", NAMES,
                               kr=LONG_KR, **kw)


def test_map_names_and_numbers_never_collide():
    fig = _map(lambda i: ("met", "not_met", "no_cases")[i % 3])
    assert overlapping(fig) == []
    main, inset = fig.axes
    names = {t.get_text() for t in main.texts + inset.texts}
    numbers = {t.get_text() for t in main.texts + inset.texts if t.get_text().isdigit()}
    key = [t.get_text() for t in fig.texts]
    # every district is named once: in its shape, or by its number and the key
    for code, name in NAMES.items():
        number = str(int(code[-2:]))
        assert (name in names) != (number in numbers), name
        if number in numbers:
            assert name in key and number in key
    assert "พระนคร" in names and len(names - numbers) >= 25  # most are named where they are
    # the case: พระนคร and ป้อมปราบศัตรูพ่าย do not cover each other (no overlap above)


def test_map_names_sit_inside_their_districts():
    from matplotlib.path import Path as MPath

    fig = _map(lambda i: "met")
    _, renderer = render(fig)
    shapes = dict(charts.district_shapes())
    by_name = {n: c for c, n in NAMES.items()}
    for ax in fig.axes:
        frame = ax.get_window_extent(renderer)
        for t in ax.texts:
            box = t.get_window_extent(renderer)
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1
            assert frame.y0 <= box.y0 and box.y1 <= frame.y1
            if t.get_text().isdigit():
                continue
            ring = max(shapes[by_name[t.get_text()]], key=len)
            outline = MPath(ax.transData.transform(ring))
            corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
            assert outline.contains_points(corners).all(), t.get_text()


def test_map_without_names_still_has_legend_and_credit():
    fig = charts.district_map({"1001": "met"}, "ผลรายเขต")
    assert overlapping(fig) == []
    assert charts.MAP_CREDIT_TH in [t.get_text() for t in fig.texts]


# --- titles ---------------------------------------------------------------------------------

TITLED = {
    "trend": lambda kr: charts.trend_chart(TRENDS["missing quarters"][0], 80, "แนวโน้ม", kr=kr),
    "fiscal_years": lambda kr: charts.fiscal_years_chart(
        *FISCAL_YEARS["no cohort"][:2], 10, "แนวโน้ม", ("ปี 2568", "ปี 2567"), kr=kr),
    "breakdown": lambda kr: charts.breakdown_chart(
        pd.DataFrame({"category_th": ["ด้านการศึกษา"], "persons": [3]}), "จำแนก", kr=kr),
    "buckets": lambda kr: charts.buckets_chart(["วันเดียวกัน"], [2], "ระยะเวลา", kr=kr),
    "league": lambda kr: charts.league_chart(kr5122_like(), 10, "รายเขต", kr=kr),
    "comparison": lambda kr: charts.comparison_chart(5.0, 6.0, 10, ("ก", "ข"), kr=kr),
    "map": lambda kr: charts.district_map({}, "ผลรายเขต", NAMES, kr=kr),
    "empty": lambda kr: charts.breakdown_chart(
        pd.DataFrame({"category_th": [], "persons": []}), "จำแนก", kr=kr),
}


@pytest.mark.parametrize("name", TITLED)
@pytest.mark.parametrize("kr", [KR, LONG_KR])
def test_every_chart_title_names_its_kr(name, kr):
    fig = TITLED[name](kr)
    _, renderer = render(fig)
    said = [t for t in drawn_texts(fig) if t.get_text().replace("\n", " ") == kr]
    assert len(said) == 1
    box = said[0].get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width  # fits the figure: nothing cut off
    assert overlapping(fig) == []


def test_report_charts_name_the_kr_from_its_definition(monkeypatch):
    """view.py passes each definition's code and name: no chart of a report is anonymous."""
    from pathlib import Path

    from krlib.compute.prepare import prepare
    from krlib.report import view as rp

    seen: list = []
    real = rp.png

    def capture(fig, alt, caption=""):
        seen.append(fig)
        return real(fig, alt, caption)

    monkeypatch.setattr(rp, "png", capture)
    drop = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"
    prep = prepare(drop, 2568, 2)
    for scope in (BMA, "1001"):
        v = rp.ReportView(prep, scope, rp.Suppression(0))
        for kr in v.krs.values():
            seen.clear()
            list(rp.kr_section(v, kr))
            assert seen, kr.code
            for fig in seen:
                words = " ".join(t.get_text().replace("\n", " ") for t in fig.findobj(Text))
                assert f"KR {kr.code} {kr.name_th}" in words


# --- determinism ----------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: charts.league_chart(kr5122_like(), 10, "รายเขต", kr=KR),
    lambda: _map(lambda i: ("met", "not_met")[i % 2]),
    lambda: charts.fiscal_years_chart(*FISCAL_YEARS["no cohort"][:2], 10, "แนวโน้ม",
                                      ("ปี 2568", "ปี 2567"), kr=KR),
])
def test_fitted_charts_are_deterministic(make):
    assert render(make())[0] == render(make())[0]


# --- on a phone -----------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_map_and_league_chart_are_legible_on_a_phone(tmp_path):
    """At 390 px the page does not overflow; the map and the 50-district chart keep a
    width at which their smallest words are ~12 px, and scroll sideways in their box. At
    1366 px they fit the page as before."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from krlib.compute.prepare import prepare
    from krlib.render import export as render
    from krlib.report import view as rp

    drop = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"
    v = rp.ReportView(prepare(drop, 2568, 2), BMA, rp.Suppression(0))
    body = rp.comparison(v, KRS["5122"]).data
    page_file = tmp_path / "BMA.html"
    page_file.write_text(f"<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'>"
                         "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                         f"<style>{render.report_css()}</style></head><body>"
                         f"<div class='jp-RenderedHTMLCommon'>{body}</div></body></html>",
                         encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=render.chromium_path(),
                                     args=render.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(page_file.as_uri(), wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            figures = page.evaluate("""[...document.querySelectorAll('figure.krlib-dense')]
                .map(f => [f.scrollWidth, f.clientWidth, f.querySelector('img').width,
                           f.querySelector('img').naturalWidth])""")
            assert len(figures) == 2  # the map and the league chart
            for scroll, client, shown, natural in figures:
                assert scroll > client and client <= 390  # scrolls in its own box
                # 7 pt at 200 dpi is 19.4 image pixels: at least 12 CSS pixels on the phone
                assert 7 / 72 * 200 * shown / natural >= 12
            page.set_viewport_size({"width": 1366, "height": 900})
            wide = page.evaluate("""[...document.querySelectorAll('figure.krlib-dense')]
                .map(f => [f.scrollWidth, f.clientWidth])""")
            assert all(scroll <= client for scroll, client in wide)
        finally:
            browser.close()
