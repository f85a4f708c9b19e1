"""krlib worklist: the waiting persons of one district (personal data, by design).

Hand-worked small cases for each rule, the list against an independent computation
(tests/reference.py's row-by-row cleaning, no krlib code) on unseen demo drops, count =
denominator - numerator for every district, mode 0600, refusals, the PDPA notice."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest

from krlib.cli import main

sys.path.insert(0, str(Path(__file__).parent))
import reference  # noqa: E402

FY, Q = 2568, 2  # window 2024-10-01 .. 2025-03-31
END = dt.date(2025, 3, 31)
VALID_A = "1101700203450"  # a valid citizen id (check digit worked out in test_parse.py)


def argv(data, out, kr="8207", district="1001", q=Q):
    return ["worklist", "--data", str(data), "--fiscal-year", str(FY), "--quarter", str(q),
            "--kr", kr, "--district", district, "--out", str(out)]


def read(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def reg(reg_id, on, district="1001", eligibility="ผ่าน", citizen_id=""):
    return {"reg_id": reg_id, "citizen_id": citizen_id, "district": district,
            "registered_on": on, "eligibility": eligibility}


def svc(reg_id, on, kind="food"):
    return {"reg_id": reg_id, "service_date": on, "service_type": kind}


@pytest.fixture
def private(tmp_path):
    folder = tmp_path / "private"
    folder.mkdir()
    return folder


def test_hand_worked_8207(make_drop, private, capsys):
    drop = make_drop(
        homeless_registrations=[
            reg("H05", "2024-11-01"),                        # served -> not waiting
            reg("H02", "2024-12-01"),                        # waiting 120 days
            reg("H10", "2024-12-01"),                        # waiting 120 days, after H02
            reg("H03", "2024-10-15", citizen_id=VALID_A),    # home record of person A
            reg("H04", "2025-01-10", "1002", citizen_id=VALID_A),  # A's later record
            reg("H06", "2024-10-20", eligibility="ไม่ผ่าน"),  # failed: not in the cohort
            reg("H07", "2025-04-01"),                        # after the window
            reg("H08", "2024-10-01", "1002"),                # another district
            reg("H09", "2025-03-31"),                        # last day: 0 days
            reg("H11", "2024-10-02"),                        # served outside W only
        ],
        homeless_services=[svc("H05", "2024-11-02"), svc("H11", "2025-04-02")])
    out = private / "w.csv"
    assert main(argv(drop, out)) == 0
    assert read(out) == [["record_id", "recorded_on", "days_waiting"],
                         ["H11", "2024-10-02", "180"],
                         ["H03", "2024-10-15", "167"],
                         ["H02", "2024-12-01", "120"],
                         ["H10", "2024-12-01", "120"],
                         ["H09", "2025-03-31", "0"]]
    err = capsys.readouterr().err
    assert "PDPA" in err and "ข้อมูลส่วนบุคคล" in err


def test_service_through_another_record_of_the_person_is_not_waiting(make_drop, private):
    drop = make_drop(
        homeless_registrations=[reg("H01", "2024-11-01", citizen_id=VALID_A),
                                reg("H02", "2023-05-01", "1002", eligibility="ไม่ผ่าน",
                                    citizen_id=VALID_A)],
        homeless_services=[svc("H02", "2025-01-05")])
    assert main(argv(drop, private / "w.csv")) == 0
    assert read(private / "w.csv") == [["record_id", "recorded_on", "days_waiting"]]


def test_hand_worked_5122_and_district_tie(make_drop, private):
    drop = make_drop(
        rehab_referrals=[
            {"referral_id": "R2", "citizen_id": VALID_A, "district": "1039",
             "referred_on": "2024-12-01"},
            {"referral_id": "R1", "citizen_id": VALID_A, "district": "วัฒนา",
             "referred_on": "2024-12-01"},  # same date, smaller id: the home record
            {"referral_id": "R3", "district": "1039", "referred_on": "2025-02-01"},
            {"referral_id": "R4", "district": "1039", "referred_on": "2025-02-02"},
        ],
        rehab_services=[{"referral_id": "R4", "service_date": "2025-03-01", "domain": "2"}])
    out = private / "w.csv"
    assert main(argv(drop, out, kr="5122", district="1039")) == 0
    assert read(out)[1:] == [["R1", "2024-12-01", "120"], ["R3", "2025-02-01", "58"]]


# --- against the independent reference, every district ----------------------------

@pytest.fixture(scope="module", params=[(21, "mixed", 0.6), (22, "csv", 0.8)],
                ids=lambda p: f"seed{p[0]}-{p[1]}")
def demo(request, tmp_path_factory):
    from krlib.demo import write_demo_drop

    seed, fmt, scale = request.param
    folder = tmp_path_factory.mktemp(f"wl{seed}") / "drop"
    write_demo_drop(folder, seed=seed, scale=scale, fmt=fmt)
    return folder


def reference_waiting(data_dir: Path, kr_code: str, quarter: int) -> dict[str, list[tuple]]:
    """district -> [(record_id, recorded_on, days)], from tests/reference.py's cleaning."""
    code, _, cohort_table, service_table, id_col, date_col, dim = next(
        k for k in reference.KRS if k[0] == kr_code)
    records, services = reference.clean_drop(data_dir)[0][code]  # person_links applied
    start, end = reference.window(FY, quarter)
    served_ids = {pid for pid, on, _ in services if start <= on <= end}
    ids_of: dict[str, set] = {}
    for r in records:
        ids_of.setdefault(r["person"], set()).add(r["id"])
    home: dict[str, tuple] = {}
    for r in records:
        if r["passed"] and start <= r["on"] <= end:
            key = (r["on"], r["id"], r["district"])
            if r["person"] not in home or key[:2] < home[r["person"]][:2]:
                home[r["person"]] = key
    out: dict[str, list[tuple]] = {}
    for person, (on, rid, district) in home.items():
        if district is None or ids_of[person] & served_ids:
            continue
        out.setdefault(str(district), []).append((rid, on.isoformat(), (end - on).days))
    return {d: sorted(rows, key=lambda r: (-r[2], r[0])) for d, rows in out.items()}


