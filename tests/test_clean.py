"""Cleaning rules: what is kept, collapsed, rejected (and why) and what is flagged."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krlib.clean.tables import REASONS, clean_drop, exact_duplicates, load_drop
from krlib.demo import write_demo_drop
from krlib.read.drop import read_drop

VALID_A = "1101700203450"  # check digit worked out in test_parse.py
VALID_B = "3434943068961"
TYPE0 = "0123456789016"

REG_HEADER = ["reg_id", "citizen_id", "birth_date", "district", "registered_on", "eligibility"]
SVC_HEADER = ["reg_id", "service_date", "service_type"]
REF_HEADER = ["referral_id", "citizen_id", "district", "referred_on"]
RSV_HEADER = ["referral_id", "service_date", "domain"]


def reg(reg_id, registered_on="2024-11-01", district="1001", eligibility="ผ่าน",
        citizen_id="", birth_date=""):
    return [reg_id, citizen_id, birth_date, district, registered_on, eligibility]


def svc(reg_id, service_date="2024-11-02", service_type="food"):
    return [reg_id, service_date, service_type]


def clean_regs(make_drop, *rows, services=None):
    tables = {"homeless_registrations": [REG_HEADER, *rows]}
    if services is not None:
        tables["homeless_services"] = [SVC_HEADER, *services]
    return load_drop(make_drop(**tables))


def account_of(clean, table="homeless_registrations"):
    a = clean.accounts[table]
    assert a.rows_in == a.kept + a.collapsed + a.rejected  # nothing disappears
    assert a.rejected == len(a.rejected_rows)
    assert set(a.reasons) <= set(REASONS)
    return a


def rejected(account) -> list[tuple[int, str, str]]:
    """(source row, reason, column) of every rejected row, in file order."""
    rr = account.rejected_rows.sort_values("source_row")
    return list(zip(rr["source_row"].astype(int), rr["reason"], rr["column"]))


def kept_rows(clean, table="homeless_registrations") -> list[int]:
    return sorted(clean.tables[table]["_row"].astype(int))


# --- missing values -----------------------------------------------------------------

def test_missing_required_values_reject_the_row(make_drop):
    clean = clean_regs(
        make_drop,
        reg("H1"),  # row 2: fine
        reg(""),  # row 3: empty reg_id
        reg("H3", district="   "),  # row 4: spaces only
        reg("H4", registered_on="-"),  # row 5: dash
        reg("H5", eligibility=""),  # row 6
        reg("H6", citizen_id="-", birth_date="-"),  # row 7: optional columns may be missing
    )
    a = account_of(clean)
    assert (a.rows_in, a.kept, a.collapsed, a.rejected) == (6, 2, 0, 4)
    assert a.reasons == Counter(missing_value=4)
    assert rejected(a) == [(3, "missing_value", "reg_id"), (4, "missing_value", "district"),
                           (5, "missing_value", "registered_on"),
                           (6, "missing_value", "eligibility")]
    assert a.flags["invalid_citizen_id"] == 0  # '-' is missing, not invalid


def test_missing_required_values_in_service_tables(make_drop):
    clean = clean_regs(make_drop, reg("H1"), services=[
        svc("H1"), svc("H1", service_date=" "), svc("H1", service_type=""),
        svc("H1", service_type="-"), svc("", service_type="toilet"),
    ])
    a = account_of(clean, "homeless_services")
    assert (a.rows_in, a.kept, a.rejected) == (5, 1, 4)
    assert rejected(a) == [(3, "missing_value", "service_date"),
                           (4, "missing_value", "service_type"),
                           (5, "missing_value", "service_type"),
                           (6, "missing_value", "reg_id")]


# --- dates --------------------------------------------------------------------------

def test_event_dates_invalid_and_out_of_range(make_drop):
    clean = clean_regs(
        make_drop,
        reg("H1", registered_on="31/02/2567"),  # row 2: no such day
        reg("H2", registered_on="abc"),  # row 3
        reg("H3", registered_on="2000-01-01"),  # row 4: first day kept
        reg("H4", registered_on="2100-12-31"),  # row 5: last day kept
        reg("H5", registered_on="1999-12-31"),  # row 6: out of range
        reg("H6", registered_on="2101-01-01"),  # row 7: out of range
        reg("H7", registered_on="1/1/2644"),  # row 8: BE 2644 = CE 2101
        reg("H8", registered_on="05/07/67"),  # row 9: 2024-07-05
    )
    a = account_of(clean)
    assert rejected(a) == [
        (2, "invalid_date", "registered_on"), (3, "invalid_date", "registered_on"),
        (6, "date_out_of_range", "registered_on"), (7, "date_out_of_range", "registered_on"),
        (8, "date_out_of_range", "registered_on")]
    t = clean.tables["homeless_registrations"].sort_values("_row")
    assert [d.date() for d in t["event_date"]] == [date(2000, 1, 1), date(2100, 12, 31),
                                                   date(2024, 7, 5)]


def test_bad_birth_date_does_not_reject(make_drop):
    clean = clean_regs(make_drop, reg("H1", birth_date="abc"),
                       reg("H2", birth_date="31/02/2500"), reg("H3", birth_date="1800-01-01"))
    a = account_of(clean)
    assert (a.kept, a.rejected) == (3, 0)


def test_service_and_rehab_dates_are_event_dates(make_drop):
    drop = make_drop(
        homeless_registrations=[REG_HEADER, reg("H1")],
        homeless_services=[SVC_HEADER, svc("H1", "1999-12-31"), svc("H1", "32/1/2567"),
                           svc("H1", "15 ต.ค. 2567")],
        rehab_referrals=[REF_HEADER, ["R1", "", "1001", "ไม่ทราบ"],
                         ["R2", "", "1001", "2024-11-01"]],
        rehab_services=[RSV_HEADER, ["R2", "2101-01-01", "1"], ["R2", "2024-11-05", "1"]],
    )
    clean = load_drop(drop)
    assert rejected(account_of(clean, "homeless_services")) == [
        (2, "date_out_of_range", "service_date"), (3, "invalid_date", "service_date")]
    assert rejected(account_of(clean, "rehab_referrals")) == [(2, "invalid_date", "referred_on")]
    assert rejected(account_of(clean, "rehab_services")) == [
        (2, "date_out_of_range", "service_date")]


# --- citizen ids and persons ------------------------------------------------------------

def test_invalid_citizen_ids_keep_the_row_and_are_counted(make_drop):
    clean = clean_regs(
        make_drop,
        reg("H1", citizen_id=VALID_A),
        reg("H2", citizen_id="ไม่มีบัตร"),
        reg("H3", citizen_id="110170020345"),  # 12 digits
        reg("H4", citizen_id="11017002034500"),  # 14 digits
        reg("H5", citizen_id="1101700203451"),  # wrong check digit
        reg("H6", citizen_id=TYPE0),  # type-0 ids are valid
        reg("H7", citizen_id="3-4349-43068-96-1"),  # valid with dashes
        reg("H8", citizen_id=""),  # missing, not invalid
    )
    a = account_of(clean)
    assert (a.kept, a.rejected) == (8, 0)
    assert a.flags["invalid_citizen_id"] == 4


def _persons(clean) -> int:
    return clean.tables["homeless_registrations"]["person"].nunique()


def test_same_valid_citizen_id_is_one_person(make_drop):
    clean = clean_regs(make_drop, reg("H1", citizen_id=VALID_A),
                       reg("H2", citizen_id="1-1017-00203-45-0"),  # same id, written with dashes
                       reg("H3", citizen_id="๑๑๐๑๗๐๐๒๐๓๔๕๐"))  # same id, Thai digits
    assert _persons(clean) == 1


def test_same_invalid_citizen_id_is_two_persons(make_drop):
    clean = clean_regs(make_drop, reg("H1", citizen_id="1101700203451"),
                       reg("H2", citizen_id="1101700203451"),
                       reg("H3", citizen_id="ไม่มีบัตร"), reg("H4", citizen_id="ไม่มีบัตร"))
    assert _persons(clean) == 4
    assert account_of(clean).flags["invalid_citizen_id"] == 4


def test_missing_citizen_ids_are_separate_persons(make_drop):
    clean = clean_regs(make_drop, reg("H1"), reg("H2"), reg("H3", citizen_id=VALID_B),
                       reg("H4", citizen_id=VALID_B))
    assert _persons(clean) == 3


# --- districts and eligibility ------------------------------------------------------

def test_unknown_districts_keep_the_row_and_are_counted(make_drop):
    clean = clean_regs(make_drop, reg("H1", district="บางกอกกลาง"),
                       reg("H2", district="เมืองนนทบุรี"), reg("H3", district="เขต บางขุนเทียน"),
                       reg("H4", district="khlong-toei"), reg("H5", district="๑๐๓๙"))
    a = account_of(clean)
    assert (a.kept, a.rejected) == (5, 0)
    assert a.flags["unknown_district"] == 2
    t = clean.tables["homeless_registrations"].sort_values("_row")
    assert list(t["district"]) == ["unknown", "unknown", "1021", "1033", "1039"]


def test_eligibility_flags(make_drop):
    clean = clean_regs(make_drop, reg("H1", eligibility="ผ่าน"), reg("H2", eligibility="PASSED"),
                       reg("H3", eligibility=" ผ่าน "), reg("H4", eligibility="ไม่ผ่าน"),
                       reg("H5", eligibility="รอตรวจสอบ"), reg("H6", eligibility="pending"),
                       reg("H7", eligibility="ok?"))
    a = account_of(clean)
    assert (a.kept, a.rejected) == (7, 0)
    assert a.flags["eligibility_unrecognised"] == 1
    t = clean.tables["homeless_registrations"].sort_values("_row")
    assert list(t["eligibility"]) == ["passed", "passed", "passed", "failed", "pending",
                                   "pending", "unrecognised"]


# --- welfare types and domains ------------------------------------------------------

def test_welfare_types(make_drop):
    clean = clean_regs(make_drop, reg("H1"), services=[
        svc("H1", service_type="food"), svc("H1", service_type="บริการรถเคลื่อนที่ซักอบอาบ"),
        svc("H1", service_type="ตัดผม"), svc("H1", service_type="")])
    a = account_of(clean, "homeless_services")
    assert (a.kept, a.rejected) == (3, 1)
    assert a.reasons == Counter(missing_value=1)
    assert a.flags["other_service_type"] == 1
    t = clean.tables["homeless_services"].sort_values("_row")
    assert list(t["service_type"]) == ["food", "mobile_wash", "other"]


def test_domains(make_drop):
    domains = ["1", "๒", "education", "สาธารณสุขและสุขภาพ", "ด้านครอบครัวและชุมชน",  # rows 2-6
               "5", "ด้านอาชีพ", "0",  # rows 7-9: not one of the four
               ""]  # row 10: missing
    drop = make_drop(
        rehab_referrals=[REF_HEADER, ["R1", "", "1001", "2024-11-01"]],
        rehab_services=[RSV_HEADER, *[["R1", "2024-11-02", d] for d in domains]])
    clean = load_drop(drop)
    a = account_of(clean, "rehab_services")
    assert rejected(a) == [(7, "invalid_domain", "domain"), (8, "invalid_domain", "domain"),
                           (9, "invalid_domain", "domain"), (10, "missing_value", "domain")]
    t = clean.tables["rehab_services"].sort_values("_row")
    assert list(t["domain"]) == ["family_community", "welfare", "education", "health",
                                   "family_community"]


# --- duplicates, conflicts, orphans -------------------------------------------------

def test_exact_duplicates_collapse_even_with_surrounding_spaces(make_drop):
    clean = clean_regs(make_drop, reg("H1"), reg("H1"), reg(" H1 ", district=" 1001"),
                       reg("H2"))
    a = account_of(clean)
    assert (a.rows_in, a.kept, a.collapsed, a.rejected) == (4, 2, 2, 0)
    assert kept_rows(clean) == [2, 5]


def test_duplicate_service_rows_collapse(make_drop):
    clean = clean_regs(make_drop, reg("H1"), services=[svc("H1"), svc("H1 "), svc("H1")])
    a = account_of(clean, "homeless_services")
    assert (a.rows_in, a.kept, a.collapsed, a.rejected) == (3, 1, 2, 0)


def test_conflicting_duplicates_first_valid_kept(make_drop):
    clean = clean_regs(make_drop, reg("H1", district="1001"), reg("H1", district="1002"),
                       reg("H1", eligibility="ไม่ผ่าน"))
    a = account_of(clean)
    assert (a.kept, a.collapsed, a.rejected) == (1, 0, 2)
    assert rejected(a) == [(3, "conflicting_duplicate", "reg_id"),
                           (4, "conflicting_duplicate", "reg_id")]
    assert list(clean.tables["homeless_registrations"]["district"]) == ["1001"]


def test_conflicting_duplicates_first_row_invalid_so_second_is_kept(make_drop):
    clean = clean_regs(make_drop,
                       reg("H1", registered_on="31/02/2567", district="1001"),  # row 2: bad date
                       reg("H1", registered_on="2024-11-01", district="1002"),  # row 3: kept
                       reg("H1", registered_on="2024-11-05", district="1003"))  # row 4: conflict
    a = account_of(clean)
    assert kept_rows(clean) == [3]
    assert list(clean.tables["homeless_registrations"]["district"]) == ["1002"]
    # the invalid row keeps its own reason; the later valid one conflicts with the kept one
    assert rejected(a) == [(2, "invalid_date", "registered_on"),
                           (4, "conflicting_duplicate", "reg_id")]


def test_duplicates_collapse_before_conflicts(make_drop):
    # rows 2 and 4 are identical: row 4 is collapsed (not a conflict); row 3 conflicts
    clean = clean_regs(make_drop, reg("H1"), reg("H1", district="1002"), reg("H1"))
    a = account_of(clean)
    assert (a.kept, a.collapsed, a.rejected) == (1, 1, 1)
    assert rejected(a) == [(3, "conflicting_duplicate", "reg_id")]


def test_conflicting_referrals(make_drop):
    drop = make_drop(rehab_referrals=[REF_HEADER, ["R1", "", "1001", "2024-11-01"],
                                      ["R1", "", "1002", "2024-11-01"],
                                      ["R2", "", "1001", "2024-11-01"]])
    a = account_of(load_drop(drop), "rehab_referrals")
    assert rejected(a) == [(3, "conflicting_duplicate", "referral_id")]


def test_orphaned_service_rows(make_drop):
    clean = clean_regs(
        make_drop,
        reg("H1"),
        reg("H2", registered_on="abc"),  # rejected: its services are orphans
        services=[svc("H1"), svc("H2"), svc("H9"), svc("h1")],  # ids are case-sensitive text
    )
    a = account_of(clean, "homeless_services")
    assert (a.rows_in, a.kept, a.rejected) == (4, 1, 3)
    assert rejected(a) == [(3, "orphaned", "reg_id"), (4, "orphaned", "reg_id"),
                           (5, "orphaned", "reg_id")]


def test_services_of_a_kept_conflicting_id_reach_the_kept_row(make_drop):
    clean = clean_regs(make_drop, reg("H1", district="1001"), reg("H1", district="1002"),
                       services=[svc("H1")])
    assert account_of(clean, "homeless_services").kept == 1


def test_orphaned_rehab_services(make_drop):
    drop = make_drop(rehab_referrals=[REF_HEADER, ["R1", "", "1001", "2024-11-01"]],
                     rehab_services=[RSV_HEADER, ["R1", "2024-11-02", "1"],
                                     ["R2", "2024-11-02", "1"]])
    a = account_of(load_drop(drop), "rehab_services")
    assert rejected(a) == [(3, "orphaned", "referral_id")]


def test_services_without_their_cohort_table_are_all_orphaned(make_drop):
    drop = make_drop(homeless_services=[SVC_HEADER, svc("H1"), svc("H2")])
    a = account_of(load_drop(drop), "homeless_services")
    assert (a.kept, a.rejected) == (0, 2)
    assert a.reasons == Counter(orphaned=2)


def test_first_failing_check_wins_one_reason_per_row(make_drop):
    # missing district and a bad date: one row, one reason (required values come first)
    clean = clean_regs(make_drop, reg("H1"), reg("H2", district="", registered_on="abc"))
    a = account_of(clean)
    assert rejected(a) == [(3, "missing_value", "district")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_a_messy_table_reconciles(make_drop, encoding):
    rows = [
        reg("H1", citizen_id=VALID_A),  # kept
        reg("H1", citizen_id=VALID_A),  # collapsed
        reg("H1", citizen_id=VALID_B),  # conflicting duplicate
        reg("H2", registered_on="2101-01-01"),  # out of range
        reg("H3", district="บางกอกกลาง", citizen_id="ไม่มีบัตร"),  # kept, two flags
        reg("H4", eligibility=""),  # missing
        reg("H5", eligibility="ไม่ผ่าน"),  # kept
    ]
    drop = make_drop(encoding=encoding, homeless_registrations=[REG_HEADER, *rows])
    a = account_of(load_drop(drop))
    assert (a.rows_in, a.kept, a.collapsed, a.rejected) == (7, 3, 1, 3)
    assert a.reasons == Counter(conflicting_duplicate=1, date_out_of_range=1, missing_value=1)
    assert (a.flags["invalid_citizen_id"], a.flags["unknown_district"]) == (1, 1)


def test_cleaned_tables_hold_no_text_ids(make_drop):
    clean = clean_regs(make_drop, reg("H1", citizen_id=VALID_A), services=[svc("H1")])
    for table in clean.tables.values():
        for column in table.columns:
            values = {str(v) for v in table[column]}
            assert not values & {"H1", VALID_A}, column


# --- the fast exact-duplicate finder agrees with pandas' DataFrame.duplicated ----------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.sampled_from(["", "a", "b", " a", "ก"])] * 3), max_size=40))
def test_exact_duplicates_match_pandas(rows):
    frame = pd.DataFrame(rows, columns=["x", "y", "z"], dtype=object)
    expected = frame.duplicated(keep="first").to_numpy() if len(frame) else []
    assert list(exact_duplicates(frame, ["x", "y", "z"])) == list(expected)


# --- load_drop (one thread per KR) gives what cleaning the whole read drop gives -------

@pytest.mark.parametrize("absent", [None, "homeless_registrations", "rehab_services"])
def test_load_drop_equals_clean_drop_of_read_drop(tmp_path, absent):
    write_demo_drop(tmp_path, scale=0.02)
    if absent:
        next(tmp_path.glob(absent + ".*")).unlink()
    fast, plain = load_drop(tmp_path), clean_drop(read_drop(tmp_path))
    assert list(fast.tables) == list(plain.tables) and list(fast.accounts) == list(plain.accounts)
    for name in plain.tables:
        pd.testing.assert_frame_equal(fast.tables[name], plain.tables[name])
        a, b = fast.accounts[name], plain.accounts[name]
        assert (a.rows_in, a.kept, a.collapsed, a.reasons, a.flags) == (
            b.rows_in, b.kept, b.collapsed, b.reasons, b.flags)
        pd.testing.assert_frame_equal(a.rejected_rows, b.rejected_rows)
