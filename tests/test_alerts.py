"""Warnings (contract, "Warnings"): a rejection reason over 20 % of a table's rows, an
empty cohort although the cohort table has kept rows, the reader's notes; on stderr,
in manifest.json and prepared.json; ``--strict`` exits 3. Figures worked out by hand."""

from __future__ import annotations

import json

import pytest

from krlib.clean.tables import clean_drop, load_drop
from krlib.cli import main
from krlib.compute import alerts
from krlib.compute.indicators import compute
from krlib.contract.periods import Period
from krlib.contract.schema import TABLES
from krlib.errors import StrictWarningError
from krlib.read.drop import read_table

Q2 = Period(2568, 2)  # W = 2024-10-01 .. 2025-03-31
REG_HEAD = ["reg_id", "district", "registered_on", "eligibility"]
SVC_HEAD = ["reg_id", "service_date", "service_type"]


def regs(n_bad_dates: int, n: int = 5, on: str = "2024-11-01") -> list[list[str]]:
    """n registrations H1..Hn, the first ``n_bad_dates`` of them with an unreadable date."""
    rows = [REG_HEAD]
    for i in range(1, n + 1):
        rows.append([f"H{i}", "1001", "15/13/2567" if i <= n_bad_dates else on, "ผ่าน"])
    return rows


def services(ids: list[str]) -> list[list[str]]:
    return [SVC_HEAD] + [[i, "2024-12-01", "food"] for i in ids]


def collect(folder, period=Q2):
    clean = load_drop(folder)
    return alerts.collect(clean, compute(clean, period), period)


def test_a_reason_over_20_percent_warns(make_drop):
    # 2 of 5 registrations (40 %) have an unreadable date; services of H3..H5 all fine
    drop = make_drop(homeless_registrations=regs(2), homeless_services=services(["H3", "H4"]))
    (w,) = collect(drop)
    assert (w.kind, w.table, w.reason, w.rows, w.share) == (
        "rejections", "homeless_registrations", "invalid_date", 2, 0.4)
    assert w.kr_code is None
    assert w.line == ("homeless_registrations: invalid_date 2 (40.0 %) — "
                      f"{alerts.HINTS['invalid_date'][0]} / {alerts.HINTS['invalid_date'][1]}")
    assert "spreadsheet turned them into numbers" in w.hint
    assert "15/13/2567" not in w.line + w.message_th + w.message_en  # no cell value
    assert "homeless_registrations.csv" in w.message_en and "40.0 %" in w.message_th


def test_exactly_20_percent_does_not_warn(make_drop):
    # 1 of 5 = 20 %: the contract says "more than 20 %"
    drop = make_drop(homeless_registrations=regs(1), homeless_services=services(["H2"]))
    assert collect(drop) == []


def test_orphans_hint_names_the_id_column(make_drop):
    # services: H1 fine, X1 and X2 orphaned: 2 of 3 = 66.7 %
    drop = make_drop(homeless_registrations=regs(0), homeless_services=services(["H1", "X1", "X2"]))
    (w,) = collect(drop)
    assert (w.table, w.reason, w.rows, w.share) == ("homeless_services", "orphaned", 2, 0.6667)
    assert "reg_id written differently in the two files" in w.hint
    assert w.line.startswith("homeless_services: orphaned 2 (66.7 %) — ")


def test_missing_values_hint(make_drop):
    rows = [REG_HEAD, ["H1", "", "2024-11-01", "ผ่าน"], ["H2", "1001", "2024-11-01", "ผ่าน"]]
    drop = make_drop(homeless_registrations=rows, homeless_services=services(["H2"]))
    (w,) = collect(drop)
    assert (w.reason, w.rows, w.share) == ("missing_value", 1, 0.5)
    assert "a column header not recognised or an empty column" in w.hint


def test_empty_cohort_warns_when_the_table_has_kept_rows(make_drop):
    # every registration is from FY2566: kept, but none in the 2568-Q2 window
    drop = make_drop(homeless_registrations=regs(0, on="2022-11-01"),
                     homeless_services=services(["H1"]))
    (w,) = collect(drop)
    assert (w.kind, w.table, w.reason, w.kr_code, w.rows, w.share) == (
        "empty_cohort", "homeless_registrations", "empty_cohort", "8207", 5, 1.0)
    assert "2568-Q2" in w.message_en and "5 kept rows" in w.message_en
    assert w.line.startswith("homeless_registrations: empty_cohort (KR 8207) 0 ใน 5 ")


def test_cohort_of_failed_eligibility_only_is_empty(make_drop):
    rows = [REG_HEAD, ["H1", "1001", "2024-11-01", "ไม่ผ่าน"],
            ["H2", "1001", "2024-11-01", "รอตรวจสอบ"]]
    drop = make_drop(homeless_registrations=rows, homeless_services=services(["H1"]))
    (w,) = collect(drop)
    assert (w.kind, w.kr_code, w.rows) == ("empty_cohort", "8207", 2)


def test_no_empty_cohort_warning_when_nothing_was_kept_or_kr_unavailable(make_drop):
    every_date_bad = make_drop(homeless_registrations=regs(5), homeless_services=services(["H1"]))
    ws = collect(every_date_bad)  # 100 % invalid_date, no kept row: no cohort warning
    assert [(w.table, w.reason, w.rows) for w in ws] == [
        ("homeless_registrations", "invalid_date", 5), ("homeless_services", "orphaned", 1)]
    no_services = make_drop(homeless_registrations=regs(0, on="2022-11-01"))
    assert collect(no_services) == []  # KR 8207 unavailable: said elsewhere


