"""KR definitions as YAML files: the package's two, validation of a bad file (exit 2,
naming the file and the field), and issue 15's acceptance test: a third KR added by one
file in a ``--krs`` folder appears in every contract CSV, and its numerator equals KR
8207's id_card breakdown."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from krlib.cli import main
from krlib.contract.kr import KRS, PACKAGE_DIR, KRDefinition, load_file, load_krs
from krlib.errors import DefinitionError

ID_CARD_KR = """\
code: "9901"
name_th: ร้อยละของคนไร้บ้านที่ผ่านการตรวจสอบสิทธิได้รับการทำบัตรประจำตัวประชาชน
name_en: Percent of eligible homeless people who had their citizen id card made
target: 50
unit_th: คน
cohort: {table: homeless_registrations, where: {eligibility: passed}}
service: {table: homeless_services, where: {service_type: id_card}}
breakdown: service_type
disaggregations: [sex, age_band, service_point]
texts:
  definition_th: คนไร้บ้านที่ผ่านการตรวจสอบสิทธิได้รับการทำบัตรประจำตัวประชาชน
  numerator_th: จำนวนคนไร้บ้านที่ได้รับการทำบัตรประจำตัวประชาชน
  denominator_th: จำนวนคนไร้บ้านที่ลงทะเบียนและผ่านการตรวจสอบสิทธิ
  breakdown_th: ประเภทสวัสดิการ
