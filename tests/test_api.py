"""The public API (krlib.load -> Drop -> Figures), its method options and labels.

Hand-worked drop ``WATTHANA`` (district 1039, เขตวัฒนา; FY2568, Q4 = 2025-07-01..09-30):

====  ==========  ========  ================================  =========================
rec   registered  district  service                           in the Q4 figure
====  ==========  ========  ================================  =========================
H1    2024-11-01  1039      2025-07-05                        FYTD: served; Q alone: out
H2    2025-07-10  1039      2025-08-01                        both: served
H3    2025-08-01  1039      none                              both: not served
H4    2025-02-01  1039      2025-02-05                        FYTD: served; Q alone: out
H5    2025-07-01  1039      2025-06-30 (before registering)   FYTD: served; Q: not served
H6    2024-10-15  1039      (person A, first record)          FYTD: A's home is 1039
H7    2025-07-20  1001      2025-07-21 (person A)             Q alone: A's home is 1001
====  ==========  ========  ================================  =========================

Fiscal-year-to-date (the contract): 1039 = 5 served / 6 persons = 83.33 %, 1001 = 0 / 0.
The quarter alone: 1039 = H2 / (H2, H3, H5) = 1 / 3 = 33.33 %, 1001 = A = 1 / 1 = 100 %.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import matplotlib.text
import pandas as pd
import pytest
from matplotlib.figure import Figure

import krlib
from krlib.api import COMPARE_COLUMNS, Drop, Figures, compare
from krlib.compute.methods import (
    CONTRACT,
    is_contract,
    method,
    method_label_th,
    window_dates_th,
    window_label_th,
)
from krlib.contract.periods import Period
from krlib.errors import InputError, OptionError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference  # noqa: E402 - the independent oracle, beside this file

VALID_A = "1101700203450"  # check digits worked out in test_parse.py
REG_HEADER = ["reg_id", "citizen_id", "district", "registered_on", "eligibility"]
SVC_HEADER = ["reg_id", "service_date", "service_type"]
WATTHANA_REGS = [
    ["H1", "", "1039", "2024-11-01", "ผ่าน"],
    ["H2", "", "1039", "2025-07-10", "ผ่าน"],
    ["H3", "", "1039", "2025-08-01", "ผ่าน"],
    ["H4", "", "1039", "2025-02-01", "ผ่าน"],
    ["H5", "", "1039", "2025-07-01", "ผ่าน"],
    ["H6", VALID_A, "1039", "2024-10-15", "ผ่าน"],
    ["H7", VALID_A, "1001", "2025-07-20", "ผ่าน"],
]
WATTHANA_SVCS = [
    ["H1", "2025-07-05", "food"],
    ["H2", "2025-08-01", "food"],
    ["H4", "2025-02-05", "food"],
    ["H5", "2025-06-30", "food"],
    ["H7", "2025-07-21", "food"],
]


@pytest.fixture
def watthana(make_drop) -> Path:
    return make_drop(homeless_registrations=[REG_HEADER, *WATTHANA_REGS],
                     homeless_services=[SVC_HEADER, *WATTHANA_SVCS])


def figure_of(figs: Figures, kr: str, scope: str) -> tuple:
    r = figs.results
    row = r[(r.kr_code == kr) & (r.scope_code == scope)].iloc[0]
    pct = None if pd.isna(row.percent) else float(row.percent)
    return int(row.numerator), int(row.denominator), pct


# --- the acceptance: quarter-only KR 8207, district 1039, Q4, in one call --------------

def test_quarter_alone_for_one_district_is_one_call(watthana):
    figs = krlib.load(watthana).indicators(2568, 4, cumulative=False, district="1039",
                                           kr="8207")
    assert list(figs.results[["kr_code", "scope_code", "quarter"]].itertuples(
        index=False, name=None)) == [("8207", "1039", 4)]
    assert figure_of(figs, "8207", "1039") == (1, 3, 33.33)
    assert figs.method == {"cumulative": False, "rounding": "half_up"}
    assert "เฉพาะไตรมาส" in figs.label_th and "สะสม" not in figs.label_th
    assert figs.window_th == "ข้อมูลเฉพาะไตรมาส ตั้งแต่ 1 ก.ค. 2568 ถึง 30 ก.ย. 2568"


def test_fiscal_year_to_date_is_the_default(watthana):
    drop = krlib.load(watthana)
    ytd = drop.indicators(2568, 4, kr="8207")
    assert figure_of(ytd, "8207", "1039") == (5, 6, 83.33)
    assert figure_of(ytd, "8207", "1001") == (0, 0, None)
    alone = drop.indicators(2568, 4, cumulative=False, kr="8207")
    assert figure_of(alone, "8207", "1001") == (1, 1, 100.0)  # person A's home moves
    assert figure_of(alone, "8207", "BMA") == (2, 4, 50.0)
    assert "สะสมตั้งแต่ต้นปีงบประมาณ" in ytd.label_th


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A demo drop where district 1039's Q4 differs between the two windows (checked)."""
    from krlib.demo import write_demo_drop

    out = tmp_path_factory.mktemp("apidemo")
    write_demo_drop(out, seed=2, scale=0.3)
    return out


