"""krlib.render.pdftext: Thai clusters whose marks Chromium writes out of order along the line
(ฟื้, ปี่, ฝั่: a tone mark left of the vowel it sits on) are put in position order, so
pdftotext reads ฟื้นฟู, not ฟื้ นฟู (issue 24, item 16). The unit tests rewrite content
streams in Chromium's form; the browser test prints every consonant + vowel + tone
cluster and finds each whole in the text layer, with the page drawn the same."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from krlib.render import pdftext

# ฟื้ as Chromium writes it: ฟ, the narrow ื at ฟ's advance, the tone 3.63 further left,
# then น at ฟ's advance again (each Td is relative to the last).
FUEE = (b"/Span<</ActualText <FEFF0E1F0E370E49> >> BDC\n"
        b"7.470047 0 Td <00A3> Tj\n"
        b"11.0850067 0 Td <017B> Tj\n"
        b"-3.6300049 0 Td <0167> Tj\n"
        b"EMC\n")
NEXT = b"3.6300812 0 Td <009D> Tj\n"
# ... and at 13 px with ฟ and its vowel in one run: the vowel sits at ฟ's advance (9.36)
FUEE_RUN = (b"/Span<</ActualText <FEFF0E1F0E370E48> >> BDC\n"
            b"7.4880066 0 Td <00A3017B> Tj\n"
            b"6.6950073 0 Td <0164> Tj\n"
            b"EMC\n"
            b"2.6650085 0 Td <009D> Tj\n")
# Sarabun's widths (1/1000 em) of the glyphs used here; marks are 0 (the default).
WIDTHS = {0x01: 220, 0x7F: 597, 0x82: 594, 0x98: 588, 0x9D: 637, 0x9F: 628, 0xA3: 720,
          0xB7: 520, 0xB9: 530}


def widths(name: bytes):
    assert name == b"F4"
    return {k: Decimal(v) for k, v in WIDTHS.items()}, Decimal(0)


def join(stream: bytes) -> bytes | None:
    return pdftext.join_clusters_in_stream(stream, widths)


def text_object(size: str, *parts: bytes) -> bytes:
    return (f"BT\n/F4 {size} Tf\n1 0 0 -1 20 30 Tm\n<007F> Tj\n".encode()
            + b"".join(parts) + b"ET\n")


def positions(stream: bytes) -> list[tuple[Decimal, Decimal, str]]:
    """Where each glyph of ``stream`` (one text object in Chromium's form) is drawn."""
    size = Decimal(re.search(rb"/F4 (\S+) Tf", stream).group(1).decode())
    x = y = Decimal(0)
    out = []
    for m in re.finditer(rb"(?:(\S+) (\S+) Td )?<([0-9A-F]+)> Tj", stream):
        if m.group(1):
            x, y = x + Decimal(m.group(1).decode()), y + Decimal(m.group(2).decode())
        at = x
        for k in range(0, len(m.group(3)), 4):
            gid = m.group(3)[k:k + 4].decode()
            out.append((round(at, 4), round(y, 4), gid))
            at += Decimal(WIDTHS.get(int(gid, 16), 0)) * size / 1000
    return sorted(out)


def span_of(stream: bytes) -> bytes:
    return stream[stream.index(b"/Span"):stream.index(b"EMC")]


def test_a_tone_left_of_its_vowel_is_written_before_it_at_the_same_place():
    stream = text_object("15.39583", FUEE, NEXT)
    fixed = join(stream)
    assert fixed is not None
    span = span_of(fixed)
    assert span.index(b"<0167>") < span.index(b"<017B>")  # the rightmost glyph comes last
    assert positions(fixed) == positions(stream)  # every glyph where it was
    assert fixed.endswith(b"<009D> Tj\nET\n")


def test_a_run_of_glyphs_is_split_so_the_vowel_at_the_advance_comes_last():
    stream = text_object("13", FUEE_RUN)
    fixed = join(stream)
    assert fixed is not None
    span = span_of(fixed)
    assert span.index(b"<00A3>") < span.index(b"<0164>") < span.index(b"<017B>")
    assert positions(fixed) == positions(stream)


def test_vertical_offsets_and_spans_one_after_another_keep_their_positions():
    pii = (b"/Span<</ActualText <FEFF0E1B0E310E48> >> BDC\n"
           b"8.6400604 0 Td <009F> Tj\n9.8249817 0 Td <0162> Tj\n"
           b"-2.4449768 -.47999573 Td <0164> Tj\nEMC\n")
    stream = text_object("15.39583", pii, FUEE, pii, FUEE_RUN, NEXT)
    fixed = join(stream)
    assert fixed is not None and fixed != stream
    assert positions(fixed) == positions(stream)


def test_a_span_that_starts_a_text_object_keeps_its_place():
    first = (b"BT\n/Span<</ActualText <FEFF0E1F0E370E49> >> BDC\n/F4 15 Tf\n"
             b"1 0 0 -1 137.96875 393 Tm\n<00A3> Tj\n10.8 0 Td <017B> Tj\n"
             b"-3.63 0 Td <0167> Tj\nEMC\n3.63 0 Td <009D> Tj\nET\n")
    fixed = join(first)
    assert fixed is not None and positions(fixed) == positions(first)
    assert b"BDC\n/F4 15 Tf\n1 0 0 -1 137.96875 393 Tm\n<00A3> Tj\n" in fixed


def test_spans_in_order_and_forms_it_cannot_measure_are_left_alone():
    ordered = text_object("15", b"/Span<</ActualText <FEFF0E140E33> >> BDC\n"
                          b"5.1576843 0 Td <0098> Tj\n8.82 0 Td <017C> Tj\n"
                          b".104446411 0 Td <00B7> Tj\nEMC\n5.168335 0 Td <00B9> Tj\n")
    assert join(ordered) is None
    # a glyph after the span drawn at the span's end (no move of its own)
    assert join(text_object("15", FUEE, b"<009D> Tj\n")) is None
    # spacing operators change every advance
    assert join(text_object("15", b".5 Tc\n", FUEE, NEXT)) is None


def test_numbers_are_written_as_chromium_writes_them():
    assert pdftext._fmt(Decimal("0.5")) == b".5"
    assert pdftext._fmt(Decimal("-0.250")) == b"-.25"
    assert pdftext._fmt(Decimal("3.0000")) == b"3"
    assert pdftext._fmt(Decimal("-0.000")) == b"0"
    assert pdftext._fmt(Decimal("12.0850067")) == b"12.0850067"


# --- in Chromium -------------------------------------------------------------------------

CONSONANTS = [chr(c) for c in range(0x0E01, 0x0E2F)]
UPPER = ["", "\u0e31", "\u0e34", "\u0e35", "\u0e36", "\u0e37"]
TONES = ["\u0e48", "\u0e49", "\u0e4a", "\u0e4b", "\u0e4c"]


def cluster_words() -> list[str]:
    """ก + every consonant + (upper vowel) + tone + นา: 1,380 words, ป ฝ ฟ included."""
    return ["ก" + c + v + t + "นา" for c in CONSONANTS for v in UPPER for t in TONES]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def pixels(pdf: Path, out: Path) -> list:
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(out)], check=True)
    return [Image.open(p).convert("L") for p in sorted(out.parent.glob(out.name + "*.png"))]


