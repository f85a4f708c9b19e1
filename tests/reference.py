"""Naive, independent reference implementation of the data contract (DATA.md).

Row-by-row pure Python (``csv``, dicts, sets; no pandas, nothing from ``krlib``,
no geothai). It is the oracle for end-to-end tests and the "naive reference"
the benchmark compares the production code against::

    python tests/reference.py DATA_DIR FISCAL_YEAR QUARTER OUT_DIR

Ambiguities in the contract and the choice made here. "MATCHED" = the
alternatives give different figures on the worked example
(/work/shared/contract/example) and only this choice reproduces the expected
files; "UNTESTED" = the example cannot tell the alternatives apart.

1. invalid_citizen_id counts rows AFTER exact-duplicate collapsing (MATCHED:
   counting collapsed copies too gives 10 instead of 9 for registrations,
   H000027's invalid id appears twice) and only KEPT rows (UNTESTED: no rejected
   row of the example carries an invalid id, so "kept + rejected" gives the
   same figures).
2. unknown_district counts KEPT rows only. UNTESTED on the example (no
   rejected row there has an unknown district); chosen for symmetry with 1.
3. Exact-duplicate key = every cell of the row in the file, unknown extra
   columns included, each cell's raw text stripped of surrounding spaces
   (no other normalisation: "-" and "" differ, "2024-01-02" and a date cell
   differ); trailing empty cells ignored. UNTESTED (the example's duplicates are
   identical in all columns).
4. Rows that share an id: the first row that passes every row-level check is
   kept; any later row with that id is "conflicting duplicate" even when it is
   otherwise valid; earlier invalid rows are rejected for their own reason.
   MATCHED only for "later differing copy rejected" (H000081, R000111); see 14.
5. Rehab domain: besides 1-4 / key / Thai name with or without "ด้าน", a Thai
   name preceded by only the tail "น" of the prefix (e.g. "นสาธารณสุขและสุขภาพ",
   the result of cutting 3 code points "ด้า" off "ด้าน") is accepted. MATCHED:
   the example holds 8 such rows and its rehab_services data_quality (kept 26,
   rejected 1 = the "กีฬา" row) requires them to be valid.
6. Numerator AND breakdown use the same reach: the union of services in W over
   every kept registration (referral) of the person, whatever its date or
   eligibility. MATCHED for both (restricting either one to the cohort
   registrations changes 1026/1033 figures). A service in W counts even when it
   predates the person's registration (MATCHED: requiring service_date >=
   registered_on changes the figures). District = earliest cohort record
   (MATCHED; "latest" differs); tie on the date -> smallest id (UNTESTED, "largest"
   gives the same figures).
7. Fully blank rows (every cell missing) are skipped and not counted in rows_in.
   UNTESTED (the example has none).
8. The header row is searched within the first 11 rows (up to 10 title rows) in
   CSV files too, not only XLSX. English headers are matched case-insensitively.
   A file in which no such row exists is treated like an absent table.
9. XLSX sheet: the sheet named exactly like the table if there is one, else the
   first sheet. If both <table>.csv and <table>.xlsx exist, the CSV is used.
10. A service table whose parent table (registrations / referrals) is absent:
   the KR is skipped, but the service table still gets its data_quality row;
   its rows are checked for their own fields only (no orphan check). UNTESTED.
11. met_target compares the ROUNDED percent with the target (99.996 -> 100.00
   -> true). UNTESTED.
12. Unrecognised eligibility (not ผ่าน/passed, ไม่ผ่าน/failed, รอตรวจสอบ/pending)
   keeps the row as not passed; it appears in no data_quality.csv column.
13. Dates: every form of the contract's "Cleaning rules" (ISO, D/M/Y, D-M-Y, and
   D M Y with spaces; Thai and English month names with spaces, dashes, slashes or
   nothing; a leading วันที่, พ.ศ./ค.ศ. before the year; a trailing time of day, which
   must be a real time (hour <= 23, minute and second <= 59) or the text is no
   date). A two-digit year is BE 25YY, or 20YY beside an English month name or after
   ค.ศ. (an explicit พ.ศ. wins over an English name); a four-digit year follows the
   >= 2400 rule whatever the era mark. Event dates also read an Excel serial day
   (20000..80000, a number or its digits as text). Year >= 2400 -> minus 543, date
   cells included (MATCHED: without it 12 more registrations are rejected).
14. Conflicting ids: the case "first row with an id is invalid, a later one
   valid" does not occur in the example (UNTESTED); the rule is implemented as
   written (the later valid row is kept).
15. Output files are written with "\n" line endings; the expected example
   files use "\r\n" (the csv module default). Tests compare parsed rows.
16. Contract v3 forms. A leading Thai weekday (full, with or without วัน; วันพฤหัส;
   abbreviated with or without its dot), then optionally ที่ or วันที่, is dropped and
   not checked against the date. An ISO timestamp with `Z` or an offset (`+07:00`,
   `+0700`, `+07`; `T` or a space before the time; seconds and a fraction optional)
   is converted with datetime's own time zones to UTC+7 and dated there; its year
   follows the >= 2400 rule first. Districts: สำนักงานเขต before the Thai name,
   `Khet X` / `X District`, and the P-codes TH1001-TH1050. UNTESTED on the example.
17. person_links (contract v3; the example has none). Columns record_a, record_b and
   confirmed_by, all three required (Thai headers ระเบียนที่ 1 / ระเบียนที่ 2 / ผู้ยืนยัน,
   krlib's choice). A record is `reg:` or `ref:` (any case, spaces around the colon)
   and a non-empty id. After exact duplicates are collapsed, each row's first failing
   check is its reason: a value missing (missing_value), record_a then record_b not of
   that form (invalid_record), a reg: with a ref: record (mixed_tables), the same record
   twice (self_link), record_a then record_b no kept registration / referral
   (unknown_record). Kept links join persons (union-find over the person keys), after
   citizen ids, so a link between two citizen ids' records joins both ids' records.
   merged_by_links (a data_quality.csv column only when the drop has person_links) =
   persons of a cohort table's kept records before the links minus after; 0 for the
   tables that are not cohort tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

TABLES = ("homeless_registrations", "homeless_services", "rehab_referrals", "rehab_services",
          "person_links")

# table -> list of (column, Thai header, required)
COLUMNS = {
    "homeless_registrations": [
        ("reg_id", "เลขทะเบียน", True), ("citizen_id", "เลขประจำตัวประชาชน", False),
        ("first_name", "ชื่อ", False), ("last_name", "นามสกุล", False), ("sex", "เพศ", False),
        ("birth_date", "วันเกิด", False), ("district", "เขต", True),
        ("registered_on", "วันที่ลงทะเบียน", True), ("eligibility", "ผลการตรวจสอบสิทธิ", True),
        ("service_point", "จุดบริการ", False)],
    "homeless_services": [
        ("service_id", "รหัสบริการ", False), ("reg_id", "เลขทะเบียน", True),
        ("service_date", "วันที่รับบริการ", True), ("service_type", "ประเภทสวัสดิการ", True)],
    "rehab_referrals": [
        ("referral_id", "เลขที่การส่งต่อ", True), ("citizen_id", "เลขประจำตัวประชาชน", False),
        ("first_name", "ชื่อ", False), ("last_name", "นามสกุล", False), ("sex", "เพศ", False),
        ("birth_date", "วันเกิด", False), ("district", "เขต", True),
        ("referred_on", "วันที่ส่งต่อ", True), ("source", "หน่วยส่งต่อ", False)],
    "rehab_services": [
        ("referral_id", "เลขที่การส่งต่อ", True), ("service_date", "วันที่ให้บริการ", True),
        ("domain", "ด้านการฟื้นฟู", True), ("activity", "กิจกรรม", False)],
    "person_links": [
        ("record_a", "ระเบียนที่ 1", True), ("record_b", "ระเบียนที่ 2", True),
        ("confirmed_by", "ผู้ยืนยัน", True)],
}

DISTRICTS = [  # DOPA code, Thai name, English name
    (1001, "เขตพระนคร", "Phra Nakhon"), (1002, "เขตดุสิต", "Dusit"),
    (1003, "เขตหนองจอก", "Nong Chok"), (1004, "เขตบางรัก", "Bang Rak"),
    (1005, "เขตบางเขน", "Bang Khen"), (1006, "เขตบางกะปิ", "Bang Kapi"),
    (1007, "เขตปทุมวัน", "Pathum Wan"), (1008, "เขตป้อมปราบศัตรูพ่าย", "Pom Prap Sattru Phai"),
    (1009, "เขตพระโขนง", "Phra Khanong"), (1010, "เขตมีนบุรี", "Min Buri"),
    (1011, "เขตลาดกระบัง", "Lat Krabang"), (1012, "เขตยานนาวา", "Yan Nawa"),
    (1013, "เขตสัมพันธวงศ์", "Samphanthawong"), (1014, "เขตพญาไท", "Phaya Thai"),
    (1015, "เขตธนบุรี", "Thon Buri"), (1016, "เขตบางกอกใหญ่", "Bangkok Yai"),
    (1017, "เขตห้วยขวาง", "Huai Khwang"), (1018, "เขตคลองสาน", "Khlong San"),
    (1019, "เขตตลิ่งชัน", "Taling Chan"), (1020, "เขตบางกอกน้อย", "Bangkok Noi"),
    (1021, "เขตบางขุนเทียน", "Bang Khun Thian"), (1022, "เขตภาษีเจริญ", "Phasi Charoen"),
    (1023, "เขตหนองแขม", "Nong Khaem"), (1024, "เขตราษฎร์บูรณะ", "Rat Burana"),
    (1025, "เขตบางพลัด", "Bang Phlat"), (1026, "เขตดินแดง", "Din Daeng"),
    (1027, "เขตบึงกุ่ม", "Bueng Kum"), (1028, "เขตสาทร", "Sathon"),
    (1029, "เขตบางซื่อ", "Bang Sue"), (1030, "เขตจตุจักร", "Chatuchak"),
    (1031, "เขตบางคอแหลม", "Bang Kho Laem"), (1032, "เขตประเวศ", "Prawet"),
    (1033, "เขตคลองเตย", "Khlong Toei"), (1034, "เขตสวนหลวง", "Suan Luang"),
    (1035, "เขตจอมทอง", "Chom Thong"), (1036, "เขตดอนเมือง", "Don Mueang"),
    (1037, "เขตราชเทวี", "Ratchathewi"), (1038, "เขตลาดพร้าว", "Lat Phrao"),
    (1039, "เขตวัฒนา", "Vadhana"), (1040, "เขตบางแค", "Bang Khae"),
    (1041, "เขตหลักสี่", "Lak Si"), (1042, "เขตสายไหม", "Sai Mai"),
    (1043, "เขตคันนายาว", "Khan Na Yao"), (1044, "เขตสะพานสูง", "Saphan Sung"),
    (1045, "เขตวังทองหลาง", "Wang Thonglang"), (1046, "เขตคลองสามวา", "Khlong Sam Wa"),
    (1047, "เขตบางนา", "Bang Na"), (1048, "เขตทวีวัฒนา", "Thawi Watthana"),
    (1049, "เขตทุ่งครุ", "Thung Khru"), (1050, "เขตบางบอน", "Bang Bon"),
]
ENGLISH_VARIANTS = {  # common spellings besides the official English names
    "Watthana": 1039, "Thonburi": 1015, "Pathumwan": 1007, "Rajthevi": 1037,
    "Bangrak": 1004, "Klong Toey": 1033, "Khlongtoei": 1033, "Sathorn": 1028,
    "Jatujak": 1030, "Phayathai": 1014, "Huaykwang": 1017, "Dindaeng": 1026,
    "Bangsue": 1029, "Pomprap": 1008, "Sampanthawong": 1013, "Ladprao": 1038,
    "Ladkrabang": 1011, "Bangkapi": 1006, "Bangna": 1047, "Don Muang": 1036,
    "Minburi": 1010, "Nongchok": 1003, "Taling Chan": 1019,
}
THAI_NAME = {code: th for code, th, _ in DISTRICTS}
WEEKDAY_NAMES = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "พฤหัส", "ศุกร์", "เสาร์"]
WEEKDAY_ABBREVIATIONS = ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"]


def _en_key(s: str) -> str:
    return re.sub(r"[\s\-]+", "", s).lower()


DISTRICT_BY_THAI = {th[3:]: code for code, th, _ in DISTRICTS}  # name without เขต
DISTRICT_BY_EN = {_en_key(en): code for code, _, en in DISTRICTS}
DISTRICT_BY_EN.update({_en_key(en): code for en, code in ENGLISH_VARIANTS.items()})

WELFARE_TYPES = {
    "counseling": "บริการให้คำปรึกษาแนะนำ", "health": "การตรวจสุขภาพและการรักษาพยาบาล",
    "id_card": "การทำบัตรประจำตัวประชาชน", "vocational": "การส่งเสริมการฝึกอาชีพ",
    "mobile_wash": "บริการรถเคลื่อนที่ซัก อบ อาบ",
    "food": "บริการจัดรับบริจาคอาหารและแจกอาหาร", "toilet": "ห้องสุขา",
    "shower": "ห้องอาบน้ำ", "employment": "การรับสมัครงานและการจ้างงาน",
    "housing": "ด้านที่พักอาศัย",
}
WELFARE_BY_LABEL = {re.sub(r"\s+", "", label): key for key, label in WELFARE_TYPES.items()}
DOMAINS = [  # digit, key, Thai name without the ด้าน prefix
    ("1", "family_community", "ครอบครัวและชุมชน"),
    ("2", "welfare", "สวัสดิการสังคมและสังคมสงเคราะห์"),
    ("3", "education", "การศึกษา"),
    ("4", "health", "สาธารณสุขและสุขภาพ"),
]
DOMAIN_NAMES = {name for _, _, name in DOMAINS}
THAI_MONTHS = {
    "มกราคม": 1, "กุมภาพันธ์": 2, "มีนาคม": 3, "เมษายน": 4, "พฤษภาคม": 5, "มิถุนายน": 6,
    "กรกฎาคม": 7, "สิงหาคม": 8, "กันยายน": 9, "ตุลาคม": 10, "พฤศจิกายน": 11, "ธันวาคม": 12,
    "มค": 1, "กพ": 2, "มีค": 3, "เมย": 4, "พค": 5, "มิย": 6,
    "กค": 7, "สค": 8, "กย": 9, "ตค": 10, "พย": 11, "ธค": 12,
}
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
KRS = [  # code, target, registration table, service table, id column, date column, dimension
    ("8207", 100, "homeless_registrations", "homeless_services", "reg_id", "registered_on",
     "service_type"),
    ("5122", 10, "rehab_referrals", "rehab_services", "referral_id", "referred_on", "domain"),
]
RESULT_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "scope_name_th",
                  "numerator", "denominator", "percent", "target", "met_target"]
BREAKDOWN_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "dimension",
                     "category", "persons"]
QUALITY_COLUMNS = ["table", "rows_in", "kept", "duplicates_collapsed", "rejected",
                   "invalid_citizen_id", "unknown_district"]


# ----------------------------------------------------------------- cell parsing
def cell_text(value) -> str:
    """The raw text of a cell (CSV text as is; XLSX numbers without a spurious .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def is_missing(value) -> bool:
    text = cell_text(value).strip()
    return text == "" or text == "-"


def _make_date(year: int, month: int, day: int, two_digit: bool = False) -> dt.date | None:
    if two_digit:
        year = 2500 + year - 543
    elif year >= 2400:
        year -= 543
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


ENGLISH_MONTHS = {name: i for i, full in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1) for name in (full, full[:3])} | {"sept": 9}
# a time of day at the end of a date text: kept apart and checked, then ignored
TIME_AT_END = re.compile(r"(?:T|\s)\s*(?:เวลา\s*)?(\d{1,2})[:.](\d{1,2})"
                         r"(?:[:.](\d{1,2})(?:\.\d+)?)?"
                         r"\s*(?:น\.?)?$|เวลา\s*(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2}))?\s*(?:น\.?)?$")