@pytest.mark.parametrize("quarter", [2, 4])
def test_quarter_alone_matches_the_reference_for_every_scope(demo, quarter):
    drop = krlib.load(demo)
    got = drop.indicators(2568, quarter, cumulative=False).results
    ref = reference.compute(demo, 2568, quarter, cumulative=False).kr_results
    assert len(got) == len(ref)
    for row, want in zip(got.itertuples(), ref):
        assert (row.kr_code, row.scope_code) == (want["kr_code"], want["scope_code"])
        assert (str(row.numerator), str(row.denominator)) == (want["numerator"],
                                                              want["denominator"]), want
        assert ("" if pd.isna(row.percent) else f"{row.percent:.2f}") == want["percent"], want


def test_demo_1039_q4_quarter_alone_is_not_the_cumulative_figure(demo):
    """The acceptance call on a demo drop, against the oracle, on a case where the window
    matters (so a cumulative flag that were ignored would fail here)."""
    one = krlib.load(demo).indicators(2568, 4, cumulative=False, district="1039", kr="8207")
    ref = reference.compute(demo, 2568, 4, cumulative=False).kr_results
    want = next(r for r in ref if r["kr_code"] == "8207" and r["scope_code"] == "1039")
    ytd = next(r for r in reference.compute(demo, 2568, 4).kr_results
               if r["kr_code"] == "8207" and r["scope_code"] == "1039")
    assert int(want["denominator"]) > 0
    assert (want["numerator"], want["denominator"]) != (ytd["numerator"], ytd["denominator"])
    n, d, p = figure_of(one, "8207", "1039")
    assert (str(n), str(d), f"{p:.2f}") == (want["numerator"], want["denominator"],
                                            want["percent"])


def test_reference_quarter_alone_window():
    import datetime as dt

    assert reference.window(2568, 4, cumulative=False) == (dt.date(2025, 7, 1),
                                                           dt.date(2025, 9, 30))
    assert reference.window(2568, 1, cumulative=False) == (dt.date(2024, 10, 1),
                                                           dt.date(2024, 12, 31))


# --- Figures -----------------------------------------------------------------------

def test_filters_and_trend(watthana):
    figs = krlib.load(watthana).indicators(2568, 4, district="เขตวัฒนา", kr=8207)
    assert figs.district == "1039" and figs.kr == "8207" and list(figs.krs) == ["8207"]
    for frame in (figs.results, figs.breakdown, figs.timeliness, figs.disaggregation):
        assert set(frame["scope_code"]) <= {"1039"} and set(frame["kr_code"]) <= {"8207"}
        assert set(frame["quarter"]) <= {4}
    # Q1..Q4 fiscal-year-to-date: H6 (Q1: 1 person, 0 served), + H1 ..., see the table
    assert list(figs.trend["quarter"]) == [1, 2, 3, 4]
    assert list(zip(figs.trend.numerator, figs.trend.denominator)) == [
        (0, 2), (1, 3), (1, 3), (5, 6)]  # Q2: H4 served; Q3: H5's service is not yet its
    assert figs.breakdown.set_index("category")["persons"].to_dict() == {"food": 5}
    assert figs.row().percent == 83.33
    assert figs.all.results["scope_code"].nunique() == 51  # charts still see every scope


