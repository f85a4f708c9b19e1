"""What changed between two output folders (``krlib indicators`` or ``krlib report``).

A re-export of a drop, a fix in cleaning, a new quarter: :func:`compare_folders` reads
both folders' kr_results.csv, kr_breakdown.csv, data_quality.csv and
data_quality_reasons.csv and lists, per KR and scope, the figures that differ (old ->
new, change in percentage points) and the changed data-quality counts. RAP's "silver"
back-test against the previously published outputs. Aggregates only.

Tolerance (percentage points): a KR row fails when its percent moved by more than the
tolerance, or a percent appeared or vanished; with tolerance 0 any change of a count
(numerator, denominator, breakdown persons, data quality) fails too. Above 0, changes
of counts alone are listed but do not fail.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from krlib.errors import OptionError

FILES = ("kr_results.csv", "kr_breakdown.csv", "data_quality.csv", "data_quality_reasons.csv")
RESULT_COLUMNS = ["kr_code", "scope_code", "scope_name_th", "numerator_old", "numerator_new",
                  "denominator_old", "denominator_new", "percent_old", "percent_new",
                  "change_pp", "beyond"]
QUALITY_COLUMNS = ["table", "measure", "old", "new", "change", "beyond"]
BREAKDOWN_COLUMNS = ["kr_code", "scope_code", "dimension", "category", "old", "new", "change",
                     "beyond"]
MEASURES_TH = {"rows_in": "แถวที่อ่าน", "kept": "แถวที่ใช้", "duplicates_collapsed": "แถวซ้ำ",
               "rejected": "แถวที่ไม่ผ่าน", "invalid_citizen_id": "เลขประจำตัวประชาชนไม่ถูกต้อง",
               "unknown_district": "ไม่ทราบเขต"}
#: Columns of data_quality.csv only some folders have (a drop with person_links): compared
#: where either folder has them, a folder without them counting 0.
OPTIONAL_MEASURES_TH = {"merged_by_links": "นับรวมกับบุคคลอื่นตามการยืนยัน"}


@dataclass
class Outputs:
    """The four contract CSVs of one folder, as text (exactly as written)."""

    folder: Path
    results: pd.DataFrame
    breakdown: pd.DataFrame
    quality: pd.DataFrame
    reasons: pd.DataFrame

    @property
    def periods(self) -> str:
        """The period(s) of kr_results.csv, e.g. ``2568-Q2``."""
        r = self.results
        labels = sorted({f"{y}-Q{q}" for y, q in zip(r["fiscal_year"], r["quarter"])})
        return ", ".join(labels) or "-"


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=object, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise OptionError(f"{path}: ไม่พบไฟล์ / file not found — give a folder written by "
                          "krlib indicators or krlib report") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise OptionError(f"{path}: อ่านไม่ได้ / cannot read ({type(exc).__name__}) — "
                          "re-create it with krlib") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OptionError(f"{path}: ไม่มีคอลัมน์ / column missing: {', '.join(missing)} — "
                          "not a krlib output file")
    return frame


def read_outputs(folder: Path | str) -> Outputs:
    """Read an output folder (OptionError, one line, when it or a file is missing)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OptionError(f"{folder}: ไม่พบโฟลเดอร์ / folder not found")
    return Outputs(
        folder,
        _read(folder / "kr_results.csv", ["kr_code", "fiscal_year", "quarter", "scope_code",
                                          "scope_name_th", "numerator", "denominator",
                                          "percent"]),
        _read(folder / "kr_breakdown.csv", ["kr_code", "scope_code", "dimension", "category",
                                            "persons"]),
        _read(folder / "data_quality.csv", ["table", *MEASURES_TH]),
        _read(folder / "data_quality_reasons.csv", ["table", "reason", "rows"]),
    )


def _pp(old: str, new: str) -> float | None:
    """new - old in percentage points (exact decimals), None if either is empty."""
    if old == "" or new == "":
        return None
    return float(Decimal(new) - Decimal(old))


def _int(text: str) -> int | None:
    return None if text in ("", None) else int(text)


