"""The PDF's text layer finds Thai words whole: ``ฟื้นฟู``, not ``ฟื้ นฟู``.

Why a space appeared: over the tall consonants ป ฝ ฟ an upper vowel is drawn as its
left-shifted ``.narrow`` form, and a tone mark over it (``ฟื้``, ``ปี่``, ``ฝั่``) is placed
by Sarabun's mark-to-mark positioning 0.16-0.24 em left of the vowel. These forms have no
code point of their own, so Chromium writes the cluster as one ``/ActualText`` span
holding its glyphs in logical order, each at its own position: base, vowel (at the
base's advance), tone (further left). A text extractor takes the span's extent from its
first glyph's start to its *last* glyph's end, so the span seems to end that far before
the next letter, and poppler (pdftotext, and the viewers built on it) reads a gap over
0.1 em as a word break: a space. A search for ร้อยละของผู้ที่ได้รับการฟื้นฟูสภาพทางสังคม
failed (26 of 26 ฟื้นฟู in BMA read ฟื้ นฟู). Neither letter-spacing, justification, the
font's glyphs nor the ToUnicode map is involved; 75 of 2,760 consonant + vowel + tone
clusters were affected, all of them on ป ฝ ฟ.

The fix (:func:`join_mark_clusters`): inside each such span the glyphs are written in
the order of their positions along the line, so the last one is the rightmost. Every
glyph keeps its exact position (the ``Td`` offsets are recomputed in exact decimals, and
the move after the span takes up the difference), so the page looks the same (a
rendering differs in one anti-aliased pixel at most): only the order in which a
cluster's glyphs are painted changes. Chromium's
content streams have a fixed form (``dx dy Td <gids> Tj``, two bytes a glyph, the glyphs
of one ``Tj`` placed by their advances, which the page's font dictionary gives); a span
in any other form is left as it is.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

_NUM = rb"-?(?:\d+\.?\d*|\.\d+)"
_HEX = rb"<[0-9A-Fa-f]+>"
_TF = rb"/([\w.+-]+) (" + _NUM + rb") Tf\n"
#: What a span may set before its glyphs: the font, and a new text position (a span at
#: the start of a text object).
_SETUP = rb"(?:" + _TF + rb")?((?:" + _NUM + rb" ){6}Tm\n)?"
#: One run of glyphs of a span: a move from the last move (a mark may also move up or
#: down), then the glyphs. Only the first may lack its move, right after a ``Tm``.
_UNIT = rb"(?:(" + _NUM + rb") (" + _NUM + rb") Td )?<([0-9A-Fa-f]+)> Tj\n"
_SPAN = re.compile(rb"(?<=\n)(/Span<</ActualText " + _HEX + rb" >> BDC\n" + _SETUP + rb")"
                   rb"((?:" + _UNIT + rb")+)EMC\n")
_UNIT_RE = re.compile(_UNIT)
_TF_RE = re.compile(rb"(?<![^\n])" + _TF)
#: The next operator that places text: a move, a glyph, an end or a new text matrix.
_NEXT = re.compile(rb"(?<![\w.])(" + _NUM + rb") (" + _NUM + rb") Td\b|\bTj\b|\bTJ\b|\bET\b"
                   rb"|\bTm\b|\bT\*|\bTD\b|'|\"")
#: Operators that would change how far a glyph advances: then the stream is left alone.
_SPACING = re.compile(rb"\b(?:Tc|Tw|Tz)\b")
_MARKER = b"/ActualText"
_ZERO = Decimal(0)
#: Positions closer than this (text space units, ~1/100 pt) are the same place: the
#: widths times the size and Chromium's moves differ in their last digits.
_EPS = Decimal("0.01")

#: A font's glyph widths (1/1000 em) and its default width.
FontWidths = tuple[dict[int, Decimal], Decimal]
#: The widths of a page's font resource by the name its stream uses (None: not a font
#: this module can measure).
Widths = Callable[[bytes], "FontWidths | None"]


@dataclass(frozen=True)
class _Glyph:
    x: Decimal  # position from where the text stood before the span
    y: Decimal
    gid: bytes  # four hex digits
    end: Decimal  # x + advance


def _fmt(value: Decimal) -> bytes:
    """A PDF number as Chromium writes them (no exponent, no trailing zeros, no 0.)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("", "-", "-0"):
        return b"0"
    if text.startswith("0."):
        text = text[1:]
    elif text.startswith("-0."):
        text = "-" + text[2:]
    return text.encode("ascii")