def _era(separator: str) -> tuple[str, str | None]:
    """A separator before the year without its era mark: ('...', 'be' | 'ce' | None)."""
    key = re.sub(r"[\s.]", "", separator)
    if key.endswith("พศ"):
        return key[:-2], "be"
    if key.endswith("คศ"):
        return key[:-2], "ce"
    return key, None


def without_weekday(s: str) -> str:
    """The text without a leading Thai weekday (and a ที่ after it)."""
    rest = s[3:].lstrip() if s.startswith("วัน") else s
    names = [n for n in WEEKDAY_NAMES if rest.startswith(n)]
    if names:
        s = rest[len(max(names, key=len)):]
    else:
        abbreviations = [a for a in WEEKDAY_ABBREVIATIONS if s.startswith(a)]
        if not abbreviations:
            return s
        s = s[len(max(abbreviations, key=len)):]
        s = s[1:] if s.startswith(".") else s
    s = s.lstrip()
    return s[3:].lstrip() if s.startswith("ที่") else s


def date_text(text: str) -> str | None:
    """A date text with Thai digits as ASCII, without its leading weekday and วันที่."""
    s = text.translate(THAI_DIGITS).strip()
    if len(s) > 64:
        return None
    s = without_weekday(s)
    if s.startswith("วันที่"):
        s = s[len("วันที่"):].strip()
    return s


STAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                   r"(Z|([+-])(\d{2})(?::?(\d{2}))?)")
BANGKOK = dt.timezone(dt.timedelta(hours=7))


def stamp_date(text: str) -> tuple[bool, dt.date | None]:
    """(is an ISO timestamp with a UTC offset, its date in Bangkok or None)."""
    s = date_text(text)
    m = STAMP.fullmatch(s) if s is not None else None
    if m is None:
        return False, None
    year, month, day, hour, minute, second, zone, sign, off_h, off_m = m.groups()
    if zone == "Z":
        tz = dt.UTC
    elif int(off_h) > 23 or int(off_m or 0) > 59:
        return True, None
    else:
        delta = dt.timedelta(hours=int(off_h), minutes=int(off_m or 0))
        tz = dt.timezone(-delta if sign == "-" else delta)
    y = int(year) - 543 if int(year) >= 2400 else int(year)
    try:
        when = dt.datetime(y, int(month), int(day), int(hour), int(minute), int(second or 0),
                           tzinfo=tz)
        return True, when.astimezone(BANGKOK).date()
    except (ValueError, OverflowError):
        return True, None


def date_fields(text: str) -> tuple[int, int, int, bool] | None:
    """(day, month, year as written, two-digit year means 20YY) of a date text, or None."""
    s = date_text(text)
    if s is None:
        return None
    m = TIME_AT_END.search(s)
    if m:
        h, mi, sec = [int(g or 0) for g in (m.groups()[:3] if m[1] else m.groups()[3:])]
        if h > 23 or mi > 59 or sec > 59:
            return None
        s = s[:m.start()].strip()
    tokens = re.findall(r"\d+|\D+", s)
    digits = [t for t in tokens if t.isdigit()]
    if len(tokens) == 5 and len(digits) == 3 and tokens[0].isdigit():
        first, sep1, second, sep2, last = tokens
        if len(first) == 4 and sep1 == sep2 == "-" and len(second) <= 2 and len(last) <= 2:
            return int(last), int(second), first, False  # ISO
        if len(first) > 2 or len(second) > 2 or len(last) not in (2, 4):
            return None
        if sep1 == sep2 and sep1 in "/-":
            return int(first), int(second), last, False
        rest, era = _era(sep2)
        if sep1.strip() == "" and sep1 and rest == "" and sep2[:1].isspace():
            return int(first), int(second), last, era == "ce"
        return None
    if len(tokens) == 3 and tokens[0].isdigit() and tokens[2].isdigit():
        day, middle, year = tokens
        if len(day) > 2 or len(year) not in (2, 4):
            return None
        name, era = _era(middle)
        name = name.strip("-/")
        if name in THAI_MONTHS:
            return int(day), THAI_MONTHS[name], year, era == "ce"
        if name.lower() in ENGLISH_MONTHS:
            return int(day), ENGLISH_MONTHS[name.lower()], year, era != "be"
    return None


