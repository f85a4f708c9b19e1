"""The scopes a KR is reported for: the 50 Bangkok districts and Bangkok as a whole.

One place for the district list (DOPA codes 1001-1050 and names, from geothai), the
Bangkok-wide scope ``BMA``, the ``unknown`` district of records whose district cannot
be read (counted in Bangkok only), their Thai names and the order scopes are written in.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

BMA = "BMA"  # scope_code of Bangkok as a whole
BANGKOK_TH = "กรุงเทพมหานคร"
UNKNOWN = "unknown"  # district of a record whose district is not a Bangkok district
UNKNOWN_TH = "ไม่ทราบเขต"
DISTRICT_COUNT = 50
DISTRICTS_TH = f"{DISTRICT_COUNT} เขต"
DISTRICT_OFFICES_TH = f"สำนักงานเขต {DISTRICTS_TH}"


@cache
def districts() -> pd.DataFrame:
    """The 50 Bangkok districts from geothai, in DOPA code order: code, name_th, name_en."""
    import geothai

    rows = sorted((d.code, d.name_th, d.name_en) for d in geothai.districts("10"))
    out = pd.DataFrame(rows, columns=["code", "name_th", "name_en"])
    assert len(out) == DISTRICT_COUNT, "geothai must list the 50 Bangkok districts"
    return out


def district_codes() -> list[str]:
    return list(districts()["code"])


@cache
def _scopes() -> pd.DataFrame:
    d = districts()
    rows = pd.DataFrame({"scope_code": d["code"], "scope_name_th": d["name_th"]})
    bma = pd.DataFrame({"scope_code": [BMA], "scope_name_th": [BANGKOK_TH]})
    return pd.concat([rows, bma], ignore_index=True)


def scopes() -> pd.DataFrame:
    """Every reported scope: the 50 districts (DOPA code order), then ``BMA``."""
    return _scopes().copy()


@cache
def scope_order() -> dict[str, int]:
    """Scope code -> its position in :func:`scopes` (the row order of every output)."""
    return {code: i for i, code in enumerate(_scopes()["scope_code"])}


def scope_name_th(code: str) -> str:
    """Thai name of a district code, ``BMA`` or ``unknown``; KeyError for anything else."""
    if code == UNKNOWN:
        return UNKNOWN_TH
    hit = _scopes().loc[_scopes()["scope_code"] == code, "scope_name_th"]
    if hit.empty:
        raise KeyError(code)
    return str(hit.iloc[0])
