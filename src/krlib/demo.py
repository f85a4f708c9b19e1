"""A synthetic, deterministic data drop with the messiness real exports have.

``write_demo_drop(out_dir, seed=, scale=, fiscal_year=, fmt=)`` writes the four tables
of the data contract and a small ``person_links`` table. Nobody in it is real: first
names come from a short list, last names end in ทดสอบ (test) and a number, record ids
start with ``DEMO-``.

What it holds (every share below is of rows, drawn from the seed):

- Caseloads spread unevenly over the 50 districts (inner-city districts carry most of
  the homeless registrations; two districts have none and three almost none, so some
  reports say "no cases"), dates over FY-1 and FY (a fifth to a quarter of the rows
  before the fiscal year, half of the fiscal-year rows after Q2, so the quarter chosen
  matters; nothing after the end of FY, the export date).
- About 80 % of registrations pass the eligibility check, the rest are pending, failed
  (ไม่ผ่าน, which contains ผ่าน) or unrecognised; KR 8207 comes out around 80-90 %
  served, a few districts at 100 %. About one referral in nine leads to rehabilitation
  (at rates that differ by district), so KR 5122 sits near its 10 % target: some
  districts meet it, some do not.
- Dates in every form the contract lists: ISO, D/M/YYYY and D-M-YYYY (zero-padded or
  not), BE and CE years, two-digit BE years (05/07/67), Thai month names full and
  abbreviated (15 ต.ค. 2567), Thai digits; XLSX date cells with CE and BE years.
- Districts as Thai names with and without เขต, extra spaces, English names in several
  cases and with hyphens (and Watthana for Vadhana), DOPA codes, Thai-digit codes, and
  a few unknown values (misspellings such as บางรักษ์, non-Bangkok districts).
- Citizen ids with the official check digit (type-0 ids included), plain, with dashes,
  with spaces or in Thai digits; some empty, some invalid (bad check digit, 12 digits,
  ไม่มีบัตร); the same person registered or referred twice in different districts.
- Eligibility, sex, welfare types (key, Thai label, spaces removed or added, unlisted
  types), domains (1-4, ๑-๔, key, Thai with or without ด้าน, a few invalid).
- Person attributes for the disaggregations: sex in every spelling the contract lists
  (ชาย/ช/M/male/Male/m, หญิง/ญ/F/..., ไม่ระบุ, blank, ``-``, ไม่ทราบ); birth dates in
  Thai BE forms, two-digit BE years (``15/10/93`` = 2493), some missing, unreadable or
  giving an impossible age, a few minors; a dozen Bangkok drop-in points with doubled or
  trailing spaces; referral sources as keys, Thai labels, spaced or capitalised, missing
  or another unit (``other``). FY-1 (FY2567 for the default) is a full year of records,
  so previous-quarter and previous-fiscal-year comparisons have data.
- Exact duplicate rows, conflicting duplicate ids, orphaned service rows, unparseable
  and out-of-range event dates, ``-`` and blank cells, an unknown extra column.
- Persons without a citizen id registered or referred more than once (id-less
  duplicates), and ``person_links`` (contract v3): staff's confirmations that a few of
  them are one person (consecutive records of a person, a chain when there are three,
  often across districts), plus one link of each kind cleaning rejects (a record that
  does not exist, a registration with a referral, no ``reg:`` / ``ref:`` prefix, a record
  with itself) and an exact duplicate.

Files: ``mixed`` (default) writes homeless_registrations.xlsx and rehab_services.xlsx
(title rows above the header, some date cells), homeless_services.csv in TIS-620 with
Thai headers and rehab_referrals.csv and person_links.csv in UTF-8 with BOM. ``csv``
writes all as CSV (homeless_registrations and rehab_services in UTF-8 without BOM): use
it for large scales. Row content does not depend on ``fmt``; only the XLSX date cells do.

Everything is vectorised with numpy: categories are written through small
(form x category) lookup tables, dates by formatting each distinct (date, form) pair
once, citizen ids from code-point arrays. ``scale=80`` (~650k rows) takes a few seconds.
Same arguments, same bytes (XLSX timestamps are fixed).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from krlib.contract.schema import DOMAINS, LINKS, SOURCES, TABLES, WELFARE_TYPES
from krlib.thai import MONTHS_ABBR_TH, MONTHS_FULL_TH, TO_THAI_DIGITS

if TYPE_CHECKING:
    import numpy.typing as npt

DEFAULT_SEED = 2568
FORMATS = ("mixed", "csv")

#: Rows per table at scale 1 are driven by these person counts.
HOMELESS_PERSONS = 1300
REHAB_PERSONS = 1130

THAI_DIGITS = TO_THAI_DIGITS
MONTHS_FULL, MONTHS_ABBR = list(MONTHS_FULL_TH), list(MONTHS_ABBR_TH)
FIRST_NAMES = ["สมชาย", "สมศรี", "มาลี", "วิไล", "บุญมี", "ประเสริฐ", "สุดา", "อนันต์",
               "ทองดี", "สมหญิง", "ประยูร", "จำปา", "สุนทร", "อำนาจ"]
LAST_NAMES = ["ใจดี", "ศรีสุข", "แก้วมณี", "ทองคำ", "บุญเรือง", "สุขสันต์", "พรหมมา",
              "จันทร์เพ็ญ"]
UNKNOWN_DISTRICTS = ["บางรักษ์", "พระนะคร", "เขตบางกะปิใต้", "เมืองนนทบุรี", "ปากเกร็ด",
                     "บางพลี", "Bangkok", "Bang Rack", "กทม.", "1051"]
#: Drop-in points where homeless people are registered (names as staff type them).
SERVICE_POINTS = ["ศูนย์ drop-in หัวลำโพง", "จุดบริการ ราชดำเนิน", "บ้านอิ่มใจ",
                  "จุดบริการ สนามหลวง", "ศูนย์ drop-in สะพานพุทธ", "จุดบริการ คลองหลอด",
                  "จุดบริการ อนุสาวรีย์ชัยสมรภูมิ", "จุดบริการ หมอชิต", "ศูนย์พักคนไร้บ้าน บางกอกน้อย",
                  "จุดบริการ สวนลุมพินี", "หน่วยเคลื่อนที่ กทม.", "จุดบริการ ตลาดบางกะปิ"]
SERVICE_POINT_P = [18, 14, 8, 12, 8, 6, 6, 5, 5, 4, 10, 4]
#: Referring units written outside the five of the contract (read as ``other``).
OTHER_SOURCES = ["อสม.", "ครอบครัวพามาเอง", "สถานีตำรวจ", "มูลนิธิ"]
#: Birth dates that are no date, and dates that give an impossible age (unknown band).
BAD_BIRTH_DATES = ["00/00/2500", "ประมาณ 2510", "32/13/2520", "??/??/2515", "ไม่ทราบวันเกิด"]
IMPOSSIBLE_BIRTH_DATES = ["1/1/2400", "15/6/2030", "2/2/2399", "3/3/2600"]
ACTIVITIES = ["เยี่ยมบ้าน", "ส่งเรียน กศน.", "ฝึกอาชีพ", "ประสานสิทธิบัตรทอง",
              "กิจกรรมครอบครัว", "ตรวจสุขภาพ", "", "-"]
REMARKS = ["", "", "", "", "ติดตามต่อ", "ย้ายจุดบริการ", "-"]
#: Inner-city districts where most homeless people are met (Phra Nakhon, Bang Rak,
#: Pathum Wan, Pom Prap Sattru Phai, Samphanthawong, Phaya Thai, Chatuchak, Ratchathewi).
INNER_DISTRICTS = ["1001", "1004", "1007", "1008", "1013", "1014", "1030", "1037"]

#: The welfare-type labels with spaces added, as people type them.
WELFARE_SPACED = {
    "counseling": "บริการให้คำปรึกษา แนะนำ",
    "health": "การตรวจสุขภาพ และการรักษาพยาบาล",
    "id_card": "การทำบัตร ประจำตัวประชาชน",
    "vocational": "การส่งเสริม การฝึกอาชีพ",
    "mobile_wash": "บริการรถเคลื่อนที่  ซัก  อบ  อาบ",
    "food": "บริการจัดรับบริจาคอาหาร และแจกอาหาร",
    "toilet": " ห้องสุขา ",
    "shower": "ห้อง อาบน้ำ",
    "employment": "การรับสมัครงาน และการจ้างงาน",
    "housing": "ด้าน ที่พักอาศัย",
}
UNLISTED_WELFARE = ["ตัดผม", "แจกถุงยังชีพ", "รับยา", "แจกเสื้อผ้า"]
INVALID_DOMAINS = ["กีฬา", "ดนตรี", "5", "0", "ด้านกีฬา", "อื่น ๆ"]
UNPARSEABLE_DATES = ["ไม่ทราบ", "31/02/2567", "32/1/2568", "2567-13-01", "??/??/2567",
                     "15 ตค. 2567x"]
OUT_OF_RANGE_DATES = ["15/06/1999", "1/1/1900", "3/3/2542", "2101-01-05", "1/1/2650"]
#: Staff who confirm person_links (synthetic; personal data all the same, never output).
LINK_STAFF = ["นางสาวกาญจนา ผู้ยืนยันทดสอบ", "นายวีระพงษ์ ผู้ยืนยันทดสอบ",
              "นางพรทิพย์ ผู้ยืนยันทดสอบ"]
#: Persons confirmed by links at scale 1: (registrations, referrals).
LINKED_PERSONS = (6, 3)

# --- date forms ------------------------------------------------------------------------


def _yy(d: date) -> str | None:
    """The two-digit BE year, when the BE year is 25YY (else the form is not used)."""
    be = d.year + 543
    return f"{be % 100:02d}" if 2500 <= be <= 2599 else None


def _form_yy(d: date, sep_pad: bool) -> str:
    yy = _yy(d)
    if yy is None:
        return f"{d.day}/{d.month}/{d.year + 543}"
    return f"{d.day:02d}/{d.month:02d}/{yy}" if sep_pad else f"{d.day}/{d.month}/{yy}"


def _form_thai_yy(d: date) -> str:
    yy = _yy(d) or str(d.year + 543)
    return f"{d.day} {MONTHS_ABBR[d.month - 1]} {yy}"


#: (name, weight for event dates, formatter). Thai-digit forms translate another form.
DATE_FORMS: list[tuple[str, float, Callable[[date], str]]] = [
    ("iso_ce", 0.22, lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    ("iso_be", 0.05, lambda d: f"{d.year + 543:04d}-{d.month:02d}-{d.day:02d}"),
    ("dmy_be", 0.18, lambda d: f"{d.day}/{d.month}/{d.year + 543}"),
    ("dmy_be_pad", 0.08, lambda d: f"{d.day:02d}/{d.month:02d}/{d.year + 543}"),
    ("dmy_ce", 0.05, lambda d: f"{d.day}/{d.month}/{d.year}"),
    ("dmy_ce_pad", 0.05, lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"),
    ("dash_be", 0.05, lambda d: f"{d.day}-{d.month}-{d.year + 543}"),
    ("dash_be_pad", 0.02, lambda d: f"{d.day:02d}-{d.month:02d}-{d.year + 543}"),
    ("dash_ce", 0.02, lambda d: f"{d.day}-{d.month}-{d.year}"),
    ("yy_pad", 0.05, lambda d: _form_yy(d, True)),
    ("yy", 0.02, lambda d: _form_yy(d, False)),
    ("thai_abbr", 0.07, lambda d: f"{d.day} {MONTHS_ABBR[d.month - 1]} {d.year + 543}"),
    ("thai_full", 0.06, lambda d: f"{d.day} {MONTHS_FULL[d.month - 1]} {d.year + 543}"),
    ("thai_abbr_yy", 0.01, _form_thai_yy),
    ("thai_digits_dmy", 0.04, lambda d: f"{d.day}/{d.month}/{d.year + 543}".translate(THAI_DIGITS)),
    ("thai_digits_abbr", 0.02,
     lambda d: f"{d.day} {MONTHS_ABBR[d.month - 1]} {d.year + 543}".translate(THAI_DIGITS)),
    ("thai_digits_iso", 0.01,
     lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}".translate(THAI_DIGITS)),
]
_DATE_P = np.array([w for _, w, _ in DATE_FORMS])
_DATE_P = _DATE_P / _DATE_P.sum()
_EPOCH = date(1970, 1, 1)
#: XLSX date-cell kinds, stored per row before duplication so duplicates stay identical.
TEXT, CELL_CE, CELL_BE = 0, 1, 2


def _day(d: date) -> int:
    return (d - _EPOCH).days


def _format_dates(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Each day (days since 1970) in a random form; every distinct (day, form) once."""
    n_forms = len(DATE_FORMS)
    form = rng.choice(n_forms, size=len(days), p=_DATE_P)
    key = days.astype(np.int64) * n_forms + form
    uniq, inverse = np.unique(key, return_inverse=True)
    fmt = [f for _, _, f in DATE_FORMS]
    texts = np.array([fmt[int(k) % n_forms](_EPOCH + timedelta(days=int(k) // n_forms))
                      for k in uniq], dtype=object)
    return cast(np.ndarray, texts[inverse.reshape(-1)])


def _cell_kinds(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Which rows an XLSX writer puts in a real date cell (CE or BE year, as typed)."""
    u = rng.random(len(days))
    kind = np.where(u < 0.12, CELL_CE, np.where(u < 0.30, CELL_BE, TEXT)).astype(np.int8)
    # 29 February exists in CE 2024 but not in BE 2567 (2567 is not a leap year): text
    dt = days.astype("datetime64[D]")
    month_day = (dt - dt.astype("datetime64[M]")).astype(np.int64)
    feb29 = (dt.astype("datetime64[M]").astype(np.int64) % 12 == 1) & (month_day == 28)
    kind[feb29 & (kind == CELL_BE)] = TEXT
    return kind


# --- vectorised pieces ------------------------------------------------------------------


def _count(base: int, scale: float) -> int:
    return max(8, int(round(base * scale)))


def _pick(rng: np.random.Generator, values: npt.ArrayLike, n: int,
          p: Sequence[float] | np.ndarray | None = None) -> np.ndarray:
    values = np.asarray(values, dtype=object)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return values[rng.choice(len(values), size=n, p=p)]


def _written(rng: np.random.Generator, table: np.ndarray, category: np.ndarray,
             p: npt.ArrayLike) -> np.ndarray:
    """Write categories through a (form x category) table of texts, forms drawn with p."""
    p = np.asarray(p, dtype=float)
    form = rng.choice(len(p), size=len(category), p=p / p.sum())
    return cast(np.ndarray, table[form, category])


def _numbered(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded numbers, e.g. DEMO-H0000001."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if not len(numbers):
        return np.empty(0, dtype=object)
    digits = np.strings.zfill(numbers.astype(str), width)
    return np.strings.add(prefix, digits).astype(object)


def _code_points(digits: np.ndarray, thai: bool, sep: str | None) -> np.ndarray:
    """Rows of digits -> strings, ASCII or Thai digits, optionally grouped 1-4-5-2-1."""
    cp = digits.astype(np.uint32) + (0x0E50 if thai else 0x30)
    if sep is not None and digits.shape[1] == 13:
        cp = np.insert(cp, [1, 5, 10, 12], np.uint32(ord(sep)), axis=1)
    cp = np.ascontiguousarray(cp)
    return cp.view(f"<U{cp.shape[1]}").reshape(-1).astype(object)


def _id_digits(rng: np.random.Generator, n: int, type0_share: float) -> np.ndarray:
    """Valid 13-digit citizen ids (official check digit), some of type 0."""
    d = rng.integers(0, 10, size=(n, 13))
    d[:, 0] = _pick(rng, [1, 2, 3, 4, 5, 8], n, [40, 3, 35, 3, 9, 10]).astype(int)
    d[rng.random(n) < type0_share, 0] = 0
    d[:, 12] = (11 - (d[:, :12] * np.arange(13, 1, -1)).sum(axis=1) % 11) % 10
    return d


def _citizen_ids(rng: np.random.Generator, n_persons: int, person: np.ndarray, *,
                 type0: float, empty: float, invalid: float) -> np.ndarray:
    """Per-row citizen ids: one id per person, each row formatted its own way."""
    d = _id_digits(rng, n_persons, type0)
    kind = rng.random(n_persons)  # < empty: none; < empty + invalid: invalid; else valid
    rows = d[person]
    n = len(person)
    form = rng.choice(6, size=n, p=[0.55, 0.18, 0.08, 0.12, 0.04, 0.03])
    out = np.empty(n, dtype=object)
    for f, (thai, sep) in enumerate([(False, None), (False, "-"), (False, " "),
                                     (True, None), (True, "-"), (False, None)]):
        sel = form == f
        out[sel] = _code_points(rows[sel], thai, sep)
    # form 5: surrounded by spaces, as pasted
    out[form == 5] = np.strings.add(np.strings.add(" ", out[form == 5].astype(str)), " ")
    # invalid ids: a wrong check digit, one digit missing, or text
    k = kind[person]
    bad = (k >= empty) & (k < empty + invalid)
    bad_kind = (np.floor((k - empty) / invalid * 4)).astype(int)  # 0..3, fixed per person
    wrong = rows.copy()
    wrong[:, 12] = (wrong[:, 12] + 1 + person % 9) % 10
    sel = bad & (bad_kind <= 1)
    out[sel] = _code_points(wrong[sel], False, None)
    sel = bad & (bad_kind == 2)
    out[sel] = _code_points(rows[sel][:, :12], False, None)
    sel = bad & (bad_kind >= 3)
    out[sel] = np.where(person[sel] % 2 == 0, "ไม่มีบัตร", "รอทำบัตร")
    none = k < empty
    out[none] = np.where(person[none] % 4 == 0, "-", "")
    return out


def _districts() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import geothai

    ds = sorted(geothai.districts("10"), key=lambda d: d.code)
    return (np.array([d.code for d in ds], dtype=object),
            np.array([d.name_th for d in ds], dtype=object),
            np.array([d.name_en for d in ds], dtype=object))


def _district_table() -> np.ndarray:
    """(form x district) texts: Thai with/without เขต, spaces, English forms, codes."""
    codes, th, en = _districts()
    bare = np.array([t.removeprefix("เขต") for t in th], dtype=object)
    en_alt = np.array(["Watthana" if c == "1039" else e for c, e in zip(codes, en)], dtype=object)
    forms = [
        th,                                                   # เขตพระนคร
        bare,                                                 # พระนคร
        np.array([f" เขต {b} " for b in bare], dtype=object),  # ' เขต พระนคร '
        np.array([f"{b} " for b in bare], dtype=object),      # 'พระนคร '
        en,                                                   # Phra Nakhon
        en_alt,                                               # Watthana (for Vadhana)
        np.array([e.upper() for e in en], dtype=object),      # PHRA NAKHON
        np.array([e.lower().replace(" ", "-") for e in en], dtype=object),  # phra-nakhon
        np.array([e.replace(" ", "") for e in en], dtype=object),           # PhraNakhon
        codes,                                                # 1001
        np.array([c.translate(THAI_DIGITS) for c in codes], dtype=object),  # ๑๐๐๑
    ]
    return np.stack(forms)


_DISTRICT_P = [0.28, 0.25, 0.03, 0.02, 0.12, 0.05, 0.03, 0.03, 0.01, 0.12, 0.02]


def _district_text(rng: np.random.Generator, code_idx: np.ndarray, unknown: float) -> np.ndarray:
    out = _written(rng, _district_table(), code_idx, _DISTRICT_P)
    sel = rng.random(len(code_idx)) < unknown
    out[sel] = _pick(rng, UNKNOWN_DISTRICTS, int(sel.sum()))
    return out


def _district_weights(rng: np.random.Generator, inner_boost: float) -> np.ndarray:
    """Uneven caseloads; two districts have none and three almost none."""
    codes, _, _ = _districts()
    w = rng.lognormal(0.0, 0.8, size=len(codes))
    w[np.isin(codes, INNER_DISTRICTS)] *= inner_boost
    quiet = rng.choice(np.flatnonzero(~np.isin(codes, INNER_DISTRICTS)), size=5, replace=False)
    w[quiet[:2]] = 0.0
    w[quiet[2:]] = 0.004 * w.sum() / len(codes)
    return cast(np.ndarray, w / w.sum())


def _event_days(rng: np.random.Generator, n: int, fy: int, before_share: float) -> np.ndarray:
    """Days in FY-1 (``before_share`` of them, weighted to its end) or in FY."""
    start = _day(date(fy - 544, 10, 1))
    end = _day(date(fy - 543, 9, 30))
    before = rng.random(n) < before_share
    inside = start + rng.integers(0, end - start + 1, size=n)
    prior = start - 1 - np.floor(365 * rng.random(n) ** 1.25).astype(np.int64)
    return np.where(before, prior, inside).astype(np.int64)


def _person_details(rng: np.random.Generator, n_p: int, person: np.ndarray, *,
                    born: tuple[date, int], minors: float, type0: float, empty: float, male: float
                    ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Birth days, the personal columns of each record (a person's records agree):
    citizen id, names, sex, birth date as written, and which birth-date texts may be an
    XLSX date cell. ``born`` = (earliest, span in years); ``minors`` share born 2008-2012."""
    first, last = _names(rng, n_p, person)
    birth = _day(born[0]) + rng.integers(0, 365 * born[1], size=n_p)
    young = rng.random(n_p) < minors
    birth[young] = _day(date(2008, 1, 1)) + rng.integers(0, 365 * 5, size=int(young.sum()))
    birth = birth[person]
    texts, cell_ok = _birth_texts(rng, birth)
    return birth, {
        "citizen_id": _citizen_ids(rng, n_p, person, type0=type0, empty=empty, invalid=0.04),
        "first_name": first,
        "last_name": last,
        "sex": _sex(rng, n_p, person, male=male),
        "birth_date": texts,
    }, cell_ok


#: Birth-date forms: (weight, formatter of a date or None for the special kinds below).
_BIRTH_FORMS: list[tuple[float, Callable[[date], str] | None]] = [
    (0.30, lambda d: f"{d.day}/{d.month}/{d.year + 543}"),
    (0.08, lambda d: f"{d.day:02d}/{d.month:02d}/{d.year + 543}"),
    (0.12, lambda d: f"{d.day} {MONTHS_ABBR[d.month - 1]} {d.year + 543}"),
    (0.06, lambda d: f"{d.day} {MONTHS_FULL[d.month - 1]} {d.year + 543}"),
    (0.08, lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    (0.04, lambda d: f"{d.day}/{d.month}/{d.year + 543}".translate(THAI_DIGITS)),
    # two-digit BE years: 15/10/93 is 2493 (25YY would be after the window)
    (0.10, lambda d: f"{d.day:02d}/{d.month:02d}/{(d.year + 543) % 100:02d}"),
    (0.04, lambda d: f"{d.day} {MONTHS_ABBR[d.month - 1]} {(d.year + 543) % 100:02d}"),
    (0.12, None),  # missing
    (0.03, None),  # no date
    (0.03, None),  # an impossible age
]
_CELL_FORMS = 5  # the first forms hold a four-digit year: an XLSX date cell may stand for them


def _birth_texts(rng: np.random.Generator, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Birth dates as people write them; some missing, unreadable or impossible."""
    p = np.array([w for w, _ in _BIRTH_FORMS])
    form = rng.choice(len(_BIRTH_FORMS), size=len(days), p=p / p.sum())
    out = np.empty(len(days), dtype=object)
    dated = [i for i, (_, f) in enumerate(_BIRTH_FORMS) if f is not None]
    for i in dated:
        sel = form == i
        if sel.any():
            fmt = _BIRTH_FORMS[i][1]
            assert fmt is not None  # dated: the forms that have a formatter
            uniq, inv = np.unique(days[sel], return_inverse=True)
            texts = np.array([fmt(_EPOCH + timedelta(days=int(u))) for u in uniq], dtype=object)
            out[sel] = texts[inv.reshape(-1)]
    missing, bad, impossible = len(dated), len(dated) + 1, len(dated) + 2
    out[form == missing] = _pick(rng, ["", "-", " "], int((form == missing).sum()), [6, 3, 1])
    out[form == bad] = _pick(rng, BAD_BIRTH_DATES, int((form == bad).sum()))
    out[form == impossible] = _pick(rng, IMPOSSIBLE_BIRTH_DATES, int((form == impossible).sum()))
    return out, form < _CELL_FORMS


def _sex(rng: np.random.Generator, n_persons: int, person: np.ndarray, male: float) -> np.ndarray:
    truth = _pick(rng, [0, 1, 2], n_persons, [male, 0.95 - male, 0.05]).astype(int)[person]
    table = np.array([["ชาย", "หญิง", "ไม่ระบุ"], ["M", "F", "ไม่ระบุ"],
                      ["male", "female", "ไม่ระบุ"], ["ช", "ญ", "ไม่ระบุ"],
                      ["Male", "Female", ""], ["m", "f", "-"], ["ชาย ", " หญิง", "ไม่ทราบ"],
                      ["", "", ""], ["-", "-", "-"]], dtype=object)
    return _written(rng, table, truth, [0.5, 0.15, 0.1, 0.08, 0.05, 0.04, 0.04, 0.03, 0.01])


def _service_points(rng: np.random.Generator, n: int) -> np.ndarray:
    """Drop-in point names; some with doubled or surrounding spaces, some missing."""
    names = _pick(rng, SERVICE_POINTS, n, SERVICE_POINT_P).astype(str)
    kind = rng.choice(5, size=n, p=[0.78, 0.07, 0.04, 0.07, 0.04])
    out = names.astype(object)
    out[kind == 1] = np.strings.replace(names[kind == 1], " ", "  ").astype(object)
    out[kind == 2] = np.strings.add(names[kind == 2], "  ").astype(object)
    out[kind == 3] = ""
    out[kind == 4] = "-"
    return out


def _names(rng: np.random.Generator, n_persons: int, person: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Obviously synthetic names: a common first name, a surname + ทดสอบ + a number."""
    first = _pick(rng, FIRST_NAMES, n_persons)[person]
    last = np.strings.add(_pick(rng, LAST_NAMES, n_persons).astype(str), "ทดสอบ")
    last = np.strings.add(last, (np.arange(n_persons) + 1).astype(str))
    return first, last.astype(object)[person]


def _group_position(counts: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each group of np.repeat(arange, counts)."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    return cast(np.ndarray, np.arange(total) - np.repeat(starts, counts))


# --- the tables ---------------------------------------------------------------------------


def _homeless(rng: np.random.Generator, scale: float, fy: int
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes, _, _ = _districts()
    fy_end = _day(date(fy - 543, 9, 30))
    n_p = _count(HOMELESS_PERSONS, scale)
    weights = _district_weights(rng, inner_boost=5.0)
    u = rng.random(n_p)
    n_regs = 1 + (u < 0.18) + (u < 0.03)
    person = np.repeat(np.arange(n_p), n_regs)
    nth = _group_position(n_regs)
    first_day = _event_days(rng, n_p, fy, before_share=0.25)
    gaps = np.where(nth == 0, 0, rng.integers(15, 240, size=len(person)))
    # cumulative gaps within a person: cumsum minus the cumsum at each person's start
    cum = np.cumsum(gaps)
    cum -= np.repeat(cum[np.cumsum(n_regs) - n_regs], n_regs)
    day = first_day[person] + cum
    home = rng.choice(len(codes), size=n_p, p=weights)
    dist = home[person]
    moved = (nth > 0) & (rng.random(len(person)) < 0.4)
    dist[moved] = rng.choice(len(codes), size=int(moved.sum()), p=weights)
    keep = day <= fy_end
    person, day, dist = person[keep], day[keep], dist[keep]
    order = np.argsort(day, kind="stable")  # ids are given in registration order
    person, day, dist = person[order], day[order], dist[order]
    n = len(person)

    status = rng.choice(4, size=n, p=[0.80, 0.075, 0.115, 0.01])  # passed failed pending ?
    elig_table = np.array([
        ["ผ่าน", "ไม่ผ่าน", "รอตรวจสอบ", "ตรวจแล้ว"],
        ["ผ่าน ", "Failed", "pending", "ผ่านแล้ว"],
        [" ผ่าน", "failed", "Pending", "?"],
        ["passed", "ไม่ผ่าน ", "รอตรวจสอบ ", "ok"],
        ["Passed", "ไม่ผ่าน", "รอตรวจสอบ", "ตรวจแล้ว"],
        ["PASSED", "FAILED", "PENDING", "-"],
    ], dtype=object)
    birth, details, cell_ok = _person_details(rng, n_p, person, born=(date(1950, 1, 1), 55),
                                              minors=0.03, type0=0.2, empty=0.1, male=0.68)
    reg_id = _numbered("DEMO-H", np.arange(1, n + 1), 7)
    reg = pd.DataFrame(dtype=object, data={
        "reg_id": reg_id,
        **details,
        "district": _district_text(rng, dist, unknown=0.03),
        "registered_on": _format_dates(rng, day),
        "eligibility": _written(rng, elig_table, status, [0.55, 0.1, 0.03, 0.15, 0.12, 0.05]),
        "service_point": _service_points(rng, n),
        "หมายเหตุ": _pick(rng, REMARKS, n),
    })
    reg = _with_days(rng, reg, {"birth_date": birth, "registered_on": day})
    reg.loc[~cell_ok, "_cell:birth_date"] = TEXT

    # services: most passed registrations are served, some others too; districts differ
    p_dist = rng.beta(12, 2.2, size=len(codes))
    excellent = rng.choice(len(codes), size=6, replace=False)
    p_dist[excellent] = 1.0
    p_served = np.where(status == 0, p_dist[dist], 0.35)
    served = rng.random(n) < p_served
    k = np.where(served, 1 + rng.poisson(3.2, size=n), 0)
    src = np.repeat(np.arange(n), k)
    pos = _group_position(k)
    m = len(src)
    quick = np.isin(dist[src], excellent) | (rng.random(m) < 0.5)
    first_delay = np.where(quick, 0, np.ceil(rng.exponential(12.0, size=m)))
    later = rng.integers(0, 200, size=m)
    early = rng.random(m) < 0.04  # services given a few days before the registration
    delay = np.where(pos == 0, first_delay, later)
    delay = np.where(early & (pos > 0), -rng.integers(1, 8, size=m), delay)
    sday = day[src] + delay.astype(np.int64)
    ok = sday <= fy_end
    src, sday = src[ok], sday[ok]
    m = len(src)

    wkeys = [w for w in WELFARE_TYPES if w != "other"]
    wtype = rng.choice(len(wkeys), size=m, p=np.array(
        [10, 12, 7, 5, 8, 25, 10, 12, 5, 6], dtype=float) / 100)
    wtable = np.array([
        [WELFARE_TYPES[w] for w in wkeys],
        wkeys,
        [WELFARE_TYPES[w].replace(" ", "") for w in wkeys],
        [WELFARE_SPACED[w] for w in wkeys],
    ], dtype=object)
    stype = _written(rng, wtable, wtype, [0.58, 0.22, 0.08, 0.08])
    unlisted = rng.random(m) < 0.04
    stype[unlisted] = _pick(rng, UNLISTED_WELFARE, int(unlisted.sum()))
    svc = pd.DataFrame(dtype=object, data={
        "service_id": _numbered("DEMO-S", np.arange(1, m + 1), 8),
        "reg_id": reg_id[src],
        "service_date": _format_dates(rng, sday),
        "service_type": stype,
    })
    svc = _with_days(rng, svc, {"service_date": sday})
    return reg, svc


def _rehab(rng: np.random.Generator, scale: float, fy: int
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes, _, _ = _districts()
    fy_end = _day(date(fy - 543, 9, 30))
    n_p = _count(REHAB_PERSONS, scale)
    weights = _district_weights(rng, inner_boost=1.0)
    n_refs = 1 + (rng.random(n_p) < 0.09)
    person = np.repeat(np.arange(n_p), n_refs)
    nth = _group_position(n_refs)
    day = _event_days(rng, n_p, fy, before_share=0.2)[person]
    day = day + np.where(nth > 0, rng.integers(30, 300, size=len(person)), 0)
    dist = rng.choice(len(codes), size=n_p, p=weights)[person]
    moved = (nth > 0) & (rng.random(len(person)) < 0.5)
    dist[moved] = rng.choice(len(codes), size=int(moved.sum()), p=weights)
    keep = day <= fy_end
    person, day, dist = person[keep], day[keep], dist[keep]
    order = np.argsort(day, kind="stable")
    person, day, dist = person[order], day[order], dist[order]
    n = len(person)

    src_keys = list(SOURCES)
    src_table = np.array([[SOURCES[s] for s in src_keys], src_keys,
                          [s.replace("_", " ").title().replace(" ", "_") for s in src_keys],
                          [SOURCES[s].replace("ศูนย์", "ศูนย์ ") for s in src_keys],
                          [""] * len(src_keys), ["-"] * len(src_keys)], dtype=object)
    source = _written(rng, src_table, rng.choice(len(src_keys), size=n,
                                                 p=[0.3, 0.25, 0.2, 0.15, 0.1]),
                      [0.62, 0.14, 0.04, 0.08, 0.08, 0.04])
    other = rng.random(n) < 0.04
    source[other] = _pick(rng, OTHER_SOURCES, int(other.sum()))
    birth, details, cell_ok = _person_details(rng, n_p, person, born=(date(1965, 1, 1), 42),
                                              minors=0.06, type0=0.06, empty=0.05, male=0.8)
    ref_id = _numbered("DEMO-R", np.arange(1, n + 1), 7)
    ref = pd.DataFrame(dtype=object, data={
        "referral_id": ref_id,
        **details,
        "district": _district_text(rng, dist, unknown=0.03),
        "referred_on": _format_dates(rng, day),
        "source": source,
    })
    ref = _with_days(rng, ref, {"birth_date": birth, "referred_on": day})
    ref.loc[~cell_ok, "_cell:birth_date"] = TEXT

    # rehabilitation: around one referral in eight, at a rate that differs by district
    rate = rng.beta(4.0, 31.0, size=len(codes))
    rehab = rng.random(n) < rate[dist]
    k = np.where(rehab, 1 + rng.poisson(15.0, size=n), 0)
    src = np.repeat(np.arange(n), k)
    pos = _group_position(k)
    m = len(src)
    delay = np.where(pos == 0, np.ceil(rng.exponential(10.0, size=m)),
                     rng.integers(0, 240, size=m))
    sday = day[src] + delay.astype(np.int64)
    ok = sday <= fy_end
    src, sday = src[ok], sday[ok]
    m = len(src)

    dkeys = list(DOMAINS)
    dtable = np.array([
        [str(i + 1) for i in range(4)],
        [str(i + 1).translate(THAI_DIGITS) for i in range(4)],
        dkeys,
        [DOMAINS[d] for d in dkeys],
        [DOMAINS[d].removeprefix("ด้าน") for d in dkeys],
        [f" {DOMAINS[d]} " for d in dkeys],
    ], dtype=object)
    domain = _written(rng, dtable, rng.choice(4, size=m, p=[0.3, 0.3, 0.1, 0.3]),
                      [0.22, 0.08, 0.18, 0.32, 0.15, 0.05])
    invalid = rng.random(m) < 0.03
    domain[invalid] = _pick(rng, INVALID_DOMAINS, int(invalid.sum()))
    svc = pd.DataFrame(dtype=object, data={
        "referral_id": ref_id[src],
        "service_date": _format_dates(rng, sday),
        "domain": domain,
        "activity": _pick(rng, ACTIVITIES, m),
    })
    svc = _with_days(rng, svc, {"service_date": sday})
    return ref, svc


def _with_days(rng: np.random.Generator, df: pd.DataFrame, days: dict[str, np.ndarray]
               ) -> pd.DataFrame:
    """Hidden columns for the XLSX writer: each date column's true day and cell kind."""
    for col, d in days.items():
        df[f"_day:{col}"] = d
        df[f"_cell:{col}"] = _cell_kinds(rng, d)
    return df


def _rows(rng: np.random.Generator, n: int, share: float, at_least: int = 1) -> np.ndarray:
    """About ``share`` of n row positions (at least ``at_least`` when n allows), sorted."""
    k = min(n, max(at_least, int(rng.binomial(n, share))))
    return np.sort(rng.choice(n, size=k, replace=False)) if k else np.empty(0, dtype=np.int64)


def _mess(rng: np.random.Generator, df: pd.DataFrame, table: str, fy: int) -> pd.DataFrame:
    """Bad dates, missing values, orphans, conflicting ids and exact duplicates."""
    spec = TABLES[table]
    date_col = spec.event_date
    n = len(df)
    df = df.reset_index(drop=True)
    date_pos = df.columns.get_loc(date_col)
    cell_pos = df.columns.get_loc(f"_cell:{date_col}")
    bad = _rows(rng, n, 0.007, at_least=3)  # unparseable, out of range (after BE), missing
    kind = rng.choice(3, size=len(bad), p=[0.45, 0.3, 0.25])
    kind[:3] = np.arange(3)[:len(bad)]  # each kind at least once
    texts = np.where(kind == 0, _pick(rng, UNPARSEABLE_DATES, len(bad)),
                     np.where(kind == 1, _pick(rng, OUT_OF_RANGE_DATES, len(bad)),
                              _pick(rng, ["", "-", "  "], len(bad))))
    df.iloc[bad, date_pos] = texts
    df.iloc[bad, cell_pos] = TEXT
    for col in spec.required:  # a required column left blank now and then
        if col != date_col:
            miss = _rows(rng, n, 0.0015)
            df.iloc[miss, df.columns.get_loc(col)] = _pick(rng, ["", "-", " "], len(miss))

    extra, sources = [], []
    parent_col = TABLES[spec.parent].id_column if spec.parent else None
    if parent_col:  # orphans: a service under a reg_id / referral_id that does not exist
        idx = _rows(rng, n, 0.005)
        orphans = df.iloc[idx].copy()
        prefix = "DEMO-H" if parent_col == "reg_id" else "DEMO-R"
        orphans[parent_col] = _numbered(prefix, 9_000_000 + np.arange(len(idx)), 7)
        extra.append(orphans)
        sources.append(idx)
    if spec.id_column:  # conflicting duplicates: same id, another date
        idx = _rows(rng, n, 0.006)
        clash = df.iloc[idx].copy()
        day = clash[f"_day:{date_col}"].to_numpy()
        shift = rng.integers(1, 60, size=len(idx))
        fy_end = _day(date(fy - 543, 9, 30))
        new_day = np.where(day + shift <= fy_end, day + shift, day - shift)
        clash[date_col] = _format_dates(rng, new_day)
        clash[f"_day:{date_col}"] = new_day
        clash[f"_cell:{date_col}"] = TEXT
        extra.append(clash)
        sources.append(idx)
    idx = _rows(rng, n, 0.01)  # exact duplicates
    extra.append(df.iloc[idx].copy())
    sources.append(idx)

    src = np.concatenate(sources)
    near = rng.random(len(src)) < 0.5
    offset = np.where(near, 0.5, rng.integers(1, 300, size=len(src)) + 0.5)
    key = np.concatenate([np.arange(n, dtype=float), src + offset])
    out = pd.concat([df, *extra], ignore_index=True)
    return out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)


def _id_less_groups(df: pd.DataFrame, id_col: str) -> list[list[str]]:
    """Each id-less person's record ids (two or more), in file order; persons in order of
    their first record. A person is their synthetic last name (unique per person)."""
    cid = df["citizen_id"].astype(str).str.strip()
    written = ~df[id_col].astype(str).str.strip().isin(["", "-"])
    rows = df[cid.isin(["", "-"]) & written].drop_duplicates(id_col)
    groups = rows.groupby("last_name", sort=False)[id_col].agg(list)
    return [g for g in groups.tolist() if len(g) > 1]


def _written_ids(ids: pd.Series) -> list[str]:
    """The record ids that are not blank, in file order."""
    text = ids.astype(str)
    written: list[str] = text[~text.str.strip().isin(["", "-"])].tolist()
    return written


def _person_links(rng: np.random.Generator, reg: pd.DataFrame, ref: pd.DataFrame,
                  scale: float) -> pd.DataFrame:
    """A few confirmed links among id-less duplicates, and one bad link of each kind."""
    pairs: list[tuple[str, str]] = []
    for df, id_col, prefix, base in ((reg, "reg_id", "reg:", LINKED_PERSONS[0]),
                                     (ref, "referral_id", "ref:", LINKED_PERSONS[1])):
        groups = _id_less_groups(df, id_col)
        k = min(len(groups), max(1, int(round(base * scale))))
        chosen = list(rng.choice(len(groups), size=k, replace=False)) if k else []
        triples = [i for i, g in enumerate(groups) if len(g) > 2]
        if triples and not set(chosen) & set(triples):  # always a chain of three records
            chosen[0] = triples[int(rng.integers(len(triples)))]
        for g in sorted(chosen):
            ids = [prefix + i for i in groups[g]]
            pairs += [(ids[j + 1], ids[j]) if rng.random() < 0.5 else (ids[j], ids[j + 1])
                      for j in range(len(ids) - 1)]
    reg_ids, ref_ids = (_written_ids(reg["reg_id"]), _written_ids(ref["referral_id"]))
    bad = [(f"reg:{reg_ids[0]}", "reg:DEMO-H9999999"),  # no such record: unknown_record
           (f"reg:{reg_ids[1]}", f"ref:{ref_ids[0]}"),  # with a referral: mixed_tables
           (f"reg:{reg_ids[2]}", reg_ids[3]),  # no reg: prefix: invalid_record
           (f"ref:{ref_ids[1]}", f"ref:{ref_ids[1]}")]  # a record with itself: self_link
    rows = [(a, b, str(rng.choice(LINK_STAFF))) for a, b in pairs + bad]
    rows = [rows[i] for i in rng.permutation(len(rows))]
    rows.insert(len(rows) // 2, rows[0])  # an exact duplicate
    return pd.DataFrame(rows, columns=list(TABLES[LINKS].names), dtype=object)


def build_tables(seed: int = DEFAULT_SEED, scale: float = 1.0, fiscal_year: int = 2568,
                 *, hidden: bool = False) -> dict[str, pd.DataFrame]:
    """The five tables as text, English column names, in file order.

    With ``hidden=True`` each date column ``c`` also has ``_day:c`` (days since 1970, the
    true date) and ``_cell:c`` (0 text, 1 CE date cell, 2 BE date cell in XLSX).
    """
    if not scale > 0:
        raise ValueError("scale must be greater than 0")
    ss = np.random.SeedSequence([int(seed), 8207, 5122])
    g_home, g_rehab, g_mess = (np.random.default_rng(s) for s in ss.spawn(3))
    reg, hsvc = _homeless(g_home, scale, fiscal_year)
    ref, rsvc = _rehab(g_rehab, scale, fiscal_year)
    tables = {"homeless_registrations": reg, "homeless_services": hsvc,
              "rehab_referrals": ref, "rehab_services": rsvc}
    out = {}
    for name in tables:
        df = _mess(g_mess, tables[name], name, fiscal_year)
        out[name] = df if hidden else df[[c for c in df.columns if not c.startswith("_")]]
    g_links = np.random.default_rng(np.random.SeedSequence([int(seed), 27]))  # issue 27
    out[LINKS] = _person_links(g_links, out["homeless_registrations"], out["rehab_referrals"],
                               scale)
    return out


# --- writing --------------------------------------------------------------------------------

#: Per table: (file kind in mixed mode, encoding if CSV, headers "th"/"en").
LAYOUT = {
    "homeless_registrations": ("xlsx", "utf-8", "en"),
    "homeless_services": ("csv", "cp874", "th"),
    "rehab_referrals": ("csv", "utf-8-sig", "en"),
    "rehab_services": ("xlsx", "utf-8", "th"),
    LINKS: ("csv", "utf-8-sig", "en"),
}
FIXED_TIME = datetime(2025, 10, 1, 8, 30, 0)


def _headers(df: pd.DataFrame, table: str, lang: str) -> list[str]:
    th = {c.name: c.th for c in TABLES[table].columns}
    heads = [th.get(c, c) if lang == "th" else c for c in df.columns]
    if table == "homeless_services":  # a header with stray spaces, as typed
        heads[2] = f" {heads[2]} "
    return heads


def _write_csv(df: pd.DataFrame, path: Path, table: str, encoding: str, lang: str) -> Path:
    visible = df[[c for c in df.columns if not c.startswith("_")]]
    buf = io.StringIO()
    # Thai Excel on Windows writes CRLF; other tools LF
    newline = "\r\n" if encoding in ("cp874", "utf-8-sig") else "\n"
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(_headers(visible, table, lang))
    writer.writerows(visible.to_numpy(dtype=object).tolist())
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _write_xlsx(df: pd.DataFrame, path: Path, table: str, lang: str, fy: int,
                n_titles: int) -> Path:
    """XLSX with 2-4 title rows and real date cells (CE or BE years) where the row says."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    visible = [c for c in df.columns if not c.startswith("_")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ข้อมูล")
    titles = [[f"รายงานข้อมูล{TABLES[table].th} (ข้อมูลสังเคราะห์สำหรับทดสอบ)"],
              [f"ส่งออกจากระบบ วันที่ 1 ต.ค. {fy}"],
              ["หน่วยงาน: สำนักพัฒนาสังคม กรุงเทพมหานคร"]]
    for title in titles[:n_titles - 1]:
        ws.append(title)
    ws.append([])
    ws.append(_headers(df[visible], table, lang))
    date_cols = [c for c in visible if f"_cell:{c}" in df.columns]
    pos = {c: visible.index(c) for c in date_cols}
    cells = {c: df[f"_cell:{c}"].to_numpy() for c in date_cols}
    days = {c: df[f"_day:{c}"].to_numpy() for c in date_cols}
    values = df[visible].to_numpy(dtype=object)
    for i in range(len(values)):
        row = [None if v == "" else v for v in values[i]]
        for c in date_cols:
            kind = cells[c][i]
            if kind != TEXT:
                d = _EPOCH + timedelta(days=int(days[c][i]))
                cell = WriteOnlyCell(ws, value=datetime(d.year + (543 if kind == CELL_BE else 0),
                                                        d.month, d.day))
                cell.number_format = "d/m/yyyy"
                row[pos[c]] = cell
        ws.append(row)
    wb.properties.creator = "krlib demo (synthetic data)"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    from openpyxl.utils import get_column_letter

    used = f"A1:{get_column_letter(len(visible))}{n_titles - 1 + 2 + len(values)}"
    path.write_bytes(_stable_zip(buf.getvalue(), used))
    return path


def _with_dimension(sheet_xml: bytes, used: str) -> bytes:
    """A worksheet's XML with the ``<dimension>`` Excel and LibreOffice always write.

    openpyxl's write-only mode leaves it out; without it the reader scans the whole
    sheet for its real extent (krlib.read.huge_sheets.xlsx_is_huge). Its place is right after
    ``<sheetPr>`` (the schema's order), else first in the worksheet.
    """
    tag = f'<dimension ref="{used}" />'.encode()
    if b"<dimension" in sheet_xml:
        return sheet_xml
    if b"</sheetPr>" in sheet_xml:
        return sheet_xml.replace(b"</sheetPr>", b"</sheetPr>" + tag, 1)
    start = sheet_xml.index(b">", sheet_xml.index(b"<worksheet")) + 1
    return sheet_xml[:start] + tag + sheet_xml[start:]


def _stable_zip(data: bytes, used: str | None = None) -> bytes:
    """The same zip with every member's timestamp fixed (the same workbook, the same bytes)
    and, given the ``used`` range (``A1:K120``), the sheet's ``<dimension>``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            member = src.read(info.filename)
            if used and info.filename.startswith("xl/worksheets/sheet"):
                member = _with_dimension(member, used)
            dst.writestr(fixed, member)
    return out.getvalue()


def write_demo_drop(out_dir: Path | str, *, seed: int = DEFAULT_SEED, scale: float = 1.0,
                    fiscal_year: int = 2568, fmt: str = "mixed") -> dict[str, Path]:
    """Write a synthetic data drop into ``out_dir``; return table name -> file written.

    ``fmt="mixed"``: two XLSX (title rows, date cells) and three CSV (TIS-620 with Thai
    headers, UTF-8 with BOM), for scales up to about 5. ``fmt="csv"``: five CSV files,
    fast at any scale. Scale 1 is about 8k rows; rows grow linearly with ``scale``.
    A file of another format for the same table in ``out_dir`` is removed, so the
    folder always holds exactly one file per table.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(seed, scale, fiscal_year, hidden=True)
    titles = np.random.default_rng(np.random.SeedSequence([int(seed), 4])).integers(2, 5, size=4)
    files: dict[str, Path] = {}
    for i, (name, df) in enumerate(tables.items()):
        kind, encoding, lang = LAYOUT[name]
        if fmt == "csv":
            kind = "csv"
        for stale in (out / f"{name}.csv", out / f"{name}.xlsx"):
            if stale.suffix != f".{kind}" and stale.exists():
                stale.unlink()
        path = out / f"{name}.{kind}"
        if kind == "xlsx":
            files[name] = _write_xlsx(df, path, name, lang, fiscal_year, int(titles[i]))
        else:
            files[name] = _write_csv(df, path, name, encoding, lang)
    return files
