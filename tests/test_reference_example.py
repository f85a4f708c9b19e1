"""The naive reference (tests/reference.py) reproduces the contract's worked example.

Also small hand-written checks of the reference's own parsing helpers, so that the
oracle itself is tested independently of the production code.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference as ref  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example"
PERIODS = [(2568, 2), (2568, 4)]


def read_expected(fy: int, q: int, name: str) -> list[dict[str, str]]:
    with open(EXAMPLE / f"expected-{fy}-Q{q}" / f"{name}.csv", encoding="utf-8-sig",
              newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module", params=PERIODS, ids=lambda p: f"{p[0]}-Q{p[1]}")
def period_and_result(request):
    fy, q = request.param
    return fy, q, ref.compute(EXAMPLE / "drop", fy, q)


@pytest.mark.parametrize("name", ["kr_results", "kr_breakdown", "data_quality"])
def test_reference_reproduces_example(period_and_result, name):
    fy, q, result = period_and_result
    got = getattr(result, name)
    expected = read_expected(fy, q, name)
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"row {i}"


def test_write_csvs_and_cli(tmp_path):
    out = tmp_path / "out"
    subprocess.run([sys.executable, str(Path(ref.__file__)), str(EXAMPLE / "drop"), "2568", "2",
                    str(out)], check=True)
    for name, columns in [("kr_results", ref.RESULT_COLUMNS),
                          ("kr_breakdown", ref.BREAKDOWN_COLUMNS),
                          ("data_quality", ref.QUALITY_COLUMNS)]:
        data = (out / f"{name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        assert data.decode("utf-8").split("\n")[0] == ",".join(columns)
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as fh:
            assert list(csv.DictReader(fh)) == read_expected(2568, 2, name)


def test_absent_table_skips_its_kr(tmp_path):
    for f in (EXAMPLE / "drop").iterdir():
        if not f.name.startswith("rehab_referrals"):
            (tmp_path / f.name).write_bytes(f.read_bytes())
    result = ref.compute(tmp_path, 2568, 4)
    assert {r["kr_code"] for r in result.kr_results} == {"8207"}
    assert {r["kr_code"] for r in result.kr_breakdown} == {"8207"}
    assert "rehab_referrals" not in {r["table"] for r in result.data_quality}
    assert result.kr_results == [r for r in read_expected(2568, 4, "kr_results")
                                 if r["kr_code"] == "8207"]


# ----------------------------------------------------------------- helpers
@pytest.mark.parametrize("text, expected", [
    ("2024-10-15", dt.date(2024, 10, 15)),
    ("2567-10-15", dt.date(2024, 10, 15)),          # ISO with a BE year
    ("15/10/2567", dt.date(2024, 10, 15)),
    ("5-1-2025", dt.date(2025, 1, 5)),               # day first
    ("15/10/67", dt.date(2024, 10, 15)),             # two-digit year = BE 25YY
    ("15 ต.ค. 2567", dt.date(2024, 10, 15)),
    ("15 ตุลาคม 2567", dt.date(2024, 10, 15)),
    ("๑๕/๑๐/๒๕๖๗", dt.date(2024, 10, 15)),           # Thai digits
    ("29/2/2567", dt.date(2024, 2, 29)),             # BE leap day converted before checking
    (" 1 ม.ค. 2568 ", dt.date(2025, 1, 1)),
    ("31/2/2567", None),
    ("15 Oct 2024", dt.date(2024, 10, 15)),         # English month names (contract)
    ("15-Oct-24", dt.date(2024, 10, 15)),           # beside an English month: 20YY
    ("15-ก.ค.-2565", dt.date(2022, 7, 15)),
    ("วันที่ 15 ตุลาคม พ.ศ. 2567", dt.date(2024, 10, 15)),
    ("15/10/2567 10:30", dt.date(2024, 10, 15)),    # a time of day is ignored
    ("15 ก.ค. 2565 09:00:01", dt.date(2022, 7, 15)),
    ("15/10/2567 25:99", None),                     # not a time of day: not a date
    ("45580", None),                                # a serial is an event date only
    ("-", None),
    ("", None),
])
def test_parse_date_text(text, expected):
    assert ref.parse_date(text) == expected


def test_parse_date_cells():
    assert ref.parse_date(dt.date(2024, 3, 7)) == dt.date(2024, 3, 7)
    assert ref.parse_date(dt.date(2567, 3, 7)) == dt.date(2024, 3, 7)   # BE typed into a date cell
    assert ref.parse_date(dt.datetime(2568, 2, 11, 0, 0)) == dt.date(2025, 2, 11)


def test_event_date_range():
    assert ref.parse_event_date("1999-12-31") is None
    assert ref.parse_event_date("2000-01-01") == dt.date(2000, 1, 1)
    assert ref.parse_event_date("2100-12-31") == dt.date(2100, 12, 31)
    assert ref.parse_event_date("2644-01-01") is None   # BE 2644 = CE 2101


@pytest.mark.parametrize("raw, expected", [
    ("1101700203450", ("1101700203450", False)),       # check digit worked out below
    ("1-1017-00203-45-0", ("1101700203450", False)),
    ("1 1017 00203 45 0", ("1101700203450", False)),
    ("๑๑๐๑๗๐๐๒๐๓๔๕๐", ("1101700203450", False)),
    ("0000000000019", ("0000000000019", False)),        # type-0 id: sum 1*2=2, (11-2)%10=9
    ("1101700203451", (None, True)),                     # wrong check digit
    ("110170020345", (None, True)),                      # 12 digits
    ("ไม่มีบัตร", (None, True)),
    ("", (None, False)),
    ("  ", (None, False)),
    ("-", (None, False)),
    (3877864138192.0, ("3877864138192", False)),        # numeric XLSX cell
])
def test_parse_citizen_id(raw, expected):
    assert ref.parse_citizen_id(raw) == expected


def test_check_digit_by_hand():
    # 1 1 0 1 7 0 0 2 0 3 4 5 x weights 13..2: 13+12+0+10+63+0+0+12+0+12+12+10 = 144;
    # 144 mod 11 = 1; (11 - 1) mod 10 = 0 -> only 1101700203450 is valid.
    valid = [d for d in "0123456789" if ref.parse_citizen_id("110170020345" + d)[0]]
    assert valid == ["0"]
    # sum mod 11 == 0 -> check (11 - 0) mod 10 = 1: "000010000001" has sum 1*9 + 1*2 = 11.
    assert ref.parse_citizen_id("0000100000011")[0] == "0000100000011"


@pytest.mark.parametrize("raw, expected", [
    ("ผ่าน", "passed"), (" ผ่าน ", "passed"), ("PASSED", "passed"), ("Passed", "passed"),
    ("ไม่ผ่าน", "failed"), ("failed", "failed"), ("รอตรวจสอบ", "pending"),
    ("pending", "pending"), ("ผ่านแล้ว", "unrecognised"), ("pass", "unrecognised"),
])
def test_eligibility_trap(raw, expected):
    assert ref.parse_eligibility(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("เขตพระนคร", 1001), ("พระนคร", 1001), (" เขต จตุจักร ", 1030), ("1030", 1030),
    ("๑๐๓๐", 1030), ("phra-nakhon", 1001), ("PHRANAKHON", 1001), ("Watthana", 1039),
    ("Vadhana", 1039), ("Klong Toey", 1033), ("khlong-toei", 1033), ("Bangkok Noi", 1020),
    ("บางกอกกลาง", None), ("เขตลาดกระบังใต้", None), ("1051", None), ("Pathum", None),
])
def test_parse_district(raw, expected):
    assert ref.parse_district(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("counseling", "counseling"), ("บริการรถเคลื่อนที่ซัก อบ อาบ", "mobile_wash"),
    ("บริการรถเคลื่อนที่ซักอบอาบ", "mobile_wash"), ("ห้อง สุขา", "toilet"),
    ("ตัดผม", "other"),
])
def test_parse_service_type(raw, expected):
    assert ref.parse_service_type(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("1", "family_community"), ("๔", "health"), ("welfare", "welfare"),
    ("ด้านการศึกษา", "education"), ("การศึกษา", "education"),
    ("นสาธารณสุขและสุขภาพ", "health"), ("กีฬา", None), ("5", None), ("", None),
])
def test_parse_domain(raw, expected):
    assert ref.parse_domain(raw) == expected


@pytest.mark.parametrize("num, den, expected", [
    (0, 0, ""), (0, 3, "0.00"), (1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"),
    (1, 16, "6.25"), (1, 1600, "0.06"),   # 0.0625 -> 0.06
    (1, 800, "0.13"),                      # 0.125 exactly -> half-up 0.13 (float round: 0.12)
    (1, 40000, "0.00"), (1, 20000, "0.01"),  # 0.0025 -> 0.00; 0.005 -> half-up 0.01
    (7, 64, "10.94"), (5, 5, "100.00"),
])
def test_format_percent_half_up(num, den, expected):
    assert ref.format_percent(num, den) == expected


def test_window():
    assert ref.window(2568, 1) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert ref.window(2568, 2) == (dt.date(2024, 10, 1), dt.date(2025, 3, 31))
    assert ref.window(2568, 3) == (dt.date(2024, 10, 1), dt.date(2025, 6, 30))
    assert ref.window(2568, 4) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))


def test_cp874_csv_and_title_rows(tmp_path):
    text = ("รายงาน,,\n"
            "reg_id,service_date,service_type\n"
            "H1,15 ต.ค. 2567,ห้องสุขา\n")
    path = tmp_path / "homeless_services.csv"
    path.write_bytes(text.encode("cp874"))
    rows = ref.read_table(tmp_path, "homeless_services")
    assert len(rows) == 1 and rows[0]["service_type"] == "ห้องสุขา"
