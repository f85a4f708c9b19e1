"""Workbook sheets too large for calamine: their real extent, and their rows streamed.

calamine allocates 32 bytes for every cell of a sheet's used range, so a stray cell at
XFD1048576 would ask for 550 GB: an ``.xlsx`` whose ``<dimension>`` is missing or larger
than :data:`MAX_DENSE_CELLS` is scanned for its real extent (:func:`xlsx_is_huge`), and
streamed row by row by openpyxl when that is too large (:func:`openpyxl_rows`); an
``.ods`` is always scanned (calamine expands every sheet on open, :func:`ods_is_huge`)
and streamed by :func:`ods_rows` when too large.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: A workbook sheet whose used range holds more cells than this is streamed (openpyxl)
#: rather than read by calamine, which allocates 32 bytes for every cell of the range.
MAX_DENSE_CELLS = 1 << 24


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _xlsx_sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the worksheet named ``sheet`` (None if not found)."""
    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", wb):
        attrs = m.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rid = re.search(r'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', attrs)
        if not name or not rid:
            continue
        import html

        if html.unescape(name.group(1)) != sheet:
            continue
        rid_value = rid.group(1) or rid.group(2)
        for rel in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)>", rels):
            if f'Id="{rid_value}"' in rel.group(1):
                found = re.search(r'Target="([^"]*)"', rel.group(1))
                if found is None:
                    return None  # a relationship without a target: calamine will say
                target = found.group(1)
                return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def xlsx_is_huge(data: bytes, sheet: str) -> bool:
    """True when an .xlsx sheet's real cells span more than :data:`MAX_DENSE_CELLS`.

    A ``<dimension>`` that says the range is small is trusted (Excel, LibreOffice and
    openpyxl write it, covering even formatted empty cells). Otherwise the sheet's XML
    is scanned, in chunks, for its last row number and its widest column reference.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        part = _xlsx_sheet_part(zf, sheet)
        if part is None:
            return False  # let calamine say what is wrong with the file
        with zf.open(part) as fh:
            head = fh.read(8192)
        m = _DIMENSION.search(head)
        if m:
            c1, r1 = _column_number(m.group(1)), int(m.group(2))
            c2, r2 = (_column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
            if c2 * r2 <= MAX_DENSE_CELLS:  # calamine's range may start at A1
                return False
        with zf.open(part) as fh:
            rows, cols = _xlsx_extent(fh)
    except (KeyError, zipfile.BadZipFile, OSError, AttributeError, ValueError, EOFError):
        return False
    return rows * cols > MAX_DENSE_CELLS


_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})[0-9]')  # a cell reference beyond column Z
_ROW_NUMBER = re.compile(rb'row\s[^>]*?\br="(\d+)"')


def _xlsx_extent(fh: IO[bytes], chunk: int = 1 << 22) -> tuple[int, int]:
    """(last row number, widest column number) of a worksheet XML stream.

    Columns A-Z are not looked at one by one: a sheet whose references all have one
    letter is counted 26 wide, so the usual export costs one regex pass per chunk.
    """
    last_row, widest, tail = 0, 26, b""
    while True:
        block = fh.read(chunk)
        if not block:
            break
        text = tail + block
        for m in _WIDE_CELL.finditer(text):
            widest = max(widest, _column_number(m.group(1)))
        cut = text.rfind(b"row ")
        while cut >= 0:
            row = _ROW_NUMBER.match(text, cut)
            if row:
                last_row = max(last_row, int(row.group(1)))
                break
            cut = text.rfind(b"row ", 0, cut)
        tail = text[-256:]
    return max(last_row, 1), widest


def openpyxl_rows(data: bytes, sheet: str) -> Iterator[list[object]]:
    """Rows of a sparse or huge .xlsx sheet, streamed (memory follows the real cells)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb[sheet]
    ws.reset_dimensions()  # a declared range of A1:XFD1048576 must not widen every row
    for row in ws.iter_rows(values_only=True):
        yield list(row)
    wb.close()


_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")


