"""``manifest.json``: what an output folder was made from and what it holds.

Inputs (file, SHA-256, rows), parameters, krlib version and git commit, and the SHA-256
of every output file. :func:`verify` re-checks a folder against its manifest and names
every file that changed, is missing or was added.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from krlib.outputs.provenance import generated_at, version_info

MANIFEST = "manifest.json"
FORMAT = "krlib-manifest/1"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def output_files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but the manifest itself: relative path -> SHA-256."""
    return {p.relative_to(folder).as_posix(): sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST
            and p.relative_to(folder).as_posix() != MANIFEST}


def write_manifest(folder: Path | str, inputs: Sequence[Mapping[str, object]],
                   parameters: Mapping[str, object],
                   warnings: Sequence[Mapping[str, object]] | None = None) -> Path:
    """Write ``folder``/manifest.json; ``warnings`` (:mod:`krlib.compute.alerts` dicts)
    under "warnings"."""
    folder = Path(folder)
    doc: dict[str, object] = {
        "format": FORMAT,
        **version_info(),
        "generated_at": generated_at().isoformat(),
        "parameters": parameters,
        "inputs": inputs,
        "outputs": output_files(folder),
    }
    if warnings is not None:
        doc["warnings"] = warnings
    path = folder / MANIFEST
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


@dataclass
class Verification:
    folder: Path
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)

    def lines(self) -> list[str]:
        return ([f"changed: {p}" for p in self.changed] + [f"missing: {p}" for p in self.missing]
                + [f"added: {p}" for p in self.added])


def verify(folder: Path | str) -> Verification:
    """Compare ``folder`` with its manifest.json (raises KrlibError if there is none)."""
    from krlib.errors import InputError

    folder = Path(folder)
    path = folder / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        recorded: dict[str, str] = doc["outputs"]
    except FileNotFoundError:
        raise InputError(path, "ไม่พบ manifest.json", "no manifest.json in this folder",
                         fix="give a folder written by krlib indicators or krlib report") from None
    except (ValueError, KeyError, TypeError):
        raise InputError(path, "manifest.json เสียหาย", "manifest.json is not a krlib manifest",
                         fix="re-create the folder with krlib") from None
    actual = output_files(folder)
    return Verification(
        folder,
        changed=sorted(p for p in recorded if p in actual and actual[p] != recorded[p]),
        missing=sorted(p for p in recorded if p not in actual),
        added=sorted(p for p in actual if p not in recorded),
    )
