"""The key results, as data. Adding a KR means adding a definition here, and a test.

A definition names its cohort table (who is counted), an optional cohort filter
column, its service table (what reaching the numerator means) and the breakdown
dimension. :mod:`krlib.indicators` computes any definition the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from krlib.schema import DOMAINS, WELFARE_TYPES

HOST_UNIT = "สำนักพัฒนาสังคม"
BANGKOK_TH = "กรุงเทพมหานคร"


@dataclass(frozen=True)
class KRDefinition:
    code: str
    name_th: str
    name_en: str
    target: int  # percent
    cohort_table: str
    service_table: str
    dimension: str  # breakdown dimension name in kr_breakdown.csv
    categories: dict[str, str]  # breakdown category key -> Thai label
    cohort_filter: str | None = None  # boolean column of the cohort table
    numerator_th: str = ""
    denominator_th: str = ""
    definition_th: str = ""
    host_unit: str = HOST_UNIT
    supporting_units: tuple[str, ...] = ()
    unit_th: str = "คน"

    @property
    def formula_th(self) -> str:
        return f"({self.numerator_th} ÷ {self.denominator_th}) × 100"

    @property
    def tables(self) -> tuple[str, str]:
        return (self.cohort_table, self.service_table)


KR_8207 = KRDefinition(
    code="8207",
    name_th="ร้อยละของคนไร้บ้านที่ผ่านการตรวจสอบสิทธิได้รับสวัสดิการจากหน่วยงานของกรุงเทพมหานคร",
    name_en="Percent of registered, eligibility-verified homeless people who received "
            "at least one BMA welfare service",
    target=100,
    cohort_table="homeless_registrations",
    cohort_filter="eligible",
    service_table="homeless_services",
    dimension="service_type",
    categories=WELFARE_TYPES,
    numerator_th="จำนวนคนไร้บ้านที่ลงทะเบียนและผ่านการตรวจสอบสิทธิที่ได้รับสวัสดิการอย่างน้อย 1 ประเภท",
    denominator_th="จำนวนคนไร้บ้านที่ลงทะเบียนและผ่านการตรวจสอบสิทธิ",
    definition_th=(
        "คนไร้บ้านที่ลงทะเบียนและผ่านการตรวจสอบสิทธิ ได้รับสวัสดิการจากหน่วยงานของกรุงเทพมหานคร"
        "อย่างน้อย 1 ประเภท เช่น บริการให้คำปรึกษาแนะนำ การตรวจสุขภาพและการรักษาพยาบาล "
        "การทำบัตรประจำตัวประชาชน การส่งเสริมการฝึกอาชีพ บริการรถเคลื่อนที่ซัก อบ อาบ "
        "บริการจัดรับบริจาคอาหารและแจกอาหาร ห้องสุขา ห้องอาบน้ำ การรับสมัครงานและการจ้างงาน "
        "ด้านที่พักอาศัย เป็นต้น"
    ),
)

KR_5122 = KRDefinition(
    code="5122",
    name_th="ร้อยละของผู้ที่ได้รับการฟื้นฟูสภาพทางสังคม",
    name_en="Percent of people referred for social rehabilitation who were rehabilitated "
            "in at least one of four domains",
    target=10,
    cohort_table="rehab_referrals",
    service_table="rehab_services",
    dimension="domain",
    categories=DOMAINS,
    numerator_th="จำนวนผู้ที่ได้รับการฟื้นฟูสภาพทางสังคมอย่างน้อย 1 ใน 4 ด้าน",
    denominator_th="จำนวนผู้ที่ถูกส่งต่อผ่านระบบส่งต่อเพื่อการฟื้นฟูสภาพทางสังคมของกรุงเทพมหานคร",
    definition_th=(
        "ผู้ผ่านการบำบัดยาเสพติดที่ถูกส่งต่อเข้าสู่ระบบการฟื้นฟูสภาพทางสังคมของกรุงเทพมหานคร "
        "ได้รับการฟื้นฟูอย่างน้อย 1 ใน 4 ด้าน ได้แก่ ด้านครอบครัวและชุมชน "
        "ด้านสวัสดิการสังคมและสังคมสงเคราะห์ ด้านการศึกษา และด้านสาธารณสุขและสุขภาพ"
    ),
    supporting_units=("สำนักงานเขต 50 เขต", "สำนักอนามัย"),
)

#: Every KR krlib reports, in report order.
KRS: dict[str, KRDefinition] = {kr.code: kr for kr in (KR_8207, KR_5122)}
