"""Parsers for single messy values: dates, citizen ids, districts and coded categories.

Each function reads one text value and is pure, so it is easy to test. The cleaners
apply them once per *distinct* value of a column (:func:`map_distinct`) and map the
results back: messy columns hold few distinct values, so this is fast and vectorised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from krlib.contract.schema import (
    DOMAINS,
    LINK_PREFIXES,
    OTHER,
    SOURCES,
    UNSPECIFIED,
    WELFARE_TYPES,
    Column,
)
from krlib.contract.scopes import district_code
from krlib.thai import (
    BANGKOK_UTC_OFFSET_MINUTES,
    BE_OFFSET,
    MISSING_TEXT,
    MONTHS_ABBR_TH,
    MONTHS_FULL_TH,
    TO_ASCII_DIGITS,
    WEEKDAYS_ABBR_TH,
    WEEKDAYS_FULL_TH,
)
from krlib.thai import THAI_DIGITS as THAI_DIGIT_CHARS

if TYPE_CHECKING:
    import numpy.typing as npt
    import pyarrow as pa

THAI_DIGITS = TO_ASCII_DIGITS
EVENT_DATE_MIN, EVENT_DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
BE_THRESHOLD = 2400  # a year >= 2400 is Buddhist Era
MAX_DATE_TEXT = 64  # characters; "วันพฤหัสบดีที่ 30 พฤศจิกายน พ.ศ. 2567 เวลา 12:00:00 น." has 54


def is_missing(text: str) -> bool:
    """Empty cells, cells of only spaces, and ``-`` are missing values."""
    return text.strip() in MISSING_TEXT


def map_distinct(values: pd.Series, parse: Callable[[str], object]) -> pd.Series:
    """Apply ``parse`` once per distinct value and map the results back (same index)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = np.empty(len(uniques), dtype=object)
    parsed[:] = [parse(u) for u in uniques.tolist()]  # a list: ~10x cheaper to walk
    return pd.Series(parsed[codes], index=values.index, dtype=object)


# --- dates --------------------------------------------------------------------------

_MONTHS_FULL, _MONTHS_ABBR = MONTHS_FULL_TH, MONTHS_ABBR_TH
#: Thai month names, full or abbreviated, with dots and spaces removed -> month number.
THAI_MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(_MONTHS_FULL, 1)},
    **{m.replace(".", ""): i for i, m in enumerate(_MONTHS_ABBR, 1)},
}
_EN_FULL = ("january february march april may june july august september october "
            "november december").split()
#: English month names, full or abbreviated (``sept`` too), lower case, no dots.
ENGLISH_MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(_EN_FULL, 1)},
    **{m[:3]: i for i, m in enumerate(_EN_FULL, 1)},
    "sept": 9,
}
SERIAL_MIN, SERIAL_MAX = 20000, 80000  # an Excel serial day written as digits alone
_SERIAL_DAY0 = date(1899, 12, 30)

# Every pattern below runs on at most MAX_DATE_TEXT characters and has no nested
# quantifier over the same characters, so its work stays linear in the text.
_LEADING_WORD = re.compile(r"วันที่\s*")


def _longest_first(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A leading weekday, ignored: วันอาทิตย์, อาทิตย์, วันพฤหัส (the everyday short Thursday),
# อา. or อา (PyThaiNLP's %a), then an optional ที่ (วันอาทิตย์ที่ 9 ...). Longest names
# first, so that อา. is not read as อ. and a stray า.
_LEADING_WEEKDAY = re.compile(
    rf"(?:(?:วัน\s*)?(?:{_longest_first((*WEEKDAYS_FULL_TH, 'พฤหัส'))})"
    rf"|(?:{_longest_first(w.rstrip('.') for w in WEEKDAYS_ABBR_TH)})\.?)\s*(?:ที่\s*)?")
# An ISO timestamp with a UTC offset (`Z`, `+07:00`, `+0700`, `+07`), `T` or one space
# between date and time, seconds and their fraction optional: converted to Bangkok time.
_ISO_STAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                        r"(Z|[+-]\d{2}(?::?\d{2})?)")
# A time of day at the end: `10:30`, `10:30:00`, `9:5:7`, `10.30 น.`, `T10:30`, `:01.123456`,
# after a space, `T` or the word เวลา.
_TIME = re.compile(r"(?:\s*T|\s*เวลา\s*|\s+)(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2})(?:\.\d+)?)?"
                   r"(?:\s*น\.?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{2}|\d{4})")
