"""Read a data drop: find each table's file, decode it, locate the header, map the columns.

Every cell comes back as text after the contract's value rules (:func:`normalise_cells`:
NFC, ``ํ``+``า`` read as ``ำ``, zero-width characters removed, non-breaking spaces read
as spaces, stripped, one leading apostrophe removed); ids never become floats, leading
zeros stay. Problems with a whole file raise :class:`~krlib.errors.InputError` (one line:
file, column, what to do).

What a file is, is decided by its bytes; the extension only orders the guesses:

- ``PK`` zip holding ``xl/workbook.xml``: an Excel workbook (``.xlsx`` / ``.xlsm``);
  holding an OpenDocument ``mimetype``: ``.ods``; an OLE2 compound file: legacy ``.xls``
  (a password-protected workbook is named as such). All three are read by
  python-calamine. Other zips (``.xlsb``, Numbers) and binary files are errors naming
  the detected type.
- Anything else is delimited text: UTF-16 when it starts with a UTF-16 BOM (Excel's
  "Unicode Text"), else UTF-8 (with or without BOM), else TIS-620 / Windows-874. Lines
  may end in LF, CRLF or a lone CR (normalised to LF first, so no row is lost). The
  delimiter is the first of comma, semicolon, tab (tab first for ``.tsv`` / ``.txt``)
  with which the header search finds the table's required columns.

Workbooks: the sheet named like the table (English or Thai, any case, or their first 31
characters), else the first sheet. Cell types are used where the contract says so:

- a numeric cell (int or float, never a boolean) in a ``citizen_id`` column becomes its
  integer digits left-padded with zeros to 13; a non-integral or >= 10**13 number stays
  as its text (and is then an invalid id);
- a date cell dated 1930-1999 in the table's event-date column is a two-digit Buddhist
  year read as 19YY: 57 years are added and the row is marked in
  :attr:`RawTable.repaired_dates`; an impossible result (29 February) is left as the
  impossible ISO text, so the row is rejected as ``invalid_date``;
- other date cells become ISO text with the year as stored (a year >= 2400 is BE, for
  the parser); times of day are dropped;
- a numeric cell in a date column (event or birth date) becomes the integer text of its
  whole part (an Excel serial day for the parser); other whole numbers are integers
  (``1001``, not ``1001.0``), other numbers Python's ``repr``; booleans ``TRUE``/``FALSE``.

Width: columns after the header row's last non-empty cell are ignored (in CSV files too,
which bounds the memory a header with a million empty cells takes). A CSV row with more
cells than the header line is an error (most likely an unquoted delimiter in a value).
calamine allocates 32 bytes for every cell of a sheet's used range, so a stray cell at
XFD1048576 would ask for 550 GB: an ``.xlsx`` whose ``<dimension>`` is missing or larger
than :data:`MAX_DENSE_CELLS` is scanned for its real extent, and streamed row by row by
openpyxl when that is too large; an ``.ods`` is always scanned (calamine expands every
sheet on open) and streamed by :func:`_ods_rows` when too large. Rows with no cell at all
are dropped as they are read (their numbers stay true), so a sheet of empty rows costs
nothing. Warnings about a file (a known column that appears twice) are in
:attr:`RawTable.notes`.
"""

from __future__ import annotations

import csv
import hashlib
import io as _io
import itertools
import math
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Union

from krlib.contract.schema import TABLES, TableSpec
from krlib.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

#: Up to this many title rows may stand above the header row.
MAX_TITLE_ROWS = 10
ROW = "_row"  # source row number (1-based, as a spreadsheet shows it)
#: Extensions of table files (any case). The content decides how a file is read.
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
#: Spreadsheet formats krlib cannot read: a table file with one of these is an error,
#: never an absent table.
UNREADABLE_EXTENSIONS = (".xlsb", ".numbers", ".et", ".fods", ".xltx", ".xlt", ".ots")
EXTENSIONS = TEXT_EXTENSIONS + WORKBOOK_EXTENSIONS + UNREADABLE_EXTENSIONS
#: A workbook sheet whose used range holds more cells than this is streamed (openpyxl)
#: rather than read by calamine, which allocates 32 bytes for every cell of the range.
MAX_DENSE_CELLS = 1 << 24
#: A CSV header line with more than this many cells beyond its last non-empty cell is
#: read row by row, truncated (Arrow would allocate a column for every empty cell).
MAX_EMPTY_TAIL = 256


