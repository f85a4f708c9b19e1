"""krlib.render.pdfimages: charts go into the PDF as their own PNG data, and nothing else changes.

Unit tests take PNGs apart as Pillow writes them. The browser tests print the same page
both ways (Chromium re-encoding the charts, and the placeholders filled with the PNG
data) and compare what a reader gets: the same text (pdftotext), the same number of
pages and the same pixels on every page (pdftoppm), in a smaller file.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from krlib.render import export as render
from krlib.render import pdfimages
from krlib.report import charts
from krlib.report.view import png as figure_html


def pil_png(image: Image.Image, **save) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def palette_image(colours: int, size=(40, 30)) -> Image.Image:
    im = Image.new("RGB", size, "white")
    for i in range(colours):
        im.putpixel((i % size[0], i // size[0]), (i * 7 % 256, i * 13 % 256, i * 29 % 256))
    return im.quantize(colors=max(colours, 2), method=Image.Quantize.FASTOCTREE,
                       dither=Image.Dither.NONE)


@pytest.mark.parametrize("colours", [2, 4, 16, 200])
def test_a_palette_png_is_taken_apart_at_any_bit_depth(colours):
    data = pil_png(palette_image(colours), optimize=True)
    png = pdfimages.palette_png(data)
    assert png is not None and (png.width, png.height) == (40, 30)
    assert png.bits in (1, 2, 4, 8) and len(png.palette) % 3 == 0
    assert png.data[:1] in (b"\x78", b"\x08", b"\x18", b"\x28", b"\x38", b"\x48", b"\x58")


@pytest.mark.parametrize("image", [
    Image.new("RGB", (5, 5), "red"),
    Image.new("RGBA", (5, 5), (0, 0, 0, 10)),
    Image.new("L", (5, 5), 3),
])
def test_other_pngs_are_left_to_the_browser(image):
    assert pdfimages.palette_png(pil_png(image)) is None


def test_transparent_and_broken_pngs_are_left_to_the_browser():
    im = palette_image(4)
    assert pdfimages.palette_png(pil_png(im, transparency=0)) is None
    good = pil_png(im)
    assert pdfimages.palette_png(good[:40]) is None
    assert pdfimages.palette_png(b"GIF89a" + good[6:]) is None


def test_placeholders_replace_only_unsized_palette_pngs():
    chart = base64.b64encode(pil_png(palette_image(16))).decode()
    rgb = base64.b64encode(pil_png(Image.new("RGB", (3, 3), "red"))).decode()
    html = (f'<p>ก่อน</p><img src="data:image/png;base64,{chart}" alt="a &amp; b">'
            f'<img src="data:image/png;base64,{chart}" alt="สอง">'
            f'<img width="10" src="data:image/png;base64,{chart}">'
            f'<img src="data:image/png;base64,{rgb}"><img src="x.png">')
    out, found = pdfimages.with_placeholders(html)
    assert len(found) == 2 and set(found) == {(0, 0, 1), (0, 0, 2)}
    stand_ins = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', out)
    assert len(stand_ins) == 2
    for svg in map(base64.b64decode, stand_ins):  # the chart's own size, one pixel inside
        assert b'width="40" height="30"' in svg and b"data:image/png;base64," in svg
    assert 'alt="a &amp; b"' in out and 'alt="สอง"' in out and "<p>ก่อน</p>" in out
    assert out.count(chart) == 1  # the sized copy is untouched
    assert rgb in out and 'src="x.png"' in out
    for colour in found:  # each placeholder is a valid 1x1 PNG of its colour
        stand_in = pdfimages._placeholder_png(colour)
        with Image.open(io.BytesIO(stand_in)) as im:
            assert im.size == (1, 1) and im.convert("RGB").getpixel((0, 0)) == colour


def test_a_pdf_without_the_placeholders_is_not_swapped():
    pikepdf = pytest.importorskip("pikepdf")
    doc = pikepdf.new()
    doc.add_blank_page()
    buf = io.BytesIO()
    doc.save(buf)
    png = pdfimages.palette_png(pil_png(palette_image(4)))
    with pytest.raises(pdfimages.Unswapped):
        pdfimages.fill_placeholders(buf.getvalue(), {(0, 0, 1): png})
    assert pdfimages.fill_placeholders(buf.getvalue(), {}) == buf.getvalue()


# --- printed by Chromium ----------------------------------------------------------------

def needs_tools():
    try:
        render.chromium_path()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(str(exc))
    for tool in ("pdftotext", "pdftoppm", "pdfimages"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} (poppler-utils) is not installed")


def report_page() -> str:
    """A page of real charts as the reports embed them: a floated locator map, a 50-row
    league chart taller than the print height limit, trend bars, between Thai text."""
    league = pd.DataFrame({"scope_code": [f"10{i:02d}" for i in range(1, 51)],
                           "scope_name_th": [f"เขตทดสอบ{i}" for i in range(1, 51)],
                           "percent": [float(i * 2) for i in range(1, 51)],
                           "met": [i * 2 >= 80 for i in range(1, 51)],
                           "numerator": range(1, 51), "denominator": [50] * 50})
    trend = pd.DataFrame({"quarter": [1, 2], "percent": [43.75, 55.46],
                          "numerator": [77, 193], "denominator": [176, 348]})
    figures = [
        figure_html(charts.locator_map("1010", "เขตมีนบุรี", "ที่ตั้งของเขต"), "แผนที่")
        .replace('class="krlib-figure"', 'class="krlib-figure krlib-locator"'),
        "<h2>ผลการดำเนินงาน</h2>" + "<p>ข้อมูลสะสม นับเป็นคน ไม่ใช่นับครั้ง</p>" * 12,
        figure_html(charts.trend_chart(trend, 100, "แนวโน้มรายไตรมาส"), "แนวโน้ม"),
        figure_html(charts.league_chart(league, 80, "ร้อยละรายเขต"), "ร้อยละรายเขต"),
        "<p>จบรายงาน ดำเนินการ น้ำ ปู่</p>",
    ]
    return (f"<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'><style>"
            f"{render.report_css()}</style></head><body>{''.join(figures)}</body></html>")


def image_colours(pdf: Path) -> list[str]:
    """The colour space of each image in ``pdf`` (``pdfimages -list``'s color column)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout
    return [line.split()[5] for line in listing.splitlines()[2:] if line.strip()]


def pages(pdf: Path, out: Path, dpi: int = 150) -> list[np.ndarray]:
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "p")], check=True)
    return [np.asarray(Image.open(p).convert("RGB"), dtype=int)
            for p in sorted(out.glob("p*.png"))]


