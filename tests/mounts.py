"""Small tmpfs mounts for tests of full and read-only disks (root only; skipped otherwise).

``with tmpfs(folder, size="2m") as mnt:`` mounts a tmpfs of that size on ``folder`` and
unmounts it when the block ends; :func:`set_readonly` remounts it read-only (or back).
A test that cannot mount (not root, no CAP_SYS_ADMIN, no ``mount``) is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@contextmanager
def tmpfs(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (created) for the block."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    folder.mkdir(parents=True, exist_ok=True)
    done = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
    if done.returncode != 0:
        pytest.skip(f"mount is not permitted here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        # lazy: a process of a failed test still holding a file must not fail the teardown
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def set_readonly(folder: Path, readonly: bool = True) -> None:
    """Remount the tmpfs on ``folder`` read-only (or read-write again)."""
    done = _mount("-o", f"remount,{'ro' if readonly else 'rw'}", str(folder))
    assert done.returncode == 0, done.stderr
