"""`krlib indicators`: the contract's output files on a tiny drop, bad options, the worked
example. Every expected figure below is worked out by hand from the rows written here."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

from krlib.cli import main
from krlib.outputs.privacy import file_text

VALID_A = "1101700203450"  # check digits worked out in test_parse.py
VALID_B = "3434943068961"

HEADERS = {
    "kr_results.csv": "kr_code,fiscal_year,quarter,scope_code,scope_name_th,numerator,"
                      "denominator,percent,target,met_target",
    "kr_breakdown.csv": "kr_code,fiscal_year,quarter,scope_code,dimension,category,persons",
    "data_quality.csv": "table,rows_in,kept,duplicates_collapsed,rejected,invalid_citizen_id,"
                        "unknown_district",
    "data_quality_reasons.csv": "table,reason,rows",
    "data_quality_flags.csv": "table,flag,rows",
    "rejected_rows.csv": "table,source_file,source_row,reason,column,district",
}

REGS = [
    ["เลขทะเบียน", "เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "วันเกิด", "district",
     "registered_on", "ผลการตรวจสอบสิทธิ"],
    ["H0001", VALID_A, "สมชาย", "ใจดี", "1/1/2500", "เขตพระนคร", "2024-11-01", "ผ่าน"],  # 2
    ["H0002", "ไม่มีบัตร", "สมหญิง", "รักไทย", "-", "บางกอกกลาง", "1 ธ.ค. 2567", "passed"],  # 3
    ["H0003", "", "มานี", "มีนา", "", "1002", "31/02/2567", "ผ่าน"],  # 4: bad date
    ["H0001", VALID_A, "สมชาย", "ใจดี", "1/1/2500", "เขตพระนคร", "2024-11-01", "ผ่าน"],  # 5: dup
]
SVCS = [
    ["service_id", "reg_id", "service_date", "service_type"],
    ["S1", "H0001", "2024-11-02", "food"],  # 2
    ["S1", "H0001", "2024-11-02", "food"],  # 3: exact duplicate
    ["S2", "H0002", "3/11/2567", "ตัดผม"],  # 4: other
    ["S3", "H0099", "2024-11-03", "food"],  # 5: orphaned
]
REFS = [
    ["referral_id", "citizen_id", "first_name", "district", "referred_on"],
    ["R0001", VALID_B, "ชูใจ", "1001", "2024-11-01"],  # in Q2
    ["R0002", "", "ปิติ", "Watthana", "2025-05-01"],  # after Q2
]
RSVS = [
    ["referral_id", "service_date", "domain"],
    ["R0001", "2024-12-01", "1"],
    ["R0001", "2024-12-01", "9"],  # invalid domain
]
IDENTIFIERS = ["H0001", "H0002", "H0003", "H0099", "R0001", "R0002", "S1", VALID_A, VALID_B,
               "สมชาย", "ใจดี", "สมหญิง", "รักไทย", "มานี", "มีนา", "ชูใจ", "ปิติ", "1/1/2500",
               "ไม่มีบัตร", "31/02/2567"]


def argv(data, out, fy="2568", q="2"):
    return ["indicators", "--data", str(data), "--fiscal-year", fy, "--quarter", q,
            "--out", str(out)]


def read_rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def lines(path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").splitlines()


@pytest.fixture
def tiny(make_drop):
    return make_drop(homeless_registrations=REGS, homeless_services=SVCS,
                     rehab_referrals=REFS, rehab_services=RSVS)


def test_writes_the_contract_files_with_exact_headers(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(argv(tiny, out)) == 0
    for name, header in HEADERS.items():
        assert lines(out / name)[0] == header, name


def test_kr_results_figures(tiny, tmp_path):
    out = tmp_path / "out"
    assert main(argv(tiny, out)) == 0
    rows = read_rows(out / "kr_results.csv")[1:]
    assert len(rows) == 2 * 51
    by = {(r[0], r[3]): r for r in rows}
    # KR 8207: H0001 (1001) and H0002 (unknown district) are the cohort, both served
    assert by["8207", "1001"] == ["8207", "2568", "2", "1001", "เขตพระนคร", "1", "1", "100.00",
                                  "100", "true"]
    assert by["8207", "1002"] == ["8207", "2568", "2", "1002", "เขตดุสิต", "0", "0", "", "100", ""]
    assert by["8207", "BMA"] == ["8207", "2568", "2", "BMA", "กรุงเทพมหานคร", "2", "2", "100.00",
                                 "100", "true"]
    # KR 5122: R0001 (1001) rehabilitated; R0002 referred after Q2
    assert by["5122", "1001"] == ["5122", "2568", "2", "1001", "เขตพระนคร", "1", "1", "100.00",
                                  "10", "true"]
    assert by["5122", "1039"] == ["5122", "2568", "2", "1039", "เขตวัฒนา", "0", "0", "", "10", ""]
    assert by["5122", "BMA"][5:] == ["1", "1", "100.00", "10", "true"]
    assert sum(int(r[6]) for r in rows if r[3] != "BMA") == 2  # unknown district: BMA only


def test_q4_figures_and_percent_format(tiny, tmp_path):
    out = tmp_path / "out"
    assert main(argv(tiny, out, q="4")) == 0
    by = {(r[0], r[3]): r for r in read_rows(out / "kr_results.csv")[1:]}
    # R0002 joins the cohort in Q4 (Watthana = 1039) without any rehabilitation
    assert by["5122", "1039"][5:] == ["0", "1", "0.00", "10", "false"]
    assert by["5122", "BMA"][5:] == ["1", "2", "50.00", "10", "true"]


def test_breakdown_and_data_quality(tiny, tmp_path):
    out = tmp_path / "out"
    assert main(argv(tiny, out)) == 0
    assert sorted(lines(out / "kr_breakdown.csv")[1:]) == sorted([
        "8207,2568,2,1001,service_type,food,1",
        "8207,2568,2,BMA,service_type,food,1",
        "8207,2568,2,BMA,service_type,other,1",
        "5122,2568,2,1001,domain,family_community,1",
        "5122,2568,2,BMA,domain,family_community,1",
    ])
    assert lines(out / "data_quality.csv")[1:] == [
        "homeless_registrations,4,2,1,1,1,1",
        "homeless_services,4,2,1,1,0,0",
        "rehab_referrals,2,2,0,0,0,0",
        "rehab_services,2,1,0,1,0,0",
    ]
    assert sorted(lines(out / "data_quality_reasons.csv")[1:]) == sorted([
        "homeless_registrations,invalid_date,1",
        "homeless_services,orphaned,1",
        "rehab_services,invalid_domain,1",
    ])
    assert sorted(lines(out / "data_quality_flags.csv")[1:]) == sorted([
        "homeless_registrations,invalid_citizen_id,1",
        "homeless_registrations,unknown_district,1",
        "homeless_services,other_service_type,1",
    ])


def test_rejected_rows_locate_rows_without_cell_values(tiny, tmp_path):
    out = tmp_path / "out"
    assert main(argv(tiny, out)) == 0
    assert sorted(lines(out / "rejected_rows.csv")[1:]) == sorted([
        "homeless_registrations,homeless_registrations.csv,4,invalid_date,registered_on,1002",
        "homeless_services,homeless_services.csv,5,orphaned,reg_id,",  # no district column
        "rehab_services,rehab_services.csv,3,invalid_domain,domain,",
    ])


def test_no_personal_identifier_in_any_output(tiny, tmp_path):
    out = tmp_path / "out"
    assert main(argv(tiny, out)) == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= set(HEADERS)
    assert "kr_results.xlsx" in {p.name for p in files}
    for p in files:
        text = file_text(p)  # the workbook's XML members, decompressed
        for ident in IDENTIFIERS:
            assert ident not in text, (p.name, ident)


def test_missing_table_warns_and_exits_0(make_drop, tmp_path, capsys):
    drop = make_drop(homeless_registrations=REGS, homeless_services=SVCS, rehab_referrals=REFS)
    out = tmp_path / "out"
    assert main(argv(drop, out)) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "5122" in err and "rehab_services" in err
    rows = read_rows(out / "kr_results.csv")[1:]
    assert {r[0] for r in rows} == {"8207"} and len(rows) == 51


@pytest.mark.parametrize("change", [
    {"q": "7"}, {"q": "0"}, {"fy": "1999"}, {"fy": "abc"}, {"data": "missing"},
])
def test_bad_options_exit_2_with_one_line(tiny, tmp_path, capsys, change):
    data = tmp_path / "no-such-folder" if change.get("data") else tiny
    args = argv(data, tmp_path / "out", fy=change.get("fy", "2568"), q=change.get("q", "2"))
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]


def test_missing_data_option_exits_2_with_one_line(tmp_path, capsys):
    assert main(["indicators", "--fiscal-year", "2568", "--quarter", "2",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--data" in err[0]


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    out = capsys.readouterr()
    assert "indicators" in out.out and "internal error" not in out.err


def test_missing_required_column_exits_2_naming_file_and_column(make_drop, tmp_path, capsys):
    bad = [[c for c in r[:5]] + r[6:] for r in REGS]  # drop the district column
    drop = make_drop(homeless_registrations=bad, homeless_services=SVCS)
    assert main(argv(drop, tmp_path / "out")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "homeless_registrations.csv" in err[0] and "district" in err[0]


@pytest.mark.parametrize("quarter", ["2", "4"])
def test_worked_example_is_reproduced(contract_example, tmp_path, quarter):
    out = tmp_path / "out"
    assert main(argv(contract_example / "drop", out, q=quarter) + ["--quiet"]) == 0
    expected = contract_example / f"expected-2568-Q{quarter}"
    names = sorted(p.name for p in expected.glob("*.csv"))
    assert names == ["data_quality.csv", "kr_breakdown.csv", "kr_results.csv"]
    for name in names:
        assert lines(out / name) == lines(expected / name), name


def test_installed_version_is_the_package_version():
    from importlib.metadata import version

    import krlib

    assert version("krlib") == krlib.__version__


def test_command_exit_keeps_exit_code_output_and_exit_handlers(tmp_path):
    """``krlib`` skips the interpreter's teardown: the exit code, everything printed
    (to a pipe, so buffered) and the exit handlers must all survive that."""
    code = ("import atexit, sys\n"
            "from krlib import cli\n"
            "atexit.register(lambda: print('exit handler ran'))\n"
            f"sys.argv = ['krlib', 'demo-data', {str(tmp_path / 'd')!r}, '--scale', '0.01']\n"
            "print('x' * 100000)\n"  # more than one buffer's worth, still buffered at exit
            "cli.run()\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffer for real
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("x") >= 100000 and "homeless_services:" in proc.stdout
    assert proc.stdout.rstrip().endswith("exit handler ran")
    bad = subprocess.run([sys.executable, "-c", code.replace("'0.01'", "'-1'")],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "--scale" in bad.stderr and "Traceback" not in bad.stderr
    assert "exit handler ran" in bad.stdout


def test_report_params_data_as_of_and_signoff():
    from krlib.cli import notebook_parameters
    from krlib.errors import OptionError

    assert notebook_parameters({}, "p.yaml") == {}
    import datetime

    got = notebook_parameters({"data_as_of": datetime.date(2025, 4, 5),
                               "signoff": {"prepared_by": {"name": "นางสาวก", "position": "ข"}}},
                              "p.yaml")
    assert got == {"data_as_of": "2025-04-05",
                   "signoff": {"prepared_by": {"name": "นางสาวก", "position": "ข"}}}
    with pytest.raises(OptionError, match="p.yaml: data_as_of"):
        notebook_parameters({"data_as_of": "5/4/68"}, "p.yaml")
    with pytest.raises(OptionError, match="signoff"):
        notebook_parameters({"signoff": {"boss": {"name": "x"}}}, "p.yaml")
    with pytest.raises(OptionError, match="signoff"):
        notebook_parameters({"signoff": {"prepared_by": "x"}}, "p.yaml")
