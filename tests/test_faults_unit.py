"""The parts of fault handling that need no batch (see tests/test_faults.py for the runs):
a dead kernel ends the wait for its messages; a kernel that died (at start, or under a
report) gets the report rendered once more in a new one, a failing cell does not."""

from __future__ import annotations

import queue
import time

import pytest
from nbclient.exceptions import DeadKernelError

from krlib.batch import engine


class _SilentChannel:
    """A channel on which no message ever arrives."""

    def __init__(self) -> None:
        self.calls = 0

    def get_msg(self, timeout=None):
        self.calls += 1
        time.sleep(min(timeout or 0, 0.01))
        raise queue.Empty


def test_a_dead_kernel_ends_the_wait_for_its_messages(monkeypatch):
    """A blocking client's wait holds nbclient's event loop (its own liveness poll never
    runs; a kernel killed mid-cell left the report waiting on IOPub for ever): the wait
    looks at the kernel between slices."""
    monkeypatch.setattr(engine._WatchedChannel, "SLICE", 0.01)
    alive = [True, True, False]
    channel = engine._WatchedChannel(_SilentChannel(), lambda: alive.pop(0))
    with pytest.raises(DeadKernelError):
        channel.get_msg(timeout=None)  # IOPub: no timeout at all
    assert channel._channel.calls == 3


def test_a_live_kernel_keeps_the_timeout(monkeypatch):
    monkeypatch.setattr(engine._WatchedChannel, "SLICE", 0.01)
    channel = engine._WatchedChannel(_SilentChannel(), lambda: True)
    t0 = time.monotonic()
    with pytest.raises(queue.Empty):
        channel.get_msg(timeout=0.05)
    assert 0.04 < time.monotonic() - t0 < 1


def test_the_watched_client_is_the_client_otherwise():
    class Client:
        shell_channel = iopub_channel = _SilentChannel()
        allow_stdin = False

        def execute(self, code):
            return f"sent {code}"

        def is_alive(self):
            return True

    watched = engine.WatchedClient(Client())
    assert watched.execute("1") == "sent 1" and watched.allow_stdin is False
    assert isinstance(watched.shell_channel, engine._WatchedChannel)


class _Pool:
    """A stand-in for KernelPool: ``starts`` says, per start, whether it fails."""

    def __init__(self, starts: list[bool]) -> None:
        self.starts, self.discarded = starts, 0

    def get(self):
        if self.starts.pop(0):
            raise RuntimeError("Kernel died before replying to kernel_info")
        return type("K", (), {"km": None, "kc": None})()

    def discard(self) -> None:
        self.discarded += 1


def _job_with(monkeypatch, tmp_path, starts: list[bool], runs: list):
    """execute_job with the kernel pool and papermill replaced: each run either returns
    a notebook or raises the exception listed."""
    import nbformat
    import papermill as pm

    from krlib.batch import executors

    pool = _Pool(starts)
    monkeypatch.setattr(executors.KernelPool, "current", classmethod(lambda cls: pool))
    monkeypatch.setattr(executors, "reset_kernel", lambda kernel, cwd: None)

    def execute(*args, **kwargs):
        outcome = runs.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return nbformat.v4.new_notebook()

    monkeypatch.setattr(pm, "execute_notebook", execute)
    job = executors.Job("1001", "nb.ipynb", str(tmp_path), {}, "title")
    return executors.execute_job(job), pool


def test_a_kernel_that_dies_at_start_is_started_once_more(monkeypatch, tmp_path):
    result, _ = _job_with(monkeypatch, tmp_path, [True, False], ["ok"])
    assert result.ok and "kernel_info" in result.retried and result.html
    result, _ = _job_with(monkeypatch, tmp_path, [True, True], [])
    assert not result.ok and "kernel_info" in result.error


def test_a_kernel_killed_under_a_report_renders_it_once_more(monkeypatch, tmp_path):
    result, pool = _job_with(monkeypatch, tmp_path, [False, False],
                             [DeadKernelError("Kernel died"), "ok"])
    assert result.ok and result.retried == "DeadKernelError: Kernel died"
    assert pool.discarded == 1
    result, _ = _job_with(monkeypatch, tmp_path, [False, False],
                          [DeadKernelError("Kernel died"), DeadKernelError("Kernel died")])
    assert not result.ok and result.error == "DeadKernelError: Kernel died"


def test_a_failing_cell_is_not_retried(monkeypatch, tmp_path):
    import papermill as pm

    error = pm.PapermillExecutionError(0, 1, "x = 1", "ValueError", "bad", [])
    result, pool = _job_with(monkeypatch, tmp_path, [False], [error])
    assert not result.ok and result.error == "ValueError: bad" and not result.retried
