"""Ctrl-C and SIGTERM: end the run promptly, in one line, leaving nothing running.

The command's process turns the first SIGINT or SIGTERM into :class:`Interrupted` (a
``KeyboardInterrupt``) and ignores the next ones while it cleans up; a watchdog ends the
process after :data:`GRACE_SECONDS` whatever the clean-up is doing. Worker processes
ignore SIGINT (a terminal's Ctrl-C reaches the whole process group): only the parent
decides, and it stops every process it started, kernels and browser included
(:func:`stop_descendants`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Seconds between the signal and the forced exit, should the clean-up hang.
GRACE_SECONDS = 8.0
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (the CLI prints one line and exits 130)."""

    def __init__(self, signame: str = "SIGINT") -> None:
        super().__init__(signame)
        self.signame = signame


class _State:
    signame: str | None = None
    timer: threading.Timer | None = None


def _handler(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 - signal handler signature
    if _State.signame is not None:
        return  # already stopping: a second Ctrl-C must not break the clean-up
    _State.signame = signal.Signals(signum).name
    logging.disable(logging.CRITICAL)  # asyncio / jupyter_client notes about cancelled tasks
    _State.timer = threading.Timer(GRACE_SECONDS, _force_exit)
    _State.timer.daemon = True
    _State.timer.start()
    raise Interrupted(_State.signame)


def _force_exit() -> None:
    stop_descendants(timeout=0.5)
    try:
        sys.stderr.write(f"krlib: interrupted ({_State.signame}); clean-up took too long, "
                         "stopped / ยกเลิกแล้ว\n")
        sys.stderr.flush()
    finally:
        os._exit(130)


@contextmanager
def handle_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _State.signame = None
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        yield
    finally:
        if _State.timer is not None:  # the clean-up finished: no forced exit
            _State.timer.cancel()
            _State.timer = None
        for s, h in previous.items():
            signal.signal(s, h)


def interrupted() -> str | None:
    """The signal that stopped this run, if one did."""
    return _State.signame


def worker_init() -> None:
    """Pool worker processes: ignore Ctrl-C (the parent stops them), die on SIGTERM, and
    start with no event loop inherited from the parent (:func:`forget_parent_loops`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    forget_parent_loops()


def forget_parent_loops() -> None:
    """Drop the asyncio loops jupyter_core made in the parent before the fork.

    A process that has executed a notebook itself (a test run, an analyst's kernel) keeps a
    per-thread task runner in ``jupyter_core.utils``; its thread does not survive the fork,
    so the worker's first notebook waited on it for ever (seen as a hung batch in the test
    suite). The worker gets fresh ones, made on first use. ``_runner_map`` and ``_loop``
    are jupyter_core's module state (no public reset exists); absent, nothing is done.
    """
    utils = sys.modules.get("jupyter_core.utils")
    if utils is None:
        return
    runners = getattr(utils, "_runner_map", None)
    if isinstance(runners, dict):
        runners.clear()
    loop = getattr(utils, "_loop", None)
    if loop is not None:
        loop.set(None)


def stop_descendants(timeout: float = 3.0) -> int:
    """Terminate every process this one started, at any depth (workers, Jupyter kernels in
    their own sessions, Playwright's driver, Chromium), then kill what is left after
    ``timeout`` seconds. The tree is read before anything is stopped, so grandchildren
    whose parent dies first are still found. Returns how many processes were stopped.

    This process's :mod:`multiprocessing` children (the pool's workers) are waited for
    through multiprocessing itself: a worker reaped behind its back (by psutil's wait)
    stays "alive" for the pool, whose management thread then loops for ever sending it
    the stop sentinel.
    """
    import multiprocessing

    import psutil

    try:
        procs = psutil.Process().children(recursive=True)
    except psutil.Error:
        return 0
    ours = {p.pid: p for p in multiprocessing.active_children()}
    for p in procs:
        try:
            p.terminate()
        except psutil.Error:
            pass
    others = [p for p in procs if p.pid not in ours]
    deadline = time.monotonic() + timeout
    for child in ours.values():
        child.join(max(0.0, deadline - time.monotonic()))
    _, alive = psutil.wait_procs(others, timeout=max(0.0, deadline - time.monotonic()))
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    for child in ours.values():
        if child.exitcode is None:
            child.kill()
            child.join(1.0)
    psutil.wait_procs(alive, timeout=1.0)
    return len(procs)
