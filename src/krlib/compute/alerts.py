"""Warnings: what a run must say out loud although it succeeds (contract, "Warnings").

A warning is raised when a single rejection reason takes more than 20 % of a table's
rows (``rows_in``), or when a KR's cohort is empty for the period although its cohort
table has kept rows; every remark of the file reader (``TableAccount.notes``, e.g. a
duplicate column) is passed on too. Each names the table, the reason, the rows, their
share and a hint at the likely cause, in Thai and English, and never a cell value.

``krlib indicators`` prints them on stderr and into manifest.json; reports show them as
a banner (``Prepared.warnings``); ``--strict`` turns any of them into exit code 3. The
Thai message (``message_th``, what the banner shows) names a table by its Thai name with
the file in parentheses, ``การส่งต่อเพื่อฟื้นฟูสภาพทางสังคม (rehab_referrals.csv)``.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from krlib.clean.tables import REASONS, CleanDrop
from krlib.contract.kr import KRS, KRDefinition
from krlib.contract.periods import Period
from krlib.contract.schema import TABLES
from krlib.errors import StrictWarningError

if TYPE_CHECKING:
    from krlib.compute.indicators import Indicators

#: A reason above this share of a table's rows is a warning (strictly more than 20 %).
SHARE_LIMIT = 0.20
BMA = "BMA"

#: The likely cause of each rejection reason: (Thai, English).
HINTS: dict[str, tuple[str, str]] = {
    "missing_value": ("หัวคอลัมน์ที่ krlib ไม่รู้จัก หรือคอลัมน์ว่าง",
                      "a column header not recognised or an empty column"),
    "invalid_date": ("วันที่อยู่ในรูปแบบที่ krlib อ่านไม่ได้ หรือโปรแกรมตารางคำนวณแปลงวันที่เป็นตัวเลข",
                     "dates in a form krlib cannot read, or a spreadsheet turned them into "
                     "numbers"),
    "date_out_of_range": ("ปีพิมพ์ผิด (สลับ พ.ศ./ค.ศ.) หรือโปรแกรมตารางคำนวณอ่านปีสองหลักเป็น 19xx",
                          "years typed wrongly (BE and CE mixed up), or a two-digit year read "
                          "as 19xx by a spreadsheet"),
    "invalid_domain": ("ด้านการฟื้นฟูเขียนไม่ตรงกับ 1-4 หรือชื่อด้านทั้งสี่",
                       "domains written other than 1-4 or the four domain names"),
    "conflicting_duplicate": ("ใช้เลขเดียวกันกับหลายระเบียน หรือส่งออกไฟล์ซ้ำหลังแก้ไข",
                              "one id used for several records, or rows exported twice "
                              "after edits"),
    "orphaned": ("{id} ในสองไฟล์เขียนไม่เหมือนกัน หรือไฟล์ทะเบียนไม่ครบ",
                 "{id} written differently in the two files, or the parent file is "
                 "incomplete"),
    "invalid_record": ("เขียนระเบียนโดยไม่มี reg: หรือ ref: นำหน้าเลข",
                       "records written without their reg: / ref: prefix"),
    "mixed_tables": ("จับคู่ทะเบียนคนไร้บ้านกับการส่งต่อ ซึ่งเป็นคนละตาราง",
                     "a registration paired with a referral: a link joins records of one table"),
    "self_link": ("พิมพ์ระเบียนเดียวกันทั้งสองช่อง", "the same record typed in both columns"),
    "unknown_record": ("ระเบียนที่อ้างถึงถูกปฏิเสธ หรือเขียนเลขไม่ตรงกับไฟล์ทะเบียน/การส่งต่อ",
                       "the record named was rejected, or its id is written differently "
                       "from the registration / referral file"),
}
EMPTY_COHORT_HINT = ("ไม่มีระเบียนในช่วงเวลานี้{extra}: ตรวจปีงบประมาณ/ไตรมาส และวันที่ในไฟล์",
                     "no record dated in the period window{extra_en}: check the fiscal year "
                     "and quarter asked for, and the file's dates")


@dataclass(frozen=True)
class DataWarning:
    """One warning: counts and wording only, never a cell value."""

    kind: str  # "rejections", "empty_cohort" or "note"
    table: str
    reason: str  # a REASONS code, "empty_cohort" or "note"
    rows: int
    share: float  # rows / the table's rows_in, 0..1 (4 decimals)
    message_th: str
    message_en: str
    hint: str = ""  # "Thai / English"
    kr_code: str | None = None

    @property
    def line(self) -> str:
        """One line: ``table: reason rows (share %) — hint``, Thai / English."""
        if self.kind == "note":
            return f"{self.table}: {self.message_en}"  # the reader's own words
        head = f"{self.table}: {self.reason}"
        if self.kind == "empty_cohort":
            return (f"{head} (KR {self.kr_code}) 0 ใน {self.rows} แถวที่ใช้ได้ / "
                    f"0 of {self.rows} kept rows — {self.hint}")
        return f"{head} {self.rows} ({100 * self.share:.1f} %) — {self.hint}"

    def to_dict(self) -> dict[str, object]:
        """What manifest.json and prepared.json hold (``line`` included)."""
        return {**asdict(self), "line": self.line}


#: The name the project's brief uses for it.
Warning = DataWarning  # noqa: A001


def table_th(table: str, file: str = "") -> str:
    """A table as a Thai reader knows it: ``ทะเบียนคนไร้บ้าน (homeless_registrations.csv)``."""
    spec = TABLES.get(table)
    name = spec.th if spec is not None else str(table)
    return f"{name} ({file})" if file else name


def _note(table: str, file: str, note: str) -> tuple[str, str]:
    """A reader's remark (``file: Thai / English``) as (Thai, as written): the Thai one
    names the table in Thai, without the English half."""
    th = note.partition(" / ")[0]
    th = th.removeprefix(f"{file}: ") if file else th
    return f"{table_th(table, file)}: {th}", note


def _share(rows: int, total: int) -> float:
    return round(rows / total, 4) if total else 0.0


def _hint(reason: str, table: str) -> str:
    th, en = HINTS[reason]
    parent = TABLES[table].parent
    id_col = TABLES[parent].id_column if parent else ""
    return f"{th.format(id=id_col)} / {en.format(id=id_col)}"


def _results(indicators_or_results: Indicators | pd.DataFrame
             ) -> tuple[pd.DataFrame, dict[str, str]]:
    if isinstance(indicators_or_results, pd.DataFrame):
        return indicators_or_results, {}
    return indicators_or_results.results, dict(indicators_or_results.unavailable)


def _cohort_persons(results: pd.DataFrame, kr_code: str, period: Period) -> int | None:
    """The KR's Bangkok denominator for ``period``; None if it was not computed."""
    r = results
    row = r[(r["kr_code"].astype(str) == kr_code) & (r["scope_code"] == BMA)
            & (r["fiscal_year"].astype(int) == period.fiscal_year)
            & (r["quarter"].astype(int) == period.quarter)]
    return None if row.empty else int(row["denominator"].iloc[0])


