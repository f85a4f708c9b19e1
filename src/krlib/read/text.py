"""The contract's value rules: what every cell is after reading, whatever the file type.

:func:`normalise_text` for one cell, :func:`normalise_cells` for a column (Arrow).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pyarrow as pa

#: zero-width characters removed, non-breaking spaces read as spaces
_TRANSLATE = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff")),
              0x00A0: " ", 0x202F: " "}


def normalise_text(text: str) -> str:
    """One cell after the contract's value rules (see :func:`normalise_cells`)."""
    if not text.isascii():
        text = text.translate(_TRANSLATE)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if "\u0e4d\u0e32" in text:
            text = text.replace("\u0e4d\u0e32", "\u0e33")
    text = text.strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


#: Cells the Arrow trim alone does not finish: a leading apostrophe, any character
#: outside ASCII and the Thai block (ํ U+0E4D excluded: it may be half of ำ), or Thai
#: marks in an order NFC changes (a tone mark before a below-vowel or phinthu, or a
#: below-vowel before phinthu: canonical classes 107 > 103 > 9).
_NEEDS_PYTHON = ("^'|[^\\x{00}-\\x{7F}\\x{0E01}-\\x{0E4C}\\x{0E4E}-\\x{0E5B}]"
                 "|[\\x{0E48}-\\x{0E4B}][\\x{0E38}-\\x{0E3A}]|[\\x{0E38}\\x{0E39}]\\x{0E3A}")


def normalise_cells(values: pa.Array | pa.ChunkedArray | Iterable[str | None]
                    ) -> pa.Array | pa.ChunkedArray:
    """The contract's value rules on a column of text, vectorised (Arrow).

    Every cell: zero-width characters (U+200B-U+200D, U+2060, U+FEFF) removed, NBSP and
    narrow NBSP read as spaces, NFC, ``ํ`` + ``า`` read as ``ำ``, surrounding spaces
    removed, then one leading apostrophe and the spaces after it. Cells of ASCII and
    plain Thai need only Arrow's trim (:data:`_NEEDS_PYTHON` finds the others); those
    are fixed once per distinct value.
    Takes an Arrow array / chunked array or anything ``pa.array`` takes; returns an Arrow
    string array (chunked when given one).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values, type=pa.string())
    elif values.type != pa.string():
        values = values.cast(pa.string())
    if _few_distinct(values):
        return _normalise_by_dictionary(values)
    trimmed = pc.utf8_trim_whitespace(values)
    odd = _needs_python(trimmed)
    if not pc.any(odd).as_py():
        return trimmed
    todo = pc.unique(trimmed.filter(odd))
    if isinstance(todo, pa.ChunkedArray):
        todo = todo.combine_chunks()
    fixed = pa.array([normalise_text(s) for s in todo.to_pylist()], type=pa.string())
    at = pc.index_in(trimmed, value_set=todo)
    return pc.if_else(odd, pc.take(fixed, at), trimmed)


_SAMPLE, _FEW = 2000, 100  # a column whose first 2,000 cells hold <= 100 values is coded


def _few_distinct(values: pa.Array | pa.ChunkedArray) -> bool:
    """Whether a long column looks coded (sex, district, service type...): its value
    rules are then cheaper on its distinct values (:func:`_normalise_by_dictionary`)."""
    import pyarrow.compute as pc

    return len(values) >= 5 * _SAMPLE and pc.count_distinct(
        values.slice(0, _SAMPLE)).as_py() <= _FEW


def _normalise_by_dictionary(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`normalise_cells` of each distinct value, mapped back (same result)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(values)
    chunks = coded.chunks if isinstance(coded, pa.ChunkedArray) else [coded]
    out = [pc.take(normalise_cells(c.dictionary), c.indices) for c in chunks]
    if isinstance(coded, pa.ChunkedArray):
        return pa.chunked_array(out, type=pa.string())
    return out[0]


def _needs_python(trimmed: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Cells :data:`_NEEDS_PYTHON` matches. An ASCII cell can only match its ``^'``, so
    the regex (RE2, ~45 ns a cell) runs on the other cells only (~4x less time on a
    column of ids or dates)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    quoted = pc.starts_with(trimmed, "'")
    other = pc.invert(pc.string_is_ascii(trimmed))
    n_other = pc.sum(other).as_py() or 0
    if not n_other:
        return quoted
    if n_other * 5 > len(trimmed):  # much Thai: the regex on the whole column is cheaper
        return pc.match_substring_regex(trimmed, _NEEDS_PYTHON)
    found = pc.match_substring_regex(trimmed.filter(other), _NEEDS_PYTHON)
    if isinstance(trimmed, pa.ChunkedArray):  # replace_with_mask takes arrays
        quoted, other, found = (a.combine_chunks() for a in (quoted, other, found))
        return pa.chunked_array([pc.replace_with_mask(quoted, other, found)])
    return pc.replace_with_mask(quoted, other, found)
