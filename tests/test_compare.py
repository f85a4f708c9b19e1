"""The end-to-end comparison's failure message: scope, column, expected, got, no ANSI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from compare import assert_same_rows, differences  # noqa: E402

ROW = {"kr_code": "8207", "fiscal_year": "2568", "quarter": "2", "scope_code": "1001",
       "numerator": "5", "denominator": "8", "percent": "62.50"}


def test_equal_tables_pass():
    assert differences([dict(ROW)], [dict(ROW)]) == []
    assert_same_rows([dict(ROW)], [dict(ROW)])


def test_a_wrong_cell_names_scope_column_expected_and_got():
    got = [dict(ROW, numerator="6", percent="75.00")]
    with pytest.raises(AssertionError) as info:
        assert_same_rows(got, [ROW], "kr_results")
    text = str(info.value)
    assert ("kr_results: scope 1001, KR 8207, 2568-Q2: column 'numerator': expected '5', "
            "got '6'") in text
    assert "column 'percent': expected '62.50', got '75.00'" in text
    assert "\x1b[" not in text


def test_missing_extra_and_reordered_rows():
    other = dict(ROW, scope_code="BMA")
    assert differences([ROW], [ROW, other])[0].startswith("table: scope BMA, KR 8207")
    assert "unexpected row" in differences([ROW, other], [ROW])[0]
    assert differences([other, ROW], [ROW, other]) == ["table: same rows in a different order"]
