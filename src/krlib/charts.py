"""Charts for the reports: small pure functions, DataFrame in, matplotlib Figure out.

Figures are built with the object API (no pyplot state, safe under Agg and in worker
processes), Sarabun for Thai (matplotlib >= 3.11 shapes Thai marks with libraqm), and
``layout="constrained"`` (cheaper than tight_layout + bbox_inches="tight").

They are embedded in the HTML as PNG (:func:`figure_to_png_bytes`, deterministic: same
data, same bytes) at 110 dpi: a 7-inch chart is 770 px, a little wider than the 703 CSS
px of an A4 page between its margins, so it prints slightly sharper than 1:1, and as a
256-colour PNG a chart stays 5-40 KB. SVG was not chosen: nbconvert embeds SVG as an
<img>, which cannot use the page's web font, so the Thai would have to be drawn as
outlines (bigger files, and still no searchable text).
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.patches import Patch

from krlib.fonts import use_sarabun_in_matplotlib

MET, NOT_MET, NO_CASES, BMA_COLOUR, TARGET = "#2e7d32", "#e65100", "#9e9e9e", "#1565c0", "#b71c1c"
DPI = 110
WIDTH = 7.0  # inches: 770 px at DPI, fits the A4 text width
EMPTY_TH = "ไม่มีข้อมูลในช่วงเวลานี้ (no cases this period)"
NO_DATA_TH = "ไม่มีข้อมูล"
NO_CASES_TH = "ไม่มีกลุ่มเป้าหมาย / ไม่เปิดเผย"
# Value labels on a white ground, so a target line behind them does not strike them out.
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}


def _figure(width: float, height: float) -> Figure:
    use_sarabun_in_matplotlib()
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _empty(fig: Figure, title: str, message: str = EMPTY_TH) -> Figure:
    """A figure that says there is nothing to show, instead of an error or a blank box."""
    ax = fig.subplots()
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=12)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13, color="#555",
            transform=ax.transAxes)
    return fig


def _missing(x) -> bool:
    """None, NaN, pd.NA and NaT all count as 'no value'."""
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _percents(values) -> list[float | None]:
    return [None if _missing(v) else float(v) for v in values]


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def trend_chart(df: pd.DataFrame, target: float, title: str) -> Figure:
    """Cumulative percent per fiscal quarter as bars, with the target as a dashed line.

    ``df``: quarter (1..4), percent (float or NaN), numerator, denominator. A quarter
    with NaN (no cases, or a withheld percent) is a gap with the note "ไม่มีข้อมูล".
    """
    fig = _figure(WIDTH, 3.2)
    percents = _percents(df["percent"]) if "percent" in df else []
    if df.empty or all(p is None for p in percents):
        return _empty(fig, title)
    ax = fig.subplots()
    labels = [f"ไตรมาส {int(q)}" for q in df["quarter"]]
    x = list(range(len(labels)))
    heights = [0.0 if p is None else p for p in percents]
    bars = ax.bar(x, heights, color=BMA_COLOUR, width=0.55)
    for bar, p in zip(bars, percents):
        if p is None:
            bar.set_visible(False)
        ax.annotate(NO_DATA_TH if p is None else f"{p:.2f}%",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=10, xytext=(0, 2),
                    textcoords="offset points", color="#777" if p is None else "black",
                    bbox=LABEL_BOX)
    ax.set_xticks(x, labels)
    ax.axhline(target, color=TARGET, linestyle="--", linewidth=1.2)
    ax.annotate(f"เป้าหมาย\n{target:g}%", (1, target), xycoords=("axes fraction", "data"),
                ha="left", va="center", color=TARGET, fontsize=9, xytext=(4, 0),
                textcoords="offset points")  # in the right margin, clear of the bars
    top = max([float(target)] + heights)
    ax.set_ylim(0, top * 1.18 + 1)
    ax.set_ylabel("ร้อยละ (สะสม)")
    ax.set_title(title, fontsize=12)
    _style(ax)
    return fig


def breakdown_chart(df: pd.DataFrame, title: str) -> Figure:
    """Persons per category as horizontal bars, in the order given (first on top).

    ``df``: category_th, persons. All zero or no rows: a figure with a Thai message.
    """
    fig = _figure(WIDTH, 0.42 * max(len(df), 3) + 1.0)
    persons = pd.to_numeric(df["persons"], errors="coerce").fillna(0) if "persons" in df else []
    if df.empty or int(sum(persons)) == 0:
        return _empty(fig, title)
    ax = fig.subplots()
    y = list(range(len(df)))[::-1]
    bars = ax.barh(y, list(persons), color=BMA_COLOUR, height=0.6)
    for bar, n in zip(bars, persons):
        ax.annotate(f"{int(n):,}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    va="center", fontsize=9, xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(y, [str(c) for c in df["category_th"]])
    ax.set_xlabel("จำนวนคน")
    ax.set_xlim(0, max(1, int(max(persons))) * 1.15)
    ax.set_title(title, fontsize=12)
    _style(ax)
    return fig


def league_chart(df: pd.DataFrame, target: float, title: str) -> Figure:
    """All districts ranked by percent (highest on top), coloured by met / not met / no cases.

    ``df``: scope_name_th, percent, met (bool, or None/NaN when there are no cases). A
    district without a percent gets a grey note instead of a bar. Sized so that 50 rows
    and the legend fit on one A4 page.
    """
    n = len(df)
    fig = _figure(WIDTH, min(0.16 * max(n, 5) + 1.3, 9.3))
    if df.empty:
        return _empty(fig, title)
    ax = fig.subplots()
    met = df["met"] if "met" in df else pd.Series([None] * n, index=df.index)
    d = pd.DataFrame({"name": [str(s).removeprefix("เขต") for s in df["scope_name_th"]],
                      "p": pd.to_numeric(df["percent"], errors="coerce").astype(float),
                      "met": list(met)})
    d = d.sort_values(["p", "name"], ascending=[False, True], na_position="last",
                      kind="stable").reset_index(drop=True)

    def colour(p, m) -> str:
        if _missing(p):
            return NO_CASES
        if _missing(m):
            m = p >= target
        return MET if bool(m) else NOT_MET

    y = list(range(len(d)))[::-1]
    percents = _percents(d["p"])
    bars = ax.barh(y, [0.0 if p is None else p for p in percents],
                   color=[colour(p, m) for p, m in zip(d["p"], d["met"])], height=0.7)
    for bar, p in zip(bars, percents):
        ax.annotate(NO_CASES_TH if p is None else f"{p:.1f}",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center",
                    fontsize=7, xytext=(2, 0), textcoords="offset points",
                    color="#777" if p is None else "#333", bbox=LABEL_BOX)
    ax.set_yticks(y, list(d["name"]))
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.tick_params(axis="y", labelsize=8, length=0)
    ax.axvline(target, color=TARGET, linestyle="--", linewidth=1.2)
    top = max([100.0, float(target)] + [p for p in percents if p is not None])
    ax.set_xlim(0, top * 1.1)
    ax.set_xlabel("ร้อยละ")
    ax.set_title(title, fontsize=12)
    fig.legend(handles=[Patch(color=MET, label="บรรลุเป้าหมาย"),
                        Patch(color=NOT_MET, label="ยังไม่บรรลุ"),
                        Patch(color=NO_CASES, label=NO_CASES_TH),
                        ax.get_lines()[0]],
               labels=["บรรลุเป้าหมาย", "ยังไม่บรรลุ", NO_CASES_TH, f"เป้าหมาย {target:g}%"],
               loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    _style(ax)
    return fig


def comparison_chart(district_percent: float, bma_percent: float, target: float,
                     labels: tuple[str, str], title: str | None = None) -> Figure:
    """The district (top) beside Bangkok as a whole (below), with the target line."""
    fig = _figure(WIDTH, 2.2 if not title else 2.5)
    ax = fig.subplots()
    values = _percents([district_percent, bma_percent])
    shown = [0.0 if v is None else v for v in values]
    y = [1, 0]
    bars = ax.barh(y, shown, color=[BMA_COLOUR, NOT_MET], height=0.55)
    for bar, v in zip(bars, values):
        ax.annotate(NO_DATA_TH if v is None else f"{v:.2f}%",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center",
                    fontsize=10, xytext=(3, 0), textcoords="offset points",
                    color="#777" if v is None else "black", bbox=LABEL_BOX)
    ax.set_yticks(y, [str(s) for s in labels])
    ax.set_ylim(-0.6, 1.6)
    ax.axvline(target, color=TARGET, linestyle="--", linewidth=1.2)
    ax.annotate(f"เป้าหมาย {target:g}%", (target, 1), xycoords=("data", "axes fraction"),
                ha="right", va="top", color=TARGET, fontsize=9, xytext=(-3, 0),
                textcoords="offset points")
    ax.set_xlim(0, max([float(target)] + shown) * 1.2 + 1)
    ax.set_xlabel("ร้อยละ")
    if title:
        ax.set_title(title, fontsize=12)
    _style(ax)
    return fig


def figure_to_png_bytes(fig: Figure) -> bytes:
    """PNG bytes without timestamps or software tags: identical for identical figures.

    The constrained layout is solved at the first save and then kept: solving it again
    from the previous solution can move an axes by a fraction of a pixel, so a second
    save of the same figure would differ by a few anti-aliased pixels.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    if isinstance(fig.get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine)):
        fig.set_layout_engine("none")
    return _palette_png(buf.getvalue())


def _palette_png(data: bytes) -> bytes:
    """An opaque chart as a 256-colour PNG: 2.5-3x smaller, no visible difference.

    A chart has a handful of colours plus anti-aliasing shades; median cut without
    dithering keeps text edges clean and is deterministic. Transparent images are kept.
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        if im.mode == "RGBA" and im.getchannel("A").getextrema()[0] < 255:
            return data
        palette = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()
