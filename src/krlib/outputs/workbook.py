"""``kr_results.xlsx``: the KR tables in the shape BMA Policy Tracking asks for, in Thai.

One sheet per KR (every district, an "unknown district" row and Bangkok, with target,
result, unit, percent, met and a column per quarter of the fiscal year so far), a sheet
of breakdowns and disaggregations, one of timeliness when it was computed, and one of
data quality (rejected rows located by file and row number, never by cell value).

Every visible cell is for a person: Thai labels (tables, columns, reasons, flags by their
Thai names from the contract), dates with Buddhist-Era years, no raw key; the keys and ISO
dates stay in the CSVs, which are for machines.

Written with XlsxWriter rather than openpyxl: XlsxWriter stamps every zip member with a
fixed date (1980-01-01) and takes the document's created date from us, so the same
inputs and ``SOURCE_DATE_EPOCH`` give the same bytes; openpyxl stamps zip members and
``docProps/core.xml`` with the wall-clock time. Aggregates only: no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from krlib.clean.tables import FLAGS, REASONS, CleanDrop
from krlib.compute.indicators import Indicators, compute, percent_half_up
from krlib.contract.kr import KRS, KRDefinition
from krlib.contract.periods import Period
from krlib.contract.schema import TABLES, category_label, dimension_label
from krlib.contract.scopes import BMA, UNKNOWN
from krlib.thai import thai_date

if TYPE_CHECKING:  # xlsxwriter loads when a workbook is written
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

WORKBOOK = "kr_results.xlsx"
FONT = "TH Sarabun New"  # the Thai government's standard font (on every BMA office PC)
FONT_SIZE = 14  # TH Sarabun New reads small: 14 pt is its usual body size
UNKNOWN_TH = "ไม่ทราบเขต"
MET_TH = {True: "บรรลุ", False: "ไม่บรรลุ"}

DIMENSION_TH = {"service_type": "ประเภทสวัสดิการ", "domain": "ด้านการฟื้นฟู", "sex": "เพศ",
                "age_band": "ช่วงอายุ", "service_point": "จุดบริการ", "source": "หน่วยส่งต่อ"}
QUALITY_TH = {"table_th": "ตาราง", "source_file": "ไฟล์ต้นทาง",
              "rows_in": "จำนวนแถวที่อ่าน", "kept": "แถวที่ใช้",
              "duplicates_collapsed": "แถวซ้ำที่รวมแล้ว", "rejected": "แถวที่ไม่ผ่าน",
              "invalid_citizen_id": "เลขประจำตัวประชาชนไม่ถูกต้อง",
              "unknown_district": "ไม่ทราบเขต",
              "merged_by_links": "นับรวมกับบุคคลอื่นตามการยืนยัน"}  # only with person_links
TIMELINESS_TH = {"served": "ได้รับบริการแล้ว (คน)", "median_days": "มัธยฐาน (วัน)",
                 "days_0": "0 วัน", "days_1_7": "1-7 วัน", "days_8_30": "8-30 วัน",
                 "days_31_90": "31-90 วัน", "days_91_plus": "91 วันขึ้นไป",
                 "waiting": "ยังรอรับบริการ (คน)",
                 "waiting_0": "รอ 0 วัน", "waiting_1_7": "รอ 1-7 วัน",
                 "waiting_8_30": "รอ 8-30 วัน", "waiting_31_90": "รอ 31-90 วัน",
                 "waiting_91_plus": "รอ 91 วันขึ้นไป"}


@dataclass(frozen=True)
class Col:
    """One column of a sheet: its Thai header, the frame column and the cell style."""

    header: str
    key: str
    style: str = "text"  # text | center | count | percent | days
    width: float | None = None


def created_at() -> datetime:
    """The document's created date: ``SOURCE_DATE_EPOCH``, else a fixed epoch (not now).

    A workbook made of the same figures is then the same bytes whenever it is written.
    """
    import os

    from krlib.outputs.provenance import generated_at

    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return generated_at().astimezone(UTC).replace(tzinfo=None)
    return datetime(2000, 1, 1)


# --- frames: what each sheet holds --------------------------------------------------

def with_unknown(results: pd.DataFrame) -> pd.DataFrame:
    """One KR x period's 50 district rows, an unknown-district row, then the BMA row.

    unknown = BMA minus the sum of the districts (persons whose district was not
    recognised count in Bangkok only); its percent follows the same rounding rule.
    """
    districts = results[results["scope_code"] != BMA]
    bma = results[results["scope_code"] == BMA]
    n = int(bma["numerator"].sum() - districts["numerator"].sum())
    d = int(bma["denominator"].sum() - districts["denominator"].sum())
    unknown = bma.assign(scope_code=UNKNOWN, scope_name_th=UNKNOWN_TH, numerator=n,
                         denominator=d, percent=percent_half_up(n, d), met_target=None)
    return pd.concat([districts, unknown, bma], ignore_index=True)


def kr_table(kr: KRDefinition, trend: Indicators, period: Period) -> pd.DataFrame:
    """The Policy Tracking table of one KR: the period's figures and Q1..Q percents."""
    r = trend.results
    own = r[r["kr_code"] == kr.code]
    now = own[(own["fiscal_year"] == period.fiscal_year) & (own["quarter"] == period.quarter)]
    table = with_unknown(now.reset_index(drop=True))
    table["unit"] = kr.unit_th
    table["met_th"] = [MET_TH.get(m, "") if m is not None and m == m else ""
                       for m in table["met_target"]]
    for p in period.quarters_to_date():
        q = own[(own["fiscal_year"] == p.fiscal_year) & (own["quarter"] == p.quarter)]
        table[f"q{p.quarter}"] = with_unknown(q.reset_index(drop=True))["percent"].to_numpy()
    # "unknown" is a key, not a code: the row is named ไม่ทราบเขต and has no area code
    table["scope_code"] = table["scope_code"].where(table["scope_code"] != UNKNOWN, "")
    return table


