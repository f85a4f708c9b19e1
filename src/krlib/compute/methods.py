"""The method options an analyst can vary, and the Thai words that say which was used.

A method is a mapping ``{"cumulative": bool, "rounding": str}``, as
:attr:`krlib.compute.prepare.Prepared.method` holds it. The contract's method is
:data:`CONTRACT`: fiscal-year-to-date (``cumulative=True``) and half-up rounding. Every
label, title and axis that shows a figure should come from here, so that a figure
computed for the quarter alone never says "สะสม" (cumulative).

Every method mapping an analyst passes (``method_label_th(m)``, ``Drop.compare(new=m)``,
``Drop.variants(methods=[m, ...])``) goes through one validator, :func:`check_method`:
a key that is not a method option (``{"cumulativ": False}``) is an
:class:`~krlib.errors.OptionError` naming the key, the allowed ones and the closest match,
never a label computed from the defaults.

>>> method_label_th({"cumulative": False, "rounding": "half_even"})
'เฉพาะไตรมาส · ปัดเศษแบบ half-even'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from krlib.errors import OptionError

if TYPE_CHECKING:
    from krlib.contract.periods import Period

#: The data contract's method: fiscal-year-to-date window, percents rounded half-up.
CONTRACT: dict[str, Any] = {"cumulative": True, "rounding": "half_up"}
#: The keys of a method mapping (the method options).
METHOD_KEYS: tuple[str, ...] = tuple(CONTRACT)
#: Rounding rules of :func:`krlib.compute.indicators.percents`, with their Thai labels.
ROUNDING_TH = {"half_up": "ปัดเศษแบบ half-up", "half_even": "ปัดเศษแบบ half-even"}
#: The window, in full and short (for a table header or an axis label).
WINDOW_TH = {True: "สะสมตั้งแต่ต้นปีงบประมาณ", False: "เฉพาะไตรมาส"}
WINDOW_SHORT_TH = {True: "สะสม", False: "เฉพาะไตรมาส"}
CONTRACT_NOTE_TH = "ตามนิยามของตัวชี้วัด"


def method(cumulative: bool = True, rounding: str = "half_up") -> dict[str, Any]:
    """A checked method mapping (OptionError, exit 2, for a non-bool window or an unknown
    rounding rule): ``method(False)`` -> ``{"cumulative": False, "rounding": "half_up"}``."""
    if isinstance(cumulative, str) or cumulative not in (True, False):
        raise OptionError("cumulative ต้องเป็น True หรือ False / cumulative must be True "
                          f"(fiscal-year-to-date) or False (the quarter alone), got {cumulative!r}")
    if rounding not in ROUNDING_TH:
        raise OptionError(f"วิธีปัดเศษไม่ถูกต้อง / rounding must be one of "
                          f"{', '.join(ROUNDING_TH)}, got {rounding!r}")
    return {"cumulative": bool(cumulative), "rounding": rounding}


def check_keys(m: object, allowed: Sequence[str], what: str = "method") -> Mapping[str, Any]:
    """``m`` as a mapping whose keys are all in ``allowed``, else one
    :class:`~krlib.errors.OptionError` that names the first unknown key, the allowed keys
    and the closest of them (difflib), e.g. ``{"cumulativ": False}`` ->
    "... unknown key 'cumulativ' in method (did you mean 'cumulative'?); allowed: cumulative,
    rounding". ``what`` names the option in the message (``"new"``, ``"methods[1]"``).

    >>> check_keys({"round": "half_even"}, METHOD_KEYS)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    krlib.errors.OptionError: method: ... / unknown key 'round' in method (did you mean ...
    """
    allowed_text = ", ".join(allowed)
    if not isinstance(m, Mapping):
        example = "{" + ", ".join(f'"{k}": ...' for k in allowed) + "}"
        raise OptionError(f"{what}: ต้องเป็น mapping เช่น {example} / {what} must be a "
                          f"mapping such as {example}, got {m!r}")
    for key in m:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint_th = f" (หมายถึง {close[0]!r} หรือไม่)" if close else ""
        hint_en = f" (did you mean {close[0]!r}?)" if close else ""
        raise OptionError(f"{what}: ไม่รู้จักตัวเลือก {key!r}{hint_th} / unknown key {key!r} "
                          f"in {what}{hint_en}; allowed: {allowed_text}")
    return m


def check_method(m: Mapping[str, Any] | None, what: str = "method") -> dict[str, Any]:
    """The one validator of a method mapping: its keys (:func:`check_keys` against
    :data:`METHOD_KEYS`), then its values (:func:`method`); missing keys are the
    contract's. ``None`` is the contract's method.

    >>> check_method({"cumulative": False})
    {'cumulative': False, 'rounding': 'half_up'}
    """
    given = check_keys({} if m is None else m, METHOD_KEYS, what)
    full = {**CONTRACT, **given}
    return method(full["cumulative"], full["rounding"])


def is_contract(m: Mapping[str, Any] | None) -> bool:
    """True when ``m`` is the contract's method (what official reports must use)."""
    return check_method(m) == CONTRACT


def window_label_th(cumulative: bool = True) -> str:
    """"สะสมตั้งแต่ต้นปีงบประมาณ" (fiscal-year-to-date) or "เฉพาะไตรมาส" (the quarter alone)."""
    return WINDOW_TH[bool(cumulative)]


def window_short_th(cumulative: bool = True) -> str:
    """"สะสม" or "เฉพาะไตรมาส": for a table header such as "ไตรมาส (สะสม)"."""
    return WINDOW_SHORT_TH[bool(cumulative)]


def rounding_label_th(rounding: str = "half_up") -> str:
    """"ปัดเศษแบบ half-up" or "ปัดเศษแบบ half-even"."""
    return ROUNDING_TH[check_method({"rounding": rounding})["rounding"]]


def method_label_th(m: Mapping[str, Any] | None = None, *, contract_note: bool = False) -> str:
    """The window and the rounding rule in Thai, e.g. "เฉพาะไตรมาส · ปัดเศษแบบ half-even".

    ``m``: ``{"cumulative": ..., "rounding": ...}`` (missing keys: the contract's; any
    other key is an :class:`~krlib.errors.OptionError`, see :func:`check_method`);
    ``contract_note=True`` appends "(ตามนิยามของตัวชี้วัด)" when ``m`` is the contract's.

    >>> method_label_th({"cumulative": True, "rounding": "half_up"}, contract_note=True)
    'สะสมตั้งแต่ต้นปีงบประมาณ · ปัดเศษแบบ half-up (ตามนิยามของตัวชี้วัด)'
    """
    m = check_method(m)
    text = f"{window_label_th(m['cumulative'])} · {rounding_label_th(m['rounding'])}"
    if contract_note and m == CONTRACT:
        text += f" ({CONTRACT_NOTE_TH})"
    return text


def window_dates_th(period: Period, cumulative: bool = True) -> str:
    """The window of ``period`` (a :class:`krlib.contract.periods.Period`) in Thai words and dates:
    "ข้อมูลสะสมตั้งแต่ 1 ต.ค. 2567 ถึง 31 มี.ค. 2568" or
    "ข้อมูลเฉพาะไตรมาส ตั้งแต่ 1 ม.ค. 2568 ถึง 31 มี.ค. 2568"."""
    from krlib.thai import thai_date

    first: date = period.start if cumulative else period.quarter_start
    word = "ข้อมูลสะสมตั้งแต่" if cumulative else "ข้อมูลเฉพาะไตรมาส ตั้งแต่"
    return f"{word} {thai_date(first)} ถึง {thai_date(period.end)}"
