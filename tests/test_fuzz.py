"""Fuzzing the readers and cleaners: whatever the bytes or cells, a file either fails with
one clear InputError, or every row is kept, collapsed or rejected, and totals reconcile."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krlib.clean.tables import clean_drop
from krlib.contract.schema import TABLES
from krlib.errors import InputError
from krlib.read.drop import read_table

FUZZ = settings(max_examples=examples(60), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Cells: plausible values, garbage, odd Unicode (combining marks, RTL, emoji, NUL-free
# control characters, zero-width joiners), Thai digits and huge cells.
plausible = st.sampled_from([
    "", " ", "-", "H1", "H2", "R1", "R2", "ผ่าน", "ไม่ผ่าน", "passed", "1001", "เขตบางรัก",
    "bang-rak", "2567-10-15", "15/10/2567", "15 ต.ค. 2567", "๑๕/๑๐/๒๕๖๗", "05/07/67",
    "31/02/2567", "food", "ห้องสุขา", "1", "๔", "ด้านการศึกษา", "3-4349-43068-96-1",
    "ไม่มีบัตร", "0000000000000", "1999-12-31", "2101-01-01",
])
weird = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="\x00"), max_size=40)
huge = st.builds(lambda c, n: c * n, st.sampled_from(["ก", "9", "x", " "]),
                 st.integers(1000, 20000))
cell = st.one_of(plausible, plausible, weird, huge)


def _write(tmp_path, table: str, rows: list[list[str]], encoding: str) -> object:
    spec = TABLES[table]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(spec.names)
    w.writerows(rows)
    path = tmp_path / f"{table}.csv"
    data = buf.getvalue()
    if encoding == "cp874":
        path.write_bytes(data.encode("cp874", errors="replace"))
    else:
        path.write_bytes(data.encode(encoding))
    return path


@FUZZ
@given(data=st.binary(max_size=4000))
def test_random_bytes_never_crash(tmp_path, data):
    path = tmp_path / "homeless_services.csv"
    path.write_bytes(data)
    try:
        raw = read_table(path, TABLES["homeless_services"])
    except InputError as exc:
        assert "homeless_services.csv" in str(exc) and "\n" not in str(exc)
        return
    account = clean_drop({"homeless_services": raw}).accounts["homeless_services"]
    assert account.reconciles


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_xlsx_never_crash(tmp_path, data):
    path = tmp_path / "rehab_services.xlsx"
    path.write_bytes(b"PK\x03\x04" + data)
    with pytest.raises(InputError):
        read_table(path, TABLES["rehab_services"])


def rows_for(table: str):
    width = len(TABLES[table].names)
    return st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=25)


@FUZZ
@given(reg=rows_for("homeless_registrations"), svc=rows_for("homeless_services"),
       ref=rows_for("rehab_referrals"), reh=rows_for("rehab_services"),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp874"]))
def test_random_cells_every_row_accounted(tmp_path, reg, svc, ref, reh, encoding):
    raws = {}
    for table, rows in (("homeless_registrations", reg), ("homeless_services", svc),
                        ("rehab_referrals", ref), ("rehab_services", reh)):
        path = _write(tmp_path, table, rows, encoding)
        try:
            raws[table] = read_table(path, TABLES[table])
        except InputError as exc:  # e.g. every row blank -> header only
            assert "\n" not in str(exc)
    clean = clean_drop(raws)
    for account in clean.accounts.values():
        assert account.reconciles, account
        assert account.rejected == len(account.rejected_rows)
    from krlib.compute.indicators import compute
    from krlib.contract.periods import Period

    ind = compute(clean, Period(2568, 1))
    for _, r in ind.results.iterrows():
        assert 0 <= r.numerator <= r.denominator
