"""The analyst's entry point: ``krlib.load(data_dir)``, then figures, comparisons, charts.

One call reads and cleans a data drop (:func:`load`); the :class:`Drop` it returns
computes any quarter with any method (:meth:`Drop.indicators`), compares two drops or
two methods scope by scope (:meth:`Drop.compare`, :func:`compare`) and draws the
report's charts with titles that say what was computed (:meth:`Figures.chart`).
Everything is aggregates (counts and percents): no row, id or name leaves a
:class:`Drop`.

The method options are the same everywhere (:mod:`krlib.compute.methods`):

- ``cumulative=True`` (the contract): each quarter's figure is **fiscal-year-to-date**,
  from 1 October to the quarter's last day; ``cumulative=False``: **the quarter alone**.
- ``rounding="half_up"`` (the contract) or ``"half_even"``: how percents are rounded to
  two decimals (exact arithmetic, never floats).

A method mapping (``new={"cumulative": False}``, ``methods=[{...}, ...]``) with a key
that is not one of these is an :class:`~krlib.errors.OptionError` naming the key, the
allowed keys and the closest one (:func:`krlib.compute.methods.check_method`).

A cohort variant needs no copy of a KR file: ``where={"eligibility": ["passed",
"pending"]}`` (with ``kr=``) replaces the KR's ``cohort.where`` for that call, checked
exactly as a KR file's ``where`` is (:meth:`KRDefinition.from_dict
<krlib.contract.kr.KRDefinition.from_dict>`), and every label and chart title then says
which persons were counted. Asking for a quarter the drop does not cover (Bangkok has no
person in the KR's window) warns with a :class:`CoverageWarning`, as the report shows
"ไม่มีข้อมูล" for it.

Example (quarter-only KR 8207 for district 1039, Q4 of fiscal year 2568)::

    import krlib

    drop = krlib.load("data/demo")
    figs = drop.indicators(2568, 4, cumulative=False, district="1039", kr="8207")
    figs.results                     # one row: numerator, denominator, percent, met_target
    figs.label_th                    # 'ไตรมาส 4 ปีงบประมาณ พ.ศ. 2568 · เฉพาะไตรมาส · ...'
    figs.chart("trend").savefig("trend.png")
    drop.compare(fiscal_year=2568, quarter=4, new={"cumulative": False})  # per-scope change

    wide = {"eligibility": ["passed", "pending"]}     # a cohort variant of KR 8207
    drop.compare(fiscal_year=2568, quarter=4, kr="8207", new={"where": wide})
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from krlib.clean.accounts import data_quality_table, flags_table, reasons_table
from krlib.clean.tables import CleanDrop, TableAccount, load_drop
from krlib.compute.indicators import (
    Indicators,
    compute,
    home_districts,
    in_window,
    where_mask,
)
from krlib.compute.methods import (
    CONTRACT,
    METHOD_KEYS,
    check_keys,
    check_method,
    method,
    method_label_th,
    window_dates_th,
    window_short_th,
)
from krlib.contract.kr import KRDefinition, load_krs
from krlib.contract.periods import Period
from krlib.contract.schema import TABLES
from krlib.contract.scopes import (
    BANGKOK_TH,
    BMA,
    UNKNOWN,
    resolve_scope,
    scope_name_th,
    scope_order,
)
from krlib.contract.values import BadValue, whole
from krlib.errors import DefinitionError, OptionError
from krlib.fonts import use_sarabun_for_thai

if TYPE_CHECKING:  # for annotations only: both are imported where they are used
    from matplotlib.figure import Figure

    from krlib.compute.prepare import Prepared

__all__ = ["load", "Drop", "Figures", "compare", "CoverageWarning", "CHART_KINDS",
           "COMPARE_COLUMNS", "METHODS", "SIDE_KEYS"]

#: What :meth:`Figures.chart` draws (the report's four charts).
CHART_KINDS = ("trend", "breakdown", "league", "comparison")
#: Columns of a comparison (:func:`compare`); ``change_pp`` = percent_new - percent_old.
COMPARE_COLUMNS = ["kr_code", "scope_code", "scope_name_th",
                   "numerator_old", "denominator_old", "percent_old", "met_target_old",
                   "numerator_new", "denominator_new", "percent_new", "met_target_new",
                   "change_pp", "changed"]
#: The method variants :meth:`Drop.variants` shows by default, the contract's first.
METHODS = ({"cumulative": True, "rounding": "half_up"},
           {"cumulative": False, "rounding": "half_up"},
           {"cumulative": True, "rounding": "half_even"},
           {"cumulative": False, "rounding": "half_even"})
#: What one side of :meth:`Drop.compare` (``old=`` / ``new=``) may set: the method
#: options, the KR and a cohort variant (``where``).
SIDE_KEYS = (*METHOD_KEYS, "kr", "where")
_KINDS = ("results", "breakdown", "disaggregation", "timeliness")
#: A cohort variant's filter, as a hashable cache key: ((column, (keys, ...)), ...).
_WhereKey = tuple[tuple[str, tuple[str, ...]], ...]


class CoverageWarning(UserWarning):
    """The drop does not cover the asked quarter for a KR: Bangkok has no person in the
    KR's cohort in the window, so every figure is 0 / 0 (the report says "ไม่มีข้อมูล")."""


