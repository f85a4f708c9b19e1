"""What the report shows: narrative from computed values, small-number suppression,
ranks, 'no cases' statements, and the prepared aggregates round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from krlib.compute.prepare import Prepared, prepare
from krlib.contract.kr import KRS
from krlib.contract.scopes import BMA
from krlib.report import view as rp
from krlib.report.formats import count_text, percent_text, points_text
from krlib.thai import thai_date

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"


@pytest.fixture(scope="module")
def prep() -> Prepared:
    return prepare(EXAMPLE, 2568, 2)


def test_suppression_counts_and_percents():
    sup = rp.Suppression(5)
    assert [sup.count(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    # percent withheld when numerator, denominator or the gap between them is small
    assert sup.percent(50.0, 3, 6) == "ไม่เปิดเผย"
    assert sup.percent(96.0, 48, 50) == "ไม่เปิดเผย"  # 2 not served would be revealed
    assert sup.percent(60.0, 30, 50) == "60.00 %"
    assert sup.percent(0.0, 0, 50) == "0.00 %"
    assert sup.percent(float("nan"), 0, 0) == "–"
    assert rp.Suppression(0).count(1) == "1" and rp.Suppression(0).rule_th == ""
    assert "<5" in sup.rule_th


def test_prepared_round_trip(prep, tmp_path):
    path = prep.save(tmp_path / "prepared.json")
    back = Prepared.load(path)
    assert back.period == prep.period
    pd.testing.assert_frame_equal(back.indicators.results.reset_index(drop=True),
                                  prep.indicators.results.reset_index(drop=True),
                                  check_dtype=False)
    assert back.sources == prep.sources
    assert back.to_json() == prep.to_json()


def test_prepared_holds_no_row_level_data(prep):
    text = prep.to_json()
    for needle in ("H000001", "R000001", "8728056931669", "สมศรี"):
        assert needle not in text


def view(prep, scope, below=0, **kw) -> rp.ReportView:
    return rp.ReportView(prep, scope, rp.Suppression(below), **kw)


def text_of(objs) -> str:
    objs = objs if isinstance(objs, list) else [objs]
    return "\n".join(o.data for o in objs)


def test_summary_card_from_computed_values(prep):
    card = rp.kr_card(view(prep, "1026"), KRS["8207"])  # 3 / 4 = 75.00 % in the example
    assert "75.00 %" in card and "<b>3</b> / <b>4</b>" in card
    assert "✘ ยังไม่บรรลุค่าเป้าหมาย" in card  # words and symbol, not colour alone
    assert "เพิ่มอีก 1 คน" in card
    assert "%" not in card.replace(" %", "")  # one percent style: "75.00 %"


def test_still_needed_uses_the_kr_own_words(prep):
    kr = KRS["5122"]
    phrase = rp.still_needed_th(kr, "9")
    assert "ฟื้นฟูสภาพทางสังคม" in phrase and "ต้องให้บริการ" not in phrase


def test_summary_suppressed(prep):
    card = rp.kr_card(view(prep, "1026", 5), KRS["8207"])
    assert "75.00" not in card and "&lt;5" in card and "ไม่เปิดเผย" in card


def test_no_cases_statement(prep):
    v = view(prep, "1002")
    card = rp.kr_card(v, KRS["8207"])  # 0 / 0 in the worked example
    assert rp.NO_CASES_TH in card and "no cases" not in card


def test_rank_and_league(prep):
    kr = KRS["5122"]
    v = view(prep, "1024")
    league = rp.league_frame(v, kr)
    assert len(league) == 50
    # 1022 has 100 %, the highest in Q2 of the worked example
    assert league.iloc[0].scope_code == "1022" and league.iloc[0]["rank"] == 1
    no_cases = league[league.denominator == 0]
    assert no_cases["rank"].isna().all()
    assert "อันดับที่ <b>2</b>" in rp.comparison(v, kr).data


def test_league_table_reconciles_with_an_unknown_row(prep):
    kr = KRS["8207"]
    v = view(prep, BMA)
    league = rp.league_frame(v, kr)
    un, ud = rp.unknown_row(v, kr)
    bma = v.result(kr, BMA)
    assert league.numerator.sum() + un == bma.numerator
    assert league.denominator.sum() + ud == bma.denominator
    table = rp.league_table(v, kr).data
    assert rp.UNKNOWN_TH in table and "รวมกรุงเทพมหานคร" in table


def test_key_figures_line(prep):
    lines = rp.key_figures(view(prep, BMA)).splitlines()
    assert lines == ["KR 8207 BMA 2568-Q2: 9/16 percent=56.25 met=false",
                     "KR 5122 BMA 2568-Q2: 2/31 percent=6.45 met=false"]


def test_trend_has_every_quarter_to_date_and_the_previous_year(prep):
    v = view(prep, BMA)
    t = rp.trend_frame(v, KRS["8207"])
    assert t["quarter"].tolist() == [1, 2]
    assert t.iloc[1]["percent"] == 56.25
    assert rp.trend_frame(v, KRS["8207"], 2567)["quarter"].tolist() == [1, 2, 3, 4]


def test_changes_say_no_data_where_the_drop_does_not_cover_the_period(prep):
    import copy

    v = view(prep, BMA)
    kr = KRS["8207"]
    card = rp.kr_card(v, kr)
    q1, last = v.result(kr, quarter=1), v.result(kr, fiscal_year=2567, quarter=2)
    assert f"+16.25 จุดร้อยละ (จาก {percent_text(q1.percent)})" in card  # 56.25 - 40.00
    assert f"{points_text(56.25 - last.percent)} (จาก {percent_text(last.percent)})" in card
    # a drop without FY2567 records: Bangkok has no person in those windows
    empty = copy.deepcopy(prep)
    r = empty.indicators.results
    r.loc[r.fiscal_year == 2567, ["numerator", "denominator"]] = 0
    assert "ปีงบประมาณ 2567: ไม่มีข้อมูล" in rp.kr_card(view(empty, BMA), kr)
    assert "ปีงบประมาณ 2567: ไม่มีข้อมูล" in rp.kr_card(view(empty, "1026"), kr)


def test_escaping_of_values_from_input(prep):
    hostile = "<img src=x onerror=alert(1)>"
    v = view(prep, "1026", data_name=hostile, signoff={"prepared_by": {"name": hostile}})
    page = rp.provenance(v, {"district": hostile}).data + rp.signoff(v).data
    assert hostile not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    frame = pd.DataFrame({"จุดบริการ": [hostile]})
    assert hostile not in rp.html_table(frame).data


def test_page_header_is_a_safe_css_string(prep):
    css = rp._css_string('เขต "x" </style><script>')
    assert '"' not in css[1:-1] and "<" not in css and ">" not in css
    style = rp.page_style(view(prep, "1026")).data
    assert style.count("<style>") == 1 and style.endswith("</style>")
    assert "@top-center" in style and "@bottom-left" in style


def test_provenance_prints_no_local_path(prep, tmp_path):
    v = view(prep, BMA, data_name="drop")
    text = rp.provenance(v, {"fiscal_year": 2568}).data
    assert str(tmp_path.parent) not in text and str(EXAMPLE) not in text
    assert "drop" in text and 'href="notebooks/BMA.ipynb"' in text


def test_unavailable_kr_is_explained(tmp_path):
    import shutil

    drop = tmp_path / "drop"
    shutil.copytree(EXAMPLE, drop)
    (drop / "rehab_services.xlsx").chmod(0o644)
    (drop / "rehab_services.xlsx").unlink()
    p = prepare(drop, 2568, 2)
    kr = KRS["5122"]
    v = view(p, BMA)
    assert not v.available(kr)
    card = rp.kr_card(v, kr)
    assert "ไม่สามารถคำนวณได้" in card and "rehab_services" in card
    assert "unavailable" in rp.key_figures(v)


def test_thai_date():
    from datetime import date

    assert thai_date(date(2024, 10, 1)) == "1 ต.ค. 2567"
    assert thai_date("2025-09-30") == "30 ก.ย. 2568"
    assert points_text(1.254) == "+1.25 จุดร้อยละ" and points_text(-0.5) == "\u22120.50 จุดร้อยละ"
    assert points_text(0) == "0.00 จุดร้อยละ"
    assert count_text(1538) == "1,538" and percent_text(84.79) == "84.79 %"


def _with_new_frames(prep):
    """The prepared data as the KR-definition and timeliness work adds it."""
    import copy

    p = copy.deepcopy(prep)
    p.indicators.disaggregation = pd.DataFrame({
        "kr_code": ["8207"] * 3, "fiscal_year": [2568] * 3, "quarter": [2] * 3,
        "scope_code": ["1026"] * 3, "dimension": ["sex", "sex", "service_point"],
        "category": ["female", "male", "<b>จุดที่ 1</b>"], "numerator": [2, 1, 3],
        "denominator": [2, 2, 4], "percent": [100.0, 50.0, 75.0]})
    p.indicators.timeliness = pd.DataFrame({
        "kr_code": ["8207"], "fiscal_year": [2568], "quarter": [2], "scope_code": ["1026"],
        "served": [3], "median_days": [4.0], "days_0": [1], "days_1_7": [1], "days_8_30": [1],
        "days_31_90": [0], "days_91_plus": [0], "waiting": [1]})
    p.warnings = [{"kind": "future_dates", "table": "homeless_services", "reason": "x",
                   "rows": 3, "share": 0.01, "kr_code": "8207",
                   "message_th": "มีวันที่ในอนาคต <3 แถว>", "message_en": "future dates"}]
    return p


def test_disaggregation_tables_in_thai_with_the_target(prep):
    v = view(_with_new_frames(prep), "1026")
    html = text_of(rp.disaggregations(v, KRS["8207"]))
    assert "จำแนกตามเพศ" in html and "หญิง" in html and "ชาย" in html
    assert "female" not in html and "&lt;b&gt;จุดที่ 1&lt;/b&gt;" in html
    assert "100.00 %" in html and "✔ บรรลุ" in html and "✘ ไม่บรรลุ" in html
    hidden = text_of(rp.disaggregations(view(_with_new_frames(prep), "1026", 5), KRS["8207"]))
    assert "100.00 %" not in hidden and "&lt;5" in hidden


def test_timeliness_line_chart_and_worklist_command(prep):
    v = view(_with_new_frames(prep), "1026", data_name="drop")
    kr = KRS["8207"]
    assert "มัธยฐาน" in rp.kr_card(v, kr) and "<b>4</b> วัน" in rp.kr_card(v, kr)
    html = rp.timeliness(v, kr).data
    assert 'alt="แผนภูมิแท่งจำนวนคนตามจำนวนวัน' in html
    assert ("krlib worklist --data drop \\\n  --fiscal-year 2568 --quarter 2 --kr 8207 "
            "--district 1026 \\\n  --out โฟลเดอร์ส่วนตัว/worklist-2568-Q2-8207-1026.csv") in html
    assert "ยังไม่ได้รับบริการ <b>1</b> คน" in html  # 4 - 3


def test_waiting_by_days_in_the_timeliness_section(prep):
    """Contract v3's waiting_* buckets: a small Thai table under the worklist line, in the
    report's number style and publication rule; nothing when the figures lack them."""
    p = _with_new_frames(prep)
    kr = KRS["8207"]
    assert rp.waiting_table(view(p, "1026"), kr) == ""  # an older prepared file: no table
    assert "รอรับบริการมาแล้ว" not in rp.timeliness(view(p, "1026"), kr).data
    t = p.indicators.timeliness
    p.indicators.timeliness = t.assign(waiting=[1234], waiting_0=[0], waiting_1_7=[3],
                                       waiting_8_30=[1230], waiting_31_90=[0],
                                       waiting_91_plus=[1])
    html = rp.timeliness(view(p, "1026"), kr).data
    assert "<p>ผู้ที่ยังรอรับบริการ จำแนกตามจำนวนวันที่รอมาแล้ว นับถึงวันที่ 31 มี.ค. 2568</p>" in html
    assert html.index("krlib worklist") < html.index("รอรับบริการมาแล้ว")
    table = html[html.index("รอรับบริการมาแล้ว"):]
    heads = [c.split("<")[0] for c in table.split("<th>")[1:]]
    assert heads == ["0 วัน", "1-7 วัน", "8-30 วัน", "31-90 วัน", "91 วันขึ้นไป"]
    cells = [c.split("<")[0] for c in table.split("<td>")[1:]]
    assert cells == ["จำนวนคน", "0", "3", "1,230", "0", "1"]
    hidden = rp.waiting_table(view(p, "1026", 5), kr)
    assert "<td>&lt;5</td>" in hidden and "<td>1,230</td>" in hidden
    assert rp.waiting_table(view(p, "1001"), kr) == ""  # no timeliness row for the scope


