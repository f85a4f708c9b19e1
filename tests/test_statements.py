"""What a report states (issue 24, items 1-5 and 7), checked on the display objects and on
the charts themselves: three states in three words, one framing of "met", ties, the
printed worklist command, and charts made from the frame their table and alt text use."""

from __future__ import annotations

import copy
import html as htmllib
import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.text import Text

from krlib import thai
from krlib.compute import alerts
from krlib.compute.indicators import BMA
from krlib.compute.prepare import Prepared, prepare
from krlib.contract.kr import KRS
from krlib.report import charts
from krlib.report import view as rp
from krlib.report.formats import percent_text

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"


@pytest.fixture(scope="module")
def prep() -> Prepared:
    return prepare(EXAMPLE, 2568, 2)


def view(prep, scope, below=0, **kw) -> rp.ReportView:
    return rp.ReportView(prep, scope, rp.Suppression(below), **kw)


@pytest.fixture
def drawn(monkeypatch):
    """Every chart a display function embeds, with its alt text: [(figure, alt)]."""
    seen: list = []
    real = rp.png

    def capture(fig, alt, caption=""):
        seen.append((fig, alt))
        return real(fig, alt, caption)

    monkeypatch.setattr(rp, "png", capture)
    return seen


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def visible(page: str) -> str:
    """The text a reader sees, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def table_rows(page: str, caption: str = "") -> list[list[str]]:
    """The body rows of the first table (after ``caption``) as visible cell texts."""
    start = page.index(caption) if caption else 0
    body = page[start:].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row,
                                                              flags=re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)]


# --- item 2: three states, three words ---------------------------------------------------

def test_the_three_states_have_three_words_in_one_module():
    words = {thai.NOT_COVERED_TH, thai.EMPTY_COHORT_TH, thai.NONE_SERVED_TH}
    assert len(words) == 3
    assert rp.STATE_TH == {"not_covered": thai.NOT_COVERED_TH,
                           "empty": thai.EMPTY_COHORT_TH, "withheld": thai.WITHHELD_TH}
    assert charts.NO_CASES_TH == thai.EMPTY_COHORT_TH
    assert rp.NO_CASES_TH == thai.NO_CASES_TH


def _three_states(prep, scope: str, kr_code: str) -> Prepared:
    """``scope`` with KR ``kr_code``: Q1 of this year an empty target group, Q2 a target
    group nobody was served in, and a drop that does not cover the previous fiscal year."""
    p = copy.deepcopy(prep)
    ind = p.indicators
    r = ind.results
    mine = (r.kr_code == kr_code) & (r.scope_code == scope)
    r.loc[mine & (r.fiscal_year == 2568) & (r.quarter == 1),
          ["numerator", "denominator", "percent"]] = [0, 0, float("nan")]
    r.loc[mine & (r.fiscal_year == 2568) & (r.quarter == 1), "met_target"] = None
    now = mine & (r.fiscal_year == 2568) & (r.quarter == 2)
    r.loc[now, ["numerator", "denominator", "percent"]] = [0, 8, 0.0]
    r.loc[now, "met_target"] = False
    r.loc[(r.kr_code == kr_code) & (r.fiscal_year == 2567),
          ["numerator", "denominator", "percent"]] = [0, 0, float("nan")]
    b = ind.breakdown
    ind.breakdown = b[~((b.kr_code == kr_code) & (b.scope_code == scope))]
    ind.timeliness = pd.DataFrame({
        "kr_code": [kr_code], "fiscal_year": [2568], "quarter": [2], "scope_code": [scope],
        "served": [0], "median_days": [float("nan")], "days_0": [0], "days_1_7": [0],
        "days_8_30": [0], "days_31_90": [0], "days_91_plus": [0], "waiting": [8]})
    return p


def test_each_state_says_its_own_word_on_page_one(prep):
    kr = KRS["5122"]
    v = view(_three_states(prep, "1026", "5122"), "1026")
    card = visible(rp.kr_card(v, kr))
    assert "0.00 %" in card and "0 / 8" in card  # nobody served: a real 0 %
    assert f"เทียบกับไตรมาส 1 ปีงบประมาณ 2568: {thai.EMPTY_COHORT_TH}" in card
    assert f"เทียบกับไตรมาส 2 ปีงบประมาณ 2567: {thai.NOT_COVERED_TH}" in card
    assert f"ระยะเวลาจนได้รับบริการครั้งแรก: {thai.NONE_SERVED_TH}" in card


def test_each_state_says_its_own_word_in_the_trend_table_chart_and_alt(prep, drawn):
    kr = KRS["5122"]
    v = view(_three_states(prep, "1026", "5122"), "1026")
    page = rp.fiscal_years(v, kr).data
    rows = table_rows(page)
    assert rows[0] == ["ไตรมาส 1", thai.EMPTY_COHORT_TH, thai.NOT_COVERED_TH]
    assert rows[1] == ["ไตรมาส 2", "0.00 % (0 / 8)", thai.NOT_COVERED_TH]
    assert rows[2][1] == rows[3][1] == "–"  # quarters still to come
    (fig, alt), = drawn
    words = texts(fig)
    assert words.count(thai.EMPTY_COHORT_TH) == 1 and "0.00 %" in words
    assert words.count(thai.NOT_COVERED_TH) == 4  # every quarter of FY2567
    assert f"ไตรมาส 1 ปีงบประมาณ 2568 {thai.EMPTY_COHORT_TH}" in alt
    assert "ไตรมาส 2 ปีงบประมาณ 2568 0.00 % (0 / 8)" in alt
    assert f"ไตรมาส 4 ปีงบประมาณ 2567 {thai.NOT_COVERED_TH}" in alt


def test_nobody_served_is_not_no_data_on_the_charts(prep, drawn):
    kr = KRS["5122"]
    v = view(_three_states(prep, "1026", "5122"), "1026")
    page = rp.breakdown(v, kr).data + rp.timeliness(v, kr).data
    assert len(drawn) == 2
    said = thai.none_served_th("8")
    for fig, alt in drawn:
        assert said in texts(fig) and said in alt
        assert charts.EMPTY_TH not in texts(fig) and thai.NOT_COVERED_TH not in alt
    assert charts.EMPTY_TH not in page


def test_a_withheld_count_is_labelled_as_the_table_says(prep, drawn):
    """Suppressed: the bar of a hidden count is drawn at 0 but labelled <2, as the table."""
    v = view(prep, BMA, 2)  # Bangkok's welfare types: 0, 1 and more persons
    page = rp.breakdown(v, KRS["8207"]).data
    (fig, alt), = drawn
    table = [row[1] for row in table_rows(page)]
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == table and "<2" in labels and "0" in labels and "4" in labels


# --- item 1: the printed command runs -----------------------------------------------------

def command_of(page: str) -> str:
    (code,) = re.findall(r'<code class="krlib-command">(.*?)</code>', page, flags=re.S)
    return htmllib.unescape(code)


def test_worklist_command_names_everything_but_the_private_file(prep):
    hostile = "<img src=x onerror=alert(1)> ข้อมูล"
    v = view(prep, "1026", data_name=hostile)
    page = rp.timeliness(v, KRS["8207"]).data
    assert "<img src=x" not in page  # escaped
    command = command_of(page)
    lines = command.splitlines()
    assert len(lines) == 3 and all(line.endswith(" \\") for line in lines[:2])
    assert max(len(line) for line in lines) < 80  # short enough not to wrap on the page
    args = shlex.split(command.replace("\\\n", ""))  # the shell's line continuation
    assert args[:2] == ["krlib", "worklist"]
    opts = dict(zip(args[2::2], args[3::2]))
    assert opts == {"--data": hostile, "--fiscal-year": "2568", "--quarter": "2",
                    "--kr": "8207", "--district": "1026",
                    "--out": f"{thai.PRIVATE_FOLDER_TH}/worklist-2568-Q2-8207-1026.csv"}
    assert f"โดยแทน {thai.PRIVATE_FOLDER_TH} ด้วย" in visible(page)


def test_bangkok_prints_no_placeholder_district(prep):
    page = rp.timeliness(view(prep, BMA, data_name="drop"), KRS["8207"]).data
    assert "รหัสเขต" not in page and "krlib worklist" not in page
    assert "คำสั่งที่พิมพ์ไว้ในรายงานของเขตนั้น" in page


# --- item 4: one framing, ties --------------------------------------------------------------

def _tied(prep, kr_code: str, scopes: list[str], percent: float) -> Prepared:
    p = copy.deepcopy(prep)
    r = p.indicators.results
    rows = ((r.kr_code == kr_code) & r.scope_code.isin(scopes) & (r.fiscal_year == 2568)
            & (r.quarter == 2))
    r.loc[rows, ["numerator", "denominator", "percent"]] = [100, 100, percent]
    r.loc[rows, "met_target"] = True
    return p


def test_met_framing_is_one_sentence_everywhere(prep):
    from krlib.report.index_page import index_context

    kr = KRS["8207"]
    met, ranked = rp.met_count(view(prep, BMA), kr)
    said = thai.met_of_th(met, ranked)
    district = visible(rp.comparison(view(prep, "1026"), kr).data)
    bma = visible(rp.comparison(view(prep, BMA), kr).data)
    assert said in district and said in bma
    assert "จาก 50 เขต" not in district
    context = index_context(Path("."), prep, [])
    (k,) = [k for k in context["krs"] if k["short"] == "KR 8207"]
    assert visible(str(k["met_of"])) == said and f"<b>{met}</b>" in str(k["met_of"])


def test_a_shared_rank_says_so_in_the_sentence_and_the_table(prep):
    kr = KRS["8207"]
    # the worked example has 1018 and 1033 at 100 %: with three more, five share rank 1
    p = _tied(prep, "8207", ["1026", "1001", "1002"], 100.0)
    text = visible(rp.comparison(view(p, "1026"), kr).data)
    ranked = rp.met_count(view(p, BMA), kr)[1]
    assert f"อันดับที่ 1 ร่วมกับอีก 4 เขต จาก {ranked} เขตที่มีกลุ่มเป้าหมาย" in text
    rows = table_rows(rp.league_table(view(p, BMA), kr).data)
    assert [row[0] for row in rows[:5]] == ["1 ร่วม"] * 5 and rows[5][0] == "6"
    alone = _tied(prep, "8207", ["1026"], 99.0)  # after the two at 100 %, alone
    assert "อันดับที่ 3 จาก" in visible(rp.comparison(view(alone, "1026"), kr).data)


# --- item 5: chart, table and alt text from one frame ---------------------------------------

def test_league_chart_table_and_alt_text_agree(prep, drawn):
    kr = KRS["8207"]
    p = _tied(prep, "8207", ["1050", "1049", "1001", "1026"], 100.0)  # ties: names vs codes
    v = view(p, BMA)
    page = rp.comparison(v, kr).data
    rows = table_rows(page, "ผลรายเขต")[:50]  # the districts, then unknown and Bangkok
    (_, _), (fig, alt) = drawn  # the map, then the league chart
    ax = fig.axes[0]
    ticks = sorted(((t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()),
                   reverse=True)
    assert [name for _, name in ticks] == [row[1].removeprefix("เขต") for row in rows]
    labels = sorted(((a.xy[1], a.get_text()) for a in ax.texts), reverse=True)
    assert [text for _, text in labels] == [
        row[4] if row[4] != "–" else thai.EMPTY_COHORT_TH for row in rows]
    top = re.findall(r"(เขต\S+) (\S+ %) \(อันดับที่ ([^)]*)\)", alt)
    assert top == [(row[1], row[4], row[0]) for row in rows[:3]]


@pytest.mark.parametrize("scope", [BMA, "1026"])
def test_trend_chart_table_and_alt_text_agree(prep, drawn, scope):
    """Every bar the chart shows is in the table and the alt text (FY2567 Q3-Q4 too)."""
    kr = KRS["8207"]
    v = view(prep, scope)
    page = rp.fiscal_years(v, kr).data
    rows = table_rows(page)
    (fig, alt), = drawn
    frame = rp.fiscal_years_frame(v, kr)
    ax = fig.axes[0]
    shown = {}
    for a in ax.texts:
        if a.get_text().startswith("เป้าหมาย"):
            continue
        x = a.xy[0]
        shown[(2568 if x > round(x) else 2567, round(x))] = a.get_text()
    drawn_rows = frame[frame.drawn]
    assert set(shown) == set(zip(drawn_rows.fiscal_year, drawn_rows.quarter))
    for r in drawn_rows.itertuples():
        cell = rows[r.quarter - 1][1 if r.fiscal_year == 2568 else 2]
        assert cell == r.text
        word = percent_text(r.percent) if r.note == "" else r.note
        assert shown[(r.fiscal_year, r.quarter)] == word and cell.startswith(word)
        assert f"{rp.QUARTER_TH[r.quarter]} " in alt and f"ปีงบประมาณ {r.fiscal_year} {cell}" in alt
    assert "ไตรมาส 4 ปีงบประมาณ 2567" in alt  # the chart's previous-year bars


# --- item 7: the warnings banner speaks Thai ------------------------------------------------

def test_warning_messages_name_tables_in_thai(make_drop):
    from krlib.clean.tables import load_drop
    from krlib.compute.indicators import compute
    from krlib.contract.periods import Period

    head = ["reg_id", "district", "registered_on", "eligibility"]
    regs = [head, ["H1", "1001", "15/13/2567", "ผ่าน"], ["H2", "1001", "x", "ผ่าน"],
            ["H3", "1001", "2019-01-02", "ผ่าน"]]  # one kept row, none in the window
    services = [["reg_id", "service_date", "service_type"], ["H3", "2019-01-03", "food"]]
    refs = [["referral_id", "district", "referred_on"], ["R1", "1001", "x"],
            ["R2", "1001", "2025-01-02"]]
    rehab = [["referral_id", "service_date", "domain"], ["R2", "2025-01-03", "1"]]
    drop = make_drop(homeless_registrations=regs, homeless_services=services,
                     rehab_referrals=refs, rehab_services=rehab)
    clean = load_drop(drop)
    q2 = Period(2568, 2)
    warned = alerts.collect(clean, compute(clean, [q2]), q2)
    assert {w.kind for w in warned} == {"rejections", "empty_cohort"}
    for w in warned:
        assert re.sub(r"\([^)]*\.csv\)", "", w.message_th).isascii() is False
        assert not re.search(r"\b(homeless|rehab)_[a-z_]+\b(?!\.csv)", w.message_th), w
    banner = rp.warnings_banner(view(prepare(drop, 2568, 2), BMA))
    assert "ทะเบียนคนไร้บ้าน (homeless_registrations.csv)" in banner
    assert "การส่งต่อเพื่อฟื้นฟูสภาพทางสังคม (rehab_referrals.csv)" in banner
    assert "rehab_referrals (" not in banner and "homeless_registrations (" not in banner


def test_a_reader_note_is_thai_in_the_banner():
    th, raw = alerts._note("rehab_referrals", "rehab_referrals.csv",
                           "rehab_referrals.csv: คอลัมน์ district ซ้ำ ใช้คอลัมน์ เขต / column "
                           "district appears 2 times")
    assert th == "การส่งต่อเพื่อฟื้นฟูสภาพทางสังคม (rehab_referrals.csv): คอลัมน์ district ซ้ำ ใช้คอลัมน์ เขต"
    assert raw.endswith("appears 2 times")
