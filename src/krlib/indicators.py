"""Compute KR figures for every district and Bangkok from a cleaned drop.

Works for any :class:`~krlib.kr.KRDefinition`: cohort persons in the window give the
denominator (each at the district of their earliest cohort record, ties by the smallest
record id), those with at least one service in the window, reached through any record
of the same person, give the numerator. Several quarters come from one cleaned drop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from krlib.clean import UNKNOWN, CleanDrop
from krlib.kr import BANGKOK_TH, KRS, KRDefinition
from krlib.parse import bangkok_districts
from krlib.periods import Period
from krlib.schema import TABLES

BMA = "BMA"
RESULT_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "scope_name_th",
                  "numerator", "denominator", "percent", "target", "met_target"]
BREAKDOWN_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "dimension",
                     "category", "persons"]


@dataclass
class Indicators:
    """KR results and breakdowns (one row per KR x period x scope), and KRs not computed."""

    results: pd.DataFrame
    breakdown: pd.DataFrame
    unavailable: dict[str, str] = field(default_factory=dict)  # KR code -> why

    def for_period(self, period: Period) -> "Indicators":
        def pick(df: pd.DataFrame) -> pd.DataFrame:
            keep = (df["fiscal_year"] == period.fiscal_year) & (df["quarter"] == period.quarter)
            return df[keep].reset_index(drop=True)

        return Indicators(pick(self.results), pick(self.breakdown), dict(self.unavailable))

    def result(self, kr_code: str, scope: str, period: Period) -> pd.Series:
        r = self.results
        row = r[(r.kr_code == kr_code) & (r.scope_code == scope)
                & (r.fiscal_year == period.fiscal_year) & (r.quarter == period.quarter)]
        return row.iloc[0]


def percent_half_up(numerator: int, denominator: int) -> float:
    """100 x n / d rounded half-up to 2 decimals (exact decimal arithmetic); NaN if d == 0."""
    if denominator == 0:
        return float("nan")
    value = Decimal(100 * int(numerator)) / Decimal(int(denominator))
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def persons_to_target(numerator: int, denominator: int, target: int) -> int:
    """How many more persons in the numerator would make the rounded percent reach target."""
    if denominator == 0:
        return 0
    # rounded >= target  <=>  100 n / d >= target - 0.005  <=>  n >= d (200 t - 1) / 20000
    needed = -(-denominator * (200 * target - 1) // 20000)
    return max(0, min(denominator, needed) - numerator)


def scopes() -> pd.DataFrame:
    """The 50 districts (DOPA code order) and Bangkok as a whole: scope_code, scope_name_th."""
    d = bangkok_districts()
    rows = pd.DataFrame({"scope_code": d["code"], "scope_name_th": d["name_th"]})
    return pd.concat([rows, pd.DataFrame({"scope_code": [BMA], "scope_name_th": [BANGKOK_TH]})],
                     ignore_index=True)


def in_window(dates: pd.Series, period: Period, cumulative: bool = True) -> pd.Series:
    """Fiscal-year-to-date window (the contract), or the quarter alone (for method studies)."""
    first = period.start if cumulative else period.quarter_start
    lo, hi = np.datetime64(first, "s"), np.datetime64(period.end, "s")
    return (dates >= lo) & (dates <= hi)


def home_records(cohort: pd.DataFrame, kr: KRDefinition, period: Period,
                 cumulative: bool = True) -> pd.DataFrame:
    """The home record of each cohort person of the window: person, district, rec, event_date.

    The home record is the earliest cohort record in the window, ties by the smallest id
    (``rec`` follows the ids' string order); it decides the person's district.
    """
    keep = in_window(cohort["event_date"], period, cumulative)
    if kr.cohort_filter:
        keep &= cohort[kr.cohort_filter]
    rows = cohort.loc[keep, ["person", "district", "event_date", "rec"]]
    first = rows.sort_values(["person", "event_date", "rec"], kind="stable")
    return (first.drop_duplicates("person")[["person", "district", "rec", "event_date"]]
            .reset_index(drop=True))


def home_districts(cohort: pd.DataFrame, kr: KRDefinition, period: Period,
                   cumulative: bool = True) -> pd.DataFrame:
    """Cohort persons of the window and their district (earliest record, then smallest id)."""
    return home_records(cohort, kr, period, cumulative)[["person", "district"]]


def person_services(cohort: pd.DataFrame, services: pd.DataFrame, period: Period,
                    cumulative: bool = True) -> pd.DataFrame:
    """Distinct (person, category) of services in the window, via any record of the person."""
    rec_person = np.empty(len(cohort), dtype=np.int64)
    rec_person[cohort["rec"].to_numpy()] = cohort["person"].to_numpy()
    s = services[in_window(services["event_date"], period, cumulative)]
    out = pd.DataFrame({"person": rec_person[s["rec"].to_numpy()],
                        "category": s["category"].to_numpy()})
    return out.drop_duplicates(ignore_index=True)


def compute_kr(kr: KRDefinition, cohort: pd.DataFrame, services: pd.DataFrame,
               period: Period, cumulative: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results (50 districts + BMA) and breakdown of one KR for one period."""
    home = home_districts(cohort, kr, period, cumulative)
    used = person_services(cohort, services, period, cumulative).merge(home, on="person")
    home["served"] = home["person"].isin(used["person"])

    by_district = home.groupby("district").agg(denominator=("person", "size"),
                                                numerator=("served", "sum"))
    by_district.loc[BMA] = [len(home), int(home["served"].sum())]
    res = scopes().join(by_district, on="scope_code")
    res[["numerator", "denominator"]] = res[["numerator", "denominator"]].fillna(0).astype(int)
    res["percent"] = [percent_half_up(n, d) for n, d in zip(res.numerator, res.denominator)]
    res["target"] = kr.target
    res["met_target"] = [None if np.isnan(p) else bool(p >= kr.target) for p in res.percent]
    res.insert(0, "kr_code", kr.code)
    res.insert(1, "fiscal_year", period.fiscal_year)
    res.insert(2, "quarter", period.quarter)

    pairs = used[used["district"] != UNKNOWN]
    per_district = pairs.groupby(["district", "category"]).size()
    per_bma = used.groupby("category").size()
    per_bma.index = pd.MultiIndex.from_product([[BMA], per_bma.index])
    counts = pd.concat([per_district, per_bma]).rename("persons").reset_index()
    counts.columns = ["scope_code", "category", "persons"]
    order = {code: i for i, code in enumerate(scopes()["scope_code"])}
    counts = counts.sort_values(["scope_code", "category"],
                                key=lambda s: s.map(order) if s.name == "scope_code" else s)
    counts.insert(0, "kr_code", kr.code)
    counts.insert(1, "fiscal_year", period.fiscal_year)
    counts.insert(2, "quarter", period.quarter)
    counts.insert(4, "dimension", kr.dimension)
    return res[RESULT_COLUMNS], counts[BREAKDOWN_COLUMNS].reset_index(drop=True)


def unavailable_reason(kr: KRDefinition, clean: CleanDrop) -> str | None:
    """Why a KR cannot be computed from this drop (a table file is absent), or None."""
    missing = [t for t in kr.tables if not clean.has(t)]
    if not missing:
        return None
    names = ", ".join(f"{t} ({TABLES[t].th})" for t in missing)
    return (f"KR {kr.code}: ไม่มีตาราง {names} ในชุดข้อมูล จึงคำนวณไม่ได้ / "
            f"table {names} is absent from the data drop, KR {kr.code} is unavailable")


def compute(clean: CleanDrop, periods: Period | Iterable[Period],
            krs: Iterable[KRDefinition] | None = None, cumulative: bool = True) -> Indicators:
    """Every KR for every period, from one cleaned drop (no files are read again).

    ``cumulative=False`` counts each quarter alone instead of fiscal-year-to-date: not the
    contract's rule, offered to compare methods (notebooks/methods.ipynb).
    """
    periods = [periods] if isinstance(periods, Period) else list(periods)
    results, breakdowns, unavailable = [], [], {}
    for kr in (krs if krs is not None else KRS.values()):
        reason = unavailable_reason(kr, clean)
        if reason:
            unavailable[kr.code] = reason
            continue
        for period in periods:
            res, brk = compute_kr(kr, clean.tables[kr.cohort_table],
                                  clean.tables[kr.service_table], period, cumulative)
            results.append(res)
            breakdowns.append(brk)
    empty_r = pd.DataFrame(columns=RESULT_COLUMNS)
    empty_b = pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    return Indicators(
        pd.concat(results, ignore_index=True) if results else empty_r,
        pd.concat(breakdowns, ignore_index=True) if breakdowns else empty_b,
        unavailable,
    )
