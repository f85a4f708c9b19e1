"""A synthetic, deterministic data drop with the messiness real exports have.

No real person: names are drawn from a short list and suffixed ทดสอบ (test), record ids
start with DEMO-. Dates come in every form the contract lists (ISO, D/M/YYYY, D-M-YYYY,
Thai month names, Thai digits, Buddhist-Era and two-digit years, XLSX date cells with BE
years), districts in every spelling (Thai, English, codes, a few unknown), citizen ids
valid, type-0, formatted, empty or invalid, plus exact duplicates, conflicting ids,
orphaned services and unreadable dates. Built with numpy, one format at a time (never a
Python loop over rows), so ``--scale 80`` (~620k rows) takes seconds.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from krlib.parse import bangkok_districts
from krlib.schema import DOMAINS, SOURCES, TABLES, WELFARE_TYPES

DEFAULT_SEED = 2568
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS_FULL = ("มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม "
               "กันยายน ตุลาคม พฤศจิกายน ธันวาคม").split()
MONTHS_ABBR = "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()
FIRST_NAMES = ["สมชาย", "สมศรี", "มาลี", "วิไล", "บุญมี", "ประเสริฐ", "สุดา", "อนันต์",
               "จันทร์เพ็ญ", "ทองดี", "สมหญิง", "ประยูร"]
SEXES = ["ชาย", "หญิง", "ไม่ระบุ", "M", "F", "male", "female"]
UNKNOWN_DISTRICTS = ["บางรักษ์", "เมืองนนทบุรี", "บางกอกกลาง", "Bangkok", "ลาดกระบังใต้"]
SERVICE_POINTS = ["ศูนย์ drop-in หัวลำโพง", "จุดบริการราชดำเนิน", "บ้านอิ่มใจ", ""]
ACTIVITIES = ["เยี่ยมบ้าน", "ส่งเรียน กศน.", "ฝึกอาชีพ", "ประสานสิทธิบัตรทอง", "กิจกรรมครอบครัว", ""]
# Date forms, by weight: ISO CE, ISO BE, D/M/YYYY BE, zero-padded, CE, D-M-YYYY BE,
# two-digit BE year, Thai month abbreviated, Thai month full, Thai digits.
DATE_FORMS = ["iso", "iso_be", "dmy_be", "dmy_be_pad", "dmy_ce", "dash_be", "dmy_yy",
              "thai_abbr", "thai_full", "thai_digits"]
DATE_WEIGHTS = [0.2, 0.05, 0.25, 0.1, 0.1, 0.07, 0.06, 0.07, 0.06, 0.04]


# --- small vectorised helpers ---------------------------------------------------------

def _pick(rng: np.random.Generator, values, n: int, p=None) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=p)]


def _format_dates(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Format dates (numpy datetime64[D]) in a random mix of the contract's forms."""
    d = pd.DatetimeIndex(days)
    y, m, dd = d.year.to_numpy(), d.month.to_numpy(), d.day.to_numpy()
    form = rng.choice(len(DATE_FORMS), size=len(days), p=DATE_WEIGHTS)
    s = lambda a: pd.Series(a).astype(str)  # noqa: E731
    pad = lambda a: pd.Series(a).astype(str).str.zfill(2)  # noqa: E731
    be = y + 543
    options = {
        "iso": s(y) + "-" + pad(m) + "-" + pad(dd),
        "iso_be": s(be) + "-" + pad(m) + "-" + pad(dd),
        "dmy_be": s(dd) + "/" + s(m) + "/" + s(be),
        "dmy_be_pad": pad(dd) + "/" + pad(m) + "/" + s(be),
        "dmy_ce": pad(dd) + "/" + pad(m) + "/" + s(y),
        "dash_be": s(dd) + "-" + s(m) + "-" + s(be),
        "dmy_yy": pad(dd) + "/" + pad(m) + "/" + pad(be % 100),
        "thai_abbr": s(dd) + " " + pd.Series(np.array(MONTHS_ABBR)[m - 1]) + " " + s(be),
        "thai_full": s(dd) + " " + pd.Series(np.array(MONTHS_FULL)[m - 1]) + " " + s(be),
        "thai_digits": (s(dd) + "/" + s(m) + "/" + s(be)).str.translate(THAI_DIGITS),
    }
    out = np.empty(len(days), dtype=object)
    for i, name in enumerate(DATE_FORMS):
        sel = form == i
        out[sel] = options[name].to_numpy()[sel]
    return out