def images(pdf: Path, out: Path) -> list[bytes]:
    """The pixels of every image in ``pdf``, as poppler decodes them."""
    out.mkdir()
    subprocess.run(["pdfimages", "-png", str(pdf), str(out / "i")], check=True)
    return [Image.open(p).convert("RGB").tobytes() for p in sorted(out.glob("i*.png"))]


def placements(pdf: Path) -> list[list[float]]:
    """Where each image is drawn: the last ``cm`` matrix before each ``Do``, per page."""
    import pikepdf

    found = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            matrix: list[float] = []
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "cm":
                    matrix = [float(v) for v in operands]
                elif str(op) == "Do":
                    found.append(matrix)
    return found


@pytest.mark.browser
def test_a_page_prints_the_same_with_the_charts_own_png_data(tmp_path):
    needs_tools()
    page = tmp_path / "report.html"
    page.write_text(report_page(), encoding="utf-8")
    plain, embedded = tmp_path / "plain.pdf", tmp_path / "embedded.pdf"
    with render.PdfPrinter(embed_charts=False) as printer:
        printer.print(page, plain)
    with render.PdfPrinter() as printer:
        printer.print(page, embedded)
        time.sleep(1.1)  # Chromium stamps the print time: the file id must not depend on it
        printer.print(page, tmp_path / "again.pdf")
    text = [subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True,
                           text=True, check=True).stdout for p in (plain, embedded)]
    assert text[0] == text[1]
    assert "จบรายงาน" in text[1].replace(" ", "")
    assert image_colours(embedded) == ["index"] * 3  # the three charts, as palette images
    assert image_colours(plain) == ["icc"] * 3
    # the same pixels in each image, drawn in the same place on the same page
    assert images(plain, tmp_path / "ia") == images(embedded, tmp_path / "ib")
    where = [placements(p) for p in (plain, embedded)]
    assert len(where[0]) == len(where[1]) == 3
    for m, n in zip(*where):
        assert m == pytest.approx(n, abs=1e-3)
    a, b = pages(plain, tmp_path / "a"), pages(embedded, tmp_path / "b")
    assert len(a) == len(b) >= 2
    for x, y in zip(a, b):  # poppler rounds an sRGB and a palette image 1 level apart
        assert x.shape == y.shape and np.abs(x - y).max() <= 1
    assert embedded.stat().st_size < plain.stat().st_size
    assert embedded.read_bytes() == (tmp_path / "again.pdf").read_bytes()


@pytest.mark.browser
def test_a_page_whose_placeholders_go_missing_prints_the_plain_way(tmp_path, monkeypatch):
    needs_tools()
    page = tmp_path / "report.html"
    page.write_text(report_page(), encoding="utf-8")

    def lose_one(pdf, found):
        found = dict(found)
        found[(9, 9, 9)] = next(iter(found.values()))
        return real(pdf, found)

    real = pdfimages.fill_placeholders
    monkeypatch.setattr(pdfimages, "fill_placeholders", lose_one)
    with render.PdfPrinter() as printer:
        printer.print(page, tmp_path / "out.pdf")
    assert image_colours(tmp_path / "out.pdf") == ["icc"] * 3  # Chromium's own encoding