def collect(clean: CleanDrop, indicators_or_results: Indicators | pd.DataFrame, period: Period,
            krs: dict[str, KRDefinition] | None = None) -> list[DataWarning]:
    """Every warning of a run, in a fixed order: per table (contract order) its reader
    notes then its reasons (REASONS order), then empty cohorts (KR order)."""
    out: list[DataWarning] = []
    for table in TABLES:
        account = clean.accounts.get(table)
        if account is None:
            continue
        for note in getattr(account, "notes", []):
            note = " ".join(str(note).split())  # one line, whatever the reader wrote
            out.append(DataWarning("note", table, "note", 0, 0.0,
                                   *_note(table, str(account.file or ""), note)))
        for reason in REASONS:
            rows = int(account.reasons.get(reason, 0))
            if not rows or rows <= SHARE_LIMIT * account.rows_in:
                continue
            share = _share(rows, account.rows_in)
            th, en = REASONS[reason]
            out.append(DataWarning(
                "rejections", table, reason, rows, share,
                f"{table_th(table, account.file)}: {rows:,} แถว ({100 * share:.1f} %) "
                f"ถูกปฏิเสธ: {th}",
                f"{table} ({account.file}): {rows} rows ({100 * share:.1f} %) rejected: {en}",
                _hint(reason, table)))
    results, unavailable = _results(indicators_or_results)
    krs = dict(KRS, **(krs or {}))
    for code, kr in krs.items():
        account = clean.accounts.get(kr.cohort_table)
        if code in unavailable or account is None or account.kept == 0:
            continue
        if _cohort_persons(results, code, period) != 0:
            continue
        where = ", ".join(f"{col} = {'/'.join(vals)}" for col, vals in kr.cohort_where.items())
        extra = f" ที่ตรงเงื่อนไข {where}" if where else ""
        extra_en = f" matching {where}" if where else ""
        th, en = (EMPTY_COHORT_HINT[0].format(extra=extra),
                  EMPTY_COHORT_HINT[1].format(extra_en=extra_en))
        out.append(DataWarning(
            "empty_cohort", kr.cohort_table, "empty_cohort", account.kept,
            _share(account.kept, account.rows_in),
            f"KR {code}: ไม่มีผู้อยู่ในกลุ่มเป้าหมายในช่วง{period.label_th} แม้ตาราง"
            f"{table_th(kr.cohort_table, account.file)} มี {account.kept:,} แถวที่ใช้ได้",
            f"KR {code}: the cohort of {period.label} is empty although {kr.cohort_table} "
            f"has {account.kept} kept rows",
            f"{th} / {en}", kr_code=code))
    return out


def as_dicts(warnings: list[DataWarning]) -> list[dict[str, object]]:
    return [w.to_dict() for w in warnings]


def announce(warnings: list[DataWarning], stream: TextIO | None = None) -> None:
    """Print each warning as ``krlib: warning: <line>`` (stderr by default)."""
    stream = stream if stream is not None else sys.stderr
    for w in warnings:
        print(f"krlib: warning: {w.line}", file=stream)


def check_strict(warnings: list[DataWarning]) -> None:
    """``--strict``: any warning ends the command with exit code 3."""
    if warnings:
        raise StrictWarningError(len(warnings))
