"""Read a data drop: find each table's file, decode it, locate the header, map the columns.

Every cell comes back as stripped text (ids never become floats, leading zeros stay).
XLSX date cells become ISO text with the year as stored, so a Buddhist-Era year typed
into a date cell is converted by the same rule as every other date. Problems with a
whole file raise :class:`~krlib.errors.InputError` (one line: file, column, what to do).
"""

from __future__ import annotations

import csv
import hashlib
import io as _io
import itertools
import math
import os
import re
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Union

from krlib.errors import InputError
from krlib.schema import TABLES, TableSpec

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Up to this many title rows may stand above the header row.
MAX_TITLE_ROWS = 10
ROW = "_row"  # source row number (1-based, as a spreadsheet shows it)
EXTENSIONS = (".csv", ".xlsx")


@dataclass
class RawTable:
    """One table as read: known columns as stripped text, plus the source row number."""

    name: str
    path: Path
    frame: pd.DataFrame
    encoding: str
    header_row: int  # 1-based row number of the header
    sha256: str
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``data_dir`` (``.csv`` or ``.xlsx``), or None if absent."""
    found = [p for p in sorted(data_dir.iterdir())
             if p.is_file() and p.stem.lower() == table and p.suffix.lower() in EXTENSIONS]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputError(found[0], f"พบหลายไฟล์สำหรับตาราง {table} ({names})",
                         f"several files hold table {table} ({names})",
                         fix="keep one / เก็บไว้ไฟล์เดียว")
    return found[0] if found else None


def drop_files(data_dir: Path | str) -> dict[str, Path]:
    """The file of each table present in a data drop (table order); absent tables left out."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(data_dir, "ไม่พบโฟลเดอร์ข้อมูล", "data directory not found",
                         fix="check --data / ตรวจสอบ --data")
    paths = {name: find_table_file(data_dir, name) for name in TABLES}
    return {name: path for name, path in paths.items() if path is not None}


def use_lean_arrow_memory() -> str:
    """Give Arrow jemalloc (or the system allocator) instead of its default, mimalloc.

    mimalloc asks for 2 MiB transparent huge pages, and each one is zeroed whole when
    first touched. Where freed memory goes back to the host between runs (a VM's balloon
    driver, as on the benchmark machine) that zeroing cost ~0.6 s of a 1.9 s
    ``krlib indicators`` on 620k rows; jemalloc touches only the pages it uses (README
    "Performance"). Called by the ``krlib`` command, not on import: a library should not
    change its host's allocator. ``ARROW_DEFAULT_MEMORY_POOL``, if set, wins.
    Returns the backend in use.
    """
    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow build without jemalloc (e.g. Windows)
            pa.set_memory_pool(pa.system_memory_pool())
    return pa.default_memory_pool().backend_name


def read_drop(data_dir: Path | str) -> dict[str, RawTable]:
    """Read every table present in a data drop; absent tables are simply not in the result."""
    found = drop_files(data_dir)
    # Tables are independent and the heavy lifting (Arrow parsing, string kernels)
    # releases the GIL, so two threads read a drop ~1.5x faster than one.
    results = in_threads(lambda name: read_table(found[name], TABLES[name]), list(found))
    return dict(zip(found, results))


def in_threads(fn, items: list) -> list:
    """``[fn(x) for x in items]`` on up to two threads; errors surface in item order."""
    if len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(2, len(items))) as pool:
        futures = [pool.submit(fn, x) for x in items]
        return [f.result() for f in futures]


#: What a file's rows are before pandas: an Arrow table (CSV), CSV text for pandas'
#: tolerant parser, XLSX rows, or None (no rows below the header).
Body = Union["pa.Table", str, list, None]


@dataclass
class ParsedFile:
    """A table file read as far as it goes without pandas: stage one of :func:`read_table`."""

    path: Path
    spec: TableSpec
    sha256: str
    encoding: str
    header_idx: int  # 0-based
    mapping: dict[int, str]  # column position -> contract column
    ignored: list[str]
    width: int
    body: Body


