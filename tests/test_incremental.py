"""Incremental re-render (:mod:`krlib.batch.freeze`): a scope's key moves with what its
report shows and only with that; a batch after one district's correction reuses the
other reports and publishes the same bytes as a full run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from krlib.batch import freeze
from krlib.compute.prepare import Prepared, prepare

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "district_report.ipynb"
LABEL = "2568-Q2"


@pytest.fixture(scope="module")
def prep() -> Prepared:
    return prepare(EXAMPLE, 2568, 2)


def key(prep: Prepared, scope: str, notebook: Path = NOTEBOOK, formats=("html",),
        **params: object) -> str:
    doc = json.loads(prep.to_json())
    return freeze.scope_key(prep, doc, scope, notebook, {"district": scope, **params},
                            f"title {scope}", formats)


def changed(prep: Prepared, scope: str, fiscal_year: int, quarter: int, kr: str = "8207",
            **values: object) -> Prepared:
    """A copy of ``prep`` with one results row's values replaced."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Prepared.load(prep.save(Path(tmp) / "p.json"))
    r = copy.indicators.results
    at = ((r.scope_code == scope) & (r.fiscal_year == fiscal_year) & (r.quarter == quarter)
          & (r.kr_code == kr))
    assert at.sum() == 1
    for column, value in values.items():
        r.loc[at, column] = value
    return copy


def test_key_is_stable_for_the_same_inputs(prep):
    assert key(prep, "1001") == key(prep, "1001")
    assert key(prep, "1001") != key(prep, "1002")


def test_key_moves_with_the_scope_own_figures(prep):
    assert key(changed(prep, "1001", 2568, 2, numerator=2, percent=100.0), "1001") \
        != key(prep, "1001")
    assert key(changed(prep, "1001", 2567, 3, numerator=0), "1001") != key(prep, "1001")


def test_another_district_moves_bangkok_but_not_a_district_it_does_not_outrank(prep):
    # 1026 (75 %) stays above 1001 (50 %): 1001's rank, ties and met count are the same
    other = changed(prep, "1026", 2568, 2, percent=70.0)
    assert key(other, "1001") == key(prep, "1001")
    assert key(other, "BMA") != key(prep, "BMA")
    # an earlier quarter of another district: never shown in 1001's report
    assert key(changed(prep, "1026", 2567, 3, numerator=0), "1001") == key(prep, "1001")


def test_a_change_of_rank_or_of_bangkok_moves_the_district_key(prep):
    # 1026 drops below 1001: 1001's rank moves from 5 to 4
    assert key(changed(prep, "1026", 2568, 2, percent=10.0), "1001") != key(prep, "1001")
    # Bangkok's figure for the period is shown in every district report
    assert key(changed(prep, "BMA", 2568, 2, numerator=10), "1001") != key(prep, "1001")


def test_whole_file_hashes_move_bangkok_only_but_row_counts_move_every_key(prep):
    import copy

    other = copy.copy(prep)
    other.sources = [dict(s, sha256="0" * 64) for s in prep.sources]  # type: ignore[misc]
    assert key(other, "1001") == key(prep, "1001")  # shows its own data's SHA-256
    assert key(other, "BMA") != key(prep, "BMA")
    more = copy.copy(prep)
    more.sources = [dict(s, rows_in=int(s["rows_in"]) + 1)  # type: ignore[misc]
                    for s in prep.sources]
    assert key(more, "1001") != key(prep, "1001")  # rows read: shown in every report


def test_key_moves_with_notebook_parameters_and_formats(prep, tmp_path):
    nb = tmp_path / "nb.ipynb"
    nb.write_bytes(NOTEBOOK.read_bytes() + b"\n")
    base = key(prep, "1001")
    assert key(prep, "1001", notebook=nb) != base
    assert key(prep, "1001", suppress_below=5) != base
    assert key(prep, "1001", formats=("html", "pdf")) != base