@dataclass
class RawTable:
    """One table as read: known columns as text after the value rules, plus the row number."""

    name: str
    path: Path
    frame: pd.DataFrame
    encoding: str  # utf-8, utf-8-bom, utf-16-le, utf-16-be, cp874, or xlsx / xls / ods
    header_row: int  # 1-based row number of the header
    sha256: str
    ignored_columns: list[str] = field(default_factory=list)
    #: Warnings about this file (one line each, Thai / English, naming file and column,
    #: never a cell value), e.g. a known column that appears twice.
    notes: list[str] = field(default_factory=list)
    #: One bool per frame row: its event date was a 19YY date cell repaired to BE 25YY.
    repaired_dates: np.ndarray | None = None
    file_type: str = ""  # text / xlsx / xls / ods (as detected from the content)
    delimiter: str = ""  # text files: "," ";" or "\t"
    sheet: str = ""  # workbooks: the sheet read

    @property
    def rows(self) -> int:
        return len(self.frame)


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
#: tolerant parser, rows as lists of text (workbooks, odd CSVs), or None (no rows).
Body = Union["pa.Table", str, list, None]


@dataclass
class ParsedFile:
    """A table file read as far as it goes without pandas: stage one of :func:`read_table`."""

    path: Path
    spec: TableSpec
    sha256: str
    encoding: str
    header_idx: int  # 0-based
    mapping: dict[int, str]  # column position -> contract column (first candidate)
    ignored: list[str]
    width: int
    body: Body
    #: contract column -> every position whose header names it (duplicates: > 1)
    candidates: dict[str, list[int]] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)  # the header row's cells (text)
    #: event-date position -> one bool per body row (a 19YY date cell was repaired)
    repaired: dict[int, list[bool]] = field(default_factory=dict)
    file_type: str = "text"
    delimiter: str = ""
    sheet: str = ""
    text_width: int = 0  # CSV: cells in the header line (Arrow's column count)
    #: list bodies: each row's 0-based position below the header (rows with no cell at
    #: all are left out of the body, so a sheet of empty rows costs nothing); None: 0..n-1
    row_index: list[int] | None = None
    col_offset: int = 0  # workbooks: columns left of the first one read (for names)


def read_table(path: Path | str, spec: TableSpec) -> RawTable:
    """Read one table file (text or workbook) into a :class:`RawTable`."""
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


# --- what a file is -------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOM = b"\xef\xbb\xbf"
_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}

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
            names = set(zipfile.ZipFile(_io.BytesIO(data)).namelist())
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
    if data[:2] in _UTF16:
        return "text"
    head = data[:1024].lstrip(_BOM).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        return "html"
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
            return "xml-spreadsheet"
        return "html" if b"<html" in head else "xml"
    if b"\x00" in data:
        return "binary"
    return "text"


def _unreadable(path: Path, kind: str, detail: str = "") -> InputError:
    th, en = FILE_TYPES[kind]
    extra = f" ({detail})" if detail else ""
    return InputError(path, f"อ่านไฟล์ไม่ได้ (ตรวจพบว่าเป็น {th})",
                      f"cannot read the file (detected type: {en}{extra})",
                      fix="save it as .xlsx or CSV UTF-8 / บันทึกใหม่เป็น .xlsx หรือ CSV UTF-8")


