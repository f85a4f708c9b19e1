"""Reading what real spreadsheet software writes (issue 14, DATA.md "A data drop").

File types by content, encodings, delimiters, line endings, sheets, header aliases and
duplicates, the value rules, spreadsheet cell types, and the memory bounds. Every
expected value is worked out by hand from the rows written here.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import csv_text, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krlib.clean.tables import clean_table
from krlib.cli import main
from krlib.contract.schema import TABLES
from krlib.errors import InputError
from krlib.read.detect import detect_type, drop_files
from krlib.read.drop import read_table
from krlib.read.headers import header_key
from krlib.read.text import normalise_cells

REG = TABLES["homeless_registrations"]
SVC = TABLES["homeless_services"]
REF = TABLES["rehab_referrals"]
EN = ["reg_id", "citizen_id", "district", "registered_on", "eligibility"]
ROWS = [
    ["00123", "0123456789016", "เขตบางรัก", "15/10/2567", "ผ่าน"],
    ["H2", "", "1039", "2024-11-01", "ไม่ผ่าน"],
]
EXPECTED = [dict(zip(EN, r)) for r in ROWS]
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"


def records(raw, cols=EN) -> list[dict]:
    return raw.frame[cols].to_dict("records")


def write_xlsx(path, rows, title="Sheet1", extra_sheets=()):
    wb = openpyxl.Workbook()
    for name, content in extra_sheets:
        ws = wb.create_sheet(name, 0)
        for r in content:
            ws.append(r)
    ws = wb[wb.sheetnames[-1]] if extra_sheets else wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


# --- file types -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["homeless_registrations.CSV", "homeless_registrations.txt",
                                  "homeless_registrations.xls", "Homeless_Registrations.Csv"])
def test_text_is_read_whatever_the_extension_says(tmp_path, name):
    path = write_csv(tmp_path / name, [EN, *ROWS])
    assert drop_files(tmp_path) == {"homeless_registrations": path}
    raw = read_table(path, REG)
    assert raw.file_type == "text" and records(raw) == EXPECTED


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    path = write_xlsx(tmp_path / "homeless_registrations.csv", [EN, *ROWS])
    raw = read_table(path, REG)
    assert raw.file_type == "xlsx" and records(raw) == EXPECTED


def test_xlsm_extension_is_a_table_file(tmp_path):
    write_xlsx(tmp_path / "x.xlsx", [EN, *ROWS])
    (tmp_path / "x.xlsx").rename(tmp_path / "homeless_registrations.XLSM")
    raw = read_table(drop_files(tmp_path)["homeless_registrations"], REG)
    assert records(raw) == EXPECTED


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


@pytest.mark.parametrize("name, make, detected", [
    ("homeless_registrations.xlsb", lambda p: _zip(p, {"xl/workbook.bin": "x"}),
     "Excel binary workbook"),
    ("homeless_registrations.xlsx", lambda p: _zip(p, {"a.txt": "x"}), "zip archive"),
    ("homeless_registrations.xls", lambda p: p.write_bytes(b"\x00\x01" * 500), "binary"),
    ("homeless_registrations.xls",
     lambda p: p.write_text("<html><table><tr><td>reg_id</td></tr></table>", "utf-8"), "HTML"),
    ("homeless_registrations.ods", lambda p: p.write_bytes(b"PK\x03\x04broken"), "zip"),
    ("homeless_registrations.xls",
     lambda p: p.write_text('<?xml version="1.0"?><Workbook xmlns='
                            '"urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', "utf-8"),
     "Excel 2003 XML"),
])
def test_a_table_file_that_cannot_be_read_is_an_error_naming_its_type(
        tmp_path, capsys, name, make, detected):
    make(tmp_path / name)
    write_csv(tmp_path / "homeless_services.csv",
              [["reg_id", "service_date", "service_type"], ["H1", "2024-11-01", "food"]])
    argv = ["indicators", "--data", str(tmp_path), "--fiscal-year", "2568", "--quarter", "2",
            "--out", str(tmp_path.with_name(tmp_path.name + "-out"))]  # outside the drop
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0] and detected in err[0]


def test_two_files_for_one_table_of_different_types_is_an_error(tmp_path):
    write_csv(tmp_path / "homeless_registrations.csv", [EN, *ROWS])
    write_csv(tmp_path / "homeless_registrations.ods", [EN, *ROWS])
    with pytest.raises(InputError, match="several files"):
        drop_files(tmp_path)


def test_detect_type_by_content():
    assert detect_type(b"reg_id,district\n") == "text"
    assert detect_type("reg_id\t".encode("utf-16")) == "text"
    assert detect_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le")) \
        == "xls"
    assert detect_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                       + "EncryptedPackage".encode("utf-16-le")) == "encrypted"


# --- encodings, delimiters, line endings ---------------------------------------------------

TH = ["เลขทะเบียน", "เลขประจำตัวประชาชน", "เขต", "วันที่ลงทะเบียน", "ผลการตรวจสอบสิทธิ"]


def _text(rows, delimiter=",", newline="\n"):
    return "".join(delimiter.join(r) + newline for r in rows)


@pytest.mark.parametrize("encoding, bom, detected", [
    ("utf-16-le", b"\xff\xfe", "utf-16-le"), ("utf-16-be", b"\xfe\xff", "utf-16-be"),
])
def test_excel_unicode_text_utf16_tab_separated(tmp_path, encoding, bom, detected):
    path = tmp_path / "homeless_registrations.txt"
    path.write_bytes(bom + _text([TH, *ROWS], "\t", "\r\n").encode(encoding))
    raw = read_table(path, REG)
    assert (raw.encoding, raw.delimiter) == (detected, "\t")
    assert records(raw) == EXPECTED and list(raw.frame["_row"]) == [2, 3]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".txt"])
def test_the_delimiter_is_the_one_that_gives_the_required_columns(tmp_path, delimiter, suffix):
    # values hold the other delimiters: the header decides, not the counts of characters
    rows = [["00123", "0123456789016", "เขตบางรัก", "15/10/2567", "ผ่าน"],
            ["H2", "", "1039", "2024-11-01", "ไม่ผ่าน"]]
    header = [*EN, "service_point"]
    body = [[*rows[0], '"a, b; c"' if delimiter != "\t" else "a, b; c"], [*rows[1], "x"]]
    path = tmp_path / f"homeless_registrations{suffix}"
    path.write_bytes(_text([header, *body], delimiter).encode("utf-8"))
    raw = read_table(path, REG)
    assert raw.delimiter == delimiter
    assert records(raw) == EXPECTED
    assert list(raw.frame["service_point"]) == ["a, b; c", "x"]


@pytest.mark.parametrize("newlines", ["\n", "\r\n", "\r", "header-only-cr"])
def test_line_endings_never_lose_a_row(tmp_path, newlines):
    rows = [EN, *ROWS, ["H3", "", "1001", "2024-11-03", "ผ่าน"]]
    if newlines == "header-only-cr":
        text = _text(rows[:1], ",", "\r") + _text(rows[1:], ",", "\n")
    else:
        text = _text(rows, ",", newlines)
    path = tmp_path / "homeless_registrations.csv"
    path.write_bytes(text.encode("utf-8"))
    raw = read_table(path, REG)
    assert list(raw.frame["reg_id"]) == ["00123", "H2", "H3"]
    assert list(raw.frame["_row"]) == [2, 3, 4]


def test_lone_cr_file_in_tis620_with_title_row(tmp_path):
    rows = [["รายงาน"], TH, *ROWS]
    path = tmp_path / "homeless_registrations.csv"
    path.write_bytes(_text(rows, ",", "\r").encode("cp874"))
    raw = read_table(path, REG)
    assert raw.encoding == "cp874" and raw.header_row == 2
    assert records(raw) == EXPECTED and list(raw.frame["_row"]) == [3, 4]


def test_csv_header_with_trailing_empty_cells_and_rows_padded_alike(tmp_path):
    rows = [[*EN, "", "", ""], [*ROWS[0], "", "", ""], [*ROWS[1], "", "", "late note"]]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", rows), REG)
    assert records(raw) == EXPECTED  # columns after the last header cell are ignored


def test_csv_header_with_many_empty_cells_is_cut_to_its_last_header(tmp_path):
    path = tmp_path / "homeless_registrations.csv"
    path.write_bytes((",".join(EN) + "," * 5000 + "\n" + _text(ROWS)).encode("utf-8"))
    raw = read_table(path, REG)
    assert records(raw) == EXPECTED and list(raw.frame["_row"]) == [2, 3]


def test_csv_row_longer_than_the_header_line_is_an_error(tmp_path):
    rows = [EN, ROWS[0], [*ROWS[1], "extra"]]
    with pytest.raises(InputError, match="more cells than the header"):
        read_table(write_csv(tmp_path / "homeless_registrations.csv", rows), REG)


# --- workbooks ----------------------------------------------------------------------------

@pytest.mark.parametrize("sheet", ["HOMELESS_REGISTRATIONS", "ทะเบียนคนไร้บ้าน",
                                   " Homeless_Registrations "])
def test_sheet_named_like_the_table_in_any_case_or_thai(tmp_path, sheet):
    path = write_xlsx(tmp_path / "homeless_registrations.xlsx", [EN, *ROWS], title=sheet,
                      extra_sheets=[("อ่านก่อน", [["คำอธิบาย"]])])
    raw = read_table(path, REG)
    assert raw.sheet == sheet and records(raw) == EXPECTED


def test_sheet_named_by_the_first_31_characters_of_the_thai_name(tmp_path):
    spec = REF  # การส่งต่อเพื่อฟื้นฟูสภาพทางสังคม has 32 characters
    assert len(spec.th) > 31
    header = ["referral_id", "district", "referred_on"]
    path = write_xlsx(tmp_path / "rehab_referrals.xlsx", [header, ["R1", "1001", "2024-11-01"]],
                      title=spec.th[:31], extra_sheets=[("Sheet1", [["nothing"]])])
    raw = read_table(path, spec)
    assert list(raw.frame["referral_id"]) == ["R1"]


def test_workbook_data_starting_below_and_right_keeps_true_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, v in enumerate(EN):
        ws.cell(row=3, column=2 + c, value=v)
    for r, row in enumerate(ROWS):
        for c, v in enumerate(row):
            ws.cell(row=4 + r, column=2 + c, value=v)
    wb.save(tmp_path / "homeless_registrations.xlsx")
    raw = read_table(tmp_path / "homeless_registrations.xlsx", REG)
    assert raw.header_row == 3 and list(raw.frame["_row"]) == [4, 5]
    assert records(raw) == EXPECTED


def _stray_cell_xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    ws["XFD1048576"] = "x"
    wb.save(path)
    return path


def test_stray_cell_at_xfd1048576_is_read_by_its_real_cells(tmp_path):
    path = _stray_cell_xlsx(tmp_path / "homeless_registrations.xlsx",
                            [EN, *ROWS, [None, None, None, None, None, "not a header"]])
    raw = read_table(path, REG)
    assert records(raw) == EXPECTED and list(raw.frame["_row"]) == [2, 3]


# --- headers ------------------------------------------------------------------------------

def test_header_keys_ignore_case_spaces_underscores_hyphens_and_line_breaks():
    keys = {header_key(h) for h in ["Citizen ID", "citizen_id", "citizen-id", " CITIZEN\nid ",
                                    "citizen\u200bid", "'citizen_id"]}
    assert keys == {"citizenid"}


@pytest.mark.parametrize("citizen", ["เลขบัตรประชาชน", "เลขบัตรประจำตัวประชาชน",
                                     "เลขประจำตัวประชาชน 13 หลัก", "national_id", "Citizen ID",
                                     "เลขประจำตัว\nประชาชน"])
def test_contract_aliases_and_header_forms(tmp_path, citizen):
    header = ["เลขที่ทะเบียน", citizen, "สำนักงานเขต", "วันที่ขึ้นทะเบียน", "Eligibility"]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [header, *ROWS]), REG)
    assert records(raw) == EXPECTED


def test_referral_aliases(tmp_path):
    header = ["เลขส่งต่อ", "ศฟส.ข", "referred_on"]
    raw = read_table(write_csv(tmp_path / "rehab_referrals.csv",
                               [header, ["R1", "1001", "2024-11-01"]]), REF)
    assert records(raw, ["referral_id", "district"]) == [{"referral_id": "R1",
                                                           "district": "1001"}]


def test_aliases_are_declared_once_in_the_schema():
    cols = {t: {c.name: c.aliases for c in spec.columns} for t, spec in TABLES.items()}
    assert "national_id" in cols["homeless_registrations"]["citizen_id"]
    assert cols["rehab_referrals"]["district"] == ("ศฟส.ข", "สำนักงานเขต")
    assert cols["homeless_registrations"]["district"] == ("สำนักงานเขต",)


def test_empty_duplicate_district_column_before_the_real_one(tmp_path):
    header = ["reg_id", "district", "เขต", "registered_on", "eligibility"]
    rows = [["H1", "", "1001", "2024-11-01", "ผ่าน"],
            ["H2", "-", "เขตบางรัก", "2024-11-02", "ผ่าน"]]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [header, *rows]), REG)
    assert list(raw.frame["district"]) == ["1001", "เขตบางรัก"]
    assert len(raw.notes) == 1
    note = raw.notes[0]
    assert "homeless_registrations.csv" in note and "district" in note and " / " in note
    assert "C 'เขต'" in note and "B 'district'" in note and "1001" not in note
    kept, account = clean_table(raw)
    assert account.kept == 2 and account.flags["unknown_district"] == 0


def test_duplicate_column_in_a_workbook_starting_at_column_c_is_named_by_its_letter(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["reg_id", "district", "district", "registered_on", "eligibility"]
    for r, row in enumerate([header, ["H1", None, "1001", "2024-11-01", "ผ่าน"]]):
        for c, v in enumerate(row):
            ws.cell(row=2 + r, column=3 + c, value=v)
    wb.save(tmp_path / "homeless_registrations.xlsx")
    raw = read_table(tmp_path / "homeless_registrations.xlsx", REG)
    assert list(raw.frame["district"]) == ["1001"]
    assert "using E 'district', ignoring D 'district'" in raw.notes[0]  # C is reg_id


def test_duplicate_column_both_filled_uses_the_first(tmp_path):
    header = ["reg_id", "เขต", "district", "registered_on", "eligibility"]
    rows = [["H1", "1001", "1002", "2024-11-01", "ผ่าน"]]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [header, *rows]), REG)
    assert list(raw.frame["district"]) == ["1001"]
    assert "district" in raw.ignored_columns and len(raw.notes) == 1


# --- value rules -----------------------------------------------------------------------

@pytest.mark.parametrize("cell, value", [
    ("  H1  ", "H1"),
    ("'00123", "00123"),
    ("  ' 00123 ", "00123"),
    ("''x", "'x"),  # one apostrophe only
    ("H1\u200b", "H1"), ("\ufeffH1", "H1"), ("H\u200c\u200d\u20601", "H1"),
    ("\u00a0H1\u00a0", "H1"), ("ใต้\u00a0สะพาน", "ใต้ สะพาน"), ("a\u202fb", "a b"),
    ("ด้านการศึกษา", "ด้านการศึกษา"),
    ("บริการให้คําปรึกษาแนะนํา", "บริการให้คำปรึกษาแนะนำ"),  # ํ + า typed for ำ
    ("Cafe\u0301", "Café"),  # NFC
    ("", ""), ("-", "-"),
])
def test_value_rules(cell, value):
    assert normalise_cells([cell]).to_pylist() == [value]


def test_value_rules_keep_order_and_many_distinct_values():
    cells = ["'A", "B ", "ก\u200b", "'A", "ข", "B "] * 1000
    assert normalise_cells(cells).to_pylist() == ["A", "B", "ก", "A", "ข", "B"] * 1000


def test_value_rules_come_before_duplicate_detection(tmp_path):
    header = ["reg_id", "district", "registered_on", "eligibility"]
    rows = [["H1", "1001", "2024-11-01", "ผ่าน"], ["'H1\u200b", "1001\u00a0", "2024-11-01", "ผ่าน"],
            ["\u200b", "'", "\u00a0", ""]]  # blank after the rules: not a record
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [header, *rows]), REG)
    assert list(raw.frame["_row"]) == [2, 3]
    kept, account = clean_table(raw)
    assert (account.kept, account.collapsed) == (1, 1)


# --- spreadsheet cell types ---------------------------------------------------------------------

def test_numeric_citizen_id_cells_are_padded_to_13_digits(tmp_path):
    rows = [["reg_id", "citizen_id", "district", "registered_on", "eligibility"],
            ["H1", 123456789016, 1001, "2024-11-01", "ผ่าน"],  # type-0 id lost its 0
            ["H2", 1101700203450, 1001, "2024-11-01", "ผ่าน"],
            ["H3", 1.5, 1001, "2024-11-01", "ผ่าน"],
            ["H4", 1.2345e20, 1001, "2024-11-01", "ผ่าน"]]
    raw = read_table(write_xlsx(tmp_path / "homeless_registrations.xlsx", rows), REG)
    assert list(raw.frame["citizen_id"]) == ["0123456789016", "1101700203450", "1.5",
                                             "123450000000000000000"]
    kept, account = clean_table(raw)
    assert account.kept == 4


def test_19yy_event_date_cells_are_two_digit_be_years(tmp_path):
    rows = [["reg_id", "birth_date", "district", "registered_on", "eligibility"],
            ["H1", datetime(1966, 4, 1), 1001, datetime(1966, 10, 1), "ผ่าน"],  # -> 2023-10-01
            ["H2", None, 1001, datetime(1968, 2, 29), "ผ่าน"],  # 2025-02-29 does not exist
            ["H3", None, 1001, date(2567, 11, 3), "ผ่าน"],  # BE year kept, for the parser
            ["H4", None, 1001, datetime(2024, 11, 3, 10, 30), "ผ่าน"],  # time dropped
            ["H5", None, 1001, datetime(1999, 12, 31), "ผ่าน"],  # -> 2056-12-31
            ["H6", None, 1001, datetime(1929, 12, 31), "ผ่าน"],  # not 1930-1999: kept as is
            ["H7", None, 1001, 45597, "ผ่าน"],  # a serial day, as integer text
            ["H8", None, 1001, 45597.75, "ผ่าน"]]
    raw = read_table(write_xlsx(tmp_path / "homeless_registrations.xlsx", rows), REG)
    assert list(raw.frame["registered_on"]) == [
        "2023-10-01", "2025-02-29", "2567-11-03", "2024-11-03", "2056-12-31", "1929-12-31",
        "45597", "45597"]
    assert list(raw.frame["birth_date"]) == ["1966-04-01", "", "", "", "", "", "", ""]
    assert raw.repaired_dates.tolist() == [True, False, False, False, True, False, False,
                                           False]
    kept, account = clean_table(raw)
    # H1 and H5 kept and repaired; H2 invalid; H6 out of range; serials per the parser
    assert account.flags["two_digit_year_repaired"] == 2
    assert account.reasons["invalid_date"] >= 1


def test_repaired_flag_counts_kept_rows_only(tmp_path):
    rows = [["reg_id", "district", "registered_on", "eligibility"],
            ["H1", 1001, datetime(1966, 10, 1), "ผ่าน"],
            ["H1", 1002, datetime(1967, 10, 1), "ผ่าน"],  # conflicting duplicate
            [None, None, None, None],  # blank row: not a record, no flag
            ["H3", 1001, datetime(1967, 1, 1), "ผ่าน"]]
    raw = read_table(write_xlsx(tmp_path / "homeless_registrations.xlsx", rows), REG)
    assert raw.repaired_dates.tolist() == [True, True, True]
    assert list(raw.frame["_row"]) == [2, 3, 5]
    kept, account = clean_table(raw)
    assert account.kept == 2 and account.flags["two_digit_year_repaired"] == 2


def test_csv_tables_have_no_repaired_dates(tmp_path):
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [EN, *ROWS]), REG)
    assert raw.repaired_dates.dtype == np.bool_ and not raw.repaired_dates.any()
    assert raw.notes == []


# --- memory: a clean exit under 2 GiB, never a crash ---------------------------------------------

LIMIT = 2 * 1024 ** 3


def _run_limited(drop: Path, out: Path) -> subprocess.CompletedProcess:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    code = "import sys; from krlib.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "indicators", "--data", str(drop), "--fiscal-year",
         "2568", "--quarter", "2", "--out", str(out), "--quiet"],
        preexec_fn=limit, env=env, capture_output=True, text=True, timeout=600)


def _assert_clean_exit(result) -> None:
    assert result.returncode in (0, 2), result.stderr[-2000:]
    if result.returncode == 2:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr


@pytest.mark.slow  # a fresh interpreter per probe, huge (sparse) input
@pytest.mark.parametrize("kind", ["openpyxl-xlsx", "libreoffice-xlsx", "libreoffice-ods"])
def test_memory_probe_stray_cell_workbook_under_2_gib(tmp_path, kind):
    drop = tmp_path / "drop"
    shutil.copytree(EXAMPLE, drop)
    (drop / "homeless_services.csv").unlink()
    if kind == "openpyxl-xlsx":
        rows = [["reg_id", "service_date", "service_type"], ["H000001", "2024-11-02", "food"]]
        _stray_cell_xlsx(drop / "homeless_services.xlsx", rows)
    else:
        fmt = kind.split("-")[1]
        _add_stray_cell(LIBREOFFICE / f"{fmt}-auto" / f"homeless_services.{fmt}",
                        drop / f"homeless_services.{fmt}")
    result = _run_limited(drop, tmp_path / "out")
    _assert_clean_exit(result)
    assert result.returncode == 0


@pytest.mark.slow  # a fresh interpreter per probe, huge (sparse) input
def test_memory_probe_csv_header_with_a_million_empty_cells_under_2_gib(tmp_path):
    drop = tmp_path / "drop"
    shutil.copytree(EXAMPLE, drop)
    path = drop / "homeless_services.csv"
    text = csv_text([["reg_id", "service_date", "service_type"],
                     ["H000001", "2024-11-02", "food"]])
    lines = text.splitlines()
    path.write_bytes((lines[0] + "," * 1_000_000 + "\n" + lines[1] + "\n").encode("utf-8"))
    result = _run_limited(drop, tmp_path / "out")
    _assert_clean_exit(result)
    assert result.returncode == 0


# --- whole drops: LibreOffice's files and re-rendered cells give the same figures ------------

LIBREOFFICE = Path(__file__).resolve().parent / "fixtures" / "libreoffice"
FIGURES = ("kr_results.csv", "kr_breakdown.csv")


def _indicators(drop: Path, out: Path) -> dict[str, str]:
    argv = ["indicators", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
            "--out", str(out), "--quiet"]
    assert main(argv) == 0
    return {name: (out / name).read_text("utf-8") for name in (*FIGURES,
                                                                "data_quality_flags.csv")}


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> dict[str, str]:
    """The source drop's figures, computed once for every comparison in this file."""
    return _indicators(LIBREOFFICE / "source", tmp_path_factory.mktemp("plain") / "out")


