"""The analysts' JupyterLab: the server hook that keeps notebooks free of outputs.

``jupyter_server_config.py`` (in the repository, passed by ``make lab`` with ``--config``)
sets ``FileContentsManager.pre_save_hook = "krlib.lab.strip_outputs"``.
"""

from __future__ import annotations


def strip_outputs(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """Before a notebook at the top of the served folder (``notebooks/*.ipynb``) is written,
    clear its outputs, execution counts and cell timings, so the repository never holds
    outputs, whatever the analyst or autosave does. Notebooks in subfolders and other files
    are saved as they are (an analyst may keep executed copies in a subfolder)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if "/" in path.strip("/"):
        return
    for cell in model["content"].get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)


def load_ipython_extension(ip) -> None:
    """``%reload_ext krlib.lab`` (first in the report notebook): autoreload for analysts.

    In JupyterLab it turns on ``%autoreload 2``, so an edit under ``src/krlib`` takes effect
    at the next Run All without a kernel restart. In a batch kernel (``KRLIB_BATCH`` set,
    :mod:`krlib.batch.kernels`) it does nothing: a batch uses the code it started with, and
    autoreload's check of every loaded module before every cell cost ~0.7 s a report.
    """
    import os

    from krlib.batch.kernels import BATCH_ENV

    if os.environ.get(BATCH_ENV):
        return
    ip.run_line_magic("reload_ext", "autoreload")
    ip.run_line_magic("autoreload", "2")
