"""Compute KR figures for every district and Bangkok from a cleaned drop.

Works for any :class:`~krlib.contract.kr.KRDefinition`: cohort persons in the window give the
denominator (each at the district of their earliest cohort record, ties by the smallest
record id), those with at least one service in the window, reached through any record
of the same person, give the numerator. Several quarters come from one cleaned drop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from krlib.clean.tables import CleanDrop, window_dates
from krlib.contract.kr import KRS, KRDefinition
from krlib.contract.periods import Period
from krlib.contract.schema import (
    AGE_BANDS,
    DIMENSIONS,
    MAX_AGE,
    TABLES,
    UNKNOWN_AGE,
    category_order,
)
from krlib.contract.scopes import BMA, UNKNOWN, scope_order, scopes
from krlib.errors import OptionError

if TYPE_CHECKING:
    import numpy.typing as npt

RESULT_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "scope_name_th",
                  "numerator", "denominator", "percent", "target", "met_target"]
BREAKDOWN_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "dimension",
                     "category", "persons"]
DISAGGREGATION_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "dimension",
                          "category", "numerator", "denominator", "percent"]
#: Timeliness buckets: (column, lowest days, highest days or None).
DAY_BUCKETS = (("days_0", 0, 0), ("days_1_7", 1, 7), ("days_8_30", 8, 30),
               ("days_31_90", 31, 90), ("days_91_plus", 91, None))
#: The waiting persons by days waited so far, in the same buckets (contract v3).
WAITING_BUCKETS = tuple(("waiting" + col.removeprefix("days"), lo, hi)
                        for col, lo, hi in DAY_BUCKETS)
TIMELINESS_COLUMNS = ["kr_code", "fiscal_year", "quarter", "scope_code", "served",
                      "median_days", *(b[0] for b in DAY_BUCKETS), "waiting",
                      *(b[0] for b in WAITING_BUCKETS)]
#: How percents are rounded to 2 decimals: the contract's half-up, or half-even
#: (banker's rounding, offered to analysts comparing methods).
ROUNDINGS = ("half_up", "half_even")
_COLUMNS = {"results": RESULT_COLUMNS, "breakdown": BREAKDOWN_COLUMNS,
            "disaggregation": DISAGGREGATION_COLUMNS, "timeliness": TIMELINESS_COLUMNS}


def _empty(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=_COLUMNS[kind])


@dataclass
class Indicators:
    """KR results, breakdowns, disaggregations and timeliness (one row per KR x period x
    scope [x dimension x category]), and the KRs not computed."""

    results: pd.DataFrame
    breakdown: pd.DataFrame
    unavailable: dict[str, str] = field(default_factory=dict)  # KR code -> why
    disaggregation: pd.DataFrame = field(default_factory=lambda: _empty("disaggregation"))
    timeliness: pd.DataFrame = field(default_factory=lambda: _empty("timeliness"))

    def for_period(self, period: Period) -> Indicators:
        def pick(df: pd.DataFrame) -> pd.DataFrame:
            keep = (df["fiscal_year"] == period.fiscal_year) & (df["quarter"] == period.quarter)
            return df[keep].reset_index(drop=True)

        return Indicators(pick(self.results), pick(self.breakdown), dict(self.unavailable),
                          pick(self.disaggregation), pick(self.timeliness))

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


def check_rounding(rounding: str) -> str:
    if rounding not in ROUNDINGS:
        raise OptionError(f"วิธีปัดเศษไม่ถูกต้อง / rounding must be one of {', '.join(ROUNDINGS)}, "
                          f"got {rounding!r}")
    return rounding


def percents(numerators: npt.ArrayLike, denominators: npt.ArrayLike, rounding: str = "half_up"
             ) -> np.ndarray:
    """100 x n / d to 2 decimals for whole columns, in exact integer arithmetic; NaN if d = 0.

    ``half_up`` (the contract) rounds a half hundredth up, ``half_even`` to the even one.
    """
    check_rounding(rounding)
    n = np.asarray(numerators, dtype=np.int64)
    d = np.asarray(denominators, dtype=np.int64)
    safe = np.where(d == 0, 1, d)
    q, r = np.divmod(10000 * n, safe)
    up = 2 * r > safe
    if rounding == "half_up":
        up |= 2 * r == safe
    else:
        up |= (2 * r == safe) & (q % 2 == 1)
    out = (q + up) / 100.0
    return np.where(d == 0, np.nan, out)


def persons_to_target(numerator: int, denominator: int, target: float) -> int:
    """How many more persons in the numerator would make the rounded percent reach target."""
    if denominator == 0:
        return 0
    # rounded >= target  <=>  100 n / d >= target - 0.005  <=>  n >= d (target - 0.005) / 100
    bound = Fraction(denominator) * (Fraction(str(target)) - Fraction(1, 200)) / 100
    needed = -(-bound.numerator // bound.denominator)
    return max(0, min(denominator, needed) - numerator)


def in_window(dates: pd.Series, period: Period, cumulative: bool = True) -> pd.Series:
    """Fiscal-year-to-date window (the contract), or the quarter alone (for method studies)."""
    first = period.start if cumulative else period.quarter_start
    lo, hi = np.datetime64(first, "s"), np.datetime64(period.end, "s")
    return (dates >= lo) & (dates <= hi)


def where_mask(frame: pd.DataFrame, where: dict[str, tuple[str, ...]]) -> pd.Series:
    """Rows whose cleaned keys match a definition's ``where`` (every column, any listed key)."""
    keep = pd.Series(True, index=frame.index)
    for column, values in where.items():
        keep &= frame[column].isin(list(values))
    return keep


