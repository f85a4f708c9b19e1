"""kr_results.xlsx: same bytes for the same inputs, the same figures as kr_results.csv,
Thai styling, no personal data, listed in the manifest."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from krlib.cli import main
from krlib.demo import write_demo_drop

KRS = ("8207", "5122")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "drop"
    write_demo_drop(folder, seed=7, scale=0.5, fmt="mixed")
    return folder


def run(data, out, q="2"):
    assert main(["indicators", "--data", str(data), "--fiscal-year", "2568", "--quarter", q,
                 "--out", str(out), "--quiet"]) == 0
    return out


def csv_rows(path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def sheet(path, name) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def table(rows: list[list], first_header: str = "รหัสพื้นที่") -> tuple[list, list[list]]:
    """The header row (the first row starting with ``first_header``) and the rows below it
    up to the first empty row."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    body = []
    for r in rows[start + 1:]:
        if not any(str(c) for c in r):
            break
        body.append(r)
    return rows[start], body


def num(v) -> str:
    """A read-back count cell as the CSV writes it."""
    return "" if v == "" else str(int(v))


def pct(v) -> str:
    return "" if v == "" else f"{v:.2f}"


@pytest.fixture(scope="module")
def out(demo, tmp_path_factory):
    return run(demo, tmp_path_factory.mktemp("out") / "o")


