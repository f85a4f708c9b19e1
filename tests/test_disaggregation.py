"""Person attributes from the home record, kr_disaggregation and kr_timeliness on a tiny
drop whose figures are worked out by hand; the rounding option; home_records and
CleanDrop.ids (the worklist's inputs).

Period: FY2568 Q2, window W = 2024-10-01 .. 2025-03-31 (last day of W: 2025-03-31).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from conftest import REG_COLUMNS as REG
from conftest import VALID_A, VALID_B

from krlib.clean.tables import load_drop
from krlib.compute.indicators import compute, home_records, percents
from krlib.contract.kr import KRS
from krlib.contract.periods import Period
from krlib.errors import OptionError
from krlib.outputs.csvs import disaggregation_table, timeliness_table

Q2 = Period(2568, 2)
REGS = [
    REG,
    # person A: home record H1 (earliest); H2 is later and its attributes do not count
    ["H1", VALID_A, "ชาย", "15/10/93", "1001", "2024-11-01", "ผ่าน", "ศูนย์  drop-in หัวลำโพง "],
    ["H2", VALID_A, "หญิง", "1/1/2530", "1002", "2024-12-01", "ผ่าน", "จุดบริการ ราชดำเนิน"],
    # born 2010-04-01: 14 on 2025-03-31 (the birthday is after the last day of W)
    ["H3", "", "F", "2010-04-01", "1001", "2024-10-05", "ผ่าน", ""],
    ["H4", "", "ไม่ระบุ", "-", "1001", "2024-10-10", "ผ่าน", "-"],
    # 15/10/68: BE 2568 would be after W, so BE 2468 (1925): 99 years, 60+; district unknown
    ["H5", "", "M", "15/10/68", "นนทบุรี", "2025-01-15", "ผ่าน", "จุดบริการ ราชดำเนิน"],
    ["H6", "", "ช", "1/1/2400", "1001", "2024-10-20", "ผ่าน", "บ้านอิ่มใจ"],  # 168 years: unknown
    ["H7", "", "ชาย", "1/1/2520", "1001", "2024-10-20", "ไม่ผ่าน", ""],  # not in the cohort
    # person B: two records on one day, the smallest reg_id as text ("H10") is home
    ["H9", VALID_B, "ชาย", "1/1/2500", "1004", "2024-11-05", "ผ่าน", "x"],
    ["H10", VALID_B, "หญิง", "1/1/2530", "1003", "2024-11-05", "ผ่าน", "บ้านอิ่มใจ"],
]
SVCS = [
    ["reg_id", "service_date", "service_type"],
    ["H2", "2024-11-03", "food"],  # A's first service, through a non-home record: 2 days
    ["H1", "2024-11-20", "health"],
    ["H3", "2024-10-01", "counseling"],  # before the registration: 0 days
    ["H5", "2025-03-31", "food"],  # 75 days
    ["H9", "2025-02-01", "food"],  # B, through H9: 88 days after H10's date
    ["H6", "2025-04-01", "food"],  # after W: H6 is not served
    ["H7", "2024-11-01", "food"],
]


def rows(frame) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(frame.to_csv(index=False, lineterminator="\n"))))


@pytest.fixture
def ind(make_drop):
    drop = make_drop(homeless_registrations=REGS, homeless_services=SVCS)
    return compute(load_drop(drop), Q2)


def cells(ind, scope, dimension):
    d = rows(disaggregation_table(ind))
    return [(r["category"], int(r["numerator"]), int(r["denominator"]), r["percent"])
            for r in d if r["scope_code"] == scope and r["dimension"] == dimension]


def test_district_1001(ind):
    assert cells(ind, "1001", "sex") == [("male", 1, 2, "50.00"), ("female", 1, 1, "100.00"),
                                         ("unspecified", 0, 1, "0.00")]
    assert cells(ind, "1001", "age_band") == [("0-17", 1, 1, "100.00"), ("60+", 1, 1, "100.00"),
                                              ("unknown", 0, 2, "0.00")]
    # open categories sorted as text (บ before ศ), unspecified last; spaces collapsed
    assert cells(ind, "1001", "service_point") == [
        ("บ้านอิ่มใจ", 0, 1, "0.00"), ("ศูนย์ drop-in หัวลำโพง", 1, 1, "100.00"),
        ("unspecified", 1, 2, "50.00")]


def test_home_record_decides_attributes_and_ties(ind):
    assert cells(ind, "1003", "sex") == [("female", 1, 1, "100.00")]
    assert cells(ind, "1003", "age_band") == [("18-59", 1, 1, "100.00")]
    assert cells(ind, "1004", "sex") == [] and cells(ind, "1002", "sex") == []


def test_bangkok_counts_unknown_district_persons(ind):
    assert cells(ind, "BMA", "sex") == [("male", 2, 3, "66.67"), ("female", 2, 2, "100.00"),
                                        ("unspecified", 0, 1, "0.00")]
    assert cells(ind, "BMA", "age_band") == [("0-17", 1, 1, "100.00"), ("18-59", 1, 1, "100.00"),
                                             ("60+", 2, 2, "100.00"), ("unknown", 0, 2, "0.00")]
    assert cells(ind, "BMA", "service_point") == [
        ("จุดบริการ ราชดำเนิน", 1, 1, "100.00"), ("บ้านอิ่มใจ", 1, 2, "50.00"),
        ("ศูนย์ drop-in หัวลำโพง", 1, 1, "100.00"), ("unspecified", 1, 2, "50.00")]


def test_disaggregation_rows_in_scope_then_dimension_order(ind):
    d = rows(disaggregation_table(ind))
    assert [r["scope_code"] for r in d] == sorted(
        (r["scope_code"] for r in d), key=lambda s: (s == "BMA", s))
    assert {r["denominator"] for r in d} - {"0"} == {r["denominator"] for r in d}
    assert list(d[0]) == ["kr_code", "fiscal_year", "quarter", "scope_code", "dimension",
                          "category", "numerator", "denominator", "percent"]


def test_timeliness(ind):
    t = {r["scope_code"]: r for r in rows(timeliness_table(ind)) if r["kr_code"] == "8207"}
    assert len(t) == 51
    pick = ("served", "median_days", "days_0", "days_1_7", "days_8_30", "days_31_90",
            "days_91_plus", "waiting")
    assert [t["1001"][k] for k in pick] == ["2", "1.0", "1", "1", "0", "0", "0", "2"]
    assert [t["1003"][k] for k in pick] == ["1", "88.0", "0", "0", "0", "1", "0", "0"]
    # days 0, 2, 75, 88: the mean of the two middle values
    assert [t["BMA"][k] for k in pick] == ["4", "38.5", "1", "1", "0", "2", "0", "2"]
    assert [t["1002"][k] for k in pick] == ["0", "", "0", "0", "0", "0", "0", "0"]


def test_timeliness_91_plus_and_a_later_window(make_drop):
    drop = make_drop(homeless_registrations=[REG, ["H1", "", "", "", "1001", "2024-10-01",
                                                   "ผ่าน", ""]],
                     homeless_services=[SVCS[0], ["H1", "2025-01-01", "food"],
                                        ["H1", "2024-12-31", "food"]])
    ind = compute(load_drop(drop), [Period(2568, 1), Q2])
    t = rows(timeliness_table(ind.for_period(Q2)))
    bma = next(r for r in t if r["scope_code"] == "BMA" and r["kr_code"] == "8207")
    assert (bma["served"], bma["median_days"], bma["days_91_plus"]) == ("1", "91.0", "1")
    q1 = rows(timeliness_table(ind.for_period(Period(2568, 1))))
    bma1 = next(r for r in q1 if r["scope_code"] == "BMA" and r["kr_code"] == "8207")
    assert (bma1["served"], bma1["median_days"], bma1["days_91_plus"]) == ("1", "91.0", "1")


def test_source_of_referrals(make_drop):
    header = ["referral_id", "district", "referred_on", "source", "sex"]
    refs = [header, ["R1", "1001", "2024-11-01", "ศูนย์ คัดกรอง", "f"],
            ["R2", "1001", "2024-11-01", "Hospital", "ญ"],
            ["R3", "1001", "2024-11-01", "อสม.", "M"], ["R4", "1001", "2024-11-01", "-", ""],
            ["R5", "1001", "2024-11-01", "cbtx", "male"]]
    rsvs = [["referral_id", "service_date", "domain"], ["R2", "2024-12-01", "1"]]
    ind = compute(load_drop(make_drop(rehab_referrals=refs, rehab_services=rsvs)), Q2)
    assert cells(ind, "1001", "source") == [
        ("screening_centre", 0, 1, "0.00"), ("hospital", 1, 1, "100.00"),
        ("cbtx", 0, 1, "0.00"), ("other", 0, 1, "0.00"), ("unspecified", 0, 1, "0.00")]
    assert cells(ind, "1001", "sex") == [("male", 0, 2, "0.00"), ("female", 1, 2, "50.00"),
                                         ("unspecified", 0, 1, "0.00")]


def test_percent_rounding_options():
    n, d = [1, 3, 5, 2, 0, 1], [32, 32, 32, 3, 0, 8]
    up = percents(n, d, "half_up")
    even = percents(n, d, "half_even")
    assert up[:4].tolist() == [3.13, 9.38, 15.63, 66.67] and np.isnan(up[4])
    assert even[:4].tolist() == [3.12, 9.38, 15.62, 66.67] and np.isnan(even[4])
    assert up[5] == even[5] == 12.5
    with pytest.raises(OptionError):
        percents(n, d, "bankers")


def test_rounding_threads_through_compute_and_prepare(make_drop):
    from krlib.compute.prepare import prepare

    regs = [REG] + [[f"H{i}", "", "", "", "1001", "2024-11-01", "ผ่าน", ""] for i in range(32)]
    svcs = [SVCS[0]] + [[f"H{i}", "2024-11-02", "food"] for i in range(5)]
    drop = make_drop(homeless_registrations=regs, homeless_services=svcs)
    clean = load_drop(drop)
    assert compute(clean, Q2).result("8207", "1001", Q2).percent == 15.63
    assert compute(clean, Q2, rounding="half_even").result("8207", "1001", Q2).percent == 15.62
    prep = prepare(drop, 2568, 2, rounding="half_even")
    assert prep.method["rounding"] == "half_even"
    assert prep.indicators.result("8207", "1001", Q2).percent == 15.62
    with pytest.raises(OptionError):
        compute(clean, Q2, rounding="up")


def test_home_records_and_ids(make_drop):
    clean = load_drop(make_drop(homeless_registrations=REGS, homeless_services=SVCS))
    ids = clean.ids["homeless_registrations"]
    assert ids.to_pylist() == sorted(r[0] for r in REGS[1:])  # position = rec
    cohort = clean.tables["homeless_registrations"]
    home = home_records(cohort, KRS["8207"], Q2)
    assert list(home.columns) == ["person", "district", "rec", "event_date"]
    got = sorted((ids[int(r)].as_py(), d, str(e)[:10])
                 for r, d, e in zip(home.rec, home.district, home.event_date))
    assert got == [("H1", "1001", "2024-11-01"), ("H10", "1003", "2024-11-05"),
                   ("H3", "1001", "2024-10-05"), ("H4", "1001", "2024-10-10"),
                   ("H5", "unknown", "2025-01-15"), ("H6", "1001", "2024-10-20")]
    # no personal data in the cleaned tables: no id, name or birth-date text
    for table in clean.tables.values():
        assert not {"reg_id", "citizen_id", "first_name", "last_name"} & set(table.columns)
        assert all(str(table[c].dtype).startswith("datetime64") for c in table.columns
                   if c.startswith("birth_date"))