@pytest.mark.parametrize("kr", ["8207", "5122"])
def test_every_district_matches_reference_and_results(demo, tmp_path, kr):
    from krlib.clean.tables import load_drop
    from krlib.compute.indicators import compute
    from krlib.contract.kr import KRS
    from krlib.contract.periods import Period
    from krlib.outputs.worklist import waiting

    clean = load_drop(demo)
    period = Period(FY, Q)
    results = compute(clean, period).results
    expected = reference_waiting(demo, kr, Q)
    assert sum(len(v) for v in expected.values()) > 10  # the drop has waiting persons
    for row in results[(results.kr_code == kr) & (results.scope_code != "BMA")].itertuples():
        got = waiting(clean, KRS[kr], period, row.scope_code)
        assert len(got) == row.denominator - row.numerator, row.scope_code
        rows = [(r.record_id, r.recorded_on, int(r.days_waiting)) for r in got.itertuples()]
        assert rows == expected.get(row.scope_code, []), row.scope_code


def test_cli_file_matches_reference(demo, private):
    expected = reference_waiting(demo, "8207", 3)
    district = max(expected, key=lambda d: len(expected[d]))
    out = private / "w.csv"
    assert main(argv(demo, out, district=district, q=3)) == 0
    rows = read(out)
    assert rows[0] == ["record_id", "recorded_on", "days_waiting"]
    assert [tuple(r[:2]) + (int(r[2]),) for r in rows[1:]] == expected[district]


# --- the file is private ---------------------------------------------------------

@pytest.mark.parametrize("umask", [0o000, 0o022, 0o177])
def test_file_mode_is_0600_whatever_the_umask(make_drop, private, umask):
    drop = make_drop(homeless_registrations=[reg("H01", "2024-11-01")],
                     homeless_services=[svc("H01", "2025-06-01")])
    out = private / "w.csv"
    out.write_text("old, world-readable\n")
    out.chmod(0o644)
    old = os.umask(umask)
    try:
        assert main(argv(drop, out)) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert read(out)[1] == ["H01", "2024-11-01", "150"]
    assert [p.name for p in private.iterdir()] == ["w.csv"]  # no temporary file left