# --- options ------------------------------------------------------------------------

def _whole(value: object, name: str) -> int:
    """An int argument (an int, a numpy integer or digits as text), else OptionError; the
    range is :class:`~krlib.contract.periods.Period`'s to check."""
    try:
        return whole(value, text=True)
    except BadValue:
        raise OptionError(f"{name} ต้องเป็นจำนวนเต็ม / {name} must be a whole number, "
                          f"got {value!r}") from None


def _period(fiscal_year: object, quarter: object) -> Period:
    return Period(_whole(fiscal_year, "fiscal_year"), _whole(quarter, "quarter"))


def _kr_code(kr: str | int, krs: Mapping[str, KRDefinition]) -> str:
    code = str(kr).strip()
    if code not in krs:
        raise OptionError(f"ไม่รู้จัก KR {code!r} / unknown KR {code!r}: use one of "
                          f"{', '.join(krs)}")
    return code


def _variant(base: KRDefinition, where: object) -> KRDefinition:
    """``base`` with its cohort filter replaced by ``where``, validated exactly as the
    ``cohort.where`` of a KR file (:meth:`KRDefinition.from_dict`, the same messages),
    raised as an :class:`OptionError` naming ``where=`` and the KR."""
    doc = base.to_dict()
    doc["cohort"] = {"table": base.cohort_table, "where": where}
    try:
        return KRDefinition.from_dict(doc, source=f"where= (KR {base.code})")
    except DefinitionError as err:
        raise OptionError(str(err)) from None


def _where_key(kr: KRDefinition) -> _WhereKey:
    return tuple(sorted(kr.cohort_where.items()))


def where_label_th(kr: KRDefinition) -> str:
    """The cohort filter of ``kr`` in Thai words (a column's Thai name and its keys' Thai
    labels), e.g. "กลุ่มเป้าหมาย: ผลการตรวจสอบสิทธิ ผ่าน, รอตรวจสอบ"."""
    spec = TABLES[kr.cohort_table]
    parts = []
    for col, keys in kr.cohort_where.items():
        column = spec.column(col)
        vocab = column.vocabulary or {}
        parts.append(f"{column.th} {', '.join(vocab.get(k, k) for k in keys)}")
    return "กลุ่มเป้าหมาย: " + ("; ".join(parts) if parts else "ทุกรายการ (ไม่กรอง)")


