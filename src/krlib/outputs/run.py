"""One run's machine-readable outputs, the same for ``krlib indicators`` and ``krlib report``.

:func:`start_run` reads and cleans the drop once, computes the KRs (the period alone, or
with the quarters a report compares it with) and announces the contract's warnings;
:func:`write_run` writes the contract CSVs and ``kr_results.xlsx``;
:func:`write_run_manifest` hashes everything the folder holds, so it comes last.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from krlib.clean.tables import CleanDrop, load_drop
from krlib.compute import alerts
from krlib.compute.prepare import Prepared, prepare_clean, sources_of
from krlib.contract.kr import KRDefinition
from krlib.contract.periods import Period
from krlib.outputs.csvs import write_outputs
from krlib.outputs.manifest import write_manifest
from krlib.outputs.provenance import data_folder_name
from krlib.outputs.workbook import write_workbook


@dataclass
class Run:
    """A cleaned drop and its aggregates (``prep``), with the warnings they raised."""

    data_dir: Path
    clean: CleanDrop
    prep: Prepared
    warnings: list[alerts.DataWarning]

    @property
    def period(self) -> Period:
        return self.prep.period


def start_run(data_dir: Path, period: Period, krs: Mapping[str, KRDefinition], *,
              history: bool, early: dict[str, Any] | None = None) -> Run:
    """Clean ``data_dir`` and compute ``krs`` for ``period`` (with ``history``: also its
    fiscal year's earlier quarters and the previous fiscal year, as a report shows them).

    A KR whose tables are missing and every contract warning are printed on stderr.
    ``early``: the files' parsing already started (:func:`krlib.read.drop.parse_drop_early`).
    """
    clean = load_drop(data_dir, early)
    prep = prepare_clean(clean, period, krs=dict(krs), history=history)
    for reason in prep.indicators.unavailable.values():
        print(f"krlib: warning: {reason}", file=sys.stderr)
    warnings = alerts.collect(clean, prep.indicators, period, prep.krs)
    alerts.announce(warnings)
    return Run(Path(data_dir), clean, prep, warnings)


def write_run(folder: Path, run: Run) -> None:
    """The contract CSVs (the period's rows) and ``kr_results.xlsx`` into ``folder``."""
    ind = run.prep.indicators
    write_outputs(ind.for_period(run.period), run.clean, folder)
    write_workbook(ind, run.clean, folder, run.period, run.prep.krs.values())


def write_run_manifest(folder: Path, run: Run, command: str, **parameters: Any) -> Path:
    """``manifest.json``: the inputs, the parameters (the data folder by its name only),
    the warnings and every file ``folder`` holds now."""
    params = {"command": command, "fiscal_year": run.period.fiscal_year,
              "quarter": run.period.quarter, "data": data_folder_name(run.data_dir),
              "unavailable": run.prep.indicators.unavailable, **parameters}
    return write_manifest(folder, sources_of(run.clean), params,
                          warnings=alerts.as_dicts(run.warnings))
