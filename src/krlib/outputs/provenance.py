"""Where a report comes from: krlib version, git commit, generation time, and the data
folder by its name only (no file a run writes holds a local path).

The generation time honours ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), so the
same inputs and parameters give the same outputs.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from krlib import __version__

BANGKOK_OFFSET_HOURS = 7


def generated_at() -> datetime:
    """Now, or the instant ``SOURCE_DATE_EPOCH`` names (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


@cache
def git_commit() -> str | None:
    """The commit of the krlib source tree when it is a git checkout (``KRLIB_GIT_COMMIT`` wins)."""
    if env := os.environ.get("KRLIB_GIT_COMMIT"):
        return env
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    if out.returncode != 0 or not commit:
        return None
    dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "."],
                           capture_output=True, text=True, timeout=5, check=False)
    return commit + ("-dirty" if dirty.stdout.strip() else "")


def data_folder_name(data_dir: Path | str) -> str:
    """The data folder's own name (``demo`` for ``/home/x/drops/demo`` or ``data/demo``):
    what reports, notebooks and manifests say of it, never the path that leads to it."""
    path = Path(str(data_dir))
    return path.name if path.name not in ("", "..") else path.resolve().name


def version_info() -> dict[str, str | None]:
    return {"krlib_version": __version__, "git_commit": git_commit()}
