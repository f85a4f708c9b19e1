"""The key results, as data: one YAML file per KR (``src/krlib/krs/<code>.yaml``).

A definition names its cohort table and an optional filter on cleaned keys (who is
counted), its service table and optional filter (what reaching the numerator means),
the breakdown (a category column of the service table) and the disaggregations (person
attributes of :data:`krlib.contract.schema.DIMENSIONS`).
:mod:`krlib.compute.indicators` computes any
definition the same way, so a new KR of this shape needs a file and a test, no Python.

Files are loaded and validated when krlib starts (:data:`KRS`, the package's own) or
when a command is given ``--krs DIR`` (:func:`load_krs`); a bad file is a
:class:`~krlib.errors.DefinitionError` naming the file and the field (exit 2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from krlib.contract.schema import DIMENSIONS, TABLES, TableSpec
from krlib.errors import DefinitionError

#: The package's own definitions.
PACKAGE_DIR = Path(__file__).resolve().parent / "krs"
#: Optional file in a definitions folder: the report order of its KR codes.
ORDER_FILE = "order.yaml"

_FIELDS = ("code", "name_th", "name_en", "target", "unit_th", "cohort", "service",
           "breakdown", "disaggregations", "texts", "host_unit", "supporting_units")
_REQUIRED = ("code", "name_th", "target", "cohort", "service", "breakdown")
_TEXTS = ("definition_th", "numerator_th", "denominator_th", "breakdown_th")
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")


@dataclass(frozen=True)
class KRDefinition:
    """One KR, with exactly the fields of its YAML file (plus derived attributes)."""

    code: str
    name_th: str
    name_en: str
    target: float  # percent, 0..100 (an int when whole)
    unit_th: str
    cohort: dict[str, Any]  # {"table": name, "where": {column: [keys]}} (a key or a list in YAML)
    service: dict[str, Any]  # {"table": name, "where": {...}} (where may be empty)
    breakdown: str  # a category column of the service table
    disaggregations: tuple[str, ...] = ()
    texts: dict[str, str] = field(default_factory=dict)
    host_unit: str = ""
    supporting_units: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash(self.code)

    # --- derived ---------------------------------------------------------------------

    @property
    def cohort_table(self) -> str:
        return cast(str, self.cohort["table"])

    @property
    def service_table(self) -> str:
        return cast(str, self.service["table"])

    @property
    def cohort_where(self) -> dict[str, tuple[str, ...]]:
        return _normalised_where(self.cohort.get("where"))

    @property
    def service_where(self) -> dict[str, tuple[str, ...]]:
        return _normalised_where(self.service.get("where"))

    @property
    def dimension(self) -> str:
        """The breakdown dimension's name in kr_breakdown.csv (= ``breakdown``)."""
        return self.breakdown

    @property
    def categories(self) -> dict[str, str]:
        """Breakdown category key -> Thai label (the service column's vocabulary, narrowed
        to the service filter's keys when it filters on the breakdown column)."""
        vocab = dict(TABLES[self.service_table].column(self.breakdown).vocabulary or {})
        keep = self.service_where.get(self.breakdown)
        return {k: v for k, v in vocab.items() if keep is None or k in keep}

    @property
    def tables(self) -> tuple[str, str]:
        return (self.cohort_table, self.service_table)

    @property
    def definition_th(self) -> str:
        return self.texts.get("definition_th", "")

    @property
    def numerator_th(self) -> str:
        return self.texts.get("numerator_th", "")

    @property
    def denominator_th(self) -> str:
        return self.texts.get("denominator_th", "")

    @property
    def breakdown_th(self) -> str:
        return self.texts.get("breakdown_th", "") or TABLES[self.service_table].column(
            self.breakdown).th

    @property
    def formula_th(self) -> str:
        return f"({self.numerator_th} ÷ {self.denominator_th}) × 100"

    # --- (de)serialising -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The definition as its YAML file's mapping (for prepared.json)."""
        return {
            "code": self.code, "name_th": self.name_th, "name_en": self.name_en,
            "target": self.target, "unit_th": self.unit_th,
            "cohort": {"table": self.cohort_table,
                       "where": {k: list(v) for k, v in self.cohort_where.items()}},
            "service": {"table": self.service_table,
                        "where": {k: list(v) for k, v in self.service_where.items()}},
            "breakdown": self.breakdown, "disaggregations": list(self.disaggregations),
            "texts": dict(self.texts), "host_unit": self.host_unit,
            "supporting_units": list(self.supporting_units),
        }

    @classmethod
    def from_dict(cls, doc: Any, source: Path | str = "<definition>") -> KRDefinition:
        """Validate a definition's mapping (a parsed YAML file) and build it."""
        return _build(doc, Path(source))


