"""Write the contract's machine-readable outputs (UTF-8 CSV, ``\\n`` line ends).

Byte-identical for the same inputs: fixed column order, fixed row order, no
timestamps. Nothing here holds personal data: the frames come from
:mod:`krlib.compute.indicators` and the cleaning account.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from krlib.clean.tables import FLAGS, REASONS, CleanDrop
from krlib.compute.indicators import (
    BREAKDOWN_COLUMNS,
    DISAGGREGATION_COLUMNS,
    RESULT_COLUMNS,
    TIMELINESS_COLUMNS,
    Indicators,
)

DATA_QUALITY_COLUMNS = ["table", "rows_in", "kept", "duplicates_collapsed", "rejected",
                        "invalid_citizen_id", "unknown_district"]
CONTRACT_FILES = ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv",
                  "data_quality_reasons.csv", "kr_disaggregation.csv", "kr_timeliness.csv")
EXTRA_FILES = ("data_quality_flags.csv", "rejected_rows.csv")


def _fixed(values, decimals: int) -> list[str]:
    """Numbers with a fixed number of decimals; empty where missing."""
    return ["" if pd.isna(v) else f"{v:.{decimals}f}" for v in values]


def results_table(ind: Indicators) -> pd.DataFrame:
    """kr_results.csv as text: percent with 2 decimals, met_target true/false, empties."""
    r = ind.results[RESULT_COLUMNS].copy()
    r["percent"] = _fixed(r["percent"], 2)
    r["met_target"] = [("" if m is None or pd.isna(m) else ("true" if m else "false"))
                       for m in r["met_target"]]
    return r


def breakdown_table(ind: Indicators) -> pd.DataFrame:
    """kr_breakdown.csv: rows with 0 persons are left out (the contract allows it)."""
    b = ind.breakdown[BREAKDOWN_COLUMNS]
    return b[b["persons"] > 0]


def disaggregation_table(ind: Indicators) -> pd.DataFrame:
    """kr_disaggregation.csv: percent with 2 decimals; rows with denominator 0 left out."""
    d = ind.disaggregation[DISAGGREGATION_COLUMNS].copy()
    d = d[d["denominator"] > 0]
    d["percent"] = _fixed(d["percent"], 2)
    return d


def timeliness_table(ind: Indicators) -> pd.DataFrame:
    """kr_timeliness.csv: median_days with one decimal, empty when nobody was served."""
    t = ind.timeliness[TIMELINESS_COLUMNS].copy()
    t["median_days"] = _fixed(t["median_days"], 1)
    return t


def data_quality_table(clean: CleanDrop) -> pd.DataFrame:
    rows = [(a.table, a.rows_in, a.kept, a.collapsed, a.rejected,
             a.flags.get("invalid_citizen_id", 0), a.flags.get("unknown_district", 0))
            for a in clean.accounts.values()]
    return pd.DataFrame(rows, columns=DATA_QUALITY_COLUMNS)


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


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def write_outputs(ind: Indicators, clean: CleanDrop, out_dir: Path | str) -> list[Path]:
    """Write the six contract CSVs and the two extra ones into ``out_dir``; ``ind`` holds
    the one period they are for (see :func:`krlib.outputs.run.write_run`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "kr_results.csv": results_table(ind),
        "kr_breakdown.csv": breakdown_table(ind),
        "kr_disaggregation.csv": disaggregation_table(ind),
        "kr_timeliness.csv": timeliness_table(ind),
        "data_quality.csv": data_quality_table(clean),
        "data_quality_reasons.csv": reasons_table(clean),
        "data_quality_flags.csv": flags_table(clean),
        "rejected_rows.csv": rejected_rows_table(clean),
    }
    return [write_csv(frame, out / name) for name, frame in tables.items()]
