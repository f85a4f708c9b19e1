"""Everything a report shows, as aggregates only: the input to every notebook.

A batch cleans the drop once, computes every KR for Q1..Q, and saves the result as one
small JSON file keyed by the inputs' SHA-256; each notebook then loads it in
milliseconds. Run by hand on a raw drop, a notebook calls :func:`prepare` itself and
gets the same object. It holds counts only: no row, no id, no name ever reaches a
notebook.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import pandas as pd

from krlib import __version__
from krlib.clean.accounts import data_quality_table, flags_table, reasons_table
from krlib.clean.tables import CleanDrop, load_drop
from krlib.compute.indicators import (
    BREAKDOWN_COLUMNS,
    DISAGGREGATION_COLUMNS,
    RESULT_COLUMNS,
    TIMELINESS_COLUMNS,
    Indicators,
    compute,
)
from krlib.contract.kr import KRS, KRDefinition, load_krs
from krlib.contract.periods import MIN_FISCAL_YEAR, Period

FORMAT = "krlib-prepared/2"
DISTRICT_QUALITY_COLUMNS = ["table", "kind", "code", "district", "rows"]


class Source(TypedDict):
    """One input file, as prepared.json and manifest.json list it."""

    table: str
    file: str
    sha256: str
    rows_in: int


@dataclass
class Prepared:
    """Aggregates for one period: KR results for Q1..Q, breakdowns, the cleaning account."""

    period: Period
    indicators: Indicators
    quality: pd.DataFrame  # data_quality.csv rows
    reasons: pd.DataFrame  # table, reason, rows
    flags: pd.DataFrame  # table, flag, rows
    sources: list[Source] = field(default_factory=list)
    #: the definitions computed, in report order (the notebooks loop over them)
    krs: dict[str, KRDefinition] = field(default_factory=lambda: dict(KRS))
    #: how the figures were computed: {"cumulative": bool, "rounding": str}
    method: dict[str, Any] = field(
        default_factory=lambda: {"cumulative": True, "rounding": "half_up"})
    #: krlib.compute.alerts, as dicts (a banner)
    warnings: list[dict[str, object]] = field(default_factory=list)
    data_as_of: str = ""  # ISO date of the latest event date in the drop ("" if none)
    #: table, kind (rejected / collapsed / flagged), code, district, rows: each district's
    #: own data quality, where the row's district is known.
    district_quality: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=DISTRICT_QUALITY_COLUMNS))

    @property
    def inputs_key(self) -> str:
        """One hash of every input file's SHA-256: the cache key of this preparation."""
        joined = "\n".join(f"{s['table']}:{s['sha256']}" for s in self.sources)
        return hashlib.sha256(joined.encode()).hexdigest()

    def to_json(self) -> str:
        doc = {
            "format": FORMAT,
            "krlib_version": __version__,
            "fiscal_year": self.period.fiscal_year,
            "quarter": self.period.quarter,
            "sources": self.sources,
            "unavailable": self.indicators.unavailable,
            "results": _records(self.indicators.results),
            "breakdown": _records(self.indicators.breakdown),
            "disaggregation": _records(self.indicators.disaggregation),
            "timeliness": _records(self.indicators.timeliness),
            "krs": [kr.to_dict() for kr in self.krs.values()],
            "method": self.method,
            "quality": _records(self.quality),
            "reasons": _records(self.reasons),
            "flags": _records(self.flags),
            "warnings": self.warnings,
            "data_as_of": self.data_as_of,
            "district_quality": _records(self.district_quality),
        }
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> Prepared:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"{path}: not a krlib prepared file")
        results = pd.DataFrame(doc["results"], columns=RESULT_COLUMNS)
        results["percent"] = results["percent"].astype(float)
        disagg = pd.DataFrame(doc["disaggregation"], columns=DISAGGREGATION_COLUMNS)
        disagg["percent"] = disagg["percent"].astype(float)
        timely = pd.DataFrame(doc["timeliness"], columns=TIMELINESS_COLUMNS)
        timely["median_days"] = timely["median_days"].astype(float)
        ind = Indicators(results, pd.DataFrame(doc["breakdown"], columns=BREAKDOWN_COLUMNS),
                         doc["unavailable"], disagg, timely)
        krs = {d["code"]: KRDefinition.from_dict(d, path) for d in doc["krs"]}
        return cls(Period(doc["fiscal_year"], doc["quarter"]), ind,
                   pd.DataFrame(doc["quality"]), pd.DataFrame(doc["reasons"]),
                   pd.DataFrame(doc["flags"]), doc["sources"], krs, doc["method"],
                   doc.get("warnings", []), doc.get("data_as_of", ""),
                   pd.DataFrame(doc.get("district_quality", []),
                                columns=DISTRICT_QUALITY_COLUMNS))


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    out = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in out]


