"""How a report writes numbers and dates: one style in every table, chart and page.

Counts with thousands separators (``1,538``), percents with two decimals and a spaced
sign (``84.79 %``; a target ``100 %``), changes in percentage points with a sign and
their Thai unit (``+1.25 จุดร้อยละ``), Thai dates with Buddhist-Era years (``30 ก.ย. 2568``).
"""

from __future__ import annotations

from krlib.thai import NOT_COVERED_TH

NO_DATA_TH = NOT_COVERED_TH  # no value for the period: the drop does not cover it
DASH = "–"
#: The unit of a change of percent: percentage points.
POINTS_TH = "จุดร้อยละ"


def missing(x: object) -> bool:
    """None, NaN, pd.NA and NaT all count as 'no value'."""
    if x is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def count_text(n: int) -> str:
    """``1,538``."""
    return f"{int(n):,}"


def percent_text(p: float | None, decimals: int = 2) -> str:
    """``84.79 %`` (two decimals, the contract's rounding is done before)."""
    if p is None or missing(p):
        return DASH
    return f"{float(p):,.{decimals}f} %"


def target_text(t: float) -> str:
    """A target percent as its definition states it: ``100 %``, ``10 %``."""
    return f"{float(t):g} %"


def points_text(delta: float | None) -> str:
    """A change of percent in percentage points (จุดร้อยละ, not a percent of a percent):
    ``+1.25 จุดร้อยละ``, ``−0.50 จุดร้อยละ``, ``0.00 จุดร้อยละ``."""
    if delta is None or missing(delta):
        return NO_DATA_TH
    d = round(float(delta), 2)
    sign = "+" if d > 0 else ("\u2212" if d < 0 else "")
    return f"{sign}{abs(d):,.2f} {POINTS_TH}"