_ERA = r"(?:(พ\.?\s*ศ|ค\.?\s*ศ)\.?\s*)?"  # group: the era marker, before the year
_DMY_SPACES = re.compile(r"(\d{1,2})\s+(\d{1,2})\s+" + _ERA + r"(\d{2}|\d{4})")
# Day, month name (anything without digits: checked against the month tables), year.
_NAMED = re.compile(r"(\d{1,2})(\D+?)" + _ERA + r"(\d{2}|\d{4})")
_NAME_EDGES = re.compile(r"^[\s/-]+|[\s/-]+$")
_NAME_NOISE = re.compile(r"[.\s]")


def full_year(year_text: str, ce_century: bool = False) -> int:
    """A year as written -> CE: >= 2400 is BE (minus 543); two digits are BE 25YY.

    ``ce_century``: a two-digit year beside an English month name or after ค.ศ. is 20YY.
    """
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if ce_century else 2500
    return year - BE_OFFSET if year >= BE_THRESHOLD else year


def _strip_time(t: str) -> str | None:
    """The text without a trailing time of day; None if that time is no time of day."""
    found = None
    for m in _TIME.finditer(t):  # the last match that ends the text
        if m.end() == len(t):
            found = m
    if found is None:
        return t
    hour, minute, second = (int(g) if g else 0 for g in found.groups())
    if hour > 23 or minute > 59 or second > 59:
        return None  # `15/10/2567 25:99` is not a date followed by a time
    return t[:found.start()]


def bangkok_date(year_text: str, month: str, day: str, hour: str, minute: str,
                 second: str | None, zone: str) -> date | None:
    """The date in Bangkok (UTC+7) of an ISO timestamp's parts; None if it is none.

    ``zone`` is ``Z`` or ``+HH:MM`` / ``+HHMM`` / ``+HH`` (or ``-``). The year follows the
    >= 2400 rule first (BE 2567 is 2024), then the clock moves: ``2024-10-15T18:30Z`` is
    2024-10-16 in Bangkok. Hours 0-23, minutes and seconds 0-59, offsets below 24:00.
    """
    when = _make(int(day), int(month), full_year(year_text))
    hours, minutes = int(hour), int(minute)
    if when is None or hours > 23 or minutes > 59 or int(second or 0) > 59:
        return None
    offset = 0
    if zone != "Z":
        off_hours, off_minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
        if off_hours > 23 or off_minutes > 59:
            return None
        offset = (off_hours * 60 + off_minutes) * (-1 if zone[0] == "-" else 1)
    # seconds never cross midnight: offsets are whole minutes
    shift = (hours * 60 + minutes - offset + BANGKOK_UTC_OFFSET_MINUTES) // (24 * 60)
    try:
        return when + timedelta(days=shift)
    except OverflowError:  # before 0001-01-01 or after 9999-12-31
        return None


