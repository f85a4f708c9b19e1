"""The four input tables of a data drop, as the data contract defines them.

One place for column names, Thai headers, which columns are required, which hold
personal data and which vocabulary (welfare types, rehabilitation domains, sources)
each coded column accepts. Everything else reads from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    th: str
    required: bool = False
    personal: bool = False  # never leaves krlib: names, ids, birth dates
    aliases: tuple[str, ...] = ()  # other headers the contract accepts for this column


@dataclass(frozen=True)
class TableSpec:
    name: str
    th: str
    columns: tuple[Column, ...]
    id_column: str | None = None  # record id whose duplicates conflict (reg_id / referral_id)
    parent: str | None = None  # table whose kept ids this table's rows must reference
    event_date: str = ""  # the date that decides whether a row is in a period window

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


C = Column

#: The person columns both cohort tables carry, in export order.
_PERSON_DETAILS = (
    C("citizen_id", "เลขประจำตัวประชาชน", personal=True,
      aliases=("เลขบัตรประชาชน", "เลขบัตรประจำตัวประชาชน", "เลขประจำตัวประชาชน 13 หลัก",
               "national_id")),
    C("first_name", "ชื่อ", personal=True),
    C("last_name", "นามสกุล", personal=True),
    C("sex", "เพศ"),
    C("birth_date", "วันเกิด", personal=True),
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
                C("eligibility", "ผลการตรวจสอบสิทธิ", True),
                C("service_point", "จุดบริการ"),
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
                C("service_type", "ประเภทสวัสดิการ", True),
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
                C("source", "หน่วยส่งต่อ"),
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
                C("domain", "ด้านการฟื้นฟู", True),
                C("activity", "กิจกรรม"),
            ),
            parent="rehab_referrals",
            event_date="service_date",
        ),
    )
}

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

#: Every column name that holds personal data, across all tables.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    c for t in TABLES.values() for c in t.personal
)
