"""Shared test helpers: write a small data drop from rows given inline in a test.

``make_drop(homeless_registrations=[header, row, ...], ...)`` writes one CSV per table
into a fresh folder under ``tmp_path`` and returns the folder. Rows are lists of cells
(the first row is the header, written as given: Thai, English, title rows, anything) or
dicts (the header is every key, in order of first appearance; absent keys are empty).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

#: The contract's worked example (a drop and the expected outputs for 2568-Q2 and -Q4),
#: copied from ../shared/contract/example so the suite runs in any clone;
#: tests/test_fixtures.py checks the copy against the shared one when it is there.
CONTRACT_EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example"
SHARED_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "contract" / "example"


#: Valid citizen ids (check digits worked out in test_parse.py).
VALID_A = "1101700203450"
VALID_B = "3434943068961"
#: The homeless_registrations header the hand-worked drops use.
REG_COLUMNS = ["reg_id", "citizen_id", "sex", "birth_date", "district", "registered_on",
               "eligibility", "service_point"]


def csv_text(rows: list) -> str:
    """CSV text of rows given as lists (header first) or as dicts."""
    if rows and isinstance(rows[0], dict):
        header: list[str] = []
        for r in rows:
            header += [k for k in r if k not in header]
        rows = [header] + [[r.get(k, "") for k in header] for r in rows]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: list, encoding: str = "utf-8") -> Path:
    """Write rows to ``path`` in ``encoding`` (``utf-8``, ``utf-8-sig`` or ``cp874``)."""
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


@pytest.fixture
def make_drop(tmp_path):
    """A function writing tables (keyword = table name) as CSVs into a new drop folder."""
    counter = iter(range(1_000_000))

    def make(*, encoding: str = "utf-8", **tables: list) -> Path:
        folder = tmp_path / f"drop{next(counter)}"
        folder.mkdir()
        for table, rows in tables.items():
            write_csv(folder / f"{table}.csv", rows, encoding)
        return folder

    return make


@pytest.fixture
def contract_example() -> Path:
    """The contract's worked example folder (``drop/``, ``expected-2568-Q2/``, ...)."""
    if not CONTRACT_EXAMPLE.is_dir():
        pytest.fail(f"contract example not found at {CONTRACT_EXAMPLE}")
    return CONTRACT_EXAMPLE


# --- the fast run (make test-fast, -m "not slow") -------------------------------------------

#: Set by pytest_configure: True when the run deselects the slow tests (``-m "not slow"``).
FAST_RUN = False
#: Hypothesis examples in the fast run are this fraction of the full run's (make test).
FAST_EXAMPLES_DIVISOR = 4


def pytest_configure(config) -> None:
    global FAST_RUN
    FAST_RUN = "not slow" in (config.getoption("markexpr", "") or "")


def examples(n: int) -> int:
    """``max_examples`` for a property test: ``n`` in make test, a quarter in make test-fast.

    The fast run is the analysts' loop after every edit; the full run keeps full strength."""
    return max(3, n // FAST_EXAMPLES_DIVISOR) if FAST_RUN else n


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """A test that needs Chromium is slow too: make test-fast runs no browser."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_drop_21(tmp_path_factory) -> Path:
    """A small demo drop (seed 21, scale 0.2, CSV), written once per session (read-only)."""
    from krlib.demo import write_demo_drop

    out = tmp_path_factory.mktemp("demo21")
    write_demo_drop(out, seed=21, scale=0.2, fmt="csv")
    return out