def date_parts(text: str) -> tuple[int, int, str, bool] | date | None:
    """(day, month, year text, two-digit year is 20YY) of a date in a contract form.

    Thai digits, a leading weekday and วันที่, a trailing time of day and an era marker
    are handled here; the year is left as written so that callers choose its century
    (event dates and birth dates differ). An ISO timestamp with a UTC offset gives its
    date in Bangkok instead (:func:`bangkok_date`: a four-digit year, no century to
    choose). None if the text is no date form at all.
    """
    t = text.strip().translate(THAI_DIGITS)
    if len(t) > MAX_DATE_TEXT:
        return None
    if t and not t[0].isdigit():
        if weekday := _LEADING_WEEKDAY.match(t):
            t = t[weekday.end():]
        if t.startswith("วันที่"):
            t = _LEADING_WORD.sub("", t, count=1)
    if m := _ISO_STAMP.fullmatch(t):
        return bangkok_date(*m.groups())
    without_time = _strip_time(t)
    if not without_time:
        return None
    t = without_time
    if m := _ISO.fullmatch(t):
        return int(m.group(3)), int(m.group(2)), m.group(1), False
    if m := _DMY.fullmatch(t):
        return int(m.group(1)), int(m.group(3)), m.group(4), False
    if m := _DMY_SPACES.fullmatch(t):
        era = m.group(3)
        return int(m.group(1)), int(m.group(2)), m.group(4), bool(era and era[0] == "ค")
    if m := _NAMED.fullmatch(t):
        name = _NAME_NOISE.sub("", _NAME_EDGES.sub("", m.group(2)))
        era = m.group(3)
        if month := THAI_MONTHS.get(name):
            ce = bool(era and era[0] == "ค")
        elif month := ENGLISH_MONTHS.get(name.lower()):
            ce = not (era and era[0] == "พ")  # an explicit พ.ศ. wins over the English name
        else:
            return None
        return int(m.group(1)), month, m.group(4), ce
    return None