def _bma(figures: dict[str, str], kr: str) -> list[str]:
    return next(r for r in figures["kr_results.csv"].splitlines()
                if r.startswith(f"{kr},2568,2,BMA,")).split(",")


def test_the_libreoffice_source_drop_gives_the_hand_computed_figures(tmp_path):
    """Hand count (W = 2024-10-01..2025-03-31), tests/fixtures/libreoffice/source:
    8207 cohort: the person of 0123456789016 (H001, H006), H002, H003 (no id), H008,
    H009 (invalid id): 5; served in W: H001/H006, H002, H003, H008: 4 (S04 orphaned,
    S06 before W, S09 is H004, not passed). 5122 cohort: 0098765432100 (R01, R03), R02,
    R05 (R04 before W): 3; served: R01/R03, R02: 2 (R05's domain 5 is invalid)."""
    figures = _indicators(LIBREOFFICE / "source", tmp_path / "out")
    assert _bma(figures, "8207")[5:8] == ["4", "5", "80.00"]
    assert _bma(figures, "5122")[5:8] == ["2", "3", "66.67"]
    bd = [r for r in figures["kr_breakdown.csv"].splitlines() if ",BMA," in r]
    assert "5122,2568,2,BMA,domain,education,2" in bd
    assert "8207,2568,2,BMA,service_type,food,1" in bd
    assert "two_digit_year_repaired" not in figures["data_quality_flags.csv"]