def ods_sheet_names(data: bytes) -> list[str]:
    """The sheet names of an .ods, from ``content.xml`` (empty if it cannot be read)."""
    import html

    try:
        with zipfile.ZipFile(io.BytesIO(data)).open("content.xml") as fh:
            text = fh.read()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []
    return [html.unescape(m.group(1).decode("utf-8", "replace"))
            for m in re.finditer(rb'<table:table\s[^>]*?table:name="([^"]*)"', text)]


def ods_is_huge(data: bytes, sheet: str) -> bool:
    """True when an .ods sheet's valued cells span more than :data:`MAX_DENSE_CELLS`.

    calamine expands the sheet into a dense range (and refuses above 100M cells), so a
    far-away cell must be found first: the tags of ``content.xml`` are scanned, rows and
    cells counted with their ``number-*-repeated`` attributes; a cell holds a value when
    it has ``office:value-type``.
    """
    import html

    try:
        with zipfile.ZipFile(io.BytesIO(data)).open("content.xml") as fh:
            text = fh.read()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    inside, row, col, last_row, last_col = False, 0, 0, 0, 0
    current = (0, 0)
    for m in _ODS_TAG.finditer(text):
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag == b"table":
            if closing:
                if inside:
                    break
            else:
                name = re.search(rb'table:name="([^"]*)"', attrs)
                found = name and html.unescape(name.group(1).decode("utf-8", "replace"))
                inside = found == sheet
            continue
        if not inside or closing:
            continue
        if tag == b"table-row":
            rep = re.search(rb'number-rows-repeated="(\d+)"', attrs)
            row += int(rep.group(1)) if rep else 1
            col, row_reps = 0, int(rep.group(1)) if rep else 1
            current = (row - row_reps + 1, row)
            continue
        rep = re.search(rb'number-columns-repeated="(\d+)"', attrs)
        n = int(rep.group(1)) if rep else 1
        col += n
        if b"value-type=" in attrs:
            last_col, last_row = max(last_col, col), max(last_row, current[1])
    return last_row * last_col > MAX_DENSE_CELLS


def ods_rows(data: bytes, sheet: str) -> Iterator[list[object]]:
    """Rows of a sparse or huge .ods sheet, streamed: only valued cells are expanded."""
    import xml.etree.ElementTree as ET

    T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    OFF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
    X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    fh = zipfile.ZipFile(io.BytesIO(data)).open("content.xml")
    inside = False
    for event, el in ET.iterparse(fh, events=("start", "end")):
        if el.tag == T + "table":
            if event == "start":
                inside = el.get(T + "name") == sheet
            elif inside:
                return
            continue
        if event != "end" or not inside or el.tag != T + "table-row":
            continue
        cells: list[object] = []
        pending = 0
        for cell in el:
            if cell.tag not in (T + "table-cell", T + "covered-table-cell"):
                continue
            n = int(cell.get(T + "number-columns-repeated", "1"))
            value = _ods_value(cell, OFF, X)
            if value is None:
                pending += n
                continue
            cells += [""] * pending + [value] * n
            pending = 0
        for _ in range(int(el.get(T + "number-rows-repeated", "1"))):
            yield list(cells)
        el.clear()


def _ods_value(cell: Element, OFF: str, X: str) -> object:
    """One ODS cell's typed value, as calamine gives it (None when it holds none)."""
    kind = cell.get(OFF + "value-type")
    if kind is None:
        return None
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(OFF + "value", "nan"))
    if kind == "boolean":
        return cell.get(OFF + "boolean-value") == "true"
    if kind == "date":
        raw = cell.get(OFF + "date-value", "")
        try:
            y, m, d = (int(x) for x in raw[:10].split("-"))
            return date(y, m, d)
        except ValueError:
            return raw
    if kind == "time":
        return cell.get(OFF + "time-value", "")
    return "\n".join(_ods_text(p, X) for p in cell.iter(X + "p"))


def _ods_text(el: Element, X: str) -> str:
    """The text of an ODS ``text:p``, its ``text:s`` (runs of spaces), tabs and breaks kept."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == X + "s":
            parts.append(" " * int(child.get(X + "c", "1")))
        elif child.tag == X + "tab":
            parts.append("\t")
        elif child.tag == X + "line-break":
            parts.append("\n")
        else:
            parts.append(_ods_text(child, X))
        parts.append(child.tail or "")
    return "".join(parts)