def _num(text: bytes) -> Decimal:
    return Decimal(text.decode("ascii"))


def _glyphs(m: re.Match[bytes], widths: FontWidths, size: Decimal
            ) -> tuple[list[_Glyph], tuple[Decimal, Decimal]] | None:
    """The glyphs of span ``m`` and where its last move left the line; None for a form
    this module does not rewrite (a run placed by an advance it cannot know)."""
    out: list[_Glyph] = []
    x = y = _ZERO
    for i, (dx, dy, run) in enumerate(_UNIT_RE.findall(m.group(5))):
        if not dx:
            if i or not m.group(4):  # a glyph placed by the last one's advance
                return None
        else:
            x, y = x + _num(dx), y + _num(dy)
        if len(run) % 4:
            return None
        at = x
        for k in range(0, len(run), 4):
            gid = run[k:k + 4]
            width = widths[0].get(int(gid, 16), widths[1])
            advance = width * size / 1000
            out.append(_Glyph(at, y, gid.upper(), at + advance))
            at += advance
    return out, (x, y)


def _moves_next(content: bytes, pos: int) -> bool | None:
    """What places the text after ``pos``: True a relative move (``Td``), False a new
    position or the end of the text (nothing to adjust), None a glyph drawn where the
    last one left off (so a span before it must keep its glyphs as they are)."""
    m = _NEXT.search(content, pos)
    if m is None:
        return False
    if m.group(1) is not None:
        return True
    return None if m.group(0) in (b"Tj", b"TJ", b"'", b'"') else False


def _in_order(glyphs: list[_Glyph]) -> list[_Glyph]:
    """The glyphs along the line (stable), one that ends furthest right last."""
    ordered = sorted(glyphs, key=lambda g: g.x)
    right = max(g.end for g in ordered) - _EPS
    last = max((i for i, g in enumerate(ordered) if i and g.end >= right), default=0)
    if last:
        ordered.append(ordered.pop(last))
    return ordered


def _needs_order(glyphs: list[_Glyph]) -> bool:
    """Does an extractor reading from the first glyph's start to the last one's end miss
    part of the cluster?"""
    return (glyphs[-1].end < max(g.end for g in glyphs) - _EPS
            or glyphs[0].x > min(g.x for g in glyphs) + _EPS)


