"""Bad input never crashes: one clear line naming the file (and column), exit code 2.

Each case breaks one file of a copy of the worked example drop, then runs both
``krlib indicators`` and ``krlib report`` (the report fails before any notebook runs).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from krlib.cli import main

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"


@pytest.fixture
def drop(tmp_path) -> Path:
    out = tmp_path / "drop"
    shutil.copytree(EXAMPLE, out)
    for p in out.iterdir():
        p.chmod(0o644)
    return out


def run(command: str, drop: Path, tmp_path: Path, *extra: str) -> list[str]:
    argv = [command, "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
            "--out", str(tmp_path / "out"), *extra]
    if command == "report":
        argv += ["--format", "html", "--district", "BMA", "--quiet"]
    return argv


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def _empty(drop: Path) -> str:
    (drop / "homeless_services.csv").write_bytes(b"")
    return "homeless_services.csv"


def _binary(drop: Path) -> str:
    (drop / "homeless_services.csv").write_bytes(bytes(range(256)) * 20)
    return "homeless_services.csv"


def _corrupt_xlsx(drop: Path) -> str:
    p = drop / "rehab_services.xlsx"
    p.write_bytes(p.read_bytes()[:500])
    return "rehab_services.xlsx"


def _not_zip_xlsx(drop: Path) -> str:
    (drop / "homeless_registrations.xlsx").write_text("just text, not excel", encoding="utf-8")
    return "homeless_registrations.xlsx"


def _missing_column(drop: Path) -> str:
    p = drop / "rehab_referrals.csv"
    text = p.read_bytes().decode("cp874")
    lines = text.splitlines()
    lines[0] = lines[0].replace("referred_on", "referred_when")
    p.write_bytes("\n".join(lines).encode("cp874"))
    return "referred_on"


def _header_only(drop: Path) -> str:
    (drop / "homeless_services.csv").write_text("reg_id,service_date,service_type\n",
                                                 encoding="utf-8")
    return "homeless_services.csv"


def _broken_quotes(drop: Path) -> str:
    (drop / "homeless_services.csv").write_text(
        'reg_id,service_date,service_type\nH000001,2024-11-01,"food\nH000002,2024-11-02,food\n',
        encoding="utf-8")
    return "homeless_services.csv"


def _two_files(drop: Path) -> str:
    (drop / "homeless_services.xlsx").write_bytes(b"PK")
    return "homeless_services"


BREAKERS = [_empty, _binary, _corrupt_xlsx, _not_zip_xlsx, _missing_column, _header_only,
            _broken_quotes, _two_files]


@pytest.mark.parametrize("command", ["indicators", "report"])
@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda f: f.__name__.strip("_"))
def test_bad_file_exits_2_with_one_line(drop, tmp_path, capsys, command, breaker):
    needle = breaker(drop)
    assert main(run(command, drop, tmp_path)) == 2
    line = one_error_line(capsys)
    assert needle in line
    assert " / " in line  # Thai / English


def test_missing_column_names_the_file_too(drop, tmp_path, capsys):
    _missing_column(drop)
    assert main(run("indicators", drop, tmp_path)) == 2
    line = one_error_line(capsys)
    assert "rehab_referrals.csv" in line and "column 'referred_on'" in line


@pytest.mark.parametrize("command", ["indicators", "report"])
def test_data_directory_that_does_not_exist(tmp_path, capsys, command):
    assert main(run(command, tmp_path / "nope", tmp_path)) == 2
    assert "nope" in one_error_line(capsys)


@pytest.mark.parametrize("command", ["indicators", "report"])
@pytest.mark.parametrize("flag, value, needle", [
    ("--quarter", "7", "quarter"), ("--quarter", "0", "quarter"),
    ("--fiscal-year", "1999", "1999"), ("--quarter", "two", "quarter"),
])
def test_bad_option_values(drop, tmp_path, capsys, command, flag, value, needle):
    argv = run(command, drop, tmp_path)
    argv[argv.index(flag) + 1] = value
    assert main(argv) == 2
    assert needle in one_error_line(capsys)


def test_absent_table_makes_only_its_kr_unavailable(drop, tmp_path, capsys):
    (drop / "rehab_services.xlsx").unlink()
    assert main(run("indicators", drop, tmp_path, "--quiet")) == 0
    err = capsys.readouterr().err
    assert "5122" in err and "rehab_services" in err and "Traceback" not in err
    results = (tmp_path / "out" / "kr_results.csv").read_text("utf-8").splitlines()
    assert any(r.startswith("8207,2568,2,BMA,") for r in results)
    assert not any(r.startswith("5122,") for r in results)
    quality = (tmp_path / "out" / "data_quality.csv").read_text("utf-8")
    assert "rehab_referrals" in quality and "rehab_services" not in quality


@pytest.mark.parametrize("command", ["indicators", "report"])
@pytest.mark.parametrize("content", [[], ["notes.txt", "readme.md"]], ids=["empty", "no-table"])
def test_drop_folder_without_any_table_file_is_an_error(tmp_path, capsys, command, content):
    """Contract: an empty drop, or one where no table file exists, ends with exit 2."""
    folder = tmp_path / "drop"
    folder.mkdir()
    for name in content:
        (folder / name).write_text("hello", encoding="utf-8")
    assert main(run(command, folder, tmp_path)) == 2
    line = one_error_line(capsys)
    assert str(folder) in line and " / " in line
    assert ("empty" if not content else "no table file") in line
