"""Render the quarterly batch: one papermill-executed notebook per scope -> HTML (+ PDF).

The drop is read and cleaned once; its aggregates (``prepared.json``, no personal
data) are shared with every notebook. Notebooks run in parallel worker processes, each
keeping one Jupyter kernel alive for all its reports (kernel start and imports are most
of a report's cost). A failing scope does not stop the batch. PDFs are printed by one
browser for the whole batch.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from krlib.errors import OptionError

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "district_report.ipynb"
KERNEL_NAME = "python3"
CELL_TIMEOUT = 600  # seconds a single cell may take
FORMATS = ("html", "pdf")


@dataclass
class Job:
    """One report to render: a scope of a period, with the notebook's parameters."""

    scope: str
    notebook: str
    folder: str  # OUT/<Y>-Q<Q>
    parameters: dict
    title: str


@dataclass
class JobResult:
    scope: str
    ok: bool
    seconds: float
    error: str = ""
    html: str = ""
    ipynb: str = ""
    pdf: str = ""


@dataclass
class BatchResult:
    folder: Path
    results: list[JobResult] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


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


# --- worker side: one kernel per worker thread ---------------------------------------

# Thread id -> kernel manager. Process pools run one thread per process; a Dask worker
# may run several task threads, and two reports must never share a kernel.
_KERNELS: dict[int, object] = {}
_KERNELS_LOCK = threading.Lock()
_CLEANUP: list[bool] = []  # non-empty once the exit hooks are registered


