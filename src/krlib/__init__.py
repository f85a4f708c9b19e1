"""krlib: clean BMA social-welfare records and compute key results (KR 8207, KR 5122)."""

# The one place the version is written (pyproject.toml reads it from here). A literal,
# not importlib.metadata: that import alone costs ~50 ms on every CLI call.
__version__ = "0.1.0"

__all__ = ["__version__"]