def compare_results(old: pd.DataFrame, new: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """One row per KR x scope whose numerator, denominator or percent differ."""
    key = ["kr_code", "scope_code"]
    cols = key + ["scope_name_th", "numerator", "denominator", "percent"]
    both = old[cols].merge(new[cols], on=key, how="outer", suffixes=("_old", "_new"),
                           sort=False)
    both = both.fillna("")
    differ = ((both["numerator_old"] != both["numerator_new"])
              | (both["denominator_old"] != both["denominator_new"])
              | (both["percent_old"] != both["percent_new"]))
    d = both[differ].copy()
    d["scope_name_th"] = [n or o for n, o in zip(d["scope_name_th_new"], d["scope_name_th_old"])]
    d["change_pp"] = [_pp(o, n) for o, n in zip(d["percent_old"], d["percent_new"])]
    appeared = (d["percent_old"] == "") != (d["percent_new"] == "")
    moved = [pp is not None and abs(pp) > tolerance for pp in d["change_pp"]]
    d["beyond"] = appeared | pd.Series(moved, index=d.index, dtype=bool) | (tolerance == 0)
    for c in ("numerator_old", "numerator_new", "denominator_old", "denominator_new"):
        d[c] = [_int(v) for v in d[c]]
    order = {k: i for i, k in enumerate(zip(new["kr_code"], new["scope_code"]))}
    start = len(order)
    for k in zip(old["kr_code"], old["scope_code"]):
        order.setdefault(k, start + len(order))
    d = d.assign(_o=[order[k] for k in zip(d["kr_code"], d["scope_code"])]).sort_values("_o")
    return d[RESULT_COLUMNS].reset_index(drop=True)


def _counts(old: pd.DataFrame, new: pd.DataFrame, key: list[str], value: str,
            tolerance: float) -> pd.DataFrame:
    """Rows of a count table whose ``value`` differs (absent rows count as 0)."""
    both = old[key + [value]].merge(new[key + [value]], on=key, how="outer",
                                    suffixes=("_old", "_new"), sort=False)
    both["old"] = pd.to_numeric(both[f"{value}_old"], errors="coerce").fillna(0).astype(int)
    both["new"] = pd.to_numeric(both[f"{value}_new"], errors="coerce").fillna(0).astype(int)
    d = both[both["old"] != both["new"]].copy()
    d["change"] = d["new"] - d["old"]
    d["beyond"] = tolerance == 0
    return d.drop(columns=[f"{value}_old", f"{value}_new"]).reset_index(drop=True)


def compare_quality(old: Outputs, new: Outputs, tolerance: float) -> pd.DataFrame:
    """Changed data-quality counts: the data_quality.csv columns, then rejection reasons."""
    def long(frame: pd.DataFrame) -> pd.DataFrame:
        measures = [*MEASURES_TH, *(m for m in OPTIONAL_MEASURES_TH if m in frame.columns)]
        return frame.melt(id_vars=["table"], value_vars=measures, var_name="measure",
                          value_name="rows")

    def reasons(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(measure="reason:" + frame["reason"])[["table", "measure", "rows"]]

    parts = [_counts(long(old.quality), long(new.quality), ["table", "measure"], "rows",
                     tolerance),
             _counts(reasons(old.reasons), reasons(new.reasons), ["table", "measure"], "rows",
                     tolerance)]
    return pd.concat(parts, ignore_index=True)[QUALITY_COLUMNS]


@dataclass
class Comparison:
    """The differences between two output folders."""

    old: Path
    new: Path
    results: pd.DataFrame  # RESULT_COLUMNS: KR x scope rows that differ
    quality: pd.DataFrame  # QUALITY_COLUMNS: changed data-quality counts
    breakdown: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=BREAKDOWN_COLUMNS))
    tolerance: float = 0.0
    periods: tuple[str, str] = ("", "")

    @property
    def differs(self) -> bool:
        """Anything beyond the tolerance (the exit code 1 of ``krlib compare``)."""
        return bool(self.results["beyond"].any() or self.quality["beyond"].any()
                    or self.breakdown["beyond"].any())

    @property
    def identical(self) -> bool:
        return not (len(self.results) or len(self.quality) or len(self.breakdown))

    def text(self) -> str:
        """Plain-text listing (what ``krlib compare`` prints)."""
        lines = [f"krlib compare: {self.old} ({self.periods[0]}) -> {self.new} "
                 f"({self.periods[1]}), tolerance {self.tolerance:g} pp"]
        if self.identical:
            lines.append("  ไม่มีความแตกต่าง / no differences")
            return "\n".join(lines)
        for kr, rows in self.results.groupby("kr_code", sort=False):
            lines.append(f"  KR {kr}: {len(rows)} พื้นที่เปลี่ยน / scope(s) changed")
            for r in rows.itertuples(index=False):
                lines.append(f"    {r.scope_code} {r.scope_name_th}: "
                             f"{_fig(r.numerator_old, r.denominator_old, r.percent_old)} -> "
                             f"{_fig(r.numerator_new, r.denominator_new, r.percent_new)} "
                             f"({_change(r.change_pp)}){'' if r.beyond else ' [within tolerance]'}")
        if len(self.breakdown):
            lines.append(f"  การจำแนก / breakdown: {len(self.breakdown)} row(s) changed")
            for r in self.breakdown.itertuples(index=False):
                lines.append(f"    KR {r.kr_code} {r.scope_code} {r.dimension}={r.category}: "
                             f"{r.old} -> {r.new} ({r.change:+d})")
        if len(self.quality):
            lines.append("  คุณภาพข้อมูล / data quality:")
            for r in self.quality.itertuples(index=False):
                lines.append(f"    {r.table} {r.measure}: {r.old:,} -> {r.new:,} ({r.change:+,d})")
        lines.append(f"  {'เกินเกณฑ์ / differs' if self.differs else 'อยู่ในเกณฑ์ / within tolerance'}")
        return "\n".join(lines)

    def html(self) -> str:
        """The KR and data-quality changes as HTML tables (every input value escaped)."""
        e = html.escape
        if self.identical:
            return "<p>ไม่มีความแตกต่างจากผลครั้งก่อน / no differences</p>"
        rows = [f"<tr><td>{e(str(r.kr_code))}</td><td>{e(str(r.scope_code))}</td>"
                f"<td>{e(str(r.scope_name_th))}</td>"
                f"<td>{e(_fig(r.numerator_old, r.denominator_old, r.percent_old))}</td>"
                f"<td>{e(_fig(r.numerator_new, r.denominator_new, r.percent_new))}</td>"
                f"<td>{e(_change(r.change_pp))}</td></tr>"
                for r in self.results.itertuples(index=False)]
        out = []
        if rows:
            out.append("<table class='changes'><thead><tr><th>KR</th><th>รหัส</th><th>พื้นที่</th>"
                       "<th>ครั้งก่อน (ผลงาน/ฐาน = ร้อยละ)</th><th>ครั้งนี้</th>"
                       "<th>เปลี่ยนแปลง (จุดร้อยละ)</th></tr></thead><tbody>"
                       + "".join(rows) + "</tbody></table>")
        q = [f"<tr><td>{e(str(r.table))}</td><td>{e(str(r.measure))}</td><td>{r.old:,}</td>"
             f"<td>{r.new:,}</td><td>{r.change:+,d}</td></tr>"
             for r in self.quality.itertuples(index=False)]
        if q:
            out.append("<table class='changes'><thead><tr><th>ตาราง</th><th>รายการ</th>"
                       "<th>ครั้งก่อน</th><th>ครั้งนี้</th><th>เปลี่ยนแปลง</th></tr></thead><tbody>"
                       + "".join(q) + "</tbody></table>")
        if len(self.breakdown):
            out.append(f"<p>การจำแนก: เปลี่ยน {len(self.breakdown)} แถว (ดู krlib compare)</p>")
        return "\n".join(out)


