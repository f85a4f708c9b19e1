"""Faults during ``krlib report``: a worker, a Jupyter kernel or Chromium killed (SIGKILL)
mid-batch, a full disk, a read-only ``--out`` (from the start and mid-batch), and two runs
into the same ``--out`` at once.

Each run must end with a clear line (no traceback, no "Exception in thread"), leave no
process running, and leave ``OUT/<Y>-Q<Q>`` a folder that ``krlib verify`` accepts: the
previous complete run, or the new one where krlib recovered (a killed kernel: the report is
rendered again in a new kernel; a killed Chromium: the PDF is printed again in a new
one). Runs are small (three scopes, HTML unless the case needs PDF).

A report's kernel is found through a copy of the report notebook with one more cell (tagged
remove-cell): in the scope named by ``KRLIB_FAULT_SCOPE`` it writes the kernel's pid into
``KRLIB_FAULT_DIR`` and sleeps, so the test kills a kernel (or its worker) known to be busy
with a report; the cell does this once, so a second rendering runs through. Processes are
recognised by a unique environment variable every child inherits.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mounts import set_readonly, tmpfs  # noqa: E402
from test_interrupt import _processes_with  # noqa: E402 - one /proc scan for both suites

pytestmark = [pytest.mark.slow]

FY, Q = 2568, 2
LABEL = f"{FY}-Q{Q}"
SCOPES = "1001,1039,BMA"
FAULT_SCOPE = "1039"
KRLIB = [sys.executable, "-m", "krlib.cli"]
EPOCH = "1767225600"
FAULT_CELL = """\
import os as _os, time as _time
_pid_file = _os.path.join(_os.environ.get("KRLIB_FAULT_DIR", ""), "kernel.pid")
if _os.environ.get("KRLIB_FAULT_SCOPE") == str(district) and not _os.path.exists(_pid_file):
    with open(_pid_file + ".part", "w") as _f:
        _f.write(str(_os.getpid()))
    _os.replace(_pid_file + ".part", _pid_file)
    _time.sleep(120)
"""


def _args(drop: Path, out: Path, formats: str = "html", notebook: Path | None = None
          ) -> list[str]:
    return KRLIB + ["report", "--data", str(drop), "--fiscal-year", str(FY), "--quarter",
                    str(Q), "--district", SCOPES, "--format", formats, "--out", str(out),
                    "--workers", "2", "--quiet",
                    "--force",  # every stage runs: a complete run is often already in --out
                    *(["--notebook", str(notebook)] if notebook else [])]


@pytest.fixture(scope="module")
def drop(demo_drop_21) -> Path:
    """The session's seed-21 demo drop (tests/conftest.py), shared with the other suite."""
    return demo_drop_21