@pytest.mark.parametrize("variant", sorted(p.name for p in LIBREOFFICE.glob("*-*")))
def test_libreoffice_workbooks_give_the_same_figures_as_the_csv_drop(tmp_path, variant, plain):
    """xlsx / xls / ods written by LibreOffice Calc in the Thai locale, text-only or
    automatic cell types (scripts/make-libreoffice-fixtures.sh)."""
    drop = LIBREOFFICE / variant
    assert len(list(drop.iterdir())) == 4
    got = _indicators(drop, tmp_path / "out")
    for name in FIGURES:
        assert got[name] == plain[name], name
    flags = got["data_quality_flags.csv"]
    if variant.endswith("-auto"):  # 1967 date cells repaired, kept rows counted
        assert "homeless_registrations,two_digit_year_repaired,4" in flags
        assert "homeless_services,two_digit_year_repaired,3" in flags  # not the duplicate
        assert "rehab_referrals,two_digit_year_repaired,2" in flags
        assert "rehab_services,two_digit_year_repaired,3" in flags
    else:
        assert "two_digit_year_repaired" not in flags


def _rows(path: Path) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))


def _write(path: Path, rows, *, delimiter=",", newline="\n", encoding="utf-8",
           header_newline=None, prefix="") -> None:
    import csv
    import io

    lines = []
    for row in rows:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(row)
        lines.append(buf.getvalue())
    first = header_newline if header_newline is not None else newline
    text = "".join(line + (first if i == 0 else newline) for i, line in enumerate(lines))
    path.write_bytes((prefix + text).encode(encoding))


