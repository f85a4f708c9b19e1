"""Where a batch's notebooks run: ``EXECUTORS`` maps a name to a function running jobs.

As papermill registers engines, krlib registers executors: ``local`` (worker processes on
this machine, the default) and ``dask`` (an existing Dask cluster, sent each job as bytes:
:mod:`krlib.batch.shipping`). Each is called as
``run(jobs, progress, workers=..., scheduler=...)`` and returns one :class:`JobResult`
per job, in job order. A job runs one report notebook with papermill in a kept-alive
kernel (:mod:`krlib.batch.kernels`) and exports its HTML.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from krlib.batch.kernels import KERNEL_NAME, KernelPool, reset_kernel
from krlib.batch.shipping import (
    ShippedJob,
    ShippedResult,
    check_version,
    collect_outputs,
    slice_prepared,
    write_outputs,
)
from krlib.errors import EXIT_INTERNAL, KrlibError, OptionError

CELL_TIMEOUT = 600  # seconds a single cell may take
#: Memory one local worker needs: its process plus a kernel with pandas, matplotlib and
#: krlib imported and one report's figures (measured ~250 MB; kept with some margin).
WORKER_MEMORY = 350 * 2**20
#: Local workers per CPU core at most: more only queue for the cores and the memory.
WORKERS_PER_CPU = 4


class WorkerLost(KrlibError):
    """A worker process ended abruptly (SIGKILL, the out-of-memory killer): the batch
    stops, one line, exit 1 (nothing is published; the previous run stays)."""

    exit_code = EXIT_INTERNAL


@dataclass
class Job:
    """One report to render: a scope of a period, with the notebook's parameters."""

    scope: str
    notebook: str
    folder: str  # the folder the batch writes into
    parameters: dict[str, Any]
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
    retried: str = ""  # why the report was rendered a second time (its kernel died)


Progress = Callable[[JobResult], None]


def sanitize_notebook(nb: Any) -> None:
    """Drop volatile metadata (timings, paths) and renumber executions: same run, same file
    (the export's clean-up without leaving anything out:
    :func:`krlib.render.export.clean_notebook`)."""
    from krlib.render.export import clean_notebook

    clean_notebook(nb)


def execute_job(job: Job) -> JobResult:
    """Run one report notebook and export its HTML (runs in a worker process or thread)."""
    import nbformat
    import papermill as pm

    from krlib.batch.engine import ENGINE_NAME
    from krlib.render import export as render

    t0 = time.perf_counter()
    folder = Path(job.folder)
    ipynb = folder / "notebooks" / f"{job.scope}.ipynb"
    ipynb.parent.mkdir(parents=True, exist_ok=True)
    out = JobResult(job.scope, ok=False, seconds=0.0, ipynb=str(ipynb))
    kernels = KernelPool.current()
    nb = None
    for attempt in (1, 2):
        try:
            kernel = kernels.get()
        except Exception as exc:  # noqa: BLE001 - a kernel that did not start
            # never the report's fault (seen: a kernel dying at start on a busy machine,
            # "Kernel died before replying to kernel_info"): once more, then the scope fails
            out.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            if attempt == 1:
                out.retried = out.error
                continue
            break
        try:
            reset_kernel(kernel, job.folder)
            nb = pm.execute_notebook(
                job.notebook, None, parameters=job.parameters, kernel_name=KERNEL_NAME,
                engine_name=ENGINE_NAME, km=kernel.km, kc=kernel.kc,
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                # no cwd=: papermill would os.chdir the whole process, which races between
                # a worker's threads (and fails once a finished job's folder is deleted);
                # reset_kernel has already moved the kernel into the report's folder
                execution_timeout=CELL_TIMEOUT,
                record_timing=False,
            )
            out.ok, out.error = True, ""
        except pm.PapermillExecutionError as exc:
            out.error = f"{exc.ename}: {exc.evalue}".splitlines()[0][:300]
            kernels.discard()  # the next report gets a fresh kernel
        except Exception as exc:  # noqa: BLE001 - isolate the failure to this scope
            out.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            kernels.discard()  # the next report gets a fresh kernel
            if attempt == 1 and _kernel_died(exc):
                # killed (a user, the out-of-memory killer) or crashed under this report:
                # rendered once more in a fresh kernel; a second death fails the scope
                out.retried = out.error
                continue
        break
    if nb is not None:
        sanitize_notebook(nb)
        nbformat.write(nb, ipynb)  # type: ignore[no-untyped-call]  # nbformat's is untyped
        page = folder / f"{job.scope}.html"
        page.write_text(render.notebook_to_html(nb, title=job.title), encoding="utf-8")
        out.html = str(page)
    out.seconds = time.perf_counter() - t0
    return out


