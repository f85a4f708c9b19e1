"""Write the contract's machine-readable outputs (UTF-8 CSV, ``\\n`` line ends).

Byte-identical for the same inputs: fixed column order, fixed row order, no
timestamps. Nothing here holds personal data: the frames come from
:mod:`krlib.compute.indicators` and the cleaning account.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from krlib.clean.accounts import (
    data_quality_table,
    flags_table,
    reasons_table,
    rejected_rows_table,
)
from krlib.clean.tables import CleanDrop
from krlib.compute.indicators import (
    BREAKDOWN_COLUMNS,
    DISAGGREGATION_COLUMNS,
    RESULT_COLUMNS,
    TIMELINESS_COLUMNS,
    Indicators,
)

CONTRACT_FILES = ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv",
                  "data_quality_reasons.csv", "kr_disaggregation.csv", "kr_timeliness.csv")
EXTRA_FILES = ("data_quality_flags.csv", "rejected_rows.csv")


def _fixed(values: Iterable[float], decimals: int) -> list[str]:
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
