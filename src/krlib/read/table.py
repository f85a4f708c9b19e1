"""What reading a table file gives: :class:`ParsedFile` (stage one, no pandas), then
:class:`RawTable` (stage two: the frame of text), see :mod:`krlib.read.drop`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from krlib.contract.schema import TableSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

ROW = "_row"  # source row number (1-based, as a spreadsheet shows it)


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


#: What a file's rows are before pandas: an Arrow table (CSV), CSV text for pandas'
#: tolerant parser, rows as lists of text (workbooks, odd CSVs), or None (no rows).
Body = Union["pa.Table", str, list[list[str]], None]


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