def _citizen_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Valid ids (some type-0), formatted in several ways; some empty or invalid."""
    digits = rng.integers(0, 10, size=(n, 12))
    digits[:, 0] = rng.choice([1, 3, 5, 8, 0], size=n, p=[0.3, 0.35, 0.1, 0.1, 0.15])
    check = (11 - (digits * np.arange(13, 1, -1)).sum(axis=1) % 11) % 10
    full = np.concatenate([digits, check[:, None]], axis=1).astype(str)
    plain = pd.Series(["".join(r) for r in full])
    style = rng.choice(5, size=n, p=[0.55, 0.2, 0.1, 0.05, 0.1])
    dashed = (plain.str[0] + "-" + plain.str[1:5] + "-" + plain.str[5:10] + "-"
              + plain.str[10:12] + "-" + plain.str[12])
    out = plain.to_numpy(dtype=object).copy()
    out[style == 1] = dashed[style == 1]
    out[style == 2] = plain.str.translate(THAI_DIGITS)[style == 2]
    out[style == 3] = dashed.str.replace("-", " ")[style == 3]
    # invalid: wrong check digit, 12 digits, text
    bad = style == 4
    wrong = (plain.str[:12] + ((check + 1) % 10).astype(str)).to_numpy()
    kinds = rng.choice(3, size=n)
    out[bad & (kinds == 0)] = wrong[bad & (kinds == 0)]
    out[bad & (kinds == 1)] = plain.str[:12][bad & (kinds == 1)]
    out[bad & (kinds == 2)] = "ไม่มีบัตร"
    return out


def _districts_written(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    """District codes written as real exports write them (and a few unknown values)."""
    table = bangkok_districts().set_index("code")
    th = table["name_th"].reindex(codes).to_numpy().astype(str)
    en = table["name_en"].reindex(codes).to_numpy().astype(str)
    s = pd.Series
    forms = {
        0: s(th), 1: s(th).str.removeprefix("เขต"), 2: "เขต " + s(th).str.removeprefix("เขต") + " ",
        3: s(en), 4: s(en).str.upper(), 5: s(en).str.lower().str.replace(" ", "-"),
        6: s(codes.astype(str)), 7: s(codes.astype(str)).str.translate(THAI_DIGITS),
    }
    choice = rng.choice(9, size=len(codes), p=[0.3, 0.2, 0.05, 0.15, 0.05, 0.05, 0.12, 0.03, 0.05])
    out = np.empty(len(codes), dtype=object)
    for k, v in forms.items():
        out[choice == k] = v.to_numpy()[choice == k]
    unknown = choice == 8
    out[unknown] = _pick(rng, UNKNOWN_DISTRICTS, int(unknown.sum()))
    return out


def _district_weights(rng: np.random.Generator) -> np.ndarray:
    """Uneven caseloads; a few districts have almost none (so some reports say no cases)."""
    w = rng.pareto(1.2, size=50) + 0.05
    w[rng.choice(50, size=6, replace=False)] = 0.0
    return w / w.sum()


def _days(rng: np.random.Generator, start: date, span: int, n: int) -> np.ndarray:
    return np.datetime64(start, "D") + rng.integers(0, span, size=n)


# --- tables ---------------------------------------------------------------------------

def _homeless(rng: np.random.Generator, scale: float, fy: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    fy_start = date(fy - 544, 10, 1)
    n_persons = max(20, int(1200 * scale))
    weights = _district_weights(rng)
    codes = np.array(bangkok_districts()["code"])
    cid = _citizen_ids(rng, n_persons)
    cid[rng.random(n_persons) < 0.12] = ""
    repeat = np.where(rng.random(n_persons) < 0.22, 2, 1)
    person = np.repeat(np.arange(n_persons), repeat)
    n = len(person)
    home = _pick(rng, codes, n_persons, weights)[person]
    moved = rng.random(n) < 0.3
    home[moved] = _pick(rng, codes, int(moved.sum()), weights)
    reg_day = _days(rng, fy_start - timedelta(days=200), 200 + 366, n)
    elig = _pick(rng, ["ผ่าน", "passed", "Passed", "ผ่าน ", "ไม่ผ่าน", "Failed", "รอตรวจสอบ",
                       "pending", "ตรวจแล้ว"], n,
                 [0.45, 0.15, 0.1, 0.1, 0.07, 0.03, 0.05, 0.04, 0.01])
    reg_id = np.array([f"DEMO-H{i:07d}" for i in range(1, n + 1)], dtype=object)
    first = _pick(rng, FIRST_NAMES, n_persons)[person]
    last = np.array([f"ทดสอบวงศ์{i}" for i in range(n_persons)], dtype=object)[person]
    birth = _format_dates(rng, _days(rng, date(1950, 1, 1), 365 * 50, n_persons))[person]
    reg = pd.DataFrame({
        "reg_id": reg_id, "citizen_id": cid[person], "first_name": first, "last_name": last,
        "sex": _pick(rng, SEXES, n), "birth_date": birth,
        "district": _districts_written(rng, home), "registered_on": _format_dates(rng, reg_day),
        "eligibility": elig, "service_point": _pick(rng, SERVICE_POINTS, n),
        "หมายเหตุ": _pick(rng, ["", "", "ติดตามต่อ", "-"], n),
        "_day": reg_day,
    })
    # services: most registrations get some, through any registration of the person
    k = np.where(rng.random(n) < 0.82, rng.poisson(2.0, size=n) + 1, 0)
    src = np.repeat(np.arange(n), k)
    sday = reg_day[src] + rng.integers(0, 240, size=len(src))
    labels = list(WELFARE_TYPES.items())[:-1]
    kind = rng.choice(len(labels), size=len(src))
    written = rng.choice(4, size=len(src), p=[0.45, 0.35, 0.12, 0.08])
    keys = np.array([k for k, _ in labels], dtype=object)[kind]
    thai = np.array([v for _, v in labels], dtype=object)[kind]
    stype = np.where(written == 0, thai, keys)
    nospace = pd.Series(thai).str.replace(" ", "").to_numpy()
    stype = np.where(written == 2, nospace, stype)
    stype[written == 3] = _pick(rng, ["ตัดผม", "แจกถุงยังชีพ", "รับยา"], int((written == 3).sum()))
    svc = pd.DataFrame({
        "service_id": [f"DEMO-S{i:08d}" for i in range(1, len(src) + 1)],
        "reg_id": reg_id[src], "service_date": _format_dates(rng, sday), "service_type": stype,
    })
    return reg, svc


def _rehab(rng: np.random.Generator, scale: float, fy: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    fy_start = date(fy - 544, 10, 1)
    n_persons = max(20, int(1100 * scale))
    weights = _district_weights(rng)
    codes = np.array(bangkok_districts()["code"])
    cid = _citizen_ids(rng, n_persons)
    cid[rng.random(n_persons) < 0.08] = ""
    repeat = np.where(rng.random(n_persons) < 0.1, 2, 1)
    person = np.repeat(np.arange(n_persons), repeat)
    n = len(person)
    where = _pick(rng, codes, n_persons, weights)[person]
    day = _days(rng, fy_start - timedelta(days=150), 150 + 366, n)
    ref_id = np.array([f"DEMO-R{i:07d}" for i in range(1, n + 1)], dtype=object)
    ref = pd.DataFrame({
        "referral_id": ref_id, "citizen_id": cid[person],
        "first_name": _pick(rng, FIRST_NAMES, n_persons)[person],
        "last_name": np.array([f"ทดสอบสกุล{i}" for i in range(n_persons)], dtype=object)[person],
        "sex": _pick(rng, SEXES, n),
        "birth_date": _format_dates(rng, _days(rng, date(1960, 1, 1), 365 * 45, n_persons))[person],
        "district": _districts_written(rng, where), "referred_on": _format_dates(rng, day),
        "source": _pick(rng, list(SOURCES.values()) + list(SOURCES), n),
        "_day": day,
    })
    # about one referral in eight leads to rehabilitation activities
    k = np.where(rng.random(n) < 0.13, rng.integers(1, 4, size=n), 0)
    src = np.repeat(np.arange(n), k)
    sday = day[src] + rng.integers(0, 200, size=len(src))
    dom = rng.choice(4, size=len(src))
    keys = np.array(list(DOMAINS), dtype=object)[dom]
    names = np.array(list(DOMAINS.values()), dtype=object)[dom]
    form = rng.choice(6, size=len(src), p=[0.27, 0.1, 0.22, 0.22, 0.16, 0.03])
    written = np.select(
        [form == 0, form == 1, form == 2, form == 3, form == 4],
        [(dom + 1).astype(str), pd.Series((dom + 1).astype(str)).str.translate(THAI_DIGITS),
         keys, names, pd.Series(names).str.removeprefix("ด้าน")],
        default=None).astype(object)
    bad = form == 5
    written[bad] = _pick(rng, ["กีฬา", "ดนตรี", "5", names[0] + "x"], int(bad.sum()))
    svc = pd.DataFrame({"referral_id": ref_id[src], "service_date": _format_dates(rng, sday),
                        "domain": written, "activity": _pick(rng, ACTIVITIES, len(src))})
    return ref, svc


def _mess(rng: np.random.Generator, df: pd.DataFrame, id_col: str | None, date_col: str,
          orphan_ids: np.ndarray | None = None) -> pd.DataFrame:
    """Add exact duplicates, conflicting ids, bad dates, missing values and orphans."""
    df = df.drop(columns=["_day"], errors="ignore").reset_index(drop=True)
    n = len(df)
    bad = rng.random(n)
    df.loc[bad < 0.004, date_col] = _pick(rng, ["ไม่ทราบ", "31/02/2567", "2567", "??"],
                                          int((bad < 0.004).sum()))
    df.loc[(bad >= 0.004) & (bad < 0.006), date_col] = "15/06/1999"
    df.loc[(bad >= 0.006) & (bad < 0.009), date_col] = _pick(rng, ["", "-", "  "],
                                                             int(((bad >= 0.006) & (bad < 0.009)).sum()))
    parts = [df]
    dup = df.sample(n=max(1, n // 100), random_state=int(rng.integers(1 << 31)))
    parts.append(dup)  # exact duplicates
    if id_col:
        clash = df.sample(n=max(1, n // 200), random_state=int(rng.integers(1 << 31))).copy()
        clash[date_col] = _format_dates(rng, _days(rng, date(2024, 1, 1), 600, len(clash)))
        parts.append(clash)  # same id, different content
    if orphan_ids is not None:
        orphans = df.sample(n=max(1, n // 200), random_state=int(rng.integers(1 << 31))).copy()
        orphans[orphan_ids.name if hasattr(orphan_ids, "name") else df.columns[0]] = orphan_ids[:len(orphans)]
        parts.append(orphans)
    out = pd.concat(parts, ignore_index=True)
    order = np.argsort(rng.random(len(out)) + np.r_[np.zeros(n), np.full(len(out) - n, 0.02)],
                       kind="stable")
    return out.iloc[order].reset_index(drop=True)


def build_tables(seed: int = DEFAULT_SEED, scale: float = 1.0, fiscal_year: int = 2568
                 ) -> dict[str, pd.DataFrame]:
    """The four tables as text DataFrames, English column names, in file order."""
    rng = np.random.default_rng(seed)
    reg, hsvc = _homeless(rng, scale, fiscal_year)
    ref, rsvc = _rehab(rng, scale, fiscal_year)
    reg = _mess(rng, reg, "reg_id", "registered_on")
    ref = _mess(rng, ref, "referral_id", "referred_on")
    n_orph = max(1, len(hsvc) // 200)
    hsvc = _mess(rng, hsvc, None, "service_date",
                 pd.Series([f"DEMO-H9{i:06d}" for i in range(n_orph)], name="reg_id"))
    rsvc = _mess(rng, rsvc, None, "service_date",
                 pd.Series([f"DEMO-R9{i:06d}" for i in range(max(1, len(rsvc) // 200))],
                           name="referral_id"))
    return {"homeless_registrations": reg, "homeless_services": hsvc,
            "rehab_referrals": ref, "rehab_services": rsvc}


# --- writing ----------------------------------------------------------------------------

def _csv(df: pd.DataFrame, path: Path, encoding: str, thai_headers: bool,
         title_rows: list[str] = ()) -> Path:
    spec = TABLES[path.stem]
    if thai_headers:
        th = {c.name: c.th for c in spec.columns}
        df = df.rename(columns=th)
    buf = io.StringIO()
    for t in title_rows:
        buf.write(t + "\r\n")
    df.to_csv(buf, index=False, lineterminator="\r\n")
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _xlsx(df: pd.DataFrame, path: Path, rng: np.random.Generator, date_col: str,
          thai_headers: bool) -> Path:
    """XLSX with title rows and some real date cells (BE years, as Thai Excel users type)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "ข้อมูล"
    ws.append([f"รายงานข้อมูล {TABLES[path.stem].th}"])
    ws.append(["ส่งออกจากระบบ (ข้อมูลสังเคราะห์สำหรับทดสอบ)"])
    ws.append([])
    th = {c.name: c.th for c in TABLES[path.stem].columns}
    ws.append([th.get(c, c) if thai_headers else c for c in df.columns])
    parsed = _cell_dates(df[date_col])
    as_cell = rng.random(len(df)) < 0.3
    be_cell = rng.random(len(df)) < 0.5
    col = list(df.columns).index(date_col)
    for i, row in enumerate(df.itertuples(index=False)):
        values = list(row)
        if as_cell[i] and parsed[i] is not None:
            d = parsed[i]
            values[col] = datetime(d.year + (543 if be_cell[i] else 0), d.month, d.day)
        ws.append(values)
    wb.properties.created = wb.properties.modified = datetime(2025, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_stable_zip(buf.getvalue()))
    return path