def parse_date(value) -> dt.date | None:
    """A date from a date cell or text in any form the contract lists; None if unparseable."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _make_date(value.year, value.month, value.day)
    if not isinstance(value, str) or is_missing(value):
        return None
    is_stamp, stamped = stamp_date(value)
    if is_stamp:
        return stamped
    fields = date_fields(value)
    if fields is None:
        return None
    day, month, year, ce = fields
    if len(year) == 2 and ce:
        return _make_date(2000 + int(year), month, day)
    return _make_date(int(year), month, day, two_digit=len(year) == 2)


def excel_serial(value) -> dt.date | None:
    """An Excel serial day (a number 20000..80000, or its digits as text); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.translate(THAI_DIGITS).strip()
        value = int(text) if text.isdigit() and text.isascii() else None
    if isinstance(value, int) and 20000 <= value <= 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=value)
    return None


def parse_birth_date(value, window_end: dt.date) -> dt.date | None:
    """A birth date: a two-digit year is the latest century not after window_end."""
    if not isinstance(value, str):
        return parse_date(value)
    is_stamp, stamped = stamp_date(value)
    if is_stamp:
        return stamped
    fields = date_fields(value)
    if fields is None:
        return None
    day, month, year, ce = fields
    if len(year) != 2:
        return _make_date(int(year), month, day)
    latest = (2000 if ce else 1957) + int(year)  # 20YY, or BE 25YY in CE
    if (latest, month, day) > (window_end.year, window_end.month, window_end.day):
        latest -= 100  # 19YY, or BE 24YY
    return _make_date(latest, month, day)


def parse_event_date(value) -> dt.date | None:
    d = parse_date(value)
    if d is None:
        d = excel_serial(value)
    if d is None or not dt.date(2000, 1, 1) <= d <= dt.date(2100, 12, 31):
        return None
    return d


