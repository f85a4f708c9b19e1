"""Audit outputs for personal data (Thailand PDPA; drug-treatment records are sensitive).

krlib keeps personal data out by construction: cleaning turns ids into integer codes,
notebooks only see aggregates (:mod:`krlib.compute.prepare`). This module checks the result: it
collects every name, citizen id (as written and normalised), birth date and record id of
a drop, and searches every file of an output folder for them, PDF text layers included.
A finding names the file and the kind of identifier, never the identifier itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from krlib.clean.parse import parse_citizen_ids
from krlib.contract.schema import PERSONAL_COLUMNS
from krlib.errors import SetupError
from krlib.read.drop import read_drop

MIN_LENGTH = 4  # shorter values (e.g. a 3-letter name) would match ordinary words


@dataclass(frozen=True)
class Finding:
    file: str
    kind: str  # the column the identifier came from


def identifiers(data_dir: Path | str) -> dict[str, str]:
    """Every personal value of a drop (as written, and citizen ids normalised) -> column."""
    found: dict[str, str] = {}
    for raw in read_drop(data_dir).values():
        frame = raw.frame
        for col in sorted(PERSONAL_COLUMNS & set(frame.columns)):
            for value in frame[col].unique():
                if len(value) >= MIN_LENGTH and value != "-":
                    found.setdefault(value, col)
            if col == "citizen_id":
                for value in parse_citizen_ids(frame[col]).dropna().unique():
                    found.setdefault(value, col)
    return found


def file_text(path: Path) -> str:
    """A file's text: PDFs through pdftotext (spaces removed, as Thai may gain some)."""
    if path.suffix.lower() == ".pdf":
        if shutil.which("pdftotext") is None:
            raise SetupError("ต้องติดตั้ง pdftotext / pdftotext is needed to scan PDFs: "
                             "bash scripts/setup-system.sh (poppler-utils)")
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
        return out + "\n" + re.sub(r"\s+", "", out)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".zip"):
        return zip_text(path)
    return path.read_bytes().decode("utf-8", errors="replace")


def zip_text(path: Path) -> str:
    """Every member of a zip container (xlsx, ods) decompressed: the compressed bytes
    would hide any identifier from the search. XML entities are decoded too."""
    import html
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            parts = [z.read(n).decode("utf-8", errors="replace") for n in sorted(z.namelist())]
    except zipfile.BadZipFile:
        return path.read_bytes().decode("utf-8", errors="replace")
    text = "\n".join(parts)
    return text + "\n" + html.unescape(text)


def scan(folder: Path | str, ids: dict[str, str]) -> list[Finding]:
    """Every (file, kind) under ``folder`` where any identifier of ``ids`` appears."""
    if not ids:
        return []
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    findings = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            kinds = {ids[m.group(0)] for m in pattern.finditer(file_text(path))}
            findings += [Finding(str(path.relative_to(folder)), k) for k in sorted(kinds)]
    return findings
