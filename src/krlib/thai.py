"""Thai writing conventions, each written once: the Buddhist Era, month names, digits,
what a missing value looks like, and how Thai government documents write a date."""

from __future__ import annotations

from datetime import date

#: A Buddhist-Era year is the CE year + 543.
BE_OFFSET = 543
MONTHS_FULL_TH = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                  "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
MONTHS_ABBR_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                  "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
#: Weekdays from Monday, full (written after วัน: วันจันทร์) and abbreviated (``%a`` of
#: PyThaiNLP's thai_strftime writes them without the dot).
WEEKDAYS_FULL_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
WEEKDAYS_ABBR_TH = ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")
#: Bangkok time is UTC+7 all year (no daylight saving), in minutes.
BANGKOK_UTC_OFFSET_MINUTES = 7 * 60
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
#: str.translate tables between Thai and ASCII digits.
TO_ASCII_DIGITS = str.maketrans(THAI_DIGITS, "0123456789")
TO_THAI_DIGITS = str.maketrans("0123456789", THAI_DIGITS)
#: A cell holding one of these (after stripping spaces) is a missing value (the contract).
MISSING_TEXT = frozenset({"", "-"})
#: What a report says when a scope has nobody in a KR's cohort for the period.
NO_CASES_TH = "ไม่มีผู้อยู่ในกลุ่มเป้าหมายในช่วงเวลานี้"


def be_year(d: date) -> int:
    return d.year + BE_OFFSET


def thai_date(d: date | str) -> str:
    """``1 ต.ค. 2567`` (Buddhist Era, as Thai government documents write dates); ``d`` may
    be a date, a datetime or ISO text."""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return f"{d.day} {MONTHS_ABBR_TH[d.month - 1]} {be_year(d)}"