def _make(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> date | None:
    """Read a date in any form the contract lists; None if it is not a valid date.

    ISO ``YYYY-MM-DD``, day-first ``D/M/YYYY`` or ``D-M-YYYY`` (or ``D M YYYY``), Thai
    month names full or abbreviated (``15 ต.ค. 2567``, ``15-ต.ค.-2567``, ``15ตค67``),
    English ones (``15-Oct-24``, ``15 October 2024``), an optional leading weekday
    (``วันอาทิตย์ที่``, ``อา.``) and วันที่, พ.ศ. / ค.ศ. before the year, Thai digits
    anywhere, a trailing time of day (ignored); an ISO timestamp with a UTC offset or
    ``Z`` (``2024-10-15T18:30:00.123Z``) is the date in Bangkok (here 2024-10-16).
    Buddhist-Era years in every form; a two-digit year is BE 25YY, or 20YY beside an
    English month name or after ค.ศ. Text longer than :data:`MAX_DATE_TEXT` is no
    date (the longest form has ~55 characters), which also bounds every pattern's work.
    """
    parts = date_parts(text)
    if parts is None or isinstance(parts, date):
        return parts
    day, month, year_text, ce = parts
    return _make(day, month, full_year(year_text, ce))


def parse_birth_date(text: str, window_end: date) -> date | None:
    """A birth date; a two-digit year is the latest century not after ``window_end``.

    Contract: BE 25YY when that date is not after the last day of W, else BE 24YY
    (``15/10/93`` is 2493 BE = 1950 CE). Beside an English month name or after ค.ศ.
    the same choice is made between 20YY and 19YY. Never serial-repaired.
    """
    return _parse_birth_date(text, window_end)


@lru_cache(maxsize=1 << 16)
def _parse_birth_date(text: str, window_end: date) -> date | None:
    parts = date_parts(text)
    if parts is None or isinstance(parts, date):
        return parts
    day, month, year_text, ce = parts
    if len(year_text) != 2:
        return _make(day, month, full_year(year_text))
    latest = (2000 if ce else 2500 - BE_OFFSET) + int(year_text)
    if (latest, month, day) > (window_end.year, window_end.month, window_end.day):
        latest -= 100
    return _make(day, month, latest)


def excel_serial(text: str) -> date | None:
    """An Excel serial day written as digits alone, 20000..80000 (day 0 = 1899-12-30)."""
    t = text.strip().translate(THAI_DIGITS)
    if not (t.isascii() and t.isdigit() and len(t) == 5):
        return None
    n = int(t)
    if not SERIAL_MIN <= n <= SERIAL_MAX:
        return None
    return date.fromordinal(_SERIAL_DAY0.toordinal() + n)


@lru_cache(maxsize=1 << 17)
def parse_event_date(text: str) -> date | str:
    """An event date, or the reason it rejects its row (``unparseable`` / ``out_of_range``).

    Any :func:`parse_date` form, or an Excel serial day (:func:`excel_serial`).
    Cached: the four tables of a drop share most of their distinct date texts.
    """
    parsed = parse_date(text)
    if parsed is None:
        parsed = excel_serial(text)
    if parsed is None:
        return "unparseable"
    if not EVENT_DATE_MIN <= parsed <= EVENT_DATE_MAX:
        return "out_of_range"
    return parsed


_UNIX_DAY0 = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min


def parse_event_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`parse_event_date` for a whole column, once per distinct value.

    Returns the dates (``datetime64[s]``, NaT where not valid) and two masks: the rows
    whose date cannot be read, and those outside 2000-01-01..2100-12-31.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = [str(u) for u in uniques.tolist()]
    # the common shapes in Arrow (:func:`_date_readings_fast`): none of them is an Excel
    # serial, so a text of such a shape that is no valid date is unparseable
    days, _, found = _date_readings_fast(texts)
    unparseable = found & (days == _NAT)
    low, high = (d.toordinal() - _UNIX_DAY0 for d in (EVENT_DATE_MIN, EVENT_DATE_MAX))
    out_of_range = found & ~unparseable & ((days < low) | (days > high))
    days[out_of_range] = _NAT
    for i in np.flatnonzero(~found).tolist():  # the rest: once per distinct text
        p = parse_event_date(texts[i])
        # days since 1970 as integers (numpy converts date objects slowly); int64 min is NaT
        days[i] = p.toordinal() - _UNIX_DAY0 if isinstance(p, date) else _NAT
        unparseable[i], out_of_range[i] = p == "unparseable", p == "out_of_range"
    dates = days.astype("datetime64[D]").astype("datetime64[s]")
    return dates[codes], unparseable[codes], out_of_range[codes]


def parse_birth_dates(values: pd.Series, window_end: date) -> np.ndarray:
    """:func:`parse_birth_date` for a whole column, once per distinct value.

    ``datetime64[s]`` birth dates, NaT where there is none or it cannot be read.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = [parse_birth_date(str(u), window_end) for u in uniques.tolist()]
    days = np.array([p.toordinal() - _UNIX_DAY0 if p is not None else _NAT for p in parsed],
                    dtype=np.int64)
    return cast(np.ndarray, days.astype("datetime64[D]").astype("datetime64[s]")[codes])


# --- citizen ids --------------------------------------------------------------------

_NOT_DIGITS_SEP = re.compile(r"[\s\-]")


def ascii_digits(text: pa.Array) -> pa.Array:
    """An Arrow string array with Thai digits made ASCII (only the non-ASCII cells are
    touched, so the common all-ASCII column costs one check)."""
    import pyarrow.compute as pc

    thai = pc.invert(pc.string_is_ascii(text))
    if pc.any(thai).as_py():
        sub = pc.filter(text, thai)
        for thai_digit, digit in zip(THAI_DIGIT_CHARS, "0123456789"):
            sub = pc.replace_substring(sub, thai_digit, digit)
        text = pc.replace_with_mask(text, thai, sub)
    return text


def citizen_id_checksum_ok(digits: str) -> bool:
    """The official check digit: (11 - sum(d[i] * (13 - i), i < 12) mod 11) mod 10."""
    total = sum(int(digits[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(digits[12])


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d{1,3}")


def is_scientific_notation(text: str) -> bool:
    """Excel's scientific notation of a long number (``1.10370E+12``, ``1,1037E+12``).

    Such a citizen id has lost its last digits for good: it stays invalid, and is
    counted apart so that staff learn to re-export the column as text.
    """
    t = text.strip().translate(THAI_DIGITS)
    return len(t) <= 32 and _SCIENTIFIC.fullmatch(t) is not None


def parse_citizen_id(text: str) -> str | None:
    """The 13-digit id if valid (any first digit, type-0 included), else None."""
    t = _NOT_DIGITS_SEP.sub("", text.translate(THAI_DIGITS))
    if len(t) == 13 and t.isascii() and t.isdigit() and citizen_id_checksum_ok(t):
        return t
    return None


_WEIGHTS = np.arange(13, 1, -1)


#: What ``_NOT_DIGITS_SEP`` removes from ASCII text (Python's ``\\s`` there, and ``-``),
#: spelled out for Arrow's RE2, whose ``\\s`` is narrower.
_ASCII_SEP = r"[\t\n\x0b\x0c\r\x1c-\x1f \-]"


def parse_citizen_ids(values: pd.Series) -> pd.Series:
    """:func:`parse_citizen_id` for a whole column at once (same results, None if invalid)."""
    ids = citizen_id_array(values)
    return pd.Series(ids.to_numpy(zero_copy_only=False), index=values.index, dtype=object)


def citizen_id_array(values: pd.Series) -> pa.Array:
    """:func:`parse_citizen_id` for a whole column, as an Arrow string array (null if invalid).

    Thai digits become ASCII, then ASCII cells lose their separators and have their
    check digit verified in Arrow and numpy, so no Python string is made per row; the
    rare cells still not ASCII (odd spaces, letters) go through :func:`parse_citizen_id`
    once per distinct value.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values, type=pa.string(), from_pandas=True).fill_null("")
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    text = ascii_digits(text)
    ascii_ = pc.string_is_ascii(text)
    bare = _without_separators(text)
    shape = pc.and_(pc.and_(pc.equal(pc.binary_length(bare), 13), pc.ascii_is_decimal(bare)),
                    ascii_)
    good = np.zeros(len(text), dtype=bool)
    if pc.any(shape).as_py():
        ids = pc.filter(bare, shape)
        fixed = ids.cast(pa.binary()).cast(pa.binary(13))
        digits = np.frombuffer(fixed.buffers()[1], dtype=np.uint8, count=13 * len(fixed),
                               offset=13 * fixed.offset).reshape(-1, 13) - ord("0")
        ok = (11 - (digits[:, :12] * _WEIGHTS).sum(axis=1) % 11) % 10 == digits[:, 12]
        good[np.flatnonzero(shape.to_numpy(zero_copy_only=False))[ok]] = True
    out = pc.if_else(pa.array(good), bare, pa.scalar(None, pa.string()))
    messy = pc.invert(ascii_)
    if pc.any(messy).as_py():
        rest = pd.Series(pc.filter(text, messy).to_numpy(zero_copy_only=False))
        parsed = map_distinct(rest, parse_citizen_id).to_numpy()
        out = pc.replace_with_mask(out, messy, pa.array(parsed, type=pa.string()))
    return out


