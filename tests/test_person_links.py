"""Confirmed links between records (contract v3, person_links): cleaning, counting, outputs.

One small drop, every figure worked out by hand below (FY2568 Q2, W = 2024-10-01 ..
2025-03-31), checked against krlib and against the independent reference
(tests/reference.py, its own row-by-row union-find). Without the table nothing changes.

Registrations (no citizen id unless said):
  chain    H1 1001 2024-11-01 หญิง   H2 1004 2024-12-01 ชาย   H3 1004 2025-01-05 ชาย
           linked H2-H1 and H3-H2 (never H1-H3 directly); services H2 health 2025-01-10,
           H3 food 2025-02-01. One person, home H1 (earliest): district 1001, female,
           served, first service 2025-01-10 = 70 days after 2024-11-01.
  rejected H4 1007 31/02/2567 (invalid date: rejected), H5 1007 2024-11-15, not served.
           Links H5-H4 and H5-H99 name no kept record (unknown_record): H5 alone, waiting
           2025-03-31 - 2024-11-15 = 136 days.
  ids      H6 id A 1013 2024-10-05, H7 id A 1014 2025-01-01, H8 id B 1039 2024-10-01;
           link H7-H8 joins id A's records and id B's: one person, home H8 (1039),
           served through H6 (counseling 2024-12-01): 61 days.
Referrals: R1 1001 2024-11-01, R2 1004 2024-10-15, linked; rehabilitation under R1
  2024-12-01: one person, home R2 (1004), 47 days.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krlib.clean.accounts import data_quality_table, reasons_table, rejected_rows_table
from krlib.clean.persons import components, merge_persons
from krlib.clean.tables import load_drop
from krlib.compute.indicators import compute
from krlib.contract.kr import KRS
from krlib.contract.periods import Period
from krlib.outputs.csvs import (
    breakdown_table,
    disaggregation_table,
    results_table,
    timeliness_table,
)
from krlib.outputs.worklist import waiting

sys.path.insert(0, str(Path(__file__).parent))
import reference  # noqa: E402
from compare import assert_same_rows  # noqa: E402

Q2 = Period(2568, 2)
VALID_A = "1101700203450"  # check digits worked out in test_parse.py
VALID_B = "3434943068961"
STAFF_1, STAFF_2, STAFF_3 = "นางสาวกมลา ผู้ยืนยัน", "นายขจร ผู้ยืนยัน", "นายคมสัน ผู้ยืนยัน"

REGS = [
    ["reg_id", "citizen_id", "sex", "district", "registered_on", "eligibility", "service_point"],
    ["H1", "", "หญิง", "1001", "2024-11-01", "ผ่าน", "จุด ก"],
    ["H2", "", "ชาย", "1004", "2024-12-01", "ผ่าน", "จุด ข"],
    ["H3", "", "ชาย", "1004", "2025-01-05", "ผ่าน", "จุด ข"],
    ["H4", "", "ชาย", "1007", "31/02/2567", "ผ่าน", ""],
    ["H5", "", "ชาย", "1007", "2024-11-15", "ผ่าน", ""],
    ["H6", VALID_A, "ชาย", "1013", "2024-10-05", "ผ่าน", ""],
    ["H7", VALID_A, "ชาย", "1014", "2025-01-01", "ผ่าน", ""],
    ["H8", VALID_B, "ชาย", "1039", "2024-10-01", "ผ่าน", ""],
]
SVCS = [
    ["reg_id", "service_date", "service_type"],
    ["H3", "2025-02-01", "food"],
    ["H2", "2025-01-10", "health"],
    ["H6", "2024-12-01", "counseling"],
]
REFS = [
    ["referral_id", "citizen_id", "district", "referred_on"],
    ["R1", "", "1001", "2024-11-01"],
    ["R2", "", "1004", "2024-10-15"],
]
RSVS = [["referral_id", "service_date", "domain"], ["R1", "2024-12-01", "1"]]
LINKS = [  # file row numbers: the header is row 1
    ["record_a", "record_b", "confirmed_by"],
    ["reg:H2", "reg:H1", STAFF_1],   # 2 kept
    ["REG: H3", "reg:H2", STAFF_2],  # 3 kept (prefix in any case, spaces)
    ["reg:H5", "reg:H4", STAFF_1],   # 4 H4 was rejected: unknown_record
    ["reg:H5", "reg:H99", STAFF_1],  # 5 no such record: unknown_record
    ["reg:H7", "reg:H8", STAFF_2],   # 6 kept: joins id A and id B
    ["reg:H1", "ref:R1", STAFF_2],   # 7 mixed_tables
    ["reg:H2", "reg:H1", STAFF_1],   # 8 exact duplicate of row 2: collapsed
    ["reg:H1", "reg:H2", STAFF_3],   # 9 kept (the same pair again, not a duplicate row)
    ["H1", "reg:H3", STAFF_3],       # 10 invalid_record (no prefix)
    ["reg:H1", "reg:H1", STAFF_3],   # 11 self_link
    ["reg:H1", "reg:H3", ""],        # 12 missing_value (confirmed_by)
    ["ref:R1", "ref:R2", STAFF_3],   # 13 kept
]


@pytest.fixture
def drop(make_drop):
    return make_drop(homeless_registrations=REGS, homeless_services=SVCS, rehab_referrals=REFS,
                     rehab_services=RSVS, person_links=LINKS)


@pytest.fixture
def unlinked(make_drop):
    return make_drop(homeless_registrations=REGS, homeless_services=SVCS, rehab_referrals=REFS,
                     rehab_services=RSVS)


def rows(frame) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(frame.to_csv(index=False, lineterminator="\n"))))


def figures(ind, kr: str) -> dict[str, tuple[int, int]]:
    """scope -> (numerator, denominator), scopes with a denominator only."""
    r = ind.results[(ind.results.kr_code == kr) & (ind.results.denominator > 0)]
    return {s: (int(n), int(d)) for s, n, d in zip(r.scope_code, r.numerator, r.denominator)}


# --- cleaning ------------------------------------------------------------------------

def test_links_are_cleaned_and_counted(drop):
    clean = load_drop(drop)
    a = clean.accounts["person_links"]
    assert (a.rows_in, a.kept, a.collapsed, a.rejected) == (12, 5, 1, 6)
    assert dict(a.reasons) == {"unknown_record": 2, "mixed_tables": 1, "invalid_record": 1,
                               "self_link": 1, "missing_value": 1}
    rej = rejected_rows_table(clean)
    rej = rej[rej.table == "person_links"]
    assert list(zip(rej.source_row, rej.reason, rej.column)) == [
        (4, "unknown_record", "record_b"), (5, "unknown_record", "record_b"),
        (7, "mixed_tables", "record_b"), (10, "invalid_record", "record_a"),
        (11, "self_link", "record_b"), (12, "missing_value", "confirmed_by")]
    assert set(rej.district) == {""}  # a link names no district
    # kept links hold codes only: no id, no staff name
    assert list(clean.tables["person_links"].columns) == ["_row", "table", "rec_a", "rec_b"]


def test_data_quality_reports_records_merged_by_links(drop):
    clean = load_drop(drop)
    dq = data_quality_table(clean)
    assert list(dq.columns)[-1] == "merged_by_links"
    merged = dict(zip(dq.table, dq.merged_by_links))
    # registrations: 6 persons (H1, H2, H3, H5, id A, id B) -> 3; referrals 2 -> 1
    assert merged == {"homeless_registrations": 3, "homeless_services": 0, "rehab_referrals": 1,
                      "rehab_services": 0, "person_links": 0}
    reasons = reasons_table(clean)
    assert dict(zip(reasons[reasons.table == "person_links"].reason,
                    reasons[reasons.table == "person_links"]["rows"])) == dict(
        clean.accounts["person_links"].reasons)


# --- counting ------------------------------------------------------------------------

def test_chain_rejected_record_and_two_citizen_ids(drop):
    ind = compute(load_drop(drop), Q2)
    assert figures(ind, "8207") == {"1001": (1, 1), "1007": (0, 1), "1039": (1, 1),
                                    "BMA": (2, 3)}
    assert figures(ind, "5122") == {"1004": (1, 1), "BMA": (1, 1)}


def test_without_links_each_record_or_id_is_a_person(unlinked):
    ind = compute(load_drop(unlinked), Q2)
    assert figures(ind, "8207") == {"1001": (0, 1), "1004": (2, 2), "1007": (0, 1),
                                    "1013": (1, 1), "1039": (0, 1), "BMA": (3, 6)}
    assert figures(ind, "5122") == {"1001": (1, 1), "1004": (0, 1), "BMA": (1, 2)}


def test_breakdown_disaggregation_and_timeliness_follow_the_home_record(drop):
    ind = compute(load_drop(drop), Q2)
    b = ind.breakdown[ind.breakdown.kr_code == "8207"]
    assert sorted(zip(b.scope_code, b.category, b.persons)) == [
        ("1001", "food", 1), ("1001", "health", 1), ("1039", "counseling", 1),
        ("BMA", "counseling", 1), ("BMA", "food", 1), ("BMA", "health", 1)]
    d = ind.disaggregation
    d = d[(d.kr_code == "8207") & (d.scope_code == "1001")]
    cells = {(r.dimension, r.category): (r.numerator, r.denominator) for r in d.itertuples()}
    assert cells == {("sex", "female"): (1, 1), ("age_band", "unknown"): (1, 1),
                     ("service_point", "จุด ก"): (1, 1)}  # H1's attributes, not H2's / H3's
    t = ind.timeliness.set_index(["kr_code", "scope_code"])
    assert t.loc[("8207", "1001"), ["served", "median_days", "days_31_90", "waiting"]].tolist() \
        == [1, 70.0, 1, 0]
    assert t.loc[("8207", "1039"), ["served", "median_days", "days_31_90"]].tolist() == [1, 61.0, 1]
    assert t.loc[("8207", "1007"), ["served", "waiting", "waiting_91_plus"]].tolist() == [0, 1, 1]
    assert t.loc[("8207", "BMA"), ["served", "median_days", "waiting"]].tolist() == [2, 65.5, 1]
    assert t.loc[("5122", "1004"), ["served", "median_days", "days_31_90"]].tolist() == [1, 47.0, 1]


def test_worklist_lists_the_person_once_by_the_home_record(drop):
    clean = load_drop(drop)
    got = waiting(clean, KRS["8207"], Q2, "1007")
    assert got.values.tolist() == [["H5", "2024-11-15", 136]]
    for district in ("1001", "1004", "1013", "1014", "1039"):
        assert waiting(clean, KRS["8207"], Q2, district).empty, district
    assert waiting(clean, KRS["5122"], Q2, "1001").empty  # R1 is R2's person, served


@pytest.mark.parametrize("quarter", [1, 2, 4])
def test_matches_the_reference(drop, quarter):
    clean = load_drop(drop)
    period = Period(2568, quarter)
    ind = compute(clean, period)
    ref = reference.compute(drop, 2568, quarter)
    assert_same_rows(rows(results_table(ind)), ref.kr_results, "kr_results")
    assert_same_rows(rows(breakdown_table(ind)), ref.kr_breakdown, "kr_breakdown")
    assert rows(disaggregation_table(ind)) == ref.kr_disaggregation
    assert rows(timeliness_table(ind)) == ref.kr_timeliness
    assert_same_rows(rows(data_quality_table(clean)), ref.data_quality, "data_quality")
    assert ref.reasons["person_links"] == dict(clean.accounts["person_links"].reasons)


def test_the_reference_itself_on_the_hand_worked_case(drop, unlinked):
    """The oracle agrees with the hand-worked figures (so it is tested on its own)."""
    def figs(folder):
        ref = reference.compute(folder, 2568, 2)
        return {(r["kr_code"], r["scope_code"]): (r["numerator"], r["denominator"])
                for r in ref.kr_results if r["denominator"] != "0"}

    assert figs(drop) == {("8207", "1001"): ("1", "1"), ("8207", "1007"): ("0", "1"),
                          ("8207", "1039"): ("1", "1"), ("8207", "BMA"): ("2", "3"),
                          ("5122", "1004"): ("1", "1"), ("5122", "BMA"): ("1", "1")}
    assert figs(unlinked)[("8207", "BMA")] == ("3", "6")
    merged = {r["table"]: r["merged_by_links"] for r in reference.compute(drop, 2568, 2)
              .data_quality}
    assert merged["homeless_registrations"] == "3" and merged["rehab_referrals"] == "1"


# --- without the table, or with links that merge nothing -------------------------------

def test_without_the_table_data_quality_keeps_the_contract_columns(unlinked):
    clean = load_drop(unlinked)
    assert list(data_quality_table(clean).columns) == [
        "table", "rows_in", "kept", "duplicates_collapsed", "rejected", "invalid_citizen_id",
        "unknown_district"]
    assert all(a.merged_by_links is None for a in clean.accounts.values())
    assert "person_links" not in clean.tables


def test_links_that_merge_nothing_change_no_figure(make_drop, unlinked, tmp_path):
    """H6 and H7 share id A already: the link changes no person, so every KR file keeps
    its bytes; only the data-quality files say the table was there."""
    from krlib.cli import main

    merge_nothing = make_drop(homeless_registrations=REGS, homeless_services=SVCS,
                              rehab_referrals=REFS, rehab_services=RSVS,
                              person_links=[LINKS[0], ["reg:H6", "reg:H7", STAFF_1]])
    out = {}
    for name, folder in (("with", merge_nothing), ("without", unlinked)):
        out[name] = tmp_path / name
        assert main(["indicators", "--data", str(folder), "--fiscal-year", "2568",
                     "--quarter", "2", "--out", str(out[name])]) == 0
    for f in ("kr_results.csv", "kr_breakdown.csv", "kr_disaggregation.csv",
              "kr_timeliness.csv", "data_quality_flags.csv", "rejected_rows.csv"):
        assert (out["with"] / f).read_bytes() == (out["without"] / f).read_bytes(), f
    dq = (out["with"] / "data_quality.csv").read_text(encoding="utf-8").splitlines()
    assert dq[0].endswith(",merged_by_links") and dq[-1] == "person_links,1,1,0,0,0,0,0"
    assert "merged_by_links" not in (out["without"] / "data_quality.csv").read_text()


# --- file rules, privacy, outputs -------------------------------------------------------

def test_links_in_a_workbook_with_thai_headers_and_title_rows(tmp_path, unlinked):
    from openpyxl import Workbook

    folder = tmp_path / "x"
    folder.mkdir()
    for f in unlinked.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    wb = Workbook()
    ws = wb.active
    ws.title = "การยืนยันว่าเป็นบุคคลเดียวกัน"
    ws.append(["รายการที่เจ้าหน้าที่ยืนยัน"])
    ws.append([])
    ws.append(["ระเบียนที่ 1", "ระเบียนที่ 2", "ผู้ยืนยัน", "หมายเหตุ"])
    for row in LINKS[1:]:
        ws.append([*row, "x"])
    wb.save(folder / "PERSON_LINKS.XLSX")
    ind = compute(load_drop(folder), Q2)
    assert figures(ind, "8207")["BMA"] == (2, 3)


def test_header_aliases_of_the_header_rules(make_drop):
    links = [["Record A", "record-b", "Confirmed_By"], *LINKS[1:]]
    folder = make_drop(homeless_registrations=REGS, homeless_services=SVCS,
                       rehab_referrals=REFS, rehab_services=RSVS, person_links=links)
    clean = load_drop(folder)
    assert clean.accounts["person_links"].kept == 5
    assert figures(compute(clean, Q2), "8207")["BMA"] == (2, 3)


def test_staff_names_and_record_ids_never_leave(drop, tmp_path):
    from krlib.cli import main
    from krlib.outputs.privacy import file_text, identifiers

    found = identifiers(drop)
    assert {STAFF_1, STAFF_2, STAFF_3} <= set(found)  # privacy-scan looks for them too
    out = tmp_path / "out"
    assert main(["indicators", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
                 "--out", str(out)]) == 0
    for path in out.iterdir():
        text = file_text(path)
        for value in (STAFF_1, STAFF_2, STAFF_3, "reg:H", "ref:R", "นางสาวกมลา"):
            assert value not in text, (path.name, value)


def test_report_quality_table_shows_merged_records_only_with_links(drop, unlinked):
    from krlib.compute.prepare import prepare
    from krlib.report.view import ReportView, quality_table

    label = "นับรวมกับบุคคลอื่นตามการยืนยัน"
    with_links = quality_table(ReportView(prepare(drop, 2568, 2), "BMA")).data
    assert label in with_links and "การยืนยันว่าเป็นบุคคลเดียวกัน" in with_links
    assert label not in quality_table(ReportView(prepare(unlinked, 2568, 2), "BMA")).data


def test_compare_counts_a_folder_without_the_column_as_zero(drop, unlinked, tmp_path):
    from krlib.cli import main
    from krlib.outputs.compare import compare_folders

    for name, folder in (("old", unlinked), ("new", drop)):
        assert main(["indicators", "--data", str(folder), "--fiscal-year", "2568",
                     "--quarter", "2", "--out", str(tmp_path / name)]) == 0
    c = compare_folders(tmp_path / "old", tmp_path / "new")
    merged = c.quality[c.quality.measure == "merged_by_links"]
    assert sorted(zip(merged.table, merged.old, merged.new)) == [
        ("homeless_registrations", 0, 3), ("rehab_referrals", 0, 1)]


# --- the components ------------------------------------------------------------------

def naive_components(n: int, edges) -> list[int]:
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [min(y for y in range(n) if find(y) == find(x)) for x in range(n)]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))))
def test_components_match_a_naive_union_find(case):
    n, edges = case
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    assert components(n, a, b).tolist() == naive_components(n, edges)


def test_a_long_shuffled_chain_is_one_component():
    rng = np.random.default_rng(27)
    n = 200_000
    order = rng.permutation(n)
    edges = rng.permutation(n - 1)
    a, b = order[edges], order[edges + 1]
    flip = rng.random(n - 1) < 0.5
    a, b = np.where(flip, b, a), np.where(flip, a, b)
    assert (components(n, a, b) == 0).all()


def test_merge_persons_keeps_unlinked_codes():
    person = np.array([5, 0, 1, 1, 2, 3, 4])  # a citizen id shared by rows 2 and 3
    rec = np.array([6, 0, 1, 2, 3, 4, 5])
    # link rec 0 (person 0) with rec 3 (person 2), and rec 2 (person 1) with rec 3
    out = merge_persons(person, rec, np.array([0, 2]), np.array([3, 3]))
    assert out.tolist() == [5, 0, 0, 0, 0, 3, 4]
    assert merge_persons(person, rec, np.array([], dtype=int), np.array([], dtype=int)).tolist() \
        == person.tolist()


def test_links_to_an_absent_table_name_no_kept_record(make_drop):
    """Without registrations, reg: links are unknown_record; ref: links still join."""
    folder = make_drop(rehab_referrals=REFS, rehab_services=RSVS, person_links=LINKS)
    clean = load_drop(folder)
    a = clean.accounts["person_links"]
    assert (a.kept, a.reasons["unknown_record"]) == (1, 6)  # rows 2, 3, 4, 5, 6 and 9
    assert figures(compute(clean, Q2), "5122") == {"1004": (1, 1), "BMA": (1, 1)}
    assert clean.accounts["rehab_referrals"].merged_by_links == 1
