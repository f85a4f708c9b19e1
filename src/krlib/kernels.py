"""Jupyter kernels kept alive between reports: one per thread, reset between reports.

Starting a kernel and importing pandas + matplotlib in it is most of a report's cost
(see README "Performance"), so a worker reuses its kernel for every report it renders.
:class:`KernelPool` holds them; each process has its own pool (:meth:`KernelPool.current`),
found through the process id so that a forked worker never inherits its parent's kernels.
"""

from __future__ import annotations

import os
import subprocess
import threading
from typing import ClassVar

KERNEL_NAME = "python3"


class KernelPool:
    """Kernels of one process, by thread: a Dask worker may run several reports at once on
    threads, and two reports must never share a kernel."""

    _by_pid: ClassVar[dict[int, KernelPool]] = {}
    _by_pid_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, kernel_name: str = KERNEL_NAME) -> None:
        self.kernel_name = kernel_name
        self._kernels: dict[int, object] = {}
        self._lock = threading.Lock()
        self._hooked = False

    @classmethod
    def current(cls) -> KernelPool:
        """This process's pool (created on first use, stopped when the process exits)."""
        pid = os.getpid()
        with cls._by_pid_lock:
            pool = cls._by_pid.get(pid)
            if pool is None:
                pool = cls._by_pid[pid] = cls()
            return pool

    @classmethod
    def close_current(cls) -> None:
        """Stop every kernel of this process (a Dask batch's end, the process's exit)."""
        with cls._by_pid_lock:
            pool = cls._by_pid.get(os.getpid())
        if pool is not None:
            pool.close()

    def get(self):
        """This thread's kernel, started on first use and reused by its next reports."""
        from jupyter_client.manager import KernelManager

        key = threading.get_ident()
        km = self._kernels.get(key)
        if km is not None and km.is_alive():
            return km
        km = KernelManager(kernel_name=self.kernel_name)
        env = dict(os.environ, MPLBACKEND="agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        # The kernel's own log ("running over TCP without encryption", shutdown notes) is
        # noise for a batch; cell errors still arrive as messages and fail the scope.
        km.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with self._lock:
            self._kernels[key] = km
            if not self._hooked:
                import atexit
                from multiprocessing import util

                atexit.register(self.close)  # the main process
                util.Finalize(None, self.close, exitpriority=10)  # pool workers skip atexit
                self._hooked = True
        return km

    def discard(self) -> None:
        """Stop this thread's kernel (after a failure the next report gets a fresh one)."""
        with self._lock:
            km = self._kernels.pop(threading.get_ident(), None)
        if km is not None:
            _shutdown(km)

    def close(self) -> None:
        """Stop every kernel of this pool."""
        with self._lock:
            kms = list(self._kernels.values())
            self._kernels.clear()
        for km in kms:
            _shutdown(km)

    def __len__(self) -> int:
        return len(self._kernels)


def _shutdown(km) -> None:
    try:
        km.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - best effort: the kernel may be gone already
        pass


def reset_kernel(km, cwd: str) -> None:
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