def test_5122_unavailable_when_its_tables_are_absent(watthana):
    figs = krlib.load(watthana).indicators(2568, 4)
    assert "5122" in figs.unavailable and set(figs.results["kr_code"]) == {"8207"}


@pytest.mark.parametrize("kwargs, needle", [
    ({"quarter": 5}, "quarter"), ({"fiscal_year": 1999}, "1999"),
    ({"fiscal_year": 2568.5}, "fiscal_year"), ({"cumulative": "False"}, "cumulative"),
    ({"rounding": "half_down"}, "rounding"), ({"district": "Atlantis"}, "Atlantis"),
    ({"district": "unknown"}, "BMA only"), ({"kr": "9999"}, "9999"),
])
def test_bad_options_are_one_line_option_errors(watthana, kwargs, needle):
    drop = krlib.load(watthana)
    args = {"fiscal_year": 2568, "quarter": 4, **kwargs}
    with pytest.raises(OptionError) as err:
        drop.indicators(args.pop("fiscal_year"), args.pop("quarter"), **args)
    assert needle in str(err.value) and "\n" not in str(err.value) and " / " in str(err.value)


def test_numpy_and_text_quarters_are_accepted(watthana):
    import numpy as np

    drop = krlib.load(watthana)
    a = drop.indicators(np.int64(2568), "4", kr="8207")
    assert a.period == Period(2568, 4)


# --- compare -----------------------------------------------------------------------

def test_compare_two_methods_per_scope(watthana):
    drop = krlib.load(watthana)
    diff = drop.compare(fiscal_year=2568, quarter=4, kr="8207", new={"cumulative": False})
    assert list(diff.columns) == COMPARE_COLUMNS
    assert len(diff) == 51 and diff["scope_code"].iloc[-1] == "BMA"
    w = diff.set_index("scope_code")
    assert list(w.loc["1039", ["numerator_old", "denominator_old", "percent_old",
                               "numerator_new", "denominator_new", "percent_new",
                               "change_pp"]]) == [5, 6, 83.33, 1, 3, 33.33, -50.0]
    assert pd.isna(w.loc["1001", "change_pp"]) and bool(w.loc["1001", "changed"])
    assert not bool(w.loc["1002", "changed"])  # 0/0 both sides
    assert set(diff.loc[diff["changed"], "scope_code"]) == {"1039", "1001", "BMA"}
    assert "สะสม" in diff.attrs["old"] and "เฉพาะไตรมาส" in diff.attrs["new"]


def test_compare_two_drops_and_two_figures(watthana, make_drop):
    fewer = make_drop(homeless_registrations=[REG_HEADER, *WATTHANA_REGS[:-1]],
                      homeless_services=[SVC_HEADER, *WATTHANA_SVCS[:-1]])
    a, b = krlib.load(watthana), krlib.load(fewer)
    diff = a.compare(b, 2568, 4, district="1039", kr="8207")
    # without H7, person A is H6 alone: still in 1039 (FYTD) but never served
    assert diff[["scope_code", "numerator_old", "denominator_old", "numerator_new",
                 "denominator_new", "change_pp"]].values.tolist() == [
        ["1039", 5, 6, 4, 6, -16.66]]
    same = compare(a.indicators(2568, 4, kr="8207"), a.indicators(2568, 4, kr="8207"))
    assert not same["changed"].any() and (same["change_pp"].dropna() == 0).all()
    assert a.indicators(2568, 4).compare(b.indicators(2568, 4)).equals(
        compare(a.indicators(2568, 4), b.indicators(2568, 4)))


# --- the rounding rule, end to end ---------------------------------------------------

ROUND_REGS = [[f"H{i:02d}", "", "1001", "2024-11-01", "ผ่าน"] for i in range(32)]
ROUND_SVCS = [[f"H{i:02d}", "2024-12-01", "food"] for i in range(9)]  # 9/32 = 28.125 %


@pytest.fixture
def half_drop(make_drop) -> Path:
    return make_drop(homeless_registrations=[REG_HEADER, *ROUND_REGS],
                     homeless_services=[SVC_HEADER, *ROUND_SVCS])


