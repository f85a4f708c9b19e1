"""What the report notebooks show, built from computed values (never typed-in numbers).

Each function takes a :class:`~krlib.prepare.Prepared` (aggregates only), a KR
definition and a scope (district code or ``BMA``) and returns an IPython display
object: Markdown narrative in Thai, an HTML table or a PNG chart. Notebooks stay thin:
one call per cell. ``suppress_below`` implements small-number suppression for
publication (counts 1..N-1 shown as ``<N``, percents that would reveal them withheld).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, Image, Markdown

from krlib import thai
from krlib.indicators import BMA, persons_to_target, scopes
from krlib.kr import KRDefinition
from krlib.prepare import Prepared
from krlib.provenance import BANGKOK_OFFSET_HOURS, generated_at, version_info
from krlib.schema import TABLES

QUARTER_TH = {1: "ไตรมาส 1", 2: "ไตรมาส 2", 3: "ไตรมาส 3", 4: "ไตรมาส 4"}
NO_CASES_TH = thai.NO_CASES_TH


# --- loading ------------------------------------------------------------------------

def load(data_dir: str, fiscal_year: int, quarter: int, prepared: str = "") -> Prepared:
    """The batch's prepared aggregates when given, else prepare them from the raw drop."""
    from krlib.prepare import prepare

    if prepared:
        prep = Prepared.load(prepared)
        if (prep.period.fiscal_year, prep.period.quarter) != (int(fiscal_year), int(quarter)):
            raise ValueError(f"{prepared} holds {prep.period.label}, not {fiscal_year}-Q{quarter}")
        return prep
    return prepare(data_dir, fiscal_year, quarter)


def scope_code(district: str | int) -> str:
    """``BMA`` or the DOPA code of a district given as code, Thai or English name."""
    from krlib.parse import parse_district

    text = str(district).strip()
    if text.upper() == BMA or text == "กรุงเทพมหานคร":
        return BMA
    code = parse_district(text)
    if code is None:
        raise ValueError(f"unknown district {district!r}: use a DOPA code 1001-1050, "
                         "a district name, or BMA")
    return code


# --- scope and numbers --------------------------------------------------------------

def scope_name(scope: str) -> str:
    """Thai name of a district code or of ``BMA``."""
    s = scopes()
    hit = s.loc[s.scope_code == scope, "scope_name_th"]
    if hit.empty:
        raise ValueError(f"unknown scope {scope!r}: use a DOPA code 1001-1050 or BMA")
    return str(hit.iloc[0])


@dataclass(frozen=True)
class Suppression:
    """Publication rule: counts 1..below-1 become ``<below``; 0 means no suppression."""

    below: int = 0

    def hides(self, n: int) -> bool:
        return self.below > 0 and 0 < int(n) < self.below

    def count(self, n: int) -> str:
        return f"<{self.below}" if self.hides(n) else f"{int(n):,}"

    def percent_hidden(self, numerator: int, denominator: int) -> bool:
        """A percent is withheld when its numerator, denominator or their gap is hidden."""
        return (self.hides(numerator) or self.hides(denominator)
                or self.hides(denominator - numerator))

    def percent(self, p: float, numerator: int, denominator: int) -> str:
        if p is None or (isinstance(p, float) and math.isnan(p)):
            return "–"
        if self.percent_hidden(numerator, denominator):
            return "ไม่เปิดเผย"
        return f"{p:.2f}%"

    @property
    def rule_th(self) -> str:
        if not self.below:
            return ""
        return (f"เพื่อคุ้มครองข้อมูลส่วนบุคคล จำนวนที่น้อยกว่า {self.below} คน (แต่มากกว่า 0) "
                f"แสดงเป็น \u201c<{self.below}\u201d และไม่เปิดเผยร้อยละที่อาจทำให้ทราบจำนวนดังกล่าว "
                f"(Counts 1-{self.below - 1} are shown as <{self.below}; percents that would "
                "reveal them are withheld.)")