def _kernel_died(exc: BaseException) -> bool:
    from nbclient.exceptions import DeadKernelError

    return isinstance(exc, DeadKernelError)


# --- local ----------------------------------------------------------------------------

def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def max_workers() -> tuple[int, str]:
    """How many local workers this machine can run, and why (for the error message)."""
    import psutil

    cpus = os.cpu_count() or 1
    available = psutil.virtual_memory().available
    by_memory = max(1, available // WORKER_MEMORY)
    limit = min(WORKERS_PER_CPU * cpus, by_memory)
    why = (f"{WORKERS_PER_CPU} per CPU core x {cpus} cores, and "
           f"{WORKER_MEMORY // 2**20} MB per worker of {available / 2**30:.1f} GB available "
           f"memory allow {limit}")
    return int(limit), why


def check_workers(workers: int | None) -> int | None:
    """``workers`` if the machine can run that many local workers, else an OptionError."""
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise OptionError(f"--workers ต้องเป็นจำนวนเต็มอย่างน้อย 1 / --workers must be a whole "
                          f"number 1 or more, got {workers!r}")
    limit, why = max_workers()
    if workers > limit:
        raise OptionError(f"--workers {workers} มากเกินกว่าเครื่องนี้รองรับ / is more than this "
                          f"machine can run: at most {limit} ({why})")
    return workers


def run_local(jobs: list[Job], progress: Progress, *, workers: int | None = None,
              scheduler: str | None = None) -> list[JobResult]:
    """Run jobs in ``workers`` processes (each with its own kernel), or in this process.

    Workers ignore Ctrl-C; on an interrupt this process stops them and their kernels
    (:func:`krlib.batch.interrupt.stop_descendants`) instead of waiting for their reports.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from krlib.batch.interrupt import stop_descendants, worker_init

    if scheduler:
        raise OptionError("--scheduler ใช้กับ --executor dask เท่านั้น / --scheduler needs "
                          "--executor dask")
    workers = min(workers or default_workers(), max(1, len(jobs)))
    results: list[JobResult] = []
    if workers <= 1:
        kernels = KernelPool.current()
        try:
            for job in jobs:
                results.append(execute_job(job))
                progress(results[-1])
        except BaseException:
            stop_descendants()  # the kernel may be mid-cell: kill it, do not ask it
            raise
        kernels.close()
        return results
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_init)
    try:
        # submit + result, not pool.map: map's iterator cancels the pending futures when
        # the interrupt unwinds it, and CPython 3.11's management thread, finding the pool
        # broken once the workers are stopped, then sets an exception on a cancelled
        # future (InvalidStateError, a traceback on stderr). No future is ever cancelled.
        futures = [pool.submit(execute_job, job) for job in jobs]
        for fut in futures:
            results.append(fut.result())
            progress(results[-1])
    except BrokenProcessPool:  # a worker was killed (SIGKILL, the out-of-memory killer)
        stop_descendants()
        pool.shutdown(wait=True)
        raise WorkerLost(f"โปรเซสที่สร้างรายงานหยุดกะทันหัน / a report worker process ended "
                         f"abruptly (killed, or out of memory?) after {len(results)} of "
                         f"{len(jobs)} reports: the batch stopped") from None
    except BaseException:
        # Stop the workers first (their kernels too): the management thread then fails
        # every future it holds (BrokenProcessPool, unread) and ends; wait for it, so
        # nothing of the pool runs or prints after the command's one line.
        stop_descendants()
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=True)
    return results


# --- dask -----------------------------------------------------------------------------

#: The input notebook's name in a shipped job's private folder (beside, not in, its output
#: folder).
SHIPPED_NOTEBOOK = "report.ipynb"


def ship(job: Job, prepared: dict[str, Any]) -> ShippedJob:
    """``job`` as bytes: its notebook, its parameters and its scope's slice of the parsed
    ``prepared.json`` (no path on this machine travels)."""
    return ShippedJob(job.scope, job.title, dict(job.parameters), Path(job.notebook).read_bytes(),
                      slice_prepared(prepared, job.scope))


def run_shipped(job: ShippedJob) -> ShippedResult:
    """Render a shipped job in a private temporary folder of this machine and return its
    outputs as bytes (the job function of a worker that shares no disk with the
    coordinator). A job packed by another krlib version is refused (:class:`VersionMismatch`)."""
    import socket
    import tempfile

    check_version(job.krlib_version, socket.gethostname())
    prepared = str(job.parameters.get("prepared") or "prepared.json")
    with tempfile.TemporaryDirectory(prefix="krlib-job-") as tmp:
        notebook, folder = Path(tmp) / SHIPPED_NOTEBOOK, Path(tmp) / "out"
        folder.mkdir()
        notebook.write_bytes(job.notebook)
        (folder / prepared).write_bytes(job.prepared)
        res = execute_job(Job(job.scope, str(notebook), str(folder), job.parameters, job.title))
        outputs = collect_outputs(folder, {prepared})
        _leave(tmp)
    return ShippedResult(job.scope, res.ok, res.seconds, res.error, res.retried, outputs)


def _leave(folder: str) -> None:
    """Move this thread's kernel out of ``folder`` before it is deleted (a kernel whose
    cwd is gone fails its next report)."""
    import tempfile

    kernel = KernelPool.current()._kernels.get(__import__("threading").get_ident())
    if kernel is not None and kernel.is_alive():
        try:
            kernel.run(f"import os as _os; _os.chdir({tempfile.gettempdir()!r}); del _os")
        except Exception:  # noqa: BLE001 - a broken kernel is discarded by the next report
            pass


def unship(shipped: ShippedResult, folder: Path) -> JobResult:
    """Write a shipped job's outputs into ``folder`` (the staging folder): its result, as
    the local executor's."""
    written = write_outputs(folder, shipped.outputs)
    scope = shipped.scope
    res = JobResult(scope, shipped.ok, shipped.seconds, shipped.error, retried=shipped.retried)
    res.html = str(written.get(f"{scope}.html", ""))
    ipynb = f"notebooks/{scope}.ipynb"
    res.ipynb = str(written.get(ipynb, folder / ipynb))
    return res


