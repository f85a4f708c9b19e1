"""The quarterly batch (:func:`run_report`): clean once, render every scope, print PDFs,
write the index and the manifest, then publish the folder in one step.

A run writes into a hidden sibling, ``OUT/.<Y>-Q<Q>.tmp-<pid>``, and replaces
``OUT/<Y>-Q<Q>/`` only when every scope succeeded (old folder renamed away, new one renamed
in, old one deleted), so ``OUT/<Y>-Q<Q>/`` always holds one complete run that
``krlib verify`` accepts. A run with failing scopes is kept as ``OUT/<Y>-Q<Q>.failed/``
beside the untouched previous run; an interrupted or crashed run leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from krlib.batch.executors import Job, JobResult, WorkerLost, check_workers, get_executor
from krlib.errors import OptionError
from krlib.outputs.folders import (
    check_output_folder,
    is_device_error,
    make_output_folder,
    write_error,
)

if TYPE_CHECKING:  # the pipeline loads when a batch starts, not on `krlib --help`
    from krlib.compute.prepare import Prepared
    from krlib.contract.kr import KRDefinition
    from krlib.contract.periods import Period
    from krlib.outputs.compare import Outputs

#: Set to e.g. ``pdf=5`` (or ``cleaning=2,index=3``) to announce each stage on stderr and
#: pause in the named ones: lets a test interrupt the batch at a known stage.
STAGE_HOOK_ENV = "KRLIB_TEST_STAGE_DELAY"
STAGES = ("cleaning", "notebooks", "pdf", "index")


@dataclass
class BatchResult:
    folder: Path  # OUT/<Y>-Q<Q>, or OUT/<Y>-Q<Q>.failed when some scope failed
    results: list[JobResult] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


def default_notebook() -> Path:
    """The report notebook: shipped inside the installed package (wheel), else the
    checkout's ``notebooks/`` (editable install, PYTHONPATH=src)."""
    shipped = Path(__file__).resolve().parents[1] / "notebooks" / "district_report.ipynb"
    if shipped.is_file():
        return shipped
    return Path(__file__).resolve().parents[3] / "notebooks" / "district_report.ipynb"


def _stage(name: str) -> None:
    """Test hook: announce the stage and pause if ``KRLIB_TEST_STAGE_DELAY`` says so."""
    spec = os.environ.get(STAGE_HOOK_ENV)
    if not spec:
        return
    print(f"krlib-test: stage {name}", file=sys.stderr, flush=True)
    for part in spec.split(","):
        key, _, seconds = part.partition("=")
        if key.strip() == name:
            time.sleep(float(seconds or 0))


# --- the output folder ----------------------------------------------------------------

@contextmanager
def run_lock(root: Path, label: str) -> Iterator[None]:
    """Hold ``root/.<label>.lock`` (an exclusive ``flock``) for a whole run, so that two
    runs never stage, sweep or publish the same period at once; the second one stops at
    once with one line (exit 2). The lock file is deleted at the end, while still held;
    the kernel releases a killed run's lock by itself."""
    import fcntl

    path = root.resolve() / f".{label}.lock"
    while True:
        try:
            # read-only: a folder holding only read-only descriptors can still be made
            # read-only (remount) under a run, which then stops with one line
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OptionError(f"--out {root}: เขียนไม่ได้ / cannot write into the folder "
                              f"({exc.strerror or type(exc).__name__}): give a writable "
                              "folder") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            by = f" (pid {holder})" if holder.isdigit() else ""
            raise OptionError(f"--out {root}: krlib report อีกชุดกำลังเขียน {label} อยู่ / "
                              f"another krlib report{by} is writing {root / label}: wait for "
                              "it to finish, or give another --out") from None
        held = os.fstat(fd)
        try:
            now = os.stat(path)
        except FileNotFoundError:
            now = None
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(fd)  # the run before ours deleted it after we opened it: lock the new one
    try:  # the pid, named in the second run's line; closing this descriptor keeps the lock
        path.write_text(f"{os.getpid()}\n", encoding="ascii")
    except OSError:
        pass  # a full disk: the lock holds without the pid
    try:
        yield
    finally:
        try:
            path.unlink()
        except OSError:
            pass
        os.close(fd)