def test_warnings_banner_is_escaped_thai(prep):
    v = view(_with_new_frames(prep), BMA)
    html = rp.summary(v).data
    assert "ข้อควรระวังเกี่ยวกับข้อมูล" in html and "มีวันที่ในอนาคต &lt;3 แถว&gt;" in html
    assert "future dates" not in html
    assert "ข้อควรระวัง" not in rp.summary(view(prep, BMA)).data


def test_kr_section_headings_come_from_the_definition(prep):
    v = view(prep, "1026")
    for kr in KRS.values():
        html = text_of(rp.kr_section(v, kr))
        assert f"<h2 class=\"kr-heading\">{kr.name_th}</h2>" in html
        assert "<h4" not in html
    v = view(prep, "1003")  # 8207: 0 / 0, 5122: 0 / 2 in the worked example
    assert not v.no_cases and v.has_cases(KRS["5122"])
    assert rp.NO_CASES_TH in text_of(rp.kr_section(v, KRS["8207"]))
    empty = [c for c in rp.scopes().scope_code
             if c != BMA and not any(view(prep, c).has_cases(k) for k in KRS.values())][0]
    assert view(prep, empty).no_cases and rp.kr_section(view(prep, empty), KRS["8207"]) == []


def test_map_and_league_say_withheld_only_when_something_is_suppressed(prep):
    kr = KRS["8207"]
    plain = rp.comparison(view(prep, BMA), kr).data
    hidden = rp.comparison(view(prep, BMA, 5), kr).data
    assert "หรือไม่เปิดเผย" not in plain and "ไม่มีกลุ่มเป้าหมาย" in plain
    assert "ไม่มีกลุ่มเป้าหมาย หรือไม่เปิดเผย" in hidden