def sources_of(clean: CleanDrop) -> list[Source]:
    return [{"table": a.table, "file": a.file, "sha256": a.sha256, "rows_in": a.rows_in}
            for a in clean.accounts.values()]


def report_periods(period: Period) -> list[Period]:
    """Q1 .. this quarter, then every quarter of the previous fiscal year (comparisons)."""
    previous = ([Period(period.fiscal_year - 1, q) for q in range(1, 5)]
                if period.fiscal_year - 1 >= MIN_FISCAL_YEAR else [])
    return period.quarters_to_date() + previous


def data_as_of(clean: CleanDrop) -> str:
    """The latest event date of any kept row: how recent the drop is."""
    latest = [t["event_date"].max() for t in clean.tables.values()
              if "event_date" in t and len(t)]
    latest = [d for d in latest if not pd.isna(d)]
    return max(latest).date().isoformat() if latest else ""


def district_quality_table(clean: CleanDrop) -> pd.DataFrame:
    """Per table and district: rejected, collapsed and flagged rows (district known)."""
    rows = [(a.table, kind, code, district, n)
            for a in clean.accounts.values()
            for (kind, code, district), n in sorted(getattr(a, "by_district", {}).items())]
    return pd.DataFrame(rows, columns=DISTRICT_QUALITY_COLUMNS)


def prepare_clean(clean: CleanDrop, period: Period, *, cumulative: bool = True,
                  rounding: str = "half_up", krs: dict[str, KRDefinition] | None = None,
                  history: bool = True) -> Prepared:
    """Aggregates for ``period`` and, with ``history``, every earlier quarter of its fiscal
    year and every quarter of the previous fiscal year (same rules, same drop).

    ``krs`` are the definitions to compute (default: the package's, :data:`krlib.contract.kr.KRS`).
    """
    from krlib.compute import alerts

    krs = dict(KRS if krs is None else krs)
    periods = report_periods(period) if history else [period]
    ind = compute(clean, periods, krs.values(), cumulative=cumulative, rounding=rounding)
    return Prepared(period, ind, data_quality_table(clean), reasons_table(clean),
                    flags_table(clean), sources_of(clean), krs,
                    {"cumulative": bool(cumulative), "rounding": rounding},
                    alerts.as_dicts(alerts.collect(clean, ind, period, krs)),
                    data_as_of(clean), district_quality_table(clean))


def prepare(data_dir: Path | str, fiscal_year: int, quarter: int, *, cumulative: bool = True,
            rounding: str = "half_up", krs_dirs: Iterable[Path | str] = ()) -> Prepared:
    """Read, clean and aggregate a raw data drop (what a notebook does when run by hand).

    ``krs_dirs``: folders of extra KR definitions (as ``--krs``).
    """
    return prepare_clean(load_drop(data_dir), Period(int(fiscal_year), int(quarter)),
                         cumulative=cumulative, rounding=rounding, krs=load_krs(krs_dirs))
