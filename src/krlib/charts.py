"""Charts for the reports: small pure functions, DataFrame in, matplotlib Figure out.

Figures are built with the object API (no pyplot state), Sarabun for Thai, and
``layout="constrained"`` (cheaper than tight_layout + bbox_inches="tight").
:func:`figure_to_png_bytes` is deterministic: same data, same bytes.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from matplotlib.figure import Figure

from krlib.fonts import use_sarabun_in_matplotlib

MET, NOT_MET, NO_CASES, BMA_COLOUR, TARGET = "#2e7d32", "#e65100", "#9e9e9e", "#1565c0", "#b71c1c"
DPI = 100
EMPTY_TH = "ไม่มีข้อมูลในช่วงเวลานี้ (no cases this period)"


def _figure(width: float, height: float) -> Figure:
    use_sarabun_in_matplotlib()
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _empty(fig: Figure, title: str, message: str = EMPTY_TH) -> Figure:
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_title(title, fontsize=12)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13, color="#555")
    return fig


def _isnan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def trend_chart(df: pd.DataFrame, target: float, title: str) -> Figure:
    """Percent per quarter (cumulative), target line; quarters without cases are gaps."""
    fig = _figure(7.0, 3.2)
    if df.empty or df["percent"].isna().all():
        return _empty(fig, title)
    ax = fig.subplots()
    labels = [f"ไตรมาส {int(q)}" for q in df["quarter"]]
    values = [0 if _isnan(p) else p for p in df["percent"]]
    bars = ax.bar(labels, values, color=[NO_CASES if _isnan(p) else BMA_COLOUR
                                         for p in df["percent"]], width=0.55)
    for bar, p in zip(bars, df["percent"]):
        text = "ไม่มีข้อมูล" if _isnan(p) else f"{p:.2f}%"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=10, xytext=(0, 2),
                    textcoords="offset points")
    ax.axhline(target, color=TARGET, linestyle="--", linewidth=1.2)
    ax.annotate(f"เป้าหมาย {target:g}%", (1, target), xycoords=("axes fraction", "data"),
                ha="right", va="bottom", color=TARGET, fontsize=9)
    top = max([target] + [v for v in values if not _isnan(v)])
    ax.set_ylim(0, top * 1.18 + 1)
    ax.set_ylabel("ร้อยละ (สะสม)")
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def breakdown_chart(df: pd.DataFrame, title: str) -> Figure:
    """Persons per category, horizontal bars (largest on top)."""
    fig = _figure(7.0, 0.42 * max(len(df), 3) + 1.0)
    if df.empty or int(df["persons"].sum()) == 0:
        return _empty(fig, title)
    ax = fig.subplots()
    d = df.iloc[::-1]
    bars = ax.barh(d["category_th"], d["persons"], color=BMA_COLOUR, height=0.6)
    for bar, n in zip(bars, d["persons"]):
        ax.annotate(f"{int(n):,}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    va="center", fontsize=9, xytext=(3, 0), textcoords="offset points")
    ax.set_xlabel("จำนวนคน")
    ax.set_xlim(0, max(1, int(d["persons"].max())) * 1.15)
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def league_chart(df: pd.DataFrame, target: float, title: str) -> Figure:
    """All districts by percent: green met, orange not met, grey no cases; target line."""
    fig = _figure(7.5, 0.2 * max(len(df), 5) + 1.4)
    if df.empty:
        return _empty(fig, title)
    ax = fig.subplots()
    d = df.assign(_p=df["percent"].astype(float)).sort_values(
        ["_p", "scope_name_th"], ascending=[True, False], na_position="first")
    colours = [NO_CASES if _isnan(p) else (MET if p >= target else NOT_MET) for p in d["_p"]]
    ax.barh([n.removeprefix("เขต") for n in d["scope_name_th"]], d["_p"].fillna(0),
            color=colours, height=0.7)
    ax.axvline(target, color=TARGET, linestyle="--", linewidth=1.2)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("ร้อยละ")
    ax.set_xlim(0, max(100.0, float(d["_p"].max(skipna=True) or 0)) * 1.02)
    ax.set_title(title, fontsize=12)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=MET, label="บรรลุเป้าหมาย"),
                       Patch(color=NOT_MET, label="ยังไม่บรรลุ"),
                       Patch(color=NO_CASES, label="ไม่มีกลุ่มเป้าหมาย / ไม่เปิดเผย")],
              loc="lower right", fontsize=8, frameon=True)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def comparison_chart(district_percent: float, bma_percent: float, target: float,
                     labels: tuple[str, str]) -> Figure:
    """The district beside Bangkok as a whole, with the target line."""
    fig = _figure(6.0, 2.2)
    ax = fig.subplots()
    values = [district_percent, bma_percent]
    shown = [0 if _isnan(v) else v for v in values]
    bars = ax.barh(list(labels)[::-1], shown[::-1], color=[BMA_COLOUR, NOT_MET][::-1], height=0.55)
    for bar, v in zip(bars, values[::-1]):
        ax.annotate("ไม่มีข้อมูล" if _isnan(v) else f"{v:.2f}%",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center",
                    fontsize=10, xytext=(3, 0), textcoords="offset points")
    ax.axvline(target, color=TARGET, linestyle="--", linewidth=1.2)
    ax.set_xlim(0, max([target] + shown) * 1.2 + 1)
    ax.set_xlabel("ร้อยละ")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def figure_to_png_bytes(fig: Figure) -> bytes:
    """PNG bytes without timestamps or software tags: identical for identical figures."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