def _cells(fn):
    """A variant that re-renders every non-empty cell below the header row(s)."""
    def make(src: Path, out: Path) -> None:
        rows = _rows(src)
        head = 2 if "registrations" in src.name else 1
        body = [[fn(c) if c else c for c in r] for r in rows[head:]]
        _write(out / src.name, rows[:head] + body)
    return make


def _text_form(suffix: str, **kw):
    def make(src: Path, out: Path) -> None:
        _write(out / (src.stem + suffix), _rows(src), **kw)
    return make


RENDERINGS = {
    "utf-16-unicode-text": _text_form(".txt", delimiter="\t", newline="\r\n",
                                      encoding="utf-16"),
    "utf-16-be": _text_form(".txt", delimiter="\t", newline="\r\n", encoding="utf-16-be",
                            prefix="\ufeff"),
    "semicolon": _text_form(".csv", delimiter=";"),
    "tab": _text_form(".tsv", delimiter="\t"),
    "crlf": _text_form(".csv", newline="\r\n"),
    "lone-cr": _text_form(".csv", newline="\r"),
    "cr-after-header-only": _text_form(".csv", header_newline="\r"),
    "tis-620": _text_form(".csv", encoding="cp874"),
    "tis-620-tab-text": _text_form(".txt", delimiter="\t", newline="\r\n", encoding="cp874"),
    "utf-8-bom": _text_form(".csv", encoding="utf-8-sig"),
    "apostrophes": _cells(lambda c: "'" + c),
    "zero-width-spaces": _cells(lambda c: c + "\u200b"),
    "nbsp-and-bom-chars": _cells(lambda c: "\u00a0" + c + "\ufeff\u00a0"),
    "decomposed-sara-am": _cells(lambda c: c.replace("\u0e33", "\u0e4d\u0e32")),
    "upper-case-extension": lambda src, out: shutil.copy(src, out / (src.stem + ".CSV")),
}