def kr_columns(kr: KRDefinition, period: Period) -> list[Col]:
    cols = [Col("รหัสพื้นที่", "scope_code", width=11), Col("พื้นที่", "scope_name_th", width=22),
            Col("ค่าเป้าหมาย (ร้อยละ)", "target", "count", 12),
            Col(f"ผลการดำเนินงาน: {kr.numerator_th}", "numerator", "count", 26),
            Col(f"ผลการดำเนินงาน: {kr.denominator_th}", "denominator", "count", 26),
            Col("หน่วยนับ", "unit", "center", 9), Col("ร้อยละ", "percent", "percent", 10),
            Col("ผลการประเมิน", "met_th", "center", 12)]
    cols += [Col(f"ไตรมาส {p.quarter} (ร้อยละ สะสม)", f"q{p.quarter}", "percent", 13)
             for p in period.quarters_to_date()]
    return cols


def _label(dimension: str, category: str) -> str:
    return category_label(dimension, category)


def table_th(table: str) -> str:
    """A contract table's Thai name (ทะเบียนคนไร้บ้าน for homeless_registrations)."""
    spec = TABLES.get(table)
    return spec.th if spec else table


def column_th(table: str, column: object) -> str:
    """A contract column's Thai name (วันที่ลงทะเบียน for registered_on); blank stays blank."""
    if column is None or column != column or column == "":
        return ""
    spec = TABLES.get(table)
    found = [c.th for c in spec.columns if c.name == column] if spec else []
    return found[0] if found else str(column)


def period_th(period: Period) -> str:
    """``ไตรมาส 2 ปีงบประมาณ พ.ศ. 2568 (ข้อมูลสะสม 1 ต.ค. 2567 ถึง 31 มี.ค. 2568)``."""
    return (f"{period.label_th} (ข้อมูลสะสม {thai_date(period.start)} ถึง "
            f"{thai_date(period.end)})")


