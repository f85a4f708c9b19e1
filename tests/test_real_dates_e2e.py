"""The issue's silent date cases, end to end (issue 14): each drop writes its event dates
in one form a real export uses, and ``krlib indicators`` must give the figures worked
out by hand below, the same as the independent reference (tests/reference.py).

Every drop: registrations H1 (1001, passed), H2 (1002, passed), H3 (1001, failed), one
service for H1; referrals R1, R2 (1001), one rehabilitation for R1 (domain 2). By hand:
KR 8207 BMA 1/2 = 50.00 %, 1001 1/1, 1002 0/1; KR 5122 BMA 1/2 = 50.00 %, 1001 1/2.
Before the contract's new forms, every row was rejected as invalid_date: 0/0, exit 0.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from krlib.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference as ref  # noqa: E402

CASES = {  # id: (a cohort date, a service date, fiscal year, quarter)
    "time": ("15/10/2567 10:30", "1/11/2567 เวลา 09.15 น.", 2568, 1),
    "time_seconds_thai_month": ("15 ก.ค. 2565 09:00:01", "16 ก.ค. 2565 10:30:00", 2565, 4),
    "iso_T": ("2024-10-15T10:30", "2024-11-01T08:00:00", 2568, 1),
    "english_dashes": ("15-Oct-2024", "01-Nov-24", 2568, 1),
    "thai_dashes": ("15-ก.ค.-2565", "20-ก.ค.-2565", 2565, 4),
    "wanthi_pors": ("วันที่ 15 ตุลาคม พ.ศ. 2567", "วันที่ 1 พฤศจิกายน พ.ศ. 2567", 2568, 1),
    "excel_serial": ("45580", "45597", 2568, 1),  # 2024-10-15 and 2024-11-01
    # contract v3: 15 Oct 2024 was a Tuesday (อังคาร), 1 Nov 2024 a Friday (ศุกร์)
    "weekday_full": ("วันอังคารที่ 15 ตุลาคม 2567", "วันศุกร์ที่ 1 พฤศจิกายน พ.ศ. 2567", 2568, 1),
    "weekday_abbr": ("อ. 15 ต.ค. 67", "ศ 1/11/2567 เวลา 09.15 น.", 2568, 1),
    # 03:30 UTC and 08:00 Bangkok time: the same dates as above
    "utc_stamps": ("2024-10-15T03:30:00.000Z", "2024-11-01T08:00:00+07:00", 2568, 1),
    # dated the day before in UTC: 17:30 UTC on the 14th is 00:30 on the 15th in Bangkok
    "utc_stamps_day_before": ("2024-10-14T17:30:00Z", "2024-10-31 20:00:00.5+00", 2568, 1),
}


def drop_for(make_drop, on: str, served: str):
    return make_drop(
        homeless_registrations=[
            ["reg_id", "district", "registered_on", "eligibility"],
            ["H1", "1001", on, "ผ่าน"], ["H2", "1002", on, "ผ่าน"], ["H3", "1001", on, "ไม่ผ่าน"]],
        homeless_services=[["reg_id", "service_date", "service_type"], ["H1", served, "food"]],
        rehab_referrals=[["referral_id", "district", "referred_on"],
                         ["R1", "1001", on], ["R2", "1001", on]],
        rehab_services=[["referral_id", "service_date", "domain"], ["R1", served, "2"]])


def run(drop, out, fy, q) -> dict[str, list[dict[str, str]]]:
    assert main(["indicators", "--data", str(drop), "--fiscal-year", str(fy), "--quarter",
                 str(q), "--out", str(out), "--quiet"]) == 0
    files = {}
    for name in ("kr_results", "kr_breakdown", "data_quality", "data_quality_flags"):
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            files[name] = list(csv.DictReader(f))
    return files


def figures(rows, kr, scope):
    (r,) = [r for r in rows if r["kr_code"] == kr and r["scope_code"] == scope]
    return r["numerator"], r["denominator"], r["percent"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_silent_date_case_gives_the_right_figures(case, make_drop, tmp_path, capsys):
    on, served, fy, q = CASES[case]
    drop = drop_for(make_drop, on, served)
    got = run(drop, tmp_path / "out", fy, q)
    assert figures(got["kr_results"], "8207", "BMA") == ("1", "2", "50.00")
    assert figures(got["kr_results"], "8207", "1001") == ("1", "1", "100.00")
    assert figures(got["kr_results"], "8207", "1002") == ("0", "1", "0.00")
    assert figures(got["kr_results"], "5122", "BMA") == ("1", "2", "50.00")
    assert figures(got["kr_results"], "5122", "1001") == ("1", "2", "50.00")
    assert [(r["table"], r["rows_in"], r["kept"], r["rejected"]) for r in got["data_quality"]] == [
        ("homeless_registrations", "3", "3", "0"), ("homeless_services", "1", "1", "0"),
        ("rehab_referrals", "2", "2", "0"), ("rehab_services", "1", "1", "0")]
    assert "krlib: warning" not in capsys.readouterr().err
    # the independent reference reads the same forms the same way
    oracle = ref.compute(drop, fy, q)
    assert got["kr_results"] == oracle.kr_results
    assert got["data_quality"] == oracle.data_quality
    assert sorted(map(tuple, (r.values() for r in got["kr_breakdown"]))) == \
        sorted(map(tuple, (r.values() for r in oracle.kr_breakdown)))


def test_serial_days_at_the_window_edge(make_drop, tmp_path):
    # 45747 = 2025-03-31 (45292 = 2024-01-01, + 366 + 89), the last day of 2568-Q2;
    # 45748 = 2025-04-01, the first day of Q3. H1 is served in Q2, H2 only in Q3.
    drop = make_drop(
        homeless_registrations=[["reg_id", "district", "registered_on", "eligibility"],
                                ["H1", "1001", "45580", "ผ่าน"], ["H2", "1001", "45580", "ผ่าน"]],
        homeless_services=[["reg_id", "service_date", "service_type"],
                           ["H1", "45747", "food"], ["H2", "45748", "food"]])
    q2 = run(drop, tmp_path / "q2", 2568, 2)
    q3 = run(drop, tmp_path / "q3", 2568, 3)
    assert figures(q2["kr_results"], "8207", "BMA") == ("1", "2", "50.00")
    assert figures(q3["kr_results"], "8207", "BMA") == ("2", "2", "100.00")
    assert q2["kr_results"] == ref.compute(drop, 2568, 2).kr_results
    assert q3["kr_results"] == ref.compute(drop, 2568, 3).kr_results


def test_garbled_time_still_rejects_and_warns(make_drop, tmp_path, capsys):
    # "25:99" is no time of day: H2's row is no date (README choice), 1 of 2 = 50 %
    drop = make_drop(
        homeless_registrations=[["reg_id", "district", "registered_on", "eligibility"],
                                ["H1", "1001", "15/10/2567 10:30", "ผ่าน"],
                                ["H2", "1001", "15/10/2567 25:99", "ผ่าน"]],
        homeless_services=[["reg_id", "service_date", "service_type"],
                           ["H1", "1/11/2567", "food"]])
    got = run(drop, tmp_path / "out", 2568, 1)
    assert figures(got["kr_results"], "8207", "BMA") == ("1", "1", "100.00")
    assert "homeless_registrations: invalid_date 1 (50.0 %)" in capsys.readouterr().err
    assert got["kr_results"] == ref.compute(drop, 2568, 1).kr_results


def test_scientific_notation_ids_are_flagged(make_drop, tmp_path):
    # H1 and H2 carry Excel's 1.10370E+12: invalid (own persons), flagged apart; H3 valid
    drop = make_drop(
        homeless_registrations=[
            ["reg_id", "citizen_id", "district", "registered_on", "eligibility"],
            ["H1", "1.10370E+12", "1001", "2024-10-15", "ผ่าน"],
            ["H2", "1,10370E+12", "1001", "2024-10-15", "ผ่าน"],
            ["H3", "1101700203450", "1001", "2024-10-15", "ผ่าน"],
            ["H4", "ไม่มีบัตร", "1001", "2024-10-15", "ผ่าน"]],
        homeless_services=[["reg_id", "service_date", "service_type"],
                           ["H1", "2024-11-01", "food"]])
    got = run(drop, tmp_path / "out", 2568, 1)
    (reg,) = [r for r in got["data_quality"] if r["table"] == "homeless_registrations"]
    assert reg["invalid_citizen_id"] == "3"  # H1, H2 and H4
    flags = {(r["table"], r["flag"]): r["rows"] for r in got["data_quality_flags"]}
    assert flags[("homeless_registrations", "citizen_id_scientific")] == "2"
    # H1 and H2 are two persons (no id joins them): 1 of 4 served
    assert figures(got["kr_results"], "8207", "BMA") == ("1", "4", "25.00")


# --- krlib's date reader and the reference's agree on date-like text --------------------

from datetime import date  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from krlib.clean.parse import parse_event_date  # noqa: E402

MONTH_WORDS = ["ต.ค.", "ตค", "ตุลาคม", "ก.พ.", "พ.ค.", "Oct", "october", "SEPT", "Sep.",
               "กุมภา", "Octo", "x", ""]
date_like = st.builds(
    lambda pre, d, s1, m, s2, era, y, time, thai: (
        (pre + d + s1 + m + s2 + era + y + time).translate(
            str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙") if thai else {})),
    st.sampled_from(["", "วันที่ ", "วันที่"]),
    st.integers(0, 32).map(str),
    st.sampled_from(["", " ", "-", "/", "  "]),
    st.one_of(st.sampled_from(MONTH_WORDS), st.integers(0, 13).map(str)),
    st.sampled_from(["", " ", "-", "/"]),
    st.sampled_from(["", "พ.ศ. ", "ค.ศ. ", "พศ", "ค.ศ."]),
    st.one_of(st.integers(0, 99).map(lambda y: f"{y:02d}"), st.integers(1990, 2650).map(str)),
    st.sampled_from(["", " 10:30", " 10:30:00", " เวลา 10.30 น.", "T10:30", " 25:99",
                     " 9:5:7", " 10:30:00.5", " 10"]),
    st.booleans())


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(date_like, st.integers(19990, 80010).map(str)))
def test_krlib_and_the_reference_read_dates_alike(text):
    mine = parse_event_date(text)
    assert (mine if isinstance(mine, date) else None) == ref.parse_event_date(text), text


# --- contract v3: timestamps at the window's edges, districts in the new forms -----------

V3_DROP = dict(
    homeless_registrations=[
        ["reg_id", "district", "registered_on", "eligibility"],
        # 17:30 UTC on 30 Sep = 00:30 on 1 Oct 2024 in Bangkok: the first day of FY2568
        ["H1", "สำนักงานเขตพระนคร", "2024-09-30T17:30:00Z", "ผ่าน"],
        # 23:59:59.999 on 30 Sep in Bangkok: FY2567, never in FY2568's window
        ["H2", "TH1002", "2024-09-30T16:59:59.999Z", "ผ่าน"],
        ["H3", "Khet Phra Nakhon", "วันพุธที่ 1 มกราคม 2568", "ผ่าน"],  # a Wednesday
        ["H4", "Dusit District", "2025-03-31T23:59:00+07:00", "ผ่าน"],  # the last day of Q2
        ["H5", "TH1051", "พฤ. 2 ม.ค. 68", "ผ่าน"],  # no such P-code: unknown district
    ],
    homeless_services=[
        ["reg_id", "service_date", "service_type"],
        ["H1", "2025-03-31T16:59:59Z", "food"],  # 23:59:59 on 31 Mar in Bangkok: Q2
        ["H3", "2025-03-31T17:00:00Z", "food"],  # 00:00 on 1 Apr in Bangkok: Q3
        ["H4", "2025-03-31T20:00:00-05:00", "health"],  # 01:00 UTC = 08:00 on 1 Apr: Q3
        ["H5", "อา. 30 มี.ค. 2568", "food"],  # a Sunday, in Q2
        ["H2", "2024-12-01T00:00:00+07:00", "food"],  # H2 is in no cohort of FY2568
    ],
    rehab_referrals=[
        ["referral_id", "district", "referred_on"],
        ["R1", "TH1039", "2025-02-14T10:00:00+07:00"],
        ["R2", "สำนักงานเขตวัฒนา", "จ. 17 ก.พ. 2568"],  # a Monday
    ],
    rehab_services=[
        ["referral_id", "service_date", "domain"],
        ["R1", "2025-03-31T17:00:00Z", "1"],  # 1 Apr in Bangkok: Q3
        ["R2", "2025-03-31T10:00:00Z", "2"],  # 17:00 on 31 Mar in Bangkok: Q2
    ],
)


def test_v3_forms_give_the_right_figures_at_the_window_edges(make_drop, tmp_path, capsys):
    """By hand. Cohort of FY2568 (both quarters): H1 and H3 (1001), H4 (1002), H5
    (unknown); H2 is registered on 30 Sep 2024 in Bangkok. Q2 (to 31 Mar 2025): H1 and
    H5 served, H3 and H4 only on 1 Apr: 8207 BMA 2/4, 1001 1/2, 1002 0/1. Q3: all four.
    KR 5122 (both in 1039): Q2 R2 only, 1/2; Q3 2/2."""
    drop = make_drop(**V3_DROP)
    q2 = run(drop, tmp_path / "q2", 2568, 2)
    assert figures(q2["kr_results"], "8207", "BMA") == ("2", "4", "50.00")
    assert figures(q2["kr_results"], "8207", "1001") == ("1", "2", "50.00")
    assert figures(q2["kr_results"], "8207", "1002") == ("0", "1", "0.00")
    assert figures(q2["kr_results"], "5122", "BMA") == ("1", "2", "50.00")
    assert figures(q2["kr_results"], "5122", "1039") == ("1", "2", "50.00")
    q3 = run(drop, tmp_path / "q3", 2568, 3)
    assert figures(q3["kr_results"], "8207", "BMA") == ("4", "4", "100.00")
    assert figures(q3["kr_results"], "8207", "1001") == ("2", "2", "100.00")
    assert figures(q3["kr_results"], "8207", "1002") == ("1", "1", "100.00")
    assert figures(q3["kr_results"], "5122", "1039") == ("2", "2", "100.00")
    assert "krlib: warning" not in capsys.readouterr().err
    # FY2567 Q4 (to 30 Sep 2024): H2 alone, its service is after the window; no referral
    q4 = run(drop, tmp_path / "fy67", 2567, 4)
    assert figures(q4["kr_results"], "8207", "BMA") == ("0", "1", "0.00")
    assert figures(q4["kr_results"], "8207", "1002") == ("0", "1", "0.00")
    assert "rehab_referrals: empty_cohort (KR 5122)" in capsys.readouterr().err
    # every row kept; only H5's district is unknown
    assert [(r["table"], r["rows_in"], r["kept"], r["rejected"], r["unknown_district"])
            for r in q2["data_quality"]] == [
        ("homeless_registrations", "5", "5", "0", "1"), ("homeless_services", "5", "5", "0", "0"),
        ("rehab_referrals", "2", "2", "0", "0"), ("rehab_services", "2", "2", "0", "0")]
    breakdown = {(r["kr_code"], r["scope_code"], r["category"]): r["persons"]
                 for r in q3["kr_breakdown"]}
    assert breakdown[("8207", "BMA", "food")] == "3"  # H1, H3, H5
    assert breakdown[("8207", "1002", "health")] == "1"  # H4
    # the independent reference reads the same forms the same way
    for got, (fy, q) in ((q2, (2568, 2)), (q3, (2568, 3)), (q4, (2567, 4))):
        oracle = ref.compute(drop, fy, q)
        assert got["kr_results"] == oracle.kr_results, (fy, q)
        assert got["data_quality"] == oracle.data_quality, (fy, q)


WEEKDAY_WORDS = ["", "วันอาทิตย์", "วันอาทิตย์ที่", "วันพฤหัส ", "อา.", "อา ", "พฤ. ", "จ",
                 "วันที่ ", "วันอาทิตย์ วันที่ ", "Sunday ", "ส.ค. "]
v3_date_like = st.one_of(
    st.builds(lambda day, text: day + text, st.sampled_from(WEEKDAY_WORDS), date_like),
    st.builds(
        lambda d, sep, hm, sec, zone, thai: (f"{d}{sep}{hm}{sec}{zone}").translate(
            str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙") if thai else {}),
        st.one_of(st.dates(date(1990, 1, 1), date(2110, 12, 31)).map(str),
                  st.sampled_from(["2567-10-15", "2567-2-29", "2024-02-30", "0000-01-01"])),
        st.sampled_from(["T", " ", "t", "  "]),
        st.sampled_from(["00:00", "16:59", "17:00", "23:59", "24:00", "18:60", "9:30"]),
        st.sampled_from(["", ":00", ":59", ":60", ":00.123", ":00.", ".5"]),
        st.sampled_from(["Z", "+07:00", "+0700", "+07", "-05:00", "+14:00", "-23:59", "+24:00",
                         "+07:60", "z", " Z", "+7", ""]),
        st.booleans()),
)


@settings(max_examples=400, deadline=None)
@given(text=v3_date_like)
def test_krlib_and_the_reference_read_v3_dates_alike(text):
    mine = parse_event_date(text)
    assert (mine if isinstance(mine, date) else None) == ref.parse_event_date(text), text