def join_clusters_in_stream(content: bytes, widths: Widths) -> bytes | None:
    """``content`` with each cluster span whose last glyph is not its rightmost rewritten
    in position order; None if no span needed it. ``widths`` gives a font's widths."""
    if _SPACING.search(content):
        return None
    out: list[bytes] = []
    pos = 0
    carry = (_ZERO, _ZERO)  # what the next move must add after a rewritten span
    font: tuple[bytes, Decimal] | None = None
    changed = False
    for m in _SPAN.finditer(content):
        before = content[pos:m.start()]
        for name, size in _TF_RE.findall(before):
            font = (name, _num(size))
        if carry != (_ZERO, _ZERO):
            before, carry = _shift_next_move(before, carry)
        out.append(before)
        pos = m.end()
        if m.group(2):
            font = (m.group(2), _num(m.group(3)))
        if m.group(4):  # the span places its own text: nothing carried reaches it
            carry = (_ZERO, _ZERO)
        table = widths(font[0]) if font else None
        parsed = _glyphs(m, table, font[1]) if table is not None and font else None
        if (parsed is None or not _needs_order(parsed[0])
                or _moves_next(content, m.end()) is None):
            span_text = m.group(0)
            if carry != (_ZERO, _ZERO):  # right after a rewritten span: its first move
                span_text, carry = _shift_next_move(span_text, carry)
            out.append(span_text)
            continue
        glyphs, line = parsed
        changed = True
        span, prev = [m.group(1)], (_ZERO, _ZERO)
        for i, g in enumerate(_in_order(glyphs)):
            dx, dy = g.x - prev[0], g.y - prev[1]
            if i == 0:
                dx, dy = dx + carry[0], dy + carry[1]
            if i or dx or dy or not m.group(4):
                span.append(_fmt(dx) + b" " + _fmt(dy) + b" Td ")
            span.append(b"<" + g.gid + b"> Tj\n")
            prev = (g.x, g.y)
        span.append(b"EMC\n")
        out.append(b"".join(span))
        carry = (line[0] - prev[0], line[1] - prev[1])
    if not changed:
        return None
    rest = content[pos:]
    if carry != (_ZERO, _ZERO):
        rest, carry = _shift_next_move(rest, carry)
    out.append(rest)
    return b"".join(out)


def _shift_next_move(segment: bytes, carry: tuple[Decimal, Decimal]
                     ) -> tuple[bytes, tuple[Decimal, Decimal]]:
    """Add ``carry`` to the first ``Td`` of ``segment``, unless the text object ends or is
    placed anew first; returns the segment and what is left to add (all of it if
    ``segment`` holds no operator that places text)."""
    m = _NEXT.search(segment)
    if m is None:
        return segment, carry
    if m.group(1) is None:
        return segment, (_ZERO, _ZERO)
    dx, dy = _fmt(_num(m.group(1)) + carry[0]), _fmt(_num(m.group(2)) + carry[1])
    return segment[:m.start(1)] + dx + b" " + dy + segment[m.end(2):], (_ZERO, _ZERO)


def font_widths(font: pikepdf.Object) -> FontWidths | None:
    """Glyph id -> width of a Type 0 (CID, Identity-H) font dictionary; None otherwise."""
    import pikepdf

    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    cid = font.DescendantFonts[0]
    if "/CIDToGIDMap" in cid and cid.CIDToGIDMap != "/Identity":
        return None
    default = Decimal(str(cid.get("/DW", 1000)))
    table: dict[int, Decimal] = {}
    w = list(cid.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for k, value in enumerate(w[i + 1]):
                table[first + k] = Decimal(str(value))
            i += 2
        else:
            for gid in range(first, int(w[i + 1]) + 1):
                table[gid] = Decimal(str(w[i + 2]))
            i += 3
    return table, default


def join_mark_clusters(pdf: bytes) -> bytes:
    """``pdf`` with every page's Thai clusters in position order (see the module doc).

    Returns ``pdf`` itself when no cluster needed it; otherwise the rewritten file, saved
    with a content-derived id (same input, same bytes).
    """
    import pikepdf

    changed = False
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            contents = page.obj.get("/Contents")
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            resources = page.obj.get("/Resources")
            fonts = resources.get("/Font") if resources is not None else None
            cache: dict[bytes, FontWidths | None] = {}

            def widths(name: bytes, fonts: pikepdf.Object | None = fonts,
                       cache: dict[bytes, FontWidths | None] = cache) -> FontWidths | None:
                if name not in cache:
                    font = fonts.get("/" + name.decode("latin-1")) if fonts else None
                    cache[name] = font_widths(font) if font is not None else None
                return cache[name]

            for stream in streams:
                if not isinstance(stream, pikepdf.Stream):
                    continue
                data = stream.read_bytes()
                if _MARKER not in data:
                    continue
                fixed = join_clusters_in_stream(data, widths)
                if fixed is not None:
                    stream.write(zlib.compress(fixed, 6), filter=pikepdf.Name.FlateDecode)
                    changed = True
        if not changed:
            return pdf
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
    return out.getvalue()