def read_table(path: Path | str, spec: TableSpec) -> RawTable:
    """Read one table file (CSV or XLSX) into a :class:`RawTable`."""
    return to_raw_table(parse_file(path, spec))


def parse_drop_early(data_dir: Path | str) -> dict[str, Future]:
    """Start :func:`parse_file` for every table of a drop on two background threads.

    Parsing needs only pyarrow, so a command that starts it before importing pandas
    (~0.35 s) hides most of the parse behind that import; :func:`to_raw_table` then
    finishes each table. A bad file raises its error when its result is taken.
    """
    found = drop_files(data_dir)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="krlib-parse")
    futures = {name: pool.submit(parse_file, path, TABLES[name]) for name, path in found.items()}
    pool.shutdown(wait=False)
    return futures


def parse_file(path: Path | str, spec: TableSpec) -> ParsedFile:
    """Bytes, hash, encoding, header and the rows of one table file (no pandas)."""
    path = Path(path)
    data = path.read_bytes()
    if not data or data.isspace():
        raise InputError(path, "ไฟล์ว่างเปล่า", "the file is empty",
                         fix="export the table again / ส่งออกข้อมูลใหม่")
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".xlsx":
        grid, encoding = _xlsx_grid(path, data, spec), "xlsx"
        header_idx, mapping, ignored = _find_header(path, grid, spec)
        width = max(len(grid[header_idx]), max(mapping) + 1)
        body: Body = [r + [""] * (width - len(r)) for r in grid[header_idx + 1:]]
    else:
        body, encoding, header_idx, mapping, ignored, width = _read_csv(path, data, spec)
    return ParsedFile(path, spec, digest, encoding, header_idx, mapping, ignored, width, body)


def to_raw_table(parsed: ParsedFile) -> RawTable:
    """Stage two of :func:`read_table`: the parsed rows as a frame of stripped text."""
    import pandas as pd

    p, width = parsed, parsed.width
    if p.body is None:
        raw = pd.DataFrame(columns=range(width))
    elif isinstance(p.body, str):
        raw = _csv_body_pandas(p.path, p.body, width)
    elif isinstance(p.body, list):
        raw = pd.DataFrame(p.body, columns=range(width), dtype=object)
    else:
        raw = p.body.to_pandas()
        raw.columns = range(width)
    frame = _frame(raw, p.mapping, p.spec, first_row=p.header_idx + 2)
    if frame.empty:
        raise InputError(p.path, "มีแต่หัวตาราง ไม่มีข้อมูล", "the table has a header but no data rows",
                         fix="export the rows too / ส่งออกพร้อมข้อมูล")
    return RawTable(p.spec.name, p.path, frame, p.encoding, p.header_idx + 1, p.sha256,
                    p.ignored)


_BOM = b"\xef\xbb\xbf"


class _NotUtf8(Exception):
    """The CSV bytes are not valid UTF-8 (so: TIS-620 / Windows-874)."""


def _read_csv(path: Path, data: bytes, spec: TableSpec
              ) -> tuple[Body, str, int, dict[int, str], list[str], int]:
    """A CSV table: body, encoding, header index, column mapping, ignored headers, width.

    UTF-8 files (most exports) go to Arrow as bytes, undecoded; only when Arrow finds
    bytes that are not UTF-8 is the file decoded as TIS-620 / Windows-874 and re-encoded.
    """
    if b"\x00" in data:
        raise InputError(path, "ไม่ใช่ไฟล์ CSV (พบข้อมูลไบนารี)", "not a CSV text file (binary data)",
                         fix="save as CSV UTF-8 or XLSX / บันทึกเป็น CSV หรือ XLSX")
    if data.startswith(_BOM):
        encoding, start = "utf-8-bom", len(_BOM)
    else:
        encoding, start = "utf-8", 0
    try:
        return _csv_table(path, data, start, spec, encoding)
    except _NotUtf8:
        if encoding == "utf-8-bom":
            raise _undecodable(path) from None
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise _undecodable(path) from None
    return _csv_table(path, text.encode("utf-8"), 0, spec, "cp874")