def breakdown_frame(ind: Indicators, period: Period) -> pd.DataFrame:
    """Breakdowns (persons by service type / domain) and disaggregations, one long table.

    A breakdown row's base is the scope's KR denominator; a disaggregation row has its
    own numerator and denominator (the contract's kr_disaggregation.csv). The
    disaggregation frame is used when the Indicators carry one (``disaggregation``).
    """
    names = dict(zip(ind.results["scope_code"], ind.results["scope_name_th"]))
    cols = ["kr_code", "scope_code", "scope_name_th", "dimension_th", "category_th",
            "numerator", "denominator", "percent"]
    parts = []
    now = _pick(ind.results, period)
    base = now.set_index(["kr_code", "scope_code"])["denominator"]
    b = _pick(ind.breakdown, period)
    b = b[b["persons"] > 0]
    if len(b):
        den = [int(base.get((k, s), 0)) for k, s in zip(b["kr_code"], b["scope_code"])]
        parts.append(pd.DataFrame({
            "kr_code": b["kr_code"].to_numpy(), "scope_code": b["scope_code"].to_numpy(),
            "numerator": b["persons"].astype(int).to_numpy(), "denominator": den,
            "dimension": b["dimension"].to_numpy(), "category": b["category"].to_numpy(),
            "percent": [percent_half_up(n, d) for n, d in zip(b["persons"], den)]}))
    dis = getattr(ind, "disaggregation", None)
    if isinstance(dis, pd.DataFrame) and len(dis):
        d = _pick(dis, period)  # its percent as computed with the KRs (kr_disaggregation.csv)
        parts.append(d[["kr_code", "scope_code", "dimension", "category", "numerator",
                        "denominator", "percent"]].reset_index(drop=True))
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["percent"] = pd.to_numeric(out["percent"], errors="coerce")
    out["scope_name_th"] = out["scope_code"].map(names).fillna("")
    out["dimension_th"] = [DIMENSION_TH.get(d) or dimension_label(d) for d in out["dimension"]]
    out["category_th"] = [_label(d, c) for d, c in zip(out["dimension"], out["category"])]
    return out[cols]


