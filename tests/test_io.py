"""Reading a table file: headers, title rows, encodings, XLSX cells, ids as text."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from conftest import write_csv

from krlib.clean.tables import clean_table
from krlib.contract.schema import TABLES
from krlib.errors import InputError
from krlib.read.drop import read_drop, read_table

REG = TABLES["homeless_registrations"]
SVC = TABLES["homeless_services"]

EN = ["reg_id", "citizen_id", "district", "registered_on", "eligibility"]
TH = ["เลขทะเบียน", "เลขประจำตัวประชาชน", "เขต", "วันที่ลงทะเบียน", "ผลการตรวจสอบสิทธิ"]
ROWS = [
    ["00123", "0123456789016", "เขตบางรัก", "15/10/2567", "ผ่าน"],
    ["H2", "", "1039", "2024-11-01", "ไม่ผ่าน"],
]


def records(raw) -> list[dict]:
    """The frame's known columns as plain dicts (without the source row number)."""
    return raw.frame.drop(columns="_row")[EN].to_dict("records")


EXPECTED = [dict(zip(EN, r)) for r in ROWS]


def write_xlsx(path, rows, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title or "Sheet1"
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


# --- headers ------------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    EN,
    TH,
    ["reg_id", "เลขประจำตัวประชาชน", "district", "วันที่ลงทะเบียน", "eligibility"],  # mixed
    [" reg_id ", "  เลขประจำตัวประชาชน", "เขต  ", " registered_on", "ผลการตรวจสอบสิทธิ "],
    ["REG_ID", "Citizen_ID", "District", "Registered_On", "ELIGIBILITY"],
])
def test_header_forms(tmp_path, header):
    path = write_csv(tmp_path / "homeless_registrations.csv", [header, *ROWS])
    raw = read_table(path, REG)
    assert records(raw) == EXPECTED
    assert raw.header_row == 1
    assert list(raw.frame["_row"]) == [2, 3]


def test_unknown_extra_columns_are_ignored(tmp_path):
    header = ["หมายเหตุ", *EN, "extra"]
    rows = [["note a", *ROWS[0], "x"], ["note b", *ROWS[1], "y"]]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [header, *rows]), REG)
    assert records(raw) == EXPECTED
    assert set(raw.frame.columns) == {"_row", *REG.names}
    assert raw.ignored_columns == ["หมายเหตุ", "extra"]
    # optional columns that are absent read as empty
    assert list(raw.frame["first_name"]) == ["", ""]


def test_columns_in_any_order(tmp_path):
    order = [4, 2, 0, 3, 1]
    header = [EN[i] for i in order]
    rows = [[r[i] for i in order] for r in ROWS]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [header, *rows]), REG)
    assert records(raw) == EXPECTED


def test_header_below_ten_title_rows_csv(tmp_path):
    titles = [["รายงานทะเบียนคนไร้บ้าน ปีงบประมาณ 2568"], [], ["สำนักพัฒนาสังคม", "", ""]]
    titles += [[f"title {i}"] for i in range(7)]  # 10 title rows in all
    path = write_csv(tmp_path / "homeless_registrations.csv", [*titles, TH, *ROWS])
    raw = read_table(path, REG)
    assert raw.header_row == 11
    assert records(raw) == EXPECTED
    assert list(raw.frame["_row"]) == [12, 13]


def test_header_below_eleven_title_rows_is_not_found(tmp_path):
    titles = [[f"title {i}"] for i in range(11)]
    path = write_csv(tmp_path / "homeless_registrations.csv", [*titles, TH, *ROWS])
    with pytest.raises(InputError, match="homeless_registrations.csv"):
        read_table(path, REG)


def test_header_below_ten_title_rows_xlsx(tmp_path):
    titles = [["รายงานทะเบียนคนไร้บ้าน"]] + [[None]] * 4 + [[f"หมายเหตุ {i}"] for i in range(5)]
    path = write_xlsx(tmp_path / "homeless_registrations.xlsx", [*titles, TH, *ROWS])
    raw = read_table(path, REG)
    assert raw.header_row == 11
    assert records(raw) == EXPECTED