def _upper_bma_headers(src: Path, out: Path) -> None:
    rows = _rows(src)
    head = 1 if "registrations" in src.name else 0
    rows[head] = [h.upper().replace("_", " ") for h in rows[head]]
    _write(out / src.name, rows)


RENDERINGS["headers-as-titles"] = _upper_bma_headers


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_cells_and_files_rendered_in_other_allowed_forms_give_the_same_figures(
        tmp_path, rendering, plain):
    drop = tmp_path / "drop"
    drop.mkdir()
    for src in sorted((LIBREOFFICE / "source").glob("*.csv")):
        RENDERINGS[rendering](src, drop)
    got = _indicators(drop, tmp_path / "out")
    for name in FIGURES:
        assert got[name] == plain[name], name


@pytest.mark.parametrize("rendering", ["apostrophes", "zero-width-spaces",
                                       "decomposed-sara-am", "lone-cr", "semicolon"])
def test_the_contract_example_rendered_otherwise_gives_the_same_figures(tmp_path, rendering):
    plain = _indicators(EXAMPLE, tmp_path / "plain")
    drop = tmp_path / "drop"
    shutil.copytree(EXAMPLE, drop)
    for src in sorted(EXAMPLE.glob("*.csv")):
        text = src.read_bytes()
        encoding = "cp874" if "referrals" in src.name else "utf-8-sig"
        utf8 = tmp_path / src.name
        utf8.write_text(text.decode(encoding), "utf-8")
        (drop / src.name).unlink()
        maker = RENDERINGS[rendering]
        if rendering in ("apostrophes", "zero-width-spaces", "decomposed-sara-am"):
            rows = _rows(utf8)
            fn = {"apostrophes": lambda c: "'" + c, "zero-width-spaces": lambda c: c + "\u200b",
                  "decomposed-sara-am": lambda c: c.replace("\u0e33", "\u0e4d\u0e32")}[rendering]
            _write(drop / src.name, rows[:1] + [[fn(c) if c else c for c in r]
                                                for r in rows[1:]])
        else:
            maker(utf8, drop)
    got = _indicators(drop, tmp_path / "out")
    for name in FIGURES:
        assert got[name] == plain[name], name