@pytest.fixture(scope="module")
def previous(drop, tmp_path_factory) -> Path:
    """An output root holding one complete run: what a failed run must leave intact."""
    out = tmp_path_factory.mktemp("faultprev")
    proc = subprocess.run(_args(drop, out), capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    """The report notebook with the fault cell after its parameters."""
    import nbformat

    from krlib.batch.run import default_notebook

    nb = nbformat.read(default_notebook(), as_version=4)
    cell = nbformat.v4.new_code_cell(FAULT_CELL, metadata={"tags": ["remove-cell"]})
    nb.cells.insert(1, cell)
    path = tmp_path_factory.mktemp("faultnb") / "district_report.ipynb"
    nbformat.write(nb, path)
    return path


class Run:
    """A ``krlib report`` started in its own session, its stderr read as it comes."""

    def __init__(self, args: list[str], **env: str) -> None:
        self.marker = uuid.uuid4().hex
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, KRLIB_TEST_RUN=self.marker, **env)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, text=True, start_new_session=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        self.out: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=lambda: self.out.extend(self.proc.stdout or ()),
                         daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    def wait_for_line(self, text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"run ended before {text!r}: {self.stderr}"
            self.stderr.append(line)
            if line == text:
                return

    def finish(self, timeout: float = 300) -> int:
        try:
            rc = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
        while (line := self.lines.get(timeout=10)) is not None:
            self.stderr.append(line)
        return rc

    @property
    def said(self) -> list[str]:
        """stderr without the stage announcements of the test hook."""
        return [x for x in self.stderr if not x.startswith("krlib-test: stage")]

    def processes(self) -> list[int]:
        return _processes_with(f"KRLIB_TEST_RUN={self.marker}")

    def leftovers(self, wait: float = 10.0) -> list[int]:
        """Processes of this run still alive after ``wait`` seconds at most (a kernel
        whose worker was killed ends itself within a second or two: ipykernel's parent
        poller)."""
        deadline = time.monotonic() + wait
        while (left := self.processes()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left


def _wait_for_file(path: Path, run: Run, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert run.proc.poll() is None, f"run ended early: {run.finish()} {run.stderr}"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)
    return path.read_text().strip()


def _no_traceback(run: Run) -> None:
    for line in run.stderr:
        assert "Traceback" not in line and "Exception in thread" not in line, "\n".join(run.stderr)
        assert "internal error" not in line, "\n".join(run.stderr)


def _verified(folder: Path) -> None:
    from krlib.outputs.manifest import verify

    result = verify(folder)
    assert result.ok, result.lines()


def _names(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def _copy_previous(previous: Path, out: Path) -> bytes:
    shutil.copytree(previous, out, dirs_exist_ok=True)
    return (out / LABEL / "manifest.json").read_bytes()


# --- killed processes -----------------------------------------------------------------

def test_a_killed_worker_stops_the_batch_in_one_line(previous, drop, notebook, tmp_path):
    import psutil

    out = tmp_path / "out"
    before = _copy_previous(previous, out)
    faults = tmp_path / "faults"
    faults.mkdir()
    run = Run(_args(drop, out, notebook=notebook), KRLIB_FAULT_DIR=str(faults),
              KRLIB_FAULT_SCOPE=FAULT_SCOPE)
    kernel = psutil.Process(int(_wait_for_file(faults / "kernel.pid", run)))
    worker = kernel.parent()
    assert worker is not None and worker.pid != run.proc.pid
    worker.send_signal(signal.SIGKILL)
    rc = run.finish()
    _no_traceback(run)
    assert rc == 1, "\n".join(run.stderr)
    assert len(run.said) == 1, run.said
    assert run.said[0].startswith("krlib: error: ") and "worker" in run.said[0], run.said
    assert "is unchanged" in run.said[0], run.said
    assert run.leftovers() == []
    _verified(out / LABEL)
    assert (out / LABEL / "manifest.json").read_bytes() == before
    assert _names(out) == [LABEL]


def test_a_killed_kernel_is_replaced_and_the_report_rendered_again(drop, notebook, tmp_path):
    out = tmp_path / "out"
    faults = tmp_path / "faults"
    faults.mkdir()
    run = Run(_args(drop, out, notebook=notebook), KRLIB_FAULT_DIR=str(faults),
              KRLIB_FAULT_SCOPE=FAULT_SCOPE)
    os.kill(int(_wait_for_file(faults / "kernel.pid", run)), signal.SIGKILL)
    rc = run.finish()
    _no_traceback(run)
    assert rc == 0, "\n".join(run.stderr)
    assert len(run.said) == 1, run.said
    assert run.said[0].startswith(f"krlib: warning: {FAULT_SCOPE}: DeadKernelError"), run.said
    assert "rendered again in a new kernel" in run.said[0]
    assert "3/3" in run.stdout
    assert run.leftovers() == []
    _verified(out / LABEL)
    assert (out / LABEL / f"{FAULT_SCOPE}.html").is_file()
    assert _names(out) == [LABEL]


@pytest.mark.browser
def test_a_killed_chromium_is_restarted_and_the_pdf_printed_again(drop, tmp_path):
    import psutil

    out = tmp_path / "out"
    # pause after the first PDF: Chromium is killed while reports are still to be printed
    run = Run(_args(drop, out, formats="html,pdf"), KRLIB_TEST_STAGE_DELAY="pdf=4")
    run.wait_for_line("krlib-test: stage pdf")
    browsers = [psutil.Process(pid) for pid in run.processes()]
    browsers = [p for p in browsers if p.name() in ("chromium", "chrome")
                and not any(a.startswith("--type=") for a in p.cmdline())]
    assert len(browsers) == 1, [p.cmdline()[:2] for p in browsers]
    browsers[0].send_signal(signal.SIGKILL)
    rc = run.finish()
    _no_traceback(run)
    assert rc == 0, "\n".join(run.stderr)
    assert len(run.said) == 1, run.said
    assert run.said[0].startswith("krlib: warning: PDF ") and "new Chromium" in run.said[0]
    assert run.leftovers() == []
    _verified(out / LABEL)
    assert sorted(p.name for p in (out / LABEL).glob("*.pdf")) == [
        "1001.pdf", "1039.pdf", "BMA.pdf"]
    assert _names(out) == [LABEL]


# --- the disk ---------------------------------------------------------------------------

def test_a_full_disk_keeps_the_previous_run(previous, drop, tmp_path):
    size = sum(p.stat().st_size for p in previous.rglob("*") if p.is_file())
    with tmpfs(tmp_path / "mnt", f"{size // 1024 + 1024}k") as out:
        before = _copy_previous(previous, out)
        free = shutil.disk_usage(out).free
        # leave ~200 kB: the new run's first files fit, its notebooks do not
        (out / "filler").write_bytes(b"\0" * max(0, free - 200 * 1024))
        run = Run(_args(drop, out))
        rc = run.finish()
        _no_traceback(run)
        assert rc == 2, "\n".join(run.stderr)
        assert len(run.said) == 1, run.said
        line = run.said[0]
        assert line.startswith("krlib: error: --out ") and "no space left" in line, line
        assert "is unchanged" in line, line
        assert run.leftovers() == []
        _verified(out / LABEL)
        assert (out / LABEL / "manifest.json").read_bytes() == before
        assert _names(out) == [LABEL, "filler"]


def test_a_read_only_out_is_refused_in_one_line(previous, drop, tmp_path):
    with tmpfs(tmp_path / "mnt", "8m") as out:
        _copy_previous(previous, out)
        set_readonly(out)
        run = Run(_args(drop, out))
        rc = run.finish()
        _no_traceback(run)
        assert rc == 2, "\n".join(run.stderr)
        assert len(run.said) == 1 and "read-only file system" in run.said[0], run.said
        assert run.leftovers() == []
        _verified(out / LABEL)
        assert _names(out) == [LABEL]


def test_out_turning_read_only_mid_batch_keeps_the_previous_run(previous, drop, tmp_path):
    from krlib.batch.run import _sweep_stale

    with tmpfs(tmp_path / "mnt", "16m") as out:
        before = _copy_previous(previous, out)
        run = Run(_args(drop, out), KRLIB_TEST_STAGE_DELAY="notebooks=3")
        run.wait_for_line("krlib-test: stage notebooks")
        set_readonly(out)  # while the first report's HTML is written and the next run
        rc = run.finish()
        _no_traceback(run)
        assert rc == 2, "\n".join(run.stderr)
        assert len(run.said) == 1, run.said
        assert "read-only" in run.said[0] and "is unchanged" in run.said[0], run.said
        assert run.leftovers() == []
        _verified(out / LABEL)
        assert (out / LABEL / "manifest.json").read_bytes() == before
        set_readonly(out, False)
        _sweep_stale(out, LABEL)  # what the next run does first: the dead run's staging
        assert [n for n in _names(out) if not n.endswith(".lock")] == [LABEL]


# --- two runs at once -------------------------------------------------------------------

def test_a_second_run_into_the_same_out_is_refused_while_the_first_runs(previous, drop,
                                                                          tmp_path):
    out = tmp_path / "out"
    _copy_previous(previous, out)
    first = Run(_args(drop, out), KRLIB_TEST_STAGE_DELAY="cleaning=3")
    first.wait_for_line("krlib-test: stage cleaning")
    second = Run(_args(drop, out))
    assert second.finish() == 2, "\n".join(second.stderr)
    _no_traceback(second)
    assert len(second.said) == 1, second.said
    assert "another krlib report" in second.said[0], second.said
    assert f"pid {first.proc.pid}" in second.said[0], second.said
    assert first.finish() == 0, "\n".join(first.stderr)
    _no_traceback(first)
    assert first.said == [], first.said
    assert first.leftovers() == [] and second.leftovers() == []
    _verified(out / LABEL)
    assert _names(out) == [LABEL]


def test_two_runs_started_together_give_one_result_and_one_clear_refusal(previous, drop,
                                                                          tmp_path):
    out = tmp_path / "out"
    _copy_previous(previous, out)
    runs = [Run(_args(drop, out)), Run(_args(drop, out))]
    codes = sorted(r.finish() for r in runs)
    for r in runs:
        _no_traceback(r)
        assert r.leftovers() == []
    assert codes == [0, 2], [r.stderr for r in runs]
    refused = next(r for r in runs if r.proc.returncode == 2)
    assert len(refused.said) == 1 and "another krlib report" in refused.said[0]
    _verified(out / LABEL)
    assert _names(out) == [LABEL]