# --- figures --------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class Figures:
    """The figures of one quarter computed with one method, optionally for one scope/KR.

    - ``results``: one row per KR x scope (numerator, denominator, percent, target,
      met_target) for the asked quarter; ``breakdown``, ``disaggregation`` and
      ``timeliness`` likewise (the columns of the ``krlib indicators`` CSV files).
    - ``trend``: ``results`` for every quarter from Q1 to the asked one (each computed
      with the same method: fiscal-year-to-date, or each quarter alone).
    - ``unavailable``: KR code -> why it could not be computed (a table is absent).
    - ``all``: every scope and KR of Q1..Q, unfiltered (what the charts and league use).
    - ``where``: the cohort filter of a cohort variant (``where=`` of
      :meth:`Drop.indicators`), ``None`` for the KR's own definition; then ``krs`` holds
      the variant's definition and :attr:`label_th` and the chart titles say who was counted.

    Built by :meth:`Drop.indicators`. Counts are not suppressed: this is the analyst's
    view; publication goes through the report notebooks' ``suppress_below``.
    """

    period: Period
    method: dict[str, Any]  # the method options (krlib.compute.methods.method)
    krs: dict[str, KRDefinition]
    all: Indicators
    district: str | None = None
    kr: str | None = None
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    breakdown: pd.DataFrame = field(default_factory=pd.DataFrame)
    disaggregation: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeliness: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    unavailable: dict[str, str] = field(default_factory=dict)
    where: dict[str, tuple[str, ...]] | None = None

    @classmethod
    def of(cls, ind: Indicators, period: Period, meth: Mapping[str, Any],
           krs: Mapping[str, KRDefinition], district: str | None = None, kr: str | None = None,
           where: dict[str, tuple[str, ...]] | None = None) -> Figures:
        """Figures of ``period`` from indicators computed for Q1..Q (``ind``), filtered to
        ``district`` (a scope code) and ``kr`` (a KR code) when given; ``where``: the
        cohort filter when ``krs`` holds a cohort variant."""
        def pick(df: pd.DataFrame, this_quarter: bool = True) -> pd.DataFrame:
            keep = df["fiscal_year"] == period.fiscal_year
            if this_quarter:
                keep &= df["quarter"] == period.quarter
            else:
                keep &= df["quarter"] <= period.quarter
            if district is not None:
                keep &= df["scope_code"] == district
            if kr is not None:
                keep &= df["kr_code"] == kr
            out = df[keep].reset_index(drop=True)
            out.attrs = {"period": period.label, "method": dict(meth)}
            if where is not None:
                out.attrs["where"] = {k: list(v) for k, v in where.items()}
            return out

        frames = {k: pick(getattr(ind, k)) for k in _KINDS}
        shown = {c: d for c, d in krs.items() if kr is None or c == kr}
        gone = {c: why for c, why in ind.unavailable.items() if kr is None or c == kr}
        return cls(period, dict(meth), shown, ind, district, kr, trend=pick(ind.results, False),
                   unavailable=gone, where=where, **frames)

    # --- words ---

    @property
    def method_th(self) -> str:
        """The method in Thai, plus the cohort filter of a cohort variant:
        "เฉพาะไตรมาส · ปัดเศษแบบ half-up · กลุ่มเป้าหมาย: ผลการตรวจสอบสิทธิ ผ่าน, รอตรวจสอบ"."""
        text = method_label_th(self.method)
        if self.where is not None:
            text += " · " + where_label_th(next(iter(self.krs.values())))
        return text

    @property
    def label_th(self) -> str:
        """What was computed, in Thai: the quarter, the window and the rounding rule (and
        the cohort filter of a cohort variant),
        e.g. "ไตรมาส 4 ปีงบประมาณ พ.ศ. 2568 · เฉพาะไตรมาส · ปัดเศษแบบ half-up"."""
        return f"{self.period.label_th} · {self.method_th}"

    @property
    def window_th(self) -> str:
        """The window's dates in Thai, e.g. "ข้อมูลสะสมตั้งแต่ 1 ต.ค. 2567 ถึง 30 ก.ย. 2568"."""
        return window_dates_th(self.period, self.method["cumulative"])

    def __repr__(self) -> str:
        where = f", district={self.district!r}" if self.district else ""
        which = f", kr={self.kr!r}" if self.kr else ""
        if self.where is not None:
            shown = {k: list(v) for k, v in self.where.items()}
            which += f", where={shown!r}"
        return (f"<Figures {self.period.label} {self.method}{where}{which}: "
                f"{len(self.results)} result row(s)>")

    def _repr_html_(self) -> str:
        import html

        return (f"<p><b>{html.escape(self.label_th)}</b><br>{html.escape(self.window_th)}</p>"
                + str(self.results.to_html(index=False, border=0, escape=True)))

    # --- single values ---

    def row(self, kr: str | None = None, district: str | None = None) -> pd.Series:
        """The result row of one KR and scope (defaults: the filter given, else the only
        KR, and Bangkok as a whole).

            drop.indicators(2568, 4, district="1039", kr="8207").row().percent
        """
        code, scope = self._kr(kr), self._scope(district)
        r = self.results
        hit = r[(r.kr_code == code) & (r.scope_code == scope)]
        if hit.empty:
            raise OptionError(f"ไม่มีผลของ KR {code} เขต {scope} / no result for KR {code}, "
                              f"scope {scope} in these figures (filtered to "
                              f"district={self.district!r}, kr={self.kr!r})")
        return hit.iloc[0]

    def _kr(self, kr: str | int | None) -> str:
        if kr is not None:
            return _kr_code(kr, self.krs)
        if self.kr is not None:
            return self.kr
        if len(self.krs) == 1:
            return next(iter(self.krs))
        raise OptionError(f"ระบุ kr / give kr=, one of {', '.join(self.krs)}")

    def _scope(self, district: str | int | None) -> str:
        if district is not None:
            return resolve_scope(district, option="district", unknown=True)
        return self.district if self.district is not None else BMA

    # --- comparing and drawing ---

    def compare(self, other: Figures) -> pd.DataFrame:
        """Per-scope differences from these figures (old) to ``other`` (new): see
        :func:`compare`.

            a = drop.indicators(2568, 4)
            a.compare(drop.indicators(2568, 4, rounding="half_even"))
        """
        return compare(self, other)

    def chart(self, kind: str, *, kr: str | int | None = None,
              district: str | int | None = None) -> Figure:
        """One of the report's charts, as a matplotlib Figure (``fig.savefig("x.png")``).

        ``kind``: ``"trend"`` (percent per quarter, Q1..Q), ``"breakdown"`` (persons per
        service category), ``"league"`` (the 50 districts ranked) or ``"comparison"``
        (the district beside Bangkok). ``kr`` / ``district`` default to the filter given
        to :meth:`Drop.indicators`, else the only KR and Bangkok. Every title and axis says
        the window (fiscal-year-to-date or the quarter alone) and the rounding rule.

            drop.indicators(2568, 4, cumulative=False, district="1039",
                            kr="8207").chart("trend").savefig("trend.png")
        """
        from krlib.report import charts

        if kind not in CHART_KINDS:
            raise OptionError(f"ไม่รู้จักแผนภูมิ {kind!r} / unknown chart {kind!r}: use one of "
                              f"{', '.join(CHART_KINDS)}")
        code, scope = self._kr(kr), self._scope(district)
        if code in self.all.unavailable:
            raise OptionError(self.all.unavailable[code])
        definition = self.krs[code]
        name = scope_name_th(scope)
        short = window_short_th(self.method["cumulative"])
        method_th = self.method_th
        res = self.all.results
        res = res[(res.kr_code == code) & (res.fiscal_year == self.period.fiscal_year)]
        now = res[res.quarter == self.period.quarter]
        if kind == "trend":
            t = res[(res.scope_code == scope) & (res.quarter <= self.period.quarter)]
            t = t.sort_values("quarter")[["quarter", "numerator", "denominator", "percent"]]
            return charts.trend_chart(t.reset_index(drop=True), definition.target,
                                      f"KR {code} ร้อยละรายไตรมาส — {name}\n"
                                      f"ปีงบประมาณ พ.ศ. {self.period.fiscal_year} · {method_th}",
                                      ylabel=f"ร้อยละ ({short})")
        if kind == "breakdown":
            b = self.all.breakdown
            b = b[(b.kr_code == code) & (b.scope_code == scope)
                  & (b.fiscal_year == self.period.fiscal_year)
                  & (b.quarter == self.period.quarter)].set_index("category")["persons"]
            cats = definition.categories
            frame = pd.DataFrame({"category": list(cats), "category_th": list(cats.values()),
                                  "persons": [int(b.get(k, 0)) for k in cats]})
            cohort = "" if self.where is None else f" · {where_label_th(definition)}"
            return charts.breakdown_chart(
                frame, f"KR {code} จำนวนคนที่ได้รับบริการแต่ละ{definition.breakdown_th} — "
                       f"{name}\n{self.window_th}{cohort}")
        if kind == "league":
            d = now[now.scope_code != BMA].rename(columns={"met_target": "met"})
            return charts.league_chart(d.reset_index(drop=True), definition.target,
                                       f"KR {code} รายเขต — {self.period.label_th}\n{method_th}")
        if scope == BMA:
            raise OptionError("แผนภูมิ comparison เทียบเขตกับกรุงเทพมหานคร: ระบุ district / "
                              "the comparison chart needs a district (for BMA use 'league')")
        mine = now[now.scope_code == scope].iloc[0]
        bma = now[now.scope_code == BMA].iloc[0]
        return charts.comparison_chart(
            mine.percent, bma.percent, definition.target, (name, BANGKOK_TH),
            f"KR {code} {name} เทียบกับกรุงเทพมหานคร — {self.period.label_th}\n{method_th}")