def _cell_dates(values: pd.Series) -> list[date | None]:
    from krlib.parse import map_distinct, parse_date

    return list(map_distinct(values, parse_date))


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same workbook gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_demo_drop(out_dir: Path | str, *, seed: int = DEFAULT_SEED, scale: float = 1.0,
                    fiscal_year: int = 2568, fmt: str = "mixed") -> dict[str, Path]:
    """Write the four tables into ``out_dir``; ``fmt`` is ``mixed`` (2 XLSX + 2 CSV) or ``csv``."""
    if fmt not in ("mixed", "csv"):
        raise ValueError("fmt must be 'mixed' or 'csv'")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    t = build_tables(seed, scale, fiscal_year)
    files = {}
    if fmt == "mixed":
        files["homeless_registrations"] = _xlsx(t["homeless_registrations"],
                                                out / "homeless_registrations.xlsx", rng,
                                                "registered_on", thai_headers=False)
        files["rehab_services"] = _xlsx(t["rehab_services"], out / "rehab_services.xlsx", rng,
                                        "service_date", thai_headers=True)
    else:
        files["homeless_registrations"] = _csv(t["homeless_registrations"],
                                               out / "homeless_registrations.csv", "utf-8",
                                               True, ["ทะเบียนคนไร้บ้าน (ข้อมูลสังเคราะห์)", ""])
        files["rehab_services"] = _csv(t["rehab_services"], out / "rehab_services.csv",
                                       "utf-8", False)
    files["homeless_services"] = _csv(t["homeless_services"], out / "homeless_services.csv",
                                      "cp874", True)
    files["rehab_referrals"] = _csv(t["rehab_referrals"], out / "rehab_referrals.csv",
                                    "utf-8-sig", False)
    return {k: files[k] for k in TABLES}