def run_dask(jobs: list[Job], progress: Progress, *, workers: int | None = None,
             scheduler: str | None = None) -> list[JobResult]:
    """Run jobs on an existing Dask cluster; each Dask worker thread keeps its own kernel.

    Each job travels as bytes (:func:`ship`) and its outputs come back as bytes, written
    here: the workers need krlib, not this machine's disk."""
    if not scheduler:
        raise OptionError("--executor dask ต้องระบุ --scheduler ADDRESS / needs --scheduler")
    import json

    from distributed import Client, as_completed

    parsed: dict[Path, dict[str, Any]] = {}
    shipped = []
    for job in jobs:
        path = Path(job.folder) / str(job.parameters.get("prepared") or "prepared.json")
        if path not in parsed:
            parsed[path] = json.loads(path.read_text(encoding="utf-8"))
        shipped.append(ship(job, parsed[path]))
    with Client(scheduler) as client:  # type: ignore[no-untyped-call]  # distributed: untyped
        futures = client.map(run_shipped, shipped, pure=False)
        by_key = {f.key: i for i, f in enumerate(futures)}
        results: list[JobResult | None] = [None] * len(jobs)
        stopped = False
        try:
            for fut in as_completed(futures):  # type: ignore[no-untyped-call]
                i = by_key[fut.key]
                res = unship(fut.result(), Path(jobs[i].folder))
                results[i] = res
                progress(res)
        except KeyboardInterrupt:
            stopped = True
            client.cancel(futures)  # interrupted: do not wait for the cluster's kernels
            raise
        finally:
            if not stopped:  # Dask workers outlive the batch: stop the kernels we started
                client.run(KernelPool.close_current)
    return [r for r in results if r is not None]


#: Executor name -> function running a list of jobs (see the module docstring).
EXECUTORS: dict[str, Callable[..., list[JobResult]]] = {"local": run_local, "dask": run_dask}


def get_executor(name: str) -> Callable[..., list[JobResult]]:
    try:
        return EXECUTORS[name]
    except (KeyError, TypeError):
        raise OptionError(f"ไม่รู้จัก executor {name!r} / unknown executor {name!r}: use "
                          f"{' or '.join(EXECUTORS)}") from None
