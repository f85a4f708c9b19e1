"""kr_timeliness's waiting persons by days waited so far (contract v3: waiting_0 ..
waiting_91_plus), on a tiny drop worked out by hand, checked against krlib, the
independent reference (tests/reference.py) and the worklist.

Days waited = last day of W minus the home record's date. FY2568 Q2: last day of W
2025-03-31; Q1: 2024-12-31 (2025 is not a leap year: February has 28 days).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from conftest import REG_COLUMNS as REG
from conftest import VALID_A, VALID_B

from krlib.clean.tables import load_drop
from krlib.compute.indicators import TIMELINESS_COLUMNS, compute
from krlib.contract.kr import KRS
from krlib.contract.periods import Period
from krlib.contract.scopes import UNKNOWN
from krlib.outputs.csvs import timeliness_table
from krlib.outputs.worklist import waiting

sys.path.insert(0, str(Path(__file__).parent))
import reference  # noqa: E402

Q1, Q2 = Period(2568, 1), Period(2568, 2)
WAITING = ["waiting_0", "waiting_1_7", "waiting_8_30", "waiting_31_90", "waiting_91_plus"]
REGS = [
    REG,
    # district 1001, never served: the bucket edges, days to 2025-03-31 (Q2)
    ["W0", "", "", "", "1001", "2025-03-31", "ผ่าน", ""],   # 0 days
    ["W7", "", "", "", "1001", "2025-03-24", "ผ่าน", ""],   # 7
    ["W8", "", "", "", "1001", "2025-03-23", "ผ่าน", ""],   # 8
    ["W30", "", "", "", "1001", "2025-03-01", "ผ่าน", ""],  # 30
    ["W31", "", "", "", "1001", "2025-02-28", "ผ่าน", ""],  # 31 (28 Feb + 31 = 31 Mar)
    ["W90", "", "", "", "1001", "2024-12-31", "ผ่าน", ""],  # 31 + 28 + 31 = 90; Q1: 0
    ["W91", "", "", "", "1001", "2024-12-30", "ผ่าน", ""],  # 91; Q1: 1
    # served: counted in served, nowhere in waiting
    ["S1", "", "", "", "1001", "2024-10-01", "ผ่าน", ""],
    # person A: home S2 (1001, earliest); served through the later record S2b (1002)
    ["S2", VALID_A, "", "", "1001", "2024-10-05", "ผ่าน", ""],
    ["S2b", VALID_A, "", "", "1002", "2024-11-01", "ผ่าน", ""],
    # served only after W: still waiting, 136 days (Q2) / 46 days (Q1)
    ["L", "", "", "", "1002", "2024-11-15", "ผ่าน", ""],
    # person B waits from the home record (1003, 2024-10-31): 151 days (Q2) / 61 (Q1);
    # the later record in 1004 counts nowhere
    ["M", VALID_B, "", "", "1003", "2024-10-31", "ผ่าน", ""],
    ["Mb", VALID_B, "", "", "1004", "2025-03-30", "ผ่าน", ""],
    # unknown district: 89 days (Q2), in BMA only; not in Q1's window
    ["U", "", "", "", "นนทบุรี", "2025-01-01", "ผ่าน", ""],
    # not eligible: not in the cohort, so not waiting
    ["N", "", "", "", "1001", "2024-10-10", "ไม่ผ่าน", ""],
]
SVCS = [
    ["reg_id", "service_date", "service_type"],
    ["S1", "2024-10-02", "food"],
    ["S2b", "2024-11-02", "food"],
    ["L", "2025-04-01", "food"],  # after Q2's W
]


def rows(frame) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(frame.to_csv(index=False, lineterminator="\n"))))


@pytest.fixture
def drop(make_drop) -> Path:
    return make_drop(homeless_registrations=REGS, homeless_services=SVCS)


@pytest.fixture
def clean(drop):
    return load_drop(drop)


def timeliness(ind, period):
    return {r["scope_code"]: r for r in rows(timeliness_table(ind.for_period(period)))
            if r["kr_code"] == "8207"}


def buckets(row) -> list[int]:
    return [int(row[b]) for b in WAITING]


def test_columns_in_the_contracts_order(clean):
    assert TIMELINESS_COLUMNS == [
        "kr_code", "fiscal_year", "quarter", "scope_code", "served", "median_days", "days_0",
        "days_1_7", "days_8_30", "days_31_90", "days_91_plus", "waiting", "waiting_0",
        "waiting_1_7", "waiting_8_30", "waiting_31_90", "waiting_91_plus"]
    assert list(rows(timeliness_table(compute(clean, Q2)))[0]) == TIMELINESS_COLUMNS


def test_bucket_edges_by_hand_q2(clean):
    t = timeliness(compute(clean, Q2), Q2)
    assert len(t) == 51
    # 1001: 0 | 7 | 8, 30 | 31, 90 | 91; S1 and S2 served (2 of 9)
    assert (t["1001"]["served"], t["1001"]["waiting"]) == ("2", "7")
    assert buckets(t["1001"]) == [1, 1, 2, 2, 1]
    assert buckets(t["1002"]) == [0, 0, 0, 0, 1]  # L, 136 days; S2b is not a home record
    assert buckets(t["1003"]) == [0, 0, 0, 0, 1]  # M, 151 days
    assert buckets(t["1004"]) == [0, 0, 0, 0, 0]  # Mb is not M's home record
    # BMA: the districts plus U (89 days, unknown district)
    assert (t["BMA"]["served"], t["BMA"]["waiting"]) == ("2", "10")
    assert buckets(t["BMA"]) == [1, 1, 2, 3, 3]
    for code, r in t.items():  # zeros where nobody waits, and always the sum
        assert sum(buckets(r)) == int(r["waiting"]), code
        if code not in ("1001", "1002", "1003", "BMA"):
            assert buckets(r) == [0] * 5, code


def test_the_last_day_of_each_window_counts(clean):
    ind = compute(clean, [Q1, Q2])
    t = timeliness(ind, Q1)  # last day of W 2024-12-31
    assert buckets(t["1001"]) == [1, 1, 0, 0, 0]  # W90: 0 days, W91: 1 day
    assert buckets(t["1002"]) == [0, 0, 0, 1, 0]  # L, 46 days
    assert buckets(t["1003"]) == [0, 0, 0, 1, 0]  # M, 61 days
    assert buckets(t["BMA"]) == [1, 1, 0, 2, 0]   # U is not in Q1's window
    assert timeliness(ind, Q2)["BMA"]["waiting_91_plus"] == "3"


def test_nobody_waiting_gives_zeros_everywhere(make_drop):
    drop = make_drop(homeless_registrations=[REG, ["S1", "", "", "", "1001", "2024-10-01",
                                                   "ผ่าน", ""]],
                     homeless_services=SVCS[:2])
    t = timeliness(compute(load_drop(drop), Q2), Q2)
    assert len(t) == 51 and t["1001"]["served"] == "1"
    assert all(r["waiting"] == "0" and buckets(r) == [0] * 5 for r in t.values())


def test_reference_agrees_by_hand(drop, clean):
    table = reference.compute(drop, 2568, 2).kr_timeliness
    assert table == rows(timeliness_table(compute(clean, Q2)))
    ref = {r["scope_code"]: r for r in table if r["kr_code"] == "8207"}
    assert buckets(ref["1001"]) == [1, 1, 2, 2, 1]
    assert buckets(ref["BMA"]) == [1, 1, 2, 3, 3]
    assert buckets(ref["1004"]) == [0] * 5


@pytest.mark.parametrize("period", [Q1, Q2], ids=["Q1", "Q2"])
def test_worklist_rows_are_the_buckets(clean, period):
    kr = KRS["8207"]
    t = timeliness(compute(clean, period), period)
    ranges = [(0, 0), (1, 7), (8, 30), (31, 90), (91, 10 ** 9)]
    for scope in ("1001", "1002", "1003", "1004", UNKNOWN):
        days = list(waiting(clean, kr, period, scope)["days_waiting"])
        counts = [sum(lo <= d <= hi for d in days) for lo, hi in ranges]
        if scope != UNKNOWN:
            assert counts == buckets(t[scope]), scope
    if period == Q2:
        assert list(waiting(clean, kr, Q2, "1001")["days_waiting"]) == [91, 90, 31, 30, 8, 7, 0]
        assert list(waiting(clean, kr, Q2, UNKNOWN)["days_waiting"]) == [89]


# --- the contract's worked example ------------------------------------------------------
# Its expected-*/ folders hold kr_results, kr_breakdown and data_quality only: no
# kr_timeliness.csv, so nothing there needs the new columns. KR 8207's waiting persons
# are worked out here by hand from the drop's raw cells instead: each is a cohort
# person of the official expected kr_results.csv's denominator - numerator (checked
# below scope by scope), whose every service (homeless_services.csv, any record of the
# person) falls outside W; days = last day of W minus registered_on as typed.
EXAMPLE_WAITING = {
    2: {  # last day of W 2025-03-31
        "1001": [("H000040", "2025-03-15", 16)],
        "1007": [("H000093", "date cell 2568-02-11 (BE)", 17 + 31),  # 48
                 ("H000119", "13/02/68", 15 + 31)],                   # 46
        "1010": [("H000053", "2025-03-07", 24)],                      # เขตมีนบุรี
        "1026": [("H000033", "29/03/68", 2)],
        "1030": [("H000014", "๒๑/๑๒/๒๕๖๗", 10 + 31 + 28 + 31)],       # 100
        "1034": [("H000050", "2024-12-02 (date cell)", 29 + 31 + 28 + 31)],  # 119
    },
    4: {  # last day of W 2025-09-30
        # H000003's person also has H000001 / H000002, served before W (the latest,
        # S0000005 on 30 ก.ย. 2567, one day before W opens)
        "1001": [("H000003", "27 มิถุนายน 2568", 3 + 31 + 31 + 30)],  # 95
        "1004": [("H000101", "27/09/68", 3)],
        "1007": [("H000093", "date cell 2568-02-11 (BE)",
                  17 + 31 + 30 + 31 + 30 + 31 + 31 + 30),             # 231
                 ("H000113", "25/08/2025", 6 + 30)],                  # 36
        "1013": [("H000112", "12/08/68", 19 + 30)],                   # 49
        "1026": [("H000038", "6 กรกฎาคม 2568", 25 + 31 + 30)],       # 86
        "1030": [("H000014", "๒๑/๑๒/๒๕๖๗",
                  10 + 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30)],  # 283
        "1033": [("H000009", "16/08/2025", 15 + 30)],                 # 45
        "1045": [("H000126", "27/9/2568", 3)],                        # เขตวังทองหลาง
    },
}
#: ... bucketed: Q2 BMA 0 | 1 (H33) | 2 (H40, H53) | 2 (H93, H119) | 2 (H14, H50);
#: Q4 BMA 0 | 2 (H101, H126) | 0 | 4 (H113, H112, H38, H09) | 3 (H03, H93, H14).
EXAMPLE_BMA = {2: [0, 1, 2, 2, 2], 4: [0, 2, 0, 4, 3]}


def _bucket(days: int) -> int:
    return 0 if days == 0 else 1 if days <= 7 else 2 if days <= 30 else 3 if days <= 90 else 4


@pytest.mark.parametrize("quarter", [2, 4])
def test_contract_example_by_hand(contract_example, quarter):
    period = Period(2568, quarter)
    clean = load_drop(contract_example / "drop")
    t = timeliness(compute(clean, period), period)
    with open(contract_example / f"expected-2568-Q{quarter}" / "kr_results.csv",
              encoding="utf-8-sig", newline="") as fh:
        official = {r["scope_code"]: int(r["denominator"]) - int(r["numerator"])
                    for r in csv.DictReader(fh) if r["kr_code"] == "8207"}
    hand = EXAMPLE_WAITING[quarter]
    for scope, row in t.items():
        expected = [0] * 5
        for _, _, days in (hand.get(scope, []) if scope != "BMA"
                           else [p for persons in hand.values() for p in persons]):
            expected[_bucket(days)] += 1
        assert scope != "BMA" or expected == EXAMPLE_BMA[quarter]
        assert buckets(row) == expected, scope
        assert int(row["waiting"]) == official[scope] == sum(expected), scope
    assert sum(len(v) for v in hand.values()) == official["BMA"]  # no unknown district
    for scope, persons in hand.items():
        listed = waiting(clean, KRS["8207"], period, scope)
        assert sorted(zip(listed["record_id"], listed["days_waiting"])) == sorted(
            (rid, days) for rid, _, days in persons), scope


@pytest.mark.parametrize("quarter", [2, 4])
def test_contract_example_reference_agrees(contract_example, quarter):
    """Both KRs (KR 5122 has 29 / 57 waiting), every scope, krlib = the reference."""
    period = Period(2568, quarter)
    mine = rows(timeliness_table(compute(load_drop(contract_example / "drop"), period)))
    ref = reference.compute(contract_example / "drop", 2568, quarter).kr_timeliness
    assert mine == ref and len(mine) == 2 * 51
    assert [int(r["waiting"]) for r in ref if r["scope_code"] == "BMA"] == (
        [7, 29] if quarter == 2 else [9, 57])

