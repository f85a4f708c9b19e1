"""krlib is installable: a wheel built from the repository carries the notebooks, the HTML
templates and the KR files, and ``krlib report`` works from it in a fresh virtual
environment, run from a folder outside the checkout.

Offline and fast: the wheel is built without build isolation, and the fresh venv borrows
the project venv's third-party packages through a ``.pth`` line (their Jupyter data files
through ``JUPYTER_PATH``), while krlib itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _source_files() -> list[str]:
    """The repository's files (tracked and new, not ignored), tests and data left out."""
    proc = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    return [f for f in proc.stdout.splitlines()
            if not f.startswith(("tests/", "data/", "reports/")) and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("wheel-src")
    for name in _source_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(dist), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (whl,) = dist.glob("krlib-*.whl")
    return whl


def test_wheel_carries_notebooks_templates_and_kr_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"krlib/notebooks/{nb.name}" in names, nb.name
    for tpl in (ROOT / "src" / "krlib" / "templates").rglob("*"):
        if tpl.is_file():
            rel = tpl.relative_to(ROOT / "src").as_posix()
            assert rel in names, rel
    for kr in (ROOT / "src" / "krlib" / "krs").glob("*.yaml"):
        assert f"krlib/krs/{kr.name}" in names, kr.name
    shipped = zipfile.ZipFile(wheel).read("krlib/notebooks/district_report.ipynb")
    assert shipped == (ROOT / "notebooks" / "district_report.ipynb").read_bytes()


def test_report_from_the_wheel_in_a_fresh_venv(wheel, tmp_path):
    from krlib.demo import write_demo_drop

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # The wheel first (pip must not see the project venv's krlib and skip it as installed)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                    "--no-deps", "--force-reinstall", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    # then third-party packages from the project venv; a plain path line, so the venv's
    # editable krlib (a .pth hook of its own there) is not activated.
    Path(purelib, "_borrowed_deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # nbconvert's templates
    where = tmp_path / "elsewhere"
    where.mkdir()
    probe = subprocess.run(
        [str(py), "-c",
         "import krlib.batch.run as b; print(b.__file__); print(b.default_notebook())"],
        capture_output=True, text=True, env=env, cwd=where, check=True).stdout.split()
    assert all(p.startswith(purelib) for p in probe), probe  # krlib and its notebook: the wheel
    drop = tmp_path / "drop"
    write_demo_drop(drop, seed=4, scale=0.15, fmt="csv")
    proc = subprocess.run(
        [str(venv / "bin" / "krlib"), "report", "--data", str(drop), "--fiscal-year", "2568",
         "--quarter", "2", "--district", "1001", "--format", "html", "--out", "out",
         "--workers", "1", "--quiet"],
        capture_output=True, text=True, env=env, cwd=where, timeout=600)
    assert proc.returncode == 0, proc.stderr
    page = (where / "out" / "2568-Q2" / "1001.html").read_text("utf-8")
    assert "<h1" in page and "hl-ipython3" not in page  # a report, without code cells
    executed = (where / "out" / "2568-Q2" / "notebooks" / "1001.ipynb").read_text("utf-8")
    assert "KR 8207 1001 2568-Q2:" in executed  # the key figures cell ran
    verify = subprocess.run([str(venv / "bin" / "krlib"), "verify", "out/2568-Q2"], env=env,
                            cwd=where, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
