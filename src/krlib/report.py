"""Render the quarterly batch: one papermill-executed notebook per scope -> HTML (+ PDF).

The drop is read and cleaned once; its aggregates (``prepared.json``, no personal
data) are shared with every notebook. Notebooks run in parallel worker processes, each
keeping one Jupyter kernel alive for all its reports (kernel start and imports are most
of a report's cost). A failing scope does not stop the batch. PDFs are printed by one
browser for the whole batch.

The parts live by concept: :mod:`krlib.batch` (``run_report``: the stages and the output
folder), :mod:`krlib.executors` (``EXECUTORS``: where notebooks run), :mod:`krlib.kernels`
(``KernelPool``: kernels kept alive), :mod:`krlib.interrupt` (Ctrl-C and SIGTERM). This
module keeps the option parsers and the index page, and re-exports the public names.
"""

from __future__ import annotations

import html
from pathlib import Path

from krlib.batch import BatchResult, default_notebook, run_report
from krlib.errors import OptionError
from krlib.executors import (CELL_TIMEOUT, EXECUTORS, Job, JobResult, default_workers,
                             execute_job, run_dask, run_local, sanitize_notebook)
from krlib.kernels import KERNEL_NAME, KernelPool

__all__ = ["BatchResult", "CELL_TIMEOUT", "EXECUTORS", "FORMATS", "Job", "JobResult",
           "KERNEL_NAME", "KernelPool", "NOTEBOOK", "default_workers", "execute_job",
           "failure_lines", "parse_formats", "parse_scopes", "run_dask", "run_local",
           "run_report", "sanitize_notebook", "write_index"]

NOTEBOOK = default_notebook()
FORMATS = ("html", "pdf")


# --- scopes ---------------------------------------------------------------------------

def parse_scopes(text: str) -> list[str]:
    """``all`` (50 districts + BMA) or a comma-separated list of codes / names / BMA."""
    from krlib.indicators import BMA, scopes
    from krlib.present import scope_code

    if text.strip().lower() == "all":
        return list(scopes()["scope_code"])
    out: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            code = scope_code(part)
        except ValueError:
            raise OptionError(f"ไม่รู้จักเขต {part.strip()!r} / unknown district {part.strip()!r}: "
                              "use DOPA codes 1001-1050, district names or BMA, "
                              "comma-separated, or 'all'") from None
        if code not in out:
            out.append(code)
    if not out:
        raise OptionError("ไม่ได้ระบุเขต / --district is empty: give codes, BMA or all")
    return sorted(out, key=lambda c: (c == BMA, c))


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise OptionError(f"รูปแบบไม่รองรับ / unknown --format {text!r}: use html, pdf or html,pdf")
    if "pdf" in formats and "html" not in formats:
        formats.insert(0, "html")  # the PDF is printed from the HTML
    return formats


def write_index(folder: Path, prep, results: list[JobResult], suppress_below: int = 0,
                compare_old=None) -> Path:
    """index.html: every report with its headline figures and links, offline, Thai font."""
    from krlib.compare import changes_section
    from krlib.fonts import font_face_css
    from krlib.present import Suppression, available, result_row, scope_name

    sup = Suppression(suppress_below)
    head = "".join(f"<th>KR {c}<br><small>{html.escape(kr.name_th)}</small></th>"
                   for c, kr in prep.krs.items())
    rows = []
    for r in results:
        cells = []
        for kr in prep.krs.values():
            if not available(prep, kr):
                cells.append("<td>ไม่พร้อมใช้งาน</td>")
                continue
            row = result_row(prep, kr, r.scope)
            n, d = int(row.numerator), int(row.denominator)
            pct = sup.percent(row.percent, n, d)
            mark = "" if d == 0 or sup.percent_hidden(n, d) else (
                " <span class='met'>บรรลุ</span>" if row.met_target
                else " <span class='err'>ไม่บรรลุ</span>")
            cells.append(f"<td>{pct}{mark}<br><small>{sup.count(n)} / {sup.count(d)}</small></td>")
        links = []
        if r.html:
            links.append(f'<a href="{Path(r.html).name}">HTML</a>')
        if r.pdf:
            links.append(f'<a href="{Path(r.pdf).name}">PDF</a>')
        status = " · ".join(links) if r.ok else f"<span class='err'>ล้มเหลว: {html.escape(r.error)}</span>"
        rows.append(f"<tr><td>{r.scope}</td><td>{html.escape(scope_name(r.scope))}</td>"
                    f"{''.join(cells)}<td>{status}</td></tr>")
    page = f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8">
<title>รายงานตัวชี้วัด {prep.period.label}</title>
<style>{font_face_css()}
body {{ font-family: Sarabun, sans-serif; margin: 2em; line-height: 1.5; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .3em .6em; vertical-align: top; }}
th {{ background: #f3f3f3; }} .err {{ color: #b00; }} .met {{ color: #2e7d32; }}
</style></head><body>
<h1>รายงานตัวชี้วัดด้านสวัสดิการสังคม — {html.escape(prep.period.label_th)}</h1>
<p>ข้อมูลสะสมตั้งแต่ต้นปีงบประมาณ · ไฟล์สำหรับระบบติดตามนโยบาย: <a href="kr_results.csv">kr_results.csv</a>,
<a href="kr_breakdown.csv">kr_breakdown.csv</a>, <a href="data_quality.csv">data_quality.csv</a>,
<a href="data_quality_reasons.csv">data_quality_reasons.csv</a></p>
{f'<p>{html.escape(sup.rule_th)}</p>' if sup.below else ''}
<table><thead><tr><th>รหัส</th><th>พื้นที่</th>{head}<th>รายงาน</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
{changes_section(compare_old, folder)}
</body></html>
"""
    path = folder / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def failure_lines(batch: BatchResult) -> list[str]:
    return [f"{r.scope}: {r.error}" for r in batch.failed]
