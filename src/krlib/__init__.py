"""krlib: clean BMA social-welfare records and compute key results (KR 8207, KR 5122)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("krlib")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
