"""Peer projects' test cases (tests/peer_cases.py names the sources): PyThaiNLP's
``thai_strptime`` Buddhist-Era cases, what its ``thai_strftime`` writes (weekdays
included) and python-stdnum's Thai PIN examples, read by krlib's parsers and by the
independent reference (tests/reference.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from krlib.clean.parse import parse_citizen_id, parse_citizen_ids, parse_date, parse_event_date

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference as ref  # noqa: E402
from peer_cases import (  # noqa: E402
    CONTRACT_ONLY_VALID,
    PYTHAINLP_BE_CASES,
    PYTHAINLP_NOT_CONTRACT_FORMS,
    PYTHAINLP_STRFTIME_CASES,
    PYTHAINLP_STRFTIME_NOT_CONTRACT,
    STDNUM_INVALID,
    STDNUM_VALID,
)


@pytest.mark.parametrize("text, expected, origin", PYTHAINLP_BE_CASES)
def test_pythainlp_buddhist_era_cases(text, expected, origin):
    assert parse_date(text) == expected, origin
    assert parse_event_date(text) == (expected or "unparseable"), origin
    assert ref.parse_date(text) == expected, origin


def test_pythainlp_table_holds_every_definite_date():
    dates = [c for c in PYTHAINLP_BE_CASES if c[1] is not None]
    assert len(dates) == 15  # 12 golden texts + 3 of the bug ledger


@pytest.mark.parametrize("text, expected, why", PYTHAINLP_NOT_CONTRACT_FORMS)
def test_pythainlp_cases_outside_the_contract(text, expected, why):
    assert parse_date(text) == expected, why
    assert ref.parse_date(text) == expected, why


THAI_WEEKDAYS = {"จ": 0, "อ": 1, "พ": 2, "พฤ": 3, "ศ": 4, "ส": 5, "อา": 6,  # Monday = 0
                 "วันจันทร์": 0, "วันอังคาร": 1, "วันพุธ": 2, "วันพฤหัสบดี": 3, "วันศุกร์": 4,
                 "วันเสาร์": 5, "วันอาทิตย์": 6}


@pytest.mark.parametrize("text, expected, fmt", PYTHAINLP_STRFTIME_CASES)
def test_pythainlp_strftime_output_reads_back(text, expected, fmt):
    assert parse_date(text) == expected, fmt
    assert ref.parse_date(text) == expected, fmt
    first = text.split()[0]
    if first in THAI_WEEKDAYS:  # the table's weekdays are the dates' own (copied right)
        assert THAI_WEEKDAYS[first] == expected.weekday(), text


def test_pythainlp_strftime_table_has_weekdays():
    led = [t for t, _, _ in PYTHAINLP_STRFTIME_CASES if t.split()[0] in THAI_WEEKDAYS]
    assert len(led) == 15  # %A, %a and %+ for the five BE datetimes


@pytest.mark.parametrize("text, expected, why", PYTHAINLP_STRFTIME_NOT_CONTRACT)
def test_pythainlp_strftime_output_outside_the_contract(text, expected, why):
    assert parse_date(text) == expected, why
    assert ref.parse_date(text) == expected, why


def test_stdnum_has_45_valid_numbers():
    assert len(STDNUM_VALID) == 45 == len(set(STDNUM_VALID))


@pytest.mark.parametrize("text", STDNUM_VALID)
def test_stdnum_valid_pins_are_accepted(text):
    digits = "".join(c for c in text if c.isdigit())
    assert parse_citizen_id(text) == digits
    assert ref.parse_citizen_id(text) == (digits, False)


@pytest.mark.parametrize("text, why", STDNUM_INVALID)
def test_stdnum_invalid_pins_are_rejected(text, why):
    assert parse_citizen_id(text) is None, why
    assert ref.parse_citizen_id(text) == (None, True), why


@pytest.mark.parametrize("text, cid", CONTRACT_ONLY_VALID)
def test_first_digits_stdnum_rejects_are_valid_here(text, cid):
    assert parse_citizen_id(text) == cid


def test_vectorised_ids_agree_on_peer_cases():
    texts = STDNUM_VALID + [t for t, _ in STDNUM_INVALID] + [t for t, _ in CONTRACT_ONLY_VALID]
    got = parse_citizen_ids(pd.Series(texts, dtype=object)).tolist()
    assert got == [parse_citizen_id(t) for t in texts]
