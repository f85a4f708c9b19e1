"""Clean a data drop by the contract's rules, keeping an account of every input row.

Order (contract): exact duplicates are collapsed first; the remaining rows are then
validated in file order; among rows sharing a record id the first valid one is kept;
service rows whose id matches no kept registration / referral are orphaned. Every
input row ends kept, collapsed or rejected with a reason.

The cleaned tables hold no personal data: record ids and persons become integer codes
(``rec``, ``person``) right here, so nothing downstream (indicators, notebooks,
caches) ever sees a name, a citizen id, a birth date, a reg_id or a referral_id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from krlib import parse
from krlib.io import ROW, RawTable, in_threads
from krlib.schema import TABLES, TableSpec

UNKNOWN = "unknown"

#: Why a row was rejected: reason code -> (Thai, English) wording for reports.
REASONS: dict[str, tuple[str, str]] = {
    "missing_value": ("ไม่มีค่าในคอลัมน์ที่จำเป็น", "required value missing"),
    "invalid_date": ("อ่านวันที่ไม่ได้", "date cannot be read"),
    "date_out_of_range": ("วันที่อยู่นอกช่วง 2000-2100", "date outside 2000-01-01..2100-12-31"),
    "invalid_domain": ("ด้านการฟื้นฟูไม่ใช่หนึ่งในสี่ด้าน", "domain is not one of the four"),
    "conflicting_duplicate": ("เลขซ้ำแต่ข้อมูลต่างกัน (เก็บแถวแรก)",
                              "same id as an earlier row with different content"),
    "orphaned": ("ไม่พบทะเบียน/การส่งต่อที่อ้างถึง", "refers to no kept registration/referral"),
}

#: Flags on kept rows: counted, never rejected.
FLAGS: dict[str, tuple[str, str]] = {
    "invalid_citizen_id": ("เลขประจำตัวประชาชนไม่ถูกต้อง (ถือว่าไม่มี)",
                           "citizen id invalid (treated as missing)"),
    "unknown_district": ("ไม่ทราบเขต (นับเฉพาะภาพรวม กทม.)",
                         "district not recognised (counted in Bangkok only)"),
    "eligibility_unrecognised": ("ผลตรวจสอบสิทธิอ่านไม่ได้ (ถือว่าไม่ผ่าน)",
                                 "eligibility not recognised (not passed)"),
    "eligibility_missing": ("ไม่มีผลตรวจสอบสิทธิ (ถือว่าไม่ผ่าน)", "eligibility missing"),
    "other_service_type": ("ประเภทสวัสดิการอื่น ๆ", "service type not on the list (other)"),
}


@dataclass
class TableAccount:
    """What happened to each input row of one table."""

    table: str
    file: str
    sha256: str
    rows_in: int
    encoding: str = ""
    header_row: int = 1
    ignored_columns: list[str] = field(default_factory=list)
    kept: int = 0
    collapsed: int = 0
    reasons: Counter = field(default_factory=Counter)  # rejected rows by reason code
    flags: Counter = field(default_factory=Counter)  # kept rows by flag
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # _row, reason, column

    @property
    def rejected(self) -> int:
        return sum(self.reasons.values())

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.kept + self.collapsed + self.rejected


@dataclass
class CleanDrop:
    """Cleaned tables (no personal data) and the per-table account."""

    tables: dict[str, pd.DataFrame]
    accounts: dict[str, TableAccount]

    def has(self, table: str) -> bool:
        return table in self.tables


# --- one table ----------------------------------------------------------------------

def index_in(values: pd.Series, ids) -> np.ndarray:
    """Position of each value in ``ids`` (-1 if absent), by Arrow's hash kernel.

    pandas' ``isin`` / ``get_indexer`` on Arrow strings build the lookup set one Python
    scalar at a time, which dominates cleaning at 100k+ ids.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.index_in(pa.array(values, type=pa.string()),
                        value_set=pa.array(ids, type=pa.string()))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _is_missing(values: pd.Series) -> pd.Series:
    return values.eq("") | values.eq("-")


def _reject(reason: pd.Series, column: pd.Series, mask: pd.Series, code: str,
            col: str = "") -> None:
    """Give ``code`` to rows in ``mask`` that have no reason yet (first failing check wins)."""
    new = mask & reason.isna()
    reason[new] = code
    column[new] = col


