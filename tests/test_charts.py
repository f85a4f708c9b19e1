"""krlib.report.charts: Thai labels render with Sarabun (no missing glyphs), PNGs are byte-for-byte
reproducible, NaN and empty data give a figure with a Thai note instead of an error."""

from __future__ import annotations

import io
import math
import warnings

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from krlib.fonts import sarabun_paths, use_sarabun_in_matplotlib
from krlib.report import charts

KR_NAME = "ร้อยละของคนไร้บ้านที่ผ่านการตรวจสอบสิทธิได้รับสวัสดิการ"
NAN = float("nan")


def png(fig: Figure) -> bytes:
    """Render with every warning an error: a missing Thai glyph fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return charts.figure_to_png_bytes(fig)


def texts(fig: Figure) -> str:
    """All text drawn in a figure (titles, labels, ticks, annotations, legends)."""
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def trend_df(percents=(40.0, NAN, 75.5, 80.0)) -> pd.DataFrame:
    n = len(percents)
    return pd.DataFrame({"quarter": range(1, n + 1), "percent": list(percents),
                         "numerator": [0 if math.isnan(p) else int(p) for p in percents],
                         "denominator": [0 if math.isnan(p) else 100 for p in percents]})


def league_df(n: int = 50) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 100, n).round(2)
    p[[1, 5]] = np.nan
    names = ["เขตพระนคร", "เขตป้อมปราบศัตรูพ่าย", "เขตสัมพันธวงศ์", "เขตราษฎร์บูรณะ",
             "เขตบางกอกใหญ่"]
    return pd.DataFrame({"scope_name_th": [f"{names[i % 5]}{i}" for i in range(n)],
                         "percent": p,
                         "met": [None if np.isnan(x) else bool(x >= 80) for x in p]})


ALL_CHARTS = {
    "trend": lambda: charts.trend_chart(trend_df(), 80, f"KR 8207 {KR_NAME}"),
    "breakdown": lambda: charts.breakdown_chart(
        pd.DataFrame({"category_th": ["การตรวจสุขภาพและการรักษาพยาบาล", "ด้านที่พักอาศัย",
                                      "บริการรถเคลื่อนที่ซัก อบ อาบ"],
                      "persons": [12, 0, 1_234]}), "จำนวนคนที่ได้รับบริการ — เขตพระนคร"),
    "league": lambda: charts.league_chart(league_df(), 80, "KR 8207 รายเขต — ไตรมาส 2"),
    "comparison": lambda: charts.comparison_chart(55.46, 61.2, 100,
                                                  ("เขตป้อมปราบศัตรูพ่าย", "กรุงเทพมหานคร")),
    "fiscal_years": lambda: charts.fiscal_years_chart(
        trend_df((40.0, 75.5)), trend_df((NAN, 30.0, 50.0, 60.0)), 80, "แนวโน้ม",
        ("ปีงบประมาณ 2568", "ปีงบประมาณ 2567")),
    "map": lambda: charts.district_map(
        {f"10{i:02d}": ("met", "not_met", "no_cases")[i % 3] for i in range(1, 51)},
        "ผลรายเขต", {"1001": "พระนคร", "1013": "สัมพันธวงศ์"}),
    "locator": lambda: charts.locator_map("1010", "เขตมีนบุรี", "ที่ตั้งของเขต"),
    "buckets": lambda: charts.buckets_chart(["วันเดียวกัน", "1-7 วัน"], [3, 1], "ระยะเวลา"),
}


def test_sarabun_files_and_matplotlib_registration():
    paths = sarabun_paths()
    assert {"Regular", "Bold"} <= paths.keys() and all(p.is_file() for p in paths.values())
    assert use_sarabun_in_matplotlib() == "Sarabun"
    assert use_sarabun_in_matplotlib() == "Sarabun"  # idempotent
    from matplotlib import font_manager, rcParams

    assert rcParams["font.family"] == ["Sarabun"]
    found = font_manager.findfont("Sarabun", fallback_to_default=False)
    assert "Sarabun" in found


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_thai_renders_without_missing_glyphs(name):
    fig = ALL_CHARTS[name]()
    data = png(fig)  # raises on "Glyph ... missing from font(s)"
    assert data.startswith(b"\x89PNG") and len(data) > 5_000
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in texts(fig))


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_png_is_deterministic(name):
    a = png(ALL_CHARTS[name]())
    b = png(ALL_CHARTS[name]())       # a fresh figure from the same data
    fig = ALL_CHARTS[name]()
    c, d = png(fig), png(fig)         # the same figure saved twice
    assert a == b == c == d
    assert b"Software" not in a and b"tIME" not in a and b"Creation" not in a


@pytest.mark.parametrize("name", ["trend", "map", "league"])
def test_png_is_what_matplotlib_draws_in_256_colours(name):
    """One draw into raw pixels gives the same PNG as matplotlib's own PNG quantised."""
    from PIL import Image

    fig = ALL_CHARTS[name]()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=charts.DPI)  # solves the layout, as the chart does
    fig.set_layout_engine("none")
    with Image.open(io.BytesIO(buf.getvalue())) as im:
        expected = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                              dither=Image.Dither.NONE)
    with Image.open(io.BytesIO(png(ALL_CHARTS[name]()))) as got:
        assert got.mode == "P" and got.size == expected.size
        assert got.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_png_size_and_resolution():
    data = png(ALL_CHARTS["trend"]())
    img = mpimg.imread(io.BytesIO(data))
    assert img.shape[1] == round(charts.WIDTH * charts.DPI)  # 1400 px: A4 text width at 200 ppi
    assert charts.DPI >= 200
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:  # the resolution is written in the file
        assert [round(v) for v in im.info["dpi"]] == [charts.DPI, charts.DPI]
    league_png = png(ALL_CHARTS["league"]())
    assert len(league_png) < 160_000  # 256-colour PNG: the 50-row chart stays small
    league = mpimg.imread(io.BytesIO(league_png))
    # 50 districts fit one A4 page: height / width below the page's text area (264 / 186 mm)
    assert league.shape[0] / league.shape[1] < 264 / 186 * 0.95