def test_rounding_rule_end_to_end_in_the_cli_output(half_drop, tmp_path):
    """9/32 = 28.125 exactly: the contract's half-up gives 28.13 in kr_results.csv (the
    file the policy tracker reads); a change to the rule anywhere on the way fails here."""
    import csv

    from krlib.cli import main

    out = tmp_path / "out"
    assert main(["indicators", "--data", str(half_drop), "--fiscal-year", "2568",
                 "--quarter", "2", "--out", str(out), "--quiet"]) == 0
    with open(out / "kr_results.csv", encoding="utf-8", newline="") as fh:
        rows = {r["scope_code"]: r for r in csv.DictReader(fh) if r["kr_code"] == "8207"}
    assert (rows["1001"]["numerator"], rows["1001"]["denominator"]) == ("9", "32")
    assert rows["1001"]["percent"] == rows["BMA"]["percent"] == "28.13"
    oracle = reference.compute(half_drop, 2568, 2).kr_results
    assert next(r for r in oracle if r["scope_code"] == "1001")["percent"] == "28.13"


def test_rounding_half_even_through_the_api(half_drop):
    drop = krlib.load(half_drop)
    even = drop.indicators(2568, 2, rounding="half_even", district="1001", kr="8207")
    up = drop.indicators(2568, 2, district="1001", kr="8207")
    assert even.row().percent == 28.12 and up.row().percent == 28.13
    assert "half-even" in even.label_th
    diff = up.compare(even)
    assert diff["change_pp"].tolist() == [-0.01]


# --- charts --------------------------------------------------------------------------

def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


@pytest.mark.parametrize("kind", ["trend", "breakdown", "league", "comparison"])
def test_charts_say_what_was_computed(watthana, kind):
    drop = krlib.load(watthana)
    alone = drop.indicators(2568, 4, cumulative=False, district="1039", kr="8207")
    fig = alone.chart(kind)
    assert isinstance(fig, Figure)
    words = " ".join(texts(fig))
    assert "เฉพาะไตรมาส" in words and "สะสม" not in words, words
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:4] == b"\x89PNG"
    ytd = drop.chart(kind, 2568, 4, district="1039", kr="8207")
    assert "สะสม" in " ".join(texts(ytd))


def test_trend_axis_follows_the_window(watthana):
    drop = krlib.load(watthana)
    ax = drop.chart("trend", 2568, 4, cumulative=False, district="1039", kr="8207").axes[0]
    assert ax.get_ylabel() == "ร้อยละ (เฉพาะไตรมาส)"
    ax = drop.chart("trend", 2568, 4, district="1039", kr="8207").axes[0]
    assert ax.get_ylabel() == "ร้อยละ (สะสม)"


def test_chart_errors(watthana):
    figs = krlib.load(watthana).indicators(2568, 4)
    with pytest.raises(OptionError, match="pie"):
        figs.chart("pie", kr="8207")
    with pytest.raises(OptionError, match="league"):
        figs.chart("comparison", kr="8207")  # BMA beside BMA
    with pytest.raises(OptionError, match="5122"):
        figs.chart("trend", kr="5122")  # unavailable: its reason


# --- the drop and its account ---------------------------------------------------------

def test_drop_holds_the_clean_drop_and_its_account(watthana):
    from krlib.clean.accounts import data_quality_table

    drop = krlib.load(watthana)
    assert isinstance(drop, Drop)
    assert list(drop.accounts) == ["homeless_registrations", "homeless_services"]
    assert drop.quality.equals(data_quality_table(drop.clean))
    assert drop.quality.set_index("table").loc["homeless_registrations", "kept"] == 7
    assert list(drop.krs) == ["8207", "5122"]
    assert drop.reasons.empty
    assert VALID_A not in repr(drop)


def test_prepare_from_a_drop_records_the_method(watthana):
    prep = krlib.load(watthana).prepare(2568, 4, cumulative=False, rounding="half_even")
    assert prep.method == {"cumulative": False, "rounding": "half_even"}
    r = prep.indicators.results
    row = r[(r.kr_code == "8207") & (r.scope_code == "1039") & (r.quarter == 4)].iloc[0]
    assert (row.numerator, row.denominator) == (1, 3)


