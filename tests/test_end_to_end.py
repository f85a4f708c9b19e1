"""End to end: krlib against the independent reference implementation (tests/reference.py,
row-by-row pure Python, no krlib code) on demo drops it has never seen, for every quarter
of FY2568, XLSX and CSV alike, to the last digit, data-quality counts included. The demo
drops hold confirmed person_links, so persons joined by links are compared too."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from krlib.clean.tables import load_drop
from krlib.compute.indicators import compute
from krlib.contract.periods import Period
from krlib.outputs.csvs import (
    breakdown_table,
    data_quality_table,
    disaggregation_table,
    results_table,
    timeliness_table,
)

sys.path.insert(0, str(Path(__file__).parent))
import reference  # noqa: E402
from compare import assert_same_rows  # noqa: E402

FY = 2568
WAITING = ["waiting_0", "waiting_1_7", "waiting_8_30", "waiting_31_90", "waiting_91_plus"]


def _rows(frame) -> list[dict[str, str]]:
    text = frame.to_csv(index=False, lineterminator="\n")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module", params=[(7, "mixed", 0.4), (8, "csv", 0.6), (9, "mixed", 0.25)],
                ids=lambda p: f"seed{p[0]}-{p[1]}")
def drop(request, tmp_path_factory) -> Path:
    from krlib.demo import write_demo_drop

    seed, fmt, scale = request.param
    out = tmp_path_factory.mktemp(f"e2e-{seed}")
    write_demo_drop(out, seed=seed, scale=scale, fmt=fmt)
    return out


@pytest.fixture(scope="module")
def krlib_all_quarters(drop):
    clean = load_drop(drop)
    return clean, compute(clean, [Period(FY, q) for q in (1, 2, 3, 4)])


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_figures_match_reference(drop, krlib_all_quarters, quarter):
    clean, ind = krlib_all_quarters
    mine = ind.for_period(Period(FY, quarter))
    ref = reference.compute(drop, FY, quarter)
    assert_same_rows(_rows(results_table(mine)), ref.kr_results, "kr_results")
    assert_same_rows(_rows(breakdown_table(mine)), ref.kr_breakdown, "kr_breakdown")
    assert len(ref.kr_results) == 2 * 51


@pytest.mark.parametrize("quarter", [1, 2, 4])
def test_disaggregation_matches_reference(drop, krlib_all_quarters, quarter):
    _, ind = krlib_all_quarters
    mine = _rows(disaggregation_table(ind.for_period(Period(FY, quarter))))
    ref = reference.compute(drop, FY, quarter).kr_disaggregation
    assert mine == ref
    dims = {(r["kr_code"], r["dimension"]) for r in ref}
    assert dims == {("8207", "sex"), ("8207", "age_band"), ("8207", "service_point"),
                    ("5122", "sex"), ("5122", "age_band"), ("5122", "source")}
    cats = {r["category"] for r in ref}
    assert {"male", "female", "unspecified", "0-17", "18-59", "60+", "unknown", "other"} <= cats


@pytest.mark.parametrize("quarter", [1, 2, 4])
def test_timeliness_matches_reference(drop, krlib_all_quarters, quarter):
    _, ind = krlib_all_quarters
    mine = _rows(timeliness_table(ind.for_period(Period(FY, quarter))))
    ref = reference.compute(drop, FY, quarter)
    assert mine == ref.kr_timeliness
    assert len(mine) == 2 * 51
    bma = [r for r in mine if r["scope_code"] == "BMA"]
    results = {r["kr_code"]: r for r in ref.kr_results if r["scope_code"] == "BMA"}
    for r in bma:  # served + waiting = denominator, buckets add up to served
        assert int(r["served"]) == int(results[r["kr_code"]]["numerator"])
        assert int(r["served"]) + int(r["waiting"]) == int(results[r["kr_code"]]["denominator"])
        buckets = ["days_0", "days_1_7", "days_8_30", "days_31_90", "days_91_plus"]
        assert sum(int(r[b]) for b in buckets) == int(r["served"])
    for r in mine:  # every scope: the waiting buckets add up to waiting
        assert sum(int(r[b]) for b in WAITING) == int(r["waiting"]), r["scope_code"]
    assert any(int(r[b]) for r in mine for b in WAITING[1:])  # not trivially zero


@pytest.mark.parametrize("quarter", [2, 4])
def test_worklist_agrees_with_the_waiting_buckets(drop, krlib_all_quarters, quarter):
    """krlib worklist's rows, bucketed by days_waiting, are kr_timeliness's waiting_*
    columns, district by district; BMA = the districts plus the unknown district."""
    import numpy as np

    from krlib.contract.kr import KRS
    from krlib.contract.scopes import UNKNOWN
    from krlib.outputs.worklist import waiting

    clean, ind = krlib_all_quarters
    period = Period(FY, quarter)
    mine = _rows(timeliness_table(ind.for_period(period)))
    ranges = [(0, 0), (1, 7), (8, 30), (31, 90), (91, 10 ** 9)]
    for kr in KRS.values():
        rows = {r["scope_code"]: r for r in mine if r["kr_code"] == kr.code}
        total = np.zeros(len(WAITING), dtype=int)
        for scope in [*(s for s in rows if s != "BMA"), UNKNOWN]:
            days = waiting(clean, kr, period, scope)["days_waiting"].to_numpy()
            counts = np.array([((days >= lo) & (days <= hi)).sum() for lo, hi in ranges])
            total += counts
            if scope != UNKNOWN:
                assert counts.tolist() == [int(rows[scope][b]) for b in WAITING], scope
        assert total.tolist() == [int(rows["BMA"][b]) for b in WAITING]


def test_data_quality_matches_reference(drop, krlib_all_quarters):
    clean, _ = krlib_all_quarters
    ref = reference.compute(drop, FY, 2)
    assert_same_rows(_rows(data_quality_table(clean)), ref.data_quality, "data_quality")
    for account in clean.accounts.values():
        assert account.reconciles


def test_demo_drop_exercises_every_rule(drop, krlib_all_quarters):
    """The drop is a real test: each kind of fault occurs, and figures are not trivial."""
    clean, ind = krlib_all_quarters
    reasons = {r for a in clean.accounts.values() for r in a.reasons}
    assert {"missing_value", "invalid_date", "date_out_of_range", "conflicting_duplicate",
            "orphaned"} <= reasons
    assert sum(a.collapsed for a in clean.accounts.values()) > 0
    flags = {f for a in clean.accounts.values() for f, n in a.flags.items() if n}
    assert {"invalid_citizen_id", "unknown_district"} <= flags
    links = clean.accounts["person_links"]  # confirmed links (contract v3) that merge persons
    assert {"unknown_record", "mixed_tables", "invalid_record", "self_link"} <= set(links.reasons)
    assert clean.accounts["homeless_registrations"].merged_by_links > 0
    r = ind.results
    assert (r.denominator > 0).sum() > 20 and (r.numerator > 0).sum() > 10