def parse_file(path: Path | str, spec: TableSpec) -> ParsedFile:
    """Bytes, hash, type, encoding, header and the rows of one table file (no pandas)."""
    path = Path(path)
    data = path.read_bytes()
    if not data or data.isspace():
        raise InputError(path, "ไฟล์ว่างเปล่า", "the file is empty",
                         fix="export the table again / ส่งออกข้อมูลใหม่")
    digest = hashlib.sha256(data).hexdigest()
    kind = detect_type(data)
    if kind in ("xlsx", "xls", "ods"):
        parsed = _read_workbook(path, data, spec, kind)
    elif kind == "text":
        parsed = _read_csv(path, data, spec)
    else:
        raise _unreadable(path, kind)
    parsed.sha256 = digest
    return parsed


# --- the value rules ---------------------------------------------------------------------

#: zero-width characters removed, non-breaking spaces read as spaces
_TRANSLATE = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff")),
              0x00A0: " ", 0x202F: " "}


def normalise_text(text: str) -> str:
    """One cell after the contract's value rules (see :func:`normalise_cells`)."""
    if not text.isascii():
        text = text.translate(_TRANSLATE)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if "\u0e4d\u0e32" in text:
            text = text.replace("\u0e4d\u0e32", "\u0e33")
    text = text.strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


#: Cells the Arrow trim alone does not finish: a leading apostrophe, any character
#: outside ASCII and the Thai block (ํ U+0E4D excluded: it may be half of ำ), or Thai
#: marks in an order NFC changes (a tone mark before a below-vowel or phinthu, or a
#: below-vowel before phinthu: canonical classes 107 > 103 > 9).
_NEEDS_PYTHON = ("^'|[^\\x{00}-\\x{7F}\\x{0E01}-\\x{0E4C}\\x{0E4E}-\\x{0E5B}]"
                 "|[\\x{0E48}-\\x{0E4B}][\\x{0E38}-\\x{0E3A}]|[\\x{0E38}\\x{0E39}]\\x{0E3A}")


def normalise_cells(values) -> pa.Array:
    """The contract's value rules on a column of text, vectorised (Arrow).

    Every cell: zero-width characters (U+200B-U+200D, U+2060, U+FEFF) removed, NBSP and
    narrow NBSP read as spaces, NFC, ``ํ`` + ``า`` read as ``ำ``, surrounding spaces
    removed, then one leading apostrophe and the spaces after it. Cells of ASCII and
    plain Thai need only Arrow's trim (:data:`_NEEDS_PYTHON` finds the others); those
    are fixed once per distinct value.
    Takes an Arrow array / chunked array or anything ``pa.array`` takes; returns an Arrow
    string array (chunked when given one).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values, type=pa.string())
    elif values.type != pa.string():
        values = values.cast(pa.string())
    if _few_distinct(values):
        return _normalise_by_dictionary(values)
    trimmed = pc.utf8_trim_whitespace(values)
    odd = _needs_python(trimmed)
    if not pc.any(odd).as_py():
        return trimmed
    todo = pc.unique(trimmed.filter(odd))
    if isinstance(todo, pa.ChunkedArray):
        todo = todo.combine_chunks()
    fixed = pa.array([normalise_text(s) for s in todo.to_pylist()], type=pa.string())
    at = pc.index_in(trimmed, value_set=todo)
    return pc.if_else(odd, pc.take(fixed, at), trimmed)


_SAMPLE, _FEW = 2000, 100  # a column whose first 2,000 cells hold <= 100 values is coded


def _few_distinct(values) -> bool:
    """Whether a long column looks coded (sex, district, service type...): its value
    rules are then cheaper on its distinct values (:func:`_normalise_by_dictionary`)."""
    import pyarrow.compute as pc

    return len(values) >= 5 * _SAMPLE and pc.count_distinct(
        values.slice(0, _SAMPLE)).as_py() <= _FEW


def _normalise_by_dictionary(values):
    """:func:`normalise_cells` of each distinct value, mapped back (same result)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(values)
    chunks = coded.chunks if isinstance(coded, pa.ChunkedArray) else [coded]
    out = [pc.take(normalise_cells(c.dictionary), c.indices) for c in chunks]
    if isinstance(coded, pa.ChunkedArray):
        return pa.chunked_array(out, type=pa.string())
    return out[0]


