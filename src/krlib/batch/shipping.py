"""A report job as bytes, for workers that do not share the coordinator's disk.

The Dask executor sends each job's inputs (:class:`ShippedJob`: the notebook, its
parameters, the scope's slice of ``prepared.json``, krlib's version) and gets its outputs
back as ``{relative path: bytes}``; the coordinator writes them into the staging folder
(:func:`write_outputs`) and publishes the run as the local executor's. The job function
itself is :func:`krlib.batch.executors.run_shipped`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from krlib import __version__
from krlib.errors import SetupError

#: prepared.json's tables with one row per scope that a report filters to its own scope
#: (``krlib.report.view``): only that scope's rows travel. ``results`` travels whole
#: (a district's report ranks every district), as do the city-wide tables.
SCOPED_TABLES = {"breakdown": "scope_code", "disaggregation": "scope_code",
                 "timeliness": "scope_code", "district_quality": "district"}


class VersionMismatch(SetupError):
    """A worker runs another krlib than the coordinator (exit 4)."""


@dataclass
class ShippedJob:
    """Everything a worker needs to render one report, with no path on the coordinator."""

    scope: str
    title: str
    parameters: dict[str, Any]
    notebook: bytes
    prepared: bytes  # this scope's slice of prepared.json (parameters["prepared"] names it)
    krlib_version: str = __version__


@dataclass
class ShippedResult:
    """What a worker sends back: the outcome, and the files it wrote (relative paths)."""

    scope: str
    ok: bool
    seconds: float
    error: str = ""
    retried: str = ""
    outputs: dict[str, bytes] = field(default_factory=dict)


def slice_prepared(doc: dict[str, Any], scope: str) -> bytes:
    """``prepared.json`` as the report of ``scope`` reads it (``doc``: the parsed file),
    written as :meth:`krlib.compute.prepare.Prepared.to_json` writes it."""
    part = dict(doc)
    for table, column in SCOPED_TABLES.items():
        if table in part:
            part[table] = [r for r in part[table] if str(r.get(column)) == scope]
    return json.dumps(part, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def check_version(version: str, where: str) -> None:
    """Refuse a job packed by another krlib version (its notebooks would differ)."""
    if version != __version__:
        raise VersionMismatch(
            f"krlib {__version__} บน Dask worker {where} ไม่ตรงกับ krlib {version} "
            "ของเครื่องที่สั่งงาน / "
            f"the Dask worker {where} runs krlib {__version__}, the coordinator krlib "
            f"{version}: install the same krlib on every worker")


def collect_outputs(folder: Path, skip: set[str]) -> dict[str, bytes]:
    """Every file under ``folder`` but ``skip`` (relative POSIX paths), as bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() not in skip}


def write_outputs(folder: Path, outputs: dict[str, bytes]) -> dict[str, Path]:
    """Write a job's outputs under ``folder``; a path leaving it is refused."""
    written = {}
    for rel, data in outputs.items():
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            raise ValueError(f"a worker returned an output outside the folder: {rel!r}")
        path = folder.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[rel] = path
    return written
