"""Thai fiscal years, quarters and the cumulative (fiscal-year-to-date) window."""

from __future__ import annotations

from datetime import date

import pytest

from krlib.contract.periods import Period, parse_period
from krlib.errors import OptionError


@pytest.mark.parametrize("quarter, end", [
    (1, date(2024, 12, 31)),
    (2, date(2025, 3, 31)),
    (3, date(2025, 6, 30)),
    (4, date(2025, 9, 30)),
])
def test_fy2568_windows_start_on_1_october_2024(quarter, end):
    p = Period(2568, quarter)
    assert p.start == date(2024, 10, 1)  # cumulative: always the fiscal year's first day
    assert p.fy_start == date(2024, 10, 1)
    assert p.end == end


@pytest.mark.parametrize("quarter, first", [
    (1, date(2024, 10, 1)), (2, date(2025, 1, 1)), (3, date(2025, 4, 1)), (4, date(2025, 7, 1)),
])
def test_quarter_first_days(quarter, first):
    assert Period(2568, quarter).quarter_start == first


def test_other_fiscal_years():
    assert Period(2567, 1).start == date(2023, 10, 1)
    assert Period(2567, 4).end == date(2024, 9, 30)
    assert Period(2567, 2).end == date(2024, 3, 31)
    assert Period(2569, 2).end == date(2026, 3, 31)


@pytest.mark.parametrize("fy, q", [(2568, 0), (2568, 5), (2568, -1), (2568, 7),
                                   (1999, 1), (2024, 2), (0, 1)])
def test_bad_periods_raise_option_error(fy, q):
    with pytest.raises(OptionError):
        Period(fy, q)


def test_labels():
    assert Period(2568, 2).label == "2568-Q2"
    assert Period(2567, 4).label == "2567-Q4"


@pytest.mark.parametrize("text, expected", [
    ("2568-Q2", Period(2568, 2)),
    ("2568Q4", Period(2568, 4)),
    (" 2568-q1 ", Period(2568, 1)),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2568", "Q2", "2568-Q", "2568-Q5", "1999-Q1", "abc", ""])
def test_parse_period_rejects(text):
    with pytest.raises(OptionError):
        parse_period(text)


def test_quarters_to_date():
    assert Period(2568, 3).quarters_to_date() == [Period(2568, 1), Period(2568, 2),
                                                  Period(2568, 3)]
