"""The analysts' JupyterLab server: ``make lab`` runs ``jupyter lab --config=<this file>``.

- serves the repository's ``notebooks/`` folder, on 127.0.0.1 only;
- strips outputs and execution counts from every notebook saved directly in that folder
  (:func:`krlib.lab.strip_outputs`), so the repository never holds outputs whatever
  autosave does (``make test`` checks that the stored notebooks are clean).

Thai text in the browser needs a Thai system font: ``scripts/setup-system.sh`` installs
``fonts-thai-tlwg`` (``make lab`` runs it first).
"""

from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.root_dir = str(Path(__file__).resolve().parent / "notebooks")  # traitlets sets __file__
c.FileContentsManager.pre_save_hook = "krlib.lab.strip_outputs"
