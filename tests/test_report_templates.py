"""The report's markup lives in Jinja templates (issue 23): autoescaped, and its Thai
sentences free of the wording defects of issue 24, item 15."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from krlib.compute.prepare import Prepared, prepare
from krlib.report import view as rp
from krlib.report.markup import environment

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"
HOSTILE = "<script>alert(1)</script>"
#: Issue 24, item 15: none of these may appear in a report's text.
DEFECTS = ("ยังมีผู้ที่ยังไม่ได้รับบริการ", "ลงเอย", "อย่างใดอย่างหนึ่ง", "ครั้งแรกในช่วงเวลา",
           "ประเภทการฟื้นฟู")


@pytest.fixture(scope="module")
def prep() -> Prepared:
    return prepare(EXAMPLE, 2568, 2)


def _page(prep: Prepared, scope: str, **kw: object) -> str:
    v = rp.ReportView(prep, scope, rp.Suppression(0), **kw)  # type: ignore[arg-type]
    parts = [rp.summary(v), *rp.quality_section(v), rp.signoff(v),
             rp.provenance(v, {"district": scope})]
    for kr in v.krs.values():
        parts += rp.kr_section(v, kr)
    return "\n".join(p.data for p in parts)


def test_environment_is_one_strict_autoescaped_environment():
    env = environment()
    assert env is environment() and env.autoescape is True
    assert env.get_template("signoff.html.j2") is not None


def test_hostile_values_from_input_are_escaped(prep):
    page = _page(prep, "BMA", data_name=HOSTILE,
                 signoff={"prepared_by": {"name": HOSTILE, "position": HOSTILE}})
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page
    prep.sources[0] = {**prep.sources[0], "file": HOSTILE}
    assert HOSTILE not in rp.provenance(rp.ReportView(prep, "BMA")).data


@pytest.mark.parametrize("scope", ["BMA", "1001"])
def test_report_text_has_no_wording_defect(prep, scope):
    text = re.sub(r"<[^>]+>", "", _page(prep, scope))
    for bad in DEFECTS:
        assert bad not in text, bad
    assert not re.search(r"–\s*วัน", text)  # no unit after a dash
