"""Charts for the reports: small pure functions, DataFrame in, matplotlib Figure out.

Figures are built with the object API (no pyplot state, safe under Agg and in worker
processes), Sarabun for Thai (matplotlib >= 3.11 shapes Thai marks with libraqm), and
``layout="constrained"`` (cheaper than tight_layout + bbox_inches="tight").

They are embedded in the HTML as PNG (:func:`figure_to_png_bytes`, deterministic: same
data, same bytes) at 200 dpi, so they print sharp; as 256-colour PNGs a chart stays
small. SVG was not chosen: nbconvert embeds SVG as an <img>, which cannot use the page's
web font, so the Thai would have to be drawn as outlines (bigger, no searchable text).

Colours mean one thing everywhere: green = met, orange (and hatching ``///``) = not
met, light grey (dotted) = no cases, blue = this district / this fiscal year, slate =
Bangkok as a whole / the previous fiscal year. Met / not met is never colour alone:
not met is hatched, and the legends and labels say it in words.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, MaxNLocator

from krlib.fonts import use_sarabun_in_matplotlib
from krlib.report.formats import NO_DATA_TH, percent_text, target_text
from krlib.report.formats import missing as _missing
from krlib.thai import EMPTY_COHORT_TH

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.backend_bases import RendererBase
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.lines import Line2D
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox
    from PIL import Image

MET, NOT_MET, NO_CASES, TARGET = "#2e7d32", "#e65100", "#bdbdbd", "#b71c1c"
THIS, OTHER = "#1565c0", "#546e7a"  # this district / this FY; Bangkok / previous FY
BMA_COLOUR = THIS
NOT_MET_HATCH, NO_CASES_HATCH = "///", ".."
TARGET_WIDTH = 1.2  # points: the target's dashed line
DPI = 200
WIDTH = 7.0  # inches: fits the A4 text width
EMPTY_TH = "ไม่มีข้อมูลในช่วงเวลานี้"  # the default; a report passes the state's own words
NO_CASES_TH = EMPTY_COHORT_TH
MET_TH, NOT_MET_TH = "บรรลุค่าเป้าหมาย", "ยังไม่บรรลุ"
GEO = Path(__file__).parents[1] / "geo" / "bangkok_districts.geojson"
MAP_CREDIT_TH = "ขอบเขตเขต: กรมแผนที่ทหาร / OCHA (สัญญาอนุญาต CC BY 3.0 IGO)"
# Value labels on a white ground, so a target line behind them does not strike them out.
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}


def _figure(width: float, height: float) -> Figure:
    use_sarabun_in_matplotlib()
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _empty(fig: Figure, title: str, message: str = EMPTY_TH, kr: str = "") -> Figure:
    """A figure that says there is nothing to show, instead of an error or a blank box."""
    ax = fig.subplots()
    ax.set_axis_off()
    _titles(fig, ax, title, kr)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13, color="#555",
            transform=ax.transAxes)
    return fig


def _titles(fig: Figure, ax: Axes, title: str, kr: str = "", size: float = 12) -> None:
    """The chart's title, and above it the KR it shows (``kr``: its code and name, from the
    definition the caller passes), so that a chart printed or copied alone says which KR.
    The KR line is made smaller until it fits the figure's width (at 7 pt it goes on two
    lines, the code above the name)."""
    if title:
        ax.set_title(title, fontsize=size)
    if not kr:
        return
    _fit_line(fig, fig.suptitle(kr, fontsize=10, color="#333"), kr)


def _fit_line(fig: Figure, line: Text, text: str) -> None:
    """Make a title line smaller (to 7 pt) until it fits the figure's width, then put it
    on two lines (a KR's code above its name)."""
    room = fig.get_figwidth() * fig.dpi * 0.97
    renderer = _renderer(fig, layout=False)
    while (line.get_window_extent(renderer).width > room
           and cast(float, line.get_fontsize()) > 7):
        line.set_fontsize(cast(float, line.get_fontsize()) - 0.5)
    words = text.split(" ", 2 if text.startswith("KR ") else 1)
    if line.get_window_extent(renderer).width > room and len(words) > 1:
        line.set_text(" ".join(words[:-1]) + "\n" + words[-1])


def _percents(values: Iterable[float | None]) -> list[float | None]:
    return [None if v is None or _missing(v) else float(v) for v in values]


def _style(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def _target_line(ax: Axes, target: float, vertical: bool = False) -> Line2D:
    if vertical:
        return ax.axvline(target, color=TARGET, linestyle="--", linewidth=TARGET_WIDTH)
    return ax.axhline(target, color=TARGET, linestyle="--", linewidth=TARGET_WIDTH)


# --- fitting: axes that fit the data and the target, labels that fit each other ----------

#: Room (points) between a label and what it must not touch (bar end, target line, label).
GAP = 2.0
#: Thickness (points) of the mark drawn for a 0 % bar, which has no length to show.
ZERO_MARK = 2.5


def _step(top: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about six ticks."""
    raw = max(float(top), 1e-9) / 6
    mag = 10.0 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if raw <= m * mag * (1 + 1e-9))


def percent_axis_top(values: list[float | None], target: float) -> float:
    """Where a percent axis ends: the first round value (a half tick step) at least 5 %
    above the largest of the data and the target; 1 when everything is 0.

    A 10 % target with data up to 13.35 % gives 15, a 100 % target gives 110, never a fixed
    110 for every KR."""
    m = max([float(target), *(float(v) for v in values if v is not None)], default=0.0)
    need = max(m, 0.95) * 1.05
    half = _step(need) / 2
    return math.ceil(need / half - 1e-9) * half


def _renderer(fig: Figure, layout: bool = True) -> RendererAgg:
    """The renderer that measures text as drawn; with ``layout``, the figure is laid out
    first (as its first draw will), so that the axes are where they will be drawn. A text's
    size does not need the layout, and solving it costs ~0.1-0.3 s."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer: RendererAgg = canvas.get_renderer()  # type: ignore[no-untyped-call, unused-ignore]
    engine = fig.get_layout_engine()
    if layout and isinstance(engine, ConstrainedLayoutEngine):
        engine.execute(fig)
    return renderer


def _text_size(text: Text, renderer: RendererBase) -> tuple[float, float, float]:
    """Width and height in pixels of a text as drawn (rotation included), and its white
    box's pad (:data:`LABEL_BOX`), which may overlap a neighbour's but not a line."""
    from matplotlib.text import Text

    box = Text.get_window_extent(text, renderer)
    pad = 0.0
    if text.get_bbox_patch() is not None:
        size = cast(float, text.get_fontsize())
        pad = 2 * 0.1 * size * text.figure.dpi / 72  # LABEL_BOX: pad=0.1
    return box.width, box.height, pad


def _fit_value_labels(ax: Axes, labels: list[Annotation], ends: list[float], target: float | None,
                      top: float, vertical: bool, starts: list[float] | None = None,
                      percent: bool = False) -> float:
    """Place each value label past its bar's end along the value axis: past the target
    line when it would cross it, past another label it would run into; then widen the
    value axis (from ``top``, in half tick steps) until every label ends inside it.

    ``labels``: annotations anchored (``xy``) at their bar's end, with an offset in points
    that this function sets; ``ends``: the bars' values; ``starts``: extra points before a
    label (a 0 % bar's mark). ``vertical``: bars stand upright (value axis = y).
    ``percent``: ticks at a round step from 0, none past 100 % (the axis may end above it,
    to hold a label). Returns the value axis's end, which it sets.
    """
    fig = cast(Figure, ax.figure)
    px = fig.dpi / 72  # pixels per point
    renderer = _renderer(fig, layout=False)
    sizes = [_text_size(t, renderer) for t in labels]
    extra = starts or [0.0] * len(labels)
    step = _step(top)
    half = step / 2
    for _ in range(2):  # a new limit can move the axes a little: measure again once
        before = top
        if percent:
            _percent_ticks(ax.yaxis if vertical else ax.xaxis, step, top, max([*ends, 0.0]))
        renderer = _renderer(fig)
        box = ax.get_window_extent(renderer)
        length = box.height if vertical else box.width
        cross = ax.transData.transform  # data -> pixels, to find each label's cross extent
        for _tries in range(60):
            scale = length / top
            placed: list[tuple[float, float, float, float]] = []  # cross lo/hi, value lo/hi
            offsets, fits = [], True
            half_line = (TARGET_WIDTH / 2) * px + 1  # the dashed line's half width, and a pixel
            band = None if target is None else (target * scale - half_line,
                                                target * scale + half_line)
            order = sorted(range(len(labels)), key=lambda i: (ends[i], i))
            for i in order:
                w, h, pad = sizes[i]
                along, wide = (h + pad, w) if vertical else (w + pad, h)
                anchor = cross(labels[i].xy)
                c = anchor[0] if vertical else anchor[1]
                lo, hi = c - wide / 2, c + wide / 2
                start = max(ends[i], 0.0) * scale + (GAP + extra[i]) * px
                moved = True
                while moved:
                    moved = False
                    blocks = ([band] if band else []) + [(a, b) for (l_, h_, a, b) in placed
                                                         if l_ < hi and lo < h_]
                    for a, b in blocks:
                        if start < b and a < start + along:
                            start, moved = b + GAP * px, True
                placed.append((lo, hi, start, start + along))
                offsets.append((i, start + pad / 2 - max(ends[i], 0.0) * scale))
                fits = fits and start + along <= length - px
            if fits:
                break
            top += half
        for i, off in offsets:
            o = off / px
            labels[i].set_position((0.0, o) if vertical else (o, 0.0))
        if vertical:
            ax.set_ylim(0, top)
        else:
            ax.set_xlim(0, top)
        if top == before:
            break  # measured with this limit already
    if percent:
        _percent_ticks(ax.yaxis if vertical else ax.xaxis, step, top, max([*ends, 0.0]))
    return top


def _percent_ticks(axis: Axis, step: float, top: float, most: float) -> None:
    """Ticks every ``step`` from 0 to the axis's end, but not past 100 % unless a value is."""
    end = min(top, max(100.0, most))
    axis.set_major_locator(FixedLocator([i * step for i in range(int(end / step + 1e-9) + 1)]))


def _zero_mark(ax: Axes, at: float, size: float, colour: str, vertical: bool) -> Line2D:
    """A visible stroke where a 0 % bar stands (it has no length): ``size`` is the bar's
    thickness in data units across the value axis, ``at`` its position. Drawn after
    :func:`_fit_value_labels`, which laid the figure out."""
    from matplotlib.transforms import ScaledTranslation

    fig = cast(Figure, ax.figure)
    renderer = _renderer(fig, layout=False)
    box = ax.get_window_extent(renderer)
    span = ax.get_xlim() if vertical else ax.get_ylim()
    across = (box.width if vertical else box.height) / abs(span[1] - span[0]) * size
    dx, dy = (0.0, ZERO_MARK / 144) if vertical else (ZERO_MARK / 144, 0.0)  # half, inches
    shift = ScaledTranslation(dx, dy, fig.dpi_scale_trans)
    xy = ([at], [0.0]) if vertical else ([0.0], [at])
    (line,) = ax.plot(*xy, marker="_" if vertical else "|", linestyle="none", color=colour,
                      markersize=across * 72 / fig.dpi, markeredgewidth=ZERO_MARK,
                      transform=ax.transData + shift, clip_on=False)
    return line


def _fit_bars(ax: Axes, texts: list[Annotation], percents: list[float | None], target: float,
              at: Sequence[float], width: float, colours: list[str]) -> None:
    """Upright percent bars: the axis to a round value above the data and the target, a
    mark for each 0 % bar, every label (``texts``, one per bar at ``at``) placed clear of
    the target line, of the other labels and of the axes' top."""
    top = percent_axis_top(percents, target)
    ax.set_ylim(0, top)
    _fit_value_labels(ax, texts, [0.0 if p is None else p for p in percents], target, top,
                      vertical=True, starts=[ZERO_MARK if p == 0 else 0.0 for p in percents],
                      percent=True)
    for x, p, colour in zip(at, percents, colours):
        if p == 0:
            _zero_mark(ax, x, width, colour, vertical=True)


def trend_chart(df: pd.DataFrame, target: float, title: str,
                ylabel: str = "ร้อยละ (สะสม)", kr: str = "") -> Figure:
    """Percent per fiscal quarter as bars, with the target as a dashed line (``ylabel``
    says which window: fiscal-year-to-date, the contract's, by default).

    ``df``: quarter (1..4), percent (float or NaN). A quarter with NaN (no cases, or a
    withheld percent) is a gap with the note "ไม่มีข้อมูล". ``kr``: the KR's code and name,
    the title's first line.
    """
    fig = _figure(WIDTH, 3.2)
    percents = _percents(df["percent"]) if "percent" in df else []
    if df.empty or all(p is None for p in percents):
        return _empty(fig, title, kr=kr)
    ax = fig.subplots()
    labels = [f"ไตรมาส {int(q)}" for q in df["quarter"]]
    x = list(range(len(labels)))
    heights = [0.0 if p is None else p for p in percents]
    bars = ax.bar(x, heights, color=THIS, width=0.55)
    texts = []
    for bar, p in zip(bars, percents):
        if p is None:
            bar.set_visible(False)
        texts.append(ax.annotate(
            NO_DATA_TH if p is None else percent_text(p),
            (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
            fontsize=10, xytext=(0, GAP), textcoords="offset points",
            color="#777" if p is None else "black", bbox=LABEL_BOX, annotation_clip=False))
    ax.set_xticks(x, labels)
    _target_line(ax, target)
    ax.annotate(f"เป้าหมาย\n{target_text(target)}", (1, target),
                xycoords=("axes fraction", "data"), ha="left", va="center", color=TARGET,
                fontsize=9, xytext=(4, 0), textcoords="offset points")
    ax.set_ylabel(ylabel)
    _titles(fig, ax, title, kr)
    _style(ax)
    _fit_bars(ax, texts, percents, target, x, 0.55, [THIS] * len(x))
    return fig


def fiscal_years_chart(this: pd.DataFrame, previous: pd.DataFrame, target: float, title: str,
                       labels: tuple[str, str], ylabel: str = "ร้อยละ (สะสม)",
                       empty_message: str = EMPTY_TH, kr: str = "") -> Figure:
    """This fiscal year beside the previous one, quarter by quarter (cumulative percent).

    ``this`` / ``previous``: quarter, percent (NaN = no data) and optionally ``note``,
    the words for a quarter without a percent (default "ไม่มีข้อมูล"). The previous year
    is hatched slate, this year solid blue. No percent at all: ``empty_message``.
    ``kr``: the KR's code and name, the title's first line.
    """
    fig = _figure(WIDTH, 3.3)
    a = dict(zip(this["quarter"], _percents(this["percent"]))) if len(this) else {}
    b = dict(zip(previous["quarter"], _percents(previous["percent"]))) if len(previous) else {}
    notes = {}
    for key, frame in (("a", this), ("b", previous)):
        if len(frame) and "note" in frame:
            notes.update({(key, q): str(n) for q, n in zip(frame["quarter"], frame["note"])
                          if isinstance(n, str) and n})
    if all(v is None for v in [*a.values(), *b.values()]):
        return _empty(fig, title, empty_message, kr)
    ax = fig.subplots()
    quarters = [1, 2, 3, 4]
    texts, drawn, centres, colours = [], [], [], []
    w = 0.38
    for offset, values, colour, hatch, key in ((-w / 2, b, OTHER, "xx", "b"),
                                               (w / 2, a, THIS, None, "a")):
        ps = [values.get(q) for q in quarters]
        bars = ax.bar([q + offset for q in quarters], [0.0 if p is None else p for p in ps],
                      width=w, color=colour, hatch=hatch, edgecolor="white")
        for bar, q, p in zip(bars, quarters, ps):
            if p is None:
                bar.set_visible(False)
                if q not in values and values is a:
                    continue  # a quarter of this year still to come: nothing to say
            # the words for a missing bar stand upright in its place: side by side, two of
            # them would run into each other
            texts.append(ax.annotate(
                notes.get((key, q), NO_DATA_TH) if p is None else percent_text(p),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                va="bottom", fontsize=8, xytext=(0, GAP), textcoords="offset points",
                color="#777" if p is None else "black", bbox=LABEL_BOX,
                rotation=90 if p is None else 0, annotation_clip=False))
            drawn.append(p)
            centres.append(bar.get_x() + bar.get_width() / 2)
            colours.append(colour)
    line = _target_line(ax, target)
    ax.set_xticks(quarters, [f"ไตรมาส {q}" for q in quarters])
    ax.set_ylabel(ylabel)
    _titles(fig, ax, title, kr)
    handles = [Patch(facecolor=OTHER, hatch="xx", edgecolor="white"), Patch(facecolor=THIS)]
    fig.legend(handles=[*handles, line],
               labels=[labels[1], labels[0], f"เป้าหมาย {target_text(target)}"],
               loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    _style(ax)
    _fit_bars(ax, texts, drawn, target, centres, w, colours)
    return fig


def breakdown_chart(df: pd.DataFrame, title: str, empty_message: str = EMPTY_TH,
                    kr: str = "") -> Figure:
    """Persons per category as horizontal bars, in the order given (first on top).

    ``df``: category_th, persons and optionally ``label``, the text beside each bar (a
    withheld count's ``<5``; default the count). All zero or no rows: a figure that says
    ``empty_message``. The persons axis has whole numbers only. ``kr``: the KR's code and
    name, the title's first line.
    """
    fig = _figure(WIDTH, 0.42 * max(len(df), 3) + 1.0 + 0.25 * bool(kr))
    persons = pd.to_numeric(df["persons"], errors="coerce").fillna(0) if "persons" in df else []
    if df.empty or int(sum(persons)) == 0:
        return _empty(fig, title, empty_message, kr)
    ax = fig.subplots()
    y = list(range(len(df)))[::-1]
    bars = ax.barh(y, list(persons), color=THIS, height=0.6)
    texts = (list(df["label"]) if "label" in df else [f"{int(n):,}" for n in persons])
    drawn = [ax.annotate(str(text), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                         va="center", fontsize=9, xytext=(3, 0), textcoords="offset points",
                         annotation_clip=False) for bar, text in zip(bars, texts)]
    ax.set_yticks(y, [str(c) for c in df["category_th"]])
    ax.set_xlabel("จำนวนคน")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    top = max(1, int(max(persons))) * 1.15
    ax.set_xlim(0, top)
    _titles(fig, ax, title, kr)
    _style(ax)
    _fit_value_labels(ax, drawn, [float(n) for n in persons], None, top, vertical=False)
    return fig


def buckets_chart(labels: list[str], counts: list[int], title: str,
                  empty_message: str = EMPTY_TH, value_labels: list[str] | None = None,
                  kr: str = "") -> Figure:
    """Persons per waiting-time bucket (days to first service), whole-number axis.

    ``value_labels``: the text above each bar (default the count). All zero:
    ``empty_message``. ``kr``: the KR's code and name, the title's first line.
    """
    fig = _figure(WIDTH, 2.6 + 0.25 * bool(kr))
    if not counts or sum(int(c) for c in counts) == 0:
        return _empty(fig, title, empty_message, kr)
    ax = fig.subplots()
    x = list(range(len(labels)))
    bars = ax.bar(x, [int(c) for c in counts], color=THIS, width=0.6)
    texts = value_labels if value_labels is not None else [f"{int(n):,}" for n in counts]
    drawn = [ax.annotate(str(text), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                         ha="center", va="bottom", fontsize=9, xytext=(0, 2),
                         textcoords="offset points", annotation_clip=False)
             for bar, text in zip(bars, texts)]
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    top = max(1, max(int(c) for c in counts)) * 1.2
    ax.set_ylim(0, top)
    ax.set_ylabel("จำนวนคน")
    _titles(fig, ax, title, kr)
    _style(ax)
    _fit_value_labels(ax, drawn, [float(c) for c in counts], None, top, vertical=True)
    return fig


def _status(p: float | None, m: object, target: float) -> str:
    if p is None or _missing(p):
        return "no_cases"
    if _missing(m):
        m = p >= target
    return "met" if bool(m) else "not_met"


_FACE = {"met": (MET, None), "not_met": (NOT_MET, NOT_MET_HATCH),
         "no_cases": (NO_CASES, NO_CASES_HATCH)}


def league_chart(df: pd.DataFrame, target: float, title: str,
                 no_cases_label: str = NO_CASES_TH, ordered: bool = False, kr: str = ""
                 ) -> Figure:
    """All districts ranked by percent (highest on top), coloured by met / not met / no cases.

    ``df``: scope_name_th, percent, met (bool, or None/NaN when there are no cases) and
    optionally ``note``, the words for a district without a percent (default
    ``no_cases_label``). A district without a percent gets a grey note instead of a bar;
    not-met bars are hatched. ``ordered``: draw the rows in the order given (a report's
    league table's order), else sort by percent, then name. Sized so that 50 rows and the
    legend fit on one A4 page.
    """
    n = len(df)
    fig = _figure(WIDTH, min(0.16 * max(n, 5) + 1.3, 9.3))
    if df.empty:
        return _empty(fig, title)
    ax = fig.subplots()
    met = df["met"] if "met" in df else pd.Series([None] * n, index=df.index)
    notes = list(df["note"]) if "note" in df else [no_cases_label] * n
    d = pd.DataFrame({"name": [str(s).removeprefix("เขต") for s in df["scope_name_th"]],
                      "p": pd.to_numeric(df["percent"], errors="coerce").astype(float),
                      "met": list(met), "note": notes})
    if not ordered:
        d = d.sort_values(["p", "name"], ascending=[False, True], na_position="last",
                          kind="stable")
    d = d.reset_index(drop=True)
    y = list(range(len(d)))[::-1]
    percents = _percents(d["p"])
    status = [_status(p, m, target) for p, m in zip(d["p"], d["met"])]
    bars = ax.barh(y, [0.0 if p is None else p for p in percents],
                   color=[_FACE[s][0] for s in status], height=0.7, edgecolor="white",
                   linewidth=0)
    for bar, s in zip(bars, status):
        if _FACE[s][1]:
            bar.set_hatch(_FACE[s][1])
    labels, marks = [], []
    for bar, p, note in zip(bars, percents, d["note"]):
        labels.append(ax.annotate(
            str(note) if p is None else percent_text(p),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center", fontsize=7,
            xytext=(GAP, 0), textcoords="offset points", color="#777" if p is None else "#333",
            bbox=LABEL_BOX, annotation_clip=False))
        marks.append(ZERO_MARK + GAP if p == 0 else 0.0)
    ax.set_yticks(y, list(d["name"]))
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.tick_params(axis="y", labelsize=7.5, length=0)
    line = _target_line(ax, target, vertical=True)
    ax.set_xlabel("ร้อยละ")
    _titles(fig, ax, title, kr)
    fig.legend(handles=[Patch(facecolor=MET), Patch(facecolor=NOT_MET, hatch=NOT_MET_HATCH),
                        Patch(facecolor=NO_CASES, hatch=NO_CASES_HATCH), line],
               labels=[MET_TH, NOT_MET_TH, no_cases_label, f"เป้าหมาย {target_text(target)}"],
               loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    _style(ax)
    top = percent_axis_top(percents, target)
    ax.set_xlim(0, top)
    _fit_value_labels(ax, labels, [0.0 if p is None else p for p in percents], target, top,
                      vertical=False, starts=marks, percent=True)
    for yy, p, s in zip(y, percents, status):
        if p == 0:
            _zero_mark(ax, yy, 0.7, _FACE[s][0], vertical=False)
    return fig


def comparison_chart(district_percent: float, bma_percent: float, target: float,
                     labels: tuple[str, str], title: str | None = None,
                     notes: tuple[str, str] = (NO_DATA_TH, NO_DATA_TH), kr: str = ""
                     ) -> Figure:
    """The district (top, blue) beside Bangkok as a whole (below, slate), with the target;
    ``notes``: the words for a missing percent (the district's, Bangkok's); ``kr``: the
    KR's code and name, the title's first line."""
    fig = _figure(WIDTH, 2.2 + 0.3 * bool(title) + 0.25 * bool(kr))
    ax = fig.subplots()
    values = _percents([district_percent, bma_percent])
    shown = [0.0 if v is None else v for v in values]
    y = [1, 0]
    bars = ax.barh(y, shown, color=[THIS, OTHER], height=0.55)
    texts = []
    for bar, v, note in zip(bars, values, notes):
        texts.append(ax.annotate(
            note if v is None else percent_text(v),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center", fontsize=10,
            xytext=(GAP, 0), textcoords="offset points", color="#777" if v is None else "black",
            bbox=LABEL_BOX, annotation_clip=False))
    ax.set_yticks(y, [str(s) for s in labels])
    ax.set_ylim(-0.6, 1.6)
    _target_line(ax, target, vertical=True)
    said = ax.annotate(f"เป้าหมาย {target_text(target)}", (target, 1),
                       xycoords=("data", "axes fraction"), ha="right", va="top", color=TARGET,
                       fontsize=9, xytext=(-3, 0), textcoords="offset points")
    ax.set_xlabel("ร้อยละ")
    _titles(fig, ax, title or "", kr)
    _style(ax)
    top = percent_axis_top(values, target)
    ax.set_xlim(0, top)
    _fit_value_labels(ax, texts, shown, target, top, vertical=False,
                      starts=[ZERO_MARK if v == 0 else 0.0 for v in values], percent=True)
    for yy, v, colour in zip(y, values, (THIS, OTHER)):
        if v == 0:
            _zero_mark(ax, yy, 0.55, colour, vertical=False)
    renderer = _renderer(fig, layout=False)
    if said.get_window_extent(renderer).x0 < ax.get_window_extent(renderer).x0:
        said.set_horizontalalignment("left")  # a target near 0: its words right of the line
        said.set_position((3, 0))
    return fig


# --- maps -------------------------------------------------------------------------------

@cache
def district_shapes() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    """(code, rings) of the 50 districts from the vendored GeoJSON (lon/lat, WGS 84)."""
    doc = json.loads(GEO.read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = tuple(np.asarray(p[0], dtype=float) for p in polys)  # outer rings only
        out.append((str(f["properties"]["code"]), rings))
    return tuple(sorted(out))


#: The small central districts, drawn again enlarged in an inset (lon/lat box).
CENTRE = (100.475, 100.565, 13.705, 13.785)


def _draw_districts(ax: Axes, status: dict[str, str], highlight: str | None = None) -> None:
    from matplotlib.collections import PolyCollection

    groups: dict[str, list[np.ndarray]] = {}
    for code, rings in district_shapes():
        key = status.get(code, "no_cases") if highlight is None else (
            "highlight" if code == highlight else "other")
        groups.setdefault(key, []).extend(rings)
    faces = {**{k: v for k, v in _FACE.items()}, "highlight": (THIS, None),
             "other": ("#eceff1", None)}
    for key, polygons in sorted(groups.items()):
        colour, hatch = faces[key]
        ax.add_collection(PolyCollection(polygons, facecolors=colour, edgecolors="white",
                                         linewidths=0.6, hatch=hatch))
    ax.set_aspect(1 / math.cos(math.radians(13.75)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def _bounds() -> tuple[float, float, float, float]:
    pts = np.vstack([r for _, rings in district_shapes() for r in rings])
    return pts[:, 0].min(), pts[:, 0].max(), pts[:, 1].min(), pts[:, 1].max()


def _centroid(code: str) -> tuple[float, float]:
    rings = dict(district_shapes())[code]
    ring = max(rings, key=len)
    return float(ring[:, 0].mean()), float(ring[:, 1].mean())


#: lon -> x as drawn: the maps keep 1 / cos(latitude) as their aspect
_SQUASH = math.cos(math.radians(13.75))


@cache
def _label_points(code: str, box: tuple[float, float, float, float] | None = None
                  ) -> tuple[tuple[float, float], ...]:
    """Where a district's label may go, best first: points of a 48 x 48 grid inside the
    district (and inside ``box``, lon/lat), by distance to its border (and the box's
    edges), farthest first; the first is the district's "pole of inaccessibility".
    Deterministic: no randomness, ties in grid order."""
    from matplotlib.path import Path as MPath

    ring = max(dict(district_shapes())[code], key=len) * [_SQUASH, 1.0]
    lo, hi = ring.min(axis=0), ring.max(axis=0)
    if box is not None:
        lo = np.maximum(lo, [box[0] * _SQUASH, box[2]])
        hi = np.minimum(hi, [box[1] * _SQUASH, box[3]])
        if (hi <= lo).any():
            return ()
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 48), np.linspace(lo[1], hi[1], 48))
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    pts = pts[MPath(ring).contains_points(pts)]
    if not len(pts):
        return ()
    a, b = ring[:-1], ring[1:]  # GeoJSON rings are closed
    ab = b - a
    t = np.clip(((pts[:, None, :] - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-18),
                0, 1)
    dist = np.linalg.norm(pts[:, None, :] - (a + t[..., None] * ab), axis=-1).min(axis=1)
    if box is not None:
        dist = np.minimum(dist, np.minimum(pts - lo, hi - pts).min(axis=1))
    order = np.argsort(-dist, kind="stable")
    return tuple((float(pts[i, 0] / _SQUASH), float(pts[i, 1])) for i in order[:40])


def _overlaps(a: Bbox, b: Bbox, pad: float = 0.0) -> bool:
    return cast(bool, a.x0 - pad < b.x1 and b.x0 - pad < a.x1 and a.y0 - pad < b.y1
                and b.y0 - pad < a.y1)


def _placer(ax: Axes, text: Text, renderer: RendererBase
            ) -> Callable[[tuple[float, float]], Bbox]:
    """``at(xy)``: the window extent ``text`` (centred on its position) would have at the
    data point ``xy``, from one measurement (moving a text does not change its size)."""
    ext = text.get_window_extent(renderer)
    x0, y0 = ax.transData.transform(text.get_position())

    def at(xy: tuple[float, float]) -> Bbox:
        dx, dy = ax.transData.transform(xy) - (x0, y0)
        return ext.translated(dx, dy)
    return at


def _name_districts(ax: Axes, names: dict[str, str], codes: list[str], size: float,
                    box: tuple[float, float, float, float] | None, taken: list[Bbox]) -> list[str]:
    """Write each district's name inside it where the name's box, measured by the
    renderer, fits inside the district (and the axes) and overlaps no other label
    (``taken``, window extents; the name's is added); the larger districts first. Returns
    the codes left without a name (to be numbered)."""
    from matplotlib.path import Path as MPath
    from matplotlib.patheffects import withStroke

    renderer = _renderer(cast(Figure, ax.figure), layout=False)
    frame = ax.get_window_extent(renderer)
    halo = [withStroke(linewidth=1.6, foreground="white")]
    room = {c: _label_points(c, box) for c in codes}
    order = sorted((c for c in codes if room[c]), key=lambda c: (-_area(ax, c), c))
    left = [c for c in codes if not room[c]]
    steps = np.linspace(0, 1, 7)
    for code in order:
        outline = MPath(ax.transData.transform(max(dict(district_shapes())[code], key=len)))
        text = ax.text(*room[code][0], names[code], fontsize=size, ha="center", va="center",
                       path_effects=halo, clip_on=False)
        at = _placer(ax, text, renderer)
        for xy in room[code][:24]:
            ext = at(xy)
            edge = np.array([(ext.x0 + (ext.x1 - ext.x0) * f, y) for f in steps
                             for y in (ext.y0, ext.y1)]
                            + [(x, (ext.y0 + ext.y1) / 2) for x in (ext.x0, ext.x1)])
            if (outline.contains_points(edge).all()
                    and frame.x0 <= ext.x0 and ext.x1 <= frame.x1
                    and frame.y0 <= ext.y0 and ext.y1 <= frame.y1
                    and not any(_overlaps(ext, t, 1) for t in taken)):
                text.set_position(xy)
                taken.append(ext)
                break
        else:
            text.remove()
            left.append(code)
    return sorted(left)


def _area(ax: Axes, code: str) -> float:
    """A district's size for the naming order: its ring's area in display pixels."""
    ring = ax.transData.transform(max(dict(district_shapes())[code], key=len))
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2)


def _number_districts(ax: Axes, codes: list[str], box: tuple[float, float, float, float] | None,
                      taken: list[Bbox], labels_from: int = 0) -> None:
    """A district's number (its code's last two digits) where its name did not fit: at
    the first of its label points where the number overlaps nothing in ``taken``, else
    at the first where it overlaps no label (``taken[labels_from:]``; the boxes before are
    frames it may cross), else at its best point."""
    from matplotlib.patheffects import withStroke

    renderer = _renderer(cast(Figure, ax.figure), layout=False)
    halo = [withStroke(linewidth=1.6, foreground="white")]
    for code in codes:
        points = _label_points(code, box) or (_centroid(code),)
        text = ax.text(*points[0], str(int(code[-2:])), fontsize=6, ha="center", va="center",
                       fontweight="bold", path_effects=halo, clip_on=False)
        at = _placer(ax, text, renderer)
        spot = next((xy for avoid in (taken, taken[labels_from:]) for xy in points[:24]
                     if not any(_overlaps(at(xy), t, 1) for t in avoid)), points[0])
        text.set_position(spot)
        taken.append(at(spot))


def district_map(status: dict[str, str], title: str, names: dict[str, str] | None = None,
                 no_cases_label: str = NO_CASES_TH, kr: str = "") -> Figure:
    """Choropleth of the 50 districts: met (green), not met (orange, hatched), no cases
    (grey, dotted), with a legend, an enlarged inset of the small central districts and
    the boundaries' attribution; ``kr``: the KR's code and name, the title's first line.

    ``names`` (code -> name): each district is named inside its shape where the name fits
    (on the main map, or in the inset for a central one) without touching another label;
    the others get their number (the code's last two digits, 1001 -> 1) and a key below
    the inset lists number -> name. The layout is fixed (no layout engine), so that the
    labels are measured where they are drawn.
    """
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import Bbox

    use_sarabun_in_matplotlib()
    head = 0.66 if kr else 0.42  # inches: the title lines
    width, height = WIDTH, 4.9 + head - 0.42
    fig = Figure(figsize=(width, height), dpi=DPI)

    def axes(left: float, bottom: float, w: float, h: float) -> Axes:
        return fig.add_axes((left / width, bottom / height, w / width, h / height))

    top = height - head
    ax = axes(0.05, 0.62, 4.3, top - 0.62)
    inset = axes(4.55, top - 2.42, 2.35, 2.2)
    _draw_districts(ax, status)
    x0, x1, y0, y1 = _bounds()
    ax.set_xlim(x0 - 0.005, x1 + 0.005)
    ax.set_ylim(y0 - 0.005, y1 + 0.005)
    ax.set_anchor("N")
    _draw_districts(inset, status)
    cx0, cx1, cy0, cy1 = CENTRE
    inset.set_xlim(cx0, cx1)
    inset.set_ylim(cy0, cy1)
    inset.set_anchor("N")
    for side in inset.spines.values():
        side.set_visible(True)
        side.set_color("#555")
    ax.add_patch(Rectangle((cx0, cy0), cx1 - cx0, cy1 - cy0, fill=False, edgecolor="#333",
                           linewidth=1))
    ax.apply_aspect()
    inset.apply_aspect()
    where = inset.get_position()
    fig.text((where.x0 + where.x1) / 2, where.y1 + 0.04 / height, "เขตชั้นใน (ขยาย)",
             ha="center", va="bottom", fontsize=9)
    key: list[str] = []
    if names:
        codes = [c for c, _ in district_shapes() if c in names]
        central = [c for c in codes if _label_points(c)
                   and cx0 < _label_points(c)[0][0] < cx1 and cy0 < _label_points(c)[0][1] < cy1]
        # the main map names no district inside the inset's frame: the inset does
        taken = [ax.transData.transform_bbox(Bbox.from_extents(cx0, cy0, cx1, cy1))]
        rest = _name_districts(ax, names, [c for c in codes if c not in central], 6, None,
                               taken)
        _number_districts(ax, rest, None, taken, labels_from=1)
        taken = []
        inner = _name_districts(inset, names, central, 6.5, CENTRE, taken)
        _number_districts(inset, inner, CENTRE, taken)
        key = sorted(rest + inner)
    _map_key(fig, [(int(c[-2:]), names[c]) for c in key] if names else [],
             (where.x0, where.x1), (0.5 / height, where.y0 - 0.1 / height))
    counts = {k: sum(1 for v in status.values() if v == k) for k in _FACE}
    fig.legend(handles=[Patch(facecolor=MET), Patch(facecolor=NOT_MET, hatch=NOT_MET_HATCH),
                        Patch(facecolor=NO_CASES, hatch=NO_CASES_HATCH)],
               labels=[f"{MET_TH} ({counts['met']} เขต)", f"{NOT_MET_TH} ({counts['not_met']} เขต)",
                       f"{no_cases_label} ({counts['no_cases']} เขต)"],
               loc="lower center", bbox_to_anchor=(0.5, 0.01), ncols=3, fontsize=9,
               frameon=False)
    y = (height - 0.06) / height
    if kr:
        _fit_line(fig, fig.text(0.5, y, kr, ha="center", va="top", fontsize=10, color="#333"),
                  kr)
        y -= 0.26 / height
    fig.text(0.5, y, title, ha="center", va="top", fontsize=12)
    main = ax.get_position()
    fig.text(main.x0, main.y0 - 0.03 / height, MAP_CREDIT_TH, ha="left", va="top",
             fontsize=7, color="#555")
    return fig


def _map_key(fig: Figure, entries: list[tuple[int, str]], across: tuple[float, float],
             down: tuple[float, float]) -> None:
    """The key of the numbered districts ("1 พระนคร"), in as few columns as fit between
    ``across`` (figure x from, to) and ``down`` (figure y bottom, top), by number."""
    if not entries:
        return
    renderer = _renderer(fig, layout=False)
    w_px = (across[1] - across[0]) * fig.bbox.width
    h_px = (down[1] - down[0]) * fig.bbox.height
    head = fig.text(across[0], down[1], "หมายเลขบนแผนที่", ha="left", va="top", fontsize=7,
                    fontweight="bold")
    h_px -= head.get_window_extent(renderer).height * 1.15
    numbers = [fig.text(0, 0, str(n), ha="right", va="top", fontsize=6.5, fontweight="bold")
               for n, _ in entries]
    texts = [fig.text(0, 0, name, ha="left", va="top", fontsize=6.5) for _, name in entries]
    for size in (6.5, 6.0, 5.5, 5.0):
        for t in numbers + texts:
            t.set_fontsize(size)
        sizes = [t.get_window_extent(renderer) for t in texts]
        digits = max(t.get_window_extent(renderer).width for t in numbers) + size * fig.dpi / 72
        line = max(s.height for s in sizes) * 1.02
        widest = digits + max(s.width for s in sizes)
        cols = max(1, math.ceil(len(texts) * line / max(h_px, line)))
        if cols * widest * 1.06 <= w_px or size == 5.0:
            break
    rows = math.ceil(len(texts) / cols)
    col_w = w_px / cols
    y_top = down[1] * fig.bbox.height - head.get_window_extent(renderer).height * 1.15
    for i, (number, t) in enumerate(zip(numbers, texts)):
        col, row = divmod(i, rows)
        x = across[0] * fig.bbox.width + col * col_w + digits - size * fig.dpi / 72 / 2
        y = (y_top - row * line) / fig.bbox.height
        number.set_position((x / fig.bbox.width, y))
        t.set_position(((x + size * fig.dpi / 72 / 2) / fig.bbox.width, y))


def locator_map(code: str, name: str, title: str) -> Figure:
    """Where the district lies in Bangkok: the district in blue, the others pale."""
    fig = _figure(3.4, 3.0)
    ax = fig.subplots()
    _draw_districts(ax, {}, highlight=code)
    x0, x1, y0, y1 = _bounds()
    ax.set_xlim(x0 - 0.01, x1 + 0.01)
    ax.set_ylim(y0 - 0.01, y1 + 0.01)
    x, y = _centroid(code)
    ax.annotate(name, (x, y), xytext=(0.98, 0.98), textcoords="axes fraction", ha="right",
                va="top", fontsize=9, arrowprops={"arrowstyle": "-", "color": "#333",
                                                  "linewidth": 0.8})
    ax.set_title(title, fontsize=10)
    ax.text(0.5, -0.02, MAP_CREDIT_TH, transform=ax.transAxes, ha="center", va="top",
            fontsize=5.5, color="#555")
    return fig


# --- PNG ---------------------------------------------------------------------------------

def figure_to_png_bytes(fig: Figure) -> bytes:
    """PNG bytes without timestamps or software tags: identical for identical figures.

    The figure is drawn once, by an Agg canvas, and its pixels encoded once as a
    256-colour PNG (:func:`_palette_png`). ``savefig`` would draw it twice (once to solve
    the layout, once to print) and encode a full-colour PNG that is then decoded again:
    about twice the time for the same pixels. The constrained layout is solved at the
    first draw and then kept: solving it again from the previous solution can move an
    axes by a fraction of a pixel, so a second save would differ in a few pixels.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    if fig.dpi != DPI:
        fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    # backend_agg has no annotations (unused-ignore: the non-strict check allows the calls)
    canvas.draw()  # type: ignore[no-untyped-call, unused-ignore]
    if isinstance(fig.get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine)):
        fig.set_layout_engine("none")
    pixels = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call, unused-ignore]
    return _palette_png(Image.fromarray(pixels))  # (h, w, 4) uint8: RGBA


def _palette_png(image: Image.Image) -> bytes:
    """An opaque chart as a 256-colour PNG: 2.5-3x smaller, no visible difference.

    A chart has a handful of colours plus anti-aliasing shades; a fast octree without
    dithering keeps text edges clean, is deterministic, and at 200 ppi takes ~0.01 s a
    chart where median cut took ~0.2 s. A transparent image stays RGBA.
    The resolution (200 ppi) is written in the pHYs chunk.
    """
    from PIL import Image

    out = io.BytesIO()
    # one band: (min, max); Pillow's annotation also covers a many-band image's form
    if cast("tuple[float, float]", image.getchannel("A").getextrema())[0] < 255:
        image.save(out, format="PNG", optimize=True, dpi=(DPI, DPI))
        return out.getvalue()
    palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                            dither=Image.Dither.NONE)
    # optimize=True: ~10 % smaller for ~0.02 s a chart. Without it the HTML batch was ~4 s
    # faster (18.8 s vs 23.1 s for 51 reports) but PDF then added 33 % to it, not 21 %.
    palette.save(out, format="PNG", optimize=True, dpi=(DPI, DPI))
    return out.getvalue()