def parse_citizen_id(value) -> tuple[str | None, bool]:
    """(valid id or None, whether a non-empty invalid value was given)."""
    if is_missing(value):
        return None, False
    digits = re.sub(r"[\s\-]", "", cell_text(value).translate(THAI_DIGITS))
    if not re.fullmatch(r"[0-9]{13}", digits):
        return None, True
    total = sum(int(digits[i]) * (13 - i) for i in range(12))
    if (11 - total % 11) % 10 != int(digits[12]):
        return None, True
    return digits, False


def parse_district(value) -> int | None:
    """DOPA code 1001-1050 or None (unknown)."""
    text = cell_text(value).translate(THAI_DIGITS).strip()
    if re.fullmatch(r"\d+", text) and 1001 <= int(text) <= 1050:
        return int(text)
    thai = re.sub(r"\s+", "", text)
    for prefix in ("สำนักงานเขต", "เขต"):
        if thai.startswith(prefix):
            thai = thai[len(prefix):]
            break
    if thai in DISTRICT_BY_THAI:
        return DISTRICT_BY_THAI[thai]
    english = _en_key(text)
    pcode = re.fullmatch(r"th(\d{4})", english)
    if pcode and 1001 <= int(pcode[1]) <= 1050:
        return int(pcode[1])
    if english not in DISTRICT_BY_EN:  # Khet Bang Rak, Bang Rak District
        english = english.removeprefix("khet").removesuffix("district")
    return DISTRICT_BY_EN.get(english)


def parse_eligibility(value) -> str:
    """'passed', 'failed', 'pending' or 'unrecognised'."""
    text = cell_text(value).strip().lower()
    return {"ผ่าน": "passed", "passed": "passed", "ไม่ผ่าน": "failed", "failed": "failed",
            "รอตรวจสอบ": "pending", "pending": "pending"}.get(text, "unrecognised")


def parse_service_type(value) -> str:
    text = cell_text(value).strip()
    if text.lower() in WELFARE_TYPES:
        return text.lower()
    return WELFARE_BY_LABEL.get(re.sub(r"\s+", "", text), "other")


def parse_domain(value) -> str | None:
    text = cell_text(value).translate(THAI_DIGITS).strip()
    thai = re.sub(r"\s+", "", text)
    for prefix in ("ด้าน", "น"):  # "น" = a prefix cut to its last letter (ambiguity 5)
        if thai.startswith(prefix) and thai[len(prefix):] in DOMAIN_NAMES:
            thai = thai[len(prefix):]
            break
    for digit, key, name in DOMAINS:
        if text == digit or text.lower() == key or thai == name:
            return key
    return None