def result_row(prep: Prepared, kr: KRDefinition, scope: str, quarter: int | None = None
               ) -> pd.Series:
    r = prep.indicators.results
    q = prep.period.quarter if quarter is None else quarter
    row = r[(r.kr_code == kr.code) & (r.scope_code == scope) & (r.quarter == q)]
    return row.iloc[0]


def available(prep: Prepared, kr: KRDefinition) -> bool:
    return kr.code not in prep.indicators.unavailable


# --- narrative ----------------------------------------------------------------------

def title(prep: Prepared, scope: str) -> Markdown:
    p = prep.period
    where = scope_name(scope)
    kind = "ภาพรวมกรุงเทพมหานคร" if scope == BMA else f"สำนักงาน{where}"
    return Markdown(
        f"# รายงานผลการดำเนินงานตามตัวชี้วัด (KR) ด้านสวัสดิการสังคม — {where}\n\n"
        f"**{kind}** · {p.label_th} (ข้อมูลสะสมตั้งแต่ {thai_date(p.start)} ถึง "
        f"{thai_date(p.end)}) · รหัสพื้นที่ `{scope}`"
    )


thai_date = thai.thai_date


def definition(kr: KRDefinition) -> Markdown:
    support = ", ".join(kr.supporting_units) if kr.supporting_units else "–"
    return Markdown(
        f"## KR {kr.code}: {kr.name_th}\n\n"
        f"*{kr.name_en}*\n\n"
        f"| | |\n|---|---|\n"
        f"| **นิยาม** | {kr.definition_th} |\n"
        f"| **สูตรคำนวณ** | {kr.formula_th} |\n"
        f"| **ค่าเป้าหมาย** | ร้อยละ {kr.target} |\n"
        f"| **หน่วยงานเจ้าภาพ** | {kr.host_unit} |\n"
        f"| **หน่วยงานสนับสนุน** | {support} |\n"
        f"| **การรายงาน** | ระบบติดตามนโยบายกรุงเทพมหานคร (BMA Policy Tracking) |\n"
    )


def unavailable_note(prep: Prepared, kr: KRDefinition) -> Markdown:
    return Markdown(f"> **ไม่สามารถคำนวณได้ / unavailable:** {prep.indicators.unavailable[kr.code]}")


def headline(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0) -> Markdown:
    """The figure: percent, numerator / denominator, met or not, persons still needed."""
    if not available(prep, kr):
        return unavailable_note(prep, kr)
    sup = Suppression(suppress_below)
    r = result_row(prep, kr, scope)
    num, den = int(r.numerator), int(r.denominator)
    if den == 0:
        return Markdown(f"### ผลการดำเนินงาน\n\n> **{NO_CASES_TH}** — {scope_name(scope)} "
                        f"ไม่มี{kr.denominator_th.removeprefix('จำนวน')}ใน{prep.period.label_th}")
    pct = sup.percent(r.percent, num, den)
    met = bool(r.met_target)
    colour = "#2e7d32" if met else "#c62828"
    verdict = "บรรลุค่าเป้าหมาย" if met else "ยังไม่บรรลุค่าเป้าหมาย"
    lines = [
        "### ผลการดำเนินงาน",
        "",
        f"<p style='margin:.2em 0'><span style='font-size:2.2em;font-weight:bold;"
        f"color:{colour}'>{pct}</span> &nbsp; <span style='color:#555'>ค่าเป้าหมาย ร้อยละ "
        f"{kr.target}</span></p>",
        "",
        f"- {kr.numerator_th}: **{sup.count(num)}** {kr.unit_th}",
        f"- {kr.denominator_th}: **{sup.count(den)}** {kr.unit_th}",
        f"- ผล: <b style='color:{colour}'>{verdict}</b>",
    ]
    if not met:
        more = persons_to_target(num, den, kr.target)
        lines.append(f"- ต้องให้บริการเพิ่มอีกอย่างน้อย **{sup.count(more)}** {kr.unit_th} "
                     f"จึงจะถึงค่าเป้าหมาย")
    return Markdown("\n".join(lines))


