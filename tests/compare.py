"""Row-by-row comparison of CSV-like tables with plain failure messages.

A figure mismatch is reported as ``kr_results: scope 1001, KR 8207, 2568-Q2: column
'numerator': expected 5, got 6`` (every differing cell, up to a limit), never as pytest's
coloured, truncated dict diff: the message reads the same in a terminal, a CI log or a
file.
"""

from __future__ import annotations

KEYS = ("table", "kr_code", "fiscal_year", "quarter", "scope_code", "dimension", "category")
MAX_LINES = 20


def _where(row: dict) -> str:
    parts = []
    if "table" in row:
        parts.append(f"table {row['table']}")
    if "scope_code" in row:
        parts.append(f"scope {row['scope_code']}")
    if "kr_code" in row:
        parts.append(f"KR {row['kr_code']}")
    if "fiscal_year" in row and "quarter" in row:
        parts.append(f"{row['fiscal_year']}-Q{row['quarter']}")
    for k in ("dimension", "category"):
        if k in row:
            parts.append(f"{k} {row[k]}")
    return ", ".join(parts) or "row"


def _key(row: dict) -> tuple:
    return tuple(row.get(k, "") for k in KEYS)


def differences(got: list[dict], expected: list[dict], name: str = "table") -> list[str]:
    """One plain line per differing cell, missing row or extra row (empty: equal)."""
    lines: list[str] = []
    got_by = {_key(r): r for r in got}
    exp_by = {_key(r): r for r in expected}
    for key, e in exp_by.items():
        g = got_by.get(key)
        if g is None:
            lines.append(f"{name}: {_where(e)}: row missing (expected {e})")
            continue
        for col in e:
            if g.get(col) != e[col]:
                lines.append(f"{name}: {_where(e)}: column '{col}': expected {e[col]!r}, "
                             f"got {g.get(col)!r}")
        for col in g.keys() - e.keys():
            lines.append(f"{name}: {_where(e)}: unexpected column '{col}'")
    for key, g in got_by.items():
        if key not in exp_by:
            lines.append(f"{name}: {_where(g)}: unexpected row {g}")
    if not lines and [_key(r) for r in got] != [_key(r) for r in expected]:
        lines.append(f"{name}: same rows in a different order")
    if not lines and len(got) != len(expected):
        lines.append(f"{name}: {len(got)} rows, expected {len(expected)} (duplicate keys)")
    return lines


def assert_same_rows(got: list[dict], expected: list[dict], name: str = "table") -> None:
    """Fail with a plain message listing what differs (scope, column, expected, got)."""
    lines = differences(got, expected, name)
    if lines:
        more = f"\n... and {len(lines) - MAX_LINES} more" if len(lines) > MAX_LINES else ""
        raise AssertionError(f"{len(lines)} difference(s):\n" + "\n".join(lines[:MAX_LINES])
                             + more)
