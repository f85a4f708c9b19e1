"""krlib: clean BMA social-welfare records and compute key results (KR 8207, KR 5122).

For analysts, one call reads and cleans a data drop (see :mod:`krlib.api`)::

    import krlib

    drop = krlib.load("data/demo")
    drop.indicators(2568, 4, cumulative=False, district="1039", kr="8207").results

``krlib.load``, ``krlib.Drop``, ``krlib.Figures``, ``krlib.compare`` (:mod:`krlib.api`)
and ``krlib.method_label_th`` (:mod:`krlib.compute.methods`) are imported on first use.
"""

from __future__ import annotations

# Not typing.TYPE_CHECKING: ``import krlib`` alone does not import typing (mypy reads
# any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The one place the version is written (pyproject.toml reads it from here). A literal,
# not importlib.metadata: that import alone costs ~50 ms on every CLI call.
__version__ = "0.1.0"

__all__ = ["__version__"]

#: Names served lazily from their module (documented there), so ``import krlib`` stays
#: light (no pandas) for the CLI's start-up: ``krlib.load(...)`` imports :mod:`krlib.api`
#: on first use. Not in ``__all__``: pdoc documents them in krlib.api / krlib.compute.methods.
_LAZY = {"load": "krlib.api", "Drop": "krlib.api", "Figures": "krlib.api",
         "compare": "krlib.api", "method_label_th": "krlib.compute.methods"}


def __getattr__(name: str) -> Any:  # whatever the module defines (a class, a function)
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'krlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