# --- trend --------------------------------------------------------------------------

def trend_frame(prep: Prepared, kr: KRDefinition, scope: str) -> pd.DataFrame:
    r = prep.indicators.results
    t = r[(r.kr_code == kr.code) & (r.scope_code == scope)].sort_values("quarter")
    return t[["quarter", "numerator", "denominator", "percent"]].reset_index(drop=True)


def trend(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0):
    """Fiscal-year trend, Q1 .. this quarter, as a chart and a small table."""
    from krlib import charts

    if not available(prep, kr):
        return Markdown("")
    sup = Suppression(suppress_below)
    t = trend_frame(prep, kr, scope)
    shown = t.copy()
    hidden = [sup.percent_hidden(n, d) for n, d in zip(t.numerator, t.denominator)]
    shown.loc[hidden, "percent"] = float("nan")
    fig = charts.trend_chart(shown, kr.target,
                             f"KR {kr.code} ร้อยละสะสมรายไตรมาส — {scope_name(scope)}")
    return png(fig)


def trend_table(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0) -> HTML:
    if not available(prep, kr):
        return HTML("")
    sup = Suppression(suppress_below)
    t = trend_frame(prep, kr, scope)
    table = pd.DataFrame({
        "ไตรมาส (สะสม)": [QUARTER_TH[q] for q in t.quarter],
        "ผลงาน (คน)": [sup.count(n) for n in t.numerator],
        "กลุ่มเป้าหมาย (คน)": [sup.count(d) for d in t.denominator],
        "ร้อยละ": [sup.percent(p, n, d) for p, n, d in zip(t.percent, t.numerator, t.denominator)],
    })
    return html_table(table)


# --- breakdown ----------------------------------------------------------------------

def breakdown_frame(prep: Prepared, kr: KRDefinition, scope: str) -> pd.DataFrame:
    """Persons with at least one service of each category (every category, zeros too)."""
    b = prep.indicators.breakdown
    b = b[(b.kr_code == kr.code) & (b.scope_code == scope) & (b.quarter == prep.period.quarter)]
    counts = b.set_index("category")["persons"]
    return pd.DataFrame({
        "category": list(kr.categories),
        "category_th": list(kr.categories.values()),
        "persons": [int(counts.get(k, 0)) for k in kr.categories],
    })


def breakdown(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0):
    from krlib import charts

    if not available(prep, kr):
        return Markdown("")
    if int(result_row(prep, kr, scope).denominator) == 0:
        return Markdown(f"*{NO_CASES_TH}*")
    sup = Suppression(suppress_below)
    f = breakdown_frame(prep, kr, scope)
    if sup.below:
        f.loc[[sup.hides(n) for n in f.persons], "persons"] = 0
    label = "ประเภทสวัสดิการ" if kr.dimension == "service_type" else "ด้านการฟื้นฟู"
    fig = charts.breakdown_chart(f, f"จำนวนคนที่ได้รับบริการแต่ละ{label} — {scope_name(scope)}")
    return png(fig)


def breakdown_table(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0
                    ) -> HTML:
    if not available(prep, kr):
        return HTML("")
    sup = Suppression(suppress_below)
    f = breakdown_frame(prep, kr, scope)
    label = "ประเภทสวัสดิการ" if kr.dimension == "service_type" else "ด้านการฟื้นฟู"
    return html_table(pd.DataFrame({label: f.category_th, "รหัส": f.category,
                                    "จำนวนคน": [sup.count(n) for n in f.persons]}))


# --- district vs Bangkok, league ----------------------------------------------------

def league_frame(prep: Prepared, kr: KRDefinition) -> pd.DataFrame:
    """The 50 districts with rank by percent (1 = highest; districts without cases unranked)."""
    r = prep.indicators.results
    d = r[(r.kr_code == kr.code) & (r.quarter == prep.period.quarter) & (r.scope_code != BMA)]
    d = d[["scope_code", "scope_name_th", "numerator", "denominator", "percent", "met_target"]]
    d = d.assign(rank=d["percent"].rank(method="min", ascending=False))
    d = d.rename(columns={"met_target": "met"})
    return d.sort_values(["rank", "scope_code"], na_position="last").reset_index(drop=True)