def _undecodable(path: Path) -> InputError:
    return InputError(path, "อ่านรหัสอักขระไม่ได้ (ไม่ใช่ UTF-8 หรือ TIS-620)",
                      "unknown text encoding (neither UTF-8 nor TIS-620/Windows-874)",
                      fix="save as CSV UTF-8 / บันทึกเป็น CSV UTF-8")


def _csv_table(path: Path, data: bytes, start: int, spec: TableSpec, encoding: str
               ) -> tuple[Body, str, int, dict[int, str], list[str], int]:
    """Header search in the first rows, then the body from ``data[start:]`` (UTF-8 bytes)."""
    cut = _after_line(data, 8 * (MAX_TITLE_ROWS + 1), start)
    try:
        head_text = data[start:cut].decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    head, line_ends = _csv_head(path, head_text)
    header_idx, mapping, ignored = _find_header(path, head, spec)
    body_start = _after_line(data, line_ends[header_idx], start)
    width = max(len(head[header_idx]), max(mapping) + 1)
    body = _csv_body(path, data, body_start, width)
    return body, encoding, header_idx, mapping, ignored, width


def _csv_head(path: Path, text: str) -> tuple[list[list[str]], list[int]]:
    """The first rows of a CSV (title rows have other widths, so read them one by one),
    with the number of physical lines each row ends on."""
    try:
        reader = csv.reader(_io.StringIO(text, newline=""), strict=True)
        rows, ends = [], []
        for row in itertools.islice(reader, MAX_TITLE_ROWS + 1):
            rows.append(row)
            ends.append(reader.line_num)
        return rows, ends
    except csv.Error as exc:
        raise _broken_csv(path, exc) from None


def _after_line(data: bytes, n: int, start: int = 0) -> int:
    """Offset just after the n-th newline from ``start`` (or the end of the data)."""
    pos = start - 1
    for _ in range(n):
        pos = data.find(b"\n", pos + 1)
        if pos < 0:
            return len(data)
    return pos + 1


_NOT_SPACE = re.compile(rb"\S")


def _csv_body(path: Path, data: bytes, start: int, width: int) -> Body:
    """The rows of ``data[start:]``, all as text, by pyarrow's multithreaded CSV reader.

    Blank lines are kept (and dropped later as non-records) so row numbers stay true.
    Files it cannot take as a clean rectangle (rows with fewer cells) are returned as
    text, for pandas' C parser, which pads short rows (:func:`_csv_body_pandas`).
    None if there is no row. Raises :class:`_NotUtf8` on bytes that are not UTF-8.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if _NOT_SPACE.search(data, start) is None:
        return None
    if data.count(b'"', start) % 2:
        raise _broken_csv(path, ValueError("a quoted cell is never closed"))
    names = [str(i) for i in range(width)]
    body = pa.BufferReader(pa.py_buffer(memoryview(data)[start:]))
    try:
        table = pacsv.read_csv(
            body,
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc):
            raise _NotUtf8 from None
        try:
            return bytes(memoryview(data)[start:]).decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8 from None
    return table


def _csv_body_pandas(path: Path, text: str, width: int) -> pd.DataFrame:
    """The tolerant path: short rows padded; rows with extra cells are a file error."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                _io.StringIO(text), header=None, names=range(width), index_col=False,
                dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                engine="c").fillna("")
        except pd.errors.ParserWarning:
            raise InputError(path, "บางแถวมีจำนวนช่องมากกว่าหัวตาราง",
                             "some rows have more cells than the header (an unquoted comma?)",
                             fix="re-export the file from Excel / ส่งออกไฟล์ใหม่") from None
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise _broken_csv(path, exc) from None