def _add_stray_cell(src: Path, dst: Path) -> None:
    """Copy a LibreOffice workbook with one more valued cell at the sheet's far corner
    (the declared range updated, as Excel and Calc write it)."""
    import re

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1.xml"):
                text = data.decode("utf-8")
                text = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', text)
                text = text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" '
                                    't="inlineStr"><is><t>x</t></is></c></row></sheetData>')
                data = text.encode("utf-8")
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                far = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell'
                       ' table:number-columns-repeated="1024"/></table:table-row><table:table-row>'
                       '<table:table-cell table:number-columns-repeated="1023"/><table:table-cell'
                       ' office:value-type="string"><text:p>x</text:p></table:table-cell>'
                       '</table:table-row>')
                text = text.replace("</table:table>", far + "</table:table>", 1)
                data = text.encode("utf-8")
            zout.writestr(item, data)


@pytest.mark.parametrize("variant", ["xlsx-auto", "xlsx-text", "ods-auto", "ods-text"])
def test_libreoffice_workbooks_with_a_far_stray_cell_give_the_same_figures(tmp_path, variant,
                                                                           plain):
    """The stray cell's range (17G cells for xlsx, 1G for ods) is never allocated: such
    sheets are streamed by their real cells, with the same cell types as calamine's."""
    drop = tmp_path / "drop"
    drop.mkdir()
    for src in sorted((LIBREOFFICE / variant).iterdir()):
        _add_stray_cell(src, drop / src.name)
    got = _indicators(drop, tmp_path / "out")
    for name in FIGURES:
        assert got[name] == plain[name], name
    if variant.endswith("-auto"):
        assert "homeless_registrations,two_digit_year_repaired,4" in got["data_quality_flags.csv"]


