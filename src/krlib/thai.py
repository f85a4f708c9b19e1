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


# --- Thai alphabetical order -----------------------------------------------------------
# The order of the Royal Institute Dictionary, as ICU's Thai collation (CLDR) gives it
# (what Chromium's Intl.Collator("th") uses; tests/test_thai_order.py compares the two):
# consonants first, a leading vowel (เ แ โ ใ ไ) read after the consonant it precedes,
# then the vowels; tone marks (and ็ ์ ๎) decide only between words of the same letters,
# and so does case, or ๅ against า. Unicode's Thai block is already in dictionary order
# (ฤ after ร, ฦ after ล), so a letter's weight is its code point but for ํ and ฺ.

_LEADING_VOWELS = frozenset("เแโใไ")
#: Marks that decide only between words of the same letters, in ICU's order.
_SECONDARY_MARKS = {"\u0e4e": 1, "\u0e4c": 2, "\u0e47": 3, "\u0e48": 4, "\u0e49": 5,
                    "\u0e4a": 6, "\u0e4b": 7}
#: Letters ICU places apart from their code point: ํ after ฮ, ๅ as า, ฺ after ไ.
_MOVED = {"\u0e4d": 2 * 0x0E2E + 1, "\u0e45": 2 * 0x0E32, "\u0e3a": 2 * 0x0E44 + 1}
#: What the order ignores within Thai: ฯ and ๆ (as it ignores spaces and punctuation).
_IGNORED = frozenset("\u0e2f\u0e46")


def _is_consonant(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e2e"


def _weights(ch: str) -> tuple[tuple[int, int], int] | None:
    """A character's place at the first level (digits, then Thai, then other letters) and
    its variant at the third (ๅ after า, a capital after its small letter); None for what
    the order ignores."""
    if ch.isdigit():
        return (0, int(ch.translate(TO_ASCII_DIGITS)) if ch in THAI_DIGITS else int(ch)), 0
    if "\u0e00" <= ch <= "\u0e7f":
        if ch in _IGNORED:
            return None
        return (1, _MOVED.get(ch, 2 * ord(ch))), int(ch == "\u0e45")
    if ch.isalpha():
        return (2, ord(ch.casefold()[0])), int(ch != ch.casefold())
    return None


def thai_sort_key(text: str) -> tuple:
    """A key that sorts Thai text in dictionary order (``sorted(names, key=thai_sort_key)``):
    คลองเตย < คลองสาน < ... < บางกอกน้อย < บางกอกใหญ่ < บางกะปิ < ... < ห้วยขวาง."""
    chars = list(text)
    i = 0
    while i < len(chars) - 1:  # เขต reads ข-เ-ต; ไหม reads ห-ไ-ม
        if chars[i] in _LEADING_VOWELS and _is_consonant(chars[i + 1]):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 1
        i += 1
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for ch in chars:
        if ch in _SECONDARY_MARKS:
            secondary.append(_SECONDARY_MARKS[ch])
            continue
        weights = _weights(ch)
        if weights is not None:
            primary.append(weights[0])
            secondary.append(0)
            tertiary.append(weights[1])
    return (tuple(primary), tuple(secondary), tuple(tertiary), text)