def _needs_python(trimmed):
    """Cells :data:`_NEEDS_PYTHON` matches. An ASCII cell can only match its ``^'``, so
    the regex (RE2, ~45 ns a cell) runs on the other cells only (~4x less time on a
    column of ids or dates)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    quoted = pc.starts_with(trimmed, "'")
    other = pc.invert(pc.string_is_ascii(trimmed))
    n_other = pc.sum(other).as_py() or 0
    if not n_other:
        return quoted
    if n_other * 5 > len(trimmed):  # much Thai: the regex on the whole column is cheaper
        return pc.match_substring_regex(trimmed, _NEEDS_PYTHON)
    found = pc.match_substring_regex(trimmed.filter(other), _NEEDS_PYTHON)
    if isinstance(trimmed, pa.ChunkedArray):  # replace_with_mask takes arrays
        quoted, other, found = (a.combine_chunks() for a in (quoted, other, found))
        return pa.chunked_array([pc.replace_with_mask(quoted, other, found)])
    return pc.replace_with_mask(quoted, other, found)


_HEADER_NOISE = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")


def header_key(text: str) -> str:
    """A header as compared: value rules, then case, spaces, underscores, hyphens ignored."""
    return _HEADER_NOISE.sub("", normalise_text(str(text))).casefold()


def _header_lookup(spec: TableSpec) -> dict[str, str]:
    lookup = {}
    for col in spec.columns:
        for header in (col.name, col.th, *col.aliases):
            lookup[header_key(header)] = col.name
    return lookup


# --- finding the header --------------------------------------------------------------------

def _trimmed(row: list[str]) -> list[str]:
    """A row without its trailing empty cells (bounds the width of header candidates)."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


@dataclass
class _Header:
    idx: int
    mapping: dict[int, str]
    candidates: dict[str, list[int]]
    ignored: list[str]
    width: int
    cells: list[str]


def _match_header(grid: list[list[str]], spec: TableSpec) -> tuple[_Header | None, set[str]]:
    """First row among the top rows holding every required column; else the best columns."""
    lookup = _header_lookup(spec)
    best: set[str] = set()
    for idx, row in enumerate(grid[:MAX_TITLE_ROWS + 1]):
        row = _trimmed(row)
        candidates: dict[str, list[int]] = {}
        for pos, cell in enumerate(row):
            name = lookup.get(header_key(cell)) if cell else None
            if name is not None:
                candidates.setdefault(name, []).append(pos)
        if set(spec.required) <= set(candidates):
            order = {n: i for i, n in enumerate(spec.names)}
            candidates = dict(sorted(candidates.items(), key=lambda kv: order[kv[0]]))
            mapping = {pos[0]: name for name, pos in candidates.items()}
            known = {p for pos in candidates.values() for p in pos}
            ignored = [normalise_text(c) for pos, c in enumerate(row)
                       if pos not in known and normalise_text(c)]
            return _Header(idx, mapping, candidates, ignored, len(row), row), set()
        if len(candidates) > len(best):
            best = set(candidates)
    return None, best


def _missing_columns(path: Path, spec: TableSpec, found: set[str], extra_en: str = ""
                     ) -> InputError:
    missing = [c for c in spec.required if c not in found]
    th = {c.name: c.th for c in spec.columns}
    names = ", ".join(f"{c} ({th[c]})" for c in missing)
    return InputError(path, f"ไม่พบคอลัมน์ที่จำเป็น {names}",
                      f"required column missing: {names}{extra_en}", column=missing[0],
                      fix="add the column with its English or Thai header "
                          "/ เพิ่มคอลัมน์โดยใช้ชื่อภาษาอังกฤษหรือภาษาไทย")


# --- delimited text ----------------------------------------------------------------------

class _NotUtf8(Exception):
    """The CSV bytes are not valid UTF-8 (so: TIS-620 / Windows-874)."""


_LONE_CR = re.compile(rb"\r(?!\n)")