def _normalised_where(where: Any) -> dict[str, tuple[str, ...]]:
    if not where:
        return {}
    return {str(k): tuple(str(x) for x in (v if isinstance(v, (list, tuple)) else [v]))
            for k, v in where.items()}


# --- validation ----------------------------------------------------------------------

def _fail(path: Path, fld: str, th: str, en: str) -> DefinitionError:
    return DefinitionError(path, fld, th, en)


def _text(doc: Mapping[str, object], key: str, path: Path, default: str | None = None) -> str:
    value = doc.get(key, default)
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return default
        raise _fail(path, key, "ต้องมีข้อความ", "must be a non-empty text")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _fail(path, key, "ต้องเป็นข้อความ", f"must be a text, not {type(value).__name__}")
    return " ".join(str(value).split())


def _text_list(doc: Mapping[str, object], key: str, path: Path) -> tuple[str, ...]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, key, "ต้องเป็นรายการข้อความ", "must be a list of texts")
    return tuple(" ".join(v.split()) for v in value)


def _target(doc: Mapping[str, object], path: Path) -> float:
    value = doc.get("target")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= 100:
        raise _fail(path, "target", "ค่าเป้าหมายต้องเป็นตัวเลข 0-100 (ร้อยละ)",
                    f"must be a number from 0 to 100 (percent), got {value!r}")
    return int(value) if float(value).is_integer() else float(value)


def _table_part(doc: Mapping[str, object], key: str, path: Path, cohort: bool) -> dict[str, Any]:
    part = doc.get(key)
    if not isinstance(part, Mapping):
        raise _fail(path, key, "ต้องเป็น {table: ..., where: {...}}",
                    "must be a mapping {table: ..., where: {...}}")
    unknown = set(part) - {"table", "where"}
    if unknown:
        raise _fail(path, f"{key}.{sorted(unknown)[0]}", "ไม่รู้จักฟิลด์นี้",
                    "unknown field (use table, where)")
    table = part.get("table")
    kinds = [n for n, s in TABLES.items() if (s.is_cohort if cohort else s.is_service)]
    if table not in kinds:
        raise _fail(path, f"{key}.table", f"ต้องเป็นหนึ่งใน {', '.join(kinds)}",
                    f"must be one of {', '.join(kinds)}, got {table!r}")
    where = part.get("where") or {}
    if not isinstance(where, Mapping):
        raise _fail(path, f"{key}.where", "ต้องเป็น {column: value}",
                    "must be a mapping {column: value or [values]}")
    spec = TABLES[table]
    for col, value in where.items():
        _check_where(spec, f"{key}.where.{col}", str(col), value, path)
    return {"table": table, "where": {k: list(v) for k, v in _normalised_where(where).items()}}


def _check_where(spec: TableSpec, fld: str, col: str, value: Any, path: Path) -> None:
    names = [c.name for c in spec.categories]
    if col not in names:
        raise _fail(path, fld, f"ไม่ใช่คอลัมน์ประเภทของ {spec.name}",
                    f"not a category column of {spec.name} (use one of {', '.join(names)})")
    values = value if isinstance(value, list) else [value]
    vocab = spec.column(col).vocabulary
    for v in values:
        if not isinstance(v, (str, int)) or isinstance(v, bool) or not str(v).strip():
            raise _fail(path, fld, "ค่าต้องเป็นข้อความ", f"values must be texts, got {v!r}")
        if vocab is not None and str(v) not in vocab:
            raise _fail(path, fld, f"ค่า {v!r} ไม่อยู่ในรายการ",
                        f"{v!r} is not a cleaned key of {col} (use one of {', '.join(vocab)})")