def home_records(cohort: pd.DataFrame, kr: KRDefinition, period: Period,
                 cumulative: bool = True) -> pd.DataFrame:
    """Each cohort person's home record in the window: person, district, rec, event_date.

    The home record decides the person's district and attributes: their earliest cohort
    record in the window, ties by the smallest record id (``rec`` follows id order).
    Rows are in person-code order.
    """
    keep = in_window(cohort["event_date"], period, cumulative) & where_mask(cohort, kr.cohort_where)
    rows = cohort.loc[keep, ["person", "district", "rec", "event_date"]]
    first = rows.sort_values(["person", "event_date", "rec"], kind="stable")
    return first.drop_duplicates("person").reset_index(drop=True)


def home_districts(cohort: pd.DataFrame, kr: KRDefinition, period: Period,
                   cumulative: bool = True) -> pd.DataFrame:
    """Cohort persons of the window and their district (earliest record, then smallest id)."""
    return home_records(cohort, kr, period, cumulative)[["person", "district"]]


def days_waiting(home: pd.DataFrame, period: Period) -> npt.NDArray[np.int64]:
    """Whole days each home record has waited by the last day of the window: (last day
    of W) minus the record's date. The one computation behind the worklist's
    ``days_waiting`` and kr_timeliness's ``waiting_*`` buckets."""
    dates = home["event_date"].to_numpy().astype("datetime64[D]")
    return cast("npt.NDArray[np.int64]", (np.datetime64(period.end, "D") - dates).astype(np.int64))


def person_services(cohort: pd.DataFrame, services: pd.DataFrame, kr: KRDefinition,
                    period: Period, cumulative: bool = True) -> pd.DataFrame:
    """The KR's services in the window as (person, category, event_date), via any record
    of the person (whatever its date or eligibility); ``category`` = the breakdown key."""
    rec_person = np.empty(len(cohort), dtype=np.int64)
    rec_person[cohort["rec"].to_numpy()] = cohort["person"].to_numpy()
    keep = in_window(services["event_date"], period, cumulative) & where_mask(
        services, kr.service_where)
    s = services[keep]
    return pd.DataFrame({"person": rec_person[s["rec"].to_numpy()],
                         "category": s[kr.breakdown].to_numpy(),
                         "event_date": s["event_date"].to_numpy()})


