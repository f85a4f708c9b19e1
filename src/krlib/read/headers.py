"""The header row: found among the top rows (title rows may stand above it), its cells
matched to the contract's columns (English, Thai, aliases), or the missing ones named."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from krlib.contract.schema import TableSpec
from krlib.errors import InputError
from krlib.read.text import normalise_text

#: Up to this many title rows may stand above the header row.
MAX_TITLE_ROWS = 10


_HEADER_NOISE = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")


def header_key(text: str) -> str:
    """A header as compared: value rules, then case, spaces, underscores, hyphens ignored."""
    return _HEADER_NOISE.sub("", normalise_text(str(text))).casefold()


def _header_lookup(spec: TableSpec) -> dict[str, str]:
    lookup = {}
    for col in spec.columns:
        for header in (col.name, col.th, *col.aliases):
            lookup[header_key(header)] = col.name
    return lookup


def _trimmed(row: list[str]) -> list[str]:
    """A row without its trailing empty cells (bounds the width of header candidates)."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


@dataclass
class Header:
    idx: int
    mapping: dict[int, str]
    candidates: dict[str, list[int]]
    ignored: list[str]
    width: int
    cells: list[str]


def match_header(grid: list[list[str]], spec: TableSpec) -> tuple[Header | None, set[str]]:
    """First row among the top rows holding every required column; else the best columns."""
    lookup = _header_lookup(spec)
    best: set[str] = set()
    for idx, row in enumerate(grid[:MAX_TITLE_ROWS + 1]):
        row = _trimmed(row)
        candidates: dict[str, list[int]] = {}
        for pos, cell in enumerate(row):
            name = lookup.get(header_key(cell)) if cell else None
            if name is not None:
                candidates.setdefault(name, []).append(pos)
        if set(spec.required) <= set(candidates):
            order = {n: i for i, n in enumerate(spec.names)}
            candidates = dict(sorted(candidates.items(), key=lambda kv: order[kv[0]]))
            mapping = {pos[0]: name for name, pos in candidates.items()}
            known = {p for pos in candidates.values() for p in pos}
            ignored = [normalise_text(c) for pos, c in enumerate(row)
                       if pos not in known and normalise_text(c)]
            return Header(idx, mapping, candidates, ignored, len(row), row), set()
        if len(candidates) > len(best):
            best = set(candidates)
    return None, best


def missing_columns(path: Path, spec: TableSpec, found: set[str], extra_en: str = ""
                    ) -> InputError:
    missing = [c for c in spec.required if c not in found]
    th = {c.name: c.th for c in spec.columns}
    names = ", ".join(f"{c} ({th[c]})" for c in missing)
    return InputError(path, f"ไม่พบคอลัมน์ที่จำเป็น {names}",
                      f"required column missing: {names}{extra_en}", column=missing[0],
                      fix="add the column with its English or Thai header "
                          "/ เพิ่มคอลัมน์โดยใช้ชื่อภาษาอังกฤษหรือภาษาไทย")