def test_labels_follow_the_method():
    """The contract's window says สะสม; a quarter-alone method study never does."""
    contract = prepare(EXAMPLE, 2568, 2)
    alone = prepare(EXAMPLE, 2568, 2, cumulative=False)
    kr = KRS["8207"]
    text = rp.summary(view(contract, BMA)).data + rp.fiscal_years(view(contract, BMA), kr).data
    assert "สะสม" in text and "เฉพาะไตรมาส" not in text
    text = rp.summary(view(alone, BMA)).data + rp.fiscal_years(view(alone, BMA), kr).data
    assert "เฉพาะไตรมาส" in text and "สะสม" not in text


def test_provenance_names_parameters_in_thai_with_be_dates(prep):
    """Issue 24 item 14: a reader sees ปีงบประมาณ พ.ศ. 2568, not ``fiscal_year = 2568``."""
    v = view(prep, "1039", data_name="drop")
    text = rp.provenance(v, {"fiscal_year": 2568, "quarter": 2, "district": "1039",
                             "data_as_of": "2025-04-05", "suppress_below": 0}).data
    assert "ปีงบประมาณ พ.ศ. 2568" in text and "ไตรมาส 2" in text and "รหัสพื้นที่ 1039" in text
    assert "ข้อมูล ณ วันที่ 5 เม.ย. 2568" in text
    assert "fiscal_year" not in text and "data_as_of" not in text and "2025" not in text


def test_report_wording_is_formal_and_a_dash_has_no_unit(prep):
    """Issue 24 item 15: no colloquial ลงเอย, the breakdown's own category word, no
    "– วัน" after a missing median."""
    v = view(prep, "1039")
    quality = "".join(part.data for part in rp.quality_section(view(prep, BMA)))
    assert "ลงเอย" not in quality and "กรณีใดกรณีหนึ่ง" in quality
    for kr in v.krs.values():
        if v.available(kr):
            assert f"แต่ละ{rp.breakdown_label(kr)}" in rp.breakdown(v, kr).data
            assert "– วัน" not in rp.timeliness_line(v, kr)