# ------------------------------------------------------------------ file reading
def _sheet_rows(path: Path, table: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_name(table) if table in wb.sheet_names else wb.get_sheet_by_index(0)
    return [list(r) for r in sheet.to_python(skip_empty_area=False)]


def _csv_rows(path: Path) -> list[list]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp874", errors="replace")
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def read_table(data_dir: Path, table: str) -> list[dict] | None:
    """Data rows as dicts {column: raw cell, "_raw": duplicate key}, or None if absent."""
    if (data_dir / f"{table}.csv").is_file():
        rows = _csv_rows(data_dir / f"{table}.csv")
    elif (data_dir / f"{table}.xlsx").is_file():
        rows = _sheet_rows(data_dir / f"{table}.xlsx", table)
    else:
        return None
    names = {}
    for col, thai, _ in COLUMNS[table]:
        names[col.lower()] = col
        names[thai] = col
    required = {c for c, _, req in COLUMNS[table] if req}
    for h, header in enumerate(rows[:11]):  # noqa: B007 - h, the header row, is read after the loop
        index = {}
        for i, cell in enumerate(header):
            name = cell_text(cell).strip().lstrip("\ufeff").strip()
            col = names.get(name) or names.get(name.lower())
            if col and col not in index:
                index[col] = i
        if required <= set(index):
            break
    else:
        return None
    out = []
    for row in rows[h + 1:]:
        raw = [cell_text(c).strip() for c in row]
        while raw and raw[-1] == "":
            raw.pop()
        if all(is_missing(c) for c in row):
            continue  # ambiguity 7
        rec = {col: (row[i] if i < len(row) else "") for col, i in index.items()}
        rec["_raw"] = tuple(raw)
        out.append(rec)
    return out


# -------------------------------------------------------------------- cleaning
@dataclass
class Quality:
    table: str
    rows_in: int = 0
    kept: int = 0
    duplicates_collapsed: int = 0
    rejected: int = 0
    invalid_citizen_id: int = 0
    unknown_district: int = 0
    reasons: dict = field(default_factory=dict)
    merged_by_links: int = 0  # written only when the drop has person_links (ambiguity 17)

    def reject(self, reason: str) -> None:
        self.rejected += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def row(self) -> dict[str, str]:
        return {c: str(getattr(self, c)) for c in QUALITY_COLUMNS}


def collapse(rows: list[dict], q: Quality) -> list[dict]:
    seen, unique = set(), []
    q.rows_in = len(rows)
    for r in rows:
        if r["_raw"] in seen:
            q.duplicates_collapsed += 1
        else:
            seen.add(r["_raw"])
            unique.append(r)
    return unique


def clean_people(rows: list[dict], table: str, id_col: str, date_col: str) -> tuple[list, Quality]:
    """Registrations or referrals: kept records as dicts (id, person, date, district, passed)."""
    q = Quality(table)
    kept, kept_ids = [], set()
    for r in collapse(rows, q):
        rid = cell_text(r[id_col]).strip()
        if is_missing(r[id_col]):
            q.reject(f"missing {id_col}")
            continue
        on = parse_event_date(r[date_col])
        if on is None:
            q.reject(f"missing or invalid {date_col}")
            continue
        if is_missing(r["district"]):
            q.reject("missing district")
            continue
        if "eligibility" in r and is_missing(r["eligibility"]):
            q.reject("missing eligibility")
            continue
        if rid in kept_ids:
            q.reject(f"conflicting duplicate {id_col}")
            continue
        cid, invalid = parse_citizen_id(r.get("citizen_id"))
        district = parse_district(r["district"])
        q.invalid_citizen_id += invalid      # ambiguity 1: kept rows only
        q.unknown_district += district is None  # ambiguity 2: kept rows only
        prefix = "reg:" if id_col == "reg_id" else "ref:"
        passed = parse_eligibility(r["eligibility"]) == "passed" if "eligibility" in r else True
        kept_ids.add(rid)
        kept.append({"id": rid, "person": cid or prefix + rid, "on": on,
                     "district": district, "passed": passed,
                     "sex": r.get("sex", ""), "birth_date": r.get("birth_date", ""),
                     "service_point": r.get("service_point", ""), "source": r.get("source", "")})
    q.kept = len(kept)
    return kept, q


def clean_services(rows: list[dict], table: str, id_col: str, parents: set | None,
                   kind: str) -> tuple[list, Quality]:
    """Service rows: kept as (parent id, date, category)."""
    q = Quality(table)
    kept = []
    for r in collapse(rows, q):
        if is_missing(r[id_col]):
            q.reject(f"missing {id_col}")
            continue
        on = parse_event_date(r["service_date"])
        if on is None:
            q.reject("missing or invalid service_date")
            continue
        if kind == "service_type":
            if is_missing(r["service_type"]):
                q.reject("missing service_type")
                continue
            category = parse_service_type(r["service_type"])
        else:
            category = parse_domain(r["domain"])
            if category is None:
                q.reject("missing or unknown domain")
                continue
        pid = cell_text(r[id_col]).strip()
        if parents is not None and pid not in parents:
            q.reject(f"orphaned (no kept {id_col})")
            continue
        kept.append((pid, on, category))
    q.kept = len(kept)
    return kept, q


def link_record(value) -> tuple[str, str] | None:
    """('reg' | 'ref', record id) of a person_links cell, or None when malformed."""
    text = value_text(value)
    head, colon, rest = text.partition(":")
    kind, rid = head.strip().lower(), rest.strip()
    if not colon or kind not in ("reg", "ref") or not rid:
        return None
    return kind, rid


def clean_links(rows: list[dict], kept_ids: dict) -> tuple[list, Quality]:
    """person_links: kept links as (kind, id a, id b); ``kept_ids`` = {'reg': set or None,
    'ref': set or None}, the kept record ids (None: the table is absent)."""
    q = Quality("person_links")
    kept = []
    for r in collapse(rows, q):
        if any(is_missing(r[c]) for c in ("record_a", "record_b", "confirmed_by")):
            q.reject("missing_value")
            continue
        a, b = link_record(r["record_a"]), link_record(r["record_b"])
        if a is None or b is None:
            q.reject("invalid_record")
            continue
        if a[0] != b[0]:
            q.reject("mixed_tables")
            continue
        if a == b:
            q.reject("self_link")
            continue
        known = kept_ids.get(a[0]) or set()
        if a[1] not in known or b[1] not in known:
            q.reject("unknown_record")
            continue
        kept.append((a[0], a[1], b[1]))
    q.kept = len(kept)
    return kept, q


def join_linked(records: list, links: list) -> int:
    """Give every record of linked persons one person key (union-find); return how many
    fewer persons the records make."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])  # path halving
            x = parent[x]
        return x

    person_of = {rec["id"]: rec["person"] for rec in records}
    before = set(person_of.values())
    for a, b in links:
        ra, rb = find(person_of[a]), find(person_of[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    for rec in records:
        rec["person"] = find(rec["person"])
    return len(before) - len({rec["person"] for rec in records})


# -------------------------------------------------------------------- counting
def window(fiscal_year: int, quarter: int, cumulative: bool = True) -> tuple[dt.date, dt.date]:
    """[first day, last day] of the window: fiscal-year-to-date (the contract), or with
    ``cumulative=False`` the quarter alone (the method variant krlib offers analysts)."""
    start_year = fiscal_year - 544
    ends = {1: dt.date(start_year, 12, 31), 2: dt.date(start_year + 1, 3, 31),
            3: dt.date(start_year + 1, 6, 30), 4: dt.date(start_year + 1, 9, 30)}
    firsts = {1: dt.date(start_year, 10, 1), 2: dt.date(start_year + 1, 1, 1),
              3: dt.date(start_year + 1, 4, 1), 4: dt.date(start_year + 1, 7, 1)}
    return (firsts[1] if cumulative else firsts[quarter]), ends[quarter]


def format_percent(num: int, den: int) -> str:
    """100*num/den rounded half-up to 2 decimals, exact integer arithmetic."""
    if den == 0:
        return ""
    hundredths = (20000 * num + den) // (2 * den)  # floor(10000*num/den + 1/2)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def count_kr(records: list, services: list, start: dt.date, end: dt.date):
    """{scope: (numerator persons, denominator persons, {category: persons})}."""
    return count_kr_full(records, services, start, end, ())[0]


def count_kr_full(records: list, services: list, start: dt.date, end: dt.date, dims):
    """count_kr's figures, plus {scope: {(dimension, category): [num, den]}},
    {scope: [days of each served person]} (timeliness) and {scope: [days waited by the
    last day of the window, of each cohort person not served]} (waiting)."""
    ids_of_person: dict[str, set] = {}
    for rec in records:
        ids_of_person.setdefault(rec["person"], set()).add(rec["id"])
    home: dict[str, dict] = {}  # person -> their earliest cohort record (ties: smallest id)
    for rec in records:
        if rec["passed"] and start <= rec["on"] <= end:
            old = home.get(rec["person"])
            if old is None or (rec["on"], rec["id"]) < (old["on"], old["id"]):
                home[rec["person"]] = rec
    cats_of_id: dict[str, set] = {}
    first_of_id: dict[str, dt.date] = {}
    for pid, on, category in services:
        if start <= on <= end:
            cats_of_id.setdefault(pid, set()).add(category)
            if pid not in first_of_id or on < first_of_id[pid]:
                first_of_id[pid] = on
    scopes = {code: [0, 0, {}] for code, _, _ in DISTRICTS}
    scopes["BMA"] = [0, 0, {}]
    disagg = {scope: {} for scope in scopes}
    days = {scope: [] for scope in scopes}
    waited = {scope: [] for scope in scopes}
    for person, rec in home.items():
        cats, firsts = set(), []
        for rid in ids_of_person[person]:
            cats |= cats_of_id.get(rid, set())
            if rid in first_of_id:
                firsts.append(first_of_id[rid])
        attrs = [(d, attribute(d, rec, end)) for d in dims]
        for scope in ("BMA", rec["district"]):
            if scope is None:
                continue
            s = scopes[scope]
            s[1] += 1
            s[0] += bool(cats)
            for c in cats:
                s[2][c] = s[2].get(c, 0) + 1
            for key in attrs:
                cell = disagg[scope].setdefault(key, [0, 0])
                cell[0] += bool(cats)
                cell[1] += 1
            if firsts:
                days[scope].append(max(0, (min(firsts) - rec["on"]).days))
            if not cats:  # in the denominator, not in the numerator: still waiting
                waited[scope].append((end - rec["on"]).days)
    return scopes, disagg, days, waited


# ------------------------------------------------------- person attributes
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
SEX_WORDS = {"ชาย": "male", "ช": "male", "m": "male", "male": "male",
             "หญิง": "female", "ญ": "female", "f": "female", "female": "female"}
SOURCES = {"screening_centre": "ศูนย์คัดกรอง", "health_centre": "ศูนย์บริการสาธารณสุข",
           "hospital": "สถานพยาบาล", "rehab_facility": "สถานฟื้นฟูสมรรถภาพผู้ติดยาเสพติด",
           "cbtx": "CBTx"}
DIMENSION_ORDER = {  # named categories in order; open dimensions list only residuals
    "sex": ["male", "female", "unspecified"],
    "age_band": ["0-17", "18-59", "60+", "unknown"],
    "source": [*SOURCES, "other", "unspecified"],
    "service_point": [],
}
KR_DIMENSIONS = {"8207": ["sex", "age_band", "service_point"],
                 "5122": ["sex", "age_band", "source"]}


def value_text(value) -> str:
    """The contract's value rules on one cell (NFC, ำ, zero-width, nbsp, apostrophe)."""
    import unicodedata

    t = unicodedata.normalize("NFC", cell_text(value)).replace("\u0e4d\u0e32", "\u0e33")
    t = t.translate(ZERO_WIDTH).replace("\u00a0", " ").strip()
    if t.startswith("'"):
        t = t[1:].strip()
    return t


def birth_date(value, end: dt.date) -> dt.date | None:
    """A birth date; two-digit years BE 25YY unless that is after ``end``, then BE 24YY."""
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value)
    text = value_text(value).translate(THAI_DIGITS)
    d = parse_date(text)
    if d is None or re.search(r"\d{4}", text) or not re.search(r"\d{2}$", text):
        return d
    if d <= end:
        return d
    try:
        return d.replace(year=d.year - 100)
    except ValueError:
        return None