def _read_csv(path: Path, data: bytes, spec: TableSpec) -> ParsedFile:
    """A text table: decode, normalise line ends, pick the delimiter, read the body.

    UTF-8 files (most exports) go to Arrow as bytes, undecoded; only when Arrow finds
    bytes that are not UTF-8 is the file decoded as TIS-620 / Windows-874 and re-encoded.
    UTF-16 files are decoded and re-encoded as UTF-8 first.
    """
    if data[:2] in _UTF16:
        encoding = _UTF16[data[:2]]
        try:
            data = data[2:].decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise _undecodable(path) from None
        start = 0
    elif data.startswith(_BOM):
        encoding, start = "utf-8-bom", len(_BOM)
    else:
        encoding, start = "utf-8", 0
    if b"\x00" in data:
        raise _unreadable(path, "binary")
    if b"\r" in data and _LONE_CR.search(data):  # lone CRs (old Mac): every CR ends a line
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        return _csv_table(path, data, start, spec, encoding)
    except _NotUtf8:
        if encoding != "utf-8":
            raise _undecodable(path) from None
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise _undecodable(path) from None
    return _csv_table(path, text.encode("utf-8"), 0, spec, "cp874")


def _undecodable(path: Path) -> InputError:
    return InputError(path, "อ่านรหัสอักขระไม่ได้ (ไม่ใช่ UTF-8, UTF-16 หรือ TIS-620)",
                      "unknown text encoding (neither UTF-8, UTF-16 nor TIS-620/Windows-874)",
                      fix="save as CSV UTF-8 / บันทึกเป็น CSV UTF-8")


def _delimiters(path: Path) -> tuple[str, ...]:
    if path.suffix.lower() in (".tsv", ".txt"):
        return ("\t", ",", ";")
    return (",", ";", "\t")


def _csv_table(path: Path, data: bytes, start: int, spec: TableSpec, encoding: str
               ) -> ParsedFile:
    """Header search in the first rows (each delimiter in turn), then the body."""
    cut = _after_line(data, 8 * (MAX_TITLE_ROWS + 1), start)
    try:
        head_text = data[start:cut].decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    best: set[str] = set()
    error: InputError | None = None
    for delimiter in _delimiters(path):
        try:
            head, line_ends = _csv_head(path, head_text, delimiter)
        except InputError as exc:
            error = error or exc
            continue
        header, found = _match_header(head, spec)
        if header is not None:
            break
        if len(found) > len(best):
            best = found
    else:
        if error is not None and not best:
            raise error
        raise _missing_columns(path, spec, best,
                               " (tried comma, semicolon and tab as the delimiter)")
    body_start = _after_line(data, line_ends[header.idx], start)
    text_width = len(head[header.idx])
    body = _csv_body(path, data, body_start, text_width, header.width, delimiter)
    return ParsedFile(path, spec, "", encoding, header.idx, header.mapping, header.ignored,
                      header.width, body, header.candidates, header.cells,
                      file_type="text", delimiter=delimiter, text_width=text_width)


def _csv_head(path: Path, text: str, delimiter: str = ","
              ) -> tuple[list[list[str]], list[int]]:
    """The first rows of a CSV (title rows have other widths, so read them one by one),
    with the number of physical lines each row ends on."""
    try:
        reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
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