def _validate(frame: pd.DataFrame, spec: TableSpec) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Per-row rejection reason (None = valid) in check order, and the parsed values."""
    reason = pd.Series(None, index=frame.index, dtype=object)
    column = pd.Series("", index=frame.index, dtype=object)
    parsed = pd.DataFrame(index=frame.index)
    for col in spec.required:
        _reject(reason, column, _is_missing(frame[col]), "missing_value", col)
    dates = parse.map_distinct(frame[spec.event_date], parse.parse_event_date)
    unparseable, out_of_range = dates.eq("unparseable"), dates.eq("out_of_range")
    _reject(reason, column, unparseable, "invalid_date", spec.event_date)
    _reject(reason, column, out_of_range, "date_out_of_range", spec.event_date)
    parsed["event_date"] = pd.to_datetime(dates.where(~(unparseable | out_of_range))
                                          ).astype("datetime64[s]")
    if spec.name == "rehab_services":
        domain = parse.map_distinct(frame["domain"], parse.parse_domain)
        _reject(reason, column, domain.isna(), "invalid_domain", "domain")
        parsed["category"] = domain
    if spec.name == "homeless_services":
        parsed["category"] = parse.map_distinct(frame["service_type"], parse.parse_welfare_type)
    return reason, column, parsed


def clean_table(raw: RawTable, parent_ids: np.ndarray | None = None
                ) -> tuple[pd.DataFrame, TableAccount]:
    """Clean one table; ``parent_ids`` are the kept ids a service table must reference.

    Returns the kept rows (text ids still present: :func:`clean_drop` codes them) and
    the account.
    """
    spec = TABLES[raw.name]
    frame = raw.frame
    account = TableAccount(raw.name, raw.path.name, raw.sha256, rows_in=len(frame),
                           encoding=raw.encoding, header_row=raw.header_row,
                           ignored_columns=list(raw.ignored_columns))

    collapsed = frame.duplicated(subset=list(spec.names), keep="first")
    account.collapsed = int(collapsed.sum())
    frame = frame[~collapsed]

    reason, column, parsed = _validate(frame, spec)
    if spec.id_column:
        valid = reason.isna()
        clash = frame[spec.id_column].where(valid).duplicated(keep="first") & valid
        _reject(reason, column, clash, "conflicting_duplicate", spec.id_column)
    if spec.parent:
        id_col = TABLES[spec.parent].id_column
        known = parent_ids if parent_ids is not None else []
        orphan = pd.Series(index_in(frame[id_col], known) < 0, index=frame.index)
        _reject(reason, column, orphan, "orphaned", id_col)

    rejected = reason.notna()
    account.reasons = Counter(reason[rejected].tolist())
    account.rejected_rows = pd.DataFrame(
        {"source_row": frame.loc[rejected, ROW], "reason": reason[rejected],
         "column": column[rejected]}).reset_index(drop=True)
    kept = frame[~rejected].join(parsed[~rejected])
    account.kept = len(kept)
    return kept, account


# --- cohort tables: persons and districts -------------------------------------------

def _cohort_columns(kept: pd.DataFrame, spec: TableSpec, account: TableAccount
                    ) -> pd.DataFrame:
    """Person key, district code and (registrations) eligibility of kept cohort rows."""
    present = ~_is_missing(kept["citizen_id"])
    cid = parse.parse_citizen_ids(kept["citizen_id"])
    account.flags["invalid_citizen_id"] = int((present & cid.isna()).sum())
    prefix = "reg:" if spec.id_column == "reg_id" else "ref:"
    person_key = ("cid:" + cid).where(cid.notna(), prefix + kept[spec.id_column])

    district = parse.map_distinct(kept["district"], parse.parse_district)
    account.flags["unknown_district"] = int(district.isna().sum())
    out = pd.DataFrame({ROW: kept[ROW], "id": kept[spec.id_column], "person_key": person_key,
                        "district": district.fillna(UNKNOWN), "event_date": kept["event_date"]})
    if spec.name == "homeless_registrations":
        status = parse.map_distinct(kept["eligibility"], parse.parse_eligibility)
        account.flags["eligibility_unrecognised"] = int(status.eq("unrecognised").sum())
        out["eligible"] = status.eq("passed")
    return out


def _code_ids(cohort: pd.DataFrame) -> tuple[pd.DataFrame, pd.Index]:
    """Replace text ids and person keys by integer codes.

    ``rec`` codes follow the ids' string order, so "smallest id" ties stay decidable.
    """
    ids = np.sort(cohort["id"].to_numpy().astype(str))
    coded = cohort.assign(rec=index_in(cohort["id"], ids),
                          person=pd.factorize(cohort["person_key"])[0])
    return coded.drop(columns=["id", "person_key"]), ids


def clean_drop(raw: dict[str, RawTable]) -> CleanDrop:
    """Clean every table present; cohort tables first, then their service tables."""
    tables: dict[str, pd.DataFrame] = {}
    accounts: dict[str, TableAccount] = {}
    ids_of: dict[str, np.ndarray] = {}

    def cohort(name: str) -> tuple[pd.DataFrame, np.ndarray, TableAccount]:
        kept, account = clean_table(raw[name])
        coded, ids = _code_ids(_cohort_columns(kept, TABLES[name], account))
        return coded, ids, account

    def services(name: str) -> tuple[pd.DataFrame, TableAccount]:
        spec = TABLES[name]
        parent_ids = ids_of.get(spec.parent)
        kept, account = clean_table(raw[name], parent_ids)
        id_col = TABLES[spec.parent].id_column
        rec = index_in(kept[id_col], parent_ids) if parent_ids is not None else []
        table = pd.DataFrame({ROW: kept[ROW], "rec": rec, "event_date": kept["event_date"],
                              "category": kept["category"]})
        if name == "homeless_services":
            account.flags["other_service_type"] = int(kept["category"].eq("other").sum())
        return table, account

    # The two KRs' tables are independent: clean them on two threads (see io.in_threads).
    first = [n for n in ("homeless_registrations", "rehab_referrals") if n in raw]
    for name, (coded, ids, account) in zip(first, in_threads(cohort, first)):
        tables[name], ids_of[name], accounts[name] = coded, ids, account
    second = [n for n in ("homeless_services", "rehab_services") if n in raw]
    for name, (table, account) in zip(second, in_threads(services, second)):
        tables[name], accounts[name] = table, account
    ordered = {n: accounts[n] for n in TABLES if n in accounts}
    return CleanDrop({n: tables[n] for n in TABLES if n in tables}, ordered)


def load_drop(data_dir) -> CleanDrop:
    """Read and clean a data drop folder in one call (what the CLI and notebooks use)."""
    from krlib.io import read_drop

    return clean_drop(read_drop(data_dir))