def compare(old: Figures, new: Figures) -> pd.DataFrame:
    """Per KR and scope, the figures of ``old`` and ``new`` side by side and the change.

    Columns :data:`COMPARE_COLUMNS`: numerator, denominator, percent and met_target
    ``_old`` and ``_new``, ``change_pp`` (percent_new - percent_old, in percentage
    points, NaN when either has no cases) and ``changed`` (any count or percent
    differs). A scope or KR present on one side only is kept, NaN on the other. Rows in
    KR then scope order; ``attrs["old"]`` / ``attrs["new"]`` hold each side's
    :attr:`Figures.label_th`.

    Two cohort variants of one KR (``where=``) pair by KR and scope like any two methods.
    Two *different* KRs, one on each side (``kr="8207"`` against ``kr="9901"``), pair by
    scope: ``kr_code`` is then ``"8207 → 9901"`` and ``attrs`` start with each side's KR.

        q_only = drop.indicators(2568, 4, cumulative=False)
        compare(drop.indicators(2568, 4), q_only).query("changed")
        wide = drop.indicators(2568, 4, kr="8207", where={"eligibility": ["passed", "pending"]})
        compare(drop.indicators(2568, 4, kr="8207"), wide)
    """
    keys = ["kr_code", "scope_code"]
    cols = ["numerator", "denominator", "percent", "met_target"]
    a = old.results[keys + ["scope_name_th"] + cols]
    b = new.results[keys + ["scope_name_th"] + cols]
    labels = {"old": old.label_th, "new": new.label_th}
    order = [*old.krs, *(k for k in new.krs if k not in old.krs)]
    if len(old.krs) == 1 == len(new.krs) and old.krs.keys() != new.krs.keys():
        (was,), (now,) = old.krs, new.krs
        pair = f"{was} → {now}"
        a, b, order = a.assign(kr_code=pair), b.assign(kr_code=pair), [pair]
        labels = {"old": f"KR {was} · {old.label_th}", "new": f"KR {now} · {new.label_th}"}
    out = a.merge(b, on=keys, how="outer", suffixes=("_old", "_new"))
    out["scope_name_th"] = out["scope_name_th_old"].fillna(out["scope_name_th_new"])
    for c in ("numerator", "denominator"):
        for side in ("_old", "_new"):
            out[c + side] = out[c + side].astype("Int64")
    for side in ("_old", "_new"):
        out["percent" + side] = out["percent" + side].astype(float)
    out["change_pp"] = (out["percent_new"] - out["percent_old"]).round(2)
    differs = pd.Series(False, index=out.index)
    for c in ("numerator", "denominator", "percent"):
        o, n = out[c + "_old"], out[c + "_new"]
        differs |= ~((o == n).fillna(False) | (o.isna() & n.isna()))
    out["changed"] = differs.astype(bool)
    kr_rank = {c: i for i, c in enumerate(order)}
    out = out.sort_values(["kr_code", "scope_code"], kind="stable", key=lambda s: s.map(
        kr_rank if s.name == "kr_code" else scope_order()))
    out = out[COMPARE_COLUMNS].reset_index(drop=True)
    out.attrs = labels
    return out


