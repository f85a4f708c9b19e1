"""Build hook (the rest of the configuration is in pyproject.toml).

The analysts keep the report notebooks in the top-level ``notebooks/`` folder; a wheel
must carry them too, or ``krlib report`` would have no notebook once installed outside
the checkout. ``build_py`` copies ``notebooks/*.ipynb`` into ``krlib/notebooks/`` of the
built package; :func:`krlib.batch.run.default_notebook` looks there first. Editable installs
skip the copy and use the checkout's folder.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithNotebooks(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "krlib" / "notebooks"
        self.mkpath(str(target))
        for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
            self.copy_file(str(nb), str(target / nb.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
