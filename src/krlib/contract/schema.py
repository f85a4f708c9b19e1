"""The input tables of a data drop, as the data contract defines them.

One place for column names, Thai headers, which columns are required, which hold
personal data and which vocabulary (welfare types, rehabilitation domains, sources)
each coded column accepts. Everything else reads from here. Besides the four tables of
the KRs, a drop may hold the optional ``person_links`` (contract v3): pairs of cohort
records staff confirmed to be one person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column of a table and the rules that clean it.

    A column with a ``parser`` is a *category column*: cleaning reads each distinct value
    with ``krlib.clean.parse.<parser>`` and keeps the result (a key of ``vocabulary``, or for
    open columns such as service_point the normalised text) under the column's name; a
    KR's ``where`` and ``breakdown`` and the disaggregations use those cleaned keys. A
    value the parser returns None for rejects its row with reason ``reject`` (when set);
    ``flags`` count kept rows whose cleaned value is a given key (data quality).
    """

    name: str
    th: str
    required: bool = False
    personal: bool = False  # never leaves krlib: names, ids, birth dates
    aliases: tuple[str, ...] = ()  # other headers the contract accepts for this column
    parser: str = ""  # name of the krlib.clean.parse function reading one value
    vocabulary: dict[str, str] | None = None  # cleaned key -> Thai label (None: open)
    reject: str = ""  # reason code (krlib.clean.tables.REASONS) when the parser returns None
    flags: dict[str, str] = field(default_factory=dict)  # cleaned key -> flag code
    #: the parser reads a date relative to the window (``parser(text, window_end)``);
    #: cleaning keeps both readings as dates, see :func:`krlib.clean.tables.window_dates`
    per_window: bool = False

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def is_category(self) -> bool:
        return bool(self.parser) and not self.per_window


@dataclass(frozen=True)
class TableSpec:
    name: str
    th: str
    columns: tuple[Column, ...]
    id_column: str | None = None  # record id whose duplicates conflict (reg_id / referral_id)
    parent: str | None = None  # table whose kept ids this table's rows must reference
    event_date: str = ""  # the date that decides whether a row is in a period window
    #: pairs of cohort records confirmed to be one person (person_links), not records
    links: bool = False

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def used(self) -> tuple[str, ...]:
        """Columns cleaning and indicators read; the others only tell duplicates apart."""
        return tuple(c.name for c in self.columns if c.required or c.name == "citizen_id")

    @property
    def personal(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.personal)

    @property
    def categories(self) -> tuple[Column, ...]:
        """The category columns (with a parser): what a KR's where / breakdown can name."""
        return tuple(c for c in self.columns if c.is_category)

    @property
    def parsed(self) -> tuple[Column, ...]:
        """Every column cleaning parses and keeps (category and per-window columns)."""
        return tuple(c for c in self.columns if c.parser)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def is_cohort(self) -> bool:
        """A table of persons' records (registrations, referrals), not of services."""
        return bool(self.id_column) and not self.parent

    @property
    def is_service(self) -> bool:
        """A table of services given under a cohort table's records."""
        return bool(self.parent)


#: Welfare types of KR 8207 (key -> Thai label), in the order of the KR sheet.
WELFARE_TYPES: dict[str, str] = {
    "counseling": "บริการให้คำปรึกษาแนะนำ",
    "health": "การตรวจสุขภาพและการรักษาพยาบาล",
    "id_card": "การทำบัตรประจำตัวประชาชน",
    "vocational": "การส่งเสริมการฝึกอาชีพ",
    "mobile_wash": "บริการรถเคลื่อนที่ซัก อบ อาบ",
    "food": "บริการจัดรับบริจาคอาหารและแจกอาหาร",
    "toilet": "ห้องสุขา",
    "shower": "ห้องอาบน้ำ",
    "employment": "การรับสมัครงานและการจ้างงาน",
    "housing": "ด้านที่พักอาศัย",
    "other": "อื่น ๆ",
}

#: Rehabilitation domains of KR 5122 (key -> Thai name), numbered 1-4 in this order.
DOMAINS: dict[str, str] = {
    "family_community": "ด้านครอบครัวและชุมชน",
    "welfare": "ด้านสวัสดิการสังคมและสังคมสงเคราะห์",
    "education": "ด้านการศึกษา",
    "health": "ด้านสาธารณสุขและสุขภาพ",
}

