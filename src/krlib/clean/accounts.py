"""The row account of a cleaned drop as tables: what data_quality.csv,
data_quality_reasons.csv, data_quality_flags.csv and rejected_rows.csv hold, and what the
reports' data-quality sections show. Counts, row numbers and codes only: no cell value.
"""

from __future__ import annotations

import pandas as pd

from krlib.clean.tables import FLAGS, REASONS, CleanDrop
from krlib.contract.schema import LINKS

DATA_QUALITY_COLUMNS = ["table", "rows_in", "kept", "duplicates_collapsed", "rejected",
                        "invalid_citizen_id", "unknown_district"]
#: The column a drop with person_links adds to data_quality.csv, last: per cohort table,
#: how many fewer persons its records make because of the links (0 for the other tables).
MERGED_COLUMN = "merged_by_links"


def data_quality_table(clean: CleanDrop) -> pd.DataFrame:
    """data_quality.csv; ``merged_by_links`` only when the drop holds person_links, so
    a drop without it gives the same file as before contract v3."""
    rows = [(a.table, a.rows_in, a.kept, a.collapsed, a.rejected,
             a.flags.get("invalid_citizen_id", 0), a.flags.get("unknown_district", 0))
            for a in clean.accounts.values()]
    frame = pd.DataFrame(rows, columns=DATA_QUALITY_COLUMNS)
    if LINKS in clean.accounts:
        frame[MERGED_COLUMN] = [a.merged_by_links or 0 for a in clean.accounts.values()]
    return frame


def reasons_table(clean: CleanDrop) -> pd.DataFrame:
    """data_quality_reasons.csv: rejected rows by table and reason (sums to ``rejected``)."""
    rows = [(a.table, code, a.reasons[code])
            for a in clean.accounts.values() for code in REASONS if a.reasons.get(code)]
    return pd.DataFrame(rows, columns=["table", "reason", "rows"])


def flags_table(clean: CleanDrop) -> pd.DataFrame:
    """data_quality_flags.csv: kept rows carrying a flag (counted, not rejected)."""
    rows = [(a.table, code, a.flags[code])
            for a in clean.accounts.values() for code in FLAGS if a.flags.get(code)]
    return pd.DataFrame(rows, columns=["table", "flag", "rows"])


def rejected_rows_table(clean: CleanDrop) -> pd.DataFrame:
    """rejected_rows.csv: where each rejected row is, so staff can fix their source file.

    Only the file name, row number, reason, column and the row's district code where its
    own district cell names one: no cell values (no personal data).
    """
    parts = [a.rejected_rows.assign(table=a.table, source_file=a.file)
             for a in clean.accounts.values() if len(a.rejected_rows)]
    cols = ["table", "source_file", "source_row", "reason", "column", "district"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]