def comparison(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0):
    """District beside Bangkok and its rank; for BMA, the league chart of all 50 districts."""
    from krlib import charts

    if not available(prep, kr):
        return Markdown("")
    sup = Suppression(suppress_below)
    league = league_frame(prep, kr)
    if scope == BMA:
        shown = league.copy()
        hidden = [sup.percent_hidden(n, d) for n, d in zip(league.numerator, league.denominator)]
        shown.loc[hidden, "percent"] = float("nan")
        fig = charts.league_chart(shown, kr.target, f"KR {kr.code} รายเขต — {prep.period.label_th}")
        return png(fig)
    mine, bma = result_row(prep, kr, scope), result_row(prep, kr, BMA)
    p_mine = float("nan") if sup.percent_hidden(mine.numerator, mine.denominator) else mine.percent
    p_bma = float("nan") if sup.percent_hidden(bma.numerator, bma.denominator) else bma.percent
    fig = charts.comparison_chart(p_mine, p_bma, kr.target, (scope_name(scope), "กรุงเทพมหานคร"))
    return png(fig)


def rank_note(prep: Prepared, kr: KRDefinition, scope: str, suppress_below: int = 0) -> Markdown:
    if not available(prep, kr):
        return Markdown("")
    sup = Suppression(suppress_below)
    league = league_frame(prep, kr)
    ranked = league["rank"].notna().sum()
    met = int((league["met"] == True).sum())  # noqa: E712 - object column of True/False/None
    bma = result_row(prep, kr, BMA)
    bma_pct = sup.percent(bma.percent, bma.numerator, bma.denominator)
    if scope == BMA:
        return Markdown(f"ภาพรวมกรุงเทพมหานคร ร้อยละ **{bma_pct}** · เขตที่มีกลุ่มเป้าหมาย "
                        f"**{ranked}** เขต บรรลุค่าเป้าหมาย **{met}** เขต")
    row = league[league.scope_code == scope].iloc[0]
    if pd.isna(row["rank"]):
        where = "ไม่ได้จัดอันดับ (ไม่มีกลุ่มเป้าหมาย)"
    elif sup.percent_hidden(row.numerator, row.denominator):
        where = "ไม่เปิดเผยอันดับ (จำนวนน้อย)"
    else:
        where = f"อันดับที่ **{int(row['rank'])}** จาก {ranked} เขตที่มีกลุ่มเป้าหมาย"
    return Markdown(f"{scope_name(scope)}: {where} · ภาพรวมกรุงเทพมหานคร ร้อยละ **{bma_pct}** "
                    f"· บรรลุค่าเป้าหมาย {met} จาก 50 เขต")


def league_table(prep: Prepared, kr: KRDefinition, suppress_below: int = 0) -> HTML:
    if not available(prep, kr):
        return HTML("")
    sup = Suppression(suppress_below)
    lg = league_frame(prep, kr)
    verdict = {True: "บรรลุ", False: "ไม่บรรลุ"}
    return html_table(pd.DataFrame({
        "อันดับ": ["–" if pd.isna(k) else str(int(k)) for k in lg["rank"]],
        "รหัส": lg.scope_code,
        "เขต": lg.scope_name_th,
        "ผลงาน (คน)": [sup.count(n) for n in lg.numerator],
        "กลุ่มเป้าหมาย (คน)": [sup.count(d) for d in lg.denominator],
        "ร้อยละ": [sup.percent(p, n, d) for p, n, d in zip(lg.percent, lg.numerator, lg.denominator)],
        "ผล": [verdict.get(m, "ไม่มีกลุ่มเป้าหมาย") for m in lg.met],
    }))


# --- data quality and provenance ----------------------------------------------------