def test_same_bytes_for_the_same_source_date_epoch(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    a = (run(demo, tmp_path / "a") / "kr_results.xlsx").read_bytes()
    b = (run(demo, tmp_path / "b") / "kr_results.xlsx").read_bytes()
    assert a == b
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735776000")  # a day later: only the date moves
    c = (run(demo, tmp_path / "c") / "kr_results.xlsx").read_bytes()
    assert c != a
    core = zipfile.ZipFile(tmp_path / "c" / "kr_results.xlsx").read("docProps/core.xml")
    assert b"2025-01-02T00:00:00Z" in core
    for info in zipfile.ZipFile(tmp_path / "a" / "kr_results.xlsx").infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename


def test_without_epoch_the_bytes_do_not_depend_on_the_clock(demo, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = (run(demo, tmp_path / "a") / "kr_results.xlsx").read_bytes()
    b = (run(demo, tmp_path / "b") / "kr_results.xlsx").read_bytes()
    assert a == b


@pytest.mark.parametrize("kr", KRS)
def test_kr_sheet_equals_kr_results_csv_for_every_scope(out, kr):
    expected = {r["scope_code"]: r for r in csv_rows(out / "kr_results.csv")
                if r["kr_code"] == kr}
    header, body = table(sheet(out / "kr_results.xlsx", f"KR {kr}"))
    assert header[:3] == ["รหัสพื้นที่", "พื้นที่", "ค่าเป้าหมาย (ร้อยละ)"]
    assert header[5:8] == ["หน่วยนับ", "ร้อยละ", "ผลการประเมิน"]
    # the unknown-district row has no area code (``unknown`` is a key, not for a reader)
    assert [r[0] for r in body] == [*expected][:50] + ["", "BMA"]
    for code, name, target, n, d, unit, percent, met, *_ in body:
        if code == "":
            continue
        e = expected[code]
        assert (name, num(target), num(n), num(d), pct(percent)) == (
            e["scope_name_th"], e["target"], e["numerator"], e["denominator"], e["percent"])
        assert unit == "คน"
        assert met == {"true": "บรรลุ", "false": "ไม่บรรลุ", "": ""}[e["met_target"]]
    # the unknown-district row is what Bangkok holds beyond its 50 districts
    unknown = next(r for r in body if r[0] == "")
    districts = [e for c, e in expected.items() if c != "BMA"]
    for col, key in ((3, "numerator"), (4, "denominator")):
        assert int(unknown[col]) == int(expected["BMA"][key]) - sum(int(e[key]) for e in districts)
    assert unknown[1] == "ไม่ทราบเขต"


@pytest.mark.parametrize("kr", KRS)
def test_quarter_columns_are_each_quarters_own_results(demo, tmp_path, kr):
    wb = run(demo, tmp_path / "q3", q="3") / "kr_results.xlsx"
    header, body = table(sheet(wb, f"KR {kr}"))
    assert header[8:] == [f"ไตรมาส {q} (ร้อยละ สะสม)" for q in (1, 2, 3)]
    for q in (1, 2, 3):
        rows = csv_rows(run(demo, tmp_path / f"only{q}", q=str(q)) / "kr_results.csv")
        expected = {r["scope_code"]: r["percent"] for r in rows if r["kr_code"] == kr}
        got = {r[0]: pct(r[7 + q]) for r in body if r[0] != ""}
        assert got == expected, q


def test_breakdown_sheet_holds_every_breakdown_row(out):
    rows = sheet(out / "kr_results.xlsx", "จำแนก")
    header, body = table(rows, "KR")
    assert header == ["KR", "รหัสพื้นที่", "พื้นที่", "มิติ", "กลุ่ม", "จำนวน (คน)", "ฐาน (คน)",
                      "ร้อยละ"]
    from krlib.contract.schema import DOMAINS, WELFARE_TYPES

    labels = {"service_type": WELFARE_TYPES, "domain": DOMAINS}
    got = {(r[0], r[1], r[4]): num(r[5]) for r in body if r[3] in ("ประเภทสวัสดิการ",
                                                                     "ด้านการฟื้นฟู")}
    expected = {(r["kr_code"], r["scope_code"], labels[r["dimension"]][r["category"]]):
                r["persons"]
                for r in csv_rows(out / "kr_breakdown.csv")}
    assert got == expected


def test_data_quality_sheets_match_the_csvs_without_cell_values(out):
    wb = out / "kr_results.xlsx"
    from krlib.clean.tables import REASONS
    from krlib.contract.schema import TABLES

    def column_th(table, column):
        return TABLES[table].column(column).th if column else ""

    header, body = table(sheet(wb, "คุณภาพข้อมูล"), "ตาราง")
    assert header[:3] == ["ตาราง", "ไฟล์ต้นทาง", "จำนวนแถวที่อ่าน"]
    dq = csv_rows(out / "data_quality.csv")
    assert [[r[0], *map(num, r[2:])] for r in body] == [
        [TABLES[r["table"]].th, *list(r.values())[1:]] for r in dq]
    header, rejected = table(sheet(wb, "แถวที่ไม่ผ่าน"), "ตาราง")
    assert header == ["ตาราง", "ไฟล์ต้นทาง", "แถวที่ในไฟล์", "เหตุผล", "คอลัมน์"]
    expected = [[TABLES[r["table"]].th, r["source_file"], r["source_row"],
                 REASONS[r["reason"]][0], column_th(r["table"], r["column"])]
                for r in csv_rows(out / "rejected_rows.csv")]
    assert len(expected) > 0
    assert [[r[0], r[1], num(r[2]), r[3], r[4]] for r in rejected] == expected


def test_thai_font_frozen_headers_and_number_formats(out):
    z = zipfile.ZipFile(out / "kr_results.xlsx")
    styles = z.read("xl/styles.xml").decode()
    assert 'name val="TH Sarabun New"' in styles and 'name val="Calibri"' not in styles
    assert 'scheme val="minor"' not in styles  # else Excel shows the theme font instead
    assert 'formatCode="#,##0"' in styles and 'formatCode="0.00"' in styles
    kr_sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'state="frozen"' in kr_sheet and 'topLeftCell="C5"' in kr_sheet
    assert "<col " in kr_sheet  # widths set


def test_workbook_is_in_the_manifest_and_holds_no_personal_data(demo, out, capsys):
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "kr_results.xlsx" in doc["outputs"]
    assert main(["verify", str(out)]) == 0
    capsys.readouterr()
    assert main(["privacy-scan", "--data", str(demo), str(out)]) == 0
    assert "OK" in capsys.readouterr().out


def test_privacy_scan_looks_inside_workbooks(demo, tmp_path, capsys):
    """The check above could not fail if the scan read the compressed bytes only."""
    import openpyxl

    from krlib.contract.schema import TABLES
    from krlib.read.drop import read_table

    reg_id = read_table(next(demo.glob("homeless_registrations.*")),
                        TABLES["homeless_registrations"]).frame["reg_id"].iloc[5]
    leak = tmp_path / "leak"
    leak.mkdir()
    wb = openpyxl.Workbook()
    wb.active["B7"] = f"ref {reg_id}"
    wb.save(leak / "x.xlsx")
    assert main(["privacy-scan", "--data", str(demo), str(leak)]) == 1
    assert "x.xlsx" in capsys.readouterr().out


def test_unavailable_kr_sheet_says_so(make_drop, tmp_path):
    from test_cli_indicators import REGS, SVCS

    out = run(make_drop(homeless_registrations=REGS, homeless_services=SVCS), tmp_path / "o")
    rows = sheet(out / "kr_results.xlsx", "KR 5122")
    text = " ".join(str(c) for r in rows for c in r)
    assert "ไม่พร้อมใช้งาน" in text and "การส่งต่อเพื่อฟื้นฟูสภาพทางสังคม" in text
    assert "rehab_referrals.csv" in text  # the file to supply, by its name
    _, body = table(sheet(out / "kr_results.xlsx", "KR 8207"))
    by = {r[0]: r for r in body}
    # H0001 (1001) and H0002 (unknown district) both served, in Q1 and Q2 alike
    assert by["1001"][3:5] == [1, 1] and by[""][3:5] == [1, 1]
    assert by["BMA"][3:5] == [2, 2] and by[""][7] == ""


def test_disaggregation_and_timeliness_frames_when_present(make_drop, tmp_path):
    """The frames the KR computation may carry (kr_disaggregation / kr_timeliness) reach
    their sheets; without them the workbook is written all the same (tests above)."""
    import pandas as pd
    from test_cli_indicators import REGS, SVCS

    from krlib.clean.tables import load_drop
    from krlib.compute.indicators import compute
    from krlib.contract.periods import Period
    from krlib.outputs.workbook import write_workbook

    clean = load_drop(make_drop(homeless_registrations=REGS, homeless_services=SVCS))
    period = Period(2568, 2)
    ind = compute(clean, period)
    ind.disaggregation = pd.DataFrame(
        [["8207", 2568, 2, "1001", "sex", "male", 1, 1, 100.0],
         ["8207", 2568, 2, "BMA", "age_band", "unknown", 1, 2, 50.0],
         ["8207", 2568, 1, "BMA", "age_band", "unknown", 9, 9, 100.0]],  # another quarter
        columns=["kr_code", "fiscal_year", "quarter", "scope_code", "dimension", "category",
                 "numerator", "denominator", "percent"])
    ind.timeliness = pd.DataFrame(
        [["8207", 2568, 2, "BMA", 2, "1.5", 1, 1, 0, 0, 0, 0]],
        columns=["kr_code", "fiscal_year", "quarter", "scope_code", "served", "median_days",
                 "days_0", "days_1_7", "days_8_30", "days_31_90", "days_91_plus", "waiting"])
    wb = write_workbook(ind, clean, tmp_path, period)
    _, body = table(sheet(wb, "จำแนก"), "KR")
    assert [r for r in body if r[3] in ("เพศ", "ช่วงอายุ")] == [
        ["8207", "1001", "เขตพระนคร", "เพศ", "ชาย", 1, 1, 100.0],
        ["8207", "BMA", "กรุงเทพมหานคร", "ช่วงอายุ", "ไม่ทราบอายุ", 1, 2, 50.0]]
    header, body = table(sheet(wb, "ระยะเวลารอ"), "KR")
    assert header[3:5] == ["ได้รับบริการแล้ว (คน)", "มัธยฐาน (วัน)"]
    assert body == [["8207", "BMA", "กรุงเทพมหานคร", 2, 1.5, 1, 1, 0, 0, 0, 0]]


def test_timeliness_sheet_waiting_by_days(make_drop, tmp_path):
    """Contract v3's waiting_* columns, in Thai, from the hand-worked drop of
    tests/test_waiting.py (1001: 0 | 7 | 8, 30 | 31, 90 | 91 days; BMA adds 1002, 1003
    and the unknown district)."""
    from test_waiting import REGS, SVCS

    from krlib.clean.tables import load_drop
    from krlib.compute.indicators import compute
    from krlib.contract.periods import Period
    from krlib.outputs.workbook import write_workbook

    clean = load_drop(make_drop(homeless_registrations=REGS, homeless_services=SVCS))
    q2 = Period(2568, 2)
    wb = write_workbook(compute(clean, q2), clean, tmp_path, q2)
    rows_ = sheet(wb, "ระยะเวลารอ")
    assert "วันสุดท้ายของช่วงข้อมูล (31 มี.ค. 2568)" in rows_[1][0]
    head = next(i for i, r in enumerate(rows_) if r and r[0] == "KR")
    assert rows_[head][10:] == ["ยังรอรับบริการ (คน)", "รอ 0 วัน", "รอ 1-7 วัน", "รอ 8-30 วัน",
                                "รอ 31-90 วัน", "รอ 91 วันขึ้นไป"]
    body = {r[1]: r for r in rows_[head + 1:] if r and r[0] == "8207"}
    assert len(body) == 51
    assert body["1001"][10:] == [7, 1, 1, 2, 2, 1]
    assert body["1004"][10:] == [0, 0, 0, 0, 0, 0]
    assert body["BMA"][2] == "กรุงเทพมหานคร" and body["BMA"][10:] == [10, 1, 1, 2, 3, 3]


# --- what a person reads (issue 24 item 14) ----------------------------------------------

def raw_keys() -> set[str]:
    """Every key of the contract a CSV may hold: tables, columns, reasons, flags, category
    keys, dimensions, ``unknown``."""
    from krlib.clean.tables import FLAGS, REASONS
    from krlib.contract.schema import DIMENSIONS, TABLES

    keys = {"unknown", "unspecified", "other", *REASONS, *FLAGS, *DIMENSIONS, *TABLES,
            "service_type", "domain"}
    for spec in TABLES.values():
        for c in spec.columns:
            keys.add(c.name)
            keys |= set(c.vocabulary or ())
    for d in DIMENSIONS.values():
        keys |= set(d.vocabulary)
    return {k for k in keys if any(ch.isalpha() for ch in k)}


def visible_cells(path) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) of every text cell a reader sees (every sheet, row and column
    is visible: checked)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    cells = []
    for ws in wb.worksheets:
        assert ws.sheet_state == "visible", ws.title
        assert not any(d.hidden for d in ws.row_dimensions.values()), ws.title
        assert not any(d.hidden for d in ws.column_dimensions.values()), ws.title
        cells += [(ws.title, c.coordinate, c.value) for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str)]
    return cells