def _without_separators(text: pa.Array) -> pa.Array:
    """ASCII spaces and ``-`` removed: plain passes for ``-`` and space, the usual ones;
    the regex only on the few cells still too long to be an id."""
    import pyarrow.compute as pc

    bare = pc.replace_substring(pc.replace_substring(text, "-", ""), " ", "")
    long_ = pc.greater(pc.binary_length(bare), 13)
    if pc.any(long_).as_py():
        shorter = pc.replace_substring_regex(pc.filter(bare, long_), _ASCII_SEP, "")
        bare = pc.replace_with_mask(bare, long_, shorter)
    return bare


# --- record references (person_links) -------------------------------------------------

#: ``reg:<reg_id>`` / ``ref:<referral_id>``: the prefix in any case, spaces around the colon.
_RECORD_REF = re.compile(r"(?i)(reg|ref)\s*:\s*(\S.*)")


def parse_record_ref(text: str) -> tuple[str, str] | None:
    """A link's record as (cohort table, record id), or None if it is not
    ``reg:<reg_id>`` / ``ref:<referral_id>`` (``REG: H1`` is ``reg:H1``)."""
    m = _RECORD_REF.fullmatch(text.strip())
    if m is None:
        return None
    return LINK_PREFIXES[m[1].lower()], m[2].strip()


