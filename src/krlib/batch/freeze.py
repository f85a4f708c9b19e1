"""Incremental re-render (as Quarto's ``freeze`` and make's dependency rule): a batch
reuses a scope's report from the previous complete run in ``--out`` when everything its
notebook reads is unchanged.

:func:`scope_key` is a SHA-256 of what one scope's report is made of: the notebook, its
parameters and title, the formats, krlib's version, git commit and installed source
(code and templates), the generation time when ``SOURCE_DATE_EPOCH`` fixes it, and the
scope's part of ``prepared.json`` (:func:`krlib.report.view.scope_inputs`). That part is
conservative: the whole prepared file, except that a district's holds the per-district
tables' rows of itself and of Bangkok only, of the other districts just the numbers its
report shows of them (its rank, the ties, how many districts meet the target, how many
are ranked), and the input files without their SHA-256 (a district report shows the
SHA-256 of this part instead). Bangkok's holds everything, so Bangkok re-renders whenever
any district changed. What is not known to be per district (the Bangkok-wide data
quality, rows read per file, warnings, definitions) stays whole in every key: a report
is never reused when its bytes could differ from a fresh render.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from krlib.compute.prepare import Prepared

KEY_FORMAT = "krlib-scope-key/1"


@cache
def source_digest() -> str:
    """SHA-256 over krlib's installed files (code, templates, fonts): an edit to the
    code that renders a report changes every key, even without a new version or commit."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def scope_key(prep: Prepared, doc: Mapping[str, Any], scope: str, notebook: Path,
              parameters: Mapping[str, object], title: str, formats: Iterable[str]) -> str:
    """The SHA-256 naming everything one scope's report is made of."""
    from krlib.outputs.manifest import sha256_file
    from krlib.outputs.provenance import version_info
    from krlib.report.view import scope_inputs

    part = {"format": KEY_FORMAT, **version_info(), "source": source_digest(),
            "notebook": sha256_file(Path(notebook)), "parameters": dict(parameters),
            "title": title, "formats": sorted(formats),
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", "").strip() or None,
            "prepared": scope_inputs(prep, scope, dict(doc))}
    text = json.dumps(part, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scope_files(scope: str, formats: Iterable[str]) -> list[str]:
    """The files a batch writes for one scope, relative to its folder."""
    formats = set(formats)
    return ([f"notebooks/{scope}.ipynb"] + ([f"{scope}.html"] if "html" in formats else [])
            + ([f"{scope}.pdf"] if "pdf" in formats else []))


def previous_run(final: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(scope keys, output SHA-256s) of the complete run in ``final``; empty when there is
    none or its manifest is not readable (then nothing is reused)."""
    try:
        doc = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
        keys = doc["parameters"].get("scope_keys") or {}
        outputs = doc["outputs"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}
    if not (isinstance(keys, dict) and isinstance(outputs, dict)):
        return {}, {}
    return keys, outputs


def reuse(final: Path, folder: Path, scope: str, key: str, formats: Iterable[str],
          old_keys: Mapping[str, str], old_outputs: Mapping[str, str]) -> dict[str, str] | None:
    """Copy the scope's files from the previous run ``final`` into ``folder`` when its key
    is the same and every file is there with the SHA-256 its manifest recorded; returns
    {"html"|"ipynb"|"pdf": path in folder}, or None (render it)."""
    from krlib.outputs.manifest import sha256_file

    if old_keys.get(scope) != key:
        return None
    names = scope_files(scope, formats)
    for name in names:
        src = final / name
        if name not in old_outputs or not src.is_file() or sha256_file(src) != old_outputs[name]:
            return None
    paths: dict[str, str] = {}
    for name in names:
        dst = folder / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(final / name, dst)
        paths[Path(name).suffix.lstrip(".")] = str(dst)
    return paths