#: English a Thai reader meets as it is: KR (the plan's own term), BMA (Bangkok's area
#: code, as in kr_results.csv), CBTx (the contract's Thai name of a referring unit).
ENGLISH_OK = {"KR", "BMA", "CBTx", "reg", "ref"}  # reg:/ref: are how a person_links cell is written
FILE_NAME = r"[\w-]+\.(?:csv|xlsx|xls)|\.xlsx|\.csv"


def check_visible(path, open_texts=()) -> None:
    import re

    keys = raw_keys()
    cells = visible_cells(path)
    assert cells
    for sheet_name, ref, text in cells:
        where = f"{sheet_name}!{ref}: {text!r}"
        shown = re.sub(FILE_NAME, " ", text)  # file names are named as they are
        for t in open_texts:  # the drop's own texts (service points) are shown as written
            shown = shown.replace(t, " ")
        assert not re.search(r"(?<!\d)(19|20|21)\d\d(?!\d)", shown), where  # CE years
        assert not re.search(r"\d{4}-\d\d-\d\d", shown), where  # ISO dates
        words = set(re.findall(r"[A-Za-z_]+", shown))
        assert not words & keys, (where, words & keys)
        assert words <= ENGLISH_OK, (where, words - ENGLISH_OK)


def test_every_visible_cell_is_thai_with_buddhist_era_years(out):
    dis = csv_rows(out / "kr_disaggregation.csv")
    points = {r["category"] for r in dis if r["dimension"] == "service_point"}
    check_visible(out / "kr_results.xlsx", sorted(points, key=len, reverse=True))
    text = " ".join(t for _, _, t in visible_cells(out / "kr_results.xlsx"))
    assert "ข้อมูลสะสม 1 ต.ค. 2567 ถึง 31 มี.ค. 2568" in text
    assert "วันที่อยู่นอกช่วงปี พ.ศ. 2543 ถึง 2643" in text  # the demo has such rows
    assert "ทะเบียนคนไร้บ้าน" in text and "วันที่ลงทะเบียน" in text


def test_an_unavailable_kr_sheet_is_thai_too(make_drop, tmp_path):
    from test_cli_indicators import REGS, SVCS

    out = run(make_drop(homeless_registrations=REGS, homeless_services=SVCS), tmp_path / "o")
    check_visible(out / "kr_results.xlsx")


def test_the_csvs_keep_keys_and_iso_dates(out):
    """The CSVs are for machines: the contract's keys and ISO dates stay."""
    rejected = csv_rows(out / "rejected_rows.csv")
    assert {"homeless_registrations"} <= {r["table"] for r in rejected}
    assert "registered_on" in {r["column"] for r in rejected}
    assert "date_out_of_range" in {r["reason"] for r in rejected} | {
        r["reason"] for r in csv_rows(out / "data_quality_reasons.csv")}
    assert {r["table"] for r in csv_rows(out / "data_quality.csv")} >= {"homeless_services"}
