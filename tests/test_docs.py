"""``make docs``: pdoc writes an API reference from the docstrings (git-ignored folder).

The docstrings are reST-ish (``code``, :class:`x`, :meth:`y`, "Example::" and an indented
block): the reference is built as the Makefile builds it (its ``PDOC_FLAGS``:
``--docformat restructuredtext`` and the template in ``scripts/pdoc/``, same module list),
and no rendered docstring may show reST markup as text or an example as a paragraph.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pdoc_flags() -> list[str]:
    make = (ROOT / "Makefile").read_text("utf-8")
    found = re.search(r"^PDOC_FLAGS\s*:?=\s*(.+)$", make, flags=re.M)
    assert found, "Makefile: PDOC_FLAGS"
    assert "$(PDOC_FLAGS)" in make.split("\ndocs:", 1)[1].split("\n\n", 1)[0]
    return shlex.split(found.group(1))


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    """The reference as ``make docs`` writes it (krlib and each of its top modules)."""
    import pkgutil

    import krlib

    out = tmp_path_factory.mktemp("docs")
    modules = sorted("krlib." + m.name for m in pkgutil.iter_modules(krlib.__path__))
    proc = subprocess.run([sys.executable, "-m", "pdoc", *_pdoc_flags(), "-o", str(out),
                           "krlib", *modules], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


class _Docstrings(HTMLParser):
    """The text of every rendered docstring (``<div class="docstring">``): ``prose`` outside
    ``<pre>`` / ``<code>``, ``code`` the text of each ``<pre>`` block."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.in_code = 0
        self.prose: list[str] = []
        self.code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth:
            self.depth += tag == "div"
            if tag in ("pre", "code"):
                self.in_code += 1
                if tag == "pre":
                    self.code.append("")
        elif tag == "div" and "docstring" in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.prose.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= tag == "div"
            self.in_code -= tag in ("pre", "code")

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        if self.in_code:
            if self.code:
                self.code[-1] += data
            if "~" in data.lstrip()[:1]:
                self.prose[-1] += data  # a Sphinx "~" left in a code span is raw markup
        else:
            self.prose[-1] += data


def _docstrings(page: Path) -> _Docstrings:
    parser = _Docstrings()
    parser.feed(page.read_text("utf-8"))
    return parser


RAW = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj):`|``|::$|^~|"
                 r"\bdrop = krlib\.load\(|^\s*figs = ", flags=re.M)


@pytest.mark.slow
def test_docs_show_no_rest_markup_and_examples_as_code(docs):
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) > 30
    raw = {}
    for page in pages:
        found = [m.group(0) for text in _docstrings(page).prose for m in RAW.finditer(text)]
        if found:
            raw[str(page.relative_to(docs))] = found[:5]
    assert not raw, f"raw reST or an example outside a code block: {raw}"
    api = _docstrings(docs / "krlib" / "api.html")
    examples = [c for c in api.code if 'krlib.load("data/demo")' in c]
    assert len(examples) >= 3, api.code  # the module's, Drop's and load()'s examples
    assert any("where=" in c for c in api.code)
    top = _docstrings(docs / "krlib.html")
    assert any("drop.indicators(2568, 4" in c for c in top.code), top.code
    page = (docs / "krlib" / "api.html").read_text("utf-8")
    assert '<a href="errors.html#OptionError">krlib.errors.OptionError</a>' in page  # a link


@pytest.mark.slow
def test_pdoc_writes_the_api_reference(docs):
    page = (docs / "krlib" / "batch" / "run.html").read_text("utf-8")
    assert "run_report" in page and "replaces" in page  # the docstring, not only the name
    assert "check" in (docs / "krlib" / "batch" / "options.html").read_text("utf-8")


def test_docs_folder_is_ignored_by_git():
    proc = subprocess.run(["git", "check-ignore", "-q", "build/docs/index.html"], cwd=ROOT)
    if proc.returncode == 128:
        pytest.skip("not a git checkout")
    assert proc.returncode == 0
