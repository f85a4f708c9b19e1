"""The scopes a KR is reported for: the 50 Bangkok districts and Bangkok as a whole.

One place for the district list (DOPA codes 1001-1050 and names, from geothai), the
Bangkok-wide scope ``BMA``, the ``unknown`` district of records whose district cannot
be read (counted in Bangkok only), their Thai names and the order scopes are written in.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from krlib.thai import TO_ASCII_DIGITS

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


# --- district names in every form the contract accepts ---------------------------------

#: English spellings seen in BMA exports that differ from geothai's official ones.
DISTRICT_ALIASES: dict[str, str] = {
    "watthana": "1039", "wattana": "1039",
    "thonburi": "1015",
    "pathumwan": "1007", "patumwan": "1007",
    "ratchatewi": "1037", "rajthevi": "1037", "ratchathewee": "1037",
    "khlongtoey": "1033", "klongtoei": "1033", "klongtoey": "1033",
    "sathorn": "1028",
    "jatujak": "1030", "chatujak": "1030",
    "pomprapsattruphai": "1008", "pompprap": "1008", "pomprab": "1008", "pomprap": "1008",
    "sampanthawong": "1013",
    "ladprao": "1038", "latprao": "1038",
    "ladkrabang": "1011",
    "donmuang": "1036",
    "bangsue": "1029", "bangsu": "1029",
    "huaykwang": "1017", "huaikwang": "1017",
    "yannawa": "1012",
    "taweewattana": "1048", "thawiwatthana": "1048",
    "ratburana": "1024", "radburana": "1024",
    "bangplad": "1025",
    "bungkum": "1027", "buengkum": "1027",
    "wangthonglang": "1045", "wangtonglang": "1045",
    "saimai": "1042",
    "khannayao": "1043", "kannayao": "1043",
    "phasicharoen": "1022", "pasicharoen": "1022",
    "bangkhunthian": "1021", "bangkhuntien": "1021",
}
_DISTRICT_NOISE = re.compile(r"[\s\-_.']")
_DISTRICT_PREFIX = re.compile(r"^(สำนักงานเขต|เขต|khet)")  # the office (สำนักงานเขต) first


def district_key(text: str) -> str:
    """Case, spaces, hyphens, the prefix สำนักงานเขต / เขต / khet and the suffix
    'district' do not matter."""
    t = _DISTRICT_NOISE.sub("", text.translate(TO_ASCII_DIGITS).lower())
    t = _DISTRICT_PREFIX.sub("", t)
    return re.sub(r"district$", "", t)


@cache
def _district_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, name_th, name_en in districts().itertuples(index=False):
        lookup[code] = code
        lookup[f"th{code}"] = code  # the OCHA / RTSD P-code of the boundary file, TH1001
        lookup[district_key(name_th)] = code
        lookup[district_key(name_en)] = code
    for alias, code in DISTRICT_ALIASES.items():
        lookup.setdefault(alias, code)
    return lookup


def district_code(text: str) -> str | None:
    """DOPA code 1001-1050 of a district written in any accepted form; None if unknown.

    The Thai name (เขตบางรัก, บางรัก, สำนักงานเขตบางรัก), the English one (Bang Rak,
    Khet Bang Rak, Bang Rak District, common variants), the DOPA code or the P-code
    (TH1004).
    """
    return _district_lookup().get(district_key(text))


# --- the one scope resolver -----------------------------------------------------------

#: How people write Bangkok as a whole (matched ignoring case and surrounding spaces).
BMA_NAMES = frozenset({"bma", "กทม", "กทม.", "กรุงเทพมหานคร", "กรุงเทพฯ", "กรุงเทพ", "bangkok"})
UNKNOWN_NAMES = frozenset({UNKNOWN, UNKNOWN_TH})


def _suggestion(text: str) -> str:
    """`` (did you mean 'บางรัก'?)`` for a close district name, else ``""``."""
    import difflib

    d = districts()
    names = [*d["name_th"], *(n.removeprefix("เขต") for n in d["name_th"]), *d["name_en"]]
    hit = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    return f" (ใกล้เคียง / did you mean {hit[0]!r}?)" if hit else ""


def resolve_scope(value: object, *, option: str = "district", bma: bool = True,
                  unknown: bool = False) -> str:
    """The scope code of one district or of Bangkok as a whole, however it is written.

    Accepts a DOPA code (``1039``, ``"1039"``), a Thai or English district name in any form
    the data rules read (``บางรัก``, ``เขตบางรัก``, ``Bang Rak``), and, when ``bma``,
    Bangkok as a whole (``BMA``, ``กทม.``, ``กรุงเทพมหานคร``); ``unknown`` / ``ไม่ทราบเขต``
    only when ``unknown``. Anything else is one :class:`~krlib.errors.OptionError` naming
    ``option`` (the command-line option or the parameter the value came from), what is
    allowed and, when there is one, the closest district name.

    >>> resolve_scope(1039), resolve_scope("กทม.")
    ('1039', 'BMA')
    """
    from krlib.errors import OptionError

    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    allowed = "DOPA code 1001-1050, district name" + (", BMA / กทม." if bma else "")
    if text.lower() in BMA_NAMES:
        if bma:
            return BMA
        raise OptionError(f"{option} {text}: ต้องเป็นเขตเดียว ไม่ใช่ทั้งกรุงเทพมหานคร / needs one "
                          f"district, not Bangkok as a whole: give a {allowed}")
    if text.lower() in UNKNOWN_NAMES:
        if unknown:
            return UNKNOWN
        raise OptionError(f"{option} {text}: {UNKNOWN_TH}ไม่ใช่พื้นที่รายงาน (นับรวมใน{BANGKOK_TH}"
                          f"เท่านั้น) / {UNKNOWN!r} is not a reported scope (counted in BMA "
                          f"only): give a {allowed}")
    code = district_code(text) if text else None
    if code is None:
        raise OptionError(f"{option} {text!r}: ไม่รู้จักเขต / unknown district{_suggestion(text)}"
                          f": give a {allowed}")
    return code


def resolve_scopes(value: object, *, option: str = "--district") -> list[str]:
    """``all`` (the 50 districts and ``BMA``), or a comma-separated text or list of scopes
    (each as :func:`resolve_scope` reads it), without repeats, districts in DOPA order
    then ``BMA``."""
    from krlib.errors import OptionError

    if isinstance(value, str) and value.strip().lower() == "all":
        return list(_scopes()["scope_code"])
    parts = value.split(",") if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
    codes = {resolve_scope(p, option=option) for p in parts if str(p).strip()}
    if not codes:
        raise OptionError(f"{option}: ไม่ได้ระบุเขต / is empty: give DOPA codes, district "
                          "names, BMA or all")
    return sorted(codes, key=scope_order().__getitem__)