def _csv_body(path: Path, data: bytes, start: int, text_width: int, width: int,
              delimiter: str = ",") -> Body:
    """The rows of ``data[start:]``, all as text, by pyarrow's multithreaded CSV reader.

    Blank lines are kept (and dropped later as non-records) so row numbers stay true.
    Files it cannot take as a clean rectangle (rows with fewer cells) are returned as
    text, for pandas' C parser, which pads short rows (:func:`_csv_body_pandas`).
    A header line far wider than its last non-empty cell is read row by row, each row
    cut to ``width``. None if there is no row. Raises :class:`_NotUtf8` on bytes that
    are not UTF-8.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    if _NOT_SPACE.search(data, start) is None:
        return None
    if data.count(b'"', start) % 2:
        raise _broken_csv(path, ValueError("a quoted cell is never closed"))
    if text_width > width + MAX_EMPTY_TAIL:
        return _csv_rows_cut(path, data, start, width, delimiter)
    names = [str(i) for i in range(text_width)]
    body = pa.BufferReader(pa.py_buffer(memoryview(data)[start:]))
    try:
        table = pacsv.read_csv(
            body,
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                             newlines_in_values=True),
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
    return table.select(list(range(width))) if width < text_width else table


def _csv_rows_cut(path: Path, data: bytes, start: int, width: int, delimiter: str) -> list:
    """Rows read one by one and cut to ``width`` cells (short rows padded)."""
    try:
        text = bytes(memoryview(data)[start:]).decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    pad = [""] * width
    try:
        reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        return [(row[:width] + pad[len(row):]) if len(row) < width else row[:width]
                for row in reader]
    except csv.Error as exc:
        raise _broken_csv(path, exc) from None



def _csv_body_pandas(path: Path, text: str, width: int, delimiter: str = ","
                     ) -> pd.DataFrame:
    """The tolerant path: short rows padded; rows with extra cells are a file error."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                _io.StringIO(text), header=None, names=range(width), index_col=False,
                dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                sep=delimiter, engine="c").fillna("")
        except pd.errors.ParserWarning:
            raise InputError(path, "บางแถวมีจำนวนช่องมากกว่าหัวตาราง",
                             "some rows have more cells than the header "
                             "(an unquoted delimiter in a value?)",
                             fix="re-export the file from Excel / ส่งออกไฟล์ใหม่") from None
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            if re.search(r"Expected \d+ fields", str(exc)):
                raise InputError(path, "บางแถวมีจำนวนช่องมากกว่าหัวตาราง",
                                 "some rows have more cells than the header "
                                 "(an unquoted delimiter in a value?)",
                                 fix="re-export the file from Excel / ส่งออกไฟล์ใหม่") from None
            raise _broken_csv(path, exc) from None


def _broken_csv(path: Path, exc: Exception) -> InputError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputError(path, "รูปแบบ CSV เสีย (เช่น เครื่องหมายคำพูดไม่ครบคู่)",
                      f"broken CSV ({detail})",
                      fix="re-export the file from Excel / ส่งออกไฟล์ใหม่")


# --- workbooks -------------------------------------------------------------------------

def _sheet_for(names: list[str], spec: TableSpec) -> str:
    """The sheet named like the table (English or Thai, any case, or first 31 chars)."""
    wanted = {header_key(n) for n in (spec.name, spec.th, spec.name[:31], spec.th[:31])}
    return next((n for n in names if header_key(n) in wanted), names[0])


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


def _xlsx_is_huge(data: bytes, sheet: str) -> bool:
    """True when an .xlsx sheet's real cells span more than :data:`MAX_DENSE_CELLS`.

    A ``<dimension>`` that says the range is small is trusted (Excel, LibreOffice and
    openpyxl write it, covering even formatted empty cells). Otherwise the sheet's XML
    is scanned, in chunks, for its last row number and its widest column reference.
    """
    try:
        zf = zipfile.ZipFile(_io.BytesIO(data))
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


def _xlsx_extent(fh, chunk: int = 1 << 22) -> tuple[int, int]:
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


_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")


def _ods_sheet_names(data: bytes) -> list[str]:
    """The sheet names of an .ods, from ``content.xml`` (empty if it cannot be read)."""
    import html

    try:
        with zipfile.ZipFile(_io.BytesIO(data)).open("content.xml") as fh:
            text = fh.read()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []
    return [html.unescape(m.group(1).decode("utf-8", "replace"))
            for m in re.finditer(rb'<table:table\s[^>]*?table:name="([^"]*)"', text)]


