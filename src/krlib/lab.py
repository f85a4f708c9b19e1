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