def record_refs(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_record_ref` for a whole column: each row's cohort table ("" when
    malformed) and record id ("" when malformed), once per distinct value."""
    parsed = map_distinct(values, parse_record_ref)
    ok = parsed.notna().to_numpy()
    table = np.full(len(values), "", dtype=object)
    rid = np.full(len(values), "", dtype=object)
    pairs = parsed[ok].tolist()
    table[ok] = [t for t, _ in pairs]
    rid[ok] = [r for _, r in pairs]
    return table, rid


# --- districts ----------------------------------------------------------------------

#: DOPA code 1001-1050 of a district cell in any form the contract accepts, or None: the
#: names are the contract's (:func:`krlib.contract.scopes.district_code`).
parse_district = district_code


# --- coded categories ---------------------------------------------------------------

def parse_eligibility(text: str) -> str:
    """``passed`` / ``failed`` / ``pending`` / ``unrecognised`` (only ผ่าน / passed pass).

    Compared whole, never by substring: ไม่ผ่าน (failed) contains ผ่าน.
    """
    t = " ".join(text.split()).lower()
    if t in ("ผ่าน", "passed"):
        return "passed"
    if t in ("ไม่ผ่าน", "failed"):
        return "failed"
    if t in ("รอตรวจสอบ", "pending"):
        return "pending"
    return "unrecognised"


def _label_key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@cache
def _welfare_lookup() -> dict[str, str]:
    lookup = {}
    for key, label in WELFARE_TYPES.items():
        if key == "other":
            continue
        lookup[key] = key
        lookup[_label_key(label)] = key
    return lookup


def parse_welfare_type(text: str) -> str:
    """A welfare-type key; any other non-empty type is ``other`` (the sheet says "etc.")."""
    return _welfare_lookup().get(_label_key(text), "other")


_DOMAIN_PREFIX = "ด้าน"


@cache
def _domain_lookup() -> dict[str, str]:
    lookup = {}
    for number, (key, name) in enumerate(DOMAINS.items(), 1):
        lookup[str(number)] = key
        lookup[key] = key
        bare = _label_key(name).removeprefix(_DOMAIN_PREFIX)
        # The prefix is optional; exports also clip it to its tail (น..., าน...).
        for cut in range(len(_DOMAIN_PREFIX) + 1):
            lookup[_DOMAIN_PREFIX[cut:] + bare] = key
    return lookup


def parse_domain(text: str) -> str | None:
    """A rehabilitation-domain key from 1-4 (๑-๔), the key, or the Thai name; else None."""
    return _domain_lookup().get(_label_key(text.translate(THAI_DIGITS)))


# --- person attributes --------------------------------------------------------------

_SEX = {"ชาย": "male", "ช": "male", "m": "male", "male": "male",
        "หญิง": "female", "ญ": "female", "f": "female", "female": "female"}


def parse_sex(text: str) -> str:
    """``male`` (ชาย, ช, M, male), ``female`` (หญิง, ญ, F, female), else ``unspecified``."""
    return _SEX.get(" ".join(text.split()).lower(), UNSPECIFIED)


@cache
def _source_lookup() -> dict[str, str]:
    lookup = {}
    for key, label in SOURCES.items():
        lookup[key] = key
        lookup[_label_key(label)] = key
    return lookup


def parse_source(text: str) -> str:
    """A referring unit's key (key or Thai label); ``unspecified`` if missing, else ``other``."""
    if is_missing(text):
        return UNSPECIFIED
    return _source_lookup().get(_label_key(text), OTHER)


def parse_service_point(text: str) -> str:
    """The drop-in point's text, inner runs of spaces collapsed; ``unspecified`` if missing."""
    if is_missing(text):
        return UNSPECIFIED
    return " ".join(text.split())


_FOUR_DIGITS = re.compile(r"[0-9๐-๙]{4}")


def window_readings(parse_window: Callable[[str, date], date | None], text: str
                    ) -> tuple[date | None, date | None]:
    """A per-window date read for the latest and for the earliest possible window.

    For any window, ``parse_window(text, end)`` is the first reading when that is not
    after ``end``, else the second (see :func:`krlib.clean.tables.window_dates`). A text with a
    four-digit year reads the same for every window: parsed once.
    """
    late = parse_window(text, date.max)
    if late is None or _FOUR_DIGITS.search(text):
        return late, late
    return late, parse_window(text, date.min)


# The shapes most birth dates come in, read in Arrow (RE2) on the distinct texts:
# D/M/Y or D-M-Y (same separator), ISO, and D <Thai month name> Y, with ASCII or Thai
# digits and nothing else in the cell; and ISO timestamps with a UTC offset. Anything
# else goes through the per-value parser.
_FAST_DMY = (r"^(?P<d>[0-9]{1,2})(?P<s>[/-])(?P<m>[0-9]{1,2})(?P<t>[/-])"
             r"(?P<y>[0-9]{2}|[0-9]{4})$")
_FAST_ISO = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$"
_FAST_NAMED = r"^(?P<d>[0-9]{1,2}) (?P<n>[^0-9 ]+) (?P<y>[0-9]{2}|[0-9]{4})$"
# An ISO timestamp with a UTC offset (:data:`_ISO_STAMP`): database and web exports write
# one distinct text per row, so these are read in Arrow too.
_FAST_STAMP = (r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})[T ]"
               r"(?P<H>[0-9]{2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.][0-9]{1,9})?)?"
               r"(?:Z|(?P<sign>[+-])(?P<oh>[0-9]{2})(?::?(?P<om>[0-9]{2}))?)$")
_FIRST_DAY, _LAST_DAY = (d.toordinal() - _UNIX_DAY0 for d in (date.min, date.max))
#: Thai month names exactly as written (abbreviations with or without their dots): for
#: these :data:`_NAMED` reads the whole name (no era marker can hide inside one).
_THAI_MONTH_SPELLINGS: dict[str, int] = {
    **THAI_MONTHS, **{m: i for i, m in enumerate(_MONTHS_ABBR, 1)}}


def _civil_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970 (int64) of valid year/month/day triples; int64 min where invalid."""
    ok = (year >= 1) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= day <= length
    days = first.astype(np.int64) + day - 1
    return np.where(ok, days, _NAT)


def _stamp_days(groups: pa.StructArray) -> np.ndarray:
    """:func:`bangkok_date` (days since 1970, int64 min where none) of matches of
    :data:`_FAST_STAMP`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def ints(name: str) -> np.ndarray:  # an optional part left out is 0
        field = groups.field(name)
        return cast(np.ndarray,
                    pc.cast(pc.if_else(pc.equal(field, ""), "0", field), pa.int64()).to_numpy())

    year, month, day = ints("y"), ints("m"), ints("d")
    hour, minute, second, off_hours, off_minutes = (ints(n) for n in ("H", "M", "S", "oh", "om"))
    west = pc.equal(groups.field("sign"), "-").to_numpy(zero_copy_only=False)
    days = _civil_days(np.where(year >= BE_THRESHOLD, year - BE_OFFSET, year), month, day)
    ok = ((days != _NAT) & (hour <= 23) & (minute <= 59) & (second <= 59)
          & (off_hours <= 23) & (off_minutes <= 59))
    offset = (off_hours * 60 + off_minutes) * np.where(west, -1, 1)
    days = np.where(ok, days, 0) + (hour * 60 + minute - offset
                                    + BANGKOK_UTC_OFFSET_MINUTES) // (24 * 60)
    return np.where(ok & (days >= _FIRST_DAY) & (days <= _LAST_DAY), days, _NAT)


def _date_readings_fast(uniques: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both window readings (days since 1970) of the texts in a fast shape, and which
    texts were in one; the same values as :func:`window_readings` of
    :func:`parse_birth_date` (tested on every shape). The first reading is also
    :func:`parse_date`'s (no English month name here, so a two-digit year is BE 25YY)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(uniques, type=pa.string())
    text = ascii_digits(text)
    n = len(uniques)
    year = np.zeros(n, dtype=np.int64)
    month = np.zeros(n, dtype=np.int64)
    day = np.zeros(n, dtype=np.int64)
    two_digit = np.zeros(n, dtype=bool)
    found = np.zeros(n, dtype=bool)

    def take(pattern: str, keep: Callable[[pa.StructArray], np.ndarray] | None = None
             ) -> tuple[pa.StructArray, npt.NDArray[np.intp]]:
        groups = pc.extract_regex(text, pattern)
        hit = groups.is_valid().to_numpy(zero_copy_only=False) & ~found
        if keep is not None:
            hit &= keep(groups)
        rows = np.flatnonzero(hit)
        found[rows] = True
        return groups.filter(pa.array(hit)), rows

    def ints(groups: pa.StructArray, name: str) -> np.ndarray:
        return cast(np.ndarray, pc.cast(groups.field(name), pa.int64()).to_numpy())

    same_sep = lambda g: pc.equal(g.field("s"), g.field("t")).fill_null(False).to_numpy(  # noqa: E731
        zero_copy_only=False)
    spelled = pa.array(list(_THAI_MONTH_SPELLINGS))
    thai_name = lambda g: pc.is_in(g.field("n"), spelled).fill_null(False).to_numpy(  # noqa: E731
        zero_copy_only=False)
    for pattern, keep in ((_FAST_DMY, same_sep), (_FAST_ISO, None), (_FAST_NAMED, thai_name)):
        groups, rows = take(pattern, keep)
        if not len(rows):
            continue
        year[rows], day[rows] = ints(groups, "y"), ints(groups, "d")
        if pattern is _FAST_NAMED:
            month[rows] = [_THAI_MONTH_SPELLINGS[m] for m in groups.field("n").to_pylist()]
        else:
            month[rows] = ints(groups, "m")
        two_digit[rows] = pc.equal(pc.binary_length(groups.field("y")), 2).to_numpy(
            zero_copy_only=False)
    # timestamps: looked for among the texts left only (none, in most drops)
    stamp_rows = np.flatnonzero(~found)
    if len(stamp_rows):
        stamps = pc.extract_regex(text.take(pa.array(stamp_rows)), _FAST_STAMP)
        hit = stamps.is_valid().to_numpy(zero_copy_only=False)
        stamps, stamp_rows = stamps.filter(pa.array(hit)), stamp_rows[hit]
        found[stamp_rows] = True
    # full_year: a four-digit year >= 2400 is BE; two digits are BE 25YY for the latest
    # window and BE 24YY for the earliest (Thai or no month name: never the CE century)
    year = np.where(two_digit, 2500 - BE_OFFSET + year,
                    np.where(year >= BE_THRESHOLD, year - BE_OFFSET, year))
    late = _civil_days(year, month, day)
    early = np.where(two_digit, _civil_days(year - 100, month, day), late)
    early = np.where(late == _NAT, _NAT, early)
    if len(stamp_rows):  # a four-digit year: one reading for every window
        late[stamp_rows] = early[stamp_rows] = _stamp_days(stamps)
    return late, early, found


def birth_date_readings(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`window_readings` of :func:`parse_birth_date` for a whole column, as two
    ``datetime64[s]`` arrays (the latest window's reading, the earliest's; NaT where
    none), once per distinct value.

    One distinct birth date per person, so the common shapes are read in Arrow and
    numpy (:func:`_date_readings_fast`); only the other texts take the per-value parser.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = uniques.tolist()
    late, early, found = _date_readings_fast([str(t) for t in texts])
    for i in np.flatnonzero(~found).tolist():
        a, b = window_readings(parse_birth_date, texts[i])
        late[i] = a.toordinal() - _UNIX_DAY0 if a is not None else _NAT
        early[i] = b.toordinal() - _UNIX_DAY0 if b is not None else _NAT
    as_dates: Callable[[np.ndarray], np.ndarray] = (
        lambda d: d.astype("datetime64[D]").astype("datetime64[s]")[codes])
    return as_dates(late), as_dates(early)


def parser_for(column: Column) -> Callable[..., Any]:
    """A schema column's parser: ``(text)`` for most columns, ``(text, window end)`` if
    ``per_window`` (the contract names it, :data:`Column.parser`; it lives here)."""
    return cast("Callable[..., Any]", globals()[column.parser])