def _kernel():
    """This thread's kernel, started on first use and reused by its next reports."""
    import subprocess

    from jupyter_client.manager import KernelManager

    key = threading.get_ident()
    km = _KERNELS.get(key)
    if km is not None and km.is_alive():
        return km
    km = KernelManager(kernel_name=KERNEL_NAME)
    env = dict(os.environ, MPLBACKEND="agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    # The kernel's own log ("running over TCP without encryption", shutdown notes) is
    # noise for a batch; cell errors still arrive as messages and fail the scope.
    km.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with _KERNELS_LOCK:
        _KERNELS[key] = km
        if not _CLEANUP:
            import atexit
            from multiprocessing import util

            atexit.register(_stop_kernels)  # the main process
            util.Finalize(None, _stop_kernels, exitpriority=10)  # pool workers skip atexit
            _CLEANUP.append(True)
    return km


def _shutdown(km) -> None:
    try:
        km.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - best effort: the kernel may be gone already
        pass


def _stop_kernel() -> None:
    """Stop this thread's kernel (after a failure the next report gets a fresh one)."""
    with _KERNELS_LOCK:
        km = _KERNELS.pop(threading.get_ident(), None)
    if km is not None:
        _shutdown(km)


def _stop_kernels() -> None:
    """Stop every kernel this process started (at exit, or when a Dask batch ends)."""
    with _KERNELS_LOCK:
        kms = list(_KERNELS.values())
        _KERNELS.clear()
    for km in kms:
        _shutdown(km)


def _reset_kernel(km, cwd: str) -> None:
    """Forget the previous report's variables (modules stay imported: that is the saving)
    and work in the report's folder (papermill's cwd only applies to kernels it starts)."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        code = ("%reset -f\nimport os as _os, matplotlib.pyplot as _p\n"
                f"_os.chdir({cwd!r}); _p.close('all'); del _os, _p")
        reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


def sanitize_notebook(nb) -> None:
    """Drop volatile metadata (timings, paths) and renumber executions: same run, same file
    (the export's clean-up without leaving anything out: :func:`krlib.render.clean_notebook`)."""
    from krlib.render import clean_notebook

    clean_notebook(nb)


def execute_job(job: Job) -> JobResult:
    """Run one report notebook and export its HTML (runs in a worker process)."""
    import nbformat
    import papermill as pm

    from krlib import render

    t0 = time.perf_counter()
    folder = Path(job.folder)
    ipynb = folder / "notebooks" / f"{job.scope}.ipynb"
    ipynb.parent.mkdir(parents=True, exist_ok=True)
    out = JobResult(job.scope, ok=False, seconds=0.0, ipynb=str(ipynb))
    km = _kernel()
    try:
        _reset_kernel(km, job.folder)
        nb = pm.execute_notebook(
            job.notebook, None, parameters=job.parameters, kernel_name=KERNEL_NAME, km=km,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            cwd=job.folder, execution_timeout=CELL_TIMEOUT,
            record_timing=False,
        )
        out.ok = True
    except pm.PapermillExecutionError as exc:
        nb = None
        out.error = f"{exc.ename}: {exc.evalue}".splitlines()[0][:300]
        _stop_kernel()  # the next report gets a fresh kernel
    except Exception as exc:  # noqa: BLE001 - isolate the failure to this scope
        nb = None
        out.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        _stop_kernel()  # the next report gets a fresh kernel
    if nb is not None:
        sanitize_notebook(nb)
        nbformat.write(nb, ipynb)
        page = folder / f"{job.scope}.html"
        page.write_text(render.notebook_to_html(nb, title=job.title), encoding="utf-8")
        out.html = str(page)
    out.seconds = time.perf_counter() - t0
    return out


# --- executors ------------------------------------------------------------------------

def run_local(jobs: list[Job], workers: int, progress: Callable[[JobResult], None]
              ) -> list[JobResult]:
    """Run jobs in ``workers`` processes (each with its own kernel)."""
    results: list[JobResult] = []
    if workers <= 1:
        for job in jobs:
            results.append(execute_job(job))
            progress(results[-1])
        _stop_kernel()
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for res in pool.map(execute_job, jobs):
            results.append(res)
            progress(res)
    return results


def run_dask(jobs: list[Job], scheduler: str, progress: Callable[[JobResult], None]
             ) -> list[JobResult]:
    """Run jobs on an existing Dask cluster; each Dask worker keeps its own kernel."""
    from distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = client.map(execute_job, jobs, pure=False)
        by_key = {f.key: i for i, f in enumerate(futures)}
        results: list[JobResult | None] = [None] * len(jobs)
        try:
            for fut in as_completed(futures):
                res = fut.result()
                results[by_key[fut.key]] = res
                progress(res)
        finally:
            client.run(_stop_kernels)  # workers outlive the batch: stop the kernels we started
    return [r for r in results if r is not None]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


# --- the batch ------------------------------------------------------------------------

def run_report(data_dir: Path, fiscal_year: int, quarter: int, scopes: Iterable[str],
               formats: Iterable[str], out: Path, workers: int | None = None,
               suppress_below: int = 0, executor: str = "local", scheduler: str | None = None,
               notebook: Path = NOTEBOOK, show_progress: bool = True,
               notebook_parameters: dict | None = None) -> BatchResult:
    """Clean once, write the contract CSVs, render every scope, print PDFs, write the index.

    ``notebook_parameters`` go to every notebook as they are (``data_as_of``, ``signoff``).
    """
    from krlib.clean import load_drop
    from krlib.export import write_outputs
    from krlib.indicators import compute
    from krlib.periods import Period
    from krlib.prepare import prepare_clean
    from krlib.present import scope_name

    period = Period(fiscal_year, quarter)
    scopes, formats = list(scopes), list(formats)
    if suppress_below < 0:
        raise OptionError("--suppress-below ต้องไม่ติดลบ / must be 0 or more")
    if not Path(notebook).is_file():
        raise OptionError(f"ไม่พบโน้ตบุ๊ก / notebook not found: {notebook}")
    stages: dict[str, float] = {}

    t = time.perf_counter()
    clean = load_drop(data_dir)
    folder = Path(out) / period.label
    folder.mkdir(parents=True, exist_ok=True)
    prep = prepare_clean(clean, period)
    write_outputs(compute(clean, period), clean, folder)
    prepared = prep.save(folder / "prepared.json")
    stages["load+clean+compute"] = time.perf_counter() - t

    params_base = {"data_dir": str(Path(data_dir).resolve()), "fiscal_year": fiscal_year,
                   "quarter": quarter, "prepared": prepared.name,  # relative to the folder
                   "suppress_below": suppress_below, **(notebook_parameters or {})}
    from krlib.present import REPORT_TITLE_TH

    jobs = [Job(s, str(notebook), str(folder.resolve()), dict(params_base, district=s),
                f"{REPORT_TITLE_TH} — {scope_name(s)} — {period.label_th}") for s in scopes]

    t = time.perf_counter()
    bar = _progress_bar(len(jobs), "รายงาน / reports", show_progress)
    done: Callable[[JobResult], None] = lambda r: bar.update(1)  # noqa: E731
    if executor == "dask":
        if not scheduler:
            raise OptionError("--executor dask ต้องระบุ --scheduler ADDRESS / needs --scheduler")
        results = run_dask(jobs, scheduler, done)
    else:
        results = run_local(jobs, workers or default_workers(), done)
    bar.close()
    stages["notebooks+html"] = time.perf_counter() - t

    if "pdf" in formats:
        t = time.perf_counter()
        _print_pdfs(results, show_progress)
        stages["pdf"] = time.perf_counter() - t
    if "html" not in formats:
        for r in results:
            if r.html:
                Path(r.html).unlink(missing_ok=True)
                r.html = ""
    write_index(folder, prep, results, suppress_below,
                str((notebook_parameters or {}).get("data_as_of") or ""))
    batch = BatchResult(folder, results, stages)
    from krlib.manifest import write_manifest
    from krlib.prepare import sources_of

    write_manifest(folder, sources_of(clean), {
        "command": "report", "fiscal_year": fiscal_year, "quarter": quarter,
        "data": Path(data_dir).name, "scopes": scopes, "formats": formats,
        "suppress_below": suppress_below, "unavailable": prep.indicators.unavailable,
        "failed": {r.scope: r.error for r in batch.failed}})
    return batch


def _print_pdfs(results: list[JobResult], show_progress: bool) -> None:
    from krlib.render import PdfPrinter

    todo = [r for r in results if r.ok and r.html]
    if not todo:
        return
    bar = _progress_bar(len(todo), "PDF", show_progress)
    with PdfPrinter() as printer:
        for r in todo:
            pdf = Path(r.html).with_suffix(".pdf")
            try:
                printer.print(Path(r.html), pdf)
                r.pdf = str(pdf)
            except Exception as exc:  # noqa: BLE001 - a failed PDF fails that scope only
                r.ok = False
                r.error = f"PDF: {type(exc).__name__}: {exc}".splitlines()[0][:300]
            bar.update(1)
    bar.close()


def _progress_bar(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="", disable=not enabled, leave=False,
                dynamic_ncols=True)


def write_index(folder: Path, prep, results: list[JobResult], suppress_below: int = 0,
                data_as_of: str = "") -> Path:
    """index.html (see :mod:`krlib.index_page`)."""
    from krlib.index_page import write_index as write

    return write(folder, prep, results, suppress_below, data_as_of)


def failure_lines(batch: BatchResult) -> list[str]:
    return [f"{r.scope}: {r.error}" for r in batch.failed]
