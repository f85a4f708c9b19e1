"""``make docs``: pdoc writes an API reference from the docstrings (git-ignored folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_pdoc_writes_the_api_reference(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pdoc", "--docformat", "markdown", "-o",
                           str(tmp_path), "krlib", "krlib.batch.run", "krlib.batch.options"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "krlib" / "batch.html").read_text("utf-8")
    assert "run_report" in page and "replaces" in page  # the docstring, not only the name
    assert "check" in (tmp_path / "krlib" / "options.html").read_text("utf-8")


def test_docs_folder_is_ignored_by_git():
    proc = subprocess.run(["git", "check-ignore", "-q", "build/docs/index.html"], cwd=ROOT)
    if proc.returncode == 128:
        pytest.skip("not a git checkout")
    assert proc.returncode == 0