@pytest.mark.browser
def test_every_cluster_is_one_word_in_the_text_layer_and_the_page_looks_the_same(
        tmp_path, monkeypatch):
    from PIL import ImageChops

    from krlib.render import export as render

    for tool in ("pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: run 'bash scripts/setup-system.sh' (poppler-utils)")
    words = cluster_words() + ["ร้อยละของผู้ที่ได้รับการฟื้นฟูสภาพทางสังคม", "ป้อมปราบศัตรูพ่าย"]
    spans = " ".join(f'<span style="white-space: nowrap">{w}</span>' for w in words)
    page = tmp_path / "clusters.html"
    page.write_text("<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'><style>"
                    f"{render.report_css()}</style></head><body><p>{spans}</p>"
                    f"<h2>{spans}</h2></body></html>", encoding="utf-8")
    monkeypatch.setattr(render, "join_mark_clusters", lambda data: data)
    with render.PdfPrinter() as printer:
        printer.print(page, tmp_path / "raw.pdf")
    raw = (tmp_path / "raw.pdf").read_bytes()
    (tmp_path / "fixed.pdf").write_bytes(pdftext.join_mark_clusters(raw))
    assert pdftext.join_mark_clusters(raw) == (tmp_path / "fixed.pdf").read_bytes()

    before = set(pdftotext(tmp_path / "raw.pdf").split())
    assert [w for w in words if w not in before], "Chromium's order no longer splits: recheck"
    text = pdftotext(tmp_path / "fixed.pdf")
    assert not [w for w in words if w not in set(text.split())]
    assert text.count("ฟื้นฟู") == 2

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    old, new = pixels(tmp_path / "raw.pdf", tmp_path / "a" / "p"), pixels(
        tmp_path / "fixed.pdf", tmp_path / "b" / "p")
    assert len(old) == len(new) > 0
    for a, b in zip(old, new):
        diff = ImageChops.difference(a, b)
        changed = sum(diff.histogram()[9:])
        assert changed <= 3, changed  # anti-aliasing of overlapping marks at most