# --- the drop -------------------------------------------------------------------------

class Drop:
    """A cleaned data drop and its account; computes figures with any method.

    - ``clean``: the :class:`~krlib.clean.tables.CleanDrop` (cleaned tables, no personal data
      beyond the ids the worklist needs; do not export it).
    - ``accounts``: table -> :class:`~krlib.clean.tables.TableAccount` (what happened to every
      input row); ``quality``, ``reasons``, ``flags``: the same as the data_quality*.csv
      tables.
    - ``krs``: the KR definitions computed (the package's, plus ``krs_dirs``).

    For example::

        drop = krlib.load("data/demo")
        drop.quality
    """

    def __init__(self, clean: CleanDrop, krs: Mapping[str, KRDefinition] | None = None,
                 data_dir: Path | str | None = None) -> None:
        self.clean = clean
        self.krs: dict[str, KRDefinition] = dict(load_krs() if krs is None else krs)
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._computed: dict[tuple[Period, bool, str, str | None, _WhereKey], Indicators] = {}

    def __repr__(self) -> str:
        tables = ", ".join(f"{t} {a.kept:,}" for t, a in self.accounts.items())
        return f"<Drop {self.data_dir or ''}: {tables} kept rows; KRs {', '.join(self.krs)}>"

    @property
    def accounts(self) -> dict[str, TableAccount]:
        """Table -> what happened to each of its input rows (kept, collapsed, rejected)."""
        return self.clean.accounts

    @property
    def quality(self) -> pd.DataFrame:
        """data_quality.csv: rows in, kept, duplicates collapsed, rejected, per table."""
        return data_quality_table(self.clean)

    @property
    def reasons(self) -> pd.DataFrame:
        """Rejected rows by table and reason (data_quality_reasons.csv)."""
        return reasons_table(self.clean)

    @property
    def flags(self) -> pd.DataFrame:
        """Kept rows carrying a flag, by table and flag (data_quality_flags.csv)."""
        return flags_table(self.clean)

    def _indicators(self, period: Period, meth: dict[str, Any], variant: KRDefinition | None = None
                    ) -> Indicators:
        """Every KR of Q1..Q with ``meth`` (cached), or only ``variant`` (a cohort variant)."""
        key = (period, meth["cumulative"], meth["rounding"],
               None if variant is None else variant.code,
               () if variant is None else _where_key(variant))
        if key not in self._computed:
            krs = self.krs.values() if variant is None else [variant]
            self._computed[key] = compute(self.clean, period.quarters_to_date(), krs,
                                          cumulative=meth["cumulative"],
                                          rounding=meth["rounding"])
        return self._computed[key]

    def _warn_uncovered(self, period: Period, meth: dict[str, Any], codes: Iterable[str]) -> None:
        """A :class:`CoverageWarning` for the KRs (of ``codes``, their own definitions)
        with no person in Bangkok in the window: the drop does not cover the period."""
        empty = []
        for code in codes:
            kr = self.krs[code]
            if not self.clean.has(kr.cohort_table):
                continue  # unavailable, and said so in Figures.unavailable
            c = self.clean.tables[kr.cohort_table]
            if not (in_window(c["event_date"], period, meth["cumulative"])
                    & where_mask(c, kr.cohort_where)).any():
                empty.append(code)
        if not empty:
            return
        first = period.start if meth["cumulative"] else period.quarter_start
        krs = ", ".join(empty)
        warnings.warn(
            f"ชุดข้อมูลไม่ครอบคลุม{period.label_th} (KR {krs}): ไม่มีผู้ใดในกลุ่มเป้าหมายของ"
            f"กรุงเทพมหานคร ({window_dates_th(period, meth['cumulative'])}) รายงานแสดงว่า "
            f"“ไม่มีข้อมูล” / the drop does not cover {period.label} for KR {krs}: Bangkok "
            f"has no person in the window {first.isoformat()}..{period.end.isoformat()}, so "
            f"every figure is 0 / 0 (the report shows 'no data')",
            CoverageWarning, stacklevel=3)

    def indicators(self, fiscal_year: int, quarter: int, *, cumulative: bool = True,
                   rounding: str = "half_up", district: str | int | None = None,
                   kr: str | int | None = None,
                   where: Mapping[str, str | list[str]] | None = None) -> Figures:
        """The figures of one quarter, as DataFrames (:class:`Figures`).

        - ``cumulative=True`` (the contract): fiscal-year-to-date, from 1 October of the
          fiscal year to the quarter's last day. ``cumulative=False``: the quarter alone
          (its first to its last day): who registered in the quarter, served in it.
        - ``rounding="half_up"`` (the contract) or ``"half_even"``.
        - ``district``: keep one scope (DOPA code, district name, or ``"BMA"``);
          ``kr``: keep one KR (``"8207"``). Charts still see every scope.
        - ``where``: a cohort variant of ``kr`` (needs ``kr=``): ``{column: key or
          [keys]}`` on cleaned keys, replacing the KR file's ``cohort.where`` for this call
          (``{}``: no filter) and checked exactly as that field is (an unknown column or
          key is an :class:`~krlib.errors.OptionError` with the KR file's message). The
          labels and chart titles then say who was counted.

        Computed once per quarter, method and cohort, then reused. A quarter the drop
        does not cover for a KR (Bangkok has no person in its cohort in the window)
        warns with a :class:`CoverageWarning`. Quarter-only KR 8207 for district 1039 in
        Q4, then with the pending cases counted too::

            figs = krlib.load(d).indicators(2568, 4, cumulative=False,
                                            district="1039", kr="8207")
            figs.results[["numerator", "denominator", "percent"]]
            krlib.load(d).indicators(2568, 4, kr="8207",
                                     where={"eligibility": ["passed", "pending"]})
        """
        period = _period(fiscal_year, quarter)
        meth = method(cumulative, rounding)
        scope = None if district is None else resolve_scope(district, option="district")
        code = None if kr is None else _kr_code(kr, self.krs)
        if where is None:
            figs = Figures.of(self._indicators(period, meth), period, meth, self.krs, scope,
                              code)
        elif code is None:
            raise OptionError("where= เปลี่ยนกลุ่มเป้าหมายของ KR เดียว: ระบุ kr ด้วย / where= "
                              f"changes the cohort of one KR: give kr= too ({', '.join(self.krs)})")
        else:
            variant = _variant(self.krs[code], where)
            own = _where_key(variant) == _where_key(self.krs[code])
            figs = Figures.of(self._indicators(period, meth, None if own else variant), period,
                              meth, {code: variant}, scope, code,
                              None if own else variant.cohort_where)
        self._warn_uncovered(period, meth, [code] if code is not None else self.krs)
        return figs

    def variants(self, fiscal_year: int, quarter: int, *, district: str | int | None = None,
                 kr: str | int | None = None, methods: Iterable[Mapping[str, Any]] = METHODS,
                 where: Mapping[str, str | list[str]] | None = None) -> pd.DataFrame:
        """The same figures under each method, side by side (long form): ``method_th``,
        ``contract`` (True for the contract's method), cumulative, rounding, then the
        result columns. ``methods``: method mappings, default :data:`METHODS` (all four,
        the contract's first), each checked by
        :func:`~krlib.compute.methods.check_method` (an unknown key is an error naming
        it); ``where``: a cohort variant of ``kr`` (see :meth:`indicators`).

            drop.variants(2568, 4, district="1039")
        """
        if isinstance(methods, (Mapping, str)):
            raise OptionError("methods ต้องเป็นรายการของ method / methods must be a list of "
                              'method mappings, e.g. [{"cumulative": False}], '
                              f"got {methods!r}")
        parts = []
        for i, m in enumerate(methods):
            meth = check_method(m, f"methods[{i}]")
            figs = self.indicators(fiscal_year, quarter, district=district, kr=kr,
                                   where=where, **meth)
            res = figs.results
            head = pd.DataFrame({"method_th": figs.method_th,
                                 "contract": meth == CONTRACT and figs.where is None, **meth},
                                index=res.index)
            parts.append(pd.concat([head, res], axis=1))
        out = pd.concat(parts, ignore_index=True)
        return out.drop(columns=["fiscal_year", "quarter", "target"])

    def cohort_counts(self, fiscal_year: int, quarter: int, *, cumulative: bool = True
                      ) -> pd.DataFrame:
        """Per KR, cohort records in the window, the persons they make (each counted once,
        at their home district) and how many of those have no known district (counted in
        Bangkok only): why a record count is not a KR denominator.

            drop.cohort_counts(2568, 4, cumulative=False)
        """
        period, meth = _period(fiscal_year, quarter), method(cumulative)
        rows = []
        for code, kr in self.krs.items():
            if not self.clean.has(kr.cohort_table):
                continue
            c = self.clean.tables[kr.cohort_table]
            records = in_window(c["event_date"], period, meth["cumulative"]) & where_mask(
                c, kr.cohort_where)
            home = home_districts(c, kr, period, meth["cumulative"])
            rows.append({"kr_code": code, "cohort_records": int(records.sum()),
                         "persons": len(home),
                         "persons_unknown_district": int((home["district"] == UNKNOWN).sum())})
        return pd.DataFrame(rows, columns=["kr_code", "cohort_records", "persons",
                                           "persons_unknown_district"])

    def compare(self, other: Drop | None = None, fiscal_year: int | None = None,
                quarter: int | None = None, *, old: Mapping[str, Any] | None = None,
                new: Mapping[str, Any] | None = None, district: str | int | None = None,
                kr: str | int | None = None) -> pd.DataFrame:
        """Per-scope differences between this drop and ``other`` (same quarter, same
        method), or between two variants on this drop (``other=None``). See
        :func:`compare` for the columns.

        ``old`` / ``new`` say what each side computes (:data:`SIDE_KEYS`): the method
        options ``cumulative`` and ``rounding`` (default the contract's), ``kr`` (default
        the ``kr=`` given) and ``where`` (a cohort variant, see :meth:`indicators`). Any
        other key is an :class:`~krlib.errors.OptionError` naming it and the allowed ones.

            drop.compare(krlib.load("data/next"), 2568, 4)
            drop.compare(fiscal_year=2568, quarter=4,
                         new={"rounding": "half_even"})
            drop.compare(fiscal_year=2568, quarter=4, kr="8207",
                         new={"where": {"eligibility": ["passed", "pending"]}})
            drop.compare(fiscal_year=2568, quarter=4, old={"kr": "8207"}, new={"kr": "5122"})
        """
        if fiscal_year is None or quarter is None:
            raise OptionError("ระบุ fiscal_year และ quarter / give fiscal_year= and quarter=")
        sides = []
        for name, opts, drop in (("old", old, self), ("new", new, other or self)):
            given = check_keys({} if opts is None else opts, SIDE_KEYS, name)
            meth = check_method({k: v for k, v in given.items() if k in METHOD_KEYS}, name)
            sides.append(drop.indicators(fiscal_year, quarter, district=district,
                                         kr=given.get("kr", kr), where=given.get("where"),
                                         **meth))
        return compare(*sides)

    def chart(self, kind: str, fiscal_year: int, quarter: int, *, cumulative: bool = True,
              rounding: str = "half_up", district: str | int | None = None,
              kr: str | int | None = None, where: Mapping[str, str | list[str]] | None = None
              ) -> Figure:
        """A report chart of one quarter and method: ``indicators(...).chart(kind)``
        (see :meth:`Figures.chart`; ``where``: a cohort variant, see :meth:`indicators`).

            fig = drop.chart("league", 2568, 4, kr="5122")
            fig.savefig("league.png", dpi=150)
        """
        figs = self.indicators(fiscal_year, quarter, cumulative=cumulative, rounding=rounding,
                               kr=kr, where=where)
        return figs.chart(kind, district=district)

    def prepare(self, fiscal_year: int, quarter: int, *, cumulative: bool = True,
                rounding: str = "half_up") -> Prepared:
        """The :class:`~krlib.compute.prepare.Prepared` aggregates of one quarter (what
        :mod:`krlib.report.view` and the report notebooks take), without reading files again.

            prep = drop.prepare(2568, 4, cumulative=False)
            prep.method
        {'cumulative': False, 'rounding': 'half_up'}
        """
        from krlib.compute.prepare import prepare_clean

        meth = method(cumulative, rounding)
        return prepare_clean(self.clean, _period(fiscal_year, quarter), krs=self.krs, **meth)


def load(data_dir: Path | str, *, krs_dirs: Iterable[Path | str] = ()) -> Drop:
    """Read and clean the data drop in ``data_dir`` (one call): a :class:`Drop`.

    ``krs_dirs``: folders of extra KR definitions (``*.yaml``, as ``krlib indicators
    --krs``). A folder that does not exist, or holds no table file, is a one-line
    :class:`~krlib.errors.InputError` saying what to set.

    It also puts Sarabun first in matplotlib's sans-serif fonts
    (:func:`krlib.fonts.use_sarabun_for_thai`), so the analyst's own charts draw Thai
    without first drawing a krlib chart.

        import krlib
        drop = krlib.load("data/demo")
        drop.indicators(2568, 2).results.head()
    """
    use_sarabun_for_thai()
    krs = load_krs(krs_dirs)
    return Drop(load_drop(data_dir), krs, data_dir)
