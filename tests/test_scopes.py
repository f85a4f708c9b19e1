"""The one scope resolver (krlib.contract.scopes.resolve_scope): every entry point reads a
district or Bangkok the same way and refuses the same values with the same message."""

from __future__ import annotations

import pytest

from krlib.contract.scopes import BMA, UNKNOWN, resolve_scope, resolve_scopes
from krlib.errors import OptionError


@pytest.mark.parametrize("value", [1039, "1039", " 1039 ", "วัฒนา", "เขตวัฒนา", "Watthana",
                                   "watthana district", "Khet Watthana", "๑๐๓๙"])
def test_a_district_in_any_written_form(value):
    assert resolve_scope(value) == "1039"


@pytest.mark.parametrize("value", ["BMA", "bma", "กทม.", "กทม", "กรุงเทพมหานคร", "Bangkok"])
def test_bangkok_as_a_whole(value):
    assert resolve_scope(value) == BMA


def test_bangkok_refused_where_one_district_is_needed():
    with pytest.raises(OptionError, match="needs one district"):
        resolve_scope("กทม.", option="--district", bma=False)


def test_unknown_only_where_allowed():
    assert resolve_scope("unknown", unknown=True) == UNKNOWN
    assert resolve_scope("ไม่ทราบเขต", unknown=True) == UNKNOWN
    with pytest.raises(OptionError, match="BMA only"):
        resolve_scope("unknown")


@pytest.mark.parametrize("value", ["บางลัก", "", None, True, "1051", "10390"])
def test_bad_values_are_one_line_with_the_option_named(value):
    with pytest.raises(OptionError) as err:
        resolve_scope(value, option="--district")
    msg = str(err.value)
    assert msg.startswith("--district") and "\n" not in msg and " / " in msg
    assert "DOPA code 1001-1050" in msg


def test_a_misspelt_district_gets_the_close_name():
    with pytest.raises(OptionError, match="บางรัก"):
        resolve_scope("บางลัก")


def test_lists_all_and_order():
    assert resolve_scopes("all")[-1] == BMA and len(resolve_scopes("all")) == 51
    assert resolve_scopes("BMA, 1039,วัฒนา,1001") == ["1001", "1039", BMA]
    assert resolve_scopes(["กทม.", 1002]) == ["1002", BMA]
    with pytest.raises(OptionError, match="empty"):
        resolve_scopes(" , ")


def _message(fn) -> str:
    with pytest.raises(OptionError) as err:
        fn()
    return str(err.value)


def test_every_entry_point_uses_the_one_resolver(tmp_path, capsys):
    """CLI --district, a params file, the worklist, the API and the report view."""
    from krlib.batch.options import check
    from krlib.cli import main
    from krlib.report.view import ReportView

    expected = "ไม่รู้จักเขต / unknown district (ใกล้เคียง / did you mean 'บางรัก'?)"
    assert expected in _message(lambda: check("district", "บางลัก", "--district"))
    assert expected in _message(lambda: check("district", ["1001", "บางลัก"], "p.yaml: district"))
    assert expected in _message(lambda: resolve_scope("บางลัก", option="district"))
    code = main(["worklist", "--data", str(tmp_path), "--fiscal-year", "2568", "--quarter", "2",
                 "--kr", "8207", "--district", "บางลัก", "--out", str(tmp_path / "w.csv")])
    assert code == 2 and expected in capsys.readouterr().err
    # the report notebook's parameter, refused before the drop is read
    assert expected in _message(lambda: ReportView.load(str(tmp_path / "none"), 2568, 2, "บางลัก"))
