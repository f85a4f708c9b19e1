"""krlib.batch.interrupt in one process: signals become Interrupted, once; children are stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from krlib.batch import interrupt


@pytest.mark.parametrize("sig, name", [(signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM")])
def test_signal_raises_interrupted_once_and_restores_handlers(sig, name):
    before = signal.getsignal(sig)
    with pytest.raises(interrupt.Interrupted) as info:
        with interrupt.handle_signals():
            os.kill(os.getpid(), sig)
            time.sleep(5)  # the handler raises before this ends
    assert info.value.signame == name
    assert isinstance(info.value, KeyboardInterrupt)  # code catching Ctrl-C still works
    assert signal.getsignal(sig) is before
    assert interrupt._State.timer is None  # no forced exit pending once the block is left


def test_second_signal_during_clean_up_is_ignored():
    cleaned = []
    with pytest.raises(interrupt.Interrupted):
        with interrupt.handle_signals():
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            finally:
                os.kill(os.getpid(), signal.SIGINT)  # impatient user: Ctrl-C again
                time.sleep(0.05)
                cleaned.append(True)
    assert cleaned == [True]
    assert interrupt.interrupted() == "SIGINT"


def test_stop_descendants_stops_grandchildren():
    # a child that starts a grandchild in its own session, as jupyter_client does kernels
    code = ("import subprocess, sys, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
            "start_new_session=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code])
    import psutil

    deadline = time.monotonic() + 20
    while len(psutil.Process(child.pid).children()) < 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    grandchild = psutil.Process(child.pid).children()[0]
    assert interrupt.stop_descendants(timeout=2) >= 2
    child.wait(timeout=5)
    assert not grandchild.is_running() or grandchild.status() == psutil.STATUS_ZOMBIE


def test_worker_init_ignores_ctrl_c():
    code = ("import os, signal, time; from krlib.batch.interrupt import worker_init; "
            "worker_init(); "
            "os.kill(os.getpid(), signal.SIGINT); time.sleep(0.2); print('alive')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "alive"


async def _one() -> int:
    return 1


async def _nested() -> int:
    from jupyter_core.utils import run_sync

    return run_sync(_one)()  # inside a running loop: jupyter_core's per-thread task runner


def _nested_in_worker() -> int:
    import asyncio

    return asyncio.run(_nested())


def test_a_forked_worker_runs_notebook_code_after_the_parent_did():
    """The parent ran jupyter_core's nested run_sync (as nbclient, papermill and Dask do);
    a worker forked afterwards used to wait for ever on the parent's runner thread."""
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    from krlib.batch.interrupt import stop_descendants, worker_init

    assert asyncio.run(_nested()) == 1  # leaves a runner for MainThread in jupyter_core
    pool = ProcessPoolExecutor(max_workers=1, initializer=worker_init)
    try:
        assert pool.submit(_nested_in_worker).result(timeout=30) == 1
    finally:
        stop_descendants(timeout=1.0)
        pool.shutdown(wait=False, cancel_futures=True)


_POOL_INTERRUPT = """
import os, signal, sys, threading, time
from krlib.batch import executors
from krlib.batch.interrupt import handle_signals, stop_descendants

def job(j):
    time.sleep(0.2 if j.scope == "0" else 60)
    return executors.JobResult(j.scope, True, 0.0)

executors.execute_job = job  # a forked worker finds it in its copy of __main__
when = sys.argv[1]

def progress(result):
    if when == "progress":
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)

if when == "waiting":
    threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT)).start()
jobs = [executors.Job(str(i), "nb", ".", {}, "t") for i in range(8)]
with handle_signals():
    try:
        executors.run_local(jobs, progress, workers=2)
    except KeyboardInterrupt:
        stop_descendants()
        print("interrupted", file=sys.stderr, flush=True)
        os._exit(130)
os._exit(0)
"""


@pytest.mark.parametrize("when", ["waiting", "progress"])
def test_interrupting_the_worker_pool_prints_no_thread_traceback(when):
    """Ctrl-C while the batch waits for a report, or while it handles one (a PDF): the
    pool's management thread used to print InvalidStateError (a future cancelled by
    ``pool.map``'s iterator, then failed when the workers were stopped)."""
    proc = subprocess.run([sys.executable, "-c", _POOL_INTERRUPT, when], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.splitlines() == ["interrupted"], proc.stderr
