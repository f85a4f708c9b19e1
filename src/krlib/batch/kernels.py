"""Jupyter kernels kept alive between reports: one per thread, warmed once, reset between
reports.

Starting a kernel and importing pandas + matplotlib in it is most of a fresh report's
cost (see README "Performance"), so a worker keeps its kernel, and its connected client,
for every report it renders. :class:`KernelPool` holds them; each process has its own
pool (:meth:`KernelPool.current`), found through the process id so that a forked worker
never inherits its parent's kernels.

A batch kernel is started once and made cheap to reuse:

- ``KRLIB_BATCH=1`` in its environment: the report notebook's ``%reload_ext krlib.lab``
  then leaves autoreload off (a batch uses the code it started with, and autoreload's check of
  every module before every cell cost ~0.7 s a report);
- IPython's history database is off (nothing reads a batch kernel's history);
- :data:`WARM_UP` imports the report libraries and then ``gc.freeze()`` moves them out of
  the collector's way, so the full collections of ``%reset -f`` between reports take
  milliseconds instead of ~0.1 s;
- the client's channels stay open, so the 0.2 s ``wait_for_ready`` handshake is paid once
  per kernel, not twice per report (reset and papermill): the ``krlib`` papermill engine
  (:mod:`krlib.batch.engine`) executes on this client.

A kernel that does not answer its handshake or warm-up within :data:`READY_TIMEOUT` (a
cold machine) is started once more with :data:`RETRY_TIMEOUT`, said on stderr in one line:
a slow start costs time, not a report.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

KERNEL_NAME = "python3"
#: Environment variable a batch kernel is started with (read by :mod:`krlib.lab`).
BATCH_ENV = "KRLIB_BATCH"
#: Run once in a fresh kernel: what every report imports, then freeze it for the GC.
WARM_UP = ("import gc\n"
           "import pandas, krlib.report.view, krlib.report.charts, krlib.lab\n"
           "gc.collect(); gc.freeze()")
READY_TIMEOUT = 60  # seconds a new kernel may take to answer (and to run WARM_UP)
#: A kernel that did not answer in READY_TIMEOUT is started once more and given this long:
#: on a cold machine the first start reads Python, pandas and matplotlib from disk while
#: the other workers do the same (one scope failed there after 60 s; its rerun took 9 s).
RETRY_TIMEOUT = 240


@dataclass
class Kernel:
    """A running kernel and a client whose channels stay open for its whole life."""

    km: Any  # jupyter_client.KernelManager
    kc: Any  # its BlockingKernelClient

    def is_alive(self) -> bool:
        return bool(self.km.is_alive())

    def run(self, code: str, timeout: float = 60) -> None:
        """Run ``code`` quietly; a failure is a RuntimeError with the kernel's message."""
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None,
                                            allow_stdin=False)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel: {reply['content'].get('ename')}: "
                               f"{reply['content'].get('evalue')}")


class KernelPool:
    """Kernels of one process, by thread: a Dask worker may run several reports at once on
    threads, and two reports must never share a kernel."""

    _by_pid: ClassVar[dict[int, KernelPool]] = {}
    _by_pid_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, kernel_name: str = KERNEL_NAME, warm_up: str = WARM_UP) -> None:
        self.kernel_name = kernel_name
        self.warm_up = warm_up
        self._kernels: dict[int, Kernel] = {}
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

    def get(self) -> Kernel:
        """This thread's kernel, started and warmed on first use, reused by its next
        reports."""
        key = threading.get_ident()
        kernel = self._kernels.get(key)
        if kernel is not None and kernel.is_alive():
            return kernel
        if kernel is not None:
            self.discard()
        kernel = self._start()
        with self._lock:
            self._kernels[key] = kernel
            if not self._hooked:
                import atexit
                from multiprocessing import util

                atexit.register(self.close)  # the main process
                util.Finalize(None, self.close, exitpriority=10)  # pool workers skip atexit
                self._hooked = True
        return kernel

    def _start(self) -> Kernel:
        """A new warmed kernel; one that is slow to answer is started once more with
        :data:`RETRY_TIMEOUT` (said on stderr in one line), so a slow start costs time, not
        a report."""
        try:
            return self._start_once(READY_TIMEOUT)
        except _SlowStart as exc:
            print(f"krlib: เคอร์เนล Jupyter ไม่ตอบภายใน {READY_TIMEOUT:g} วินาที "
                  f"เริ่มใหม่และรอได้ถึง {RETRY_TIMEOUT:g} วินาที / the Jupyter kernel did not "
                  f"answer in {READY_TIMEOUT:g} s ({exc}): starting it again, waiting up to "
                  f"{RETRY_TIMEOUT:g} s", file=sys.stderr, flush=True)
        try:
            return self._start_once(RETRY_TIMEOUT)
        except _SlowStart as exc:
            raise RuntimeError(f"Kernel didn't respond in {READY_TIMEOUT:g} s, nor in "
                               f"{RETRY_TIMEOUT:g} s when started again ({exc})") from exc

    def _start_once(self, timeout: float) -> Kernel:
        from jupyter_client.manager import KernelManager

        km = KernelManager(kernel_name=self.kernel_name)
        env = dict(os.environ, MPLBACKEND="agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
                   **{BATCH_ENV: "1"})
        # The kernel's own log ("running over TCP without encryption", shutdown notes) is
        # noise for a batch; cell errors still arrive as messages and fail the scope.
        km.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        extra_arguments=["--HistoryManager.enabled=False"])
        kc = km.client()
        kc.allow_stdin = False
        kernel = Kernel(km, kc)
        try:
            kc.start_channels()
            kc.wait_for_ready(timeout=timeout)
            if self.warm_up:
                kernel.run(self.warm_up, timeout=timeout)
        except BaseException as exc:
            _shutdown(kernel)
            if _no_answer(exc):
                raise _SlowStart(str(exc).strip() or type(exc).__name__) from exc
            raise
        return kernel

    def discard(self) -> None:
        """Stop this thread's kernel (after a failure the next report gets a fresh one)."""
        with self._lock:
            kernel = self._kernels.pop(threading.get_ident(), None)
        if kernel is not None:
            _shutdown(kernel)

    def close(self) -> None:
        """Stop every kernel of this pool."""
        with self._lock:
            kernels = list(self._kernels.values())
            self._kernels.clear()
        for kernel in kernels:
            _shutdown(kernel)

    def __len__(self) -> int:
        return len(self._kernels)


class _SlowStart(Exception):
    """A new kernel did not answer (the handshake or the warm-up) in time."""


def _no_answer(exc: BaseException) -> bool:
    """jupyter_client's ways of saying a kernel did not answer in time: wait_for_ready's
    RuntimeError, execute_interactive's TimeoutError."""
    if isinstance(exc, TimeoutError):
        return True
    return isinstance(exc, RuntimeError) and str(exc).startswith("Kernel didn't respond")


def _shutdown(kernel: Kernel) -> None:
    try:
        kernel.kc.stop_channels()
    except Exception:  # noqa: BLE001 - best effort
        pass
    try:
        kernel.km.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - best effort: the kernel may be gone already
        pass


def reset_kernel(kernel: Kernel, cwd: str) -> None:
    """Forget the previous report's variables and figures (modules stay imported: that is
    the saving) and work in the report's folder (papermill's cwd only applies to kernels
    it starts)."""
    # chdir first: a shipped job's previous folder is deleted, and %reset reads the cwd
    kernel.run(f"import os as _os\n_os.chdir({cwd!r})\n%reset -f\n"
               "import matplotlib.pyplot as _p\n_p.close('all'); del _p")
