"""krlib compare: what changed between two output folders, hand-worked on tiny drops."""

from __future__ import annotations

import csv
import shutil

import pytest

from krlib.cli import main
from krlib.outputs.compare import compare_folders, index_section

A = "1101700203450"  # valid citizen ids (check digits worked out in test_parse.py)

REGS = [["reg_id", "citizen_id", "district", "registered_on", "eligibility"],
        ["H0001", A, "1001", "2024-11-01", "ผ่าน"],
        ["H0002", "", "1002", "2024-11-05", "ผ่าน"],
        ["H0003", "", "1002", "2024-11-06", "ผ่าน"],
        ["H0004", "", "1003", "2024-11-07", "ผ่าน"]]
SVCS = [["reg_id", "service_date", "service_type"],
        ["H0001", "2024-11-02", "food"],
        ["H0002", "2024-11-06", "food"],
        ["H0004", "2024-11-08", "health"]]
REFS = [["referral_id", "district", "referred_on"], ["R0001", "1001", "2024-11-01"]]
RSVS = [["referral_id", "service_date", "domain"], ["R0001", "2024-12-01", "1"]]


def indicators(drop, out):
    assert main(["indicators", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
                 "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture
def old(make_drop, tmp_path):
    drop = make_drop(homeless_registrations=REGS, homeless_services=SVCS,
                     rehab_referrals=REFS, rehab_services=RSVS)
    return indicators(drop, tmp_path / "old")


def test_identical_folders_exit_0(old, tmp_path, capsys):
    copy = shutil.copytree(old, tmp_path / "copy")
    capsys.readouterr()
    assert main(["compare", str(old), str(copy)]) == 0
    assert "no differences" in capsys.readouterr().out
    c = compare_folders(old, copy)
    assert not c.differs and c.identical and c.results.empty and c.quality.empty


def test_one_district_differs_in_the_csv_only_that_row(old, tmp_path):
    new = shutil.copytree(old, tmp_path / "new")
    path = new / "kr_results.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for r in rows:
        if r[0] == "8207" and r[3] == "1002":
            r[5], r[7], r[9] = "2", "100.00", "true"  # was 1/2 = 50.00
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    c = compare_folders(old, new)
    assert c.differs and c.quality.empty and c.breakdown.empty
    assert c.results[["kr_code", "scope_code", "numerator_old", "numerator_new",
                      "denominator_old", "denominator_new", "percent_old", "percent_new",
                      "change_pp"]].values.tolist() == [
        ["8207", "1002", 1, 2, 2, 2, "50.00", "100.00", 50.0]]
    assert "1002 เขตดุสิต: 1/2 = 50.00 -> 2/2 = 100.00 (+50.00 pp)" in c.text()


def test_a_re_export_moving_one_district(make_drop, old, tmp_path, capsys):
    """H0003 (1002) gets a service and one bad row is added: 1002 and Bangkok move,
    nothing else; the breakdown and data-quality changes are listed."""
    drop = make_drop(homeless_registrations=REGS + [["H0005", "", "1001", "31/02/2567", "ผ่าน"]],
                     homeless_services=SVCS + [["H0003", "2024-12-01", "shower"]],
                     rehab_referrals=REFS, rehab_services=RSVS)
    new = indicators(drop, tmp_path / "new")
    c = compare_folders(old, new)
    got = c.results[["kr_code", "scope_code", "numerator_old", "numerator_new",
                     "denominator_old", "denominator_new", "percent_old", "percent_new",
                     "change_pp"]].values.tolist()
    assert got == [["8207", "1002", 1, 2, 2, 2, "50.00", "100.00", 50.0],
                   ["8207", "BMA", 3, 4, 4, 4, "75.00", "100.00", 25.0]]
    assert c.breakdown[["scope_code", "category", "old", "new"]].values.tolist() == [
        ["1002", "shower", 0, 1], ["BMA", "shower", 0, 1]]
    quality = {(r.table, r.measure): (r.old, r.new) for r in c.quality.itertuples()}
    assert quality == {("homeless_registrations", "rows_in"): (4, 5),
                       ("homeless_registrations", "rejected"): (0, 1),
                       ("homeless_services", "rows_in"): (3, 4),
                       ("homeless_services", "kept"): (3, 4),
                       ("homeless_registrations", "reason:invalid_date"): (0, 1)}
    capsys.readouterr()
    assert main(["compare", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "1002 เขตดุสิต" in out and "1001" not in out.replace("2568", "")


def test_tolerance_in_percentage_points(make_drop, tmp_path, capsys):
    def drop(served: int):
        regs = [["reg_id", "district", "registered_on", "eligibility"]] + [
            [f"H{i:04d}", "1001", "2024-11-01", "ผ่าน"] for i in range(300)]
        svcs = [["reg_id", "service_date", "service_type"]] + [
            [f"H{i:04d}", "2024-11-02", "food"] for i in range(served)]
        return make_drop(homeless_registrations=regs, homeless_services=svcs)

    old = indicators(drop(150), tmp_path / "a")  # 50.00
    new = indicators(drop(151), tmp_path / "b")  # 50.33: +0.33 pp
    for tol, code in (("0", 1), ("0.3", 1), ("0.33", 0), ("1", 0)):
        capsys.readouterr()
        assert main(["compare", str(old), str(new), "--tolerance", tol]) == code, tol
    assert "within tolerance" in capsys.readouterr().out
    c = compare_folders(old, new, 1.0)
    assert len(c.results) == 2 and not c.differs  # listed, not failing


def test_missing_folder_or_file_exit_2_with_one_line(old, tmp_path, capsys):
    broken = shutil.copytree(old, tmp_path / "broken")
    (broken / "data_quality_reasons.csv").unlink()
    for args in ([str(old), str(tmp_path / "nope")], [str(old), str(broken)],
                 [str(old), str(old), "--tolerance", "-1"]):
        capsys.readouterr()
        assert main(["compare", *args]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "Traceback" not in err[0], err
    assert main(["compare", str(old), str(broken)]) == 2
    assert "data_quality_reasons.csv" in capsys.readouterr().err


def test_html_escapes_every_value(old, tmp_path):
    new = shutil.copytree(old, tmp_path / "new")
    path = new / "kr_results.csv"
    text = path.read_text(encoding="utf-8").replace("เขตดุสิต,1,2,50.00",
                                                    "<b>x</b>,2,2,100.00")
    path.write_text(text, encoding="utf-8")
    section = index_section(compare_folders(old, new))
    assert "<b>x</b>" not in section and "&lt;b&gt;x&lt;/b&gt;" in section
    assert section.startswith("<section") and "+50.00 pp" in section


def test_index_lists_the_changes_against_an_earlier_folder(make_drop, old, tmp_path):
    """report's write_index with compare_old: the section names the moved district."""
    from krlib.clean.tables import load_drop
    from krlib.compute.prepare import prepare_clean
    from krlib.contract.periods import Period
    from krlib.outputs.compare import read_outputs
    from krlib.report.index_page import write_index

    drop = make_drop(homeless_registrations=REGS,
                     homeless_services=SVCS + [["H0003", "2024-12-01", "shower"]],
                     rehab_referrals=REFS, rehab_services=RSVS)
    new = indicators(drop, tmp_path / "new")
    prep = prepare_clean(load_drop(drop), Period(2568, 2))
    page = write_index(new, prep, [], compare_old=read_outputs(old)).read_text(encoding="utf-8")
    section = page[page.index("<section id='changes'>"):]
    assert "เขตดุสิต" in section and "+50.00 pp" in section and "เขตพระนคร" not in section
    plain = write_index(new, prep, []).read_text(encoding="utf-8")
    assert "id='changes'" not in plain


@pytest.mark.slow
def test_report_compare_with(make_drop, old, tmp_path):
    drop = make_drop(homeless_registrations=REGS,
                     homeless_services=SVCS + [["H0003", "2024-12-01", "shower"]],
                     rehab_referrals=REFS, rehab_services=RSVS)
    out = tmp_path / "reports"
    assert main(["report", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
                 "--district", "BMA", "--format", "html", "--out", str(out), "--workers", "1",
                 "--quiet", "--compare-with", str(old)]) == 0
    page = (out / "2568-Q2" / "index.html").read_text(encoding="utf-8")
    assert "id='changes'" in page and "เขตดุสิต" in page[page.index("id='changes'"):]
    assert main(["verify", str(out / "2568-Q2")]) == 0
    # comparing with the folder being overwritten reads it before the run
    assert main(["report", "--data", str(drop), "--fiscal-year", "2568", "--quarter", "2",
                 "--district", "BMA", "--format", "html", "--out", str(out), "--workers", "1",
                 "--quiet", "--compare-with", str(out / "2568-Q2")]) == 0
    page = (out / "2568-Q2" / "index.html").read_text(encoding="utf-8")
    assert "ไม่มีความแตกต่าง" in page


def test_index_section_goes_into_an_autoescaping_template_as_is(old, tmp_path):
    from jinja2 import Environment

    new = shutil.copytree(old, tmp_path / "new")
    path = new / "kr_results.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("เขตดุสิต,1,2,50.00",
                                                             "<i>&</i>,2,2,100.00"),
                    encoding="utf-8")
    section = index_section(compare_folders(old, new))
    page = Environment(autoescape=True).from_string("{{ changes }}").render(changes=section)
    assert page == str(section) and "&lt;i&gt;&amp;&lt;/i&gt;" in page
