"""The reader of delimited text (CSV / TSV / TXT): :func:`read_delimited`.

Encoding: UTF-16 when the file starts with a UTF-16 BOM (Excel's "Unicode Text"), else
UTF-8 (with or without BOM), else TIS-620 / Windows-874. Lines may end in LF, CRLF or a
lone CR (normalised to LF first, so no row is lost). The delimiter is the first of comma,
semicolon, tab (tab first for ``.tsv`` / ``.txt``) with which the header search finds the
table's required columns.

Width: columns after the header row's last non-empty cell are ignored (which bounds the
memory a header with a million empty cells takes). A row with more cells than the
header line is an error (most likely an unquoted delimiter in a value).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from krlib.contract.schema import TableSpec
from krlib.errors import InputError
from krlib.read.detect import UTF8_BOM, UTF16_BOMS, unreadable
from krlib.read.headers import MAX_TITLE_ROWS, match_header, missing_columns
from krlib.read.table import Body, ParsedFile

if TYPE_CHECKING:
    import pandas as pd

#: A CSV header line with more than this many cells beyond its last non-empty cell is
#: read row by row, truncated (Arrow would allocate a column for every empty cell).
MAX_EMPTY_TAIL = 256


class _NotUtf8(Exception):
    """The CSV bytes are not valid UTF-8 (so: TIS-620 / Windows-874)."""


_LONE_CR = re.compile(rb"\r(?!\n)")


def read_delimited(path: Path, data: bytes, spec: TableSpec) -> ParsedFile:
    """A text table: decode, normalise line ends, pick the delimiter, read the body.

    UTF-8 files (most exports) go to Arrow as bytes, undecoded; only when Arrow finds
    bytes that are not UTF-8 is the file decoded as TIS-620 / Windows-874 and re-encoded.
    UTF-16 files are decoded and re-encoded as UTF-8 first.
    """
    if data[:2] in UTF16_BOMS:
        encoding = UTF16_BOMS[data[:2]]
        try:
            data = data[2:].decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise _undecodable(path) from None
        start = 0
    elif data.startswith(UTF8_BOM):
        encoding, start = "utf-8-bom", len(UTF8_BOM)
    else:
        encoding, start = "utf-8", 0
    if b"\x00" in data:
        raise unreadable(path, "binary")
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
        header, found = match_header(head, spec)
        if header is not None:
            break
        if len(found) > len(best):
            best = found
    else:
        if error is not None and not best:
            raise error
        raise missing_columns(path, spec, best,
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
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
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
    text, for pandas' C parser, which pads short rows (:func:`csv_body_pandas`).
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


def _csv_rows_cut(path: Path, data: bytes, start: int, width: int, delimiter: str
                  ) -> list[list[str]]:
    """Rows read one by one and cut to ``width`` cells (short rows padded)."""
    try:
        text = bytes(memoryview(data)[start:]).decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    pad = [""] * width
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        return [(row[:width] + pad[len(row):]) if len(row) < width else row[:width]
                for row in reader]
    except csv.Error as exc:
        raise _broken_csv(path, exc) from None


def csv_body_pandas(path: Path, text: str, width: int, delimiter: str = ","
                    ) -> pd.DataFrame:
    """The tolerant path: short rows padded; rows with extra cells are a file error."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                io.StringIO(text), header=None, names=range(width), index_col=False,
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
