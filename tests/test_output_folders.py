"""One check of the folder a command writes into (:mod:`krlib.outputs.folders`), for every
command that writes: ``indicators --out``, ``report --out``, the folder of ``worklist
--out FILE`` and ``demo-data OUT_DIR``. Each refused place ends with exit 2 and one line
naming the option, before anything is read or written."""

from __future__ import annotations

import errno
import shutil
import sys
from pathlib import Path

import pytest

from krlib.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mounts import set_readonly, tmpfs  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"
PERIOD = ["--fiscal-year", "2568", "--quarter", "2"]


def indicators(drop: Path, folder: Path) -> list[str]:
    return ["indicators", "--data", str(drop), *PERIOD, "--out", str(folder), "--quiet"]


def report(drop: Path, folder: Path) -> list[str]:
    return ["report", "--data", str(drop), *PERIOD, "--district", "BMA", "--format", "html",
            "--out", str(folder), "--quiet"]


def worklist(drop: Path, folder: Path) -> list[str]:  # the file goes into ``folder``
    return ["worklist", "--data", str(drop), *PERIOD, "--kr", "8207", "--district", "1001",
            "--out", str(folder / "w.csv")]


def demo_data(drop: Path, folder: Path) -> list[str]:
    return ["demo-data", str(folder), "--scale", "0.01", "--format", "csv"]


COMMANDS = {"indicators": (indicators, "--out"), "report": (report, "--out"),
            "worklist": (worklist, "--out"), "demo-data": (demo_data, "OUT_DIR")}
WITH_DATA = ["indicators", "report", "worklist"]  # commands reading a drop


@pytest.fixture
def drop(tmp_path) -> Path:
    out = tmp_path / "drop"
    shutil.copytree(EXAMPLE, out)
    return out


def refused(capsys, args: list[str], option: str) -> str:
    capsys.readouterr()
    assert main(args) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1, err
    line = err[0]
    assert line.startswith("krlib: error: ") and option in line, line
    assert "Traceback" not in line and "internal error" not in line, line
    assert captured.out == ""
    return line


def _tree(folder: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(folder)), p.read_bytes() if p.is_file() else b"")
                  for p in folder.rglob("*"))


@pytest.mark.parametrize("command", WITH_DATA)
@pytest.mark.parametrize("where, needle", [
    (lambda d: d, "inside the data folder"),
    (lambda d: d / "out", "inside the data folder"),
    (lambda d: d / "sub" / "deeper", "inside the data folder"),
])
def test_the_drop_and_below_are_refused(drop, capsys, command, where, needle):
    make, option = COMMANDS[command]
    before = _tree(drop)
    assert needle in refused(capsys, make(drop, where(drop)), option)
    assert _tree(drop) == before  # nothing was written into the drop


@pytest.mark.parametrize("command", ["indicators", "report"])
def test_a_folder_holding_the_drop_is_refused(drop, capsys, command):
    make, option = COMMANDS[command]
    assert "inside the output folder" in refused(capsys, make(drop, drop.parent), option)


def test_a_worklist_may_sit_above_the_drop(drop, capsys):
    """A worklist file beside the drop's folder is not inside it: only reports (hashed
    folders) may not contain the drop."""
    assert main(worklist(drop, drop.parent)) == 0
    assert (drop.parent / "w.csv").is_file()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_is_refused(drop, tmp_path, capsys, command):
    make, option = COMMANDS[command]
    f = tmp_path / "a-file.csv"
    f.write_text("x", encoding="utf-8")
    assert "is a file" in refused(capsys, make(drop, f), option)
    assert f.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_below_a_file_is_refused(drop, tmp_path, capsys, command):
    make, option = COMMANDS[command]
    f = tmp_path / "a-file.csv"
    f.write_text("x", encoding="utf-8")
    line = refused(capsys, make(drop, f / "sub" / "deeper"), option)
    assert "is a file" in line and str(f) in line


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_read_only_folder_is_refused(drop, tmp_path, capsys, command):
    make, option = COMMANDS[command]
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        (mnt / "old").mkdir()
        set_readonly(mnt)
        assert "read-only" in refused(capsys, make(drop, mnt), option)
        assert "cannot create the folder" in refused(capsys, make(drop, mnt / "new"), option) \
            or command == "worklist"
        assert "read-only" in refused(capsys, make(drop, mnt / "old"), option)


def test_a_worklist_folder_must_exist(drop, tmp_path, capsys):
    line = refused(capsys, worklist(drop, tmp_path / "nope"), "--out")
    assert "does not exist" in line
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize("command", ["indicators", "demo-data"])
def test_a_good_folder_is_created(drop, tmp_path, command):
    make, _ = COMMANDS[command]
    out = tmp_path / "new" / "out"
    assert main(make(drop, out)) == 0
    assert out.is_dir() and any(out.iterdir())


def test_indicators_refuses_before_creating_anything(tmp_path, capsys):
    """A bad drop stops ``krlib indicators`` before its output folder is made."""
    out = tmp_path / "out"
    refused(capsys, indicators(tmp_path / "no-such-drop", out), "--data")
    assert not out.exists()


def _raised(make):
    try:
        make()
    except BaseException as exc:  # noqa: BLE001 - the exception is what is tested
        return exc
    raise AssertionError("nothing raised")


def _full():
    raise OSError(errno.ENOSPC, "No space left on device", "x/1001.html")


def _wrapped():  # as xlsxwriter wraps an OSError in FileCreateError
    try:
        _full()
    except OSError as exc:
        raise RuntimeError(f"cannot create file: {exc}")  # noqa: B904 - context, not cause


def _hidden():
    try:
        _full()
    except OSError:
        raise ValueError("unrelated") from None


def test_a_write_that_failed_on_the_device_is_found_behind_wrappers(tmp_path):
    from krlib.outputs.folders import device_error, write_error

    assert device_error(_raised(_full)).errno == errno.ENOSPC
    assert device_error(_raised(_wrapped)).errno == errno.ENOSPC
    assert device_error(_raised(_hidden)) is None
    assert device_error(OSError(errno.ENOENT, "No such file")) is None
    assert device_error(KeyboardInterrupt()) is None
    line = str(write_error(_raised(_wrapped), tmp_path, kept="; kept"))
    assert line.startswith(f"--out {tmp_path}: ") and "(1001.html)" in line
    assert "no space left on the device" in line and line.endswith("; kept")