# --- property: any mix of allowed cell and file forms gives the same figures -----------------

CELL_FORMS = {
    "as is": lambda c: c,
    "apostrophe": lambda c: "'" + c,
    "apostrophe and spaces": lambda c: "  ' " + c + " ",
    "zero-width after": lambda c: c + "\u200b",
    "zero-width inside nothing": lambda c: "\u2060" + c + "\ufeff",
    "nbsp around": lambda c: "\u00a0" + c + "\u202f",
    "decomposed sara am": lambda c: c.replace("\u0e33", "\u0e4d\u0e32"),
}
FILE_FORMS = {
    "utf-8": dict(suffix=".csv"),
    "utf-8-bom": dict(suffix=".csv", encoding="utf-8-sig"),
    "unicode text": dict(suffix=".txt", delimiter="\t", newline="\r\n", encoding="utf-16"),
    "semicolon": dict(suffix=".csv", delimiter=";"),
    "tab": dict(suffix=".tsv", delimiter="\t"),
    "lone cr": dict(suffix=".csv", newline="\r"),
    "crlf": dict(suffix=".csv", newline="\r\n"),
}


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_property_rerendered_cells_and_files_give_identical_figures(tmp_path_factory, data,
                                                                    plain):
    drop = tmp_path_factory.mktemp("drop")
    for src in sorted((LIBREOFFICE / "source").glob("*.csv")):
        rows = _rows(src)
        head = 2 if "registrations" in src.name else 1
        body = [[CELL_FORMS[data.draw(st.sampled_from(sorted(CELL_FORMS)))](c) if c else c
                 for c in row] for row in rows[head:]]
        form = dict(FILE_FORMS[data.draw(st.sampled_from(sorted(FILE_FORMS)))])
        suffix = form.pop("suffix")
        _write(drop / (src.stem + suffix), rows[:head] + body, **form)
    got = _indicators(drop, drop.with_name(drop.name + "-out"))  # outside the drop
    for name in FIGURES:
        assert got[name] == plain[name], name


@pytest.mark.parametrize("path", sorted(LIBREOFFICE.glob("ods-*/*.ods")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_streaming_ods_reader_gives_calamines_cells(path):
    """krlib's own .ods reader (used only for huge sheets) against calamine's cells."""
    from python_calamine import CalamineWorkbook

    from krlib.read.huge_sheets import ods_rows
    from krlib.read.workbooks import _cell_text

    def text(rows):
        out = [[_cell_text(c) for c in r] for r in rows]
        out = [r[:max([i + 1 for i, c in enumerate(r) if c] or [0])] for r in out]
        while out and not out[-1]:
            out.pop()
        return out

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    ours = text(ods_rows(path.read_bytes(), sheet.name))
    assert ours == text(sheet.to_python(skip_empty_area=False))
    assert len(ours) >= 6