def age_bands(birth: pd.Series, on: date) -> np.ndarray:
    """Age band of whole years on day ``on``: 0-17, 18-59, 60+, or unknown (no birth date,
    or an age below 0 or above :data:`~krlib.contract.schema.MAX_AGE`)."""
    b = pd.DatetimeIndex(birth)
    known = ~b.isna()
    year = np.where(known, b.year, 0)
    month_day = np.where(known, b.month, 0) * 100 + np.where(known, b.day, 0)
    before = month_day > on.month * 100 + on.day
    age = on.year - year - before.astype(int)
    out = np.full(len(b), UNKNOWN_AGE, dtype=object)
    ok = known & (age >= 0) & (age <= MAX_AGE)
    out[ok & (age <= 17)] = "0-17"
    out[ok & (age >= 18) & (age <= 59)] = "18-59"
    out[ok & (age >= 60)] = "60+"
    assert set(out) <= set(AGE_BANDS)
    return out


def person_attributes(cohort: pd.DataFrame, home: pd.DataFrame, dimensions: Iterable[str],
                      period: Period) -> pd.DataFrame:
    """Each home person's category of every dimension, read from the home record."""
    at = np.empty(len(cohort), dtype=np.int64)
    at[cohort["rec"].to_numpy()] = np.arange(len(cohort))
    columns = sorted({c for d in dimensions for c in cohort.columns
                      if c == DIMENSIONS[d].column or c.startswith(DIMENSIONS[d].column + ":")})
    rows = cohort[columns].iloc[at[home["rec"].to_numpy()]].reset_index(drop=True)
    out = pd.DataFrame(index=home.index)
    for name in dimensions:
        column = DIMENSIONS[name].column
        if name == "age_band":
            out[name] = age_bands(window_dates(rows, column, period.end), period.end)
        else:
            out[name] = rows[column].to_numpy()
    return out


@dataclass
class KRFrames:
    """One KR's figures for one period."""

    results: pd.DataFrame
    breakdown: pd.DataFrame
    disaggregation: pd.DataFrame
    timeliness: pd.DataFrame


def _scope_positions(district: pd.Series) -> np.ndarray:
    """Each row's position in :func:`scopes` (-1 for the unknown district)."""
    codes, uniques = pd.factorize(district)
    order = scope_order()
    return cast(np.ndarray, np.array([order.get(u, -1) for u in uniques], dtype=np.int64)[codes])