def test_missing_required_column_names_file_and_column(tmp_path):
    header = ["reg_id", "citizen_id", "registered_on", "eligibility"]  # no district
    rows = [["H1", "", "2024-11-01", "ผ่าน"]]
    path = write_csv(tmp_path / "homeless_registrations.csv", [header, *rows])
    with pytest.raises(InputError) as exc:
        read_table(path, REG)
    assert exc.value.column == "district"
    assert "homeless_registrations.csv" in str(exc.value)
    assert "district" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_required_column_of_a_service_table(tmp_path):
    path = write_csv(tmp_path / "homeless_services.csv",
                     [["reg_id", "service_date"], ["H1", "2024-11-01"]])
    with pytest.raises(InputError) as exc:
        read_table(path, SVC)
    assert exc.value.column == "service_type"
    assert "homeless_services.csv" in str(exc.value)


# --- ids as text ----------------------------------------------------------------------

def test_ids_read_as_text_leading_zeros_kept(tmp_path):
    rows = [["00123", "0000000001121", "1001", "2024-11-01", "ผ่าน"],
            ["123", "0123456789016", "1001", "2024-11-01", "ผ่าน"]]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", [EN, *rows]), REG)
    assert list(raw.frame["reg_id"]) == ["00123", "123"]
    assert list(raw.frame["citizen_id"]) == ["0000000001121", "0123456789016"]
    assert list(raw.frame["district"]) == ["1001", "1001"]


def test_xlsx_text_cells_keep_leading_zeros_and_integral_numbers_have_no_decimals(tmp_path):
    rows = [EN, ["00123", "0123456789016", 1001, "2024-11-01", "ผ่าน"]]
    raw = read_table(write_xlsx(tmp_path / "homeless_registrations.xlsx", rows), REG)
    assert raw.frame.loc[0, "reg_id"] == "00123"
    assert raw.frame.loc[0, "citizen_id"] == "0123456789016"
    assert raw.frame.loc[0, "district"] == "1001"


# --- cells ------------------------------------------------------------------------------

def test_cells_are_stripped_and_blank_rows_are_not_records(tmp_path):
    rows = [EN, ["  H1 ", " ", " เขตบางรัก ", " 2024-11-01", "ผ่าน  "], ["", "", "", "", ""],
            ["H2", "-", "1001", "2024-11-02", "ผ่าน"]]
    raw = read_table(write_csv(tmp_path / "homeless_registrations.csv", rows), REG)
    assert records(raw) == [
        {"reg_id": "H1", "citizen_id": "", "district": "เขตบางรัก",
         "registered_on": "2024-11-01", "eligibility": "ผ่าน"},
        {"reg_id": "H2", "citizen_id": "-", "district": "1001",
         "registered_on": "2024-11-02", "eligibility": "ผ่าน"},
    ]
    assert list(raw.frame["_row"]) == [2, 4]


def test_xlsx_date_cells_with_be_and_ce_years_below_two_title_rows(tmp_path):
    """Thai Excel users type BE years into date cells: 2567-11-03 means 2024-11-03."""
    rows = [
        ["ทะเบียนคนไร้บ้าน ปีงบประมาณ 2568"],
        ["ส่งออกจากระบบ", None, None],
        TH,
        ["H1", None, "เขตบางรัก", datetime(2567, 11, 3), "ผ่าน"],
        ["H2", None, "เขตบางรัก", datetime(2024, 11, 3), "ผ่าน"],
        ["H3", None, "เขตบางรัก", date(2568, 1, 31), "ผ่าน"],
        ["H4", None, "เขตบางรัก", "15 ต.ค. 2567", "ผ่าน"],
    ]
    path = write_xlsx(tmp_path / "homeless_registrations.xlsx", rows,
                      title="homeless_registrations")
    raw = read_table(path, REG)
    assert raw.header_row == 3
    assert list(raw.frame["_row"]) == [4, 5, 6, 7]
    kept, account = clean_table(raw)
    assert account.kept == 4 and account.rejected == 0
    assert [d.date() for d in kept["event_date"]] == [
        date(2024, 11, 3), date(2024, 11, 3), date(2025, 1, 31), date(2024, 10, 15)]