def _broken_csv(path: Path, exc: Exception) -> InputError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputError(path, "รูปแบบ CSV เสีย (เช่น เครื่องหมายคำพูดไม่ครบคู่)",
                      f"broken CSV ({detail})",
                      fix="re-export the file from Excel / ส่งออกไฟล์ใหม่")


def _xlsx_grid(path: Path, data: bytes, spec: TableSpec) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(_io.BytesIO(data))
        names = wb.sheet_names
        wanted = {spec.name.lower(), spec.th}
        sheet = next((n for n in names if n.strip().lower() in wanted or n.strip() in wanted),
                     names[0])
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for corrupt files
        raise InputError(path, "เปิดไฟล์ XLSX ไม่ได้ (ไฟล์เสียหรือไม่ใช่ Excel)",
                         f"cannot open as XLSX ({type(exc).__name__})",
                         fix="re-save it in Excel as .xlsx / บันทึกใหม่เป็น .xlsx") from None
    return [[_cell_text(c) for c in row] for row in rows]


def _cell_text(value: object) -> str:
    """One XLSX cell as text: dates as ISO with the stored year, integral numbers as ints."""
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
    if value is None:
        return ""
    return str(value)


def header_key(text: str) -> str:
    """Compare headers without surrounding spaces and case (English names)."""
    return " ".join(str(text).split()).lower()


def _header_lookup(spec: TableSpec) -> dict[str, str]:
    lookup = {}
    for col in spec.columns:
        lookup[header_key(col.name)] = col.name
        lookup[header_key(col.th)] = col.name
    return lookup


def _find_header(path: Path, grid: list[list[str]], spec: TableSpec
                 ) -> tuple[int, dict[int, str], list[str]]:
    """First row among the top rows that holds every required column (English or Thai)."""
    lookup = _header_lookup(spec)
    best: tuple[int, set[str]] = (-1, set())
    for idx, row in enumerate(grid[:MAX_TITLE_ROWS + 1]):
        mapping: dict[int, str] = {}
        for pos, cell in enumerate(row):
            name = lookup.get(header_key(cell))
            if name is not None and name not in mapping.values():
                mapping[pos] = name
        found = set(mapping.values())
        if set(spec.required) <= found:
            ignored = [c.strip() for pos, c in enumerate(row) if pos not in mapping and c.strip()]
            return idx, mapping, ignored
        if len(found) > len(best[1]):
            best = (idx, found)
    missing = [c for c in spec.required if c not in best[1]]
    th = {c.name: c.th for c in spec.columns}
    names = ", ".join(f"{c} ({th[c]})" for c in missing)
    raise InputError(path, f"ไม่พบคอลัมน์ที่จำเป็น {names}", f"required column missing: {names}",
                     column=missing[0],
                     fix="add the column with its English or Thai header "
                         "/ เพิ่มคอลัมน์โดยใช้ชื่อภาษาอังกฤษหรือภาษาไทย")


def _frame(raw: pd.DataFrame, mapping: dict[int, str], spec: TableSpec,
           first_row: int) -> pd.DataFrame:
    """Known columns as stripped text; rows with no text in any cell are not records."""
    import pandas as pd

    position = {name: pos for pos, name in mapping.items()}
    # every reader fills cells with text, never with NA: no fillna (it costs a full scan)
    stripped = {pos: raw[pos].astype(str).str.strip() for pos in raw.columns}
    data = {col: stripped[position[col]] if col in position else "" for col in spec.names}
    frame = pd.DataFrame(data, index=raw.index)
    frame.insert(0, ROW, raw.index.to_numpy() + first_row)
    if len(raw):
        blank = pd.concat([s.eq("") for s in stripped.values()], axis=1).all(axis=1)
        frame = frame[~blank.to_numpy()]
    return frame.reset_index(drop=True)
