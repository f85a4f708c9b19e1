"""Charts go into the PDF as the PNGs they are, not re-encoded by the browser.

Chromium prints an embedded PNG by decoding it and compressing the pixels again as
24-bit RGB: for a report's ten 200 ppi charts that was half of the CPU of printing it
(measured: 0.29 s a PDF, 0.16 s with 1-pixel images) and most of the PDF's size. But a
PDF image can hold a PNG's own compressed data as it is: an indexed (palette) image with
the PNG predictor, which is how the charts are written (:func:`krlib.report.charts._palette_png`).

So the page is printed with each chart replaced by a stand-in of the chart's natural
size (an SVG, so the layout, the page breaks and the text are those of the real page)
that draws a one-pixel image of a unique colour over the chart's box; those 1x1 images
in the PDF are then filled with the charts' PNG data (pikepdf), drawn in the same box.
The colour space stays the one Chromium gave the image (its sRGB profile), now as the
base of the palette. Every placeholder must be found exactly once; otherwise the page is
printed the plain way (:class:`Unswapped`).
Images that are not opaque palette PNGs are left to the browser.
"""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from dataclasses import dataclass

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_PNG_SRC = re.compile(r'\ssrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"', re.I)
_SIZED = re.compile(r"\s(?:style|width|height)\s*=", re.I)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Unswapped(Exception):  # noqa: N818 - a signal to print the plain way, not an error
    """The printed PDF did not hold the placeholders as expected."""


@dataclass(frozen=True)
class PalettePng:
    """The parts of an 8-bit-or-less palette PNG a PDF image needs."""

    width: int
    height: int
    bits: int
    palette: bytes  # PLTE: RGB triplets
    data: bytes  # the IDAT chunks joined: zlib data, filtered per PNG row


def palette_png(data: bytes) -> PalettePng | None:
    """``data`` as a :class:`PalettePng`, or None if it is anything else (RGB, alpha,
    transparency, interlaced, broken): those are printed by the browser as before."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    pos = len(PNG_SIGNATURE)
    chunks: dict[bytes, bytes] = {}
    idat: list[bytes] = []
    try:
        while pos + 8 <= len(data):
            (size,) = struct.unpack(">I", data[pos:pos + 4])
            kind = data[pos + 4:pos + 8]
            body = data[pos + 8:pos + 8 + size]
            if len(body) != size:
                return None
            if kind == b"IDAT":
                idat.append(body)
            else:
                chunks.setdefault(kind, body)
            pos += 12 + size
            if kind == b"IEND":
                break
        width, height, bits, colour, _, _, interlace = struct.unpack(">IIBBBBB",
                                                                       chunks[b"IHDR"])
    except (KeyError, struct.error):
        return None
    if colour != 3 or interlace or b"tRNS" in chunks or b"PLTE" not in chunks or not idat:
        return None
    return PalettePng(width, height, bits, chunks[b"PLTE"], b"".join(idat))


def _placeholder_png(colour: tuple[int, int, int]) -> bytes:
    """A 1x1 RGB PNG of one colour (written by hand: it is 69 bytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(colour), 9)) + chunk(b"IEND", b""))


def _stand_in(png: PalettePng, colour: tuple[int, int, int]) -> str:
    """A data URL with the chart's natural size that draws a 1x1 image over its box.

    An SVG of the chart's width and height: the page lays it out exactly as the PNG
    (same size, same ratio under max-width / max-height), and Chromium prints it as a
    drawing of one 1-pixel image stretched over the box, which is then filled.
    """
    pixel = base64.b64encode(_placeholder_png(colour)).decode("ascii")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{png.width}" '
           f'height="{png.height}" viewBox="0 0 1 1" preserveAspectRatio="none">'
           f'<image width="1" height="1" preserveAspectRatio="none" '
           f'href="data:image/png;base64,{pixel}"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")


def with_placeholders(html: str) -> tuple[str, dict[tuple[int, int, int], PalettePng]]:
    """``html`` with each opaque palette PNG (an ``<img>`` without its own size) replaced
    by a 1x1 placeholder of the same displayed size; and the charts by placeholder colour.
    """
    charts: dict[tuple[int, int, int], PalettePng] = {}

    def replace(tag_match: re.Match[str]) -> str:
        tag: str = tag_match.group(0)
        src = _PNG_SRC.search(tag)
        if src is None or _SIZED.search(tag):
            return tag
        try:
            png = palette_png(base64.b64decode(src.group(1), validate=False))
        except ValueError:
            png = None
        if png is None or len(charts) >= 0xFFFFFF:
            return tag
        n = len(charts) + 1
        colour = ((n >> 16) & 255, (n >> 8) & 255, n & 255)
        charts[colour] = png
        return tag[:src.start()] + f' src="{_stand_in(png, colour)}"' + tag[src.end():]

    return _IMG.sub(replace, html), charts


def fill_placeholders(pdf: bytes, charts: dict[tuple[int, int, int], PalettePng]) -> bytes:
    """The printed ``pdf`` with every placeholder image holding its chart's PNG data.

    Raises :class:`Unswapped` unless each chart's placeholder is found exactly once.
    """
    import pikepdf

    if not charts:
        return pdf
    found: dict[tuple[int, int, int], int] = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if (not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != "/Image"
                    or int(obj.get("/Width", 0)) != 1 or int(obj.get("/Height", 0)) != 1
                    or "/SMask" in obj or int(obj.get("/BitsPerComponent", 0)) != 8):
                continue
            pixel = obj.read_bytes()
            colour = (pixel[0], pixel[1], pixel[2]) if len(pixel) == 3 else None
            png = charts.get(colour) if colour else None
            if png is None or colour is None:
                continue
            found[colour] = found.get(colour, 0) + 1
            base = obj.get("/ColorSpace", pikepdf.Name.DeviceRGB)
            obj.write(png.data, filter=pikepdf.Name.FlateDecode,
                      decode_parms=pikepdf.Dictionary(Predictor=15, Colors=1,
                                                      BitsPerComponent=png.bits,
                                                      Columns=png.width))
            obj.Width, obj.Height, obj.BitsPerComponent = png.width, png.height, png.bits
            obj.ColorSpace = pikepdf.Array([pikepdf.Name.Indexed, base,
                                            len(png.palette) // 3 - 1,
                                            pikepdf.String(png.palette)])
        if found.keys() != charts.keys() or any(n != 1 for n in found.values()):
            raise Unswapped(f"{len(found)} of {len(charts)} chart placeholders found")
        out = io.BytesIO()
        # deterministic_id: the file id is a hash of the content, not of the time
        doc.save(out, deterministic_id=True)
    return out.getvalue()