def test_import_krlib_stays_light():
    code = ("import sys, krlib; assert 'pandas' not in sys.modules; "
            "assert 'matplotlib' not in sys.modules; "
            "assert callable(krlib.load) and 'pandas' in sys.modules; "
            "from krlib import load, method_label_th; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.strip() == "ok", proc.stderr


# --- method labels --------------------------------------------------------------------

@pytest.mark.parametrize("m, label", [
    ({"cumulative": True, "rounding": "half_up"}, "สะสมตั้งแต่ต้นปีงบประมาณ · ปัดเศษแบบ half-up"),
    ({"cumulative": False, "rounding": "half_up"}, "เฉพาะไตรมาส · ปัดเศษแบบ half-up"),
    ({"cumulative": True, "rounding": "half_even"}, "สะสมตั้งแต่ต้นปีงบประมาณ · ปัดเศษแบบ half-even"),
    ({"cumulative": False, "rounding": "half_even"}, "เฉพาะไตรมาส · ปัดเศษแบบ half-even"),
    ({"cumulative": False}, "เฉพาะไตรมาส · ปัดเศษแบบ half-up"),
    (None, "สะสมตั้งแต่ต้นปีงบประมาณ · ปัดเศษแบบ half-up"),
])
def test_method_label_th(m, label):
    assert method_label_th(m) == label


def test_contract_method_and_its_note():
    assert is_contract(CONTRACT) and is_contract(None)
    assert not is_contract({"cumulative": False})
    assert method_label_th(CONTRACT, contract_note=True).endswith("(ตามนิยามของตัวชี้วัด)")
    assert "ตามนิยาม" not in method_label_th({"rounding": "half_even"}, contract_note=True)
    assert window_label_th(False) == "เฉพาะไตรมาส"
    assert window_dates_th(Period(2568, 2)) == "ข้อมูลสะสมตั้งแต่ 1 ต.ค. 2567 ถึง 31 มี.ค. 2568"
    assert window_dates_th(Period(2568, 2), False) == (
        "ข้อมูลเฉพาะไตรมาส ตั้งแต่ 1 ม.ค. 2568 ถึง 31 มี.ค. 2568")


@pytest.mark.parametrize("bad", [{"cumulative": "no"}, {"rounding": "up"},
                                 {"cumulative": None}])
def test_method_rejects_bad_values(bad):
    with pytest.raises(OptionError):
        method_label_th(bad)
    with pytest.raises(OptionError):
        method(**{**CONTRACT, **bad})


# --- errors in notebook words -----------------------------------------------------------

def test_wrong_data_dir_in_notebook_words(tmp_path):
    with pytest.raises(InputError) as err:
        krlib.load(tmp_path / "nope")
    text = str(err.value)
    assert "nope" in text and "`data_dir`" in text and "parameters cell" in text
    assert "--data" not in text
    assert err.value.cli_message().endswith("check --data / ตรวจสอบ --data")
    assert "parameters cell" not in err.value.cli_message()
    assert err.value._render_traceback_() == [f"InputError: {text}"]


def test_prepare_says_the_same(tmp_path):
    from krlib.compute.prepare import prepare

    with pytest.raises(InputError, match="parameters cell"):
        prepare(tmp_path / "nope", 2568, 2)


def test_cli_still_says_data_option(tmp_path, capsys):
    from krlib.cli import main

    assert main(["indicators", "--data", str(tmp_path / "nope"), "--fiscal-year", "2568",
                 "--quarter", "2", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--data" in err and "parameters cell" not in err


# --- the notebook's helpers: variants and cohort counts ---------------------------------

def test_variants_side_by_side(watthana):
    v = krlib.load(watthana).variants(2568, 4, district="1039", kr="8207")
    assert list(v["method_th"]) == [
        "สะสมตั้งแต่ต้นปีงบประมาณ · ปัดเศษแบบ half-up", "เฉพาะไตรมาส · ปัดเศษแบบ half-up",
        "สะสมตั้งแต่ต้นปีงบประมาณ · ปัดเศษแบบ half-even", "เฉพาะไตรมาส · ปัดเศษแบบ half-even"]
    assert list(v["contract"]) == [True, False, False, False]
    assert list(zip(v.numerator, v.denominator, v.percent)) == [
        (5, 6, 83.33), (1, 3, 33.33), (5, 6, 83.33), (1, 3, 33.33)]


def test_cohort_counts_records_versus_persons(watthana):
    drop = krlib.load(watthana)
    ytd = drop.cohort_counts(2568, 4).set_index("kr_code").loc["8207"]
    assert (ytd.cohort_records, ytd.persons, ytd.persons_unknown_district) == (7, 6, 0)
    alone = drop.cohort_counts(2568, 4, cumulative=False).set_index("kr_code").loc["8207"]
    assert (alone.cohort_records, alone.persons) == (4, 4)  # H2, H3, H5, H7


def test_cohort_counts_unknown_district(make_drop):
    drop = krlib.load(make_drop(homeless_registrations=[
        REG_HEADER, ["H1", "", "Atlantis", "2024-11-01", "ผ่าน"],
        ["H2", "", "1001", "2024-11-01", "ผ่าน"]],
        homeless_services=[SVC_HEADER, ["H2", "2025-06-01", "food"]]))  # after Q2
    row = drop.cohort_counts(2568, 2).set_index("kr_code").loc["8207"]
    assert (row.cohort_records, row.persons, row.persons_unknown_district) == (2, 2, 1)
    assert figure_of(drop.indicators(2568, 2), "8207", "BMA") == (0, 2, 0.0)


def test_docstring_examples_that_run():
    import doctest

    import krlib.compute.methods
    import krlib.contract.scopes

    for module in (krlib.compute.methods, krlib.contract.scopes):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_krlib_compare_is_the_function_whatever_was_imported():
    """The comparison module lives in krlib.outputs: importing it cannot shadow the
    analysts' krlib.compare function (it did when both were krlib.compare)."""
    import krlib.outputs.compare  # noqa: F401 - the import is the test

    assert callable(krlib.compare) and krlib.compare is krlib.api.compare


# --- issue 23 item 4: one validator for method options ----------------------------------

@pytest.mark.parametrize("call, key, close, where", [
    (lambda d: d.compare(fiscal_year=2568, quarter=4, new={"cumulativ": False}),
     "cumulativ", "cumulative", "new"),
    (lambda d: d.compare(fiscal_year=2568, quarter=4, old={"wher": {}}), "wher", "where", "old"),
    (lambda d: d.variants(2568, 4, methods=[{"round": "half_even"}]), "round", "rounding",
     "methods[0]"),
    (lambda d: d.variants(2568, 4, methods=[CONTRACT, {"cumulative": False, "rouding": "x"}]),
     "rouding", "rounding", "methods[1]"),
    (lambda d: method_label_th({"cumulativ": False}), "cumulativ", "cumulative", "method"),
    (lambda d: is_contract({"Cumulative": True}), "Cumulative", "cumulative", "method"),
])
def test_an_unknown_method_key_is_one_option_error_with_a_close_match(watthana, call, key,
                                                                       close, where):
    drop = krlib.load(watthana)
    with pytest.raises(OptionError) as err:
        call(drop)
    text = str(err.value)
    assert text.startswith(f"{where}: ") and "\n" not in text and " / " in text, text
    assert f"unknown key {key!r}" in text and f"did you mean {close!r}?" in text, text
    assert "allowed: cumulative, rounding" in text, text


def test_a_misspelt_window_never_gets_the_cumulative_label():
    """Today's defect: {"cumulativ": False} (meant: the quarter alone) was labelled
    "สะสม..." from the defaults. Any unknown key now fails, whatever its value."""
    for m in ({"cumulativ": False}, {"cumulative": False, "cumulativ": True}, {"": 1}):
        with pytest.raises(OptionError):
            method_label_th(m)
    assert method_label_th({"cumulative": False}).startswith("เฉพาะไตรมาส")


@pytest.mark.parametrize("bad", [{"rounding": "half_even"}, "cumulative", [("cumulative", 1)]])
def test_variants_methods_must_be_a_list_of_mappings(watthana, bad):
    with pytest.raises(OptionError, match="methods"):
        krlib.load(watthana).variants(2568, 4, methods=bad)


# --- issue 23 item 4: cohort variants without copying a KR file -------------------------

WIDE = {"eligibility": ["passed", "pending"]}
PENDING_REG = ["H8", "", "1039", "2025-07-15", "รอตรวจสอบ"]  # pending, served in Q4
PENDING_SVC = ["H8", "2025-07-20", "food"]


@pytest.fixture
def with_pending(make_drop) -> Path:
    return make_drop(homeless_registrations=[REG_HEADER, *WATTHANA_REGS, PENDING_REG],
                     homeless_services=[SVC_HEADER, *WATTHANA_SVCS, PENDING_SVC])


def test_where_counts_a_wider_cohort_and_says_so(with_pending):
    drop = krlib.load(with_pending)
    own = drop.indicators(2568, 4, kr="8207", district="1039")
    wide = drop.indicators(2568, 4, kr="8207", district="1039", where=WIDE)
    assert figure_of(own, "8207", "1039") == (5, 6, 83.33)  # the pending H8 is not counted
    assert figure_of(wide, "8207", "1039") == (6, 7, 85.71)
    alone = drop.indicators(2568, 4, cumulative=False, kr="8207", district="1039", where=WIDE)
    assert figure_of(alone, "8207", "1039") == (2, 4, 50.0)  # H2, H8 of H2, H3, H5, H8
    assert own.where is None and "กลุ่มเป้าหมาย" not in own.label_th
    assert wide.where == {"eligibility": ("passed", "pending")}
    assert wide.label_th.endswith("กลุ่มเป้าหมาย: ผลการตรวจสอบสิทธิ ผ่าน, รอตรวจสอบ")
    assert wide.krs["8207"].cohort_where == {"eligibility": ("passed", "pending")}
    assert wide.results.attrs["where"] == {"eligibility": ["passed", "pending"]}
    for kind in ("trend", "breakdown", "league", "comparison"):
        words = " ".join(texts(wide.chart(kind)))
        assert "รอตรวจสอบ" in words, (kind, words)  # every title says who was counted
    # the KR's own filter given as where= is the KR itself, a one-key string too
    same = drop.indicators(2568, 4, kr="8207", district="1039", where={"eligibility": "passed"})
    assert same.where is None and same.results.equals(own.results)
    assert drop.krs["8207"].cohort_where == {"eligibility": ("passed",)}  # untouched
    v = drop.variants(2568, 4, kr="8207", district="1039", where=WIDE)
    assert not v["contract"].any() and v["method_th"].str.contains("รอตรวจสอบ").all()


def _file_message(tmp_path: Path, where) -> str:
    """The DefinitionError a KR file with this cohort.where gives, without its path."""
    import yaml

    from krlib.contract.kr import KRS, load_file
    from krlib.errors import DefinitionError

    doc = KRS["8207"].to_dict()
    doc["cohort"]["where"] = where
    path = tmp_path / "8207.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_file(path)
    text = str(err.value)
    assert text.startswith(f"{path}, ")
    return text[len(f"{path}, "):]


@pytest.mark.parametrize("where", [{"eligibilty": "passed"}, {"eligibility": "pased"},
                                   {"eligibility": [True]}, {"event_date": "2025"}, ["passed"]])
def test_where_is_checked_exactly_as_a_kr_file(watthana, tmp_path, where):
    with pytest.raises(OptionError) as err:
        krlib.load(watthana).indicators(2568, 4, kr="8207", where=where)
    text = str(err.value)
    assert text == f"where= (KR 8207), {_file_message(tmp_path, where)}"
    assert "\n" not in text and "field 'cohort.where" in text


def test_where_needs_one_kr(watthana):
    with pytest.raises(OptionError, match="give kr="):
        krlib.load(watthana).indicators(2568, 4, where=WIDE)


def test_compare_two_cohort_variants(with_pending):
    drop = krlib.load(with_pending)
    diff = drop.compare(fiscal_year=2568, quarter=4, kr="8207",
                        old={"where": {"eligibility": "passed"}}, new={"where": WIDE})
    assert list(diff.columns) == COMPARE_COLUMNS
    w = diff.set_index("scope_code")
    assert list(w.loc["1039", ["numerator_old", "denominator_old", "numerator_new",
                               "denominator_new", "change_pp"]]) == [5, 6, 6, 7, 2.38]
    assert set(diff.loc[diff["changed"], "scope_code"]) == {"1039", "BMA"}
    assert "รอตรวจสอบ" in diff.attrs["new"] and "รอตรวจสอบ" not in diff.attrs["old"]
    both = compare(drop.indicators(2568, 4, kr="8207", where={"eligibility": "pending"}),
                   drop.indicators(2568, 4, kr="8207", where=WIDE))
    assert both.set_index("scope_code").loc["1039", "denominator_old"] == 1


def test_compare_two_kr_codes_equals_the_variant(with_pending, tmp_path):
    """A copied KR file (code 9901, the wider cohort) compared with 8207 gives the same
    figures as the where= variant: the copy is no longer needed."""
    import yaml

    from krlib.contract.kr import KRS

    doc = KRS["8207"].to_dict()
    doc.update(code="9901", cohort={"table": "homeless_registrations", "where": WIDE})
    folder = tmp_path / "krs"
    folder.mkdir()
    (folder / "9901.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    drop = krlib.load(with_pending, krs_dirs=[folder])
    pair = drop.compare(fiscal_year=2568, quarter=4, old={"kr": "8207"}, new={"kr": "9901"})
    variant = drop.compare(fiscal_year=2568, quarter=4, kr="8207", new={"where": WIDE})
    assert set(pair["kr_code"]) == {"8207 → 9901"} and len(pair) == 51
    nums = [c for c in COMPARE_COLUMNS if c not in ("kr_code", "scope_name_th")]
    assert pair[nums].equals(variant[nums])
    assert pair.attrs["old"].startswith("KR 8207 · ") and pair.attrs["new"].startswith("KR 9901")
    # two Figures of different KRs pair by scope too
    direct = compare(drop.indicators(2568, 4, kr="8207"), drop.indicators(2568, 4, kr="9901"))
    assert direct[nums].equals(pair[nums])


# --- issue 23 item 4: a quarter the drop does not cover warns ---------------------------

def test_a_quarter_the_drop_does_not_cover_warns(watthana):
    import warnings

    from krlib.api import CoverageWarning

    drop = krlib.load(watthana)
    with pytest.warns(CoverageWarning) as caught:
        figs = drop.indicators(2570, 2)
    assert len(caught) == 1
    text = str(caught[0].message)
    assert "ชุดข้อมูลไม่ครอบคลุมไตรมาส 2 ปีงบประมาณ พ.ศ. 2570 (KR 8207)" in text
    assert "does not cover 2570-Q2 for KR 8207" in text and "2026-10-01..2027-03-31" in text
    assert "5122" not in text  # unavailable (no tables), said in figs.unavailable instead
    assert caught[0].filename == __file__  # points at the caller's line
    assert figure_of(figs, "8207", "BMA") == (0, 0, None)
    with pytest.warns(CoverageWarning, match="2568-Q3"):  # Apr-Jun 2025: no registration
        drop.indicators(2568, 3, cumulative=False, kr="8207")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoverageWarning)
        drop.indicators(2568, 3, kr="8207")  # fiscal-year-to-date: H1, H4, H6
        drop.indicators(2568, 4, cumulative=False, kr="8207", district="1001")
        drop.indicators(2568, 4, kr="8207", where={"eligibility": "failed"})  # own cohort


# --- issue 23 item 4: Thai in the analyst's own matplotlib charts -----------------------

THAI_TITLE = "ร้อยละของคนไร้บ้านที่ผ่านการตรวจสอบสิทธิ"
OWN_CHART = f"""
import io, sys, warnings
warnings.simplefilter("error")
import krlib
assert "matplotlib" not in sys.modules  # import krlib stays light
{{setup}}
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.set_title({THAI_TITLE!r})
ax.set_xlabel("ไตรมาส")
fig.savefig(io.BytesIO(), format="png")
print(ax.title.get_fontname())
"""


def _draw_own_chart(setup: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", OWN_CHART.format(setup=setup)],
                          capture_output=True, text=True, timeout=180)


def test_own_matplotlib_chart_draws_thai_after_krlib_load(watthana):
    proc = _draw_own_chart(f"krlib.load({str(watthana)!r})")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "Sarabun"


def test_own_matplotlib_chart_without_krlib_load_misses_thai_glyphs():
    """The control: the subprocess above does catch missing glyphs."""
    proc = _draw_own_chart("")
    assert proc.returncode != 0 and "Glyph" in proc.stderr and "missing" in proc.stderr
