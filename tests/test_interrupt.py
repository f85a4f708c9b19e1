"""Ctrl-C / SIGTERM at each stage of ``krlib report``: exit 130 within 10 s, one line, no
traceback, no process left running, and the output folder still holds the previous
complete run (``krlib verify`` OK) or nothing at all.

The batch announces its stages on stderr when ``KRLIB_TEST_STAGE_DELAY`` is set and
pauses in the named one, so the signal lands in that stage with its processes alive
(kernels during notebooks, Chromium during PDF). Processes are recognised by a unique
environment variable every child inherits.
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

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FY, Q = 2568, 2
LABEL = f"{FY}-Q{Q}"
SCOPES = "1001,1039,BMA"
KRLIB = [sys.executable, "-m", "krlib.cli"]
EPOCH = "1767225600"


TEN_SCOPES = "1001,1002,1003,1004,1005,1006,1007,1008,1039,BMA"


def _report_args(drop: Path, out: Path, workers: int = 2, scopes: str = SCOPES) -> list[str]:
    return KRLIB + ["report", "--data", str(drop), "--fiscal-year", str(FY), "--quarter", str(Q),
                    "--district", scopes, "--format", "html,pdf", "--out", str(out),
                    "--workers", str(workers), "--quiet",
                    "--force"]  # every stage runs: a complete run is often already in --out


@pytest.fixture(scope="module")
def drop(demo_drop_21) -> Path:
    """The session's seed-21 demo drop (tests/conftest.py), shared with the other suite."""
    return demo_drop_21


@pytest.fixture(scope="module")
def previous(drop, tmp_path_factory) -> Path:
    """An output root holding one complete run (the one an interrupted run must keep)."""
    out = tmp_path_factory.mktemp("prev")
    proc = subprocess.run(_report_args(drop, out), capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert proc.returncode == 0, proc.stderr
    return out


def _processes_with(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``marker`` (KEY=value)."""
    needle = marker.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and needle in env.split(b"\0"):
            found.append(int(entry.name))
    return found


def _interrupt(args: list[str], stage: str, sig: int, group: bool = False,
               pause: float = 60, after: float = 0.5):
    """Start the batch, wait for ``stage``, send ``sig`` ``after`` seconds later; returns
    (rc, seconds, stderr lines without the stage announcements, leftover pids).

    ``pause``: seconds the batch stops in ``stage`` (60: the signal lands in the pause;
    0: it lands wherever the batch is ``after`` seconds into the stage, with the index
    stage paused so that a slow signal still finds the run unfinished)."""
    marker = f"KRLIB_TEST_RUN={uuid.uuid4().hex}"
    delays = f"{stage}={pause}" + (",index=60" if not pause and stage != "index" else "")
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, KRLIB_TEST_STAGE_DELAY=delays,
               **dict([marker.split("=", 1)]))
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            text=True, start_new_session=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen, deadline = [], time.monotonic() + 300
    try:
        while True:
            line = lines.get(timeout=max(1.0, deadline - time.monotonic()))
            assert line is not None, f"batch ended before stage {stage}: {seen}"
            seen.append(line)
            if line == f"krlib-test: stage {stage}":
                break
        time.sleep(after)  # inside the stage
        t0 = time.monotonic()
        if group:
            os.killpg(proc.pid, sig)  # what a terminal's Ctrl-C does
        else:
            proc.send_signal(sig)
        rc = proc.wait(timeout=30)
        seconds = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    rest = []
    while (line := lines.get(timeout=10)) is not None:
        rest.append(line)
    leftovers = _processes_with(marker)
    for _ in range(3):  # a killed process may take a moment to leave /proc
        if not leftovers:
            break
        time.sleep(0.1)
        leftovers = _processes_with(marker)
    said = [x for x in seen + rest if not x.startswith("krlib-test: stage")]
    return rc, seconds, said, leftovers


def _check(rc: int, seconds: float, said: list[str], leftovers: list[int]) -> None:
    assert rc == 130, said
    assert seconds < 10, seconds
    assert len(said) == 1 and said[0].startswith("krlib: interrupted"), said
    assert not any("Traceback" in x for x in said)
    assert leftovers == [], f"still running: {leftovers}"


@pytest.mark.parametrize("stage", ["cleaning", "notebooks", "pdf", "index"])
def test_interrupt_keeps_the_previous_run(previous, drop, tmp_path, stage):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = (out / LABEL / "manifest.json").read_bytes()
    _check(*_interrupt(_report_args(drop, out), stage, signal.SIGINT))
    from krlib.outputs.manifest import verify

    assert verify(out / LABEL).ok
    assert (out / LABEL / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [LABEL]  # no staging folder left


@pytest.mark.parametrize("stage, sig, group, workers", [
    ("notebooks", signal.SIGTERM, False, 2),
    ("pdf", signal.SIGTERM, False, 2),
    ("notebooks", signal.SIGINT, True, 2),  # the whole process group, as a terminal does
    ("notebooks", signal.SIGINT, False, 1),  # the kernel runs under the main process
], ids=["notebooks-SIGTERM", "pdf-SIGTERM", "notebooks-group-SIGINT", "notebooks-1-worker"])
def test_interrupt_first_run_leaves_no_folder(drop, tmp_path, stage, sig, group, workers):
    out = tmp_path / "out"
    _check(*_interrupt(_report_args(drop, out, workers), stage, sig, group=group))
    assert not out.exists()  # the run created it, and removed it again


def _cpu_hog(seconds: float) -> subprocess.Popen:
    """A process burning one core for at most ``seconds`` (a busy machine)."""
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass"
    return subprocess.Popen([sys.executable, "-c", code])


@pytest.fixture(params=["idle", "load"])
def machine(request):
    """The machine as it is, or with three CPU-burning processes (this machine has two
    cores), each bounded in time and stopped when the test ends."""
    hogs = [_cpu_hog(120) for _ in range(3)] if request.param == "load" else []
    yield request.param
    for hog in hogs:
        hog.kill()
        hog.wait()


@pytest.mark.parametrize("stage, after", [("notebooks", 0.1), ("notebooks", 1.5),
                                          ("pdf", 0.3)],
                         ids=["notebooks+0.1s", "notebooks+1.5s", "pdf+0.3s"])
def test_ctrl_c_to_the_group_mid_batch_prints_one_line(previous, drop, tmp_path, machine,
                                                       stage, after):
    """A terminal's Ctrl-C (SIGINT to the whole process group) while ten HTML + PDF
    reports are being rendered and printed, at several moments, idle and under load: no
    traceback (the worker pool's management thread used to print InvalidStateError in
    two tries of three), exit 130, nothing left running, the previous run intact."""
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    rc, seconds, said, leftovers = _interrupt(_report_args(drop, out, scopes=TEN_SCOPES),
                                              stage, signal.SIGINT, group=True, pause=0,
                                              after=after)
    assert not any("Exception in thread" in x for x in said), said
    _check(rc, seconds, said, leftovers)
    from krlib.outputs.manifest import verify

    assert verify(out / LABEL).ok
    assert sorted(p.name for p in out.iterdir()) == [LABEL]