#: Referring units of KR 5122 (key -> Thai name).
SOURCES: dict[str, str] = {
    "screening_centre": "ศูนย์คัดกรอง",
    "health_centre": "ศูนย์บริการสาธารณสุข",
    "hospital": "สถานพยาบาล",
    "rehab_facility": "สถานฟื้นฟูสมรรถภาพผู้ติดยาเสพติด",
    "cbtx": "CBTx",
}

#: Sex of a person (key -> Thai label); anything not male / female is unspecified.
SEXES: dict[str, str] = {"male": "ชาย", "female": "หญิง", "unspecified": "ไม่ระบุ"}

#: Eligibility check results (only passed is passed).
ELIGIBILITY: dict[str, str] = {
    "passed": "ผ่าน", "failed": "ไม่ผ่าน", "pending": "รอตรวจสอบ",
    "unrecognised": "อ่านไม่ได้ (ถือว่าไม่ผ่าน)",
}

#: Key of a missing value in a category column that is not required (sex, source, ...).
UNSPECIFIED = "unspecified"
#: Key of a value that is none of a closed vocabulary's keys (welfare type, source).
OTHER = "other"
SOURCES_ALL: dict[str, str] = {**SOURCES, OTHER: "อื่น ๆ", UNSPECIFIED: "ไม่ระบุ"}
SERVICE_POINTS: dict[str, str] = {UNSPECIFIED: "ไม่ระบุ"}  # open: the text is the key

C = Column

#: The person columns both cohort tables carry, in export order.
_PERSON_DETAILS = (
    C("citizen_id", "เลขประจำตัวประชาชน", personal=True,
      aliases=("เลขบัตรประชาชน", "เลขบัตรประจำตัวประชาชน", "เลขประจำตัวประชาชน 13 หลัก",
               "national_id")),
    C("first_name", "ชื่อ", personal=True),
    C("last_name", "นามสกุล", personal=True),
    C("sex", "เพศ", parser="parse_sex", vocabulary=SEXES),
    C("birth_date", "วันเกิด", personal=True, parser="parse_birth_date", per_window=True),
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "homeless_registrations",
            "ทะเบียนคนไร้บ้าน",
            (
                C("reg_id", "เลขทะเบียน", True, True, aliases=("เลขที่ทะเบียน",)),
                *_PERSON_DETAILS,
                C("district", "เขต", True, aliases=("สำนักงานเขต",)),
                C("registered_on", "วันที่ลงทะเบียน", True, aliases=("วันที่ขึ้นทะเบียน",)),
                C("eligibility", "ผลการตรวจสอบสิทธิ", True, parser="parse_eligibility",
                  vocabulary=ELIGIBILITY, flags={"unrecognised": "eligibility_unrecognised"}),
                C("service_point", "จุดบริการ", parser="parse_service_point",
                  vocabulary=None),
            ),
            id_column="reg_id",
            event_date="registered_on",
        ),
        TableSpec(
            "homeless_services",
            "การให้บริการสวัสดิการ",
            (
                C("service_id", "รหัสบริการ", personal=True),
                C("reg_id", "เลขทะเบียน", True, True),
                C("service_date", "วันที่รับบริการ", True),
                C("service_type", "ประเภทสวัสดิการ", True, parser="parse_welfare_type",
                  vocabulary=WELFARE_TYPES, flags={OTHER: "other_service_type"}),
            ),
            parent="homeless_registrations",
            event_date="service_date",
        ),
        TableSpec(
            "rehab_referrals",
            "การส่งต่อเพื่อฟื้นฟูสภาพทางสังคม",
            (
                C("referral_id", "เลขที่การส่งต่อ", True, True,
                  aliases=("เลขส่งต่อ", "เลขที่ส่งต่อ")),
                *_PERSON_DETAILS,
                C("district", "เขต", True, aliases=("ศฟส.ข", "สำนักงานเขต")),
                C("referred_on", "วันที่ส่งต่อ", True),
                C("source", "หน่วยส่งต่อ", parser="parse_source", vocabulary=SOURCES_ALL),
            ),
            id_column="referral_id",
            event_date="referred_on",
        ),
        TableSpec(
            "rehab_services",
            "การฟื้นฟูสภาพทางสังคม",
            (
                C("referral_id", "เลขที่การส่งต่อ", True, True),
                C("service_date", "วันที่ให้บริการ", True),
                C("domain", "ด้านการฟื้นฟู", True, parser="parse_domain", vocabulary=DOMAINS,
                  reject="invalid_domain"),
                C("activity", "กิจกรรม"),
            ),
            parent="rehab_referrals",
            event_date="service_date",
        ),
        TableSpec(
            "person_links",
            "การยืนยันว่าเป็นบุคคลเดียวกัน",
            (
                C("record_a", "ระเบียนที่ 1", True, True),
                C("record_b", "ระเบียนที่ 2", True, True),
                C("confirmed_by", "ผู้ยืนยัน", True, True),  # a staff member's name
            ),
            links=True,
        ),
    )
}

