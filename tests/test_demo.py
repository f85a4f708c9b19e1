"""The synthetic demo drop: deterministic, shaped like real exports, and messy on purpose.

These tests read the written files with plain csv / openpyxl (never the production
cleaner) and check the layout, the scale, the proportions and that every kind of
messiness the data contract describes is present.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from krlib.contract.schema import DOMAINS, TABLES, WELFARE_TYPES
from krlib.demo import (
    DEFAULT_SEED,
    OUT_OF_RANGE_DATES,
    UNPARSEABLE_DATES,
    build_tables,
    write_demo_drop,
)

SCALE = 0.3
FY = 2568
THAI_DIGIT = re.compile("[๐-๙]")
TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


# --- reading a drop without krlib ------------------------------------------------------

def read_csv(path: Path) -> tuple[list[str], list[list[str]], str]:
    """Header, rows and the encoding the file decodes with (BOM, UTF-8, else cp874)."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        text, enc = raw[3:].decode("utf-8"), "utf-8-sig"
    else:
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = raw.decode("cp874"), "cp874"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [h.strip() for h in rows[0]], rows[1:], enc


def read_xlsx(path: Path, table: str) -> tuple[list[str], list[list[object]], int]:
    """Header, data rows (cells as stored) and the number of rows above the header."""
    ws = load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    names = {c.name for c in TABLES[table].columns} | {c.th for c in TABLES[table].columns}
    at = next(i for i, r in enumerate(rows) if any(str(v).strip() in names for v in r if v))
    header = [str(v).strip() for v in rows[at]]
    return header, rows[at + 1:], at


def to_english(table: str, header: list[str]) -> list[str]:
    th = {c.th: c.name for c in TABLES[table].columns}
    return [th.get(h, h) for h in header]


def load(drop: Path, files: dict[str, Path]) -> dict[str, list[dict]]:
    """Each table as a list of dicts keyed by English column name (XLSX cells kept)."""
    out = {}
    for table, path in files.items():
        if path.suffix == ".xlsx":
            header, rows, _ = read_xlsx(path, table)
        else:
            header, rows, _ = read_csv(path)
        header = to_english(table, header)
        out[table] = [dict(zip(header, ["" if v is None else v for v in r])) for r in rows]
    return out


def column(rows: list[dict], name: str) -> list:
    return [r[name] for r in rows]


def checksum_ok(digits: str) -> bool:
    return len(digits) == 13 and digits.isdigit() and (
        11 - sum(int(digits[i]) * (13 - i) for i in range(12)) % 11) % 10 == int(digits[12])


def id_digits(text: str) -> str:
    return re.sub(r"[\s-]", "", str(text).translate(TO_ASCII))


# --- fixtures --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("demo")
    return out, write_demo_drop(out, scale=SCALE)


@pytest.fixture(scope="module")
def tables(drop) -> dict[str, list[dict]]:
    return load(*drop)


# --- files, encodings, determinism -----------------------------------------------------

def test_default_seed():
    assert DEFAULT_SEED == 2568


def test_five_files_with_their_formats(drop):
    folder, files = drop
    assert list(files) == list(TABLES)
    assert {p.name for p in folder.iterdir()} == {
        "homeless_registrations.xlsx", "homeless_services.csv", "rehab_referrals.csv",
        "rehab_services.xlsx", "person_links.csv"}
    assert all(p.parent == folder and p.exists() for p in files.values())


