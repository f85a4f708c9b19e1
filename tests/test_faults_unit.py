"""The parts of fault handling that need no batch (see tests/test_faults.py for the runs):
a dead kernel ends the wait for its messages."""

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