def test_digest_shown_in_a_district_report_is_the_key_part(prep):
    from krlib.report.view import ReportView, provenance, scope_digest

    page = provenance(ReportView(prep, "1001"), {}).data
    assert scope_digest(prep, "1001") in page
    assert prep.sources[0]["sha256"] not in page
    assert prep.sources[0]["sha256"] in provenance(ReportView(prep, "BMA"), {}).data


# --- the batch ------------------------------------------------------------------------

def correct_one_district(drop: Path, district: str) -> None:
    """Move one service of a person of ``district`` into the period, in place, so that
    the district's figures change (as a district correcting its file)."""
    from krlib.clean.tables import load_drop

    clean = load_drop(drop)
    services, regs = clean.tables["homeless_services"], clean.tables["homeless_registrations"]
    before = prepare(drop, 2568, 2).indicators.results
    mine = before[before.scope_code == district].to_csv()
    recs = set(regs.loc[regs.district == district, "rec"])
    path = drop / "homeless_services.csv"
    original = path.read_bytes()
    try:
        text, encoding = original.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = original.decode("cp874"), "cp874"
    outside = services[services.rec.isin(recs) & ((services.event_date < "2024-10-01")
                                                   | (services.event_date > "2025-03-31"))]
    for row in outside._row:
        lines = text.split("\n")
        cells = lines[int(row) - 1].split(",")
        cells[2] = "15/1/2568"
        lines[int(row) - 1] = ",".join(cells)
        path.write_bytes("\n".join(lines).encode(encoding))
        after = prepare(drop, 2568, 2).indicators.results
        if after[after.scope_code == district].to_csv() != mine:
            return
    path.write_bytes(original)
    raise AssertionError(f"no service of {district} could be moved into the period")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_incremental_run_after_one_correction_equals_a_full_run(tmp_path, monkeypatch):
    from krlib.batch.run import run_report

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    scopes = ["1001", "1002", "1007", "BMA"]
    drop = tmp_path / "a" / "drop"  # the same folder name for both runs: reports name it
    shutil.copytree(EXAMPLE, drop)
    out, fresh = tmp_path / "out", tmp_path / "fresh"

    def run(data: Path, where: Path, force: bool = False):
        return run_report(data, 2568, 2, scopes, ["html"], where, workers=2,
                          show_progress=False, force=force)

    assert not run(drop, out).failed
    first = json.loads((out / LABEL / "manifest.json").read_text("utf-8"))
    assert first["parameters"]["reused"] == []
    correct_one_district(drop, "1007")
    shutil.copytree(drop, tmp_path / "b" / "drop")
    batch = run(drop, out)
    assert not batch.failed
    manifest = json.loads((out / LABEL / "manifest.json").read_text("utf-8"))
    reused = manifest["parameters"]["reused"]
    # the corrected district and Bangkok are rendered again (on this small drop the
    # correction also moves Bangkok-wide figures every report shows: see the README)
    assert "1007" not in reused and "BMA" not in reused
    assert set(reused) <= set(scopes)
    assert not reused or "reused unchanged from the previous run: " + " ".join(reused) in \
        (out / LABEL / "index.html").read_text("utf-8")

    assert not run(tmp_path / "b" / "drop", fresh).failed
    inc, full = files(out / LABEL), files(fresh / LABEL)
    assert inc.keys() == full.keys()
    differ = [name for name in inc if inc[name] != full[name]]
    assert set(differ) <= {"index.html", "manifest.json"}  # they name the reused scopes
    # apart from that note, the index is the full run's
    index, whole = inc["index.html"].decode("utf-8"), full["index.html"].decode("utf-8")
    start = index.find('<p class="reused">')
    if start >= 0:
        index = index[:start] + index[index.index("</p>\n", start) + 5:]
    assert index == whole

    # --force renders everything, and gives the full run's bytes
    assert not run(drop, out, force=True).failed
    forced = json.loads((out / LABEL / "manifest.json").read_text("utf-8"))
    assert forced["parameters"]["reused"] == []
    assert files(out / LABEL) == full
