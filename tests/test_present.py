"""What the report shows: narrative from computed values, small-number suppression,
ranks, 'no cases' statements, and the prepared aggregates round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from krlib import present as rp
from krlib.indicators import BMA
from krlib.kr import KRS
from krlib.prepare import Prepared, prepare

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"


@pytest.fixture(scope="module")
def prep() -> Prepared:
    return prepare(EXAMPLE, 2568, 2)


def test_suppression_counts_and_percents():
    sup = rp.Suppression(5)
    assert [sup.count(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    # percent withheld when numerator, denominator or the gap between them is small
    assert sup.percent(50.0, 3, 6) == "ไม่เปิดเผย"
    assert sup.percent(96.0, 48, 50) == "ไม่เปิดเผย"  # 2 not served would be revealed
    assert sup.percent(60.0, 30, 50) == "60.00%"
    assert sup.percent(0.0, 0, 50) == "0.00%"
    assert sup.percent(float("nan"), 0, 0) == "–"
    assert rp.Suppression(0).count(1) == "1" and rp.Suppression(0).rule_th == ""
    assert "<5" in sup.rule_th


def test_prepared_round_trip(prep, tmp_path):
    path = prep.save(tmp_path / "prepared.json")
    back = Prepared.load(path)
    assert back.period == prep.period
    pd.testing.assert_frame_equal(back.indicators.results.reset_index(drop=True),
                                  prep.indicators.results.reset_index(drop=True),
                                  check_dtype=False)
    assert back.sources == prep.sources
    assert back.to_json() == prep.to_json()


def test_prepared_holds_no_row_level_data(prep):
    text = prep.to_json()
    for needle in ("H000001", "R000001", "8728056931669", "สมศรี"):
        assert needle not in text


def test_headline_from_computed_values(prep):
    kr = KRS["8207"]
    text = rp.headline(prep, kr, "1026").data  # 3 / 4 = 75.00 % in the worked example
    assert "75.00%" in text and "**3**" in text and "**4**" in text
    assert "ยังไม่บรรลุ" in text
    assert "อีกอย่างน้อย **1** คน" in text


def test_headline_suppressed(prep):
    text = rp.headline(prep, KRS["8207"], "1026", suppress_below=5).data
    assert "75.00%" not in text and "<5" in text and "ไม่เปิดเผย" in text


def test_no_cases_statement(prep):
    text = rp.headline(prep, KRS["8207"], "1002").data  # 0 / 0 in the worked example
    assert "no cases this period" in text
    shown = rp.breakdown(prep, KRS["8207"], "1002")
    assert "no cases" in shown.data


def test_rank_and_league(prep):
    kr = KRS["5122"]
    league = rp.league_frame(prep, kr)
    assert len(league) == 50
    # 1022 has 100 %, the highest in Q2 of the worked example
    assert league.iloc[0].scope_code == "1022" and league.iloc[0]["rank"] == 1
    no_cases = league[league.denominator == 0]
    assert no_cases["rank"].isna().all()
    note = rp.rank_note(prep, kr, "1024").data
    assert "อันดับที่ **2**" in note


def test_key_figures_line(prep):
    lines = rp.key_figures(prep, BMA).splitlines()
    assert lines == ["KR 8207 BMA 2568-Q2: 9/16 percent=56.25 met=false",
                     "KR 5122 BMA 2568-Q2: 2/31 percent=6.45 met=false"]


def test_trend_has_every_quarter_to_date(prep):
    t = rp.trend_frame(prep, KRS["8207"], BMA)
    assert t["quarter"].tolist() == [1, 2]
    assert t.iloc[1]["percent"] == 56.25


def test_scope_code_accepts_names_and_codes():
    assert rp.scope_code("bma") == BMA
    assert rp.scope_code("เขตวัฒนา") == "1039"
    assert rp.scope_code("Watthana") == "1039"
    assert rp.scope_code(1001) == "1001"
    with pytest.raises(ValueError):
        rp.scope_code("Nonthaburi")


def test_unavailable_kr_is_explained(tmp_path):
    import shutil

    drop = tmp_path / "drop"
    shutil.copytree(EXAMPLE, drop)
    (drop / "rehab_services.xlsx").chmod(0o644)
    (drop / "rehab_services.xlsx").unlink()
    p = prepare(drop, 2568, 2)
    kr = KRS["5122"]
    assert not rp.available(p, kr)
    assert "unavailable" in rp.headline(p, kr, BMA).data
    assert "rehab_services" in rp.headline(p, kr, BMA).data
    assert "unavailable" in rp.key_figures(p, BMA)


def test_thai_date():
    from datetime import date

    assert rp.thai_date(date(2024, 10, 1)) == "1 ต.ค. 2567"