def attribute(dimension: str, rec: dict, end: dt.date) -> str:
    if dimension == "sex":
        return SEX_WORDS.get(" ".join(value_text(rec["sex"]).split()).lower(), "unspecified")
    if dimension == "service_point":
        text = " ".join(value_text(rec["service_point"]).split())
        return "unspecified" if text in ("", "-") else text
    if dimension == "source":
        text = value_text(rec["source"])
        if text in ("", "-"):
            return "unspecified"
        bare = re.sub(r"\s+", "", text)
        for key, label in SOURCES.items():
            if bare.lower() == key or bare == re.sub(r"\s+", "", label):
                return key
        return "other"
    if dimension == "age_band":
        born = birth_date(rec["birth_date"], end)
        if born is None:
            return "unknown"
        age = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
        if age < 0 or age > 120:
            return "unknown"
        return "0-17" if age <= 17 else "18-59" if age <= 59 else "60+"
    raise ValueError(dimension)


def category_rank(dimension: str, category: str):
    named = DIMENSION_ORDER[dimension]
    residual = ["other", "unspecified", "unknown"]
    if category in residual:
        return (2, residual.index(category), "")
    if category in named:
        return (0, named.index(category), "")
    return (1, 0, category)


def median_text(days: list[int]) -> str:
    if not days:
        return ""
    d = sorted(days)
    mid = len(d) // 2
    twice = 2 * d[mid] if len(d) % 2 else d[mid - 1] + d[mid]  # 2 x median, exact
    return f"{twice // 2}.{5 if twice % 2 else 0}"


DISAGGREGATION_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "dimension",
                          "category", "numerator", "denominator", "percent"]
