"""The analysts' JupyterLab: the save hook that keeps notebooks clean, and ``%reload_ext``.

``jupyter_server_config.py`` (in the repository, passed by ``make lab`` with ``--config``)
sets ``FileContentsManager.pre_save_hook = "krlib.lab.strip_outputs"``.

``%reload_ext krlib.lab`` (the report notebook's first line) turns on autoreload and
Sarabun for Thai in matplotlib. **Autoreload's limit:** it reloads the functions and
classes of an edited module, but a module-level constant (``CONTRACT``, a ``dict`` of Thai
labels, a ``@cache``-d value), a changed dataclass layout or an object created before the
edit keeps its old value: restart the kernel (Kernel > Restart Kernel and Run All Cells)
after changing one of those.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The notebook metadata a save must not rewrite: the kernel fills ``language_info`` in
#: (Python's version, mimetype, lexer...) on every save; the repository keeps what is on
#: disk, so saving through ``make lab`` on another Python does not change the file.
KEPT_METADATA = ("language_info",)


def _stored_metadata(path: str, contents_manager: Any) -> dict[str, Any] | None:
    """The metadata of the notebook as it is on disk now, or None (new file, unreadable)."""
    if contents_manager is None:
        return None
    get_os_path = getattr(contents_manager, "_get_os_path", None)
    try:
        if get_os_path is not None:
            file = Path(get_os_path(path))
        else:
            file = Path(str(contents_manager.root_dir)) / path.strip("/")
        stored = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    meta = stored.get("metadata") if isinstance(stored, dict) else None
    return meta if isinstance(meta, dict) else None


def strip_outputs(model: dict[str, Any], path: str, contents_manager: Any = None,
                  **kwargs: Any) -> None:
    """Before a notebook at the top of the served folder (``notebooks/*.ipynb``) is written,
    clear its outputs, execution counts and cell timings, so the repository never holds
    outputs, whatever the analyst or autosave does, and keep its stored
    ``metadata.language_info`` (:data:`KEPT_METADATA`) as the file on disk has it (a new
    notebook keeps only the language's ``name``). Notebooks in subfolders and other files
    are saved as they are (an analyst may keep executed copies in a subfolder)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if "/" in path.strip("/"):
        return
    nb = model["content"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)
    meta = nb.setdefault("metadata", {})
    stored = _stored_metadata(path, contents_manager)
    for key in KEPT_METADATA:
        if stored is not None and key in stored:
            meta[key] = stored[key]
        elif stored is not None:
            meta.pop(key, None)
        elif isinstance(meta.get(key), dict) and "name" in meta[key]:
            meta[key] = {"name": meta[key]["name"]}  # a new file: only the stable part


def load_ipython_extension(ip: Any) -> None:
    """``%reload_ext krlib.lab`` (first in the report notebook): autoreload and Thai charts.

    In JupyterLab it turns on ``%autoreload 2``, so an edit of a function or class under
    ``src/krlib`` takes effect at the next Run All without a kernel restart (a changed
    module-level constant or dataclass layout still needs a restart: see the module's
    docstring), and puts Sarabun first in matplotlib's sans-serif fonts
    (:func:`krlib.fonts.use_sarabun_for_thai`), so the analyst's own charts draw Thai.
    In a batch kernel (``KRLIB_BATCH`` set, :mod:`krlib.batch.kernels`) it does nothing: a
    batch uses the code it started with, and autoreload's check of every loaded module
    before every cell cost ~0.7 s a report.
    """
    import os

    from krlib.batch.kernels import BATCH_ENV

    if os.environ.get(BATCH_ENV):
        return
    ip.run_line_magic("reload_ext", "autoreload")
    ip.run_line_magic("autoreload", "2")
    from krlib.fonts import use_sarabun_for_thai

    use_sarabun_for_thai()
