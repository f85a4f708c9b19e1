"""The report's CSS lives in package data (``templates/krlib/static/*.css``), read once
per process, and names the embedded font (issue 24: CSS out of Python strings)."""

from __future__ import annotations

from krlib.fonts import FAMILY
from krlib.render import export as render

SHEETS = ("page.css", "lab-inline.css", "report.css")


def test_stylesheets_are_package_files_read_once_without_their_comment():
    for name in SHEETS:
        path = render.STATIC / name
        assert path.is_file(), path
        assert path.read_text("utf-8").startswith("/*")  # says what the file is for
        text = render.stylesheet(name)
        assert text is render.stylesheet(name)  # cached: read once per process
        assert "krlib.render.export" not in text  # the comment is not shipped
        assert text in render.report_css()


def test_stylesheets_name_the_embedded_font():
    for name in ("page.css", "report.css"):
        assert f"'{FAMILY}'" in render.stylesheet(name)
    assert f"font-family: '{FAMILY}'" in render.font_face_css()
