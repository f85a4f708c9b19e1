"""index.html of a report batch: period, data-as-of, Bangkok's figures per KR, how many
districts meet each target, the warnings, links to the workbook, CSVs and manifest, and
every district (plus "unknown district" and Bangkok, so the rows reconcile) with its
reports, in Thai alphabetical order (:func:`krlib.thai.thai_sort_key`) and sortable by
district, percent or persons still needed (inline script, offline): the sorted column's
header carries ``aria-sort`` and an arrow, and a persons-still-needed column sorts largest
first on its first click (the districts furthest from the target).

Rendered from ``templates/index/index.html.j2`` with Jinja's autoescape: every value
from the data or the parameters is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from krlib.compute.indicators import percent_half_up, persons_to_target
from krlib.compute.prepare import Prepared
from krlib.contract.kr import KRDefinition
from krlib.contract.scopes import BMA, UNKNOWN_TH, scopes
from krlib.fonts import font_face_css
from krlib.outputs.compare import Outputs, changes_section
from krlib.outputs.provenance import generated_at
from krlib.report.formats import DASH, target_text
from krlib.report.layout import keep_together
from krlib.report.view import (
    ReportView,
    Suppression,
    _thai_only,
    bangkok_time,
    kr_unit,
    met_count,
    unknown_row,
)
from krlib.thai import EMPTY_COHORT_TH, NOT_COVERED_TH, met_of_th, thai_date, thai_sort_key

TEMPLATE_DIR = Path(__file__).parents[1] / "templates" / "index"
#: Files the index links to when the batch wrote them (name -> what it holds).
FILES = {
    "kr_results.xlsx": "สมุดงานสำหรับระบบติดตามนโยบาย (Policy Tracking)",
    "kr_results.csv": "ผลตัวชี้วัดรายเขตและภาพรวม",
    "kr_breakdown.csv": "ผลจำแนกตามประเภทบริการ",
    "kr_disaggregation.csv": "ผลจำแนกตามคุณลักษณะของกลุ่มเป้าหมาย",
    "kr_timeliness.csv": "ระยะเวลาจนได้รับบริการครั้งแรก",
    "data_quality.csv": "คุณภาพข้อมูลรายตาราง",
    "data_quality_reasons.csv": "เหตุผลของแถวที่ถูกปฏิเสธ",
    "data_quality_flags.csv": "แถวที่เก็บไว้แต่มีข้อสังเกต",
    "rejected_rows.csv": "ตำแหน่งของแถวที่ถูกปฏิเสธ (ไฟล์ เลขแถว เขต)",
    "manifest.json": "รายการไฟล์และ SHA-256 สำหรับตรวจสอบ",
}


class ScopeResult(Protocol):
    """What the index reads of a batch's result for one scope (a batch ``JobResult``)."""

    scope: str
    ok: bool
    error: str
    html: str
    pdf: str


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                       autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)