host_unit: สำนักพัฒนาสังคม
supporting_units: []
"""


def test_package_definitions():
    assert list(KRS) == ["8207", "5122"]  # report order (krs/order.yaml)
    k = KRS["8207"]
    assert isinstance(k, KRDefinition)
    assert (k.cohort_table, k.service_table, k.breakdown, k.dimension) == (
        "homeless_registrations", "homeless_services", "service_type", "service_type")
    assert k.cohort_where == {"eligibility": ("passed",)} and k.service_where == {}
    assert k.target == 100 and k.disaggregations == ("sex", "age_band", "service_point")
    assert k.categories["id_card"] == "การทำบัตรประจำตัวประชาชน" and "other" in k.categories
    r = KRS["5122"]
    assert (r.cohort_where, r.target, r.breakdown) == ({}, 10, "domain")
    assert list(r.categories) == ["family_community", "welfare", "education", "health"]
    assert r.supporting_units == ("สำนักงานเขต 50 เขต", "สำนักอนามัย")
    assert sorted(p.name for p in PACKAGE_DIR.glob("*.yaml")) == [
        "5122.yaml", "8207.yaml", "order.yaml"]


def test_definition_round_trips_through_a_dict():
    for kr in KRS.values():
        assert KRDefinition.from_dict(kr.to_dict()) == kr


def _write(folder: Path, text: str, name: str = "9901.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extra_folder_adds_a_kr(tmp_path):
    _write(tmp_path / "krs", ID_CARD_KR)
    krs = load_krs([tmp_path / "krs"])
    assert list(krs) == ["8207", "5122", "9901"]
    k = krs["9901"]
    assert k.service_where == {"service_type": ("id_card",)}
    assert list(k.categories) == ["id_card"]  # the breakdown narrowed to the filter


@pytest.mark.parametrize("change, field", [
    (("target: 50", "target: 150"), "target"),
    (("target: 50", "target: ครึ่งหนึ่ง"), "target"),
    (("{table: homeless_registrations,", "{table: homeless_regs,"), "cohort.table"),
    (("where: {eligibility: passed}", "where: {eligibility: yes}"), "cohort.where.eligibility"),
    (("where: {eligibility: passed}", "where: {district: '1001'}"), "cohort.where.district"),
    (("service_type: id_card}", "service_type: passport}"), "service.where.service_type"),
    (("{table: homeless_services, where: {service_type: id_card}}", "{table: rehab_services}"),
     "service.table"),
    (("{table: homeless_services,", "{table: rehab_services,"), "service.where.service_type"),
    (("breakdown: service_type", "breakdown: reg_id"), "breakdown"),
    (("[sex, age_band, service_point]", "[sex, religion]"), "disaggregations"),
    (("[sex, age_band, service_point]", "[sex, source]"), "disaggregations"),
    (("unit_th: คน", "unit: คน"), "unit"),
    (("  breakdown_th: ประเภทสวัสดิการ", "  title_th: x"), "texts.title_th"),
    (('code: "9901"\n', ""), "code"),
])
def test_a_bad_definition_names_file_and_field(tmp_path, change, field):
    old, new = change
    assert old in ID_CARD_KR
    path = _write(tmp_path, ID_CARD_KR.replace(old, new))
    with pytest.raises(DefinitionError) as err:
        load_file(path)
    assert err.value.field == field
    assert str(path) in str(err.value) and f"field '{field}'" in str(err.value)


def test_not_yaml_and_duplicate_code(tmp_path):
    path = _write(tmp_path / "a", "code: [unclosed\n")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        load_file(path)
    dup = _write(tmp_path / "b", ID_CARD_KR.replace('code: "9901"', 'code: "8207"'))
    with pytest.raises(DefinitionError, match="already defined") as err:
        load_krs([tmp_path / "b"])
    assert err.value.path == dup
    with pytest.raises(DefinitionError, match="not found"):
        load_krs([tmp_path / "nowhere"])


def test_cli_bad_definition_exits_2_with_one_line(tmp_path, capsys, contract_example):
    _write(tmp_path / "krs", ID_CARD_KR.replace("target: 50", "target: -1"))
    code = main(["indicators", "--data", str(contract_example / "drop"), "--fiscal-year", "2568",
                 "--quarter", "2", "--out", str(tmp_path / "out"), "--krs",
                 str(tmp_path / "krs")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "9901.yaml" in err and "field 'target'" in err


def test_report_takes_krs_and_stops_on_a_bad_file(tmp_path, capsys, contract_example):
    _write(tmp_path / "krs", ID_CARD_KR.replace("breakdown: service_type", "breakdown: x"))
    code = main(["report", "--data", str(contract_example / "drop"), "--fiscal-year", "2568",
                 "--quarter", "2",
                 "--out", str(tmp_path / "out"), "--krs", str(tmp_path / "krs"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "field 'breakdown'" in err
    assert not (tmp_path / "out").exists()  # stopped before any work


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from krlib.demo import write_demo_drop

    out = tmp_path_factory.mktemp("krdemo")
    write_demo_drop(out, seed=31, scale=0.4, fmt="csv")
    return out


def test_a_third_kr_from_one_file(demo, tmp_path):
    """Issue 15, done when: the id-card KR's figures in every contract CSV."""
    _write(tmp_path / "krs", ID_CARD_KR)
    out = tmp_path / "out"
    assert main(["indicators", "--data", str(demo), "--fiscal-year", "2568", "--quarter", "3",
                 "--out", str(out), "--krs", str(tmp_path / "krs"), "--quiet"]) == 0
    results = [r for r in _csv(out / "kr_results.csv") if r["kr_code"] == "9901"]
    assert len(results) == 51 and {r["target"] for r in results} == {"50"}
    breakdown = _csv(out / "kr_breakdown.csv")
    id_card = {r["scope_code"]: int(r["persons"]) for r in breakdown
               if r["kr_code"] == "8207" and r["category"] == "id_card"}
    for r in results:  # numerator = KR 8207's id_card breakdown, scope by scope
        assert int(r["numerator"]) == id_card.get(r["scope_code"], 0), r["scope_code"]
    bma = next(r for r in results if r["scope_code"] == "BMA")
    base = next(r for r in _csv(out / "kr_results.csv")
                if r["kr_code"] == "8207" and r["scope_code"] == "BMA")
    assert bma["denominator"] == base["denominator"] and 0 < int(bma["numerator"])
    mine = [r for r in breakdown if r["kr_code"] == "9901"]
    assert mine and {r["category"] for r in mine} == {"id_card"}
    assert {r["persons"] for r in mine if r["scope_code"] == "BMA"} == {bma["numerator"]}
    disagg = [r for r in _csv(out / "kr_disaggregation.csv") if r["kr_code"] == "9901"]
    assert {r["dimension"] for r in disagg} == {"sex", "age_band", "service_point"}
    bma_sex = [r for r in disagg if r["scope_code"] == "BMA" and r["dimension"] == "sex"]
    assert sum(int(r["numerator"]) for r in bma_sex) == int(bma["numerator"])
    timely = [r for r in _csv(out / "kr_timeliness.csv") if r["kr_code"] == "9901"]
    assert len(timely) == 51
    t = next(r for r in timely if r["scope_code"] == "BMA")
    assert int(t["served"]) == int(bma["numerator"])
    assert int(t["waiting"]) == int(bma["denominator"]) - int(bma["numerator"])


def test_prepared_json_carries_the_definitions(demo, tmp_path):
    from krlib.compute.prepare import Prepared, prepare

    _write(tmp_path / "krs", ID_CARD_KR)
    prep = prepare(demo, 2568, 2, krs_dirs=[tmp_path / "krs"])
    assert list(prep.krs) == ["8207", "5122", "9901"]
    back = Prepared.load(prep.save(tmp_path / "prepared.json"))
    assert back.krs == prep.krs
    assert back.method == {"cumulative": True, "rounding": "half_up"}
    for kind in ("results", "breakdown", "disaggregation", "timeliness"):
        a, b = getattr(prep.indicators, kind), getattr(back.indicators, kind)
        assert len(a) == len(b) > 0, kind
        assert a.astype(str).values.tolist() == b.astype(str).values.tolist(), kind
    assert back.to_json() == prep.to_json()
