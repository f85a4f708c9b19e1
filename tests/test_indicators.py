"""Counting rules of KR 8207 and KR 5122 on tiny drops whose figures are worked out by hand.

Period used unless said otherwise: FY2568 Q2, window W = 2024-10-01 .. 2025-03-31.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from krlib.clean.tables import load_drop
from krlib.compute.indicators import compute, percent_half_up, persons_to_target
from krlib.contract.periods import Period
from krlib.contract.scopes import BMA, scopes

Q2 = Period(2568, 2)
Q4 = Period(2568, 4)
VALID_A = "1101700203450"  # check digits worked out in test_parse.py
VALID_B = "3434943068961"

REG_HEADER = ["reg_id", "citizen_id", "district", "registered_on", "eligibility"]
SVC_HEADER = ["reg_id", "service_date", "service_type"]
REF_HEADER = ["referral_id", "citizen_id", "district", "referred_on"]
RSV_HEADER = ["referral_id", "service_date", "domain"]


def reg(reg_id, registered_on="2024-11-01", district="1001", eligibility="ผ่าน", citizen_id=""):
    return [reg_id, citizen_id, district, registered_on, eligibility]


def ref(referral_id, referred_on="2024-11-01", district="1001", citizen_id=""):
    return [referral_id, citizen_id, district, referred_on]


def compute_drop(make_drop, regs=None, svcs=None, refs=None, rsvs=None, periods=Q2):
    tables = {}
    for name, header, rows in (("homeless_registrations", REG_HEADER, regs),
                               ("homeless_services", SVC_HEADER, svcs),
                               ("rehab_referrals", REF_HEADER, refs),
                               ("rehab_services", RSV_HEADER, rsvs)):
        if rows is not None:
            tables[name] = [header, *rows]
    return compute(load_drop(make_drop(**tables)), periods)


def fig(ind, scope, kr="8207", period=Q2):
    """(numerator, denominator, percent or None, met_target) of one scope."""
    r = ind.result(kr, scope, period)
    pct = None if pd.isna(r.percent) else float(r.percent)
    return int(r.numerator), int(r.denominator), pct, r.met_target


def breakdown(ind, scope, kr="8207", period=Q2) -> dict[str, int]:
    b = ind.breakdown
    b = b[(b.kr_code == kr) & (b.scope_code == scope) & (b.fiscal_year == period.fiscal_year)
          & (b.quarter == period.quarter) & (b.persons > 0)]
    return dict(zip(b.category, b.persons.astype(int)))


def nonzero_districts(ind, kr="8207", period=Q2) -> dict[str, int]:
    r = ind.for_period(period).results
    r = r[(r.kr_code == kr) & (r.scope_code != BMA) & (r.denominator > 0)]
    return dict(zip(r.scope_code, r.denominator.astype(int)))


# --- percent and rounding -----------------------------------------------------------

@pytest.mark.parametrize("n, d, expected", [
    (1, 8, 12.5),  # 12.5 exactly
    (2, 3, 66.67),  # 66.666...
    (1, 6, 16.67),  # 16.666...
    (1, 3, 33.33),  # 33.333...
    (1, 16, 6.25),  # exact
    (1, 400, 0.25),  # exact
    (201, 800, 25.13),  # 25.125 exactly: half-up gives .13 (round() on a float gives .12)
    (201, 20000, 1.01),  # 1.005 exactly: the float 1.005 is 1.00499..., half-up still .01
    (1999, 20000, 10.0),  # 9.995 -> 10.00
    (1, 7, 14.29),  # 14.2857...
    (0, 5, 0.0),
    (5, 5, 100.0),
])
def test_percent_half_up(n, d, expected):
    assert percent_half_up(n, d) == expected


def test_percent_of_zero_denominator_is_nan():
    assert math.isnan(percent_half_up(0, 0))


@pytest.mark.parametrize("n, d, target, more", [
    (2, 31, 10, 2),  # 3/31 = 9.68 (not met), 4/31 = 12.90 (met)
    (1, 10, 10, 0),  # 10.00 meets 10
    (0, 10, 10, 1),
    (9, 100, 10, 1),
    (1999, 20000, 10, 0),  # rounds to 10.00
    (1998, 20000, 10, 1),  # 9.99
    (7, 8, 100, 1),
    (0, 3, 100, 3),
    (3, 3, 100, 0),
    (0, 0, 100, 0),
])
def test_persons_to_target(n, d, target, more):
    assert persons_to_target(n, d, target) == more


# --- scopes -------------------------------------------------------------------------

def test_every_district_and_bangkok_always_present(make_drop):
    ind = compute_drop(make_drop, regs=[reg("H1", district="1039")], svcs=[["H1", "2024-11-02",
                                                                            "food"]],
                       refs=[ref("R1")], rsvs=[["R1", "2024-11-02", "1"]])
    codes = [str(c) for c in range(1001, 1051)] + [BMA]
    for kr in ("8207", "5122"):
        r = ind.results[ind.results.kr_code == kr]
        assert list(r.scope_code) == codes
        assert set(r.target) == {100 if kr == "8207" else 10}
    assert list(scopes().scope_code) == codes
    s = scopes().set_index("scope_code").scope_name_th
    assert (s["1001"], s["1039"], s["1050"], s[BMA]) == ("เขตพระนคร", "เขตวัฒนา", "เขตบางบอน",
                                                          "กรุงเทพมหานคร")


def test_district_with_denominator_zero_has_no_percent(make_drop):
    ind = compute_drop(make_drop, regs=[reg("H1")], svcs=[["H1", "2024-11-02", "food"]])
    assert fig(ind, "1002") == (0, 0, None, None)
    assert fig(ind, "1001") == (1, 1, 100.0, True)


# --- KR 8207 cohort -----------------------------------------------------------------

def test_cohort_window_edges(make_drop):
    regs = [reg("H1", "2024-10-01"),  # first day of FY2568: in
            reg("H2", "2025-03-31"),  # last day of Q2: in
            reg("H3", "2024-09-30"),  # one day before: out
            reg("H4", "2025-04-01")]  # one day after Q2: out (in for Q4)
    svcs = [[r, "2024-12-01", "food"] for r in ("H1", "H2", "H3", "H4")]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs, periods=[Q2, Q4])
    assert fig(ind, "1001") == (2, 2, 100.0, True)
    assert fig(ind, BMA) == (2, 2, 100.0, True)
    assert fig(ind, BMA, period=Q4) == (3, 3, 100.0, True)


def test_service_window_edges(make_drop):
    regs = [reg(f"H{i}", "2024-10-15") for i in range(1, 5)]
    svcs = [["H1", "2024-10-01", "food"],  # first day: counts
            ["H2", "2025-03-31", "food"],  # last day of Q2: counts
            ["H3", "2024-09-30", "food"],  # day before the FY: never counts
            ["H4", "2025-04-01", "food"]]  # day after Q2: counts in Q4 only
    ind = compute_drop(make_drop, regs=regs, svcs=svcs, periods=[Q2, Q4])
    assert fig(ind, BMA) == (2, 4, 50.0, False)
    assert fig(ind, BMA, period=Q4) == (3, 4, 75.0, False)
    assert breakdown(ind, BMA) == {"food": 2}
    assert breakdown(ind, BMA, period=Q4) == {"food": 3}


def test_only_passed_enter_the_cohort(make_drop):
    regs = [reg("H1", eligibility="ผ่าน"), reg("H2", eligibility="passed"),
            reg("H3", eligibility=" PASSED "), reg("H4", eligibility="ไม่ผ่าน"),
            reg("H5", eligibility="failed"), reg("H6", eligibility="รอตรวจสอบ"),
            reg("H7", eligibility="pending"), reg("H8", eligibility="ok")]
    svcs = [[f"H{i}", "2024-11-02", "food"] for i in range(1, 9)]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs)
    assert fig(ind, BMA) == (3, 3, 100.0, True)


def test_home_district_is_the_earliest_cohort_registration(make_drop):
    regs = [
        reg("H1", "2024-12-01", "1001", citizen_id=VALID_A),
        reg("H2", "2024-11-01", "1002", citizen_id=VALID_A),  # earliest in the cohort: home
        reg("H3", "2024-10-05", "1003", "ไม่ผ่าน", VALID_A),  # earlier but not eligible
        reg("H4", "2024-09-01", "1004", citizen_id=VALID_A),  # earlier but outside W
    ]
    ind = compute_drop(make_drop, regs=regs, svcs=[["H1", "2024-12-02", "food"]])
    assert nonzero_districts(ind) == {"1002": 1}
    assert fig(ind, "1002") == (1, 1, 100.0, True)
    assert fig(ind, BMA) == (1, 1, 100.0, True)


def test_home_district_tie_smallest_reg_id_as_string(make_drop):
    # same day: 'H10' < 'H9' as strings (numerically it would be H9)
    regs = [reg("H9", "2024-11-01", "1009", citizen_id=VALID_A),
            reg("H10", "2024-11-01", "1010", citizen_id=VALID_A)]
    ind = compute_drop(make_drop, regs=regs, svcs=[["H9", "2024-11-02", "food"]])
    assert nonzero_districts(ind) == {"1010": 1}
    assert fig(ind, "1010") == (1, 1, 100.0, True)


def test_person_key_falls_back_to_the_record(make_drop):
    regs = [reg("H1", citizen_id="1101700203451"), reg("H2", citizen_id="1101700203451"),
            reg("H3", citizen_id=VALID_B), reg("H4", citizen_id="3-4349-43068-96-1")]
    ind = compute_drop(make_drop, regs=regs, svcs=[["H1", "2024-11-02", "food"]])
    # H1, H2 (same invalid id: two persons), H3 = H4 (one person): 3 persons, 1 served
    assert fig(ind, BMA) == (1, 3, 33.33, False)


# --- KR 8207 numerator and breakdown ------------------------------------------------

def test_services_reached_through_any_registration_of_the_person(make_drop):
    regs = [
        reg("H1", "2024-11-01", "1001", citizen_id=VALID_A),  # cohort
        reg("H2", "2023-05-01", "1001", "ไม่ผ่าน", VALID_A),  # not eligible, outside W
        reg("H3", "2024-11-01", "1002", citizen_id=VALID_B),  # cohort
        reg("H4", "2025-06-01", "1005", citizen_id=VALID_B),  # registered after W
        reg("H5", "2024-11-01", "1003"),  # cohort, no citizen id
        reg("H6", "2024-11-01", "1003", "รอตรวจสอบ"),  # another person (no id)
    ]
    svcs = [["H2", "2024-12-01", "health"], ["H4", "2025-01-10", "shower"],
            ["H6", "2024-12-01", "food"]]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs)
    assert fig(ind, "1001") == (1, 1, 100.0, True)
    assert fig(ind, "1002") == (1, 1, 100.0, True)
    assert fig(ind, "1003") == (0, 1, 0.0, False)  # H6's service is another person's
    assert fig(ind, "1005") == (0, 0, None, None)
    assert fig(ind, BMA) == (2, 3, 66.67, False)
    assert breakdown(ind, BMA) == {"health": 1, "shower": 1}
    assert breakdown(ind, "1001") == {"health": 1}
    assert breakdown(ind, "1003") == {}


def test_breakdown_counts_persons_not_services(make_drop):
    regs = [reg("H1", citizen_id=VALID_A), reg("H2", citizen_id=VALID_A),
            reg("H3", district="1002")]
    svcs = [["H1", "2024-11-02", "food"], ["H1", "2024-11-03", "food"],  # two food services
            ["H2", "2024-11-04", "food"],  # and one more through the same person's H2
            ["H1", "2024-11-02", "ตัดผม"], ["H1", "2024-11-02", "แจกถุงยังชีพ"],  # both other
            ["H3", "2024-11-05", "food"], ["H3", "2024-11-05", "บริการรถเคลื่อนที่ซักอบอาบ"]]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs)
    assert fig(ind, BMA) == (2, 2, 100.0, True)
    assert breakdown(ind, BMA) == {"food": 2, "other": 1, "mobile_wash": 1}
    assert breakdown(ind, "1001") == {"food": 1, "other": 1}
    assert breakdown(ind, "1002") == {"food": 1, "mobile_wash": 1}


def test_services_of_persons_outside_the_cohort_are_not_in_the_breakdown(make_drop):
    regs = [reg("H1"), reg("H2", eligibility="ไม่ผ่าน"), reg("H3", "2025-05-01")]
    svcs = [["H1", "2024-11-02", "food"], ["H2", "2024-11-02", "health"],
            ["H3", "2024-11-02", "toilet"]]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs)
    assert fig(ind, BMA) == (1, 1, 100.0, True)
    assert breakdown(ind, BMA) == {"food": 1}


def test_unknown_district_persons_count_in_bangkok_only(make_drop):
    regs = [reg("H1", district="บางกอกกลาง"), reg("H2", district="เมืองนนทบุรี"),
            reg("H3", district="1001")]
    svcs = [["H1", "2024-11-02", "food"], ["H3", "2024-11-02", "toilet"]]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs)
    assert fig(ind, BMA) == (2, 3, 66.67, False)
    assert nonzero_districts(ind) == {"1001": 1}
    assert fig(ind, "1001") == (1, 1, 100.0, True)
    assert breakdown(ind, BMA) == {"food": 1, "toilet": 1}
    assert breakdown(ind, "1001") == {"toilet": 1}
    assert set(ind.breakdown.scope_code) == {"1001", BMA}


def test_rounding_in_results(make_drop):
    # 1001: 1 served of 8 -> 12.50; 1002: 2 of 3 -> 66.67; 1003: 1 of 6 -> 16.67
    regs = ([reg(f"A{i}", district="1001") for i in range(8)]
            + [reg(f"B{i}", district="1002") for i in range(3)]
            + [reg(f"C{i}", district="1003") for i in range(6)])
    svcs = [["A0", "2024-11-02", "food"], ["B0", "2024-11-02", "food"],
            ["B1", "2024-11-02", "food"], ["C5", "2024-11-02", "food"]]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs)
    assert fig(ind, "1001") == (1, 8, 12.5, False)
    assert fig(ind, "1002") == (2, 3, 66.67, False)
    assert fig(ind, "1003") == (1, 6, 16.67, False)
    assert fig(ind, BMA) == (4, 17, 23.53, False)  # 400/17 = 23.529...


# --- KR 5122 ------------------------------------------------------------------------

def test_kr5122_every_referral_counts_and_target_10(make_drop):
    # 1001: 10 referred, 1 rehabilitated -> 10.00 meets 10; 1002: 1 of 11 -> 9.09 does not
    refs = ([ref(f"R1{i:02d}", district="1001") for i in range(10)]
            + [ref(f"R2{i:02d}", district="1002") for i in range(11)])
    rsvs = [["R100", "2024-11-02", "1"], ["R200", "2024-11-02", "๔"]]
    ind = compute_drop(make_drop, refs=refs, rsvs=rsvs)
    assert fig(ind, "1001", "5122") == (1, 10, 10.0, True)
    assert fig(ind, "1002", "5122") == (1, 11, 9.09, False)
    assert fig(ind, BMA, "5122") == (2, 21, 9.52, False)  # 200/21 = 9.5238...
    assert breakdown(ind, BMA, "5122") == {"family_community": 1, "health": 1}


def test_kr5122_window_edges_and_ties(make_drop):
    refs = [
        ref("R1", "2024-10-01", "1001"),  # in
        ref("R2", "2025-03-31", "1002"),  # in
        ref("R3", "2024-09-30", "1003"),  # out
        ref("R4", "2025-04-01", "1004"),  # out in Q2
        ref("R9", "2024-11-01", "1009", VALID_A),  # same person, same day:
        ref("R10", "2024-11-01", "1010", VALID_A),  # 'R10' < 'R9' -> 1010
    ]
    rsvs = [["R1", "2024-09-30", "1"],  # before W
            ["R2", "2025-03-31", "2"],  # last day: counts
            ["R3", "2024-11-01", "3"],  # not a cohort person
            ["R9", "2025-04-01", "4"]]  # after Q2
    ind = compute_drop(make_drop, refs=refs, rsvs=rsvs, periods=[Q2, Q4])
    assert nonzero_districts(ind, "5122") == {"1001": 1, "1002": 1, "1010": 1}
    assert fig(ind, BMA, "5122") == (1, 3, 33.33, True)
    assert fig(ind, "1002", "5122") == (1, 1, 100.0, True)
    assert breakdown(ind, BMA, "5122") == {"welfare": 1}
    # Q4: R4 joins the cohort (1004); R9's activity counts for the person homed at 1010
    assert nonzero_districts(ind, "5122", Q4) == {"1001": 1, "1002": 1, "1004": 1, "1010": 1}
    assert fig(ind, "1010", "5122", Q4) == (1, 1, 100.0, True)
    assert fig(ind, BMA, "5122", Q4) == (2, 4, 50.0, True)
    assert breakdown(ind, BMA, "5122", Q4) == {"welfare": 1, "health": 1}


def test_kr5122_services_through_another_referral_and_persons_not_activities(make_drop):
    refs = [ref("R1", "2024-11-01", "1001", VALID_A),
            ref("R2", "2023-01-01", "1002", VALID_A),  # outside W, same person
            ref("R3", "2024-11-01", "บางกอกกลาง")]  # unknown district
    rsvs = [["R2", "2024-12-01", "1"], ["R2", "2024-12-02", "1"], ["R1", "2024-12-03", "1"],
            ["R1", "2024-12-03", "การศึกษา"], ["R3", "2024-12-03", "2"]]
    ind = compute_drop(make_drop, refs=refs, rsvs=rsvs)
    assert fig(ind, "1001", "5122") == (1, 1, 100.0, True)
    assert fig(ind, "1002", "5122") == (0, 0, None, None)
    assert fig(ind, BMA, "5122") == (2, 2, 100.0, True)
    assert breakdown(ind, "1001", "5122") == {"family_community": 1, "education": 1}
    assert breakdown(ind, BMA, "5122") == {"family_community": 1, "education": 1, "welfare": 1}


# --- missing tables -----------------------------------------------------------------

def test_missing_rehab_services_makes_5122_unavailable(make_drop):
    ind = compute_drop(make_drop, regs=[reg("H1")], svcs=[["H1", "2024-11-02", "food"]],
                       refs=[ref("R1")])
    assert set(ind.unavailable) == {"5122"}
    assert "rehab_services" in ind.unavailable["5122"]
    assert set(ind.results.kr_code) == {"8207"}
    assert fig(ind, BMA) == (1, 1, 100.0, True)


def test_missing_registrations_makes_8207_unavailable(make_drop):
    ind = compute_drop(make_drop, svcs=[["H1", "2024-11-02", "food"]], refs=[ref("R1")],
                       rsvs=[["R1", "2024-11-02", "1"]])
    assert set(ind.unavailable) == {"8207"}
    assert "homeless_registrations" in ind.unavailable["8207"]
    assert fig(ind, BMA, "5122") == (1, 1, 100.0, True)


def test_no_cohort_in_the_window(make_drop):
    ind = compute_drop(make_drop, regs=[reg("H1", "2023-01-01")],
                       svcs=[["H1", "2024-11-02", "food"]])
    r = ind.results[ind.results.kr_code == "8207"]
    assert len(r) == 51
    assert (r.denominator == 0).all() and r.percent.isna().all()
    assert fig(ind, BMA) == (0, 0, None, None)
    assert breakdown(ind, BMA) == {}


def test_every_registration_rejected(make_drop):
    ind = compute_drop(make_drop, regs=[reg("H1", "abc"), reg("H2", district="")],
                       svcs=[["H1", "2024-11-02", "food"]])
    assert fig(ind, BMA) == (0, 0, None, None)


def test_several_periods_from_one_drop(make_drop):
    regs = [reg("H1", "2024-10-15"), reg("H2", "2025-02-01"), reg("H3", "2025-08-01")]
    svcs = [["H1", "2025-05-01", "food"], ["H3", "2025-09-30", "toilet"]]
    ind = compute_drop(make_drop, regs=regs, svcs=svcs, periods=[Period(2568, q)
                                                                 for q in (1, 2, 3, 4)])
    assert [fig(ind, BMA, period=Period(2568, q))[:2] for q in (1, 2, 3, 4)] == [
        (0, 1), (0, 2), (1, 2), (2, 3)]


def test_a_service_not_on_the_list_still_counts(make_drop):
    ind = compute_drop(make_drop, regs=[reg("H1"), reg("H2")],
                       svcs=[["H1", "2024-11-02", "แจกถุงยังชีพ"]])
    assert fig(ind, BMA) == (1, 2, 50.0, False)
    assert breakdown(ind, BMA) == {"other": 1}


def test_results_only_gives_the_same_results_and_nothing_else(tmp_path):
    """The workbook computes its earlier quarters with results_only=True: same results."""
    from krlib.demo import write_demo_drop

    write_demo_drop(tmp_path / "d", seed=11, scale=0.3, fmt="csv")
    clean = load_drop(tmp_path / "d")
    quarters = Period(2568, 3).quarters_to_date()
    full = compute(clean, quarters)
    only = compute(clean, quarters, results_only=True)
    pd.testing.assert_frame_equal(only.results, full.results)
    assert len(full.breakdown) and len(full.disaggregation) and len(full.timeliness)
    assert only.breakdown.empty and only.disaggregation.empty and only.timeliness.empty
    assert only.unavailable == full.unavailable
