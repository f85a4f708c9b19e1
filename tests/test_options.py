"""``krlib report`` is strict about its options and params files: every bad value ends with
exit 2 and one line naming where it came from, the value and what is allowed, before any
work is done (no notebook runs here)."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import pytest

from krlib.cli import build_parser, main, report_options

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"


@pytest.fixture
def drop(tmp_path) -> Path:
    out = tmp_path / "drop"
    shutil.copytree(EXAMPLE, out)
    return out


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0] and "internal error" not in err[0]
    return err[0]


def write_params(tmp_path: Path, drop: Path, extra: str = "", base: bool = True) -> Path:
    path = tmp_path / "run.yaml"
    head = f"data: {drop}\nfiscal_year: 2568\nquarter: 2\nout: out\n" if base else ""
    path.write_text(head + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize("extra, needles", [
    ("quarter: true\n", ["quarter", "true", "1-4"]),
    ("quarter: 2.7\n", ["quarter", "2.7", "1-4"]),
    ("quarter: '2'\n", ["quarter", '"2"', "1-4"]),
    ("quarter: 5\n", ["quarter", "5", "1-4"]),
    ("fiscal_year: 1999\n", ["fiscal_year", "1999", "2544-2643"]),
    ("workers: 0\n", ["workers", "0", "1 or more"]),
    ("workers: 100000\n", ["workers", "100000", "at most", "CPU"]),
    ("workers: true\n", ["workers", "true"]),
    ("suppress_below: -1\n", ["suppress_below", "-1", "0 or more"]),
    ("suppress_below: 2.5\n", ["suppress_below", "2.5"]),
    ("executor: quantum\n", ["executor", "quantum", "local or dask"]),
    ("format: docx\n", ["format", "docx", "html, pdf"]),
    ("format: [html, 3]\n", ["format", "html"]),
    ("district: 9999\n", ["district", "9999", "1001-1050"]),
    ("district: [1001, nowhere]\n", ["district", "nowhere"]),
    ("district: [1001, 2.5]\n", ["district", "2.5"]),
    ("out: 17\n", ["out", "17", "path"]),
    ("scheduler: 5\n", ["scheduler", "5"]),
    ("colour: red\n", ["unknown key", "colour", "fiscal_year"]),
])
def test_bad_params_value(drop, tmp_path, capsys, extra, needles):
    params = write_params(tmp_path, drop)
    # a later key replaces the base one: rewrite the file without the duplicate
    lines = {ln.split(":", 1)[0]: ln for ln in params.read_text("utf-8").splitlines()}
    lines[extra.split(":", 1)[0]] = extra.rstrip("\n")
    params.write_text("\n".join(lines.values()) + "\n", encoding="utf-8")
    assert main(["report", "--params", str(params), "--quiet"]) == 2
    line = one_line(capsys)
    assert str(params) in line
    for needle in needles:
        assert needle in line, (needle, line)
    assert not (tmp_path / "out").exists()  # refused before any work


@pytest.mark.parametrize("content, needles", [
    (b"quarter: 2\nquarter: 3\n", ["twice", "quarter"]),
    ("ไตรมาส: 2\n".encode("cp874"), ["not UTF-8", "offset 0"]),
    (b"quarter: [2\n", ["not valid YAML", "line"]),
    (b"- 2568\n- 2\n", ["mapping"]),
])
def test_bad_params_file(tmp_path, capsys, content, needles):
    params = tmp_path / "bad.yaml"
    params.write_bytes(content)
    assert main(["report", "--params", str(params), "--quiet"]) == 2
    line = one_line(capsys)
    assert str(params) in line
    for needle in needles:
        assert needle in line, (needle, line)


def test_missing_params_file(tmp_path, capsys):
    assert main(["report", "--params", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in one_line(capsys)


def test_params_values_are_checked_and_normalised(drop, tmp_path):
    params = write_params(tmp_path, drop, "district: [1039, BMA, 1001]\nformat: pdf\n"
                                          "workers: 1\nsuppress_below: 5\n")
    args = build_parser().parse_args(["report", "--params", str(params), "--quarter", "3"])
    o = report_options(args)
    assert o["district"] == ["1001", "1039", "BMA"]
    assert o["format"] == ["html", "pdf"]  # the PDF is printed from the HTML
    assert (o["quarter"], o["workers"], o["suppress_below"]) == (3, 1, 5)
    assert Path(o["out"]) == tmp_path / "out"  # relative to the params file
    assert o["executor"] == "local"


@pytest.mark.parametrize("args, needles", [
    (["--workers", "100000"], ["--workers", "100000", "at most", "CPU", "memory"]),
    (["--workers", "0"], ["--workers", "1 or more"]),
    (["--suppress-below", "-2"], ["--suppress-below", "-2"]),
    (["--executor", "quantum"], ["quantum"]),
    (["--scheduler", "tcp://x:1"], ["--scheduler", "dask"]),
    (["--executor", "dask"], ["--scheduler"]),
])
def test_bad_command_line_option(drop, tmp_path, capsys, args, needles):
    argv = ["report", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
            "--out", str(tmp_path / "out"), "--quiet", *args]
    assert main(argv) == 2
    line = one_line(capsys)
    for needle in needles:
        assert needle in line, (needle, line)
    assert not (tmp_path / "out").exists()


def test_workers_limit_follows_the_machine(monkeypatch):
    from krlib.batch import executors

    cpus = os.cpu_count() or 1
    limit, why = executors.max_workers()
    assert 1 <= limit <= executors.WORKERS_PER_CPU * cpus and str(cpus) in why
    assert executors.check_workers(limit) == limit

    class Tight:
        available = 2 * executors.WORKER_MEMORY + 1

    import psutil

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Tight())
    assert executors.max_workers()[0] == min(2, executors.WORKERS_PER_CPU * cpus)
    with pytest.raises(executors.OptionError, match="at most"):
        executors.check_workers(executors.WORKERS_PER_CPU * cpus + 1)


def _report(drop: Path, out: Path) -> list[str]:
    return ["report", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
            "--district", "BMA", "--format", "html", "--out", str(out), "--quiet"]


@pytest.mark.parametrize("where, needle", [
    (lambda d, t: d, "inside the data folder"),
    (lambda d, t: d / "reports", "inside the data folder"),
    (lambda d, t: d / "sub" / "deeper", "inside the data folder"),
    (lambda d, t: d.parent, "inside the output folder"),
    (lambda d, t: d.parent.parent, "inside the output folder"),
])
def test_out_overlapping_the_drop_is_refused(drop, tmp_path, capsys, where, needle):
    before = sorted(p.name for p in drop.rglob("*"))
    assert main(_report(drop, where(drop, tmp_path))) == 2
    assert needle in one_line(capsys)
    assert sorted(p.name for p in drop.rglob("*")) == before  # nothing written into it


def test_out_overlap_through_a_relative_path(drop, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(drop)
    assert main(_report(Path("."), Path("reports"))) == 2
    assert "inside the data folder" in one_line(capsys)


def test_out_that_is_a_file(drop, tmp_path, capsys):
    f = tmp_path / "out.txt"
    f.write_text("x", encoding="utf-8")
    assert main(_report(drop, f)) == 2
    assert "is a file, not a folder" in one_line(capsys)
    assert main(_report(drop, f / "below")) == 2
    assert "cannot create the folder" in one_line(capsys)


def test_unwritable_out(drop, tmp_path, capsys):
    # /sys refuses new entries even to root: the folder cannot be created, or written into.
    assert main(_report(drop, Path("/sys/krlib-test-out"))) == 2
    assert "cannot create the folder" in one_line(capsys)
    assert main(_report(drop, Path("/sys"))) == 2
    assert "cannot write into the folder" in one_line(capsys)
    if os.geteuid() != 0:  # permissions bind only non-root users
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o555)
        assert main(_report(drop, ro)) == 2
        assert "cannot write into the folder" in one_line(capsys)


def test_parser_executor_choices_are_the_registry():
    from krlib.batch.executors import EXECUTORS

    report = next(a for a in build_parser()._actions
                  if isinstance(a, argparse._SubParsersAction)).choices["report"]
    executor = next(a for a in report._actions if a.dest == "executor")
    assert tuple(executor.choices) == tuple(EXECUTORS)


# --- one validator per value type (krlib.contract.values) ------------------------------

def test_one_whole_number_check_for_params_and_the_api():
    import numpy as np

    from krlib.api import _whole
    from krlib.contract.periods import Period
    from krlib.contract.values import BadValue, whole
    from krlib.errors import OptionError

    assert whole(np.int64(3), 1, 4) == 3 and whole("3", 1, 4, text=True) == 3
    for bad in (True, 2.0, 2.7, "2", None, [2]):
        with pytest.raises(BadValue):
            whole(bad, 1, 4)  # a params file: a YAML number only
    with pytest.raises(BadValue, match="1-4"):
        whole(5, 1, 4)
    assert _whole("4", "quarter") == 4 and _whole(np.int64(2568), "fiscal_year") == 2568
    for bad in (True, 2.0, "2.5", "สอง"):
        with pytest.raises(OptionError, match="whole number"):
            _whole(bad, "quarter")
    with pytest.raises(OptionError):
        Period(2568, True)  # a bool is no quarter, not even 1