def test_notes_of_the_reader_are_warnings(make_drop):
    drop = make_drop(homeless_registrations=regs(0))
    raw = read_table(drop / "homeless_registrations.csv", TABLES["homeless_registrations"])
    raw.notes = ["column 'district' appears twice; the first one holding a value is used",
                 "second\nnote"]
    clean = clean_drop({"homeless_registrations": raw})
    assert clean.accounts["homeless_registrations"].notes == raw.notes
    first, second = alerts.collect(clean, compute(clean, Q2), Q2)
    assert (first.kind, first.table, first.rows) == ("note", "homeless_registrations", 0)
    assert first.line == "homeless_registrations: " + raw.notes[0]
    assert second.line == "homeless_registrations: second note"  # always one line


def test_order_is_fixed(make_drop):
    drop = make_drop(
        homeless_registrations=[REG_HEAD, ["H1", "", "x", "ผ่าน"], ["H2", "1001", "y", "ผ่าน"],
                                ["H3", "1001", "2022-11-01", "ผ่าน"]],
        homeless_services=services(["X1"]),
        rehab_referrals=[["referral_id", "district", "referred_on"], ["R1", "1001", "1/1/2560"]],
        rehab_services=[["referral_id", "service_date", "domain"], ["R1", "2024-12-01", "9"]])
    got = [(w.table, w.reason, w.kr_code) for w in collect(drop)]
    assert got == [
        ("homeless_registrations", "missing_value", None),  # 1 of 3
        ("homeless_registrations", "invalid_date", None),  # 1 of 3
        ("homeless_services", "orphaned", None),
        ("rehab_services", "invalid_domain", None),
        ("homeless_registrations", "empty_cohort", "8207"),
        ("rehab_referrals", "empty_cohort", "5122"),
    ]
    assert got == [(w.table, w.reason, w.kr_code) for w in collect(drop)]


def test_dicts_hold_the_keys_reports_read(make_drop):
    drop = make_drop(homeless_registrations=regs(2), homeless_services=services(["H3"]))
    (d,) = alerts.as_dicts(collect(drop))
    assert {"kind", "table", "reason", "rows", "share", "kr_code", "message_th", "message_en",
            "hint", "line"} == set(d)
    json.dumps(d)  # plain JSON types


def test_check_strict():
    alerts.check_strict([])
    w = alerts.DataWarning("rejections", "t", "invalid_date", 1, 1.0, "th", "en")
    with pytest.raises(StrictWarningError) as exc:
        alerts.check_strict([w])
    assert exc.value.exit_code == 3 and "\n" not in str(exc.value)


# --- the command line ---------------------------------------------------------------

def argv(data, out, *extra):
    return ["indicators", "--data", str(data), "--fiscal-year", "2568", "--quarter", "2",
            "--out", str(out), "--quiet", *extra]


@pytest.fixture
def warned_drop(make_drop):
    return make_drop(homeless_registrations=regs(2), homeless_services=services(["H3", "H4"]))


def test_indicators_prints_warnings_and_writes_them_to_the_manifest(warned_drop, tmp_path,
                                                                     capsys):
    out = tmp_path / "out"
    assert main(argv(warned_drop, out)) == 0
    err = capsys.readouterr().err.splitlines()
    assert "krlib: warning: homeless_registrations: invalid_date 2 (40.0 %) — " \
        f"{alerts.HINTS['invalid_date'][0]} / {alerts.HINTS['invalid_date'][1]}" in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (w,) = manifest["warnings"]
    assert (w["table"], w["reason"], w["rows"], w["share"]) == (
        "homeless_registrations", "invalid_date", 2, 0.4)


def test_indicators_strict_writes_outputs_then_exits_3(warned_drop, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(argv(warned_drop, out, "--strict")) == 3
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "krlib: error: --strict: 1 คำเตือน (ดูด้านบน) / 1 warning(s), see above"
    assert (out / "kr_results.csv").is_file() and (out / "manifest.json").is_file()


def test_indicators_strict_without_warnings_exits_0(make_drop, tmp_path):
    drop = make_drop(homeless_registrations=regs(0), homeless_services=services(["H1"]))
    assert main(argv(drop, tmp_path / "out", "--strict")) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"] == []


def test_prepared_carries_the_warnings(warned_drop, tmp_path):
    from krlib.compute.prepare import Prepared, prepare

    prep = prepare(warned_drop, 2568, 2)
    assert [(w["table"], w["reason"], w["rows"]) for w in prep.warnings] == [
        ("homeless_registrations", "invalid_date", 2)]
    again = Prepared.load(prep.save(tmp_path / "prepared.json"))
    assert again.warnings == prep.warnings


def test_report_strict_stops_before_rendering(warned_drop, tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["report", "--data", str(warned_drop), "--fiscal-year", "2568", "--quarter",
                 "2", "--district", "1001", "--format", "html", "--out", str(out), "--quiet",
                 "--strict"])
    assert code == 3
    err = capsys.readouterr().err
    assert "krlib: warning: homeless_registrations: invalid_date 2 (40.0 %)" in err
    assert not out.exists()  # nothing rendered, no folder made
