"""``krlib report`` options: a params file (YAML) under the command line, checked strictly.

Every key has a type and a range (:data:`PARAMS`). A wrong value is an error that names
where it came from (the file and key, or the option), the value, and what is allowed:
``quarter: true`` or ``quarter: 2.7`` is never read as a quarter, ``executor: quantum``
is refused, an unknown key is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from krlib.contract.values import BadValue, whole
from krlib.errors import KrlibError, OptionError

_Bad = BadValue


def _whole(lo: int, hi: int | None = None) -> Callable[[object], int]:
    """A YAML number in range (never ``true``, ``2.0`` or ``"2"``): :func:`values.whole`."""
    return lambda value: whole(value, lo, hi)


def _text(allowed: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if isinstance(value, Path):  # from the command line
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise _Bad(allowed)
        return value
    return check


def _fiscal_year(value: object) -> int:
    from krlib.contract.periods import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

    return _whole(MIN_FISCAL_YEAR, MAX_FISCAL_YEAR)(value)


def _listish(value: object, allowed: str) -> str:
    """``a,b``, a YAML list ``[a, b]``, or a bare number (``district: 1001``) -> ``a,b``."""
    if isinstance(value, list) and value:
        if any(isinstance(v, bool) or not isinstance(v, (str, int)) for v in value):
            raise _Bad(allowed)  # never drop an item silently
        value = ",".join(str(v) for v in value)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise _Bad(allowed)
    return value


def _district(value: object) -> list[str]:
    """The one scope resolver's reading; its message (with a close name) is kept."""
    from krlib.contract.scopes import resolve_scopes

    allowed = "'all', or DOPA codes 1001-1050 / district names / BMA, comma-separated"
    return resolve_scopes(_listish(value, allowed), option="")


FORMATS = ("html", "pdf")


def parse_formats(text: str) -> list[str]:
    """``html``, ``pdf`` or both, comma-separated; a PDF is printed from its HTML, so
    ``pdf`` alone renders both (the HTML is removed at the end)."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise OptionError(f"รูปแบบไม่รองรับ / unknown --format {text!r}: use html, pdf or html,pdf")
    if "pdf" in formats and "html" not in formats:
        formats.insert(0, "html")  # the PDF is printed from the HTML
    return formats


def _format(value: object) -> list[str]:
    allowed = "html, pdf or html,pdf"
    try:
        return parse_formats(_listish(value, allowed))
    except KrlibError:
        raise _Bad(allowed) from None


def _workers(value: object) -> int | None:
    from krlib.batch.executors import max_workers

    if value is None:
        return None
    limit, why = max_workers()
    value = _whole(1)(value)
    if value > limit:
        raise _Bad(f"at most {limit} on this machine", why)
    return value


def _executor(value: object) -> str:
    from krlib.batch.executors import EXECUTORS

    allowed = " or ".join(EXECUTORS)
    if not isinstance(value, str) or value not in EXECUTORS:
        raise _Bad(allowed)
    return value


def _scheduler(value: object) -> str | None:
    return None if value is None else _text("a Dask scheduler address, e.g. tcp://host:8786")(value)


#: Every key of a params file (and option of ``krlib report``): its check, which returns
#: the value to use or raises. Add a key here to make it valid.
PARAMS: dict[str, Callable[[object], object]] = {
    "data": _text("the data drop folder (a path)"),
    "fiscal_year": _fiscal_year,
    "quarter": _whole(1, 4),
    "district": _district,
    "format": _format,
    "out": _text("the output folder (a path)"),
    "workers": _workers,
    "suppress_below": _whole(0),
    "executor": _executor,
    "scheduler": _scheduler,
}
PATH_KEYS = ("data", "out")  # relative to the params file when given there


def _shown(value: object) -> str:
    """The value as the user typed it in YAML (``true``, ``2.7``, ``"quantum"``)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def check(key: str, value: object, where: str) -> object:
    """``value`` checked against ``PARAMS[key]``; ``where`` names its source in the error."""
    try:
        return PARAMS[key](value)
    except _Bad as bad:
        detail = f" ({bad.detail})" if bad.detail else ""
        raise OptionError(f"{where}: {_shown(value)} ไม่ถูกต้อง / is not allowed — use "
                          f"{bad.allowed}{detail}") from None
    except OptionError as exc:  # a reader with its own message (the scope resolver)
        raise OptionError(f"{where}: {str(exc).lstrip()}") from None


def _yaml_loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
        """SafeLoader that refuses a key given twice (PyYAML silently keeps the last)."""

    def mapping(loader: Any, node: Any, deep: bool = False) -> Any:
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return Loader


def load_params(path: Path, extra_keys: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A params file as a dict of checked values (paths made relative to the file)."""
    import yaml

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise OptionError(f"{path}: อ่านไฟล์พารามิเตอร์ไม่ได้ / cannot read the params file "
                          f"({exc.strerror or type(exc).__name__})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OptionError(f"{path}: ไม่ใช่ไฟล์ UTF-8 / is not UTF-8 text (byte "
                          f"0x{raw[exc.start]:02x} at offset {exc.start}): save it as UTF-8"
                          ) from None
    try:
        loaded = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise OptionError(f"{path}: {line}ไม่ใช่ YAML ที่ถูกต้อง / not valid YAML ({problem})"
                          ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise OptionError(f"{path}: ต้องเป็น YAML mapping / must be a YAML mapping of "
                          "key: value lines")
    out: dict[str, Any] = {}
    for key, value in loaded.items():
        if key in PARAMS:
            value = check(key, value, f"{path}: {key}")
        elif key not in extra_keys:
            raise OptionError(f"{path}: ไม่รู้จักคีย์ {key!r} / unknown key {_shown(key)}: use "
                              f"{', '.join(PARAMS)}")
        if key in PATH_KEYS:
            value = str(Path(path).parent / value)
        out[key] = value
    return out