def _ods_is_huge(data: bytes, sheet: str) -> bool:
    """True when an .ods sheet's valued cells span more than :data:`MAX_DENSE_CELLS`.

    calamine expands the sheet into a dense range (and refuses above 100M cells), so a
    far-away cell must be found first: the tags of ``content.xml`` are scanned, rows and
    cells counted with their ``number-*-repeated`` attributes; a cell holds a value when
    it has ``office:value-type``.
    """
    import html

    try:
        with zipfile.ZipFile(_io.BytesIO(data)).open("content.xml") as fh:
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


def _ods_rows(data: bytes, sheet: str) -> Iterator[list]:
    """Rows of a sparse or huge .ods sheet, streamed: only valued cells are expanded."""
    import xml.etree.ElementTree as ET

    T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    OFF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
    X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    fh = zipfile.ZipFile(_io.BytesIO(data)).open("content.xml")
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
        cells: list = []
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


def _ods_value(cell, OFF: str, X: str) -> object:
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


def _ods_text(el, X: str) -> str:
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


def _open_rows(path: Path, data: bytes, spec: TableSpec, kind: str
               ) -> tuple[str, Iterator[list], int]:
    """The chosen sheet's name, its rows (lists of typed cells, from row 1) and the
    number of empty columns left of the first cell of each row (calamine skips them)."""
    from python_calamine import CalamineWorkbook

    if kind == "ods":  # calamine reads every sheet of an .ods when it opens it
        names = _ods_sheet_names(data)
        if names:
            sheet = _sheet_for(names, spec)
            if _ods_is_huge(data, sheet):
                return sheet, _ods_rows(data, sheet), 0
    try:
        wb = CalamineWorkbook.from_filelike(_io.BytesIO(data))
        names = wb.sheet_names
        if not names:
            raise ValueError("no sheet")
        sheet = _sheet_for(names, spec)
        if kind == "xlsx" and _xlsx_is_huge(data, sheet):
            return sheet, _openpyxl_rows(data, sheet), 0
        ws = wb.get_sheet_by_name(sheet)
        rows, offset = ws.iter_rows(), (ws.start[1] if ws.start else 0)
    except Exception as exc:  # calamine raises several types for corrupt files
        raise _unreadable(path, kind, type(exc).__name__) from None
    return sheet, rows, offset


def _openpyxl_rows(data: bytes, sheet: str) -> Iterator[list]:
    """Rows of a sparse or huge .xlsx sheet, streamed (memory follows the real cells)."""
    import openpyxl

    wb = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    ws = wb[sheet]
    ws.reset_dimensions()  # a declared range of A1:XFD1048576 must not widen every row
    for row in ws.iter_rows(values_only=True):
        yield list(row)
    wb.close()


def _read_workbook(path: Path, data: bytes, spec: TableSpec, kind: str) -> ParsedFile:
    """A workbook table: sheet, header in the top rows, the body rows as text."""
    sheet, rows, offset = _open_rows(path, data, spec, kind)
    try:
        typed_top = [list(r) for r in itertools.islice(rows, MAX_TITLE_ROWS + 1)]
        top = [[_cell_text(c) for c in row] for row in typed_top]
        header, best = _match_header(top, spec)
        if header is None:
            raise _missing_columns(path, spec, best)
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
        raise _unreadable(path, kind, type(exc).__name__) from None
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

    def row(self, cells: list, repaired: dict[int, list[bool]]) -> list[str]:
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


# --- stage two: the frame ------------------------------------------------------------------