def _make_staging(root: Path, label: str) -> Path:
    staging = root.resolve() / f".{label}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
    except OSError as exc:
        if is_device_error(exc):
            raise write_error(exc, root, "--out", _kept(root / label)) from None
        raise OptionError(f"--out {root}: เขียนไม่ได้ / cannot write into the folder "
                          f"({exc.strerror or type(exc).__name__}): give a writable folder"
                          ) from None
    return staging


def _kept(final: Path) -> str:
    """What a stopped run left in place, for its one line."""
    return (f"; {final} is unchanged (the last complete run)" if final.exists()
            else f"; nothing was written ({final} does not exist)")


def _sweep_stale(root: Path, label: str) -> None:
    """Remove the staging folders of runs that were killed outright (SIGKILL, power cut),
    and put back a previous run whose replacement was cut between its two renames."""
    import psutil

    final = root / label
    for p in sorted(root.glob(f".{label}.*-*")):
        kind, _, pid = p.name[len(label) + 2:].rpartition("-")
        if kind not in ("tmp", "old") or not pid.isdigit() or psutil.pid_exists(int(pid)):
            continue
        if kind == "old" and not final.exists():
            p.rename(final)
        else:
            shutil.rmtree(p, ignore_errors=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT/SIGTERM across the two renames (delivered right after)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def publish(staging: Path, final: Path) -> Path:
    """Replace ``final`` with ``staging``: the old run is renamed away, the new one renamed
    in, then the old one deleted. ``final`` is only ever missing between two renames."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    with _signals_held():
        if final.exists():
            final.rename(old)
        try:
            staging.rename(final)
        except BaseException:
            if old.exists():
                old.rename(final)
            raise
    shutil.rmtree(old, ignore_errors=True)
    return final


def keep_failed(staging: Path, final: Path) -> Path:
    """Keep a run with failing scopes as ``<final>.failed`` (replacing an older one)."""
    failed = final.with_name(final.name + ".failed")
    shutil.rmtree(failed, ignore_errors=True)
    staging.rename(failed)
    return failed


def _moved(results: list[JobResult], src: Path, dst: Path) -> None:
    for r in results:
        for attr in ("html", "ipynb", "pdf"):
            value = getattr(r, attr)
            if value:
                setattr(r, attr, str(dst / Path(value).relative_to(src)))


# --- the batch ------------------------------------------------------------------------

def run_report(data_dir: Path, fiscal_year: int, quarter: int, scopes: Iterable[str],
               formats: Iterable[str], out: Path, workers: int | None = None,
               suppress_below: int = 0, executor: str = "local", scheduler: str | None = None,
               notebook: Path | None = None, show_progress: bool = True,
               strict: bool = False, krs_dirs: Iterable[Path] = (),
               compare_with: Path | None = None,
               notebook_parameters: dict[str, Any] | None = None,
               force: bool = False) -> BatchResult:
    """Clean once, write the contract CSVs, render every scope, print PDFs, write the index;
    publish ``out/<Y>-Q<Q>/`` only if every scope succeeded (else ``<Y>-Q<Q>.failed/``).

    ``strict``: stop (exit 3) after cleaning when the drop raised a warning. ``krs_dirs``:
    folders of extra KR definitions. ``compare_with``: an earlier output folder whose
    figures the index compares with (read before anything is written).
    ``notebook_parameters`` go to every notebook as they are (``data_as_of``, ``signoff``).
    A scope whose report inputs are unchanged since the complete run in ``out`` is copied
    from it rather than rendered (:mod:`krlib.batch.freeze`); ``force`` renders every scope.
    """
    from krlib.contract.kr import load_krs
    from krlib.contract.periods import Period
    from krlib.outputs.compare import read_outputs

    period = Period(fiscal_year, quarter)
    notebook = Path(notebook) if notebook else default_notebook()
    scopes, formats = list(scopes), list(formats)
    if isinstance(suppress_below, bool) or not isinstance(suppress_below, int) \
            or suppress_below < 0:
        raise OptionError("--suppress-below ต้องไม่ติดลบ / must be a whole number 0 or more")
    if not notebook.is_file():
        raise OptionError(f"ไม่พบโน้ตบุ๊ก / notebook not found: {notebook}")
    run_jobs = get_executor(executor)
    if executor == "local":
        check_workers(workers)
        if scheduler:
            raise OptionError("--scheduler ใช้กับ --executor dask เท่านั้น / --scheduler needs "
                              "--executor dask")
    elif executor == "dask" and not scheduler:
        raise OptionError("--executor dask ต้องระบุ --scheduler ADDRESS / needs --scheduler")
    root = Path(out)
    created_root = not root.exists()
    krs = load_krs(krs_dirs)  # a bad definition file stops the batch before any work
    old = read_outputs(compare_with) if compare_with else None  # before any overwrite
    # the drop, a file, a read-only place: refused before anything is written
    check_output_folder(root, "--out", data_dir=data_dir)
    make_output_folder(root, "--out")
    try:
        with run_lock(root, period.label):
            return _run_and_publish(
                root, period, lambda staging: _render(
                    data_dir, period, scopes, formats, staging, workers, suppress_below,
                    run_jobs, executor, scheduler, notebook, show_progress, krs=krs,
                    strict=strict, compare_old=old,
                    notebook_parameters=notebook_parameters or {}, force=force))
    except BaseException:
        if created_root:
            try:
                root.rmdir()  # made by this run and now empty: leave no trace
            except OSError:
                pass
        raise


def _run_and_publish(root: Path, period: Period, render: Callable[[Path], BatchResult]
                     ) -> BatchResult:
    """Render into a fresh staging folder, then publish it (or keep it as ``.failed``);
    anything that stops the run deletes the staging folder (the lock is held)."""
    final = root / period.label
    _sweep_stale(root, period.label)
    staging = _make_staging(root, period.label)
    try:
        batch = render(staging)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        kept = _kept(final)
        if is_device_error(exc):  # the disk filled up, or the folder became read-only
            raise write_error(exc, root, "--out", kept) from None
        if isinstance(exc, WorkerLost):
            raise WorkerLost(f"{exc}{kept}") from None
        raise
    if batch.failed:
        target = keep_failed(staging, final)
    else:
        target = publish(staging, final)
        # a complete run supersedes an older partial one
        shutil.rmtree(final.with_name(final.name + ".failed"), ignore_errors=True)
    _moved(batch.results, staging, target)
    batch.folder = target
    return batch


def _render(data_dir: Path, period: Period, scopes: list[str], formats: list[str],
            folder: Path, workers: int | None, suppress_below: int,
            run_jobs: Callable[..., list[JobResult]], executor: str, scheduler: str | None,
            notebook: Path, show_progress: bool, *, krs: dict[str, KRDefinition],
            strict: bool = False, compare_old: Outputs | None = None,
            notebook_parameters: dict[str, Any] | None = None,
            force: bool = False) -> BatchResult:
    """Everything a run writes, into ``folder`` (the staging folder)."""
    from krlib.compute import alerts
    from krlib.contract.scopes import scope_name_th
    from krlib.outputs.provenance import data_folder_name
    from krlib.outputs.run import start_run, write_run, write_run_manifest
    from krlib.report.index_page import write_index
    from krlib.report.view import REPORT_TITLE_TH

    stages: dict[str, float] = {}
    _stage("cleaning")
    t = time.perf_counter()
    run = start_run(data_dir, period, krs, history=True)  # warnings on stderr
    if strict:
        alerts.check_strict(run.warnings)  # exit 3 before rendering anything
    write_run(folder, run)
    prep = run.prep
    prepared = prep.save(folder / "prepared.json")
    stages["load+clean+compute"] = time.perf_counter() - t

    # The executed notebooks are published with the reports: their injected parameters
    # name the data folder as the reports do, by its name only (the notebook reads the
    # prepared aggregates, relative to the folder, and needs no path to the drop).
    params_base = {"data_dir": data_folder_name(data_dir), "fiscal_year": period.fiscal_year,
                   "quarter": period.quarter, "prepared": prepared.name,  # relative to folder
                   "suppress_below": suppress_below, **(notebook_parameters or {})}
    every = [Job(s, str(notebook), str(folder.resolve()), dict(params_base, district=s),
                 f"{REPORT_TITLE_TH} — {scope_name_th(s)} — {period.label_th}") for s in scopes]
    keys, reused = _reuse(folder, period.label, prep, prepared, every, notebook, formats, force)
    jobs = [j for j in every if j.scope not in reused]

    t = time.perf_counter()
    bar = _progress_bar(len(jobs), "รายงาน / reports", show_progress)
    first = [True]
    # PDFs are printed as each report's HTML arrives, while the other notebooks run: this
    # process and the browser would otherwise idle through the notebooks, the workers
    # through the printing.
    pdfs = PdfStage(show_progress, len(jobs)) if "pdf" in formats else None

    def done(result: JobResult) -> None:
        bar.update(1)
        if result.retried:
            _say(f"krlib: warning: {result.scope}: {result.retried} — สร้างรายงานใหม่ใน kernel "
                 "ใหม่แล้ว / rendered again in a new kernel")
        if first:
            first.clear()
            _stage("notebooks")
        if pdfs is not None:
            pdfs.print(result)

    try:
        rendered = run_jobs(jobs, done, workers=workers, scheduler=scheduler) if jobs else []
        by_scope = {r.scope: r for r in rendered}
        results = [reused.get(j.scope) or by_scope[j.scope] for j in every]
        stages["notebooks+html"] = time.perf_counter() - t
        if pdfs is not None:
            t = time.perf_counter()
            pdfs.finish()
            stages["pdf (after the notebooks)"] = time.perf_counter() - t
    except BaseException:
        if pdfs is not None:
            pdfs.abandon()
        raise
    finally:
        bar.close()
    if "html" not in formats:
        for r in results:
            if r.html:
                Path(r.html).unlink(missing_ok=True)
                r.html = ""
    _stage("index")
    write_index(folder, prep, results, suppress_below,
                str((notebook_parameters or {}).get("data_as_of") or ""), compare_old,
                reused=[s for s in scopes if s in reused])
    batch = BatchResult(folder, results, stages)
    write_run_manifest(folder, run, "report", scopes=scopes, formats=formats,
                       suppress_below=suppress_below,
                       failed={r.scope: r.error for r in batch.failed},
                       scope_keys=keys, reused=[s for s in scopes if s in reused])
    return batch


def _reuse(folder: Path, label: str, prep: Prepared, prepared: Path, jobs: list[Job],
           notebook: Path, formats: list[str],
           force: bool) -> tuple[dict[str, str], dict[str, JobResult]]:
    """Every scope's key, and the scopes copied unchanged from the complete run
    ``OUT/<label>`` (none with ``force``) as results."""
    import json

    from krlib.batch import freeze

    doc = json.loads(prepared.read_text(encoding="utf-8"))
    keys = {j.scope: freeze.scope_key(prep, doc, j.scope, notebook, j.parameters, j.title,
                                      formats) for j in jobs}
    if force:
        return keys, {}
    final = folder.parent / label
    old_keys, old_outputs = freeze.previous_run(final)
    reused: dict[str, JobResult] = {}
    for j in jobs:
        paths = freeze.reuse(final, folder, j.scope, keys[j.scope], formats, old_keys,
                             old_outputs)
        if paths is not None:
            reused[j.scope] = JobResult(j.scope, ok=True, seconds=0.0, html=paths.get("html", ""),
                                        ipynb=paths.get("ipynb", ""), pdf=paths.get("pdf", ""))
    return keys, reused


class PdfStage:
    """Print each report's PDF as soon as its HTML is written, while the other notebooks
    run, with one headless Chromium for the batch.

    Printing used to wait for the last notebook, with this process and the browser idle
    through the notebooks and the workers idle through the printing. One browser is
    enough: a PDF costs ~0.2 s of CPU (:mod:`krlib.render.pdfimages`), and a second browser
    only added its own overhead beside the two notebook workers (measured: 29.7 s for
    the demo batch with one, 31.9 s with two).

    A failed PDF fails that scope only. On an interrupt the browser is killed with every
    other process (:func:`krlib.batch.interrupt.stop_descendants`), not asked to close.
    """

    def __init__(self, show_progress: bool, total: int) -> None:
        from krlib.render.export import chromium_path

        chromium_path()  # no Chromium at all: a setup error before any notebook runs
        self.show_progress, self.total = show_progress, total
        self.printer: Any = None  # a krlib.render.export.PdfPrinter from the first report on
        self.bar: Any = None
        self.printed = 0

    def print(self, result: JobResult) -> None:
        """Print the PDF of a rendered report (called as each result arrives).

        A PDF that fails is printed once more in a new browser: Chromium may have been
        killed (by a user, the out-of-memory killer) or have crashed; a second failure
        fails the scope. A full or read-only disk stops the batch.
        """
        if not (result.ok and result.html):
            return
        if self.printer is None:
            # Started at the first result, after the worker processes were forked: they
            # must not inherit the browser driver's connection and event loop.
            self.printer = self._start()
            # the second line under the reports' bar: both advance at once
            self.bar = _progress_bar(self.total, "PDF", self.show_progress, position=1)
        html, pdf = Path(result.html), Path(result.html).with_suffix(".pdf")
        try:
            try:
                self.printer.print(html, pdf)
            except Exception as exc:  # noqa: BLE001 - retried once in a new browser
                if is_device_error(exc):
                    raise
                _say(f"krlib: warning: PDF {result.scope}: {_first_line(exc)} — "
                          "พิมพ์ใหม่ด้วย Chromium ตัวใหม่ / printing it again in a new Chromium")
                self._restart()
                self.printer.print(html, pdf)
            result.pdf = str(pdf)
        except Exception as exc:  # noqa: BLE001 - a failed PDF fails that scope only
            if is_device_error(exc):
                raise  # a full or read-only disk fails every scope: stop the batch
            result.ok = False
            result.error = f"PDF: {_first_line(exc)}"
        self.printed += 1
        self.bar.update(1)
        if self.printed == 1:
            _stage("pdf")

    @staticmethod
    def _start() -> Any:
        from krlib.render.export import PdfPrinter

        return PdfPrinter().__enter__()  # a Chromium that cannot start stops the batch

    def _restart(self) -> None:
        """Close the browser (or what is left of it) and start a new one."""
        old, self.printer = self.printer, None
        try:
            old.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - the browser is gone already: nothing to close
            pass
        self.printer = self._start()

    def finish(self) -> None:
        """Every report has arrived (and was printed): close the browser."""
        if self.printer is not None:
            try:
                self.printer.__exit__(None, None, None)
            except Exception:  # noqa: BLE001 - a browser that died after the last PDF
                pass
            self.printer = None
        if self.bar is not None:
            self.bar.close()

    def abandon(self) -> None:
        """Interrupted or failed: kill the browser rather than ask it to close."""
        from krlib.batch.interrupt import stop_descendants

        if self.printer is not None:
            stop_descendants()
        if self.bar is not None:
            self.bar.close()


def _say(line: str) -> None:
    """A line on stderr, above the progress bars rather than through them."""
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)


def _first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]


def _progress_bar(total: int, desc: str, enabled: bool, position: int = 0) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="", disable=not enabled, leave=False,
                dynamic_ncols=True, position=position)
