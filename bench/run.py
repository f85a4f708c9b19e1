"""krlib benchmarks (``make bench``): every figure measured side by side in one run.

1. ``krlib indicators`` on a ~620k-row drop vs the row-by-row pure-Python reference
   (tests/reference.py): wall time, peak memory, speed-up, identical figures.
2. The cost curve at 10k, 100k and 1M input rows (time per row must not grow).
3. The quarterly batch (51 reports, HTML) against the strong baseline a user would write
   in Python (``papermill.execute_notebook`` and one reused ``HTMLExporter``, one scope
   after another, the project's notebook on the raw drop), and against the command-line
   loop (the ``papermill`` then ``jupyter nbconvert`` commands per scope); then with PDF;
   the key figures of every report compared between the batch and the baseline; and
   where the time of one report goes (kernel, load, compute, each chart, HTML, PDF).

Usage: ``python bench/run.py [--quick] [--skip-batch | --batch-only]`` (``--quick`` shrinks
every size for a smoke run; the other two run only one half).
Results are printed as a table and written to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable
BIN = Path(PY).parent
FY, Q = 2568, 2
REPEAT = 5  # interleaved runs of krlib and the reference; the best of each is reported
BATCH_REPEAT = 2  # interleaved HTML and HTML + PDF batch runs; the best of each


def measure(cmd: list[str], **kw) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command, run in its own measuring process."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:])\n"
        "dt = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(f'{dt} {peak} {r.returncode}', file=sys.stderr)\n"
    )
    proc = subprocess.run([PY, "-c", wrapper, *cmd], capture_output=True, text=True, **kw)
    last = proc.stderr.strip().splitlines()[-1]
    dt, peak, rc = last.split()
    if rc != "0":
        raise SystemExit(f"benchmark command failed ({rc}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return float(dt), float(peak)


def demo(folder: Path, scale: float, fmt: str = "csv", seed: int = 2568) -> int:
    """Generate a drop and return its number of data rows."""
    if not folder.exists():
        subprocess.run([str(BIN / "krlib"), "demo-data", str(folder), "--scale", str(scale),
                        "--format", fmt, "--seed", str(seed)], check=True, capture_output=True)
    return count_rows(folder)


def count_rows(folder: Path) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from krlib.read.drop import read_drop

    return sum(t.rows for t in read_drop(folder).values())


def same_figures(a: Path, b: Path) -> bool:
    names = ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv")
    norm = lambda p: p.read_text("utf-8-sig").replace("\r\n", "\n")  # noqa: E731
    return all(norm(a / n) == norm(b / n) for n in names)


def bench_indicators(scale: float) -> dict:
    drop = OUT / f"drop-{scale:g}"
    rows = demo(drop, scale)
    k_out, r_out = OUT / "k-out", OUT / "r-out"
    krlib = [str(BIN / "krlib"), "indicators", "--data", str(drop), "--fiscal-year", str(FY),
             "--quarter", str(Q), "--out", str(k_out), "--quiet"]
    ref = [PY, str(ROOT / "tests" / "reference.py"), str(drop), str(FY), str(Q), str(r_out)]
    # interleave runs so both see the same machine load; keep the best of each (the
    # least disturbed run: on a shared machine noise only ever adds time)
    kt, kp, rt, rp = [], [], [], []
    for _ in range(REPEAT):
        t, p = measure(krlib)
        kt.append(t), kp.append(p)
        t, p = measure(ref)
        rt.append(t), rp.append(p)
    return {"rows": rows, "krlib_s": min(kt), "krlib_peak_mib": max(kp),
            "reference_s": min(rt), "reference_peak_mib": max(rp),
            "speedup": min(rt) / min(kt), "identical": same_figures(k_out, r_out)}


def bench_curve(targets: list[int], rows_at_1: int) -> list[dict]:
    out = []
    for target in targets:
        scale = target / rows_at_1
        drop = OUT / f"drop-{scale:.4g}"
        rows = demo(drop, scale)
        cmd = [str(BIN / "krlib"), "indicators", "--data", str(drop), "--fiscal-year",
               str(FY), "--quarter", str(Q), "--out", str(OUT / "c-out"), "--quiet"]
        t = min(measure(cmd)[0] for _ in range(REPEAT))
        out.append({"rows": rows, "seconds": t, "us_per_row": 1e6 * t / rows})
    return out


def naive_loop(drop: Path, scopes: list[str], folder: Path) -> float:
    """What a user would write: papermill, then the nbconvert command, one scope at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = ROOT / "notebooks" / "district_report.ipynb"
    t = time.perf_counter()
    for s in scopes:
        out = folder / f"{s}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(nb), str(out), "-p", "data_dir", str(drop),
                        "-p", "fiscal_year", str(FY), "-p", "quarter", str(Q),
                        "-p", "district", s, "--cwd", str(nb.parent), "--no-progress-bar"],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        str(out)], check=True, capture_output=True)
    return time.perf_counter() - t


