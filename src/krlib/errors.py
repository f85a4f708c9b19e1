"""Errors a user can fix. The CLI prints each as one line and exits with code 2."""

from __future__ import annotations

from pathlib import Path


class KrlibError(Exception):
    """A problem with the input or the options, explained in one line (Thai / English)."""

    exit_code = 2


class InputError(KrlibError):
    """A data file that cannot be read as the contract requires.

    The message names the file, the column when there is one, and what to do.
    """

    def __init__(self, path: Path | str, problem_th: str, problem_en: str,
                 *, column: str | None = None, fix: str = "") -> None:
        self.path = Path(path)
        self.column = column
        where = f"{self.path}" + (f", column '{column}'" if column else "")
        text = f"{where}: {problem_th} / {problem_en}"
        if fix:
            text += f" — {fix}"
        super().__init__(text)


class OptionError(KrlibError):
    """An option value that is out of range (quarter 7, fiscal year 1999, unknown district)."""


class StrictWarningError(KrlibError):
    """``--strict`` was given and the run raised warnings: exit code 3 (outputs of
    ``krlib indicators`` are written first; ``krlib report`` stops before rendering)."""

    exit_code = 3

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"--strict: {count} คำเตือน (ดูด้านบน) / {count} warning(s), see above")