def refused(capsys, args) -> str:
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def test_refuses_krlib_output_folders_and_below(make_drop, tmp_path, capsys):
    drop = make_drop(homeless_registrations=[reg("H01", "2024-11-01")],
                     homeless_services=[svc("H01", "2025-06-01")])
    out = tmp_path / "out"
    assert main(["indicators", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
                 "--out", str(out), "--quiet"]) == 0
    (out / "sub" / "deeper").mkdir(parents=True)
    for target in (out / "w.csv", out / "sub" / "deeper" / "w.csv",
                   out / "sub" / ".." / "w.csv"):
        assert "manifest.json" in refused(capsys, argv(drop, target))
        assert not target.exists()
    assert not any(p.name.startswith(".w.csv") for p in out.rglob("*"))


def test_refuses_the_data_folder_and_below(make_drop, capsys):
    drop = make_drop(homeless_registrations=[reg("H01", "2024-11-01")],
                     homeless_services=[svc("H01", "2025-06-01")])
    (drop / "archive").mkdir()
    for target in (drop / "w.csv", drop / "archive" / "w.csv"):
        assert "data folder" in refused(capsys, argv(drop, target))
        assert not target.exists()


def test_refuses_bad_options_in_one_line(make_drop, private, capsys):
    drop = make_drop(homeless_registrations=[reg("H01", "2024-11-01")],
                     homeless_services=[svc("H01", "2025-06-01")])
    assert "district" in refused(capsys, argv(drop, private / "w.csv", district="9999"))
    assert "district" in refused(capsys, argv(drop, private / "w.csv", district="BMA"))
    assert "folder" in refused(capsys, argv(drop, private))
    assert "exist" in refused(capsys, argv(drop, private / "nope" / "w.csv"))
    assert "5122" in refused(capsys, argv(drop, private / "w.csv", kr="5122"))  # no referrals
    assert "no such KR" in refused(capsys, argv(drop, private / "w.csv", kr="9999"))
    assert list(private.iterdir()) == []


def test_only_worklist_writes_record_ids(make_drop, tmp_path, private):
    """indicators writes no worklist-like output: its folder passes the privacy scan,
    while the worklist itself is found by it (the scan is able to see record ids)."""
    drop = make_drop(homeless_registrations=[reg("H0001", "2024-11-01"),
                                             reg("H0002", "2024-11-02")],
                     homeless_services=[svc("H0001", "2024-12-01")])
    out = tmp_path / "out"
    assert main(["indicators", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
                 "--out", str(out), "--quiet"]) == 0
    assert main(["privacy-scan", "--data", str(drop), str(out)]) == 0
    assert main(argv(drop, private / "w.csv")) == 0
    assert main(["privacy-scan", "--data", str(drop), str(private)]) == 1


@pytest.mark.slow
def test_full_report_folder_stays_clean_and_refuses_worklists(tmp_path, private, capsys):
    from krlib.demo import write_demo_drop

    demo = tmp_path / "drop"
    write_demo_drop(demo, seed=23, scale=0.3)
    reports = tmp_path / "reports"
    assert main(["report", "--data", str(demo), "--fiscal-year", "2568", "--quarter", "2",
                 "--district", "1001,BMA", "--format", "html", "--out", str(reports),
                 "--workers", "1", "--quiet"]) == 0
    folder = reports / "2568-Q2"
    assert (folder / "kr_results.xlsx").is_file()
    for target in (folder / "w.csv", folder / "notebooks" / "w.csv"):
        assert "manifest.json" in refused(capsys, argv(demo, target))
    assert main(["privacy-scan", "--data", str(demo), str(folder)]) == 0
    assert main(argv(demo, private / "w.csv")) == 0  # a private folder is fine

