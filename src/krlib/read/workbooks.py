"""The reader of workbooks (``.xlsx`` / ``.xlsm``, ``.xls``, ``.ods``): :func:`read_workbook`.

The sheet named like the table (English or Thai, any case, or their first 31
characters), else the first sheet. Cell types are used where the contract says so:

- a numeric cell (int or float, never a boolean) in a ``citizen_id`` column becomes its
  integer digits left-padded with zeros to 13; a non-integral or >= 10**13 number stays
  as its text (and is then an invalid id);
- a date cell dated 1930-1999 in the table's event-date column is a two-digit Buddhist
  year read as 19YY: 57 years are added and the row is marked in
  :attr:`~krlib.read.table.RawTable.repaired_dates`; an impossible result (29 February)
  is left as the impossible ISO text, so the row is rejected as ``invalid_date``;
- other date cells become ISO text with the year as stored (a year >= 2400 is BE, for
  the parser); times of day are dropped;
- a numeric cell in a date column (event or birth date) becomes the integer text of its
  whole part (an Excel serial day for the parser); other whole numbers are integers
  (``1001``, not ``1001.0``), other numbers Python's ``repr``; booleans ``TRUE``/``FALSE``.

Width: columns after the header row's last non-empty cell are ignored. Sheets too large
for calamine are read by :mod:`krlib.read.huge_sheets`. Rows with no cell at all are
dropped as they are read (their numbers stay true), so a sheet of empty rows costs
nothing.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from krlib.contract.schema import TableSpec
from krlib.errors import InputError
from krlib.read.detect import unreadable
from krlib.read.headers import MAX_TITLE_ROWS, header_key, match_header, missing_columns
from krlib.read.huge_sheets import (
    ods_is_huge,
    ods_rows,
    ods_sheet_names,
    openpyxl_rows,
    xlsx_is_huge,
)
from krlib.read.table import ParsedFile


def _sheet_for(names: list[str], spec: TableSpec) -> str:
    """The sheet named like the table (English or Thai, any case, or first 31 chars)."""
    wanted = {header_key(n) for n in (spec.name, spec.th, spec.name[:31], spec.th[:31])}
    return next((n for n in names if header_key(n) in wanted), names[0])


def _open_rows(path: Path, data: bytes, spec: TableSpec, kind: str
               ) -> tuple[str, Iterator[Sequence[object]], int]:
    """The chosen sheet's name, its rows (lists of typed cells, from row 1) and the
    number of empty columns left of the first cell of each row (calamine skips them)."""
    from python_calamine import CalamineWorkbook

    if kind == "ods":  # calamine reads every sheet of an .ods when it opens it
        names = ods_sheet_names(data)
        if names:
            sheet = _sheet_for(names, spec)
            if ods_is_huge(data, sheet):
                return sheet, ods_rows(data, sheet), 0
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if not names:
            raise ValueError("no sheet")
        sheet = _sheet_for(names, spec)
        if kind == "xlsx" and xlsx_is_huge(data, sheet):
            return sheet, openpyxl_rows(data, sheet), 0
        ws = wb.get_sheet_by_name(sheet)
        rows, offset = ws.iter_rows(), (ws.start[1] if ws.start else 0)
    except Exception as exc:  # calamine raises several types for corrupt files
        raise unreadable(path, kind, type(exc).__name__) from None
    return sheet, rows, offset


def read_workbook(path: Path, data: bytes, spec: TableSpec, kind: str) -> ParsedFile:
    """A workbook table: sheet, header in the top rows, the body rows as text."""
    sheet, rows, offset = _open_rows(path, data, spec, kind)
    try:
        typed_top = [list(r) for r in itertools.islice(rows, MAX_TITLE_ROWS + 1)]
        top = [[_cell_text(c) for c in row] for row in typed_top]
        header, best = match_header(top, spec)
        if header is None:
            raise missing_columns(path, spec, best)
        convert = _converters(spec, header.candidates, header.width)
        repaired: dict[int, list[bool]] = {p: [] for p in convert.event_positions}
        body, index = [], []
        for i, row in enumerate(itertools.chain(typed_top[header.idx + 1:], rows)):
            if any(c is not None and c != "" for c in row[:header.width]):
                body.append(convert.row(row, repaired))
                index.append(i)
    except InputError:
        raise
    except Exception as exc:  # calamine / openpyxl errors while reading cells
        raise unreadable(path, kind, type(exc).__name__) from None
    return ParsedFile(path, spec, "", kind, header.idx, header.mapping, header.ignored,
                      header.width, body or None, header.candidates, header.cells, repaired,
                      file_type=kind, sheet=sheet, row_index=index, col_offset=offset)


def _cell_text(value: object) -> str:
    """One workbook cell as text: dates as ISO with the stored year, whole numbers as ints."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if value is None:
        return ""
    return str(value)


def _citizen_cell(value: object) -> str:
    """A citizen-id cell: a number is its integer digits padded to 13 (Excel drops 0s)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not (math.isfinite(value) and value == int(value)):
            return repr(value)
        n = int(value)
        return f"{n:013d}" if 0 <= n < 10**13 else str(n)
    return _cell_text(value)


def _date_cell(value: object) -> str:
    """A date-column cell: a number is the integer text of its whole part (a serial)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        return str(math.floor(value))
    return _cell_text(value)


def _event_cell(value: object) -> tuple[str, bool]:
    """An event-date cell, and whether a 19YY date cell was repaired to BE 25YY (+57)."""
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        if 1930 <= day.year <= 1999:
            try:
                return day.replace(year=day.year + 57).isoformat(), True
            except ValueError:  # 29 February of a year that is no leap year 57 years on
                return f"{day.year + 57:04d}-{day.month:02d}-{day.day:02d}", False
        return day.isoformat(), False
    return _date_cell(value), False


@dataclass
class _Converters:
    width: int
    special: dict[int, Callable[[object], str]]  # position -> cell function
    event_positions: tuple[int, ...]

    def row(self, cells: Sequence[object], repaired: dict[int, list[bool]]) -> list[str]:
        cells = list(cells[:self.width])
        if len(cells) < self.width:
            cells += [""] * (self.width - len(cells))
        out = [_cell_text(c) for c in cells]
        for pos, fn in self.special.items():
            out[pos] = fn(cells[pos])
        for pos in self.event_positions:
            out[pos], flag = _event_cell(cells[pos])
            repaired[pos].append(flag)
        return out


def _converters(spec: TableSpec, candidates: dict[str, list[int]], width: int) -> _Converters:
    special: dict[int, Callable[[object], str]] = {}
    for pos in candidates.get("citizen_id", []):
        special[pos] = _citizen_cell
    for pos in candidates.get("birth_date", []):
        special[pos] = _date_cell
    events = tuple(candidates.get(spec.event_date, []))
    return _Converters(width, special, events)
