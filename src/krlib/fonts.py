"""Sarabun, the Thai government font, for charts (matplotlib) and reports (embedded CSS).

The font comes from PyPI (fontpkg-sarabun); nothing is downloaded at run time. For HTML
it is subset to Thai, Latin and punctuation, compressed as WOFF (zlib; WOFF2 would need
the ``brotli`` package, which is not installed) and embedded as a data URL, so a report
renders the same offline, in any browser, and in the PDF printed from it.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

from krlib.errors import SetupError

FAMILY = "Sarabun"
WEIGHTS = {"Regular": (400, "normal"), "Bold": (700, "normal")}
# Thai block, Basic Latin + Latin-1, general punctuation, currency, arrows, check marks.
SUBSET_UNICODES = ("U+0020-007E,U+00A0-00FF,U+0E00-0E7F,U+2000-206F,U+20AC,U+2190-21FF,"
                   "U+2212,U+2713-2718,U+25A0-25FF")


@cache
def sarabun_paths() -> dict[str, Path]:
    """Sarabun TTF files by style: Regular, Bold, Italic, BoldItalic, Light, ... (16 files)."""
    import fontpkg_sarabun

    files = Path(fontpkg_sarabun.__file__).parent / "files"
    paths = {p.stem.split("-", 1)[1]: p for p in sorted(files.glob("Sarabun-*.ttf"))}
    missing = {"Regular", "Bold"} - paths.keys()
    if missing:
        raise SetupError(f"fontpkg-sarabun has no Sarabun {sorted(missing)} in {files}; "
                                "reinstall it: pip install --force-reinstall fontpkg-sarabun")
    return paths


@cache
def _register_sarabun() -> None:
    """Add Sarabun Regular and Bold to matplotlib's font manager (once per process)."""
    from matplotlib import font_manager

    for style in ("Regular", "Bold"):
        font_manager.fontManager.addfont(str(sarabun_paths()[style]))


def use_sarabun_for_thai() -> str:
    """Thai in the analyst's own matplotlib charts: register Sarabun and put it first in
    ``rcParams["font.sans-serif"]``, so the default family (sans-serif) draws Thai without
    "Glyph missing from font(s) DejaVu Sans" and boxes, before any krlib chart is drawn.

    Called by :func:`krlib.api.load` and ``%reload_ext krlib.lab``; importing ``krlib``
    alone does not import matplotlib (the CLI's start-up stays fast). Idempotent: calling
    it again (also after ``plt.rcdefaults()``) puts Sarabun first again. ``font.family`` is
    left as it is; krlib's own charts set it to Sarabun (:func:`use_sarabun_in_matplotlib`).
    """
    import matplotlib as mpl

    _register_sarabun()
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f != FAMILY]
    if mpl.rcParams["font.sans-serif"][:1] != [FAMILY]:
        mpl.rcParams["font.sans-serif"] = [FAMILY, *rest]
    return FAMILY


@cache
def use_sarabun_in_matplotlib() -> str:
    """Register Sarabun (Regular, Bold) with matplotlib and make it the default family.

    Idempotent and cheap after the first call (cached). Returns the family name.
    """
    import matplotlib as mpl

    _register_sarabun()
    mpl.rcParams["font.family"] = FAMILY
    mpl.rcParams["axes.unicode_minus"] = False  # Sarabun has U+2212, but keep ASCII minus
    mpl.rcParams["svg.hashsalt"] = "krlib"      # stable ids should anyone save SVG
    return FAMILY


def subset_font(path: Path, *, unicodes: str = SUBSET_UNICODES, flavor: str | None = "woff"
                ) -> bytes:
    """``path`` cut down to ``unicodes``, all OpenType layout features kept (Thai marks).

    Deterministic: fontTools keeps the head timestamps of the source, zlib is stable.
    """
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # keep Thai mark positioning (mark, mkmk, ccmp, ...)
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
    subsetter.subset(font)
    font.flavor = flavor
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


@cache
def font_face_css() -> str:
    """@font-face rules with Sarabun Regular and Bold embedded (subset WOFF, ~70 KB of CSS)."""
    rules = []
    for style, (weight, slant) in WEIGHTS.items():
        data = base64.b64encode(subset_font(sarabun_paths()[style])).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: '{FAMILY}'; font-style: {slant}; "
            f"font-weight: {weight}; font-display: block; "
            f"src: url(data:font/woff;base64,{data}) format('woff'); }}"
        )
    return "\n".join(rules)