def test_tis620_csv_with_thai_headers(drop):
    raw = drop[1]["homeless_services"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header, rows, enc = read_csv(drop[1]["homeless_services"])
    assert enc == "cp874"
    assert header == [c.th for c in TABLES["homeless_services"].columns]
    assert b"\r\n" in raw  # as Thai Excel writes it


def test_bom_csv_with_english_headers(drop):
    raw = drop[1]["rehab_referrals"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, rows, enc = read_csv(drop[1]["rehab_referrals"])
    assert header == list(TABLES["rehab_referrals"].names)


def test_xlsx_have_title_rows_above_the_header(drop):
    for table, lang in (("homeless_registrations", "en"), ("rehab_services", "th")):
        header, rows, above = read_xlsx(drop[1][table], table)
        assert 2 <= above <= 4
        expected = [c.name if lang == "en" else c.th for c in TABLES[table].columns]
        assert header[:len(expected)] == expected
        wb = load_workbook(drop[1][table], read_only=True)
        first = next(wb.worksheets[0].iter_rows(values_only=True))
        assert "ข้อมูลสังเคราะห์" in str(first[0])  # the title says it is synthetic


def test_unknown_extra_column(drop):
    header, _, _ = read_xlsx(drop[1]["homeless_registrations"], "homeless_registrations")
    extra = set(header) - set(TABLES["homeless_registrations"].names)
    assert extra == {"หมายเหตุ"}


def test_same_arguments_same_bytes(drop, tmp_path):
    again = write_demo_drop(tmp_path / "again", scale=SCALE)
    for table, path in drop[1].items():
        assert again[table].read_bytes() == path.read_bytes(), table


def test_xlsx_timestamps_are_fixed(drop):
    """Nothing in the XLSX zip depends on the clock (members and document properties)."""
    for table in ("homeless_registrations", "rehab_services"):
        z = zipfile.ZipFile(drop[1][table])
        assert {i.date_time for i in z.infolist()} == {(2025, 10, 1, 8, 30, 0)}
        core = z.read("docProps/core.xml").decode()
        assert core.count("2025-10-01T08:30:00Z") == 2, core
        props = load_workbook(drop[1][table], read_only=True).properties
        assert props.created == props.modified == datetime(2025, 10, 1, 8, 30)


def test_xlsx_declare_their_used_range(drop):
    """Each sheet has the <dimension> Excel writes, and it is the sheet's real extent
    (the reader trusts it instead of scanning the sheet), in the schema's place."""
    from krlib.read.huge_sheets import _xlsx_extent

    for table in ("homeless_registrations", "rehab_services"):
        z = zipfile.ZipFile(drop[1][table])
        xml = z.read("xl/worksheets/sheet1.xml")
        m = re.search(rb'<dimension ref="A1:([A-Z]+)(\d+)" />', xml)
        assert m, table
        assert xml.index(b"</sheetPr>") < m.start() < xml.index(b"<sheetViews>")
        last_row, _ = _xlsx_extent(io.BytesIO(xml))
        assert int(m.group(2)) == last_row
        columns = set(re.findall(rb'<c r="([A-Z]+)\d+"', xml))  # every cell's column
        assert m.group(1) == max(columns, key=lambda c: (len(c), c)), table


def test_another_seed_other_data(drop, tmp_path):
    other = write_demo_drop(tmp_path / "other", scale=SCALE, seed=DEFAULT_SEED + 1)
    for table, path in drop[1].items():
        assert other[table].read_bytes() != path.read_bytes(), table


def test_csv_format_writes_only_csvs(drop, tmp_path):
    folder = tmp_path / "csv"
    write_demo_drop(folder, scale=SCALE)  # mixed first: csv must replace the XLSX files
    files = write_demo_drop(folder, scale=SCALE, fmt="csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert [files[t].name for t in TABLES] == [f"{t}.csv" for t in TABLES]
    encodings = {t: read_csv(p)[2] for t, p in files.items()}
    assert encodings == {"homeless_registrations": "utf-8", "homeless_services": "cp874",
                         "rehab_referrals": "utf-8-sig", "rehab_services": "utf-8",
                         "person_links": "utf-8-sig"}
    # the content does not depend on the format: the CSVs of both modes are the same
    for table in ("homeless_services", "rehab_referrals", "person_links"):
        assert files[table].read_bytes() == drop[1][table].read_bytes()
    # and the XLSX tables hold the same rows (the XLSX only types some dates as cells)
    for table in ("homeless_registrations", "rehab_services"):
        x_header, x_rows, _ = read_xlsx(drop[1][table], table)
        c_header, c_rows, _ = read_csv(files[table])
        assert to_english(table, x_header) == to_english(table, c_header)
        assert len(x_rows) == len(c_rows)
        for x, c in zip(x_rows, c_rows):
            assert [("" if v is None else v) for v in x if not isinstance(v, datetime)] == [
                v for v, xv in zip(c, x) if not isinstance(xv, datetime)]


def test_bad_arguments():
    with pytest.raises(ValueError):
        write_demo_drop("/nonexistent/never", fmt="parquet")
    with pytest.raises(ValueError):
        build_tables(scale=0)


# --- size and shape --------------------------------------------------------------------

def test_file_rows_match_the_tables(drop, tables):
    built = build_tables(scale=SCALE)
    for table in TABLES:
        assert len(tables[table]) == len(built[table]), table


def test_scale_one_is_a_district_quarter_dataset():
    n = {t: len(df) for t, df in build_tables(scale=1.0).items()}
    assert 1300 <= n["homeless_registrations"] <= 1700
    assert 3300 <= n["homeless_services"] <= 4800
    assert 1000 <= n["rehab_referrals"] <= 1400
    assert 800 <= n["rehab_services"] <= 2200
    assert 7000 <= sum(n.values()) <= 9500


def test_rows_scale_linearly():
    small = {t: len(df) for t, df in build_tables(scale=0.25).items()}
    large = {t: len(df) for t, df in build_tables(scale=1.0).items()}
    assert 3.5 <= sum(large.values()) / sum(small.values()) <= 4.5
    for table in ("homeless_registrations", "homeless_services", "rehab_referrals"):
        assert 3.5 <= large[table] / small[table] <= 4.5, table


def test_dates_spread_over_two_fiscal_years():
    t = build_tables(scale=1.0, hidden=True)
    fy_start = (date(FY - 544, 10, 1) - date(1970, 1, 1)).days
    q2_end = (date(FY - 543, 3, 31) - date(1970, 1, 1)).days
    fy_end = (date(FY - 543, 9, 30) - date(1970, 1, 1)).days
    for table in ("homeless_registrations", "rehab_referrals"):
        day = t[table][f"_day:{TABLES[table].event_date}"].to_numpy()
        before, q12 = (day < fy_start).mean(), ((day >= fy_start) & (day <= q2_end)).mean()
        after = (day > q2_end).mean()
        assert 0.1 <= before <= 0.4 and 0.2 <= q12 <= 0.6 and 0.2 <= after <= 0.6, table
        assert day.max() <= fy_end and day.min() >= fy_start - 366


def test_fiscal_year_moves_the_dates():
    t = build_tables(scale=0.2, fiscal_year=2570, hidden=True)
    day = t["homeless_registrations"]["_day:registered_on"].to_numpy()
    start = (date(2570 - 544, 10, 1) - date(1970, 1, 1)).days
    assert (day >= start).mean() > 0.6


def _district_code(text: str) -> str | None:
    """A test-side reading of the simple district forms (Thai names and codes)."""
    import geothai

    t = re.sub(r"\s", "", str(text).translate(TO_ASCII)).removeprefix("เขต")
    for d in geothai.districts("10"):
        if t in (d.code, d.name_th.removeprefix("เขต")):
            return d.code
    return None


def test_districts_uneven_and_some_empty():
    regs = build_tables(scale=1.0)["homeless_registrations"]
    codes = Counter(c for c in map(_district_code, regs["district"]) if c)
    assert 38 <= len(codes) <= 49  # most districts, not all: some reports say "no cases"
    top = codes.most_common()
    assert top[0][1] >= 8 * max(1, top[-1][1])


def test_realistic_proportions():
    t = build_tables(scale=1.0)
    regs, svc = t["homeless_registrations"], t["homeless_services"]
    elig = regs["eligibility"].str.strip().str.lower()
    passed = elig.isin(["ผ่าน", "passed"])
    assert 0.72 <= passed.mean() <= 0.88
    assert elig.eq("ไม่ผ่าน").any() and elig.eq("รอตรวจสอบ").any()
    served = regs["reg_id"].isin(set(svc["reg_id"]))
    assert 0.7 <= served[passed].mean() <= 0.95
    refs, rehab = t["rehab_referrals"], t["rehab_services"]
    rehabilitated = refs["referral_id"].isin(set(rehab["referral_id"])).mean()
    assert 0.05 <= rehabilitated <= 0.2


# --- messiness -------------------------------------------------------------------------

DATE_PATTERNS = {
    "iso_ce": r"20\d\d-\d\d-\d\d",
    "iso_be": r"25\d\d-\d\d-\d\d",
    "dmy_be": r"\d{1,2}/\d{1,2}/25\d\d",
    "dmy_be_unpadded": r"\d/\d/25\d\d",
    "dmy_be_padded": r"0\d/0\d/25\d\d",
    "dmy_ce": r"\d{1,2}/\d{1,2}/20\d\d",
    "dash_be": r"\d{1,2}-\d{1,2}-25\d\d",
    "dash_ce": r"\d{1,2}-\d{1,2}-20\d\d",
    "two_digit_year": r"\d\d/\d\d/6\d",
    "thai_abbr": r"\d{1,2} (" + "|".join(
        re.escape(m) for m in ("ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. "
                               "ธ.ค.").split()) + r") 25\d\d",
    "thai_full": r"\d{1,2} (" + "|".join(
        "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม "
        "พฤศจิกายน ธันวาคม".split()) + r") 25\d\d",
    "thai_digits": r"[๐-๙]{1,2}/[๐-๙]{1,2}/[๐-๙]{4}",
}


def test_dates_in_every_form(tables):
    values = [v for t, rows in tables.items() for r in rows for k, v in r.items()
              if k in ("registered_on", "service_date", "referred_on", "birth_date")]
    texts = [v for v in values if isinstance(v, str)]
    for name, pattern in DATE_PATTERNS.items():
        assert any(re.fullmatch(pattern, v) for v in texts), name


def test_xlsx_date_cells_with_be_and_ce_years(tables):
    for table, col in (("homeless_registrations", "registered_on"),
                       ("homeless_registrations", "birth_date"),
                       ("rehab_services", "service_date")):
        cells = [v for v in column(tables[table], col) if isinstance(v, datetime)]
        assert any(v.year >= 2400 for v in cells), (table, col)  # BE years typed in cells
        assert any(v.year < 2100 for v in cells), (table, col)
    texts = [v for v in column(tables["rehab_services"], "service_date") if isinstance(v, str)]
    assert len(texts) > len(column(tables["rehab_services"], "service_date")) / 2


def test_bad_event_dates(tables):
    for table, rows in tables.items():
        if not TABLES[table].event_date:
            continue  # person_links: no dates
        col = column(rows, TABLES[table].event_date)
        assert set(col) & set(UNPARSEABLE_DATES), table
        assert set(col) & set(OUT_OF_RANGE_DATES), table
        assert any(isinstance(v, str) and v.strip() in ("", "-") for v in col), table


def test_bad_date_lists_are_really_bad():
    def ok(d: str) -> date | None:
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(d, fmt).date()
            except ValueError:
                pass
        return None

    for d in UNPARSEABLE_DATES:
        parsed = ok(d)
        assert parsed is None, d
    for d in OUT_OF_RANGE_DATES:
        parsed = ok(d)
        assert parsed is not None, d
        year = parsed.year - 543 if parsed.year >= 2400 else parsed.year
        assert not 2000 <= year <= 2100, d


def test_citizen_ids_valid_formatted_and_invalid(tables):
    ids = column(tables["homeless_registrations"], "citizen_id") + column(
        tables["rehab_referrals"], "citizen_id")
    digits = [id_digits(v) for v in ids]
    valid = [d for d in digits if checksum_ok(d)]
    assert len(valid) > 0.75 * len(ids)
    assert any(d.startswith("0") for d in valid)  # type-0 ids (no Thai nationality)
    assert any(re.fullmatch(r"\d-\d{4}-\d{5}-\d\d-\d", v) for v in ids)
    assert any(re.fullmatch(r"\d \d{4} \d{5} \d\d \d", v) for v in ids)
    assert any(THAI_DIGIT.search(v) and checksum_ok(id_digits(v)) for v in ids)
    assert any(v.strip() in ("", "-") for v in ids)
    assert any(len(d) == 13 and d.isdigit() and not checksum_ok(d) for d in digits)
    assert any(len(d) == 12 and d.isdigit() for d in digits)
    assert "ไม่มีบัตร" in ids


def test_same_person_registered_twice_in_different_districts(tables):
    by_id: dict[str, set[str]] = {}
    for r in tables["homeless_registrations"]:
        d = id_digits(r["citizen_id"])
        if checksum_ok(d):
            by_id.setdefault(d, set()).add(_district_code(r["district"]) or r["district"])
    assert any(len(v) >= 2 for v in by_id.values())


def test_district_spellings(tables):
    import geothai

    ds = list(geothai.districts("10"))
    values = column(tables["homeless_registrations"], "district") + column(
        tables["rehab_referrals"], "district")
    s = set(values)
    assert s & {d.name_th for d in ds}  # เขตพระนคร
    assert s & {d.name_th.removeprefix("เขต") for d in ds}  # พระนคร
    assert any(v != v.strip() for v in values)  # extra spaces
    assert s & {d.name_en for d in ds}
    assert s & {d.name_en.upper() for d in ds}
    assert s & {d.name_en.lower().replace(" ", "-") for d in ds if " " in d.name_en}
    assert s & {d.code for d in ds}
    assert s & {d.code.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) for d in ds}
    assert s & {"บางรักษ์", "เมืองนนทบุรี", "ปากเกร็ด", "บางพลี", "พระนะคร"}


def test_eligibility_and_sex_spellings(tables):
    elig = set(column(tables["homeless_registrations"], "eligibility"))
    assert {"ผ่าน", "ไม่ผ่าน", "รอตรวจสอบ", "passed", "Failed", "ผ่าน "} <= elig
    sexes = set(column(tables["homeless_registrations"], "sex")) | set(
        column(tables["rehab_referrals"], "sex"))
    assert {"ชาย", "หญิง", "ไม่ระบุ", "M", "F", "male", "female"} <= sexes


def test_welfare_type_spellings(tables):
    types = Counter(column(tables["homeless_services"], "service_type"))
    labels = {k: v for k, v in WELFARE_TYPES.items() if k != "other"}
    assert set(types) & set(labels)  # keys
    assert set(types) & set(labels.values())  # Thai labels
    assert "บริการรถเคลื่อนที่ซักอบอาบ" in types  # spaces removed
    spaced = [t for t in types if t not in labels.values() and t.replace(" ", "") in {
        v.replace(" ", "") for v in labels.values()}]
    assert any(t.replace(" ", "") != t for t in spaced)  # spaces added
    unlisted = [t for t in types if t.strip() and t not in labels and re.sub(r"\s", "", t)
                not in {re.sub(r"\s", "", v) for v in labels.values()}]
    assert unlisted and sum(types[t] for t in unlisted) < 0.1 * sum(types.values())


def test_domain_spellings(tables):
    doms = Counter(str(v) for v in column(tables["rehab_services"], "domain"))
    names = list(DOMAINS.values())
    assert set(doms) & {"1", "2", "3", "4"}
    assert set(doms) & {"๑", "๒", "๓", "๔"}
    assert set(doms) & set(DOMAINS)
    assert set(doms) & set(names)
    assert set(doms) & {n.removeprefix("ด้าน") for n in names}
    known = ({"1", "2", "3", "4", "๑", "๒", "๓", "๔", "", "-", " "} | set(DOMAINS)
             | {n.removeprefix("ด้าน") for n in names} | set(names))
    invalid = [d for d in doms if d.strip() not in known]
    assert invalid and sum(doms[d] for d in invalid) < 0.08 * sum(doms.values())


def _raw_rows(drop, table) -> list[tuple]:
    path = drop[1][table]
    if path.suffix == ".xlsx":
        return [tuple(r) for r in read_xlsx(path, table)[1]]
    return [tuple(r) for r in read_csv(path)[1]]


def test_exact_duplicates_in_every_table(drop):
    for table in TABLES:
        rows = _raw_rows(drop, table)
        dups = sum(c - 1 for c in Counter(rows).values() if c > 1)
        assert 1 <= dups <= max(1, 0.05 * len(rows)), table  # person_links: one in ~15


def test_conflicting_duplicate_ids(tables):
    for table, id_col in (("homeless_registrations", "reg_id"), ("rehab_referrals", "referral_id")):
        by_id: dict[str, set] = {}
        for r in tables[table]:
            by_id.setdefault(r[id_col], set()).add(tuple(map(str, r.values())))
        assert any(len(v) > 1 for v in by_id.values()), table


def test_orphaned_service_rows(tables):
    for table, parent, key in (("homeless_services", "homeless_registrations", "reg_id"),
                               ("rehab_services", "rehab_referrals", "referral_id")):
        known = set(column(tables[parent], key))
        orphans = [v for v in column(tables[table], key) if v.strip() not in ("", "-")
                   and v not in known]
        assert orphans, table
        # ids no registration / referral ever had (a few more rows are orphaned when the
        # id cell of their registration / referral is blank)
        never = {v for v in orphans if int(v[6:]) >= 9_000_000}
        assert 1 <= len(never) <= 0.03 * len(tables[table]), table


def test_missing_values_as_dash_and_blank(tables):
    for table, rows in tables.items():
        if table == "person_links":
            continue  # staff's confirmations: every cell written
        cells = [v for r in rows for v in r.values() if isinstance(v, str)]
        assert "-" in cells, table
        assert "" in cells or any(not v.strip() for v in cells), table


def test_thai_digits_in_dates_ids_codes_and_domains(tables):
    for table, col in (("homeless_services", "service_date"),
                       ("homeless_registrations", "citizen_id"),
                       ("rehab_referrals", "district"), ("rehab_services", "domain")):
        assert any(THAI_DIGIT.search(str(v)) for v in column(tables[table], col)), (table, col)


def test_personal_data_is_obviously_synthetic(tables):
    for table in ("homeless_registrations", "rehab_referrals"):
        assert all("ทดสอบ" in r["last_name"] for r in tables[table])
    for table, col in (("homeless_registrations", "reg_id"), ("rehab_referrals", "referral_id"),
                       ("homeless_services", "reg_id"), ("rehab_services", "referral_id")):
        ids = [v for v in column(tables[table], col) if v.strip() not in ("", "-")]
        assert all(re.fullmatch(r"DEMO-[HR]\d{7}", v) for v in ids), (table, col)


def test_person_links_confirm_id_less_duplicates(tables):
    """person_links joins records of one id-less person (the same synthetic last name, no
    citizen id), a chain of three among them, and holds one bad link of each kind and an
    exact duplicate; it stays small."""
    links = tables["person_links"]
    assert 8 <= len(links) <= 40
    person = {}  # "reg:<id>" / "ref:<id>" -> (last name, citizen id as written)
    for table, id_col, prefix in (("homeless_registrations", "reg_id", "reg:"),
                                  ("rehab_referrals", "referral_id", "ref:")):
        for r in tables[table]:
            person.setdefault(prefix + str(r[id_col]).strip(),
                              (r["last_name"], str(r["citizen_id"]).strip()))
    good = {(r["record_a"], r["record_b"]) for r in links
            if r["record_a"] in person and r["record_b"] in person
            and r["record_a"][:4] == r["record_b"][:4] and r["record_a"] != r["record_b"]}
    assert len(good) >= 3 and {a[:4] for a, _ in good} == {"reg:", "ref:"}
    for a, b in good:
        assert person[a][0] == person[b][0] and person[a][1] in ("", "-"), (a, b)
    seen = Counter(x for pair in good for x in pair)
    assert max(seen.values()) >= 2  # a record linked twice: a chain of three
    assert all(r["confirmed_by"].strip() for r in links)
    assert any(r["record_b"] == "reg:DEMO-H9999999" for r in links)  # no such record
    assert any(r["record_a"][:4] != r["record_b"][:4] for r in links)  # mixed / malformed
    assert any(not r["record_b"].startswith(("reg:", "ref:")) for r in links)
    assert any(r["record_a"] == r["record_b"] for r in links)
    assert len({tuple(r.values()) for r in links}) == len(links) - 1


def test_large_csv_drop_is_built_vectorised(tmp_path):
    """A sanity check without timing: a larger CSV drop has the rows build_tables says."""
    files = write_demo_drop(tmp_path, scale=2, fmt="csv", seed=7)
    built = build_tables(seed=7, scale=2)
    total = 0
    for table, path in files.items():
        _, rows, _ = read_csv(path)
        assert len(rows) == len(built[table]), table
        assert all(len(r) == len(built[table].columns) for r in rows), table
        total += len(rows)
    assert 14_000 <= total <= 19_000


# --- person attributes (disaggregations) ------------------------------------------------

def test_sex_spellings_include_short_and_missing(tables):
    sexes = Counter(str(r.get("sex") or "").strip()
                    for t in ("homeless_registrations", "rehab_referrals") for r in tables[t])
    assert {"ช", "ญ", "m", "f", "Male", "Female", "ไม่ระบุ", "", "-"} <= set(sexes)
    male = sum(sexes[k] for k in ("ชาย", "ช", "M", "m", "male", "Male"))
    assert male > 0.5 * sum(sexes.values())  # most homeless and referred persons are men


def test_birth_dates_in_thai_forms_two_digit_missing_and_bad(tables):
    texts = [str(r.get("birth_date") or "") for t in ("homeless_registrations", "rehab_referrals")
             for r in tables[t] if not isinstance(r.get("birth_date"), datetime)]
    two_digit = [t for t in texts if re.fullmatch(r"\d\d/\d\d/\d\d", t)]
    assert any(t.endswith(("/93", "/95", "/97", "/99")) or int(t[-2:]) > 68 for t in two_digit)
    assert any(re.fullmatch(r"\d{1,2} \S+ \d\d", t) for t in texts)  # 15 ต.ค. 93
    assert any(re.fullmatch(r"\d{1,2} \S+ 25\d\d", t) for t in texts)
    assert any(re.fullmatch(r"[๐-๙]+/[๐-๙]+/[๐-๙]+", t) for t in texts)
    blank = sum(t.strip() in ("", "-") for t in texts)
    assert 0.05 < blank / len(texts) < 0.25
    assert {"1/1/2400", "15/6/2030"} & set(texts) and {"00/00/2500", "ประมาณ 2510"} & set(texts)


def test_dozen_drop_in_points_with_spacing_variants(tables):
    points = [str(r.get("service_point") or "") for r in tables["homeless_registrations"]]
    canonical = {" ".join(p.split()) for p in points if p.strip() not in ("", "-")}
    assert len(canonical) == 12
    assert any("  " in p for p in points) and any(p in ("", "-") for p in points)


def test_referral_sources_keys_labels_missing_and_other(tables):
    from krlib.contract.schema import SOURCES

    values = {str(r.get("source") or "").strip() for r in tables["rehab_referrals"]}
    assert set(SOURCES) & values and set(SOURCES.values()) & values
    assert "" in values or "-" in values
    assert values - set(SOURCES) - set(SOURCES.values()) - {"", "-"}  # spaced, cased, other
