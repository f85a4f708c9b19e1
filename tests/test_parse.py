"""Single-value parsers, one contract rule at a time, with hand-written expectations."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krlib.parse import (
    MAX_DATE_TEXT,
    citizen_id_checksum_ok,
    full_year,
    is_missing,
    parse_citizen_id,
    parse_citizen_ids,
    parse_date,
    parse_district,
    parse_domain,
    parse_eligibility,
    parse_event_date,
    parse_event_dates,
    parse_welfare_type,
)

# --- dates --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # ISO, CE and BE years, padded or not
    ("2024-07-05", date(2024, 7, 5)),
    ("2024-7-5", date(2024, 7, 5)),
    ("2567-07-05", date(2024, 7, 5)),
    ("2567-7-5", date(2024, 7, 5)),
    # D/M/YYYY and D-M-YYYY, BE and CE, padded or not
    ("05/07/2567", date(2024, 7, 5)),
    ("5/7/2567", date(2024, 7, 5)),
    ("5/7/2024", date(2024, 7, 5)),
    ("05-07-2567", date(2024, 7, 5)),
    ("5-7-2024", date(2024, 7, 5)),
    ("31/12/2567", date(2024, 12, 31)),
    # two-digit years are BE 25YY
    ("05/07/67", date(2024, 7, 5)),
    ("5-7-67", date(2024, 7, 5)),
    ("1/10/68", date(2025, 10, 1)),
    # Thai digits anywhere
    ("๐๕/๐๗/๒๕๖๗", date(2024, 7, 5)),
    ("๒๕๖๗-๐๗-๐๕", date(2024, 7, 5)),
    ("5/๗/2567", date(2024, 7, 5)),
    ("๑๕ ต.ค. ๒๕๖๗", date(2024, 10, 15)),
    # Thai month names (contract examples), with or without พ.ศ. and spaces
    ("15 ต.ค. 2567", date(2024, 10, 15)),
    ("15 ตุลาคม 2567", date(2024, 10, 15)),
    ("15 ต.ค. 67", date(2024, 10, 15)),
    ("15 ต.ค. พ.ศ. 2567", date(2024, 10, 15)),
    ("15ต.ค.2567", date(2024, 10, 15)),
    ("15 ตุลาคม 2024", date(2024, 10, 15)),
    # surrounding spaces; XLSX datetime text
    ("  2024-07-05  ", date(2024, 7, 5)),
    ("2567-11-03 00:00:00", date(2024, 11, 3)),
    # leap day: 2567 BE = 2024 CE is a leap year
    ("29/02/2567", date(2024, 2, 29)),
])
def test_parse_date_forms(text, expected):
    assert parse_date(text) == expected


THAI_MONTHS = [  # (full, abbreviated, month number), written out by hand
    ("มกราคม", "ม.ค.", 1), ("กุมภาพันธ์", "ก.พ.", 2), ("มีนาคม", "มี.ค.", 3),
    ("เมษายน", "เม.ย.", 4), ("พฤษภาคม", "พ.ค.", 5), ("มิถุนายน", "มิ.ย.", 6),
    ("กรกฎาคม", "ก.ค.", 7), ("สิงหาคม", "ส.ค.", 8), ("กันยายน", "ก.ย.", 9),
    ("ตุลาคม", "ต.ค.", 10), ("พฤศจิกายน", "พ.ย.", 11), ("ธันวาคม", "ธ.ค.", 12),
]


@pytest.mark.parametrize("full, abbr, month", THAI_MONTHS)
def test_every_thai_month_full_and_abbreviated(full, abbr, month):
    assert parse_date(f"3 {full} 2568") == date(2025, month, 3)
    assert parse_date(f"3 {abbr} 2568") == date(2025, month, 3)
    assert parse_date(f"3 {abbr.replace('.', '')} 2568") == date(2025, month, 3)


@pytest.mark.parametrize("year_text, ce", [
    ("2567", 2024), ("2400", 1857), ("2399", 2399), ("2024", 2024), ("67", 2024),
    ("00", 1957), ("99", 2056),
])
def test_full_year(year_text, ce):
    assert full_year(year_text) == ce


@pytest.mark.parametrize("text", [
    "31/02/2567", "30/02/2024", "29/02/2566",  # 2566 BE = 2023 CE: not a leap year
    "abc", "", "   ", "-", "2024-13-01", "2024-00-10", "32/1/2567", "0/1/2567",
    "15 ตค 2567x", "15 เดือนสิบ 2567", "2024/07/05", "5.7.2567", "567-01-01",
])
def test_invalid_dates_are_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, expected", [
    ("2000-01-01", date(2000, 1, 1)),
    ("2100-12-31", date(2100, 12, 31)),
    ("1/1/2543", date(2000, 1, 1)),  # 2543 BE = 2000 CE
    ("31/12/2643", date(2100, 12, 31)),  # 2643 BE = 2100 CE
    ("1999-12-31", "out_of_range"),
    ("2101-01-01", "out_of_range"),
    ("31/12/2542", "out_of_range"),
    ("1/1/2644", "out_of_range"),
    ("05/07/24", "out_of_range"),  # BE 2524 = CE 1981
    ("31/02/2567", "unparseable"),
    ("abc", "unparseable"),
    ("", "unparseable"),
])
def test_event_date_range_edges(text, expected):
    assert parse_event_date(text) == expected


# Property: every supported way of writing a date in 2000..2100 reads back as that date.
FULL = [m[0] for m in THAI_MONTHS]
ABBR = [m[1] for m in THAI_MONTHS]
TO_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

FORMS = {
    "iso_ce": lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
    "iso_be": lambda d: f"{d.year + 543}-{d.month:02d}-{d.day:02d}",
    "iso_be_unpadded": lambda d: f"{d.year + 543}-{d.month}-{d.day}",
    "dmy_slash_be": lambda d: f"{d.day}/{d.month}/{d.year + 543}",
    "dmy_slash_be_padded": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year + 543}",
    "dmy_slash_ce": lambda d: f"{d.day}/{d.month}/{d.year}",
    "dmy_dash_be": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year + 543}",
    "dmy_dash_ce": lambda d: f"{d.day}-{d.month}-{d.year}",
    "thai_full_be": lambda d: f"{d.day} {FULL[d.month - 1]} {d.year + 543}",
    "thai_abbr_be": lambda d: f"{d.day} {ABBR[d.month - 1]} {d.year + 543}",
    "thai_abbr_be_pors": lambda d: f"{d.day} {ABBR[d.month - 1]} พ.ศ. {d.year + 543}",
    "thai_digits_dmy_be": lambda d: f"{d.day}/{d.month}/{d.year + 543}".translate(TO_THAI_DIGITS),
    "thai_digits_thai_month": lambda d: f"{d.day} {FULL[d.month - 1]} {d.year + 543}"
    .translate(TO_THAI_DIGITS),
}


@settings(max_examples=150, deadline=None)
@given(d=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
       form=st.sampled_from(sorted(FORMS)))
def test_every_form_round_trips(d, form):
    text = FORMS[form](d)
    assert parse_date(text) == d, text
    assert parse_event_date(text) == d, text


@settings(max_examples=60, deadline=None)
@given(d=st.dates(min_value=date(2000, 1, 1), max_value=date(2056, 12, 31)))
def test_two_digit_be_year_round_trips(d):
    # a two-digit year YY means BE 25YY, i.e. CE 1957..2056
    yy = (d.year + 543) % 100
    assert parse_date(f"{d.day:02d}/{d.month:02d}/{yy:02d}") == d


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_parse_date_never_raises(text):
    result = parse_date(text)
    assert result is None or isinstance(result, date)
    assert parse_event_date(text) is not None


@settings(max_examples=200, deadline=None)
@given(text=st.from_regex(r"[0-9๐-๙]{1,4}[/\- .]{0,2}[ก-ฮ.0-9๐-๙ ]{0,8}[/\- ]?[0-9๐-๙]{1,5}",
                          fullmatch=True))
def test_parse_date_never_raises_on_date_like_text(text):
    result = parse_date(text)
    assert result is None or isinstance(result, date)


# --- citizen ids --------------------------------------------------------------------
#
# Check digit = (11 - sum(d[i] * (13 - i), i = 0..11) mod 11) mod 10, by hand:
#   1101700203450: 1*13 + 1*12 + 0*11 + 1*10 + 7*9 + 0*8 + 0*7 + 2*6 + 0*5 + 3*4 + 4*3 + 5*2
#                = 13 + 12 + 10 + 63 + 12 + 12 + 12 + 10 = 144; 144 mod 11 = 1; (11-1) mod 10 = 0
#   3434943068961: 39 + 48 + 33 + 40 + 81 + 32 + 21 + 0 + 30 + 32 + 27 + 12 = 395;
#                  395 mod 11 = 10; (11-10) mod 10 = 1
#   0123456789016 (type 0): 0 + 12 + 22 + 30 + 36 + 40 + 42 + 42 + 40 + 36 + 0 + 2 = 302;
#                  302 mod 11 = 5; (11-5) mod 10 = 6
#   0000000001121 (type 0): 1*4 + 1*3 + 2*2 = 11; 11 mod 11 = 0; (11-0) mod 10 = 1
VALID_IDS = ["1101700203450", "3434943068961", "0123456789016", "0000000001121"]


@pytest.mark.parametrize("cid", VALID_IDS)
def test_valid_citizen_ids(cid):
    assert citizen_id_checksum_ok(cid)
    assert parse_citizen_id(cid) == cid


@pytest.mark.parametrize("text, expected", [
    ("3-4349-43068-96-1", "3434943068961"),
    ("3 4349 43068 96 1", "3434943068961"),
    (" 1-1017-00203-45-0 ", "1101700203450"),
    ("๑๑๐๑๗๐๐๒๐๓๔๕๐", "1101700203450"),
    ("๐-๑๒๓๔-๕๖๗๘๙-๐๑-๖", "0123456789016"),
])
def test_citizen_id_separators_and_thai_digits_are_dropped(text, expected):
    assert parse_citizen_id(text) == expected


@pytest.mark.parametrize("text", [
    "110170020345",  # 12 digits
    "11017002034500",  # 14 digits
    "1101700203451",  # check digit should be 0
    "3434943068960",  # check digit should be 1
    "0123456789010",  # type 0, check digit should be 6
    "ไม่มีบัตร", "", "-", "abc", "1101700203450x", "1101700203.45", "1,101,700,203,450",
])
def test_invalid_citizen_ids(text):
    assert parse_citizen_id(text) is None


def _check_digit(twelve: str) -> int:
    return (11 - sum(int(c) * (13 - i) for i, c in enumerate(twelve)) % 11) % 10


@settings(max_examples=200, deadline=None)
@given(twelve=st.text(alphabet="0123456789", min_size=12, max_size=12),
       shift=st.integers(1, 9))
def test_citizen_id_property(twelve, shift):
    good = twelve + str(_check_digit(twelve))
    assert parse_citizen_id(good) == good
    bad = twelve + str((_check_digit(twelve) + shift) % 10)
    assert parse_citizen_id(bad) is None


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_parse_citizen_id_never_raises(text):
    result = parse_citizen_id(text)
    assert result is None or (len(result) == 13 and result.isdigit())


# --- districts ----------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("เขตบางขุนเทียน", "1021"),
    ("บางขุนเทียน", "1021"),
    ("เขต บางขุนเทียน", "1021"),
    (" เขตพระนคร ", "1001"),
    ("พระนคร", "1001"),
    ("วัฒนา", "1039"),
    ("Phra Nakhon", "1001"),
    ("phra nakhon", "1001"),
    ("PHRANAKHON", "1001"),
    ("Khlong Toei", "1033"),
    ("khlong-toei", "1033"),
    ("KHLONG TOEI", "1033"),
    ("Vadhana", "1039"),
    ("Watthana", "1039"),
    ("Bang Khun Thian", "1021"),
    ("1001", "1001"),
    ("1050", "1050"),
    ("๑๐๓๙", "1039"),
    ("๑๐๐๑", "1001"),
])
def test_district_accepted_forms(text, code):
    assert parse_district(text) == code


@pytest.mark.parametrize("text", [
    "บางกอกกลาง",  # misspelling / not a district
    "เมืองนนทบุรี",  # not in Bangkok
    "บางขุนเทีย",  # one letter short: no fuzzy guessing
    "Khlong Toey Nuea", "1000", "1051", "10", "", "-", "Bangkok",
])
def test_unknown_districts(text):
    assert parse_district(text) is None


# --- eligibility --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["ผ่าน", " ผ่าน ", "passed", "PASSED", "Passed"])
def test_eligibility_passed(text):
    assert parse_eligibility(text) == "passed"


@pytest.mark.parametrize("text, status", [
    ("ไม่ผ่าน", "failed"),  # contains ผ่าน but is the opposite
    ("failed", "failed"),
    ("FAILED", "failed"),
    ("รอตรวจสอบ", "pending"),
    ("pending", "pending"),
    ("ผ่านแล้ว?", "unrecognised"),
    ("pass", "unrecognised"),
    ("xyz", "unrecognised"),
    ("", "unrecognised"),
])
def test_eligibility_not_passed(text, status):
    assert parse_eligibility(text) == status


# --- welfare types ------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("counseling", "counseling"),
    ("FOOD", "food"),
    ("บริการให้คำปรึกษาแนะนำ", "counseling"),
    ("การตรวจสุขภาพและการรักษาพยาบาล", "health"),
    ("การทำบัตรประจำตัวประชาชน", "id_card"),
    ("การส่งเสริมการฝึกอาชีพ", "vocational"),
    ("บริการรถเคลื่อนที่ซัก อบ อาบ", "mobile_wash"),
    ("บริการรถเคลื่อนที่ซักอบอาบ", "mobile_wash"),  # spaces removed
    ("บริการรถเคลื่อนที่ ซัก อบ อาบ", "mobile_wash"),  # spaces added
    ("บริการจัดรับบริจาคอาหารและแจกอาหาร", "food"),
    ("บริการจัดรับบริจาคอาหาร และแจกอาหาร", "food"),
    ("ห้องสุขา", "toilet"),
    ("ห้องอาบน้ำ", "shower"),
    ("การรับสมัครงานและการจ้างงาน", "employment"),
    ("ด้านที่พักอาศัย", "housing"),
    ("ตัดผม", "other"),  # the sheet's list ends with "etc."
    ("แจกถุงยังชีพ", "other"),
])
def test_welfare_types(text, key):
    assert parse_welfare_type(text) == key


# --- domains ------------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("1", "family_community"), ("2", "welfare"), ("3", "education"), ("4", "health"),
    ("๑", "family_community"), ("๒", "welfare"), ("๓", "education"), ("๔", "health"),
    ("family_community", "family_community"), ("welfare", "welfare"),
    ("education", "education"), ("health", "health"),
    ("ด้านครอบครัวและชุมชน", "family_community"),
    ("ครอบครัวและชุมชน", "family_community"),
    ("ด้านสวัสดิการสังคมและสังคมสงเคราะห์", "welfare"),
    ("สวัสดิการสังคมและสังคมสงเคราะห์", "welfare"),
    ("ด้านการศึกษา", "education"),
    ("การศึกษา", "education"),
    ("ด้านสาธารณสุขและสุขภาพ", "health"),
    ("สาธารณสุขและสุขภาพ", "health"),
    (" 2 ", "welfare"),
])
def test_domains(text, key):
    assert parse_domain(text) == key


@pytest.mark.parametrize("text", ["0", "5", "๕", "12", "อาชีพ", "ด้านอาชีพ", "food", "", "-"])
def test_invalid_domains(text):
    assert parse_domain(text) is None


# --- missing values -----------------------------------------------------------------

@pytest.mark.parametrize("text, missing", [
    ("", True), ("   ", True), ("-", True), (" - ", True),
    ("0", False), ("--", False), ("x", False),
])
def test_missing_values(text, missing):
    assert is_missing(text) is missing


@pytest.mark.parametrize("text", [
    "1" + " " * 3000 + "x",  # was cubic backtracking in the Thai-month pattern (~5 min)
    "12" + " " * 3000 + "ธ.ค.",
    "1 ก" + " " * 3000 + "x",
    "1 " + "ก " * 2000 + "x",
    "1 " + "พ.ศ. " * 1000 + "x",
    "15" + " " * 60 + "ต.ค. 2567",  # a real date spread past the length limit
])
def test_long_text_is_no_date(text):
    # Longer than MAX_DATE_TEXT: rejected before any pattern runs, so junk cells cannot
    # make the patterns backtrack (no timing needed to test that).
    assert len(text) > MAX_DATE_TEXT
    assert parse_date(text) is None


@pytest.mark.parametrize("text", [
    "1" + " " * 50 + "x",
    "1 " + "ก " * 25 + "x",
    "1 " + "พ.ศ. " * 12 + "x",
])
def test_junk_just_under_the_length_limit_is_no_date(text):
    assert len(text) <= MAX_DATE_TEXT
    assert parse_date(text) is None


def test_longest_real_form_fits_the_length_limit():
    assert parse_date("30 พฤศจิกายน พ.ศ. ๒๕๖๗") == date(2024, 11, 30)


# --- the vectorised citizen-id parser agrees with the one-value parser ------------------

def _with_check_digit(twelve: str) -> str:
    total = sum(int(twelve[i]) * (13 - i) for i in range(12))
    return twelve + str((11 - total % 11) % 10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=20),
    st.from_regex(r"[0-9]{12}", fullmatch=True).map(_with_check_digit),
    st.from_regex(r"[0-9 \-๐-๙]{10,20}", fullmatch=True),
    # every kind of space Python's \s knows (Arrow's RE2 knows fewer), among digits
    st.from_regex("[0-9\t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u2003\u3000๑-]{13,16}",
                   fullmatch=True),
), max_size=30))
def test_vectorised_citizen_ids_match_scalar(values):
    got = parse_citizen_ids(pd.Series(values, dtype=object)).tolist()
    assert got == [parse_citizen_id(v) for v in values]


@pytest.mark.parametrize("sep", ["\t", "\x0b", "\x0c", "\x1c", "\x1f", "\xa0", "\u3000", "-"])
def test_vectorised_citizen_ids_remove_every_python_space(sep):
    """Arrow's RE2 ``\\s`` is narrower than Python's: each separator must still go."""
    valid = _with_check_digit("110170020345")
    spaced = sep.join([valid[:1], valid[1:5], valid[5:10], valid[10:12], valid[12]])
    thai = spaced.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    got = parse_citizen_ids(pd.Series([spaced, thai], dtype=object)).tolist()
    assert got == [parse_citizen_id(spaced), parse_citizen_id(thai)] == [valid, valid]


# --- the column date parser agrees with the one-value parser ------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=12),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(str),  # ISO, in and out of range
    st.dates(date(1990, 1, 1), date(2110, 12, 31)).map(
        lambda d: f"{d.day}/{d.month}/{d.year + 543}"),  # BE, day first
    st.sampled_from(["", "-", "1999-12-31", "2000-01-01", "2100-12-31", "2101-01-01"]),
), max_size=30))
def test_column_dates_match_scalar(values):
    dates, unparseable, out_of_range = parse_event_dates(pd.Series(values, dtype="str"))
    for i, text in enumerate(values):
        one = parse_event_date(text)
        assert unparseable[i] == (one == "unparseable"), text
        assert out_of_range[i] == (one == "out_of_range"), text
        if isinstance(one, date):
            assert dates[i] == np.datetime64(one, "s"), text
        else:
            assert np.isnat(dates[i]), text