TIMELINESS_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "served",
                      "median_days", "days_0", "days_1_7", "days_8_30", "days_31_90",
                      "days_91_plus", "waiting", "waiting_0", "waiting_1_7", "waiting_8_30",
                      "waiting_31_90", "waiting_91_plus"]
BUCKETS = [(0, 0), (1, 7), (8, 30), (31, 90), (91, 10 ** 9)]


@dataclass
class Reference:
    kr_results: list[dict[str, str]]
    kr_breakdown: list[dict[str, str]]
    data_quality: list[dict[str, str]]
    reasons: dict = field(default_factory=dict)  # table -> {reason: rows}
    kr_disaggregation: list[dict[str, str]] = field(default_factory=list)
    kr_timeliness: list[dict[str, str]] = field(default_factory=list)


def clean_drop(data_dir) -> tuple[dict, dict]:
    """Every table cleaned, persons joined by person_links: ({KR code: (records or None,
    services or None)}, {table: Quality})."""
    data_dir = Path(data_dir)
    quality: dict[str, Quality] = {}
    cleaned = {}  # KR code -> (records or None, services or None)
    for code, _, reg_table, svc_table, id_col, date_col, dim in KRS:
        reg_rows, svc_rows = read_table(data_dir, reg_table), read_table(data_dir, svc_table)
        records = services = None
        if reg_rows is not None:
            records, quality[reg_table] = clean_people(reg_rows, reg_table, id_col, date_col)
        if svc_rows is not None:
            parents = {r["id"] for r in records} if records is not None else None
            services, quality[svc_table] = clean_services(svc_rows, svc_table, id_col, parents, dim)
        cleaned[code] = (records, services)
    link_rows = read_table(data_dir, "person_links")
    if link_rows is not None:  # ambiguity 17
        kinds = {"8207": "reg", "5122": "ref"}
        kept_ids = {kinds[c]: ({r["id"] for r in recs} if recs is not None else None)
                    for c, (recs, _) in cleaned.items()}
        links, quality["person_links"] = clean_links(link_rows, kept_ids)
        for code, _, reg_table, *_ in KRS:
            records = cleaned[code][0]
            if records is not None:
                quality[reg_table].merged_by_links = join_linked(
                    records, [(a, b) for kind, a, b in links if kind == kinds[code]])
    return cleaned, quality


def compute(data_dir, fiscal_year: int, quarter: int, cumulative: bool = True) -> Reference:
    start, end = window(fiscal_year, quarter, cumulative)
    fy, qt = str(fiscal_year), str(quarter)
    results, breakdown, disaggregation, timeliness = [], [], [], []
    cleaned, quality = clean_drop(data_dir)
    for code, target, *_, dim in KRS:
        records, services = cleaned[code]
        if records is None or services is None:
            continue  # the KR is unavailable
        dims = KR_DIMENSIONS[code]
        scopes, disagg, days, waited = count_kr_full(records, services, start, end, dims)
        for scope in [c for c, _, _ in DISTRICTS] + ["BMA"]:
            num, den, cats = scopes[scope]
            cells = sorted(disagg[scope].items(), key=lambda kv: (
                dims.index(kv[0][0]), category_rank(*kv[0])))
            for (dim_name, cat), (n, d) in cells:
                disaggregation.append(dict(zip(DISAGGREGATION_COLUMNS, [
                    code, fy, qt, str(scope), dim_name, cat, str(n), str(d),
                    format_percent(n, d)])))
            ds, ws = days[scope], waited[scope]
            timeliness.append(dict(zip(TIMELINESS_COLUMNS, [
                code, fy, qt, str(scope), str(len(ds)), median_text(ds),
                *(str(sum(lo <= x <= hi for x in ds)) for lo, hi in BUCKETS),
                str(den - len(ds)),
                *(str(sum(lo <= x <= hi for x in ws)) for lo, hi in BUCKETS)])))
            percent = format_percent(num, den)
            met = "" if not percent else ("true" if Decimal(percent) >= target else "false")
            results.append(dict(zip(RESULT_COLUMNS, [
                code, fy, qt, str(scope), THAI_NAME.get(scope, "กรุงเทพมหานคร"),
                str(num), str(den), percent, str(target), met])))
            for cat in sorted(cats):
                breakdown.append(dict(zip(BREAKDOWN_COLUMNS, [
                    code, fy, qt, str(scope), dim, cat, str(cats[cat])])))
    quality_rows = [quality[t].row() for t in TABLES if t in quality]
    if "person_links" in quality:
        for row in quality_rows:
            row["merged_by_links"] = str(quality[row["table"]].merged_by_links)
    return Reference(results, breakdown, quality_rows,
                     {t: dict(quality[t].reasons) for t in TABLES if t in quality},
                     disaggregation, timeliness)


def write_csvs(ref: Reference, out_dir) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    quality_columns = [*QUALITY_COLUMNS, *(["merged_by_links"] if any(
        "merged_by_links" in r for r in ref.data_quality) else [])]
    for name, columns, rows in [("kr_results", RESULT_COLUMNS, ref.kr_results),
                                ("kr_breakdown", BREAKDOWN_COLUMNS, ref.kr_breakdown),
                                ("data_quality", quality_columns, ref.data_quality),
                                ("kr_disaggregation", DISAGGREGATION_COLUMNS,
                                 ref.kr_disaggregation),
                                ("kr_timeliness", TIMELINESS_COLUMNS, ref.kr_timeliness)]:
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: python tests/reference.py DATA_DIR FISCAL_YEAR QUARTER OUT_DIR")
    write_csvs(compute(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])), sys.argv[4])