#: The table of confirmed links (optional in a drop; absent, nothing changes).
LINKS = "person_links"
#: How a link names a record: prefix (any case) -> the cohort table it is a record of.
LINK_PREFIXES: dict[str, str] = {"reg": "homeless_registrations", "ref": "rehab_referrals"}

#: Every column name that holds personal data, across all tables.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    c for t in TABLES.values() for c in t.personal
)


#: Age bands of the age_band disaggregation (whole years on the last day of W).
UNKNOWN_AGE = "unknown"
AGE_BANDS: dict[str, str] = {"0-17": "0-17 ปี", "18-59": "18-59 ปี", "60+": "60 ปีขึ้นไป",
                             UNKNOWN_AGE: "ไม่ทราบอายุ"}
MAX_AGE = 120  # an age above this (or below 0) is unknown


@dataclass(frozen=True)
class Dimension:
    """A disaggregation: a person attribute read from the home record's ``column``."""

    name: str
    th: str
    column: str  # the cohort-table column it comes from
    vocabulary: dict[str, str]  # category key -> Thai label (open dimensions: residuals only)
    open: bool = False  # categories are the cleaned texts themselves (service_point)

    def __hash__(self) -> int:
        return hash(self.name)

    def label(self, category: str) -> str:
        """Thai label of a category (an open dimension's text is its own label)."""
        return self.vocabulary.get(category, category)


#: The disaggregations a KR definition may declare, in the contract's order.
DIMENSIONS: dict[str, Dimension] = {d.name: d for d in (
    Dimension("sex", "เพศ", "sex", SEXES),
    Dimension("age_band", "ช่วงอายุ", "birth_date", AGE_BANDS),
    Dimension("service_point", "จุดบริการ", "service_point", SERVICE_POINTS, open=True),
    Dimension("source", "หน่วยส่งต่อ", "source", SOURCES_ALL),
)}

#: Categories that hold what is left over; written after the named ones.
RESIDUAL_CATEGORIES = (OTHER, UNSPECIFIED, UNKNOWN_AGE)


def category_order(dimension_vocabulary: dict[str, str], categories: Iterable[str]) -> list[str]:
    """Named categories in vocabulary order, then open texts sorted, then the residuals."""
    vocab = list(dimension_vocabulary)

    def key(c: str) -> tuple[int, int, str]:
        if c in RESIDUAL_CATEGORIES:
            return (2, RESIDUAL_CATEGORIES.index(c), "")
        if c in vocab:
            return (0, vocab.index(c), "")
        return (1, 0, c)

    return sorted(set(categories), key=key)


def category_label(dimension: str, category: str) -> str:
    """Thai label of a breakdown or disaggregation category (the key itself if open text).

    ``dimension`` is a breakdown column (``service_type``, ``domain``) or a disaggregation
    dimension (``sex``, ``age_band``, ``service_point``, ``source``).
    """
    if dimension in DIMENSIONS:
        return DIMENSIONS[dimension].label(category)
    for table in TABLES.values():
        for column in table.columns:
            if column.name == dimension and column.vocabulary:
                return column.vocabulary.get(category, category)
    return category


def dimension_label(dimension: str) -> str:
    """Thai name of a disaggregation dimension or of a breakdown column (its Thai header)."""
    if dimension in DIMENSIONS:
        return DIMENSIONS[dimension].th
    for table in TABLES.values():
        for column in table.columns:
            if column.name == dimension:
                return column.th
    return dimension