def _pick(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rows of ``period`` (frames without period columns are taken whole)."""
    if {"fiscal_year", "quarter"} <= set(frame.columns):
        keep = ((frame["fiscal_year"].astype(int) == period.fiscal_year)
                & (frame["quarter"].astype(int) == period.quarter))
        frame = frame[keep]
    return frame.reset_index(drop=True)


# --- writing ---------------------------------------------------------------------------

class _Sheets:
    """The workbook and its cell styles (Thai font everywhere, fixed number formats)."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {
            "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE}})
        self.book.set_properties({
            "title": "ผลการดำเนินงานตามตัวชี้วัด (KR) สำหรับระบบติดตามนโยบาย กทม.",
            "author": "krlib", "company": "สำนักพัฒนาสังคม กรุงเทพมหานคร",
            "created": created_at()})
        # scheme "none": Excel would swap a "minor"-scheme font for the theme's (Calibri)
        base = {"font_name": FONT, "font_size": FONT_SIZE, "font_scheme": "none", "valign": "top"}
        f = self.book.add_format
        self.style = {
            "text": f(base), "center": f({**base, "align": "center"}),
            "bold_center": f({**base, "bold": True, "align": "center"}),
            "count": f({**base, "num_format": "#,##0"}),
            "percent": f({**base, "num_format": "0.00"}),
            "days": f({**base, "num_format": "0.0"}),
            "header": f({**base, "bold": True, "text_wrap": True, "bg_color": "#E8EEF7",
                         "border": 1, "valign": "vcenter", "align": "center"}),
            "title": f({**base, "bold": True, "font_size": FONT_SIZE + 2}),
            "bold_text": f({**base, "bold": True}),
            "bold_count": f({**base, "bold": True, "num_format": "#,##0"}),
            "bold_percent": f({**base, "bold": True, "num_format": "0.00"}),
        }

    def sheet(self, name: str) -> Worksheet:
        """A new sheet: rows tall enough for 14 pt Thai (marks above and below), A4
        landscape, printed one page wide."""
        ws = self.book.add_worksheet(name)
        ws.set_default_row(21)
        ws.set_row(0, 26)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        return ws

    def table(self, name: str, titles: list[str], cols: list[Col], frame: pd.DataFrame,
              bold_last: bool = False, freeze_cols: int = 2) -> Worksheet:
        """A sheet: title lines, one frozen header row, the rows, widths that fit."""
        ws = self.sheet(name)
        for i, t in enumerate(titles):
            ws.write_string(i, 0, t, self.style["title" if i == 0 else "text"])
        head = len(titles) + (1 if titles else 0)
        lines = 1
        for j, c in enumerate(cols):
            width = c.width or _width(c, frame)
            ws.write_string(head, j, c.header, self.style["header"])
            ws.set_column(j, j, width)
            lines = max(lines, -(-_visible(c.header) // max(1, int(width) - 1)))
        ws.set_row(head, 21 * lines + 4)  # the wrapped header shows whole (14 pt ~ 21 pt a line)
        ws.freeze_panes(head + 1, freeze_cols)
        ws.repeat_rows(head)  # printed: the header on every page
        first = head + 1
        for j, c in enumerate(cols):
            if c.key in frame.columns:
                _write_column(ws, first, j, frame[c.key].tolist(), c.style,
                              self.style[c.style])
        if bold_last and len(frame):
            last = frame.iloc[-1]
            for j, c in enumerate(cols):
                style = self.style[("bold_" if c.style != "days" else "") + c.style]
                _write(ws, first + len(frame) - 1, j, last.get(c.key, ""), style)
        if len(frame):
            ws.autofilter(head, 0, head + len(frame), len(cols) - 1)
        return ws, head + 1 + len(frame)

    def close(self) -> None:
        self.book.close()


def _write(ws: Worksheet, row: int, col: int, value: Any, style: Format) -> None:
    """A number as a number, an empty/NaN/None as a styled blank, anything else as text."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        ws.write_blank(row, col, None, style)
    elif isinstance(value, (bool,)):
        ws.write_string(row, col, str(value).lower(), style)
    elif isinstance(value, (int, float)) or hasattr(value, "dtype"):
        ws.write_number(row, col, float(value), style)
    else:
        ws.write_string(row, col, str(value), style)


def _write_column(ws: Worksheet, first: int, col: int, values: list[Any], kind: str,
                  style: Format) -> None:
    """One column, the writer chosen once (XlsxWriter's per-cell cost is what a large
    drop's rejected-rows sheet pays); empty / NaN / None cells are left out."""
    if kind in ("text", "center"):
        write = ws.write_string
        for i, v in enumerate(values):
            if v is not None and v == v and v != "":
                write(first + i, col, str(v), style)
        return
    write = ws.write_number
    for i, v in enumerate(values):
        if v is not None and v == v and v != "":
            write(first + i, col, float(v), style)


def _visible(s: str) -> int:
    """Characters that take width: Thai vowel and tone marks above or below take none."""
    return sum(1 for ch in s if not (ch == "\u0e31" or "\u0e34" <= ch <= "\u0e3a"
                                     or "\u0e47" <= ch <= "\u0e4e"))


def _width(col: Col, frame: pd.DataFrame) -> float:
    """Fit the longest cell (of the first 5,000) or half the header (it wraps)."""
    cells = [str(v) for v in frame[col.key].tolist()[:5000]] if col.key in frame.columns else []
    longest = max([_visible(col.header) // 2, *(_visible(s) for s in cells)], default=8)
    return float(min(60, max(8, longest + 2)))


def kr_sheet(sheets: _Sheets, kr: KRDefinition, trend: Indicators, period: Period,
             absent: list[str] | None = None) -> None:
    """A KR's sheet; ``absent``: the tables missing from the drop when the KR could not be
    computed (the sheet then says so)."""
    titles = [f"KR {kr.code} {kr.name_th}",
              f"{period_th(period)} · หน่วยงานรับผิดชอบ: {kr.host_unit} · ค่าเป้าหมาย ร้อยละ "
              f"{kr.target:g}"]
    if absent is not None:
        ws = sheets.sheet(f"KR {kr.code}")
        ws.set_column(0, 0, 100)
        why = ", ".join(f"{table_th(t)} (ไฟล์ {t}.csv หรือ .xlsx)" for t in absent)
        lines = [*titles, "ไม่พร้อมใช้งาน",
                 f"ชุดข้อมูลไม่มีตาราง{why} จึงคำนวณตัวชี้วัดนี้ไม่ได้"]
        for i, t in enumerate(lines):
            ws.write_string(i, 0, t, sheets.style["title" if i == 0 else "text"])
        return
    table = kr_table(kr, trend, period)
    ws, end = sheets.table(f"KR {kr.code}", titles, kr_columns(kr, period), table,
                           bold_last=True)
    ws.write_string(end + 1, 0, f"{UNKNOWN_TH} = กรุงเทพมหานคร ลบ ผลรวม 50 เขต (ผู้ที่ระบุเขต"
                    "ไม่ได้ นับเฉพาะในภาพรวมกรุงเทพมหานคร) · ร้อยละปัดเศษครึ่งขึ้น 2 ตำแหน่ง · "
                    "ผลการประเมิน: บรรลุ เมื่อร้อยละ ≥ ค่าเป้าหมาย", sheets.style["text"])


def breakdown_sheet(sheets: _Sheets, ind: Indicators, period: Period) -> None:
    frame = breakdown_frame(ind, period)
    cols = [Col("KR", "kr_code", width=7), Col("รหัสพื้นที่", "scope_code", width=11),
            Col("พื้นที่", "scope_name_th", width=22), Col("มิติ", "dimension_th", width=16),
            Col("กลุ่ม", "category_th"), Col("จำนวน (คน)", "numerator", "count", 12),
            Col("ฐาน (คน)", "denominator", "count", 12), Col("ร้อยละ", "percent", "percent", 10)]
    sheets.table("จำแนก", [f"การจำแนกผลการดำเนินงาน — {period.label_th}",
                           "ประเภทสวัสดิการ / ด้านการฟื้นฟู: จำนวนผู้ได้รับแต่ละประเภท "
                           "(ฐาน = ตัวหารของ KR) · เพศ ช่วงอายุ จุดบริการ หน่วยส่งต่อ: "
                           "ตัวตั้งและตัวหารของแต่ละกลุ่ม"], cols, frame, freeze_cols=3)


def timeliness_sheet(sheets: _Sheets, ind: Indicators, period: Period) -> None:
    t = getattr(ind, "timeliness", None)
    if not isinstance(t, pd.DataFrame) or not len(t):
        return
    t = _pick(t, period)
    names = dict(zip(ind.results["scope_code"], ind.results["scope_name_th"]))
    t = t.assign(scope_name_th=t["scope_code"].map(names).fillna(""))
    t["median_days"] = pd.to_numeric(t["median_days"], errors="coerce")
    cols = [Col("KR", "kr_code", width=7), Col("รหัสพื้นที่", "scope_code", width=11),
            Col("พื้นที่", "scope_name_th", width=22)]
    cols += [Col(th, key, "days" if key == "median_days" else "count", 12)
             for key, th in TIMELINESS_TH.items() if key in t.columns]
    titles = [f"ระยะเวลาจากวันลงทะเบียน/ส่งต่อ ถึงบริการครั้งแรก — {period.label_th}"]
    if "waiting_0" in t.columns:
        titles.append("ผู้ที่ยังรอรับบริการ: จำนวนวันที่รอมาแล้ว นับจากวันลงทะเบียน/ส่งต่อ "
                      f"ถึงวันสุดท้ายของช่วงข้อมูล ({thai_date(period.end)})")
    sheets.table("ระยะเวลารอ", titles, cols, t, freeze_cols=3)


def quality_sheet(sheets: _Sheets, clean: CleanDrop, period: Period) -> None:
    from krlib.clean.accounts import (
        data_quality_table,
        flags_table,
        reasons_table,
        rejected_rows_table,
    )

    dq = data_quality_table(clean)
    dq.insert(1, "table_th", dq["table"].map(table_th))
    dq.insert(2, "source_file", [a.file for a in clean.accounts.values()])
    cols = [Col(QUALITY_TH[k], k, "text" if k in ("table_th", "source_file") else "count", 14)
            for k in dq.columns if k != "table"]
    ws, row = sheets.table("คุณภาพข้อมูล", [f"คุณภาพข้อมูลนำเข้า — {period.label_th}"], cols, dq,
                           freeze_cols=1)

    def block(title: str, frame: pd.DataFrame, columns: list[tuple[str, str, str]]) -> None:
        nonlocal row
        row += 1
        ws.write_string(row, 0, title, sheets.style["title"])
        row += 1
        for j, (th, _, _) in enumerate(columns):
            ws.write_string(row, j, th, sheets.style["header"])
        for i, rec in enumerate(frame.itertuples(index=False)):
            r = rec._asdict()
            for j, (_, key, style) in enumerate(columns):
                _write(ws, row + 1 + i, j, r[key], sheets.style[style])
        row += 1 + len(frame)

    reasons = reasons_table(clean)
    reasons["table_th"] = reasons["table"].map(table_th)
    reasons["reason_th"] = reasons["reason"].map(lambda c: REASONS[c][0])
    block("แถวที่ไม่ผ่านการตรวจสอบ แยกตามเหตุผล", reasons,
          [("ตาราง", "table_th", "text"), ("เหตุผล", "reason_th", "text"),
           ("จำนวนแถว", "rows", "count")])
    flags = flags_table(clean)
    flags["table_th"] = flags["table"].map(table_th)
    flags["flag_th"] = flags["flag"].map(lambda c: FLAGS[c][0])
    block("แถวที่ใช้ได้แต่มีข้อสังเกต (นับ ไม่ตัดออก)", flags,
          [("ตาราง", "table_th", "text"), ("ข้อสังเกต", "flag_th", "text"),
           ("จำนวนแถว", "rows", "count")])

    rejected = rejected_rows_table(clean)
    rejected["table_th"] = rejected["table"].map(table_th)
    rejected["reason_th"] = rejected["reason"].map(lambda c: REASONS[c][0])
    rejected["column_th"] = [column_th(t, c) for t, c in zip(rejected["table"],
                                                               rejected["column"])]
    rejected["source_row"] = rejected["source_row"].astype("int64")
    cols = [Col("ตาราง", "table_th", width=24), Col("ไฟล์ต้นทาง", "source_file", width=28),
            Col("แถวที่ในไฟล์", "source_row", "count", 11), Col("เหตุผล", "reason_th", width=36),
            Col("คอลัมน์", "column_th", width=18)]
    sheets.table("แถวที่ไม่ผ่าน", ["แถวที่ไม่ผ่านการตรวจสอบ: ไฟล์และเลขแถว ให้เจ้าหน้าที่แก้ไข"
                                   "ในไฟล์ต้นทาง (ไม่แสดงค่าในเซลล์ เพื่อคุ้มครองข้อมูลส่วนบุคคล)"],
                 cols, rejected, freeze_cols=0)


def write_workbook(ind: Indicators, clean: CleanDrop, out_dir: Path | str, period: Period,
                   krs: Iterable[KRDefinition] | None = None) -> Path:
    """Write ``kr_results.xlsx`` into ``out_dir``: a sheet per KR of ``krs`` (default: every
    KR krlib knows), then breakdowns, timeliness and data quality. Quarters missing from
    ``ind`` (Q1..Q of ``period``'s fiscal year) are computed from the same cleaned drop."""
    krs = list(krs if krs is not None else KRS.values())
    have = set(zip(ind.results["fiscal_year"].astype(int), ind.results["quarter"].astype(int)))
    missing = [p for p in period.quarters_to_date() if (p.fiscal_year, p.quarter) not in have]
    computed = [kr for kr in krs if kr.code not in ind.unavailable]
    trend = ind
    if missing and computed:
        more = compute(clean, missing, computed, results_only=True)  # only its results are used
        trend = Indicators(pd.concat([ind.results, more.results], ignore_index=True),
                           ind.breakdown, dict(ind.unavailable))
    path = Path(out_dir) / WORKBOOK
    sheets = _Sheets(path)
    for kr in krs:
        absent = ([t for t in kr.tables if not clean.has(t)]
                  if kr.code in ind.unavailable else None)
        kr_sheet(sheets, kr, trend, period, absent)
    breakdown_sheet(sheets, ind, period)
    timeliness_sheet(sheets, ind, period)
    quality_sheet(sheets, clean, period)
    sheets.close()
    return path