def test_xlsx_sheet_named_like_the_table_is_used(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "README"
    wb.active.append(["this sheet explains the export"])
    ws = wb.create_sheet("homeless_registrations")
    for r in [EN, *ROWS]:
        ws.append(r)
    wb.save(tmp_path / "homeless_registrations.xlsx")
    raw = read_table(tmp_path / "homeless_registrations.xlsx", REG)
    assert records(raw) == EXPECTED


def test_xlsx_first_sheet_is_used_otherwise(tmp_path):
    path = write_xlsx(tmp_path / "homeless_registrations.xlsx", [EN, *ROWS], title="ข้อมูล")
    assert records(read_table(path, REG)) == EXPECTED


# --- encodings --------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, detected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-bom"), ("cp874", "cp874"),
])
def test_csv_encodings_read_the_same(tmp_path, encoding, detected):
    path = write_csv(tmp_path / "homeless_registrations.csv", [TH, *ROWS], encoding)
    raw = read_table(path, REG)
    assert raw.encoding == detected
    assert records(raw) == EXPECTED


@pytest.mark.parametrize("short_row", [False, True])
def test_tis620_body_below_an_ascii_header_and_many_ascii_rows(tmp_path, short_row):
    # the header and the first rows look like UTF-8; Thai bytes come far down the file
    ascii_rows = [[f"A{i}", "", "1001", "2024-11-01", "passed"] for i in range(300)]
    thai = ["H9", "", "เขตบางรัก", "15 ต.ค. 2567", "ผ่าน"]
    rows = [EN, *ascii_rows, thai[:4] if short_row else thai]
    path = write_csv(tmp_path / "homeless_registrations.csv", rows, "cp874")
    raw = read_table(path, REG)
    assert raw.encoding == "cp874"
    last = raw.frame.iloc[-1]
    assert (last["district"], last["registered_on"]) == ("เขตบางรัก", "15 ต.ค. 2567")
    assert last["eligibility"] == ("" if short_row else "ผ่าน")
    assert len(raw.frame) == 301


def test_bom_file_with_bytes_that_are_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "homeless_registrations.csv"
    utf8 = ",".join(EN) + "\nH1,,1001,2024-11-01,ผ่าน\n"
    tis620 = "H2,,1001,2024-11-01,ผ่าน\n"
    path.write_bytes(b"\xef\xbb\xbf" + utf8.encode("utf-8") + tis620.encode("cp874"))
    with pytest.raises(InputError, match="encoding"):
        read_table(path, REG)


def test_bom_and_thai_header_in_first_column(tmp_path):
    # a BOM must not stick to the first header cell (เลขทะเบียน)
    path = write_csv(tmp_path / "homeless_registrations.csv", [TH, *ROWS], "utf-8-sig")
    assert read_table(path, REG).frame.loc[0, "reg_id"] == "00123"


# --- a whole drop -----------------------------------------------------------------------

def test_read_drop_finds_csv_and_xlsx_and_skips_absent_tables(tmp_path):
    write_csv(tmp_path / "homeless_registrations.csv", [EN, *ROWS])
    write_xlsx(tmp_path / "homeless_services.xlsx",
               [["reg_id", "service_date", "service_type"], ["00123", "2024-11-02", "food"]])
    (tmp_path / "notes.txt").write_text("not a table", encoding="utf-8")
    tables = read_drop(tmp_path)
    assert set(tables) == {"homeless_registrations", "homeless_services"}
    assert tables["homeless_services"].frame.loc[0, "reg_id"] == "00123"


def test_read_drop_missing_folder(tmp_path):
    with pytest.raises(InputError, match="nowhere"):
        read_drop(tmp_path / "nowhere")


def test_crlf_blank_lines_and_quoted_commas(tmp_path):
    text = ("reg_id,district,registered_on,eligibility,service_point\r\n"
            "H1,1001,2024-11-01,ผ่าน,\"ใต้สะพาน, ฝั่งธน\"\r\n"
            "\r\n"
            "H2,1002,2024-11-02,ผ่าน,-\r\n")
    path = tmp_path / "homeless_registrations.csv"
    path.write_bytes(text.encode("utf-8"))
    raw = read_table(path, REG)
    assert list(raw.frame["reg_id"]) == ["H1", "H2"]
    assert list(raw.frame["service_point"]) == ["ใต้สะพาน, ฝั่งธน", "-"]
    assert list(raw.frame["_row"]) == [2, 4]


def test_early_parse_gives_the_same_clean_drop_as_reading_in_place(contract_example):
    from krlib.clean.tables import load_drop
    from krlib.read.drop import parse_drop_early

    drop = contract_example / "drop"
    plain, early = load_drop(drop), load_drop(drop, parse_drop_early(drop))
    assert list(early.tables) == list(plain.tables)
    for name, frame in plain.tables.items():
        pd.testing.assert_frame_equal(early.tables[name], frame)
    assert list(early.accounts) == list(plain.accounts)
    for name, a in plain.accounts.items():
        b = early.accounts[name]
        pd.testing.assert_frame_equal(b.rejected_rows, a.rejected_rows)
        assert (b.sha256, b.rows_in, b.kept, b.collapsed, b.reasons, b.flags) == \
            (a.sha256, a.rows_in, a.kept, a.collapsed, a.reasons, a.flags)


