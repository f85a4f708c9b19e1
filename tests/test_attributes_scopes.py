"""Person-attribute parsers (sex, source, service point, birth date), the scopes module,
and the exception family's exit codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from krlib.clean import parse
from krlib.contract import scopes
from krlib.contract.schema import DIMENSIONS, TABLES, category_order
from krlib.errors import DefinitionError, InputError, KrlibError, OptionError, SetupError

END = date(2025, 3, 31)


@pytest.mark.parametrize("text, key", [
    ("ชาย", "male"), ("ช", "male"), ("M", "male"), ("m", "male"), ("Male", "male"),
    ("หญิง", "female"), ("ญ", "female"), ("F", "female"), ("FEMALE", "female"),
    ("ไม่ระบุ", "unspecified"), ("", "unspecified"), ("-", "unspecified"),
    ("ไม่ทราบ", "unspecified"), ("ชายหญิง", "unspecified")])
def test_sex(text, key):
    assert parse.parse_sex(text) == key


@pytest.mark.parametrize("text, key", [
    ("ศูนย์คัดกรอง", "screening_centre"), ("ศูนย์ คัดกรอง", "screening_centre"),
    ("screening_centre", "screening_centre"), ("Health_Centre", "health_centre"),
    ("สถานฟื้นฟูสมรรถภาพผู้ติดยาเสพติด", "rehab_facility"), ("CBTx", "cbtx"),
    ("สถานพยาบาล", "hospital"), ("", "unspecified"), ("-", "unspecified"),
    ("อสม.", "other"), ("โรงพยาบาลเอกชน", "other")])
def test_source(text, key):
    assert parse.parse_source(text) == key


def test_service_point():
    assert parse.parse_service_point("ศูนย์  drop-in   หัวลำโพง") == "ศูนย์ drop-in หัวลำโพง"
    assert parse.parse_service_point("-") == parse.parse_service_point("") == "unspecified"


@pytest.mark.parametrize("text, born", [
    ("15/10/93", date(1950, 10, 15)),  # BE 2593 would be after W: 2493
    ("15/10/67", date(2024, 10, 15)),  # BE 2567 is not after W
    ("15/10/68", date(1925, 10, 15)),  # BE 2568-10-15 is after 2025-03-31
    ("31/3/68", date(2025, 3, 31)),  # the last day of W itself is not after it
    ("15 ต.ค. 93", date(1950, 10, 15)), ("๑๕/๑๐/๙๓", date(1950, 10, 15)),
    ("1/1/2500", date(1957, 1, 1)), ("2001-01-01", date(2001, 1, 1)),
    ("29/2/43", date(2000, 2, 29)), ("", None), ("-", None), ("ไม่ทราบ", None),
    ("31/02/2530", None)])
def test_birth_date(text, born):
    assert parse.parse_birth_date(text, END) == born


def test_birth_date_two_digit_day_that_does_not_exist_a_century_earlier():
    # 29 Feb 2000 (BE 2543) is after a window ending 1999-12-31; 29 Feb 1900 does not exist
    assert parse.parse_birth_date("29/2/43", date(1999, 12, 31)) is None


def test_schema_holds_the_cleaning_rules():
    domain = TABLES["rehab_services"].column("domain")
    assert (domain.parser, domain.reject) == ("parse_domain", "invalid_domain")
    assert parse.parser_for(domain)("๒") == "welfare"
    st = TABLES["homeless_services"].column("service_type")
    assert parse.parser_for(st) is parse.parse_welfare_type and st.flags == {
        "other": "other_service_type"}
    assert [c.name for c in TABLES["homeless_registrations"].categories] == [
        "sex", "eligibility", "service_point"]
    assert [c.name for c in TABLES["rehab_referrals"].categories] == ["sex", "source"]
    assert parse.parser_for(TABLES["rehab_referrals"].column("source"))("-") == "unspecified"
    assert list(DIMENSIONS) == ["sex", "age_band", "service_point", "source"]


def test_category_order():
    assert category_order(DIMENSIONS["sex"].vocabulary, ["unspecified", "female", "male"]) == [
        "male", "female", "unspecified"]
    assert category_order(DIMENSIONS["service_point"].vocabulary,
                          ["unspecified", "ข", "ก"]) == ["ก", "ข", "unspecified"]
    assert category_order(DIMENSIONS["source"].vocabulary,
                          ["unspecified", "other", "cbtx", "hospital"]) == [
        "hospital", "cbtx", "other", "unspecified"]


def test_scopes():
    s = scopes.scopes()
    assert len(s) == scopes.DISTRICT_COUNT + 1 == 51
    assert list(s.scope_code[:2]) == ["1001", "1002"] and s.scope_code.iloc[-1] == scopes.BMA
    assert scopes.scope_name_th("1001") == "เขตพระนคร"
    assert scopes.scope_name_th(scopes.BMA) == "กรุงเทพมหานคร"
    assert scopes.scope_name_th(scopes.UNKNOWN) == "ไม่ทราบเขต"
    assert scopes.scope_order()["BMA"] == 50 and scopes.DISTRICTS_TH == "50 เขต"
    with pytest.raises(KeyError):
        scopes.scope_name_th("1051")
    s.loc[0, "scope_code"] = "x"  # a copy: the module's table stays as it is
    assert scopes.scopes().scope_code.iloc[0] == "1001"


def test_exception_family():
    for err in (InputError("f.csv", "ก", "a"), OptionError("x"),
                DefinitionError("k.yaml", "target", "ก", "a")):
        assert isinstance(err, KrlibError) and err.exit_code == 2
    assert issubclass(SetupError, KrlibError) and SetupError("x").exit_code == 4
    assert str(DefinitionError(Path("k.yaml"), "target", "ก", "a")) == (
        "k.yaml, field 'target': ก / a")


def test_missing_pdftotext_is_a_setup_error(tmp_path, monkeypatch):
    from krlib.outputs import privacy

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    monkeypatch.setattr(privacy.shutil, "which", lambda name: None)
    with pytest.raises(SetupError, match="pdftotext"):
        privacy.file_text(pdf)
