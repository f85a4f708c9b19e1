"""The ``krlib`` papermill engine: execute on a kernel client that is already connected.

papermill's default engine (nbclient) opens a new client for every notebook and waits for
the kernel to be ready (a 0.2 s handshake each time). A batch keeps one client per kernel
(:class:`krlib.batch.kernels.Kernel`) and passes it as ``kc``; this engine hands it to the same
``PapermillNotebookClient`` papermill uses, so execution, errors and outputs are
papermill's own. Without ``kc`` it is papermill's default engine.
"""

from __future__ import annotations

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger

ENGINE_NAME = "krlib"


class ConnectedClientEngine(NBClientEngine):
    """NBClientEngine that reuses the caller's connected client ``kc`` (and its ``km``)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                 stdout_file=None, stderr_file=None, start_timeout=60,
                                 execution_timeout=None, kc=None, **kwargs):
        if kc is None:
            return super().execute_managed_notebook(
                nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, start_timeout=start_timeout,
                execution_timeout=execution_timeout, **kwargs)
        kwargs.pop("input_path", None)
        client = PapermillNotebookClient(
            nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
            kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
        client.kc = kc  # nbclient then skips starting (and waiting for) a new client
        return client.execute()


papermill_engines.register(ENGINE_NAME, ConnectedClientEngine)
