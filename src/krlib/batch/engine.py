"""The ``krlib`` papermill engine: execute on a kernel client that is already connected.

papermill's default engine (nbclient) opens a new client for every notebook and waits for
the kernel to be ready (a 0.2 s handshake each time). A batch keeps one client per kernel
(:class:`krlib.batch.kernels.Kernel`) and passes it as ``kc``; this engine hands it to the same
``PapermillNotebookClient`` papermill uses, so execution, errors and outputs are
papermill's own. Without ``kc`` it is papermill's default engine. The client is wrapped
(:class:`WatchedClient`) so that a kernel killed mid-cell fails the report at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

ENGINE_NAME = "krlib"
#: nbclient's own log lines ("Kernel died while waiting for execute reply.") would reach a
#: batch's terminal through logging's last-resort handler, between the progress bars; a
#: report's failure is its JobResult's error line, printed by the command.
_quiet = logging.getLogger("krlib.batch.engine")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


class ConnectedClientEngine(NBClientEngine):  # type: ignore[misc]  # papermill ships no types
    """NBClientEngine that reuses the caller's connected client ``kc`` (and its ``km``)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: float = 60,
                                 execution_timeout: float | None = None, kc: Any = None,
                                 **kwargs: Any) -> Any:
        if kc is None:
            return super().execute_managed_notebook(
                nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, start_timeout=start_timeout,
                execution_timeout=execution_timeout, **kwargs)
        kwargs.pop("input_path", None)
        client = PapermillNotebookClient(
            nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
            kernel_name=kernel_name, log=_quiet, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
        # nbclient then skips starting (and waiting for) a new client
        client.kc = WatchedClient(kc)
        return client.execute()


class WatchedClient:
    """``kc`` whose channels notice a dead kernel while waiting for a message.

    nbclient polls the kernel's life in an asyncio task, but a blocking client's
    ``get_msg`` holds the event loop: a kernel killed mid-cell (SIGKILL, the out-of-memory
    killer) left the report waiting on IOPub for ever. Here every wait is cut into 1 s
    slices with a look at the kernel in between; a dead one raises nbclient's
    ``DeadKernelError``, as nbclient itself does with its own clients.
    """

    def __init__(self, kc: Any) -> None:
        self._kc = kc
        self.shell_channel = _WatchedChannel(kc.shell_channel, kc.is_alive)
        self.iopub_channel = _WatchedChannel(kc.iopub_channel, kc.is_alive)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kc, name)


class _WatchedChannel:
    SLICE = 1.0  # seconds between two looks at the kernel

    def __init__(self, channel: Any, alive: Callable[[], bool]) -> None:
        self._channel, self._alive = channel, alive

    def get_msg(self, timeout: float | None = None) -> Any:
        from nbclient.exceptions import DeadKernelError

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = self.SLICE if deadline is None else \
                max(0.0, min(self.SLICE, deadline - time.monotonic()))
            try:
                return self._channel.get_msg(timeout=step)
            except Empty:
                if not self._alive():
                    raise DeadKernelError("Kernel died") from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel, name)


papermill_engines.register(ENGINE_NAME, ConnectedClientEngine)