def _build(doc: Any, path: Path) -> KRDefinition:
    if not isinstance(doc, Mapping):
        raise _fail(path, "", "ไฟล์ต้องเป็น YAML mapping", "the file must be a YAML mapping")
    unknown = [k for k in doc if k not in _FIELDS]
    if unknown:
        raise _fail(path, str(unknown[0]), "ไม่รู้จักฟิลด์นี้",
                    f"unknown field (fields: {', '.join(_FIELDS)})")
    for key in _REQUIRED:
        if doc.get(key) is None:
            raise _fail(path, key, "ต้องระบุ", "is required")
    code = _text(doc, "code", path)
    if not _CODE.fullmatch(code):
        raise _fail(path, "code", "รหัสต้องเป็นตัวอักษร/ตัวเลข", f"must be letters/digits, got {code!r}")
    cohort = _table_part(doc, "cohort", path, cohort=True)
    service = _table_part(doc, "service", path, cohort=False)
    if TABLES[service["table"]].parent != cohort["table"]:
        raise _fail(path, "service.table", f"ต้องเป็นตารางบริการของ {cohort['table']}",
                    f"{service['table']} does not reference {cohort['table']}")
    breakdown = doc.get("breakdown")
    spec = TABLES[service["table"]]
    closed = [c.name for c in spec.categories if c.vocabulary is not None]
    if breakdown not in closed:
        raise _fail(path, "breakdown", f"ต้องเป็นคอลัมน์ประเภทของ {spec.name}",
                    f"must be a category column of {spec.name} ({', '.join(closed)}), "
                    f"got {breakdown!r}")
    dims = doc.get("disaggregations") or []
    if not isinstance(dims, list):
        raise _fail(path, "disaggregations", "ต้องเป็นรายการ", "must be a list")
    cohort_cols = TABLES[cohort["table"]].names
    for d in dims:
        if d not in DIMENSIONS:
            raise _fail(path, "disaggregations", f"ไม่รู้จัก {d!r}",
                        f"unknown dimension {d!r} (known: {', '.join(DIMENSIONS)})")
        if DIMENSIONS[d].column not in cohort_cols:
            raise _fail(path, "disaggregations", f"{cohort['table']} ไม่มีคอลัมน์ของ {d}",
                        f"{cohort['table']} has no {DIMENSIONS[d].column} column for {d}")
    if len(set(dims)) != len(dims):
        raise _fail(path, "disaggregations", "ซ้ำ", "a dimension is listed twice")
    texts = doc.get("texts") or {}
    if not isinstance(texts, Mapping):
        raise _fail(path, "texts", "ต้องเป็น mapping", "must be a mapping")
    for key in texts:
        if key not in _TEXTS:
            raise _fail(path, f"texts.{key}", "ไม่รู้จักฟิลด์นี้",
                        f"unknown text (texts: {', '.join(_TEXTS)})")
    return KRDefinition(
        code=code, name_th=_text(doc, "name_th", path),
        name_en=_text(doc, "name_en", path, default=""), target=_target(doc, path),
        unit_th=_text(doc, "unit_th", path, default="คน"), cohort=cohort, service=service,
        breakdown=str(breakdown), disaggregations=tuple(dims),
        texts={k: _text({f"texts.{k}": texts[k]}, f"texts.{k}", path, default="")
               for k in _TEXTS if k in texts},
        host_unit=_text(doc, "host_unit", path, default=""),
        supporting_units=_text_list(doc, "supporting_units", path))


# --- loading -------------------------------------------------------------------------

def load_file(path: Path | str) -> KRDefinition:
    """One definition file, validated."""
    import yaml

    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(path, "", "อ่านไฟล์ไม่ได้", f"cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise _fail(path, "", "ไฟล์ต้องเป็น UTF-8", "the file must be UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise _fail(path, "", "ไม่ใช่ YAML ที่ถูกต้อง", f"not valid YAML{where}") from None
    return _build(doc, path)


def _folder(folder: Path) -> list[tuple[Path, KRDefinition]]:
    import yaml

    if not folder.is_dir():
        raise _fail(folder, "", "ไม่พบโฟลเดอร์นิยาม KR", "KR definitions folder not found")
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in (".yaml", ".yml") and p.name != ORDER_FILE)
    defs = [(p, load_file(p)) for p in files]
    order: list[str] = []
    if (folder / ORDER_FILE).is_file():
        order = [str(c) for c in (yaml.safe_load((folder / ORDER_FILE).read_text("utf-8")) or [])]
    rank = {c: i for i, c in enumerate(order)}
    return sorted(defs, key=lambda pd: rank.get(pd[1].code, len(rank)))


def load_krs(extra_dirs: Iterable[Path | str] = ()) -> dict[str, KRDefinition]:
    """The package's KRs, then those of each ``extra_dirs`` folder, in report order.

    Two definitions with one code are an error naming the second file.
    """
    out: dict[str, KRDefinition] = {}
    for folder in (PACKAGE_DIR, *(Path(d) for d in extra_dirs)):
        for path, kr in _folder(folder):
            if kr.code in out:
                raise _fail(path, "code", f"รหัส KR {kr.code} ซ้ำกับที่มีอยู่แล้ว",
                            f"KR {kr.code} is already defined")
            out[kr.code] = kr
    return out


#: Every KR krlib reports by default (the package's files), in report order.
KRS: dict[str, KRDefinition] = load_krs()