def to_raw_table(parsed: ParsedFile) -> RawTable:
    """Stage two of :func:`read_table`: the parsed rows as a frame of text after the value
    rules; a known column that appears twice is resolved here (it needs the values)."""
    import numpy as np

    p = parsed
    columns = _columns(p)
    n_rows = len(columns[0]) if columns else 0
    frame, chosen, notes, keep = _frame(columns, n_rows, p, first_row=p.header_idx + 2,
                                        row_index=p.row_index)
    if frame.empty:
        raise InputError(p.path, "มีแต่หัวตาราง ไม่มีข้อมูล",
                         "the table has a header but no data rows",
                         fix="export the rows too / ส่งออกพร้อมข้อมูล")
    event_pos = chosen.get(p.spec.event_date)
    flags = p.repaired.get(event_pos) if event_pos is not None else None
    repaired = (np.asarray(flags, dtype=bool)[keep] if flags
                else np.zeros(len(frame), dtype=bool))
    ignored = list(p.ignored)
    for name, positions in p.candidates.items():
        ignored += [normalise_text(p.headers[q]) for q in positions if q != chosen[name]]
    return RawTable(p.spec.name, p.path, frame, p.encoding, p.header_idx + 1, p.sha256,
                    ignored, notes, repaired, p.file_type, p.delimiter, p.sheet)


def _columns(p: ParsedFile) -> list:
    """Each of the ``width`` columns of the body as an Arrow string array."""
    import pyarrow as pa

    width = p.width
    if p.body is None:
        return [pa.array([], type=pa.string()) for _ in range(width)]
    if isinstance(p.body, str):
        raw = _csv_body_pandas(p.path, p.body, p.text_width or width, p.delimiter or ",")
        return [pa.array(raw[i].astype(str), type=pa.string()) for i in range(width)]
    if isinstance(p.body, list):
        if not p.body:
            return [pa.array([], type=pa.string()) for _ in range(width)]
        return [pa.array(col, type=pa.string()) for col in zip(*p.body)]
    return [p.body.column(i) for i in range(width)]


def _has_value(column) -> bool:
    """Whether a column (after the value rules) holds any cell other than empty or ``-``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = pa.array(["", "-"], type=pa.string())
    return bool(pc.any(pc.invert(pc.is_in(column, value_set=missing))).as_py())


def _frame(columns: list, n_rows: int, p: ParsedFile, first_row: int,
           row_index: list[int] | None = None):
    """Known columns after the value rules; rows with no text in any cell are not records.

    Returns the frame, the position used for each known column, the notes (duplicate
    columns) and the mask of the body rows kept (not blank).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    spec = p.spec
    clean = [normalise_cells(c) for c in columns]
    chosen: dict[str, int] = {}
    notes: list[str] = []
    for name, positions in (p.candidates or {v: [k] for k, v in p.mapping.items()}).items():
        use = next((q for q in positions if _has_value(clean[q])), positions[0])
        chosen[name] = use
        if len(positions) > 1:
            others = ", ".join(_col_name(p, q) for q in positions if q != use)
            used = _col_name(p, use)
            notes.append(
                f"{p.path.name}: คอลัมน์ {name} ซ้ำ ใช้คอลัมน์ {used} ไม่ใช้ {others} / "
                f"column {name} appears {len(positions)} times: using {used}, "
                f"ignoring {others}")
    if n_rows:
        blank = np.ones(n_rows, dtype=bool)
        for c in clean:
            blank &= pc.equal(c, "").to_numpy(zero_copy_only=False)
        keep = ~blank
    else:
        keep = np.zeros(0, dtype=bool)
    mask = pa.array(keep)
    rows = np.flatnonzero(keep)
    if row_index is not None and n_rows:
        rows = np.asarray(row_index, dtype=np.int64)[rows]
    data: dict[str, object] = {ROW: rows + first_row}
    for col in spec.names:
        if col in chosen:
            values = clean[chosen[col]]
            data[col] = (values.filter(mask) if n_rows else values).to_pandas()
        else:
            data[col] = ""
    frame = pd.DataFrame(data)
    return frame, chosen, notes, keep


def _col_name(p: ParsedFile, pos: int) -> str:
    """A column as a warning names it: its letters in the sheet and its header."""
    return f"{_col_label(pos + p.col_offset)} '{normalise_text(p.headers[pos])}'"


def _col_label(pos: int) -> str:
    """A 0-based column position as a spreadsheet's column letters (0 -> A)."""
    label, n = "", pos + 1
    while n:
        n, rem = divmod(n - 1, 26)
        label = chr(65 + rem) + label
    return label