def quality_table(prep: Prepared) -> HTML:
    q = prep.quality
    table = pd.DataFrame({
        "ตาราง": [f"{TABLES[t].th} ({t})" for t in q["table"]],
        "แถวที่อ่าน": q["rows_in"], "เก็บไว้": q["kept"],
        "แถวซ้ำที่รวม": q["duplicates_collapsed"], "ปฏิเสธ": q["rejected"],
        "เลขประชาชนไม่ถูกต้อง": q["invalid_citizen_id"], "ไม่ทราบเขต": q["unknown_district"],
    })
    return html_table(table)


def reasons_table(prep: Prepared) -> HTML:
    from krlib.clean import FLAGS, REASONS

    rows = [(TABLES[r.table].th, "ปฏิเสธ", REASONS[r.reason][0], r.reason, r.rows)
            for r in prep.reasons.itertuples()]
    rows += [(TABLES[r.table].th, "เก็บไว้ (มีข้อสังเกต)", FLAGS[r.flag][0], r.flag, r.rows)
             for r in prep.flags.itertuples()]
    if not rows:
        return HTML("<p>ไม่มีแถวที่ถูกปฏิเสธหรือมีข้อสังเกต</p>")
    return html_table(pd.DataFrame(rows, columns=["ตาราง", "ผล", "เหตุผล", "รหัสเหตุผล", "จำนวนแถว"]))


def provenance(prep: Prepared, params: dict) -> Markdown:
    info = version_info()
    when = generated_at()
    local = when.timestamp() + BANGKOK_OFFSET_HOURS * 3600
    from datetime import datetime, timezone

    bkk = datetime.fromtimestamp(local, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")
    src = "\n".join(f"| {s['table']} | `{s['file']}` | {s['rows_in']:,} | `{s['sha256']}` |"
                    for s in prep.sources)
    par = ", ".join(f"`{k}={v!r}`" for k, v in params.items())
    return Markdown(
        "### ที่มาของข้อมูล (provenance)\n\n"
        "| ตาราง | ไฟล์ | แถว | SHA-256 |\n|---|---|---|---|\n" + src + "\n\n"
        f"- krlib เวอร์ชัน **{info['krlib_version']}**, git commit "
        f"`{info['git_commit'] or 'ไม่ทราบ (unknown)'}`\n"
        f"- พารามิเตอร์: {par}\n"
        f"- สร้างเมื่อ {bkk} น. (เวลากรุงเทพฯ; {when.isoformat()})"
    )


# --- helpers ------------------------------------------------------------------------

def html_table(frame: pd.DataFrame) -> HTML:
    return HTML(frame.to_html(index=False, classes="krlib-table", border=0, escape=True))


def png(fig) -> Image:
    """A figure as a deterministic PNG (no timestamps), then closed to free memory."""
    import matplotlib.pyplot as plt

    from krlib.charts import figure_to_png_bytes

    data = figure_to_png_bytes(fig)
    plt.close(fig)
    return Image(data=data, format="png")


def key_figures(prep: Prepared, scope: str, suppress_below: int = 0) -> str:
    """One stable text line per KR: the figures the tests check in the executed notebook."""
    sup = Suppression(suppress_below)
    lines = []
    for code, kr in prep.krs.items():
        if not available(prep, kr):
            lines.append(f"KR {code} {scope} {prep.period.label}: unavailable")
            continue
        r = result_row(prep, kr, scope)
        num, den = int(r.numerator), int(r.denominator)
        pct = "" if pd.isna(r.percent) else f"{r.percent:.2f}"
        if sup.percent_hidden(num, den):
            pct = "withheld"
        met = "" if r.met_target is None or pd.isna(r.met_target) else str(bool(r.met_target)).lower()
        lines.append(f"KR {code} {scope} {prep.period.label}: {sup.count(num).replace(',', '')}/"
                     f"{sup.count(den).replace(',', '')} percent={pct} met={met}")
    return "\n".join(lines)
