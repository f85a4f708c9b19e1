"""What a table file is, and which file of a drop holds which table.

What a file is, is decided by its bytes; the extension only orders the guesses:

- ``PK`` zip holding ``xl/workbook.xml``: an Excel workbook (``.xlsx`` / ``.xlsm``);
  holding an OpenDocument ``mimetype``: ``.ods``; an OLE2 compound file: legacy ``.xls``
  (a password-protected workbook is named as such). All three are read by
  python-calamine (:mod:`krlib.read.workbooks`). Other zips (``.xlsb``, Numbers) and
  binary files are errors naming the detected type.
- Anything else is delimited text (:mod:`krlib.read.delimited`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from krlib.contract.schema import TABLES
from krlib.errors import InputError

#: Extensions of table files (any case). The content decides how a file is read.
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
#: Spreadsheet formats krlib cannot read: a table file with one of these is an error,
#: never an absent table.
UNREADABLE_EXTENSIONS = (".xlsb", ".numbers", ".et", ".fods", ".xltx", ".xlt", ".ots")
EXTENSIONS = TEXT_EXTENSIONS + WORKBOOK_EXTENSIONS + UNREADABLE_EXTENSIONS


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``data_dir`` (any of :data:`EXTENSIONS`), or None."""
    found = [p for p in sorted(data_dir.iterdir())
             if p.is_file() and p.stem.lower() == table and p.suffix.lower() in EXTENSIONS]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputError(found[0], f"พบหลายไฟล์สำหรับตาราง {table} ({names})",
                         f"several files hold table {table} ({names})",
                         fix="keep one / เก็บไว้ไฟล์เดียว")
    return found[0] if found else None


def drop_files(data_dir: Path | str) -> dict[str, Path]:
    """The file of each table present in a data drop (table order); absent tables left out.

    A drop with no table file at all is an error: it is far more likely the wrong folder
    (or files named otherwise) than a drop where both KRs are meant to be unavailable.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(data_dir, "ไม่พบโฟลเดอร์ข้อมูล", "data directory not found",
                         setting="data")
    paths = {name: find_table_file(data_dir, name) for name in TABLES}
    found = {name: path for name, path in paths.items() if path is not None}
    if not found:
        what = "โฟลเดอร์ว่าง" if not any(data_dir.iterdir()) else "ไม่พบไฟล์ตารางใดเลย"
        what_en = "the folder is empty" if what == "โฟลเดอร์ว่าง" else "no table file found"
        raise InputError(data_dir, what, what_en,
                         fix="name files like homeless_registrations.csv / .xlsx "
                             "/ ตั้งชื่อไฟล์ตามชื่อตาราง เช่น homeless_registrations.csv")
    return found


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}

#: detected type -> (Thai, English) name used in error messages
FILE_TYPES = {
    "text": ("ไฟล์ข้อความ (CSV)", "delimited text"),
    "xlsx": ("Excel (.xlsx)", "Excel workbook (.xlsx)"),
    "xls": ("Excel 97-2003 (.xls)", "legacy Excel workbook (.xls)"),
    "ods": ("OpenDocument (.ods)", "OpenDocument spreadsheet (.ods)"),
    "xlsb": ("Excel binary (.xlsb)", "Excel binary workbook (.xlsb)"),
    "encrypted": ("Excel ที่มีรหัสผ่าน", "password-protected workbook"),
    "zip": ("ไฟล์ zip ที่ไม่ใช่ตาราง", "zip archive that is no workbook"),
    "ole": ("ไฟล์ Office ที่ไม่ใช่ Excel", "OLE2 file that is no Excel workbook"),
    "html": ("หน้าเว็บ (HTML)", "HTML page"),
    "xml-spreadsheet": ("Excel 2003 XML", "Excel 2003 XML spreadsheet"),
    "xml": ("ไฟล์ XML", "XML document"),
    "binary": ("ไฟล์ไบนารี", "binary data"),
}


def detect_type(data: bytes) -> str:
    """What the bytes of a table file are (a key of :data:`FILE_TYPES`), by content only."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "mimetype" in names and b"opendocument.spreadsheet" in data[:200]:
            return "ods"
        if "content.xml" in names:
            return "ods"
        return "zip"
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return "ole"
    if data[:2] in UTF16_BOMS:
        return "text"
    head = data[:1024].lstrip(UTF8_BOM).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        return "html"
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
            return "xml-spreadsheet"
        return "html" if b"<html" in head else "xml"
    if b"\x00" in data:
        return "binary"
    return "text"


def unreadable(path: Path, kind: str, detail: str = "") -> InputError:
    th, en = FILE_TYPES[kind]
    extra = f" ({detail})" if detail else ""
    return InputError(path, f"อ่านไฟล์ไม่ได้ (ตรวจพบว่าเป็น {th})",
                      f"cannot read the file (detected type: {en}{extra})",
                      fix="save it as .xlsx or CSV UTF-8 / บันทึกใหม่เป็น .xlsx หรือ CSV UTF-8")
