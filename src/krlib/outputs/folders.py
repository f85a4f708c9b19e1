"""The one check of a folder a command writes into: ``krlib indicators --out``, ``krlib
report --out``, the folder of ``krlib worklist --out FILE`` and ``krlib demo-data OUT_DIR``.

Every refusal is an :class:`~krlib.errors.OptionError` (exit 2): one Thai / English line
naming the option, the value and what to do. :func:`check_output_folder` refuses before
anything is read or written; :func:`make_output_folder` creates the folder when the
command writes; :func:`write_error` turns a write that failed on the device (full,
read-only) into the same kind of line.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from krlib.errors import OptionError

#: errno values of a write that failed because of the device, not of krlib.
DEVICE_ERRORS = {errno.ENOSPC: "ไม่มีพื้นที่ว่าง / no space left on the device",
                 errno.EDQUOT: "เกินโควตา / disk quota exceeded",
                 errno.EROFS: "อ่านได้อย่างเดียว / the file system is read-only",
                 errno.EACCES: "ไม่มีสิทธิ์เขียน / permission denied",
                 errno.EPERM: "ไม่มีสิทธิ์เขียน / permission denied"}


def check_output_folder(folder: Path, option: str = "--out", *, data_dir: Path | None = None,
                        may_hold_data: bool = False, must_exist: bool = False,
                        value: str | None = None) -> Path:
    """The resolved ``folder``, or OptionError when a command may not write there.

    Refused: the data folder itself or a folder inside it (outputs beside personal data,
    hashed with it into a manifest); a folder containing the data folder (unless
    ``may_hold_data``: a worklist file may sit above the drop); a path that is a file or
    lies below a file; a folder that cannot be created (or, with ``must_exist``, does not
    exist) or written into. Nothing is created (:func:`make_output_folder` does that).
    ``value``: what the user gave, if not ``folder`` itself (a worklist's file name).
    """
    given = value or folder
    root = Path(folder).resolve()
    it = f"{root} " if value else ""  # the folder, when the user named a file in it
    if data_dir is not None:
        data = Path(data_dir).resolve()
        if root == data or root.is_relative_to(data):
            raise OptionError(f"{option} {given}: {it}อยู่ในโฟลเดอร์ข้อมูล / {it}is inside the "
                              f"data folder {data_dir} (or is it): choose a folder outside the "
                              "drop")
        if not may_hold_data and data.is_relative_to(root):
            raise OptionError(f"--data {data_dir} อยู่ในโฟลเดอร์ผลลัพธ์ / is inside the output "
                              f"folder {option} {given}: choose an output folder that does not "
                              "contain the drop")
    if root.exists() and not root.is_dir():
        raise OptionError(f"{option} {given}: {it}เป็นไฟล์ ไม่ใช่โฟลเดอร์ / {it}is a file, not a "
                          "folder: give a folder" + ("" if must_exist else
                                                     " (it is created if needed)"))
    existing = root
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        what = (f"{root} is not a folder" if must_exist
                else "cannot create the folder below a file")
        raise OptionError(f"{option} {given}: {existing} เป็นไฟล์ / {what} ({existing} is a "
                          "file): give a folder whose parents are folders")
    if existing != root and must_exist:
        raise OptionError(f"{option} {given}: ไม่พบโฟลเดอร์ {root} / folder does not exist: "
                          "create it first")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = ("cannot write into the folder" if existing == root
                else f"cannot create the folder in {existing}")
        raise OptionError(f"{option} {given}: เขียนไม่ได้ / {what} ({_why(existing)}): give "
                          "a writable folder")
    return root


def make_output_folder(folder: Path, option: str = "--out") -> Path:
    """Create ``folder`` and its parents (if needed); a failure is the one-line error."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OptionError(f"{option} {folder}: สร้างโฟลเดอร์ไม่ได้ / cannot create the folder "
                          f"({exc.strerror or type(exc).__name__}): give a writable folder"
                          ) from None
    return Path(folder)


def device_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` when a write failed because the device is full or
    read-only (or forbids it): ``exc`` itself, or the error it was raised from (a library
    may wrap it: xlsxwriter's FileCreateError). An interrupt is never one."""
    if not isinstance(exc, Exception) or isinstance(exc, OptionError):
        return None
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, OSError) and seen.errno in DEVICE_ERRORS:
            return seen
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    return None


def is_device_error(exc: BaseException) -> bool:
    """A write that failed because the device is full or read-only (:func:`device_error`)."""
    return device_error(exc) is not None


def write_error(exc: BaseException, folder: Path, option: str = "--out",
                kept: str = "") -> OptionError:
    """The one line for a write into ``folder`` that failed on the device (``exc``)."""
    err = device_error(exc)
    what = DEVICE_ERRORS[err.errno] if err is not None and err.errno else str(exc)
    name = f" ({Path(err.filename).name})" if err is not None and err.filename else ""
    return OptionError(f"{option} {folder}: เขียนไม่สำเร็จ / writing failed{name}: {what} — "
                       f"free some space or give another folder{kept}")


def _why(path: Path) -> str:
    """Why ``path`` cannot be written: a read-only file system or the permissions."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except OSError:
        pass
    return "permission denied"