def test_trend_nan_quarter_is_a_gap_with_a_note():
    fig = charts.trend_chart(trend_df((40.0, NAN, 75.5)), 80, "แนวโน้ม")
    ax = fig.axes[0]
    visible = [p for p in ax.patches if p.get_visible()]
    assert len(visible) == 2  # no bar for quarter 2
    assert charts.NO_DATA_TH in texts(fig)
    assert "40.00 %" in texts(fig) and "75.50 %" in texts(fig)
    assert "เป้าหมาย" in texts(fig)
    png(fig)


def test_trend_accepts_pandas_na():
    df = trend_df((40.0, 50.0)).astype({"percent": "Float64"})
    df.loc[1, "percent"] = pd.NA
    fig = charts.trend_chart(df, 80, "แนวโน้ม")
    assert charts.NO_DATA_TH in texts(fig)
    png(fig)


@pytest.mark.parametrize("make", [
    lambda: charts.trend_chart(trend_df(()), 80, "แนวโน้ม"),
    lambda: charts.trend_chart(trend_df((NAN, NAN)), 80, "แนวโน้ม"),
    lambda: charts.breakdown_chart(pd.DataFrame({"category_th": [], "persons": []}), "จำแนก"),
    lambda: charts.breakdown_chart(pd.DataFrame({"category_th": ["ก", "ข"], "persons": [0, 0]}),
                                   "จำแนก"),
    lambda: charts.league_chart(pd.DataFrame({"scope_name_th": [], "percent": [], "met": []}),
                                80, "รายเขต"),
], ids=["trend-no-rows", "trend-all-nan", "breakdown-no-rows", "breakdown-zeros", "league-empty"])
def test_no_cases_gives_a_thai_message(make):
    fig = make()
    assert isinstance(fig, Figure)
    assert charts.EMPTY_TH in texts(fig)
    png(fig)


