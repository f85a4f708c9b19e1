"""krlib report end to end: files, index, CSVs, manifest, failure isolation, privacy,
reproducibility. One small batch (two districts and BMA) is rendered once per module."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from krlib.cli import main

pytestmark = pytest.mark.slow

FY, Q = 2568, 2
SCOPES = ["1001", "1033", "BMA"]
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
KRLIB = [sys.executable, "-m", "krlib.cli"]


def run_cli(args: list[str], env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **(env_extra or {}))
    return subprocess.run(KRLIB + args, capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> Path:
    from krlib.demo import write_demo_drop

    out = tmp_path_factory.mktemp("drop")
    write_demo_drop(out, seed=11, scale=0.3)
    return out


@pytest.fixture(scope="module")
def batch(drop, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("reports")
    proc = run_cli(["report", "--data", str(drop), "--fiscal-year", str(FY), "--quarter", str(Q),
                    "--district", ",".join(SCOPES), "--format", "html,pdf", "--out", str(out),
                    "--workers", "2", "--quiet"])
    return out / f"{FY}-Q{Q}", proc


def test_report_writes_every_file(batch):
    folder, proc = batch
    assert proc.returncode == 0, proc.stderr
    for scope in SCOPES:
        assert (folder / f"{scope}.html").stat().st_size > 10_000
        assert (folder / f"{scope}.pdf").read_bytes().startswith(b"%PDF")
        nb = nbformat.read(folder / "notebooks" / f"{scope}.ipynb", as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if o.output_type == "error"]
        assert not errors
    for name in ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv",
                 "data_quality_reasons.csv", "rejected_rows.csv", "index.html", "manifest.json"):
        assert (folder / name).exists(), name


def test_report_csvs_equal_indicators_command(batch, drop, tmp_path):
    folder, _ = batch
    assert run_cli(["indicators", "--data", str(drop), "--fiscal-year", str(FY), "--quarter",
                    str(Q), "--out", str(tmp_path), "--quiet"]).returncode == 0
    for name in ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv",
                 "data_quality_reasons.csv"):
        assert (folder / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_index_links_reports_with_headline_figures(batch):
    folder, _ = batch
    page = (folder / "index.html").read_text(encoding="utf-8")
    for scope in SCOPES:
        assert f'href="{scope}.html"' in page and f'href="{scope}.pdf"' in page
    results = (folder / "kr_results.csv").read_text(encoding="utf-8").splitlines()
    bma_8207 = next(line for line in results if line.startswith(f"8207,{FY},{Q},BMA,"))
    pct = bma_8207.split(",")[7]
    assert (f"{pct} %" if pct else "–") in page
    assert "http://" not in page and "https://" not in page
    assert '<meta name="viewport"' in page and "ไม่ทราบเขต" in page
    assert 'href="manifest.json"' in page and 'href="kr_results.csv"' in page


def test_report_html_shows_the_figures_of_the_csv(batch):
    folder, _ = batch
    html = (folder / "1001.html").read_text(encoding="utf-8")
    rows = [r.split(",") for r in (folder / "kr_results.csv").read_text("utf-8").splitlines()[1:]]
    executed = (folder / "notebooks" / "1001.ipynb").read_text(encoding="utf-8")
    for kr_code in ("8207", "5122"):
        row = next(r for r in rows if r[0] == kr_code and r[3] == "1001")
        num, den, pct = row[5], row[6], row[7]
        # the machine-checked line stays in the executed notebook, not in the report
        assert f"KR {kr_code} 1001 {FY}-Q{Q}: {num}/{den} percent={pct}" in executed
        assert f"KR {kr_code} 1001" not in html
        assert f"<b>{int(num):,}</b> / <b>{int(den):,}</b>" in html
        if pct:
            assert f"{pct} %" in html
    assert "ร้อยละของผู้ที่ได้รับการฟื้นฟูสภาพทางสังคม" in html


def test_manifest_verifies_and_flags_tampering(batch, tmp_path):
    folder, _ = batch
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert run_cli(["verify", str(copy)]).returncode == 0
    doc = json.loads((copy / "manifest.json").read_text("utf-8"))
    assert {i["table"] for i in doc["inputs"]} == {
        "homeless_registrations", "homeless_services", "rehab_referrals", "rehab_services",
        "person_links"}  # the demo drop's confirmed links are an input like the others
    assert all(re.fullmatch(r"[0-9a-f]{64}", i["sha256"]) for i in doc["inputs"])
    assert doc["generated_at"].startswith("2026-01-01T00:00:00")
    (copy / "kr_results.csv").write_text("tampered", encoding="utf-8")
    (copy / "1001.pdf").unlink()
    (copy / "extra.txt").write_text("x", encoding="utf-8")
    proc = run_cli(["verify", str(copy)])
    assert proc.returncode == 1
    assert "changed: kr_results.csv" in proc.stdout
    assert "missing: 1001.pdf" in proc.stdout
    assert "added: extra.txt" in proc.stdout


def test_no_personal_identifier_in_any_output(batch, drop):
    from krlib.outputs.privacy import identifiers, scan

    folder, _ = batch
    ids = identifiers(drop)
    assert len(ids) > 100 and {"citizen_id", "first_name", "reg_id", "referral_id",
                                "birth_date"} <= set(ids.values())
    assert scan(folder, ids) == []
    proc = run_cli(["privacy-scan", "--data", str(drop), str(folder)])
    assert proc.returncode == 0 and "OK" in proc.stdout


def test_privacy_scan_finds_a_leak_without_printing_it(batch, drop, tmp_path):
    from krlib.outputs.privacy import identifiers

    folder, _ = batch
    leaky = tmp_path / "leaky"
    shutil.copytree(folder, leaky)
    ids = identifiers(drop)
    secret = next(i for i, kind in ids.items() if kind == "citizen_id" and i.isdigit())
    page = leaky / "1001.html"
    page.write_text(page.read_text("utf-8") + f"<p>{secret}</p>", encoding="utf-8")
    proc = run_cli(["privacy-scan", "--data", str(drop), str(leaky)])
    assert proc.returncode == 1
    assert "personal data (citizen_id) found in 1001.html" in proc.stdout
    assert secret not in proc.stdout + proc.stderr


def test_same_epoch_same_outputs(batch, drop, tmp_path):
    folder, _ = batch
    proc = run_cli(["report", "--data", str(drop), "--fiscal-year", str(FY), "--quarter", str(Q),
                    "--district", "1001,BMA", "--format", "html,pdf", "--out", str(tmp_path),
                    "--workers", "1", "--quiet"])
    assert proc.returncode == 0, proc.stderr
    again = tmp_path / f"{FY}-Q{Q}"
    # the PDFs too: printed in another (staging) folder by another process, same bytes
    for name in ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv",
                 "data_quality_reasons.csv", "rejected_rows.csv", "1001.html", "BMA.html",
                 "1001.pdf", "BMA.pdf", "notebooks/1001.ipynb", "notebooks/BMA.ipynb"):
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name


def test_failing_scope_does_not_stop_the_batch(drop, tmp_path):
    nb = nbformat.read(Path(__file__).parents[1] / "notebooks" / "district_report.ipynb", 4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(
        'if view.scope == "1033":\n    raise RuntimeError("boom for the test")'))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    proc = run_cli(["report", "--data", str(drop), "--fiscal-year", str(FY), "--quarter", str(Q),
                    "--district", "1001,1033,BMA", "--format", "html", "--out",
                    str(tmp_path / "out"), "--workers", "2", "--notebook", str(broken), "--quiet"])
    assert proc.returncode == 1
    assert "1033" in proc.stderr and "boom for the test" in proc.stderr
    # The partial run is kept beside the (absent) complete one, and says so.
    assert not (tmp_path / "out" / f"{FY}-Q{Q}").exists()
    folder = tmp_path / "out" / f"{FY}-Q{Q}.failed"
    assert f"partial output kept in {folder}" in proc.stderr
    assert (folder / "1001.html").exists() and (folder / "BMA.html").exists()
    assert not (folder / "1033.html").exists()
    assert "ล้มเหลว" in (folder / "index.html").read_text("utf-8")
    assert run_cli(["verify", str(folder)]).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{FY}-Q{Q}.failed"]


@pytest.mark.parametrize("args, needle", [
    (["--district", "9999"], "9999"),
    (["--format", "docx"], "docx"),
    (["--quarter", "7"], "quarter"),
    (["--fiscal-year", "1999"], "1999"),
])
def test_bad_report_options_exit_2_with_one_line(drop, tmp_path, capsys, args, needle):
    base = {"--data": str(drop), "--fiscal-year": str(FY), "--quarter": str(Q),
            "--out": str(tmp_path)}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    argv = ["report"] + [x for kv in base.items() for x in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


def test_params_file_with_cli_override(drop, tmp_path):
    params = tmp_path / "run.yaml"
    params.write_text(f"data: {drop}\nfiscal_year: {FY}\nquarter: 1\ndistrict: BMA\n"
                      f"format: html\nout: out\n", encoding="utf-8")
    proc = run_cli(["report", "--params", str(params), "--quarter", str(Q), "--workers", "1",
                    "--quiet"])
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / f"{FY}-Q{Q}" / "BMA.html").exists()
    assert not (tmp_path / "out" / f"{FY}-Q1").exists()
