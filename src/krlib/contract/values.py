"""The one check of each value type an option or parameter can hold.

A params file is typed YAML, so there a whole number must be a YAML number
(``quarter: "2"`` and ``quarter: true`` are refused); an analyst's call may pass digits
as text (``drop.indicators(2568, "4")``) or a numpy integer. Both use :func:`whole`, which
says which of these it accepts with ``text``; a bool is never a number.
"""

from __future__ import annotations

import operator


class BadValue(ValueError):
    """A value outside what a key allows; ``allowed`` says what is, ``detail`` why."""

    def __init__(self, allowed: str, detail: str = "") -> None:
        super().__init__(allowed)
        self.allowed, self.detail = allowed, detail


def whole(value: object, lo: int | None = None, hi: int | None = None, *,
          text: bool = False) -> int:
    """``value`` as a whole number in ``lo..hi`` (None: no bound that side).

    Python ints and numpy integers count, digits as text only with ``text``; a bool, a
    float (``2.0``, ``2.7``) or anything else raises :class:`BadValue`.

    >>> whole("4", 1, 4, text=True), whole(2568, 2544)
    (4, 2568)
    """
    allowed = ("a whole number" if lo is None else f"a whole number {lo}-{hi}"
               if hi is not None else f"a whole number {lo} or more")
    if text and isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    elif isinstance(value, bool):
        raise BadValue(allowed)
    else:
        try:
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            raise BadValue(allowed) from None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise BadValue(allowed)
    return number
