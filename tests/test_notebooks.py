"""The notebooks: stored clean, and executed by nbval against the demo drop with the key
figures compared to the independent reference implementation (tests/reference.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from papermill.parameterize import parameterize_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FY, Q = 2568, 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: cell {cell.get('id')} has outputs"
            assert cell["execution_count"] is None, f"{path.name}: cell {cell.get('id')} ran"
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"


@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> Path:
    from krlib.demo import write_demo_drop

    out = tmp_path_factory.mktemp("nbdrop")
    write_demo_drop(out, seed=5, scale=0.3)
    return out


def _expected_key_figures(drop: Path, scope: str, skew: int = 0) -> str:
    """The key-figures text, from the reference implementation (not from krlib)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import reference

    ref = reference.compute(drop, FY, Q)
    lines = []
    for code in ("8207", "5122"):
        row = next(r for r in ref.kr_results if r["kr_code"] == code and r["scope_code"] == scope)
        num = int(row["numerator"]) + skew
        lines.append(f"KR {code} {scope} {FY}-Q{Q}: {num}/{row['denominator']} "
                     f"percent={row['percent']} met={row['met_target']}")
    return "\n".join(lines) + "\n"


def _parameterize(name: str, params: dict):
    from papermill.iorw import load_notebook_node

    nb = load_notebook_node(str(ROOT / "notebooks" / name))  # adds papermill's metadata
    return parameterize_notebook(nb, params)


def _nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), str(path)],
        capture_output=True, text=True, cwd=path.parent, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("scope", ["1001", "BMA"])
def test_district_report_key_figures_under_nbval(drop, tmp_path, scope):
    nb = _parameterize("district_report.ipynb", {"data_dir": str(drop), "fiscal_year": FY,
                                                 "quarter": Q, "district": scope})
    key = next(c for c in nb.cells if "key-figures" in c.metadata.get("tags", []))
    key.execution_count = 1  # nbval compares only cells that "ran"
    key.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                          text=_expected_key_figures(drop, scope))]
    path = tmp_path / f"district_report_{scope}.ipynb"
    nbformat.write(nb, path)
    proc = _nbval(path)
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["data_quality.ipynb", "methods.ipynb"])
def test_other_notebooks_run_under_nbval(drop, tmp_path, name):
    nb = _parameterize(name, {"data_dir": str(drop)})
    path = tmp_path / name
    nbformat.write(nb, path)
    proc = _nbval(path)
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.slow
def test_nbval_catches_a_wrong_figure(drop, tmp_path):
    """The key-figures check can fail: one person more than the reference is caught."""
    nb = _parameterize("district_report.ipynb", {"data_dir": str(drop), "fiscal_year": FY,
                                                 "quarter": Q, "district": "BMA"})
    key = next(c for c in nb.cells if "key-figures" in c.metadata.get("tags", []))
    key.execution_count = 1
    key.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                          text=_expected_key_figures(drop, "BMA", skew=1))]
    path = tmp_path / "district_report_wrong.ipynb"
    nbformat.write(nb, path)
    proc = _nbval(path)
    assert proc.returncode != 0 and "key_figures" in proc.stdout