def test_league_sorted_and_coloured_by_met():
    df = pd.DataFrame({"scope_name_th": ["เขตก", "เขตข", "เขตค", "เขตง"],
                       "percent": [50.0, NAN, 90.0, 79.99],
                       "met": [False, None, True, False]})
    fig = charts.league_chart(df, 80, "รายเขต")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ys = [t.get_position()[1] for t in ax.get_yticklabels()]
    top_down = [name for _, name in sorted(zip(ys, labels), reverse=True)]
    assert top_down == ["ค", "ง", "ก", "ข"]  # highest first, no-case district last
    colours = {round(b.get_y() + b.get_height() / 2): b.get_facecolor() for b in ax.patches}
    from matplotlib.colors import to_rgba

    assert colours[3] == to_rgba(charts.MET)
    assert colours[2] == colours[1] == to_rgba(charts.NOT_MET)
    assert colours[0] == to_rgba(charts.NO_CASES)
    assert charts.NO_CASES_TH in texts(fig)
    png(fig)


def test_not_met_is_hatched_and_bangkok_never_uses_met_colours():
    from matplotlib.colors import to_rgba

    fig = charts.league_chart(league_df(), 80, "รายเขต")
    for bar in fig.axes[0].patches:
        if bar.get_facecolor() == to_rgba(charts.NOT_MET):
            assert bar.get_hatch() == charts.NOT_MET_HATCH  # not colour alone
    comp = charts.comparison_chart(55.46, 61.2, 100, ("เขตพระนคร", "กรุงเทพมหานคร"))
    faces = {b.get_facecolor() for b in comp.axes[0].patches}
    assert not faces & {to_rgba(charts.MET), to_rgba(charts.NOT_MET)}


def test_person_axes_have_whole_numbers_only():
    fig = charts.breakdown_chart(pd.DataFrame({"category_th": ["ก", "ข"], "persons": [1, 2]}),
                                 "จำแนก")
    png(fig)
    ticks = fig.axes[0].get_xticks()
    assert all(float(t).is_integer() for t in ticks)


def test_map_counts_in_legend_and_attribution():
    status = {f"10{i:02d}": "met" if i <= 3 else "not_met" for i in range(1, 51)}
    fig = charts.district_map(status, "ผลรายเขต")
    text = texts(fig)
    assert "บรรลุค่าเป้าหมาย (3 เขต)" in text and "ยังไม่บรรลุ (47 เขต)" in text
    assert charts.MAP_CREDIT_TH in text
    assert len(charts.district_shapes()) == 50
    assert charts.MAP_CREDIT_TH in texts(charts.locator_map("1001", "เขตพระนคร", "ที่ตั้ง"))


def test_league_uses_target_when_met_is_missing():
    df = pd.DataFrame({"scope_name_th": ["เขตก", "เขตข"], "percent": [85.0, 10.0]})
    fig = charts.league_chart(df, 80, "รายเขต")
    from matplotlib.colors import to_rgba

    faces = sorted((b.get_width(), b.get_facecolor()) for b in fig.axes[0].patches)
    assert faces[0][1] == to_rgba(charts.NOT_MET) and faces[1][1] == to_rgba(charts.MET)


def test_comparison_with_missing_bangkok_value():
    fig = charts.comparison_chart(55.46, NAN, 100, ("เขตพระนคร", "กรุงเทพมหานคร"))
    assert "55.46 %" in texts(fig) and charts.NO_DATA_TH in texts(fig)
    png(fig)


def test_charts_do_not_touch_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    for make in ALL_CHARTS.values():
        make()
    assert plt.get_fignums() == before


def test_fiscal_years_chart_says_why_a_quarter_has_no_bar():
    this = trend_df((NAN, 75.5)).assign(note=["ไม่มีกลุ่มเป้าหมาย", ""])
    prev = trend_df((NAN, 30.0, 50.0, 60.0)).assign(note=["ไม่มีข้อมูล", "", "", ""])
    fig = charts.fiscal_years_chart(this, prev, 80, "แนวโน้ม", ("ปี 2568", "ปี 2567"))
    text = texts(fig)
    assert "ไม่มีกลุ่มเป้าหมาย" in text and charts.NO_DATA_TH in text
    assert "75.50 %" in text and "30.00 %" in text
    assert "ปี 2568" in text and "ปี 2567" in text  # the legend names both years
    png(fig)
