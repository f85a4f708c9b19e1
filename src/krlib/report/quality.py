"""The full cleaning account of a data drop, for notebooks/data_quality.ipynb.

Counts and source row numbers only: no cell values, so no personal data.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from krlib.clean.tables import FLAGS, REASONS, CleanDrop
from krlib.contract.schema import LINKS, TABLES
from krlib.report.view import html_block, html_table


def _table(name: str) -> str:
    """Thai table name with its key (the key is what the CSV files use)."""
    return f"{TABLES[name].th} ({name})"


def files_table(clean: CleanDrop) -> HTML:
    return html_table(pd.DataFrame([{
        "ตาราง": _table(a.table), "ไฟล์": a.file, "รหัสอักขระ": a.encoding,
        "แถวหัวตาราง": a.header_row, "คอลัมน์ที่ข้าม": ", ".join(a.ignored_columns) or "–",
        "SHA-256": a.sha256} for a in clean.accounts.values()]))


def account_table(clean: CleanDrop) -> HTML:
    links = LINKS in clean.accounts  # person_links: how many records it merged, per table
    return html_table(pd.DataFrame([{
        "ตาราง": _table(a.table), "แถวที่อ่าน": a.rows_in, "เก็บไว้": a.kept, "รวม (ซ้ำ)": a.collapsed,
        "ปฏิเสธ": a.rejected, "ตรงกัน": "✔" if a.reconciles else "✘",
        **({"นับรวมกับบุคคลอื่นตามการยืนยัน": a.merged_by_links or 0} if links else {})}
        for a in clean.accounts.values()]))


def reasons_table(clean: CleanDrop) -> HTML:
    rows = []
    for a in clean.accounts.values():
        rows += [{"ตาราง": _table(a.table), "ผล": "ปฏิเสธ", "รหัส": code, "คำอธิบาย": REASONS[code][0],
                  "แถว": a.reasons[code]} for code in REASONS if a.reasons.get(code)]
        rows += [{"ตาราง": _table(a.table), "ผล": "เก็บไว้", "รหัส": code, "คำอธิบาย": FLAGS[code][0],
                  "แถว": a.flags[code]} for code in FLAGS if a.flags.get(code)]
    if not rows:
        return html_block("<p>ไม่มีแถวที่ถูกปฏิเสธหรือมีข้อสังเกต</p>")
    return html_table(pd.DataFrame(rows))


def rejected_locations(clean: CleanDrop, limit: int = 20) -> HTML:
    """Per table and reason: the column and the first source rows (up to ``limit``)."""
    rows = []
    for a in clean.accounts.values():
        rej = a.rejected_rows
        if rej.empty:
            continue
        for (reason, column), grp in rej.groupby(["reason", "column"], sort=True):
            nums = grp["source_row"].tolist()
            shown = ", ".join(map(str, nums[:limit])) + (" …" if len(nums) > limit else "")
            rows.append({"ไฟล์": a.file, "เหตุผล": REASONS.get(reason, (reason,))[0],
                         "รหัสเหตุผล": reason, "คอลัมน์": column, "จำนวน": len(nums),
                         "แถวในไฟล์": shown})
    if not rows:
        return html_block("<p>ไม่มีแถวที่ถูกปฏิเสธ</p>")
    return html_table(pd.DataFrame(rows))
