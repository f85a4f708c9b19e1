"""notebooks/methods.ipynb follows its parameters and the library (issue 17, item 3).

Static checks are fast; the slow test runs it with papermill on parameters other than
its defaults and checks that what it prints follows them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "methods.ipynb"


def cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def code_text() -> str:
    """Every code cell but the parameters cell (whose values are meant to be literals)."""
    return "\n".join(source(c) for c in cells() if c["cell_type"] == "code"
                     and "parameters" not in c["metadata"].get("tags", []))


def test_parameters_cell_names_period_and_district():
    params = next(c for c in cells() if "parameters" in c["metadata"].get("tags", []))
    names = set(re.findall(r"^(\w+) =", source(params), flags=re.M))
    assert {"data_dir", "fiscal_year", "quarter", "district"} <= names


def test_autoreload_opens_the_first_cell_after_parameters():
    code = [c for c in cells() if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert source(code[1]).splitlines()[:2] == ["%load_ext autoreload", "%autoreload 2"]
    text = " ".join(source(c) for c in cells() if c["cell_type"] == "markdown")
    assert "autoreload" in text and "restart" in text  # the notebook says why


@pytest.mark.parametrize("pattern", [
    r"periods\[\d\]", r"quarter\s*==\s*\d", r"[\"']unknown[\"']", r"[\"']BMA[\"']",
    r"Period\(\s*fiscal_year\s*,\s*\d", r"in_window|home_districts|where_mask|load_drop",
    r"ki\.compute\(",
])
def test_no_hard_coded_quarter_scope_or_reimplemented_method(pattern):
    assert not re.search(pattern, code_text()), pattern


def test_it_says_which_method_is_the_contracts():
    text = " ".join(source(c) for c in cells() if c["cell_type"] == "markdown")
    assert "the contract's method" in text and "cumulative=True" in text
    assert 'rounding="half_up"' in text


@pytest.mark.slow
def test_runs_on_other_parameters(tmp_path):
    import papermill

    from krlib.demo import write_demo_drop

    drop = tmp_path / "drop"
    write_demo_drop(drop, seed=2, scale=0.3)
    out = tmp_path / "methods.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), cwd=str(NOTEBOOK.parent),
                               parameters={"data_dir": str(drop), "fiscal_year": 2568,
                                           "quarter": 3, "district": "เขตวัฒนา"},
                               progress_bar=False, kernel_name="python3")
    nb = json.loads(out.read_text(encoding="utf-8"))
    printed = "".join(t for c in nb["cells"] if c["cell_type"] == "code"
                      for o in c["outputs"] for t in o.get("text", ""))
    assert "ไตรมาส 3 ปีงบประมาณ พ.ศ. 2568 · เขตวัฒนา (1039)" in printed
    assert "ไตรมาส 4" not in printed
    import krlib

    want = krlib.load(drop).variants(2568, 3, district="1039")
    shown = next(o for c in nb["cells"] if c.get("id") == "variants" for o in c["outputs"]
                 if o.get("output_type") == "display_data")
    cells_shown = re.findall(r"<td>([^<]*)</td>", "".join(shown["data"]["text/html"]))
    numbers = {float(t) for t in cells_shown if re.fullmatch(r"-?\d+(\.\d+)?", t)}
    assert set(want["percent"].dropna()) <= numbers
    assert set(want["denominator"]) <= numbers