def inprocess_loop(drop: Path, scopes: list[str], folder: Path) -> float:
    """The strong baseline (issue 19): one Python process, ``papermill.execute_notebook``
    and one reused ``HTMLExporter``, one scope after another, the notebook on the raw drop
    (no ``prepared.json``: each report cleans the drop itself, as an analyst's loop would)."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = ROOT / "notebooks" / "district_report.ipynb"
    code = f"""
import time
from pathlib import Path
import papermill as pm
from nbconvert import HTMLExporter
out = Path({str(folder)!r})
t = time.perf_counter()
exporter = HTMLExporter(exclude_input=True)
for s in {scopes!r}:
    nb = pm.execute_notebook({str(nb)!r}, None, kernel_name="python3", progress_bar=False,
                             cwd=str(out), parameters=dict(data_dir={str(drop)!r},
                             fiscal_year={FY}, quarter={Q}, district=s))
    body, _ = exporter.from_notebook_node(nb)
    (out / f"{{s}}.html").write_text(body, encoding="utf-8")
print(time.perf_counter() - t)
"""
    proc = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


_KEY = r"KR \d{4} [0-9A-Z]+ \d{4}-Q\d: (?:unavailable|\d+/\d+ percent=[0-9.a-z]* met=\w*)"


def key_figures(folder: Path, scopes: list[str]) -> dict[str, list[str]]:
    """The key-figure lines of each scope (what the notebook tests check): from the executed
    notebook when the folder has one (krlib's reports leave that cell out of the HTML),
    else from the HTML page (the baseline exports every output)."""
    import re

    def text(s: str) -> str:
        executed = folder / "notebooks" / f"{s}.ipynb"
        return (executed if executed.is_file() else folder / f"{s}.html").read_text("utf-8")

    return {s: re.findall(_KEY, text(s)) for s in scopes}


def bench_batch(n_scopes: int) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from krlib.contract.scopes import scopes as all_scopes

    drop = OUT / "drop-batch"
    demo(drop, 1.0, fmt="mixed")
    scopes = list(all_scopes()["scope_code"])[:n_scopes - 1] + ["BMA"]
    district = ",".join(scopes)

    def krlib_report(fmt: str, out: str) -> list[str]:
        return [str(BIN / "krlib"), "report", "--data", str(drop), "--fiscal-year", str(FY),
                "--quarter", str(Q), "--district", district, "--format", fmt,
                "--out", str(OUT / out), "--quiet"]

    krlib_html = krlib_report("html", "batch-html")
    krlib_pdf = krlib_report("html,pdf", "batch-pdf")
    # krlib's two runs alternate (best of BATCH_REPEAT each), so that HTML and HTML + PDF
    # see the same machine; the loops take minutes and run once
    html_runs, pdf_runs = [], []
    for _ in range(BATCH_REPEAT):
        html_runs.append(measure(krlib_html)[0])
        pdf_runs.append(measure(krlib_pdf)[0])
    t_html, t_pdf = min(html_runs), min(pdf_runs)
    t_inproc = inprocess_loop(drop, scopes, OUT / "inprocess")
    t_naive = naive_loop(drop, scopes, OUT / "naive")
    batch = key_figures(OUT / "batch-html" / f"{FY}-Q{Q}", scopes)
    baseline = key_figures(OUT / "inprocess", scopes)
    return {"reports": len(scopes), "krlib_html_s": t_html, "krlib_html_runs": html_runs,
            "krlib_html_pdf_runs": pdf_runs, "inprocess_s": t_inproc,
            "speedup_inprocess": t_inproc / t_html, "naive_s": t_naive,
            "speedup": t_naive / t_html, "krlib_html_pdf_s": t_pdf,
            "pdf_overhead": t_pdf / t_html - 1,
            "identical_figures": batch == baseline and all(len(v) == 2 for v in batch.values()),
            "stages": stage_shares(drop, OUT / "batch-html" / f"{FY}-Q{Q}")}


#: Inserted after the parameters cell of a copy of the report notebook: times each cell
#: and each chart (drawn and encoded) inside the kernel; the last cell prints the JSON.
_TIMING_CELL = """
import json as _json, time as _time
import krlib.report.charts as _charts
_T = {"cells": [], "charts": {}}
_t0, _kind = [0.0], ["?"]
def _pre(*_a):
    _t0[0] = _time.perf_counter()
def _post(*_a):
    if _t0[0]:  # (not for this cell: it registered the hooks half-way)
        _T["cells"].append(_time.perf_counter() - _t0[0])
get_ipython().events.register("pre_run_cell", _pre)
get_ipython().events.register("post_run_cell", _post)
_originals = {n: getattr(_charts, n) for n in dir(_charts)
              if n.endswith(("_chart", "_map")) or n == "figure_to_png_bytes"}
def _builder(name, f):
    def build(*a, **k):
        _kind[0] = name
        return f(*a, **k)
    return build
for _n, _f in _originals.items():
    if _n != "figure_to_png_bytes":
        setattr(_charts, _n, _builder(_n, _f))
def _encode(fig):
    t = _time.perf_counter()
    data = _originals["figure_to_png_bytes"](fig)
    _T["charts"][_kind[0]] = _T["charts"].get(_kind[0], 0) + _time.perf_counter() - t
    return data
_charts.figure_to_png_bytes = _encode
"""
_TIMING_END = """
get_ipython().events.unregister("pre_run_cell", _pre)
get_ipython().events.unregister("post_run_cell", _post)
for _n, _f in _originals.items():
    setattr(_charts, _n, _f)
print("KRLIB-TIMING " + _json.dumps(_T))
"""
#: The report notebook's code cells after the parameters, in order (what each one does).
CELL_NAMES = ["load (read + clean + compute, or prepared.json)", "summary page",
              "KR sections", "data quality section", "sign-off + provenance", "key figures"]


def timed_notebook(folder: Path) -> Path:
    """A copy of the report notebook with the timing cells (the copy is never a report)."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "district_report.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(_TIMING_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(_TIMING_END))
    path = folder / "timed_report.ipynb"
    nbformat.write(nb, path)
    return path


def stage_shares(drop: Path, batch_folder: Path, scope: str = "1001") -> dict:
    """Where one report's time goes, the baseline's way (a fresh kernel on the raw drop)
    and krlib's (a warm batch worker on the batch's prepared.json): kernel, each notebook
    cell, each chart (drawn + encoded), HTML export, PDF (charts re-encoded by Chromium,
    and krlib's way with their own PNG data)."""
    scratch = OUT / "stages"
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.copy(batch_folder / "prepared.json", scratch / "prepared.json")
    nb_path = timed_notebook(scratch)
    code = f"""
import json, re, time
from pathlib import Path
import papermill as pm
from jupyter_client.manager import KernelManager
from krlib.render import export as render
from krlib.batch.executors import Job, execute_job
from krlib.batch.kernels import KernelPool

def timing(nb):
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return json.loads(re.search(r"KRLIB-TIMING (.*)", text).group(1))

out, scratch = {{}}, Path({str(scratch)!r})
# the baseline's way: a fresh kernel per report, the notebook cleans the raw drop
t = time.perf_counter(); km = KernelManager(kernel_name="python3"); km.start_kernel()
kc = km.client(); kc.start_channels(); kc.wait_for_ready(60); kc.stop_channels()
start = time.perf_counter() - t
t = time.perf_counter()
nb = pm.execute_notebook({str(nb_path)!r}, None, km=km, kernel_name="python3",
    parameters=dict(data_dir={str(drop)!r}, fiscal_year={FY}, quarter={Q}, district={scope!r}),
    progress_bar=False, cwd=str(scratch))
papermill_s = time.perf_counter() - t
t = time.perf_counter(); km.shutdown_kernel(now=True); stop = time.perf_counter() - t
out["baseline"] = dict(kernel_start_stop=start + stop, papermill=papermill_s, **timing(nb))
# krlib's way: a warm worker (the second report of its kernel), prepared.json
params = dict(data_dir={str(drop)!r}, fiscal_year={FY}, quarter={Q}, district={scope!r},
              prepared="prepared.json", suppress_below=0)
job = Job({scope!r}, {str(nb_path)!r}, str(scratch), params, "bench")
t = time.perf_counter(); KernelPool.current().get(); warm = time.perf_counter() - t
execute_job(job)
res = execute_job(job)
import nbformat
nb = nbformat.read(res.ipynb, as_version=4)
t = time.perf_counter()
render.notebook_to_html(nb, title="bench")
html_s = time.perf_counter() - t
out["krlib"] = dict(kernel_start_and_warm_up=warm, job=res.seconds, html=html_s, **timing(nb))
KernelPool.current().close()
page = Path(res.html)
for label, embed in (("pdf_chromium_encodes_charts", False), ("pdf", True)):
    with render.PdfPrinter(embed_charts=embed) as pr:
        pr.print(page, page.with_suffix(".pdf"))
        t = time.perf_counter(); pr.print(page, page.with_suffix(".pdf"))
        out["krlib"][label] = time.perf_counter() - t
print(json.dumps(out))
"""
    proc = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def save(res: dict) -> None:
    """Write what is measured so far: a late failure keeps the earlier figures."""
    (OUT / "results.json").write_text(json.dumps(res, indent=1), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--skip-batch", action="store_true", help="only the indicator benchmarks")
    ap.add_argument("--batch-only", action="store_true", help="only the batch benchmarks")
    args = ap.parse_args()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    res: dict = {"cpu_count": os.cpu_count()}
    if not args.batch_only:
        rows_at_1 = demo(OUT / "drop-1", 1.0)
        big = 0.05 * 620_000 / rows_at_1 if args.quick else 620_000 / rows_at_1
        res["indicators"] = bench_indicators(round(big, 2))
        save(res)
        curve = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
        res["curve"] = bench_curve(curve, rows_at_1)
        save(res)
    if not args.skip_batch:
        res["batch"] = bench_batch(6 if args.quick else 51)
        save(res)
    print_table(res)
    return 0


def print_table(res: dict) -> None:
    print(f"\nkrlib benchmarks ({res['cpu_count']} cores; best of {REPEAT}, interleaved)\n")
    print("| measure | value | goal |\n|---|---|---|")
    if "indicators" in res:
        print_indicators(res)
    if "batch" in res:
        print_batch(res["batch"])


def print_indicators(res: dict) -> None:
    i = res["indicators"]
    print(f"| input rows | {i['rows']:,} | ~620k |")
    print(f"| krlib indicators wall | {i['krlib_s']:.2f} s | |")
    print(f"| reference (row-by-row Python) wall | {i['reference_s']:.2f} s | |")
    print(f"| speed-up over reference | {i['speedup']:.1f}x | >= 8x |")
    print(f"| krlib peak memory | {i['krlib_peak_mib']:.0f} MiB | < 1536 MiB |")
    print(f"| reference peak memory | {i['reference_peak_mib']:.0f} MiB | |")
    print(f"| identical figures | {i['identical']} | True |")
    for c in res["curve"]:
        print(f"| cost at {c['rows']:,} rows | {c['seconds']:.2f} s "
              f"({c['us_per_row']:.2f} µs/row) | linear |")


def print_batch(b: dict) -> None:
    def runs(key: str) -> str:
        return ", ".join(f"{v:.1f}" for v in b[key])

    print(f"| batch of {b['reports']} reports, HTML (krlib report) "
          f"| {b['krlib_html_s']:.1f} s (runs: {runs('krlib_html_runs')}) | |")
    print("| in-process loop (papermill.execute_notebook + one HTMLExporter) "
          f"| {b['inprocess_s']:.1f} s | |")
    print("| batch speed-up over the in-process loop "
          f"| {b['speedup_inprocess']:.1f}x | >= 5x |")
    print(f"| command-line loop (papermill + nbconvert commands) | {b['naive_s']:.1f} s | |")
    print(f"| batch speed-up over the command-line loop | {b['speedup']:.1f}x | |")
    print(f"| batch with PDF | {b['krlib_html_pdf_s']:.1f} s "
          f"(+{100 * b['pdf_overhead']:.1f} %; runs: {runs('krlib_html_pdf_runs')}) "
          "| <= +30 % |")
    print(f"| same key figures as the in-process loop | {b['identical_figures']} | True |")
    print_stages(b["stages"])


def print_stages(st: dict) -> None:
    """One report, both ways: each stage in seconds."""
    print("\n| one report (district 1001) | baseline: fresh kernel, raw drop "
          "| krlib batch worker |")
    print("|---|---|---|")
    base, mine = st["baseline"], st["krlib"]
    rows = [("kernel start (+ stop)", base["kernel_start_stop"], None),
            ("kernel start + warm-up (once per worker)", None,
             mine["kernel_start_and_warm_up"])]
    for i, name in enumerate(CELL_NAMES):
        rows.append((f"cell: {name}", _at(base["cells"], i), _at(mine["cells"], i)))
    for kind in sorted(set(base["charts"]) | set(mine["charts"])):
        rows.append((f"  of which chart {kind} (draw + PNG)", base["charts"].get(kind),
                     mine["charts"].get(kind)))
    rows += [("papermill execute (all cells + messaging)", base["papermill"], None),
             ("report job (reset + papermill + save + HTML)", None, mine["job"]),
             ("HTML export", None, mine["html"]),
             ("PDF, Chromium re-encoding the charts", None,
              mine["pdf_chromium_encodes_charts"]),
             ("PDF, charts as their own PNG data (krlib)", None, mine["pdf"])]
    for name, a, b in rows:
        print(f"| {name} | {_s(a)} | {_s(b)} |")


def _at(values: list, i: int):
    return values[i] if i < len(values) else None


def _s(v) -> str:
    return "" if v is None else f"{v:.3f} s"

if __name__ == "__main__":
    sys.exit(main())