def index_context(folder: Path, prep: Prepared, results: Sequence[ScopeResult],
                  suppress_below: int = 0, data_as_of: str = "",
                  compare_old: Outputs | None = None,
                  reused: Sequence[str] = ()) -> dict[str, Any]:
    """Everything the index template shows, as plain strings (formatted, not yet escaped).

    ``reused``: the scopes whose reports were copied from the previous run (their inputs
    were unchanged: :mod:`krlib.batch.freeze`), named on the page.

    ``compare_old``: the outputs of an earlier run (:func:`krlib.outputs.compare.read_outputs`);
    the index then lists what moved since (``--compare-with``).
    """
    sup = Suppression(int(suppress_below or 0))
    view = ReportView(prep, BMA, sup, data_as_of or "")
    p = prep.period
    krs: list[dict[str, object]] = []
    for kr in view.krs.values():
        k: dict[str, object] = {"name": kr.name_th, "short": f"KR {kr.code}",
                                "target": target_text(kr.target), "unit": kr_unit(kr),
                                "unavailable": ""}
        if not view.available(kr):
            k["unavailable"] = _thai_only(prep.indicators.unavailable[kr.code])
            krs.append(k)
            continue
        row = view.result(kr)
        assert row is not None  # Bangkok has a row for every available KR
        n, d = int(row.numerator), int(row.denominator)
        met, ranked = met_count(view, kr)
        hidden = sup.percent_hidden(n, d) or d == 0
        k.update(percent=sup.percent(row.percent, n, d), numerator=sup.count(n),
                 denominator=sup.count(d), met=met, ranked=ranked,
                 # the reports' framing, the count in bold (Markup: the numbers are ints)
                 met_of=Markup(escape(met_of_th("{met}", ranked))).format(
                     met=Markup(f"<b>{int(met)}</b>")),
                 verdict="" if hidden else ("✔ บรรลุ" if row.met_target else "✘ ไม่บรรลุ"),
                 verdict_class="met" if row.met_target else "not-met")
        krs.append(k)

    def cell(kr: KRDefinition, n: int, d: int, percent: float, met: bool | None,
             judge: bool = True) -> dict[str, str]:
        hidden = sup.percent_hidden(n, d)
        needed = persons_to_target(n, d, kr.target) if d else 0
        shown_p = sup.percent(percent, n, d) if d else EMPTY_COHORT_TH
        verdict = ""
        if judge and d and not hidden:
            verdict = "✔ บรรลุ" if met else "✘ ไม่บรรลุ"
        return {"percent": shown_p, "numerator": sup.count(n), "denominator": sup.count(d),
                "verdict": verdict, "verdict_class": "met" if met else "not-met",
                "needed": DASH if hidden or not d else sup.count(needed),
                "sort_percent": "" if hidden or not d else f"{float(percent):.2f}",
                "sort_needed": "" if hidden or not d else str(needed)}

    by_scope = {r.scope: r for r in results}
    rows = []
    names = dict(zip(scopes().scope_code, scopes().scope_name_th))
    districts = sorted((c for c in names if c != BMA), key=lambda c: thai_sort_key(names[c]))
    for rank, code in enumerate([*districts, "unknown", BMA]):
        cells = []
        for kr in view.krs.values():
            if not view.available(kr):
                cells.append({"percent": "ไม่พร้อมใช้งาน", "numerator": DASH,
                              "denominator": DASH, "needed": DASH, "verdict": "",
                              "sort_percent": "", "sort_needed": ""})
                continue
            if code == "unknown":
                n, d = unknown_row(view, kr)
                cells.append(cell(kr, n, d, percent_half_up(n, d), None, judge=False))
                continue
            r = view.result(kr, code)
            assert r is not None  # every district has a row for every available KR
            cells.append(cell(kr, int(r.numerator), int(r.denominator), r.percent,
                              bool(r.met_target) if r.met_target is not None else None))
        job = by_scope.get(code)
        links, error = [], ""
        if job is not None:
            if getattr(job, "html", ""):
                links.append({"href": Path(job.html).name, "label": "HTML"})
            if getattr(job, "pdf", ""):
                links.append({"href": Path(job.pdf).name, "label": "PDF"})
            if not job.ok:
                error = job.error
        name = UNKNOWN_TH if code == "unknown" else names[code]
        rows.append({"name": name, "sort": str(rank), "pinned": code in ("unknown", BMA),
                     "cells": cells, "links": links, "error": error})
    files = [{"name": n, "href": n, "what": w} for n, w in FILES.items()
             if (Path(folder) / n).exists() or n == "manifest.json"]
    made = bangkok_time(generated_at())
    return {
        "period_label": p.label, "period_th": p.label_th, "start_th": thai_date(p.start),
        "end_th": thai_date(p.end), "made_th": thai_date(made),
        "as_of_th": thai_date(view.as_of) if view.as_of else NOT_COVERED_TH,
        "suppression_th": sup.rule_th,
        "warnings": [str(w.get("message_th") or _thai_only(w.get("message_en", "")))
                     for w in view.warnings],
        "krs": krs, "rows": rows, "files": files,
        "changes": changes_section(compare_old, folder),  # escaped Markup, or ""
        "reused": " ".join(reused),
    }


def render_index(context: dict[str, Any]) -> str:
    # numbers with their unit and the districts' names on one line, as in the reports
    return keep_together(_environment().get_template("index.html.j2").render(
        font_css=font_face_css(), **context))


def write_index(folder: Path, prep: Prepared, results: Sequence[ScopeResult],
                suppress_below: int = 0, data_as_of: str = "",
                compare_old: Outputs | None = None, reused: Sequence[str] = ()) -> Path:
    """Write ``folder/index.html`` (same inputs, same bytes)."""
    path = Path(folder) / "index.html"
    page = render_index(index_context(folder, prep, results, suppress_below, data_as_of,
                                      compare_old, reused))
    path.write_text(page, encoding="utf-8")
    return path