def test_early_parse_raises_a_bad_files_error_when_its_table_is_taken(tmp_path):
    from krlib.clean.tables import load_drop
    from krlib.read.drop import parse_drop_early

    write_csv(tmp_path / "homeless_registrations.csv", [["reg_id", "district"], ["H1", "1001"]])
    futures = parse_drop_early(tmp_path)
    with pytest.raises(InputError, match="homeless_registrations.csv"):
        load_drop(tmp_path, futures)


# --- the krlib command's process settings (each in a fresh interpreter: they are global) --

def _in_fresh_python(code: str, **env: str) -> str:
    import os
    import subprocess
    import sys

    clean_env = {k: v for k, v in os.environ.items()
                 if k not in ("ARROW_DEFAULT_MEMORY_POOL", "OPENBLAS_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env={**clean_env, **env},
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_arrow_gets_an_allocator_without_huge_pages_unless_the_user_chose_one():
    code = "from krlib.cli import use_lean_arrow_memory; print(use_lean_arrow_memory())"
    assert _in_fresh_python(code) in ("jemalloc", "system")
    assert _in_fresh_python(code, ARROW_DEFAULT_MEMORY_POOL="mimalloc") == "mimalloc"


def test_the_command_starts_one_blas_thread_unless_the_user_chose_more():
    code = "import os, krlib.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    assert _in_fresh_python(code) == "1"
    assert _in_fresh_python(code, OPENBLAS_NUM_THREADS="4") == "4"


@pytest.mark.parametrize("share_thai", [0, 1, 3, 10])
def test_ascii_shortcut_finds_the_cells_the_value_rule_regex_finds(share_thai):
    """text._needs_python skips the regex on ASCII cells (only a leading ' can need
    Python there): same cells as the regex, on plain, chunked and mixed columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from krlib.read import text

    ascii_cells = ["1103700000011", "'0812345678", "15/10/2567", "", "a'b", "'", "x y"]
    thai_cells = ["ชาย", "กำ", "กํา", "ก\u200bข", "๑๕/๑๐/๒๕๖๗", "'เขต", "e\u0301"]
    cells = [ascii_cells[i % len(ascii_cells)] if i % 10 >= share_thai
             else thai_cells[i % len(thai_cells)] for i in range(200)]
    for values in (pa.array(cells), pa.chunked_array([cells[:50], cells[50:], []])):
        want = pc.match_substring_regex(values, text._NEEDS_PYTHON)
        got = text._needs_python(values)
        assert got.to_pylist() == want.to_pylist()
    assert text._needs_python(pa.array(["'1", "1"])).to_pylist() == [True, False]
    assert text.normalise_cells(pa.array(["'0812", " 1 ", "กํา"])).to_pylist() == [
        "0812", "1", "กำ"]


def test_coded_columns_get_the_same_value_rules_by_dictionary(monkeypatch):
    """A long column of few values is normalised once per distinct value (chunked or
    not, with nulls): the same cells as the cell-by-cell path."""
    import pyarrow as pa

    from krlib.read import text

    values = ["ชาย", " หญิง ", "'ช", "กํา", "\u200bญ", "", None, "M", "เขต\u00a0บางรัก"]
    cells = [values[(i * 7) % len(values)] for i in range(12_000)]
    for column in (pa.array(cells), pa.chunked_array([cells[:5000], cells[5000:]])):
        assert text._few_distinct(column)
        coded = text.normalise_cells(column)
        monkeypatch.setattr(text, "_few_distinct", lambda v: False)
        plain = text.normalise_cells(column)
        monkeypatch.undo()
        assert type(coded) is type(plain)
        assert coded.to_pylist() == plain.to_pylist()
    # cells 0-4 hold values 0, 7, 5, 3, 1: hand-normalised
    assert text.normalise_cells(pa.array(cells))[:5].to_pylist() == ["ชาย", "M", "", "กำ", "หญิง"]
    assert not text._few_distinct(pa.array([str(i) for i in range(12_000)]))