def _counts_by_scope(scope: np.ndarray, category: np.ndarray, served: np.ndarray
                     ) -> pd.DataFrame:
    """Persons and served persons per (scope, category): each district (unknown left out)
    and BMA (everyone); only cells with persons. Integer codes and bincount, no groupby."""
    order = scope_order()
    n_scopes = len(order)
    codes, cats = pd.factorize(pd.Series(category, dtype=object))
    k = len(cats)
    weight = served.astype(np.int64)
    known = scope >= 0
    cell = np.concatenate([scope[known] * k + codes[known], order[BMA] * k + codes])
    w = np.concatenate([weight[known], weight])
    den = np.bincount(cell, minlength=n_scopes * k)
    num = np.bincount(cell, weights=w, minlength=n_scopes * k).astype(np.int64)
    at = np.flatnonzero(den)
    codes_of_scope = np.array(list(order), dtype=object)
    return pd.DataFrame({"scope_code": codes_of_scope[at // k],
                         "category": np.asarray(cats, dtype=object)[at % k],
                         "numerator": num[at], "denominator": den[at]})


def _label(frame: pd.DataFrame, kr: KRDefinition, period: Period) -> pd.DataFrame:
    frame.insert(0, "kr_code", kr.code)
    frame.insert(1, "fiscal_year", period.fiscal_year)
    frame.insert(2, "quarter", period.quarter)
    return frame


def compute_kr(kr: KRDefinition, cohort: pd.DataFrame, services: pd.DataFrame,
               period: Period, cumulative: bool = True, rounding: str = "half_up",
               results_only: bool = False) -> KRFrames:
    """Results (50 districts + BMA), breakdown, disaggregations and timeliness of one KR
    (``results_only``: the results, the other frames left empty)."""
    home = home_records(cohort, kr, period, cumulative)
    reached = person_services(cohort, services, kr, period, cumulative)
    reached = reached[reached["person"].isin(home["person"])]
    first = reached.groupby("person")["event_date"].min()
    home["served"] = home["person"].isin(first.index)

    # results
    by_district = home.groupby("district").agg(denominator=("person", "size"),
                                                numerator=("served", "sum"))
    by_district.loc[BMA] = [len(home), int(home["served"].sum())]
    res = scopes().join(by_district, on="scope_code")
    res[["numerator", "denominator"]] = res[["numerator", "denominator"]].fillna(0).astype(int)
    res["percent"] = percents(res.numerator, res.denominator, rounding)
    res["target"] = kr.target
    res["met_target"] = [None if np.isnan(p) else bool(p >= kr.target) for p in res.percent]
    res = _label(res, kr, period)[RESULT_COLUMNS]
    if results_only:
        return KRFrames(res, _empty("breakdown"), _empty("disaggregation"),
                        _empty("timeliness"))

    # breakdown: persons of the denominator with a service of each category
    used = reached[["person", "category"]].drop_duplicates().merge(
        home[["person", "district"]], on="person")
    pairs = used[used["district"] != UNKNOWN]
    per_district = pairs.groupby(["district", "category"]).size()
    per_bma = used.groupby("category").size()
    per_bma.index = pd.MultiIndex.from_product([[BMA], per_bma.index])
    counts = pd.concat([per_district, per_bma]).rename("persons").reset_index()
    counts.columns = ["scope_code", "category", "persons"]
    order = scope_order()
    counts = counts.sort_values(["scope_code", "category"],
                                key=lambda s: s.map(order) if s.name == "scope_code" else s)
    counts.insert(1, "dimension", kr.dimension)
    brk = _label(counts.reset_index(drop=True), kr, period)[BREAKDOWN_COLUMNS]

    return KRFrames(res, brk, _disaggregation(kr, cohort, home, period, rounding),
                    _timeliness(kr, home, first, res, period))


def _disaggregation(kr: KRDefinition, cohort: pd.DataFrame, home: pd.DataFrame,
                    period: Period, rounding: str) -> pd.DataFrame:
    """Per scope, dimension and category: cohort persons (denominator), served (numerator)."""
    if not kr.disaggregations:
        return _empty("disaggregation")
    attrs = person_attributes(cohort, home, kr.disaggregations, period)
    scope = _scope_positions(home["district"])
    parts = []
    for rank, name in enumerate(kr.disaggregations):
        part = _counts_by_scope(scope, attrs[name].to_numpy(),
                                home["served"].to_numpy())
        cats = category_order(DIMENSIONS[name].vocabulary, part["category"])
        part["_cat"] = part["category"].map({c: i for i, c in enumerate(cats)})
        part["_dim"] = rank
        part["dimension"] = name
        parts.append(part)
    if not parts or all(p.empty for p in parts):
        return _empty("disaggregation")
    out = pd.concat(parts, ignore_index=True)
    out["_scope"] = out["scope_code"].map(scope_order())
    out = out.sort_values(["_scope", "_dim", "_cat"], kind="stable").reset_index(drop=True)
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype(int)
    out["percent"] = percents(out.numerator, out.denominator, rounding)
    return _label(out, kr, period)[DISAGGREGATION_COLUMNS]


def _timeliness(kr: KRDefinition, home: pd.DataFrame, first: pd.Series, res: pd.DataFrame,
                period: Period) -> pd.DataFrame:
    """Days from the home record's date to the first service in W (0 when negative)."""
    served = home[home["served"]]
    start = served["event_date"].to_numpy()
    reach = first.reindex(served["person"]).to_numpy()
    days = np.maximum((reach - start).astype("timedelta64[D]").astype(np.int64), 0)
    frame = pd.DataFrame({"district": served["district"].to_numpy(), "days": days})
    rows = []
    groups = {BMA: frame["days"].to_numpy()}
    for district, g in frame[frame["district"] != UNKNOWN].groupby("district"):
        groups[district] = g["days"].to_numpy()
    denominators = dict(zip(res["scope_code"], res["denominator"]))
    empty = np.empty(0, dtype=np.int64)
    for code in scope_order():
        d = groups.get(code, empty)
        row = {"scope_code": code, "served": len(d),
               "median_days": float(np.median(d)) if len(d) else float("nan")}
        for col, lo, hi in DAY_BUCKETS:
            row[col] = int(((d >= lo) & (d <= hi if hi is not None else True)).sum())
        row["waiting"] = int(denominators[code]) - len(d)
        rows.append(row)
    out = pd.DataFrame(rows)
    wait = home[~home["served"]]
    counts = _bucket_counts(_scope_positions(wait["district"]), days_waiting(wait, period))
    for j, (col, _, _) in enumerate(WAITING_BUCKETS):
        out[col] = counts[:, j]
    return _label(out, kr, period)[TIMELINESS_COLUMNS]


def _bucket_counts(scope: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Persons per (scope, day bucket), scopes in :func:`scope_order`: each district
    (the unknown district, position -1, left out) and BMA (everyone). Integer codes and
    bincount, no loop over persons."""
    order = scope_order()
    n_scopes, k = len(order), len(DAY_BUCKETS)
    lows = np.array([lo for _, lo, _ in DAY_BUCKETS], dtype=np.int64)
    bucket = np.searchsorted(lows, days, side="right") - 1  # days >= 0: bucket >= 0
    known = scope >= 0
    cell = np.concatenate([scope[known] * k + bucket[known], order[BMA] * k + bucket])
    return np.bincount(cell, minlength=n_scopes * k).reshape(n_scopes, k)


def unavailable_reason(kr: KRDefinition, clean: CleanDrop) -> str | None:
    """Why a KR cannot be computed from this drop (a table file is absent), or None."""
    missing = [t for t in kr.tables if not clean.has(t)]
    if not missing:
        return None
    names = ", ".join(f"{t} ({TABLES[t].th})" for t in missing)
    return (f"KR {kr.code}: ไม่มีตาราง {names} ในชุดข้อมูล จึงคำนวณไม่ได้ / "
            f"table {names} is absent from the data drop, KR {kr.code} is unavailable")


def compute(clean: CleanDrop, periods: Period | Iterable[Period],
            krs: Iterable[KRDefinition] | None = None, cumulative: bool = True,
            rounding: str = "half_up", results_only: bool = False) -> Indicators:
    """Every KR for every period, from one cleaned drop (no files are read again).

    ``results_only``: only the results (what a trend of percents needs; the breakdown,
    disaggregation and timeliness frames are then empty).

    ``cumulative=False`` counts each quarter alone instead of fiscal-year-to-date, and
    ``rounding="half_even"`` rounds percents to even: not the contract's rules, offered
    to compare methods (notebooks/methods.ipynb).
    """
    check_rounding(rounding)
    periods = [periods] if isinstance(periods, Period) else list(periods)
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in _COLUMNS}
    unavailable = {}
    for kr in (krs if krs is not None else KRS.values()):
        reason = unavailable_reason(kr, clean)
        if reason:
            unavailable[kr.code] = reason
            continue
        for period in periods:
            out = compute_kr(kr, clean.tables[kr.cohort_table],
                             clean.tables[kr.service_table], period, cumulative, rounding,
                             results_only)
            for kind in _COLUMNS:
                frames[kind].append(getattr(out, kind))

    def joined(kind: str) -> pd.DataFrame:
        parts = [f for f in frames[kind] if len(f)]
        return pd.concat(parts, ignore_index=True) if parts else _empty(kind)

    return Indicators(joined("results"), joined("breakdown"), unavailable,
                      joined("disaggregation"), joined("timeliness"))
