"""What the report notebooks show, built from computed values (never typed-in numbers).

A :class:`ReportView` holds what every part of a report needs: the prepared aggregates
(:class:`~krlib.compute.prepare.Prepared`, counts only), the scope (a district code or ``BMA``)
and the publication rule (:class:`Suppression`). Each function takes the view (and a KR
definition) and returns IPython display objects: HTML built here, with every value that
comes from the data or the parameters escaped, charts embedded as PNG with an alt text
that states what they show. Notebooks stay thin: one call per section, one section per
KR definition; nothing here names a KR code.

Number style (:mod:`krlib.report.formats`): counts ``1,538``, percents ``84.79 %``, changes
``+1.25 จุดร้อยละ``, Thai dates with Buddhist-Era years.
"""

from __future__ import annotations

import base64
import html
import math
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import HTML

from krlib import thai
from krlib.compute.indicators import percent_half_up, persons_to_target
from krlib.compute.methods import window_dates_th, window_label_th, window_short_th
from krlib.compute.prepare import Prepared
from krlib.contract.kr import KRS, KRDefinition
from krlib.contract.periods import Period
from krlib.contract.schema import TABLES, category_label, dimension_label
from krlib.contract.scopes import (
    BANGKOK_TH,
    BMA,
    UNKNOWN_TH,
    resolve_scope,
    scope_name_th,
    scopes,
)
from krlib.outputs.provenance import (
    BANGKOK_OFFSET_HOURS,
    data_folder_name,
    generated_at,
    version_info,
)
from krlib.report.formats import (
    DASH,
    NO_DATA_TH,
    count_text,
    percent_text,
    points_text,
    target_text,
)
from krlib.report.markup import Markup, macro
from krlib.thai import (
    EMPTY_COHORT_TH,
    NONE_SERVED_TH,
    NOT_COVERED_TH,
    PARAMETER_TH,
    PRIVATE_FOLDER_TH,
    met_of_th,
    none_served_th,
    rank_cell_th,
    rank_th,
    thai_date,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure  # imported when a chart is drawn, not with the view

QUARTER_TH = {1: "ไตรมาส 1", 2: "ไตรมาส 2", 3: "ไตรมาส 3", 4: "ไตรมาส 4"}
NO_CASES_TH = thai.NO_CASES_TH
WITHHELD_TH = thai.WITHHELD_TH
#: The words of a figure that is not shown, by :func:`figure_state` (one place: thai.py).
STATE_TH = {"not_covered": NOT_COVERED_TH, "empty": EMPTY_COHORT_TH, "withheld": WITHHELD_TH}
MET_TH, NOT_MET_TH = "บรรลุค่าเป้าหมาย", "ยังไม่บรรลุค่าเป้าหมาย"
MET_MARK, NOT_MET_MARK = "✔", "✘"
REPORT_TITLE_TH = "รายงานผลการดำเนินงานตามตัวชี้วัดด้านสวัสดิการสังคม"
BUCKETS = [("days_0", "วันเดียวกัน"), ("days_1_7", "1-7 วัน"), ("days_8_30", "8-30 วัน"),
           ("days_31_90", "31-90 วัน"), ("days_91_plus", "91 วันขึ้นไป")]
#: The persons still waiting by days waited so far, to the last day of W (contract v3).
WAITING_BUCKETS = [("waiting_0", "0 วัน"), ("waiting_1_7", "1-7 วัน"),
                   ("waiting_8_30", "8-30 วัน"), ("waiting_31_90", "31-90 วัน"),
                   ("waiting_91_plus", "91 วันขึ้นไป")]
KIND_TH = {"rejected": "ปฏิเสธ", "collapsed": "แถวซ้ำทุกช่อง (รวมเป็นแถวเดียว)",
           "flagged": "เก็บไว้ (มีข้อสังเกต)"}

esc = html.escape


# --- loading ------------------------------------------------------------------------

def load(data_dir: str, fiscal_year: int, quarter: int, prepared: str = "", *,
         cumulative: bool = True, rounding: str = "half_up") -> Prepared:
    """The batch's prepared aggregates when given, else prepare them from the raw drop
    (``cumulative`` / ``rounding``: the method options of :func:`krlib.compute.prepare.prepare`;
    every label of the report follows them)."""
    from krlib.compute.prepare import prepare

    if prepared:
        prep = Prepared.load(prepared)
        if (prep.period.fiscal_year, prep.period.quarter) != (int(fiscal_year), int(quarter)):
            raise ValueError(f"{prepared} holds {prep.period.label}, not {fiscal_year}-Q{quarter}")
        return prep
    return prepare(data_dir, fiscal_year, quarter, cumulative=cumulative, rounding=rounding)


# --- the publication rule -------------------------------------------------------------

@dataclass(frozen=True)
class Suppression:
    """Publication rule: counts 1..below-1 become ``<below``; 0 means no suppression."""

    below: int = 0

    def hides(self, n: int) -> bool:
        return self.below > 0 and 0 < int(n) < self.below

    def count(self, n: int) -> str:
        return f"<{self.below}" if self.hides(n) else count_text(n)

    def percent_hidden(self, numerator: int, denominator: int) -> bool:
        """A percent is withheld when its numerator, denominator or their gap is hidden."""
        return (self.hides(numerator) or self.hides(denominator)
                or self.hides(denominator - numerator))

    def percent(self, p: float, numerator: int, denominator: int) -> str:
        if p is None or (isinstance(p, float) and math.isnan(p)):
            return DASH
        if self.percent_hidden(numerator, denominator):
            return WITHHELD_TH
        return percent_text(p)

    @property
    def rule_th(self) -> str:
        if not self.below:
            return ""
        return (f"เพื่อคุ้มครองข้อมูลส่วนบุคคล จำนวนที่น้อยกว่า {self.below} คน (แต่มากกว่า 0) "
                f"แสดงเป็น \u201c<{self.below}\u201d และไม่เปิดเผยร้อยละที่อาจทำให้ทราบจำนวนดังกล่าว")


# --- KR definitions (old and new shapes) ---------------------------------------------

def kr_text(kr: KRDefinition, key: str) -> str:
    """A definition's text: ``kr.texts[key]`` (definition files) or ``kr.<key>``."""
    texts = getattr(kr, "texts", None) or {}
    value = texts.get(key) if isinstance(texts, dict) else getattr(texts, key, None)
    return str(value or getattr(kr, key, "") or "")


def kr_dimension(kr: KRDefinition) -> str:
    b = getattr(kr, "breakdown", None)
    return b if isinstance(b, str) and b else str(getattr(kr, "dimension", "") or "")


def kr_unit(kr: KRDefinition) -> str:
    return str(getattr(kr, "unit_th", "") or "คน")


def breakdown_label(kr: KRDefinition) -> str:
    """What the breakdown categories are, in Thai (``ประเภทสวัสดิการ``)."""
    text = kr_text(kr, "breakdown_th")
    return text or dimension_label(kr_dimension(kr))


def still_needed_th(kr: KRDefinition, n: str) -> str:
    """``ยังต้องมี<the numerator's persons>เพิ่มอีก N คน``: the KR's own words."""
    own = kr_text(kr, "still_needed_th")
    if own:
        return own.replace("{n}", n)
    who = kr_text(kr, "numerator_th").removeprefix("จำนวน") or "ผู้ที่นับเป็นผลงาน"
    return f"ยังต้องมี{who}เพิ่มอีก {n} {kr_unit(kr)} จึงจะถึงค่าเป้าหมาย"


# --- the view -------------------------------------------------------------------------

@dataclass
class ReportView:
    """One report: the prepared aggregates, its scope, its publication rule and the
    parameters that are shown (data-as-of override, sign-off, the data folder's name)."""

    prep: Prepared
    scope: str
    suppression: Suppression = field(default_factory=Suppression)
    data_as_of: str = ""
    signoff: dict[str, object] = field(default_factory=dict)
    data_name: str = ""

    @classmethod
    def load(cls, data_dir: str, fiscal_year: int, quarter: int, district: str,
             prepared: str = "", suppress_below: int = 0, data_as_of: str = "",
             signoff: dict[str, object] | None = None) -> ReportView:
        scope = resolve_scope(district, option="district")  # before the (slow) load
        prep = load(data_dir, fiscal_year, quarter, prepared)
        return cls(prep, scope, Suppression(int(suppress_below or 0)),
                   str(data_as_of or ""), dict(signoff or {}), data_folder_name(data_dir))

    # what the report covers
    @property
    def period(self) -> Period:
        return self.prep.period

    @property
    def krs(self) -> dict[str, KRDefinition]:
        return getattr(self.prep, "krs", None) or KRS

    @property
    def is_bma(self) -> bool:
        return self.scope == BMA

    @property
    def name(self) -> str:
        return scope_name_th(self.scope)

    @property
    def cumulative(self) -> bool:
        """Fiscal-year-to-date (the contract), or the quarter alone (a method study)."""
        return bool((getattr(self.prep, "method", None) or {}).get("cumulative", True))

    @property
    def as_of(self) -> str:
        """ISO date the data is as of: the parameter, else the drop's latest event date."""
        return self.data_as_of or getattr(self.prep, "data_as_of", "") or ""

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return list(getattr(self.prep, "warnings", None) or [])

    def available(self, kr: KRDefinition) -> bool:
        return kr.code not in self.prep.indicators.unavailable

    def result(self, kr: KRDefinition, scope: str | None = None, fiscal_year: int | None = None,
               quarter: int | None = None) -> pd.Series | None:
        r = self.prep.indicators.results
        fy = self.period.fiscal_year if fiscal_year is None else fiscal_year
        q = self.period.quarter if quarter is None else quarter
        row = r[(r.kr_code == kr.code) & (r.scope_code == (scope or self.scope))
                & (r.fiscal_year == fy) & (r.quarter == q)]
        return None if row.empty else row.iloc[0]

    def covered(self, kr: KRDefinition, fiscal_year: int, quarter: int) -> bool:
        """The drop holds the period: Bangkok has persons in its window."""
        bma = self.result(kr, BMA, fiscal_year, quarter)
        return bma is not None and int(bma.denominator) > 0

    def has_cases(self, kr: KRDefinition) -> bool:
        row = self.result(kr)
        return row is not None and int(row.denominator) > 0

    @property
    def no_cases(self) -> bool:
        """A district with no person in any KR's target group this period."""
        return not self.is_bma and not any(self.has_cases(kr) for kr in self.krs.values()
                                           if self.available(kr))

    def state(self, kr: KRDefinition, fiscal_year: int | None = None, quarter: int | None = None,
              scope: str | None = None) -> str:
        """Why a period's percent is or is not shown: ``not_covered`` (the drop does not
        cover the period), ``empty`` (nobody in the scope's target group), ``withheld``
        (the publication rule) or ``shown`` (a percent, 0 % when nobody was served)."""
        fy = self.period.fiscal_year if fiscal_year is None else fiscal_year
        q = self.period.quarter if quarter is None else quarter
        if fy < 0 or not self.covered(kr, fy, q):
            return "not_covered"
        row = self.result(kr, scope, fy, q)
        if row is None or int(row.denominator) == 0:
            return "empty"
        if self.suppression.percent_hidden(row.numerator, row.denominator):
            return "withheld"
        return "shown"

    def percent_shown(self, row: pd.Series | None) -> float:
        """The row's percent, or NaN when it is missing or withheld."""
        if row is None or self.suppression.percent_hidden(row.numerator, row.denominator):
            return float("nan")
        return float(row.percent)


# --- small HTML helpers -------------------------------------------------------------

def html_block(text: str) -> HTML:
    """``HTML(text)``, typed: IPython's display classes carry no annotations."""
    # unused-ignore: the non-strict check (make test) allows untyped calls
    return HTML(text)  # type: ignore[no-untyped-call, unused-ignore]


def html_table(frame: pd.DataFrame, caption: str = "", classes: str = "") -> HTML:
    """A table with escaped cells (and an optional caption), wrapped so that on a narrow
    screen it scrolls by itself instead of widening the page."""
    body = frame.to_html(index=False, classes=f"krlib-table {classes}".strip(), border=0,
                         escape=True)
    if caption:
        body = body.replace(">", f"><caption>{esc(caption)}</caption>", 1) if "<table" in body \
            else body
    return html_block(f'<div class="krlib-scroll">{body}</div>')


def kr_label(kr: KRDefinition) -> str:
    """The KR a chart shows, as its title's first line: code and name from the definition."""
    return f"KR {kr.code} {kr.name_th}"


def png(fig: Figure, alt: str, caption: str = "") -> str:
    """A figure as a <figure> with an embedded deterministic PNG and its alt text."""
    from krlib.report.charts import figure_to_png_bytes

    data = base64.b64encode(figure_to_png_bytes(fig)).decode("ascii")
    return macro("figure.html.j2", "figure", data, alt, caption)


def dense(figure: str) -> str:
    """A figure of small words (the map, the 50-district chart): on a phone it keeps a
    legible width and scrolls sideways (CSS ``figure.krlib-dense``)."""
    return figure.replace('class="krlib-figure"', 'class="krlib-figure krlib-dense"', 1)


def _verdict(met: bool) -> str:
    if met:
        return macro("summary.html.j2", "verdict", True, MET_MARK, MET_TH)
    return macro("summary.html.j2", "verdict", False, NOT_MET_MARK, NOT_MET_TH)


def _verdict_text(met: object) -> str:
    if met is None or (isinstance(met, float) and math.isnan(met)):
        return EMPTY_COHORT_TH
    return f"{MET_MARK} บรรลุ" if bool(met) else f"{NOT_MET_MARK} ไม่บรรลุ"


def _thai_only(text: str) -> str:
    """The Thai half of a bilingual 'Thai / English' message."""
    return str(text).split(" / ")[0]


def bangkok_time(when: datetime) -> datetime:
    return when.astimezone(timezone(timedelta(hours=BANGKOK_OFFSET_HOURS)))


def _css_string(text: str) -> str:
    """A CSS string literal: every character that could end it, or the style, escaped."""
    safe = set(" .,-()/:")
    # A CSS escape eats one following space: write one after every escape.
    return '"' + "".join(c if (c.isalnum() and c.isascii()) or c in safe
                         or "\u0e01" <= c <= "\u0e30"
                         else f"\\{ord(c):x} " for c in text) + '"'


# --- page 1: summary ------------------------------------------------------------------

def title_line(view: ReportView) -> str:
    return f"{REPORT_TITLE_TH} — {view.name} — {view.period.label_th}"


def page_style(view: ReportView) -> HTML:
    """Print header (title, district, period) and footer (data-as-of) of every PDF page,
    as page-margin boxes so they print with the page's embedded Thai font."""
    head = _css_string(title_line(view))
    foot = _css_string(f"ข้อมูล ณ วันที่ {thai_date(view.as_of)}" if view.as_of else "")
    # A district without cases gets a one-page statement: the general notes are left out.
    return html_block(macro("summary.html.j2", "page_style", Markup(head), Markup(foot),
                            view.no_cases))


def _change(view: ReportView, kr: KRDefinition, fy: int, q: int) -> str:
    """Percentage-point change of this period's percent from (fy, q), or why there is
    none: that period is not covered by the drop, its target group was empty, or a
    percent is withheld."""
    then = view.state(kr, fy, q)
    if then != "shown":
        return STATE_TH[then]
    if view.state(kr) != "shown":
        return STATE_TH[view.state(kr)]
    a = view.percent_shown(view.result(kr))
    b = view.percent_shown(view.result(kr, fiscal_year=fy, quarter=q))
    return f"{points_text(a - b)} (จาก {percent_text(b)})"


def _previous_quarter(view: ReportView) -> tuple[int, int]:
    p = view.period
    return (p.fiscal_year, p.quarter - 1) if p.quarter > 1 else (p.fiscal_year - 1, 4)


def kr_card(view: ReportView, kr: KRDefinition) -> str:
    """The summary of one KR: percent, persons, target, verdict, what is missing, changes."""
    if not view.available(kr):
        return macro("summary.html.j2", "card_unavailable", kr.name_th,
                     _thai_only(view.prep.indicators.unavailable[kr.code]))
    row, sup = view.result(kr), view.suppression
    if row is None or int(row.denominator) == 0:
        return macro("summary.html.j2", "card_no_cases", kr.name_th, NO_CASES_TH)
    num, den = int(row.numerator), int(row.denominator)
    verdict, still = "", ""
    if not sup.percent_hidden(num, den):
        verdict = _verdict(bool(row.met_target))
        if not bool(row.met_target):
            still = still_needed_th(kr, sup.count(persons_to_target(num, den, kr.target)))
    pfy, pq = _previous_quarter(view)
    fy1, q = view.period.fiscal_year - 1, view.period.quarter
    changes = [(f"เทียบกับ{QUARTER_TH[pq]} ปีงบประมาณ {pfy}", _change(view, kr, pfy, pq)),
               (f"เทียบกับ{QUARTER_TH[q]} ปีงบประมาณ {fy1}", _change(view, kr, fy1, q))]
    return macro("summary.html.j2", "card", kr.name_th, sup.percent(row.percent, num, den),
                 target_text(kr.target), sup.count(num), sup.count(den), kr_unit(kr),
                 Markup(verdict), still, changes, Markup(timeliness_line(view, kr)))


def warnings_banner(view: ReportView) -> str:
    return macro("summary.html.j2", "warnings",
                 [str(w.get("message_th") or _thai_only(w.get("message_en", "")))
                  for w in view.warnings])


def summary(view: ReportView) -> HTML:
    """Page 1: title, period, dates, warnings and every KR's figures in brief."""
    p = view.period
    locator = ""
    if not view.is_bma:
        from krlib.report import charts

        fig = charts.locator_map(view.scope, view.name, "ที่ตั้งของเขต")
        locator = (png(fig, alt=f"แผนที่กรุงเทพมหานคร แสดงที่ตั้งของ{view.name}",
                       caption=charts.MAP_CREDIT_TH)
                   .replace('class="krlib-figure"', 'class="krlib-figure krlib-locator"'))
    cards = [] if view.no_cases else [Markup(kr_card(view, kr)) for kr in view.krs.values()]
    return html_block(macro(
        "summary.html.j2", "page", REPORT_TITLE_TH, view.name,
        "ภาพรวมกรุงเทพมหานคร" if view.is_bma else f"สำนักงาน{view.name}", p.label_th,
        window_dates_th(p, view.cumulative), thai_date(view.as_of) if view.as_of else "",
        thai_date(bangkok_time(generated_at())), Markup(locator), Markup(warnings_banner(view)),
        view.suppression.rule_th if view.suppression.below else "", view.no_cases,
        [kr.name_th for kr in view.krs.values()], NO_CASES_TH, cards))


# --- one section per KR -----------------------------------------------------------------

def definition_rows(kr: KRDefinition) -> list[tuple[str, str]]:
    """The definition table's rows: (label, text)."""
    support = getattr(kr, "supporting_units", ()) or ()
    rows = [("นิยาม", kr_text(kr, "definition_th")),
            ("สูตรคำนวณ", f"({kr_text(kr, 'numerator_th')} ÷ {kr_text(kr, 'denominator_th')})"
                          " × 100"),
            ("ค่าเป้าหมาย", target_text(kr.target)),
            ("หน่วยงานเจ้าภาพ", str(getattr(kr, "host_unit", "") or DASH)),
            ("หน่วยงานสนับสนุน", ", ".join(support) if support else DASH),
            ("การรายงาน", "ระบบติดตามนโยบายกรุงเทพมหานคร (BMA Policy Tracking)")]
    return rows


def definition_table(kr: KRDefinition) -> str:
    return macro("kr.html.j2", "definition", definition_rows(kr))


def kr_section(view: ReportView, kr: KRDefinition) -> list[HTML]:
    """Everything about one KR for this scope, as display objects (empty for a district
    without any case: its one-page statement says so)."""
    if view.no_cases:
        return []
    head = macro("kr.html.j2", "head", kr.name_th, kr.code, definition_rows(kr))
    if not view.available(kr):
        return [html_block(head + macro("kr.html.j2", "unavailable",
                                        _thai_only(view.prep.indicators.unavailable[kr.code])))]
    if not view.has_cases(kr):
        return [html_block(head + macro("kr.html.j2", "no_cases", view.name, NO_CASES_TH,
                                        view.period.label_th))]
    out = [html_block(head), fiscal_years(view, kr), breakdown(view, kr)]
    out += disaggregations(view, kr)
    out.append(timeliness(view, kr))
    out.append(comparison(view, kr))
    return [o for o in out if o is not None and bool(getattr(o, "data", ""))]


def trend_frame(view: ReportView, kr: KRDefinition, fiscal_year: int | None = None) -> pd.DataFrame:
    r = view.prep.indicators.results
    fy = view.period.fiscal_year if fiscal_year is None else fiscal_year
    t = r[(r.kr_code == kr.code) & (r.scope_code == view.scope) & (r.fiscal_year == fy)]
    return t.sort_values("quarter")[["quarter", "numerator", "denominator", "percent"]
                                    ].reset_index(drop=True)


def fiscal_years_frame(view: ReportView, kr: KRDefinition) -> pd.DataFrame:
    """What the trend chart, its table and its alt text are all made of: one row per
    fiscal year (this one, then the previous) and quarter 1-4.

    ``drawn``: the chart shows the quarter (a bar, or words where there is none: every
    quarter of the previous year, this year's up to the report's); ``percent`` the bar
    (NaN: no bar), ``note`` the words instead of a bar (:data:`STATE_TH`: not covered by
    the drop, nobody in the target group, withheld); ``text`` what the table and the alt
    text say (``84.79 % (1,538 / 1,814)``, the note, or a dash for a quarter to come).
    """
    sup, fy, rows = view.suppression, view.period.fiscal_year, []
    for year in (fy, fy - 1):
        frame = trend_frame(view, kr, year)
        for q in (1, 2, 3, 4):
            hit = frame[frame.quarter == q]
            if year == fy and (q > view.period.quarter or hit.empty):
                rows.append((year, q, False, float("nan"), "", DASH))
                continue
            state = "not_covered" if hit.empty else view.state(kr, year, q)
            if state in ("not_covered", "empty"):
                rows.append((year, q, True, float("nan"), STATE_TH[state], STATE_TH[state]))
                continue
            r = hit.iloc[0]
            text = (f"{sup.percent(r.percent, r.numerator, r.denominator)} "
                    f"({sup.count(r.numerator)} / {sup.count(r.denominator)})")
            shown = state == "shown"
            rows.append((year, q, True, float(r.percent) if shown else float("nan"),
                         "" if shown else STATE_TH[state], text))
    return pd.DataFrame(rows, columns=["fiscal_year", "quarter", "drawn", "percent", "note",
                                       "text"])


def fiscal_years(view: ReportView, kr: KRDefinition) -> HTML:
    """This fiscal year beside the previous one, quarter by quarter: chart, table and alt
    text from one frame (:func:`fiscal_years_frame`), so that they cannot disagree."""
    from krlib.report import charts

    fy = view.period.fiscal_year
    frame = fiscal_years_frame(view, kr)
    this, prev = frame[frame.fiscal_year == fy], frame[frame.fiscal_year == fy - 1]
    labels = (f"ปีงบประมาณ {fy}", f"ปีงบประมาณ {fy - 1}")
    window = window_short_th(view.cumulative)  # สะสม, or เฉพาะไตรมาส for a method study
    drawn = frame[frame.drawn]
    empty = WITHHELD_TH if (drawn.note == WITHHELD_TH).any() else NOT_COVERED_TH
    fig = charts.fiscal_years_chart(
        this[this.drawn][["quarter", "percent", "note"]],
        prev[prev.drawn][["quarter", "percent", "note"]], kr.target,
        f"ร้อยละรายไตรมาส ({window}) — {view.name}", labels, ylabel=f"ร้อยละ ({window})",
        empty_message=empty, kr=kr_label(kr))
    table = pd.DataFrame({f"ไตรมาส ({window})": [QUARTER_TH[q] for q in (1, 2, 3, 4)],
                          labels[0]: list(this.text), labels[1]: list(prev.text)})
    said = []
    for q in (1, 2, 3, 4):
        parts = [f"{label} {r.text}" for label, part in zip(labels, (this, prev))
                 for r in part[(part.quarter == q) & part.drawn].itertuples()]
        said.append(f"{QUARTER_TH[q]} " + ", ".join(parts))
    alt = (f"แผนภูมิแท่งร้อยละรายไตรมาส ({window}) ของ{view.name} ปีงบประมาณ {fy} เทียบกับ {fy - 1} "
           f"ค่าเป้าหมาย {target_text(kr.target)}: " + "; ".join(said))
    return html_block(macro("kr.html.j2", "trend", window_label_th(view.cumulative),
                            NOT_COVERED_TH, EMPTY_COHORT_TH, Markup(png(fig, alt)),
                            Markup(html_table(table).data)))


def breakdown_frame(view: ReportView, kr: KRDefinition) -> pd.DataFrame:
    """Persons with at least one service of each category (every category, zeros too)."""
    b = view.prep.indicators.breakdown
    b = b[(b.kr_code == kr.code) & (b.scope_code == view.scope)
          & (b.fiscal_year == view.period.fiscal_year) & (b.quarter == view.period.quarter)]
    counts = b.groupby("category")["persons"].sum()
    cats = dict(getattr(kr, "categories", {}) or {})
    for k in counts.index:  # a category the definition does not list still shows
        cats.setdefault(k, category_label(kr_dimension(kr), str(k)))
    return pd.DataFrame({"category": list(cats), "category_th": list(cats.values()),
                         "persons": [int(counts.get(k, 0)) for k in cats]})


def breakdown(view: ReportView, kr: KRDefinition) -> HTML:
    from krlib.report import charts

    sup, label = view.suppression, breakdown_label(kr)
    f = breakdown_frame(view, kr)
    drawn = f.copy()
    drawn.loc[[sup.hides(n) for n in f.persons], "persons"] = 0
    drawn["label"] = [sup.count(n) for n in f.persons]  # a hidden count's bar says <N
    row = view.result(kr)
    nobody = row is None or int(row.numerator) == 0  # the target group exists: 0 served
    empty = none_served_th(sup.count(row.denominator)) if nobody and row is not None \
        else WITHHELD_TH
    fig = charts.breakdown_chart(drawn, f"จำนวนคนที่ได้รับบริการแต่ละ{label} — {view.name}",
                                 empty_message=empty, kr=kr_label(kr))
    top = f.sort_values("persons", ascending=False, kind="stable").head(3)
    alt = (f"แผนภูมิแท่งจำนวนคนที่ได้รับบริการแต่ละ{label}ของ{view.name}: "
           + (empty if nobody else "; ".join(f"{c} {sup.count(n)} คน"
                                             for c, n in zip(top.category_th, top.persons))))
    table = pd.DataFrame({label: f.category_th, "จำนวนคน": [sup.count(n) for n in f.persons]})
    return html_block(macro("kr.html.j2", "breakdown", label, Markup(png(fig, alt)),
                            Markup(html_table(table).data)))


def disaggregations(view: ReportView, kr: KRDefinition) -> list[HTML]:
    """A compact table per dimension: persons, served, percent against the target."""
    d = getattr(view.prep.indicators, "disaggregation", None)
    if d is None or len(d) == 0:
        return []
    d = d[(d.kr_code == kr.code) & (d.scope_code == view.scope)
          & (d.fiscal_year == view.period.fiscal_year) & (d.quarter == view.period.quarter)]
    if d.empty:
        return []
    sup, parts = view.suppression, []
    for dim, g in d.groupby("dimension", sort=False):
        name = dimension_label(str(dim))
        table = pd.DataFrame({
            name: [category_label(str(dim), str(c)) for c in g.category],
            "ผลงาน (คน)": [sup.count(n) for n in g.numerator],
            "กลุ่มเป้าหมาย (คน)": [sup.count(n) for n in g.denominator],
            "ร้อยละ": [sup.percent(p, n, dd) for p, n, dd in zip(g.percent, g.numerator,
                                                                  g.denominator)],
            "เทียบค่าเป้าหมาย": [DASH if sup.percent_hidden(n, dd) or pd.isna(p)
                                 else _verdict_text(float(p) >= kr.target)
                                 for p, n, dd in zip(g.percent, g.numerator, g.denominator)],
        })
        parts.append(html_table(table, caption=f"จำแนกตาม{name}").data)
    return [html_block("<section><h3>จำแนกตามคุณลักษณะของกลุ่มเป้าหมาย</h3>" + "".join(parts)
                       + "</section>")]


def _timeliness_row(view: ReportView, kr: KRDefinition) -> pd.Series | None:
    t = getattr(view.prep.indicators, "timeliness", None)
    if t is None or len(t) == 0:
        return None
    t = t[(t.kr_code == kr.code) & (t.scope_code == view.scope)
          & (t.fiscal_year == view.period.fiscal_year) & (t.quarter == view.period.quarter)]
    return None if t.empty else t.iloc[0]


def waiting(view: ReportView, kr: KRDefinition) -> int:
    """Persons of the target group not served yet (denominator - numerator)."""
    row = view.result(kr)
    return 0 if row is None else int(row.denominator) - int(row.numerator)


def timeliness_line(view: ReportView, kr: KRDefinition) -> str:
    t, sup = _timeliness_row(view, kr), view.suppression
    if t is None:
        return ""
    if int(t.served) == 0:
        return macro("kr.html.j2", "timeliness", NONE_SERVED_TH, "", "", "",
                     sup.count(t.waiting))
    median = DASH if pd.isna(t.median_days) else f"{float(t.median_days):,.1f}".removesuffix(".0")
    days = "" if median == DASH else " วัน"  # no unit after a dash
    return macro("kr.html.j2", "timeliness", "", median, days, sup.count(t.served),
                 sup.count(t.waiting))


def waiting_table(view: ReportView, kr: KRDefinition) -> str:
    """The persons still waiting by days waited so far (to the last day of the window),
    as a small table; "" when the figures hold no such columns (an older prepared file)."""
    t, sup = _timeliness_row(view, kr), view.suppression
    if t is None or any(k not in t.index or pd.isna(t[k]) for k, _ in WAITING_BUCKETS):
        return ""
    table = pd.DataFrame([["จำนวนคน", *(sup.count(int(t[k])) for k, _ in WAITING_BUCKETS)]],
                         columns=["รอรับบริการมาแล้ว", *(lab for _, lab in WAITING_BUCKETS)])
    return (f"<p>ผู้ที่ยังรอรับบริการ จำแนกตามจำนวนวันที่รอมาแล้ว นับถึงวันที่ "
            f"{thai_date(view.period.end)}</p>" + str(html_table(table).data))


def timeliness(view: ReportView, kr: KRDefinition) -> HTML:
    """Days to the first service (chart), the persons waiting (by days waited so far),
    and how to list them."""
    from krlib.report import charts

    sup, n = view.suppression, waiting(view, kr)
    t = _timeliness_row(view, kr)
    parts = ["<section class='keep'><h3>ระยะเวลารอรับบริการ และผู้ที่ยังรอ</h3>"]
    if t is not None:
        counts = [0 if sup.hides(int(t[k])) else int(t[k]) for k, _ in BUCKETS]
        said = [sup.count(t[k]) for k, _ in BUCKETS]
        nobody = int(t.served) == 0  # the target group exists, nobody served yet
        empty = none_served_th(sup.count(int(t.served) + int(t.waiting))) if nobody \
            else WITHHELD_TH
        fig = charts.buckets_chart([lab for _, lab in BUCKETS], counts,
                                   f"จำนวนวันจนได้รับบริการครั้งแรก — {view.name}",
                                   empty_message=empty, value_labels=said, kr=kr_label(kr))
        alt = ("แผนภูมิแท่งจำนวนคนตามจำนวนวันจนได้รับบริการครั้งแรก: "
               + (empty if nobody else "; ".join(f"{lab} {n_} คน"
                                                 for (_, lab), n_ in zip(BUCKETS, said))))
        parts += [f"<p>{timeliness_line(view, kr)}</p>", png(fig, alt)]
    if n > 0:
        who = (f"<p>มีผู้ที่ยังไม่ได้รับบริการ <b>{esc(sup.count(n))}</b> {esc(kr_unit(kr))} "
               "รายชื่อ (มีข้อมูลส่วนบุคคล สำหรับเจ้าหน้าที่ผู้รับผิดชอบเท่านั้น) ")
        if view.is_bma:  # krlib worklist lists one district: its report prints the command
            parts.append(who + "รายชื่อของแต่ละเขตสร้างได้ด้วยคำสั่งที่พิมพ์ไว้ในรายงานของเขตนั้น</p>")
        else:
            parts.append(who + "สร้างได้ด้วยคำสั่งต่อไปนี้ ในโฟลเดอร์ที่มีโฟลเดอร์ชุดข้อมูล "
                         f"“{esc(view.data_name)}” โดยแทน {PRIVATE_FOLDER_TH} "
                         "ด้วยโฟลเดอร์ส่วนตัวของท่าน (นอกโฟลเดอร์ชุดข้อมูลและโฟลเดอร์รายงาน)</p>"
                         f'<pre><code class="krlib-command">{esc(worklist_command(view, kr))}'
                         "</code></pre>")
        parts.append(waiting_table(view, kr))
    else:
        parts.append("<p>ทุกคนในกลุ่มเป้าหมายได้รับบริการแล้ว</p>")
    return html_block("".join(parts) + "</section>")


def worklist_command(view: ReportView, kr: KRDefinition) -> str:
    """The ``krlib worklist`` command that lists a district's persons still waiting, as it
    runs: the data folder by its name (run in the folder that holds it), the period, the
    KR and the district; the output file, in a private folder, is the one placeholder
    (:data:`krlib.thai.PRIVATE_FOLDER_TH`, left unquoted so that it can be replaced).

    Three short lines joined by the shell's line continuation: no line is wrapped on the
    page (a break inside ``--kr`` would not run), and text copied from the PDF, newlines
    and all, still runs in a shell."""
    p = view.period
    lines = [["krlib", "worklist", "--data", view.data_name or "."],
             ["--fiscal-year", str(p.fiscal_year), "--quarter", str(p.quarter),
              "--kr", str(kr.code), "--district", view.scope]]
    out = f"{PRIVATE_FOLDER_TH}/worklist-{p.label}-{kr.code}-{view.scope}.csv"
    # KR codes (krlib.contract.kr), periods and district codes are shell-safe: the placeholder
    # stays unquoted, so that replacing it with ~/private works too
    return " \\\n  ".join([*(shlex.join(a) for a in lines), f"--out {out}"])


# --- comparison with Bangkok and the other districts ---------------------------------

def league_frame(view: ReportView, kr: KRDefinition) -> pd.DataFrame:
    """The 50 districts with rank by percent (1 = highest; districts without cases
    unranked), in the one order the league table, chart and alt text all use (rank, then
    district code); ``tied``: how many districts share the rank (``1 ร่วม``)."""
    r = view.prep.indicators.results
    d = r[(r.kr_code == kr.code) & (r.fiscal_year == view.period.fiscal_year)
          & (r.quarter == view.period.quarter) & (r.scope_code != BMA)]
    d = d[["scope_code", "scope_name_th", "numerator", "denominator", "percent", "met_target"]]
    d = d.assign(rank=d["percent"].rank(method="min", ascending=False))
    d = d.rename(columns={"met_target": "met"})
    d = d.sort_values(["rank", "scope_code"], na_position="last").reset_index(drop=True)
    tied = d.groupby("rank")["rank"].transform("size")
    return d.assign(tied=tied.fillna(0).astype(int))


def _rank_cell(r: Any) -> str:
    """``r``: a row of :meth:`pandas.DataFrame.itertuples` (rank, tied)."""
    return DASH if pd.isna(r.rank) else rank_cell_th(int(r.rank), int(r.tied))


def unknown_row(view: ReportView, kr: KRDefinition) -> tuple[int, int]:
    """Persons of unknown district: Bangkok minus the sum of the 50 districts."""
    league, bma = league_frame(view, kr), view.result(kr, BMA)
    assert bma is not None  # Bangkok has a row for every available KR
    return (int(bma.numerator) - int(league.numerator.sum()),
            int(bma.denominator) - int(league.denominator.sum()))


def met_count(view: ReportView, kr: KRDefinition) -> tuple[int, int]:
    """(districts meeting the target, districts with cases)."""
    lg = league_frame(view, kr)
    return int((lg["met"] == True).sum()), int(lg["rank"].notna().sum())  # noqa: E712


def league_table(view: ReportView, kr: KRDefinition) -> HTML:
    sup, lg = view.suppression, league_frame(view, kr)
    un, ud = unknown_row(view, kr)
    bma = view.result(kr, BMA)
    assert bma is not None  # Bangkok has a row for every available KR
    rank = [_rank_cell(r) for r in lg.itertuples()]
    names = list(lg.scope_name_th)
    nums, dens = list(lg.numerator), list(lg.denominator)
    pcts, mets = list(lg.percent), list(lg.met)
    rank += ["", ""]
    names += [UNKNOWN_TH, f"รวม{BANGKOK_TH}"]
    nums += [un, int(bma.numerator)]
    dens += [ud, int(bma.denominator)]
    pcts += [percent_half_up(un, ud), bma.percent]
    mets += [None, bma.met_target]
    table = pd.DataFrame({
        "อันดับ": rank, "เขต": names,
        "ผลงาน (คน)": [sup.count(n) for n in nums],
        "กลุ่มเป้าหมาย (คน)": [sup.count(d) for d in dens],
        "ร้อยละ": [sup.percent(p, n, d) for p, n, d in zip(pcts, nums, dens)],
        "ผล": [DASH if sup.percent_hidden(n, d) else _verdict_text(m)
               for m, n, d in zip(mets, nums, dens)],
    })
    table.loc[len(table) - 2, "ผล"] = DASH  # unknown district: not a district to judge
    return html_table(table, caption=f"ผลรายเขต {view.period.label_th} (50 เขต + {UNKNOWN_TH} "
                                     f"= {BANGKOK_TH})", classes="krlib-league")


def map_status(view: ReportView, kr: KRDefinition) -> dict[str, str]:
    sup, out = view.suppression, {}
    for r in league_frame(view, kr).itertuples():
        if int(r.denominator) == 0 or sup.percent_hidden(r.numerator, r.denominator):
            out[r.scope_code] = "no_cases"
        else:
            out[r.scope_code] = "met" if bool(r.met) else "not_met"
    return out


def comparison(view: ReportView, kr: KRDefinition) -> HTML:
    """District beside Bangkok and its rank; for BMA the map, the league chart and table."""
    from krlib.report import charts

    sup = view.suppression
    met, ranked = met_count(view, kr)
    bma = view.result(kr, BMA)
    assert bma is not None  # Bangkok has a row for every available KR
    bma_pct = sup.percent(bma.percent, bma.numerator, bma.denominator)
    un, ud = unknown_row(view, kr)
    if view.is_bma:
        status = map_status(view, kr)
        names = {c: n.removeprefix("เขต") for c, n in zip(scopes().scope_code,
                                                            scopes().scope_name_th) if c != BMA}
        counts = {k: sum(1 for v in status.values() if v == k)
                  for k in ("met", "not_met", "no_cases")}
        league = league_frame(view, kr)
        withheld = any(sup.percent_hidden(r.numerator, r.denominator)
                       for r in league.itertuples() if r.denominator)
        label = f"{EMPTY_COHORT_TH} หรือ{WITHHELD_TH}" if withheld else EMPTY_COHORT_TH
        fig = charts.district_map(status, f"ผลรายเขต — {view.period.label_th}", names, label,
                                  kr=kr_label(kr))
        alt = (f"แผนที่ 50 เขตของกรุงเทพมหานคร: บรรลุค่าเป้าหมาย {counts['met']} เขต "
               f"ยังไม่บรรลุ {counts['not_met']} เขต {label} {counts['no_cases']} เขต")
        # chart, table and alt text in the league frame's one order
        shown = league.assign(
            percent=[view.percent_shown(r) for r in league.itertuples()],
            note=[EMPTY_COHORT_TH if not r.denominator else WITHHELD_TH
                  for r in league.itertuples()])
        fig2 = charts.league_chart(shown, kr.target, f"ร้อยละรายเขต — {view.period.label_th}",
                                   label, ordered=True, kr=kr_label(kr))
        best = league.dropna(subset=["rank"]).head(3)
        alt2 = (f"แผนภูมิแท่งร้อยละของ {ranked} เขตที่มีกลุ่มเป้าหมาย เรียงตามอันดับ "
                f"(ลำดับเดียวกับตารางผลรายเขต) ค่าเป้าหมาย {target_text(kr.target)} "
                f"{met_of_th(met, ranked)}; อันดับแรก: "
                + "; ".join(f"{r.scope_name_th} "
                            f"{sup.percent(r.percent, r.numerator, r.denominator)} "
                            f"(อันดับที่ {_rank_cell(r)})" for r in best.itertuples()))
        note = (f"<p>ภาพรวม{BANGKOK_TH} <b>{esc(bma_pct)}</b> · "
                f"{met_of_th(f'<b>{met}</b>', ranked)} · ผู้ที่ไม่ทราบเขต {esc(sup.count(ud))} คน "
                f"(ได้รับบริการ {esc(sup.count(un))} คน) นับเฉพาะในภาพรวม{BANGKOK_TH}</p>")
        return html_block("<section><div class='keep'><h3>เปรียบเทียบรายเขต</h3>" + note
                          + dense(png(fig, alt, charts.MAP_CREDIT_TH))
                          + "</div><div class='keep'>" + dense(png(fig2, alt2)) + "</div>"
                          + league_table(view, kr).data + "</section>")
    mine = view.result(kr)
    assert mine is not None  # every scope has a row for every available KR
    lg = league_frame(view, kr)
    row = lg[lg.scope_code == view.scope].iloc[0]
    if pd.isna(row["rank"]):
        where = f"ไม่ได้จัดอันดับ ({EMPTY_COHORT_TH})"
    elif sup.percent_hidden(row.numerator, row.denominator):
        where = "ไม่เปิดเผยอันดับ (จำนวนน้อย)"
    else:
        where = rank_th(f"<b>{int(row['rank'])}</b>", int(row["tied"]), ranked)
    mine_pct = sup.percent(mine.percent, mine.numerator, mine.denominator)
    fig = charts.comparison_chart(view.percent_shown(mine), view.percent_shown(bma), kr.target,
                                  (view.name, BANGKOK_TH), notes=(WITHHELD_TH, WITHHELD_TH),
                                  kr=kr_label(kr))
    alt = (f"แผนภูมิแท่งเปรียบเทียบร้อยละของ{view.name} {mine_pct} กับภาพรวม{BANGKOK_TH} "
           f"{bma_pct} ค่าเป้าหมาย {target_text(kr.target)}")
    return html_block("<section class='keep'><h3>เปรียบเทียบกับภาพรวมกรุงเทพมหานครและเขตอื่น</h3>"
                      f"<p>{esc(view.name)}: {where} · ภาพรวม{BANGKOK_TH} <b>{esc(bma_pct)}</b> · "
                      f"{met_of_th(met, ranked)} (ทั้ง{BANGKOK_TH})</p>"
                      + png(fig, alt) + "</section>")


# --- data quality, sign-off, provenance -----------------------------------------------

def _table_th(table: str) -> str:
    spec = TABLES.get(table)
    return spec.th if spec is not None else str(table)


def _reason_th(kind: str, code: str) -> str:
    from krlib.clean.tables import FLAGS, REASONS

    if kind == "collapsed":
        return "แถวซ้ำทุกช่อง"
    return (REASONS.get(code) or FLAGS.get(code) or (str(code),))[0]


def district_quality_table(view: ReportView) -> HTML:
    """This district's own rows: rejected, collapsed duplicates, kept with a flag."""
    dq = getattr(view.prep, "district_quality", None)
    if dq is None or len(dq) == 0:
        rows = pd.DataFrame(columns=["table", "kind", "code", "district", "rows"])
    else:
        rows = dq[dq.district == view.scope]
    if rows.empty:
        return html_block(macro("quality.html.j2", "no_own_rows", view.name))
    return html_table(pd.DataFrame({
        "ตาราง": [_table_th(t) for t in rows.table],
        "ผล": [KIND_TH.get(k, k) for k in rows.kind],
        "เหตุผล": [_reason_th(k, c) for k, c in zip(rows.kind, rows.code)],
        "จำนวนแถว": [count_text(n) for n in rows["rows"]],
    }))


def quality_table(view: ReportView) -> HTML:
    q = view.prep.quality
    table = pd.DataFrame({
        "ตาราง": [_table_th(t) for t in q["table"]],
        "แถวที่อ่าน": [count_text(n) for n in q["rows_in"]],
        "เก็บไว้": [count_text(n) for n in q["kept"]],
        "แถวซ้ำที่รวม": [count_text(n) for n in q["duplicates_collapsed"]],
        "ปฏิเสธ": [count_text(n) for n in q["rejected"]],
        "เลขประชาชนไม่ถูกต้อง": [count_text(n) for n in q["invalid_citizen_id"]],
        "ไม่ทราบเขต": [count_text(n) for n in q["unknown_district"]],
    })
    if "merged_by_links" in q.columns:  # a drop with person_links (contract v3)
        table["นับรวมกับบุคคลอื่นตามการยืนยัน"] = [count_text(n) for n in q["merged_by_links"]]
    return html_table(table, classes="krlib-wide")


def reasons_table(view: ReportView) -> HTML:
    from krlib.clean.tables import FLAGS, REASONS

    p = view.prep
    rows = [(_table_th(r.table), "ปฏิเสธ", REASONS.get(r.reason, (r.reason,))[0], count_text(r.rows))
            for r in p.reasons.itertuples()]
    rows += [(_table_th(r.table), "เก็บไว้ (มีข้อสังเกต)", FLAGS.get(r.flag, (r.flag,))[0],
              count_text(r.rows)) for r in p.flags.itertuples()]
    if not rows:
        return html_block(macro("quality.html.j2", "no_rows"))
    return html_table(pd.DataFrame(rows, columns=["ตาราง", "ผล", "เหตุผล", "จำนวนแถว"]))


def quality_section(view: ReportView) -> list[HTML]:
    """The district's own data quality, then (said so) Bangkok-wide tables."""
    head = macro("quality.html.j2", "head")
    if view.is_bma:
        return [html_block(head), quality_table(view), reasons_table(view)]
    if view.no_cases:
        return [html_block(macro("quality.html.j2", "statement_head", view.name)),
                district_quality_table(view)]
    own = macro("quality.html.j2", "own", view.name)
    wide = macro("quality.html.j2", "wide", view.name, BANGKOK_TH)
    return [html_block(head + own), district_quality_table(view), html_block(wide),
            quality_table(view), reasons_table(view)]


SIGNOFF_ROLES = (("prepared_by", "ผู้จัดทำ"), ("reviewed_by", "ผู้ตรวจสอบ"),
                 ("approved_by", "ผู้อนุมัติ"))


def signoff(view: ReportView) -> HTML:
    """Prepared / reviewed / approved by: names and positions from the parameters, blank
    lines to fill in by hand where none is given."""
    signers = []
    for key, role in SIGNOFF_ROLES:
        who = view.signoff.get(key) or {}
        if not isinstance(who, dict):
            who = {"name": str(who)}
        signers.append({"role": role, "name": str(who.get("name") or ""),
                        "position": str(who.get("position") or "")})
    return html_block(macro("signoff.html.j2", "signoff", signers, "." * 40))


def _parameter_value(key: str, value: object) -> str:
    """A notebook parameter as a reader reads it (a date in Thai with its BE year)."""
    if key == "data_as_of" and value:
        return thai_date(str(value))
    return str(value)


#: prepared.json's per-scope tables and the column naming the scope
PER_SCOPE_TABLES = {"results": "scope_code", "breakdown": "scope_code",
                    "disaggregation": "scope_code", "timeliness": "scope_code",
                    "district_quality": "district"}


def league_numbers(prep: Prepared, scope: str) -> dict[str, list[object]]:
    """Per available KR, all a district's report shows of the other districts: its rank
    and ties, the districts meeting the target, the districts ranked."""
    view = ReportView(prep, scope)
    out: dict[str, list[object]] = {}
    for kr in view.krs.values():
        if not view.available(kr):
            continue
        lg = league_frame(view, kr)
        mine = lg[lg.scope_code == scope]
        rank = None if mine.empty or pd.isna(mine["rank"].iloc[0]) else int(mine["rank"].iloc[0])
        tied = None if mine.empty else int(mine["tied"].iloc[0])
        out[kr.code] = [rank, tied, *met_count(view, kr)]
    return out


def scope_inputs(prep: Prepared, scope: str, doc: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """The part of ``prepared.json`` (``doc``: its parsed text) one report is made of.

    Bangkok's: all of it. A district's: all of it but the per-district tables, which keep
    its own rows, with only what it shows of Bangkok (this period's figures, and which
    periods the drop covers) and of the other districts (:func:`league_numbers`), and the
    input files without their SHA-256 (a district report shows :func:`scope_digest`).
    Whatever is not known to be per district (the Bangkok-wide data quality, rows read
    per file, warnings, definitions) stays whole.
    """
    import json

    doc = json.loads(prep.to_json()) if doc is None else doc
    if scope == BMA:
        return dict(doc)
    part = dict(doc)
    for table, column in PER_SCOPE_TABLES.items():
        part[table] = [r for r in doc.get(table, []) if r.get(column) == scope]
    # of Bangkok, a district report shows this period's figures, and of every other
    # period only whether the drop covers it (ReportView.covered)
    fy, q = doc.get("fiscal_year"), doc.get("quarter")
    bma = [r for r in doc.get("results", []) if r.get("scope_code") == BMA]
    part["bma"] = [r for r in bma if (r.get("fiscal_year"), r.get("quarter")) == (fy, q)]
    part["bma_covered"] = [[r.get("kr_code"), r.get("fiscal_year"), r.get("quarter"),
                            bool(r.get("denominator"))] for r in bma]
    part["sources"] = [{k: v for k, v in s.items() if k != "sha256"}
                       for s in doc.get("sources", [])]
    part["league"] = league_numbers(prep, scope)
    return part


def scope_digest(prep: Prepared, scope: str, doc: dict[str, Any] | None = None) -> str:
    """SHA-256 of :func:`scope_inputs`: a district report's fingerprint of its data,
    recomputed from the run's prepared.json (whose SHA-256 the manifest records, and
    which lists every input file's SHA-256)."""
    import hashlib
    import json

    text = json.dumps(scope_inputs(prep, scope, doc), ensure_ascii=False, sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def provenance(view: ReportView, params: dict[str, object] | None = None) -> HTML:
    """Where the figures come from: files (and their SHA-256 in Bangkok's report),
    version, parameters, time; the data folder by its name only, never a local path.

    A district report shows the SHA-256 of the data it is made of (:func:`scope_digest`)
    rather than of the whole input files: a correction elsewhere that moves none of its
    figures leaves it byte for byte the same (so a batch can reuse it).
    """
    info, when = version_info(), generated_at()
    made = bangkok_time(when)
    sources = [{"table": _table_th(s["table"]), "file": str(s["file"]),
                "rows": count_text(s["rows_in"]), "sha256": str(s["sha256"])}
               for s in view.prep.sources]
    digest = None if view.is_bma else scope_digest(view.prep, view.scope)
    shown = {k: v for k, v in (params or {}).items() if k not in ("data_dir", "prepared",
                                                                  "signoff")}
    par = ", ".join(f"{PARAMETER_TH.get(k, k)} {_parameter_value(k, v)}"
                    for k, v in shown.items())
    return html_block(macro(
        "provenance.html.j2", "provenance", sources, digest, view.data_name or DASH,
        thai_date(view.as_of) if view.as_of else NO_DATA_TH, str(info["krlib_version"]),
        str(info["git_commit"] or ""), par or DASH, f"{thai_date(made)} {made:%H:%M}",
        f"notebooks/{view.scope}.ipynb", view.no_cases))


# --- the machine-checked figures ------------------------------------------------------

def key_figures(view: ReportView) -> str:
    """One stable text line per KR: the figures the tests check in the executed notebook
    (the cell is tagged key-figures and left out of the HTML and PDF)."""
    sup, lines = view.suppression, []
    for kr in view.krs.values():
        label = f"KR {kr.code} {view.scope} {view.period.label}"
        if not view.available(kr):
            lines.append(f"{label}: unavailable")
            continue
        r = view.result(kr)
        assert r is not None  # every scope has a row for every available KR
        num, den = int(r.numerator), int(r.denominator)
        pct = "" if pd.isna(r.percent) else f"{r.percent:.2f}"
        if sup.percent_hidden(num, den):
            pct = "withheld"
        met = ("" if r.met_target is None or pd.isna(r.met_target)
               else str(bool(r.met_target)).lower())
        lines.append(f"{label}: {sup.count(num).replace(',', '')}/"
                     f"{sup.count(den).replace(',', '')} percent={pct} met={met}")
    return "\n".join(lines)