def _fig(n: int | None, d: int | None, pct: str) -> str:
    if n is None or d is None:
        return "-"
    return f"{n:,}/{d:,} = {pct or '-'}"


def _change(pp: float | None) -> str:
    return "-" if pp is None else f"{pp:+.2f} pp"


def compare(old: Outputs, new: Outputs, tolerance: float = 0.0) -> Comparison:
    """Compare two folders already read (read the old one before overwriting it)."""
    return Comparison(
        old.folder, new.folder,
        compare_results(old.results, new.results, tolerance),
        compare_quality(old, new, tolerance),
        _counts(old.breakdown, new.breakdown, ["kr_code", "scope_code", "dimension", "category"],
                "persons", tolerance)[BREAKDOWN_COLUMNS],
        tolerance, (old.periods, new.periods))


def compare_folders(old: Path | str, new: Path | str, tolerance: float = 0.0) -> Comparison:
    """Read two output folders and compare them."""
    return compare(read_outputs(old), read_outputs(new), tolerance)


def index_section(comparison: Comparison) -> str:
    """A section for index.html: what moved since the folder compared with.

    Every value is escaped here; the result is a ``markupsafe.Markup``, so a Jinja
    template with autoescape shows it as is (``{{ changes }}``), without escaping twice.
    """
    from markupsafe import Markup

    c = comparison
    return Markup(f"<section id='changes'><h2>การเปลี่ยนแปลงจากผลครั้งก่อน</h2>"
            f"<p>เทียบกับผลในโฟลเดอร์ {html.escape(c.old.name)} ({html.escape(c.periods[0])}) · "
            f"KR ที่เปลี่ยน {len(c.results)} พื้นที่ · คุณภาพข้อมูลเปลี่ยน {len(c.quality)} รายการ</p>"
            f"{c.html()}</section>")


def changes_section(old: Outputs | None, folder: Path | str) -> str:
    """index.html's "what changed" section against ``old`` (read before the run), or ""."""
    return "" if old is None else index_section(compare(old, read_outputs(folder)))
