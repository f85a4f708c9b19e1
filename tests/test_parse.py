"""Single-value parsers, one contract rule at a time, with hand-written expectations."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krlib.clean.parse import (
    MAX_DATE_TEXT,
    birth_date_readings,
    citizen_id_checksum_ok,
    excel_serial,
    full_year,
    is_missing,
    is_scientific_notation,
    parse_birth_date,
    parse_birth_dates,
    parse_citizen_id,
    parse_citizen_ids,
    parse_date,
    parse_district,
    parse_domain,
    parse_eligibility,
    parse_event_date,
    parse_event_dates,
    parse_welfare_type,
    window_readings,
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


# --- the contract's further date forms (real exports) ----------------------------------

OCT15 = date(2024, 10, 15)


@pytest.mark.parametrize("text", [
    # Thai month names with dashes, slashes or nothing between the parts
    "15-ต.ค.-2567", "15/ต.ค./2567", "15ต.ค.2567", "15ตค67", "15 ตค 67", "15-ตุลาคม-2567",
    "15 ต.ค. 67", "15-ตค-67",
    # English month names, any case, full or abbreviated, with or without a dot
    "15 Oct 2024", "15-Oct-24", "15 October 2024", "15-oct-2024", "15 OCT 2024",
    "15 OCTOBER 2024", "15/Oct/2024", "15Oct2024", "15 Oct. 2024", "15-Oct-2567",
    # a leading วันที่, พ.ศ. / ค.ศ. before the year
    "วันที่ 15 ตุลาคม พ.ศ. 2567", "วันที่ 15 ต.ค. 2567", "วันที่15/10/2567", "15 ต.ค. พศ 2567",
    "15 ตุลาคม ค.ศ. 2024", "15 ต.ค. ค.ศ. 24", "วันที่ 2567-10-15",
    # a time of day after any form, with or without เวลา, ignored
    "15/10/2567 10:30", "15/10/2567 10:30:00", "15/10/2567 10.30 น.", "15/10/2567 เวลา 10:30",
    "15 ต.ค. 2567 เวลา 10.30 น.", "15 ต.ค. 2567 10.30น.", "2024-10-15T10:30",
    "2024-10-15T10:30:00", "2567-10-15 10:30:00.123456", "15-Oct-24 09:00", "15 ตค 67 0:0",
    "วันที่ 15 ตุลาคม พ.ศ. 2567 เวลา 23:59:59 น.", "15-10-2567 10:30",
    # Thai digits anywhere, time included
    "๑๕ ต.ค. ๒๕๖๗ ๑๐:๓๐", "๑๕-Oct-๒๔", "วันที่ ๑๕/๑๐/๒๕๖๗ เวลา ๑๐.๓๐ น.",
    # day month year with spaces (PyThaiNLP's golden data holds "15 07 2565 09:00:01")
    "15 10 2567", "15 10 2567 10:30",
])
def test_contract_forms_of_15_october_2024(text):
    assert parse_date(text) == OCT15, text
    assert parse_event_date(text) == OCT15, text


@pytest.mark.parametrize("text, expected", [
    # a two-digit year is BE 25YY ...
    ("15/10/24", date(1981, 10, 15)),  # 2524 BE
    ("15 ต.ค. 24", date(1981, 10, 15)),
    ("15-ต.ค.-67", date(2024, 10, 15)),
    # ... except beside an English month name or after ค.ศ.: 20YY
    ("15-Oct-24", date(2024, 10, 15)),
    ("15 October 67", date(2067, 10, 15)),
    ("15 ต.ค. ค.ศ. 24", date(2024, 10, 15)),
    ("15 10 ค.ศ. 24", date(2024, 10, 15)),
    # an explicit พ.ศ. wins over an English month name (README choice)
    ("15 Oct พ.ศ. 67", date(2024, 10, 15)),
    # four-digit years follow the >= 2400 rule whatever the era mark (README choice)
    ("15 ต.ค. ค.ศ. 2024", date(2024, 10, 15)),
    ("15 ต.ค. ค.ศ. 2567", date(2024, 10, 15)),
    ("15 Oct 2567", date(2024, 10, 15)),
    ("15 ต.ค. พ.ศ. 2024", date(2024, 10, 15)),
])
def test_two_digit_and_era_rules(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("month, number", [
    ("January", 1), ("Feb", 2), ("march", 3), ("APR", 4), ("May", 5), ("june", 6),
    ("Jul", 7), ("august", 8), ("Sep", 9), ("Sept", 9), ("September", 9), ("oct", 10),
    ("November", 11), ("Dec", 12), ("december", 12),
])
def test_every_english_month(month, number):
    assert parse_date(f"3 {month} 2025") == date(2025, number, 3)
    assert parse_date(f"3-{month}-25") == date(2025, number, 3)


@pytest.mark.parametrize("text", [
    "15/10/2567 25:99",  # not a time of day: the cell is garbled, not a date (README)
    "15/10/2567 24:00", "15/10/2567 10:60", "15/10/2567 10:30:60",
    "15 Octo 2024", "15 Foo 2024", "15 ต.ค.", "15-Oct", "Oct 15 2024", "ต.ค. 2567",
    "15 2565", "1 พ.ศ. 2567", "15 ต.ค. 2567 เวลา", "15 ต.ค. 2567 10", "วันที่",
    "[15] ก.ค. 2565", "15/10 2567", "15/10-2567", "15 ต.ค. 2567 10:30 น. x", "T10:30",
    "31 Feb 2024", "29-Feb-23", "15 ค.ศ. 2024",
])
def test_not_dates(text):
    assert parse_date(text) is None
    assert parse_event_date(text) == "unparseable"


@pytest.mark.parametrize("text, expected", [
    ("45580", date(2024, 10, 15)),  # 2024-01-01 is 45292; + 288 days = 15 Oct
    ("45292", date(2024, 1, 1)),
    ("36526", date(2000, 1, 1)),  # the first day in range
    ("๔๕๕๘๐", date(2024, 10, 15)),  # Thai digits anywhere
    (" 45580 ", date(2024, 10, 15)),
    ("20000", "out_of_range"),  # 1954-10-03: a serial, but outside 2000..2100
    ("80000", "out_of_range"),  # 2119-01-10
    ("19999", "unparseable"),
    ("80001", "unparseable"),
    ("45580.0", "unparseable"),  # digits alone only (numeric cells are the reader's job)
    ("45580.5", "unparseable"),
    ("4558", "unparseable"),
])
def test_excel_serial_event_dates(text, expected):
    assert parse_event_date(text) == expected


def test_serials_are_event_dates_only():
    assert excel_serial("45580") == date(2024, 10, 15)
    assert excel_serial("20000") == date(1954, 10, 3)
    assert parse_date("45580") is None  # the generic parser (and birth dates) never
    assert parse_birth_date("45580", date(2025, 3, 31)) is None


END_Q2 = date(2025, 3, 31)  # last day of W for 2568-Q2


@pytest.mark.parametrize("text, expected", [
    ("15/10/93", date(1950, 10, 15)),  # 2593 BE would be after W: 2493 BE (contract)
    ("15/10/67", date(2024, 10, 15)),  # 2567 BE is not after W
    ("31/3/68", date(2025, 3, 31)),  # the last day of W itself is "not after"
    ("1/4/68", date(1925, 4, 1)),  # one day after W: 2468 BE
    ("15 ต.ค. 50", date(2007, 10, 15)),
    ("15-Oct-93", date(1993, 10, 15)),  # English month: 20YY else 19YY (README choice)
    ("15-Oct-30", date(1930, 10, 15)),
    ("15-Oct-24", date(2024, 10, 15)),
    ("15 ต.ค. ค.ศ. 93", date(1993, 10, 15)),
    ("15/10/2500", date(1957, 10, 15)),  # four digits: as for every date
    ("1980-02-29", date(1980, 2, 29)),
    ("15/10/2493 08:00", date(1950, 10, 15)),
    ("abc", None), ("", None), ("45580", None),
])
def test_birth_dates(text, expected):
    assert parse_birth_date(text, END_Q2) == expected


def test_birth_date_century_moves_with_the_window():
    assert parse_birth_date("1/10/67", date(2024, 9, 30)) == date(1924, 10, 1)
    assert parse_birth_date("1/10/67", date(2024, 12, 31)) == date(2024, 10, 1)


@pytest.mark.parametrize("text", [
    "1.10370E+12", "1.1037E+12", "1,10370E+12", "1.10370e+12", "3.43494E+12", " 1.1E12 ",
    "1.10170020345E+12", "๑.๑๐๓๗๐E+๑๒", "1E+12", "1.E+12",
])
def test_scientific_notation_ids(text):
    assert is_scientific_notation(text)
    assert parse_citizen_id(text) is None  # digits lost: invalid, never guessed


@pytest.mark.parametrize("text", [
    "1101700203450", "3-4349-43068-96-1", "ไม่มีบัตร", "", "-", "E+12", "1.10370E+",
    "1.10370E", "1101700203450E", "e", "1.1037 E+12", "1.1037E+12345", "1.2.3E+12",
])
def test_not_scientific_notation(text):
    assert not is_scientific_notation(text)


@pytest.mark.parametrize("text", [
    "1" + "-" * 60 + "x", "15" + " " * 20 + "ต.ค." + " " * 20 + "x", "1 " + "Oct " * 14,
    "15/10/2567" + " 10:30" * 9, "วันที่" * 10, "1" + "." * 62 + "1", "1 " + "เวลา " * 12,
])
def test_junk_date_like_text_is_no_date(text):
    assert len(text) <= MAX_DATE_TEXT
    assert parse_date(text) is None


WITH_TIME = ["{} 10:30", "{} 10:30:00", "{} เวลา 10.30 น.", "{} 9:5:7", "{} 23:59"]
NEW_FORMS = {
    "thai_abbr_dash": lambda d: f"{d.day}-{ABBR[d.month - 1]}-{d.year + 543}",
    "thai_abbr_slash": lambda d: f"{d.day}/{ABBR[d.month - 1]}/{d.year + 543}",
    "thai_abbr_nodots_2digit": lambda d: f"{d.day}{ABBR[d.month - 1].replace('.', '')}"
                                         f"{(d.year + 543) % 100:02d}",
    "thai_full_wanthi_pors": lambda d: f"วันที่ {d.day} {FULL[d.month - 1]} พ.ศ. {d.year + 543}",
    "english_abbr_dash_2digit": lambda d: f"{d.day:02d}-{d.strftime('%b')}-{d.year % 100:02d}",
    "english_full": lambda d: f"{d.day} {d.strftime('%B')} {d.year}",
    "english_upper": lambda d: f"{d.day} {d.strftime('%b').upper()} {d.year}",
    "thai_ce_2digit": lambda d: f"{d.day} {ABBR[d.month - 1]} ค.ศ. {d.year % 100:02d}",
    "iso_T": lambda d: f"{d.isoformat()}T10:30",  # a time already: "{} 10:30" makes junk
}
WITH_TIME_FORMS = sorted({**FORMS, **NEW_FORMS}.keys() - {"iso_T"})


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(2000, 1, 1), max_value=date(2056, 12, 31)),
       form=st.sampled_from(sorted({**FORMS, **NEW_FORMS})),
       time=st.sampled_from(["{}", *WITH_TIME]))
def test_new_forms_round_trip_with_or_without_a_time(d, form, time):
    if form not in WITH_TIME_FORMS:
        time = "{}"
    text = time.format({**FORMS, **NEW_FORMS}[form](d))
    assert parse_date(text) == d, text
    assert parse_event_date(text) == d, text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.dates(date(1990, 1, 1), date(2110, 12, 31)).map(
        lambda d: f"{d.day}-{ABBR[d.month - 1]}-{d.year + 543} 10:30"),
    st.dates(date(1990, 1, 1), date(2110, 12, 31)).map(lambda d: d.strftime("%d-%b-%y")),
    st.integers(19990, 80010).map(str),
    st.text(max_size=12),
), max_size=30))
def test_column_dates_match_scalar_for_new_forms(values):
    dates, unparseable, out_of_range = parse_event_dates(pd.Series(values, dtype="str"))
    for i, text in enumerate(values):
        one = parse_event_date(text)
        assert unparseable[i] == (one == "unparseable"), text
        assert out_of_range[i] == (one == "out_of_range"), text
        assert (dates[i] == np.datetime64(one, "s")) if isinstance(one, date) \
            else np.isnat(dates[i]), text


def is_day(value, one: date | None) -> bool:
    """A parsed column's ``value`` is the scalar parser's day ``one`` (NaT where None)."""
    return bool(value == np.datetime64(one, "s")) if one else bool(np.isnat(value))


def test_birth_date_column_matches_scalar():
    values = ["15/10/93", "15/10/67", "", "abc", "15-Oct-93", "15/10/93", "1980-02-29", "-"]
    got = parse_birth_dates(pd.Series(values, dtype="str"), END_Q2)
    for text, value in zip(values, got):
        one = parse_birth_date(text, END_Q2)
        assert is_day(value, one), text
    assert got[0] == np.datetime64("1950-10-15")


# The fast (Arrow) birth-date shapes and the texts at their edges: leap days a century
# apart, impossible days and months, year 0, BE/CE thresholds, Thai digits, mixed
# separators, Thai month names with and without dots, names that are no month.
_BIRTH_EDGES = [
    "15/10/93", "15-10-93", "15/10-93", "1/1/2500", "1/1/2399", "1/1/2400", "1/1/0000",
    "29/2/43", "29/02/00", "29/2/2443", "31/4/2567", "0/1/67", "1/0/67", "32/1/67",
    "1/13/2567", "2567-02-29", "2566-02-29", "0000-01-01", "9999-12-31", "1/1/9999",
    "๑๕/๑๐/๒๕๖๗", "๑๕/๑๐/๖๗", "15 ต.ค. 2567", "15 ตค 2567", "15 ตุลาคม 67", "29 ก.พ. 43",
    "5 ธันวาคม ๖๗", "15 ต.ค.พ.ศ. 2567", "15 พ.ศ. 2567", "15 ค.ศ. 67", "15 Oct 2024",
    "15-Oct-93", " 1/1/2500", "15  ต.ค. 2567", "1/1/10000", "1-1-1", "", "-", "abc",
    "วันที่ 15/10/2567", "15/10/2567 10:30", "45580",
]


@pytest.mark.parametrize("end", [date(2025, 3, 31), date(1990, 6, 30), date(2043, 2, 28)])
def test_birth_date_readings_match_window_readings(end):
    got_late, got_early = birth_date_readings(pd.Series(_BIRTH_EDGES, dtype="str"))
    for text, late, early in zip(_BIRTH_EDGES, got_late, got_early):
        want = window_readings(parse_birth_date, text)
        for got, one in ((late, want[0]), (early, want[1])):
            assert is_day(got, one), text
        # and the window's reading is the one the scalar parser gives for that window
        one = parse_birth_date(text, end)
        chosen = late if not np.isnat(late) and late <= np.datetime64(end, "s") else early
        assert is_day(chosen, one), text
    # hand-computed: 93 is BE 2593 (2050 CE) for the latest window, BE 2493 for the earliest
    assert (got_late[0], got_early[0]) == (np.datetime64("2050-10-15"), np.datetime64("1950-10-15"))
    i = _BIRTH_EDGES.index("29/2/43")  # 2000 CE is a leap year, 1900 CE is not
    assert got_late[i] == np.datetime64("2000-02-29") and np.isnat(got_early[i])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.dates(date(1850, 1, 1), date(2060, 12, 31)).map(lambda d: d.strftime("%d/%m/%y")),
    st.dates(date(1850, 1, 1), date(2060, 12, 31)).map(
        lambda d: f"{d.day}-{d.month}-{d.year + 543}"),
    st.tuples(st.integers(0, 33), st.integers(0, 14), st.integers(0, 99)).map(
        lambda t: f"{t[0]} {('ม.ค.', 'ก.พ.', 'กพ', 'กุมภาพันธ์', 'ธ.ค.')[t[1] % 5]} {t[2]:02d}"),
    st.text(alphabet="0123456789/-. ๑๒ต.ค", max_size=12),
), max_size=30))
def test_birth_date_readings_match_scalar_generated(values):
    late, early = birth_date_readings(pd.Series(values, dtype="str"))
    for text, a, b in zip(values, late, early):
        want = window_readings(parse_birth_date, text)
        assert is_day(a, want[0]), text
        assert is_day(b, want[1]), text


_EVENT_EDGES = [
    "1/1/2000", "31/12/1999", "31/12/2100", "1/1/2101", "1/1/2543", "31/12/2542",
    "31/12/2643", "1/1/2644", "2000-01-01", "2100-12-31", "2101-1-1", "1/1/43", "31/12/42",
    "29/2/43", "29/2/2643", "31/4/2567", "1/13/67", "0/1/2567", "๑/๑๐/๒๕๖๗", "15 ต.ค. 67",
    "15 ตุลาคม 2567", "15-10/2567", "45580", "15/10/2567 10:30", "", "-", "15-Oct-24",
]


def _column_matches_scalar(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """parse_event_dates (Arrow) gives what parse_event_date gives, text by text; its
    (dates, unparseable, out_of_range)."""
    dates, unparseable, out_of_range = parse_event_dates(pd.Series(texts, dtype="str"))
    for i, text in enumerate(texts):
        one = parse_event_date(text)
        assert unparseable[i] == (one == "unparseable"), text
        assert out_of_range[i] == (one == "out_of_range"), text
        assert (dates[i] == np.datetime64(one, "s")) if isinstance(one, date) \
            else np.isnat(dates[i]), text
    return dates, unparseable, out_of_range


def test_event_date_column_matches_scalar_at_the_edges():
    """The Arrow shapes agree with parse_event_date at the range and validity edges."""
    dates, unparseable, out_of_range = _column_matches_scalar(_EVENT_EDGES)
    # hand-checked: BE 2543 = 2000 CE is in range, BE 2542 = 1999 CE is not
    assert dates[_EVENT_EDGES.index("1/1/2543")] == np.datetime64("2000-01-01")
    assert out_of_range[_EVENT_EDGES.index("31/12/2542")]
    assert unparseable[_EVENT_EDGES.index("31/4/2567")]


# --- contract v3: a leading weekday, ISO timestamps with a UTC offset ---------------------
#
# Weekdays checked by hand on a calendar: 9 June 2019 was a Sunday (อาทิตย์), 15 October
# 2024 a Tuesday (อังคาร), 1 January 2025 a Wednesday (พุธ), 2 January 2025 a Thursday
# (พฤหัสบดี), 29 February 2024 a Thursday, 30 March 2025 a Sunday.

JUNE9 = date(2019, 6, 9)


@pytest.mark.parametrize("text, expected", [
    # the and the contract's forms: full, with or without ที่, abbreviated
    ("วันอาทิตย์ที่ 9 มิถุนายน 2562", JUNE9),
    ("วันอาทิตย์ 9 มิถุนายน 2562", JUNE9),
    ("อา. 9 มิ.ย. 2562", JUNE9),
    ("อา 9 มิ.ย. 62", JUNE9),  # PyThaiNLP's %a has no dot
    ("อาทิตย์ที่ 9 มิถุนายน 2562", JUNE9),  # without วัน
    ("วัน อาทิตย์ ที่ 9 มิถุนายน 2562", JUNE9),  # spaces between the parts
    ("วันอาทิตย์ที่9 มิ.ย. 2562", JUNE9),
    ("อา.9/6/2562", JUNE9),
    # any of the seven, before any form, a time after it
    ("วันอังคารที่ 15 ตุลาคม พ.ศ. 2567", OCT15),
    ("อ. 15/10/2567", OCT15),
    ("อ 15-10-2567 10:30", OCT15),
    ("วันอังคาร 2024-10-15", OCT15),
    ("วันอังคาร 15 Oct 2024", OCT15),
    ("วันอังคารที่ 15 ต.ค. 67 เวลา 10.30 น.", OCT15),
    ("วันพุธที่ 1 มกราคม 2568", date(2025, 1, 1)),
    ("พ. 1 ม.ค. 2568", date(2025, 1, 1)),
    ("วันพฤหัสบดีที่ 2 มกราคม 2568", date(2025, 1, 2)),
    ("วันพฤหัส 2 ม.ค. 68", date(2025, 1, 2)),  # the everyday short Thursday
    ("พฤ. 2 ม.ค. 2568", date(2025, 1, 2)),
    ("พฤ 29 ก.พ. 67", date(2024, 2, 29)),
    ("วันศุกร์ที่ 1 พฤศจิกายน 2567", date(2024, 11, 1)),
    ("ศ. 1 พ.ย. 2567", date(2024, 11, 1)),
    ("วันเสาร์ 2 พ.ย. 2567", date(2024, 11, 2)),
    ("ส. 2 พ.ย. 2567", date(2024, 11, 2)),
    ("วันจันทร์ที่ 17 ก.พ. 2568", date(2025, 2, 17)),
    ("จ. 17 ก.พ. 2568", date(2025, 2, 17)),
    # Thai digits; a weekday and then วันที่
    ("วันอาทิตย์ที่ ๙ มิถุนายน ๒๕๖๒", JUNE9),
    ("วันอาทิตย์ วันที่ 9 มิถุนายน 2562", JUNE9),
    # the weekday is ignored, not checked: 9 June 2019 was no Monday
    ("วันจันทร์ที่ 9 มิถุนายน 2562", JUNE9),
    # the longest form there is still fits the length limit
    ("วันพฤหัสบดีที่ 30 พฤศจิกายน พ.ศ. ๒๕๖๗ เวลา 12:00:00 น.", date(2024, 11, 30)),
])
def test_a_leading_weekday_is_ignored(text, expected):
    assert parse_date(text) == expected, text
    assert parse_event_date(text) == expected, text


@pytest.mark.parametrize("text", [
    "วันอาทิตย์", "อา.", "วันอาทิตย์ที่", "อา. ที่",  # a weekday alone
    "วันอาทิตย์ที่ มิถุนายน 2562", "อา. มิ.ย. 2562",  # no day
    "วันอาทิตย์ June 9 2019", "อา. Jun 9, 2019",  # month first stays unread
    "วันที่ วันอาทิตย์ 9 มิถุนายน 2562",  # วันที่ before the weekday: no contract form
    "วันอาทิตย์อาทิตย์ 9 มิ.ย. 2562", "อา. อา. 9 มิ.ย. 2562",  # one weekday only
    "Sunday 9 June 2019", "Sun, 9 Jun 2019",  # English weekdays: not in the contract
    "สัปดาห์ 9 มิ.ย. 2562", "วันหยุด 9 มิ.ย. 2562",  # not weekdays
    "ส.ค. 2567", "พ.ศ. 2567-10-15", "พ.ค. 15",  # month and era abbreviations are no weekday
])
def test_weekday_texts_that_are_no_date(text):
    assert parse_date(text) is None, text
    assert parse_event_date(text) == "unparseable", text


@pytest.mark.parametrize("text, expected", [
    # the contract's examples
    ("2019-08-09T03:33:09.000+07:00", date(2019, 8, 9)),
    ("2019-02-17T20:00:00Z", date(2019, 2, 18)),  # 20:00 UTC = 03:00 next day in Bangkok
    # the examples
    ("2024-10-15T18:30:00.123Z", date(2024, 10, 16)),  # 01:30 on the 16th in Bangkok
    ("2024-10-15T23:30:00+07:00", date(2024, 10, 15)),  # already Bangkok time
    ("2024-10-15T18:30Z", date(2024, 10, 16)),  # no seconds
    # Bangkok's midnight is 17:00 UTC
    ("2024-10-15T16:59:59Z", date(2024, 10, 15)),
    ("2024-10-15T16:59:59.999999Z", date(2024, 10, 15)),
    ("2024-10-15T17:00:00Z", date(2024, 10, 16)),
    ("2024-10-15T00:00:00+07:00", date(2024, 10, 15)),
    ("2024-10-15T23:59:59+07:00", date(2024, 10, 15)),
    # other offsets: west of UTC moves forward, east of Bangkok moves back
    ("2024-10-15T12:00:00-05:00", date(2024, 10, 16)),  # 17:00 UTC = 00:00 on the 16th
    ("2024-10-15T11:59:59-05:00", date(2024, 10, 15)),
    ("2024-10-15T00:30:00+09:00", date(2024, 10, 14)),  # 15:30 UTC on the 14th = 22:30
    ("2024-10-15T01:59:00+09:00", date(2024, 10, 14)),  # 16:59 UTC = 23:59 on the 14th
    ("2024-10-15T02:00:00+09:00", date(2024, 10, 15)),
    ("2024-10-15T06:59+14:00", date(2024, 10, 14)),  # 16:59 UTC on the 14th
    ("2024-10-15T23:00:00-11:00", date(2024, 10, 16)),  # 10:00 UTC on the 16th = 17:00
    ("2024-10-15T12:30:00+05:30", date(2024, 10, 15)),  # 07:00 UTC = 14:00
    ("2024-10-15T23:00:00-09:30", date(2024, 10, 16)),  # 08:30 UTC on the 16th = 15:30
    ("2024-10-15T20:00:00-23:59", date(2024, 10, 17)),  # 19:59 UTC on the 16th = 02:59
    # how offsets are written: +HH:MM, +HHMM, +HH, -00:00; a space instead of T
    ("2024-10-15T18:30:00+0000", date(2024, 10, 16)),
    ("2024-10-15T18:30:00+00", date(2024, 10, 16)),
    ("2024-10-15T18:30:00-00:00", date(2024, 10, 16)),
    ("2024-10-15 18:30:00+00", date(2024, 10, 16)),  # PostgreSQL's text
    ("2024-10-15 18:30:00.123456+00:00", date(2024, 10, 16)),  # pandas' text
    ("2024-10-15T18:30:00.1Z", date(2024, 10, 16)),
    ("2024-10-15T18:30:00.123456789Z", date(2024, 10, 16)),  # nanoseconds
    ("2024-10-15T18:30:00.1234567890123Z", date(2024, 10, 16)),  # any fraction
    # the crossing moves months, years and leap days
    ("2024-10-31T17:00:00Z", date(2024, 11, 1)),
    ("2024-12-31T17:00:00Z", date(2025, 1, 1)),
    ("2025-01-01T06:59:59+07:00", date(2025, 1, 1)),
    ("2025-01-01T03:00:00+14:00", date(2024, 12, 31)),
    ("2024-02-28T17:00:00Z", date(2024, 2, 29)),  # 2024 is a leap year
    ("2023-02-28T17:00:00Z", date(2023, 3, 1)),  # 2023 is not
    ("2024-03-01T00:00:00+09:00", date(2024, 2, 29)),
    # unpadded ISO date, Buddhist-Era year (>= 2400, converted first), Thai digits
    ("2024-1-5T18:00Z", date(2024, 1, 6)),
    ("2567-10-15T18:30:00Z", date(2024, 10, 16)),
    ("2567-02-28T20:00:00+0000", date(2024, 2, 29)),  # 2567 BE = 2024: a leap year
    ("๒๕๖๗-๑๐-๑๕T๑๘:๓๐:๐๐Z", date(2024, 10, 16)),
    # a leading weekday or วันที่ is ignored here too
    ("วันที่ 2024-10-15T18:30:00Z", date(2024, 10, 16)),
    ("วันอังคาร 2024-10-15T18:30:00Z", date(2024, 10, 16)),
])
def test_utc_timestamps_are_dated_in_bangkok(text, expected):
    assert parse_date(text) == expected, text
    assert parse_event_date(text) == expected, text
    assert parse_birth_date(text, END_Q2) == expected, text


@pytest.mark.parametrize("text", [
    "2024-10-15T24:00:00Z", "2024-10-15T18:60:00Z", "2024-10-15T18:30:60Z",  # no time of day
    "2024-10-15T18:30:00+24:00", "2024-10-15T18:30:00+07:60", "2024-10-15T18:30:00+7:00",
    "2024-10-15T18:30:00+07:0", "2024-10-15T18:30:00+070", "2024-10-15T18:30:00+07:",
    "2024-02-30T18:30:00Z", "2023-02-29T12:00Z",  # no such day
    "2024-10-15T18Z", "2024-10-15T1830Z", "2024-10-15T8:30Z",  # ISO's HH:MM only
    "2024-10-15T18:30.5Z", "2024-10-15T18:30:00.Z",  # a fraction after seconds only
    "2024-10-15T18:30:00z", "2024-10-15t18:30:00Z",  # as written by exports: capitals
    "2024-10-15T18:30:00 Z", "2024-10-15T18:30:00 +07:00", "2024-10-15  18:30Z",
    "2024-10-15T18:30:00 UTC", "2024-10-15T18:30:00GMT", "2024-10-15Z",
    "2024-10-15T18:30:00+07:00x", "2024-10-15T18:30:00Z+07:00",
    "15/10/2567 18:30Z", "15 ต.ค. 2567 18:30:00+07:00",  # day first: no offset there
    "2024/10/15T18:30Z", "20241015T183000Z",  # ISO's basic format: not a contract form
])
def test_broken_utc_timestamps_are_no_date(text):
    assert parse_date(text) is None, text
    assert parse_event_date(text) == "unparseable", text


@pytest.mark.parametrize("text, expected", [
    ("1999-12-31T16:59:59Z", "out_of_range"),  # 23:59:59 on 31 Dec 1999 in Bangkok
    ("1999-12-31T17:00:00Z", date(2000, 1, 1)),  # the first day in range
    ("2100-12-31T16:59:59Z", date(2100, 12, 31)),
    ("2100-12-31T17:00:00Z", "out_of_range"),  # 2101-01-01 in Bangkok
    ("2000-01-01T06:59:59+14:00", "out_of_range"),  # 16:59:59 UTC on 31 Dec 1999
    ("2000-01-01T07:00:00+14:00", date(2000, 1, 1)),
    ("9999-12-31T23:00:00Z", "out_of_range"),  # BE 9999 = 9456 CE, 9457-01-01 here
    ("0001-01-01T00:00:00+08:00", "unparseable"),  # before day one of the calendar
    ("0000-01-01T12:00:00Z", "unparseable"),  # no year 0
])
def test_utc_timestamps_are_range_checked_after_conversion(text, expected):
    assert parse_event_date(text) == expected, text


@pytest.mark.parametrize("text, expected", [
    # month-first forms stay unread: 06/09/62 is 6 September (PyThaiNLP's %D writes
    # 9 June 2019 so); the contract's example
    ("06/09/62", date(2019, 9, 6)),
    ("อา. 06/09/62", date(2019, 9, 6)),  # a weekday does not change that
    ("10/15/2024", None), ("2/29/2567", None), ("Oct 15 2024", None), ("October 15, 2024", None),
    ("Jun 9 2019 10:30", None), ("มิ.ย. 9 2562", None), ("2024-15-10", None),
    ("2024-10-15T18:30:00Z", date(2024, 10, 16)),  # ISO is year-month-day, not month-first
])
def test_month_first_forms_stay_unread(text, expected):
    assert parse_date(text) == expected, text


@pytest.mark.parametrize("text, expected", [
    # a weekday before a two-digit birth year: the window's century rule as for any date
    ("อา. 15/10/93", date(1950, 10, 15)),  # 2593 BE would be after W: 2493
    ("วันอาทิตย์ที่ 15 ต.ค. 67", date(2024, 10, 15)),
    ("1950-10-14T17:00:00Z", date(1950, 10, 15)),  # a birth timestamp: Bangkok's date
    ("2493-10-14T17:00:00Z", date(1950, 10, 15)),  # BE year
])
def test_birth_dates_with_the_new_forms(text, expected):
    assert parse_birth_date(text, END_Q2) == expected
    late, early = window_readings(parse_birth_date, text)
    assert expected in (late, early)


EVENT_DATE_MIN, EVENT_DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)  # the contract's range
OFFSETS = ["Z", "+00:00", "+07:00", "+0700", "+07", "-05:00", "-0930", "+14:00", "-11",
           "+05:45", "-00:00", "+23:59", "-23:59"]


def _offset_minutes(zone: str) -> int:
    if zone == "Z":
        return 0
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:] or 0))


def _stamp_text(moment: datetime, zone: str, sep: str, seconds: str) -> str:
    return f"{moment:%Y-%m-%d}{sep}{moment:%H:%M}{seconds}{zone}"


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1990, 1, 1),
                           max_value=datetime(2110, 12, 31)),
       zone=st.sampled_from(OFFSETS), sep=st.sampled_from(["T", " "]),
       seconds=st.sampled_from(["", ":00", ":59", ":07.5", ":30.123", ":00.000000"]),
       be=st.booleans())
def test_utc_timestamps_round_trip(moment, zone, sep, seconds, be):
    # independent of krlib: datetime's own time zones give the date in Bangkok
    local = moment.replace(tzinfo=timezone(timedelta(minutes=_offset_minutes(zone))))
    want = local.astimezone(timezone(timedelta(hours=7))).date()
    text = _stamp_text(moment, zone, sep, seconds)
    if be:
        text = f"{moment.year + 543}{text[4:]}"
    assert parse_date(text) == want, text
    one = parse_event_date(text)
    assert one == (want if EVENT_DATE_MIN <= want <= EVENT_DATE_MAX else "out_of_range"), text


_V3_EDGES = [
    "2024-10-15T18:30:00.123Z", "2024-10-15T23:30:00+07:00", "2024-10-15T18:30Z",
    "2024-10-15T16:59:59Z", "2024-10-15T17:00:00Z", "2024-10-15 18:30:00+00",
    "2024-10-15T18:30:00+0000", "2024-10-15T12:00:00-05:00", "2024-12-31T17:00:00Z",
    "2567-02-28T20:00:00+0000", "2023-02-28T17:00:00Z", "๒๕๖๗-๑๐-๑๕T๑๘:๓๐Z",
    "1999-12-31T16:59:59Z", "1999-12-31T17:00:00Z", "2100-12-31T17:00:00Z",
    "9999-12-31T23:00:00Z", "0001-01-01T00:00:00+08:00", "0000-01-01T12:00:00Z",
    "2024-10-15T24:00:00Z", "2024-10-15T18:60Z", "2024-10-15T18:30:60Z",
    "2024-10-15T18:30+24:00", "2024-10-15T18:30+07:60", "2024-02-30T18:30Z",
    "2024-10-15T18:30:00.1234567890123Z", "2024-10-15T18:30:00z", " 2024-10-15T18:30Z",
    "2024-13-01T00:00Z", "2024-0-1T00:00Z", "1850-03-01T00:00-12:00", "2024-10-15T18:30:00.Z",
    "วันอาทิตย์ที่ 9 มิถุนายน 2562", "อา. 9 มิ.ย. 62", "อา 9/6/2562 10:30", "วันอาทิตย์",
    "วันที่ 2024-10-15T18:30:00Z", "15/10/2567 18:30Z", "45580", "",
]


def test_column_dates_match_scalar_for_v3_forms():
    """The Arrow stamps agree with parse_event_date, at the day, range and validity edges."""
    dates, unparseable, out_of_range = _column_matches_scalar(_V3_EDGES)
    at = _V3_EDGES.index
    assert dates[at("2024-10-15T18:30:00.123Z")] == np.datetime64("2024-10-16")
    assert dates[at("2024-10-15T16:59:59Z")] == np.datetime64("2024-10-15")
    assert dates[at("2567-02-28T20:00:00+0000")] == np.datetime64("2024-02-29")
    assert out_of_range[at("2100-12-31T17:00:00Z")] and unparseable[at("2024-10-15T24:00:00Z")]


@pytest.mark.parametrize("end", [date(2025, 3, 31), date(1990, 6, 30)])
def test_birth_date_readings_match_window_readings_for_v3_forms(end):
    late, early = birth_date_readings(pd.Series(_V3_EDGES, dtype="str"))
    for text, a, b in zip(_V3_EDGES, late, early):
        want = window_readings(parse_birth_date, text)
        assert is_day(a, want[0]), text
        assert is_day(b, want[1]), text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.builds(lambda m, z, sep, sec: _stamp_text(m, z, sep, sec),
              st.datetimes(datetime(1, 1, 2),
                           datetime(9999, 12, 30)),
              st.sampled_from(OFFSETS + ["+24:00", "+07:60", "z", "+7"]),
              st.sampled_from(["T", " ", "t"]),
              st.sampled_from(["", ":00", ":60", ".5", ":01.25"])),
    st.from_regex(r"[0-9๐-๙]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?"
                  r"(\.[0-9]{1,12})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)", fullmatch=True),
    st.text(alphabet="0123456789-:T Z+.", max_size=26),
), max_size=30))
def test_column_stamps_match_scalar_generated(values):
    dates, unparseable, out_of_range = parse_event_dates(pd.Series(values, dtype="str"))
    late, early = birth_date_readings(pd.Series(values, dtype="str"))
    for i, text in enumerate(values):
        one = parse_event_date(text)
        assert unparseable[i] == (one == "unparseable"), text
        assert out_of_range[i] == (one == "out_of_range"), text
        assert (dates[i] == np.datetime64(one, "s")) if isinstance(one, date) \
            else np.isnat(dates[i]), text
        want = window_readings(parse_birth_date, text)
        assert is_day(late[i], want[0]), text
        assert is_day(early[i], want[1]), text


THAI_WEEKDAYS = [  # Monday first, as date.weekday() counts: (full, abbreviated), by hand
    ("จันทร์", "จ."), ("อังคาร", "อ."), ("พุธ", "พ."), ("พฤหัสบดี", "พฤ."), ("ศุกร์", "ศ."),
    ("เสาร์", "ส."), ("อาทิตย์", "อา."),
]
WEEKDAY_FORMS = {
    "full_thi": lambda d, text: f"วัน{THAI_WEEKDAYS[d.weekday()][0]}ที่ {text}",
    "full": lambda d, text: f"วัน{THAI_WEEKDAYS[d.weekday()][0]} {text}",
    "abbr": lambda d, text: f"{THAI_WEEKDAYS[d.weekday()][1]} {text}",
    "abbr_nodot": lambda d, text: f"{THAI_WEEKDAYS[d.weekday()][1].rstrip('.')} {text}",
}


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(2000, 1, 1), max_value=date(2056, 12, 31)),
       form=st.sampled_from(sorted({**FORMS, **NEW_FORMS})),
       weekday=st.sampled_from(sorted(WEEKDAY_FORMS)),
       time=st.sampled_from(["{}", *WITH_TIME]))
def test_every_form_round_trips_after_a_weekday(d, form, weekday, time):
    if form not in WITH_TIME_FORMS:
        time = "{}"
    text = WEEKDAY_FORMS[weekday](d, time.format({**FORMS, **NEW_FORMS}[form](d)))
    assert parse_date(text) == d, text
    assert parse_event_date(text) == d, text


# --- contract v3: districts as สำนักงานเขตX, Khet X, X District, P-codes -------------------

@pytest.mark.parametrize("text, code", [
    ("สำนักงานเขตบางรัก", "1004"),
    ("สำนักงานเขต บางรัก", "1004"),
    (" สำนักงานเขตพระนคร ", "1001"),
    ("สำนักงานเขตวัฒนา", "1039"),
    ("Khet Bang Rak", "1004"),
    ("khet bang rak", "1004"),
    ("Khet Watthana", "1039"),  # a variant spelling after Khet
    ("Bang Rak District", "1004"),
    ("Phra Nakhon district", "1001"),
    ("Watthana District", "1039"),
    ("TH1001", "1001"),
    ("TH1004", "1004"),
    ("TH1050", "1050"),
    ("th1039", "1039"),  # any case, as the English names
    ("TH ๑๐๓๙", "1039"),  # Thai digits anywhere
])
def test_v3_district_forms(text, code):
    assert parse_district(text) == code


@pytest.mark.parametrize("text", [
    "TH1000", "TH1051", "TH10", "TH", "TH10010", "TH1201",  # no Bangkok district's P-code
    "สำนักงานเขต", "สำนักงานเขตบางกอกกลาง", "สำนักงานเขตเมืองนนทบุรี",
    "สนง.เขตบางรัก",  # an abbreviation the contract does not list: no guessing
    "Khet", "District", "Khet Bangkok", "Bang Rak Khet",
])
def test_v3_district_texts_that_stay_unknown(text):
    assert parse_district(text) is None


def test_every_district_in_every_v3_form():
    # P-code = "TH" + DOPA code (the boundary file, ../shared/geo/SOURCE.md)
    import json
    from importlib.resources import files

    from krlib.contract.scopes import districts

    for code, name_th, name_en in districts().itertuples(index=False):
        bare = name_th.removeprefix("เขต")
        for text in (f"สำนักงานเขต{bare}", f"สำนักงานเขต {bare}", f"Khet {name_en}",
                     f"{name_en} District", f"TH{code}", f"th{code}"):
            assert parse_district(text) == code, text
    geo = files("krlib") / "geo" / "bangkok_districts.geojson"  # as ../shared/geo/ has it
    features = json.loads(geo.read_text(encoding="utf-8"))["features"]
    assert {parse_district("TH" + f["properties"]["code"]) for f in features} == \
        set(districts()["code"])
