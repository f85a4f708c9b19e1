"""One exception family, each with the exit code the ``krlib`` command returns.

- :class:`KrlibError` (exit 2): a problem the user can fix, explained in one line
  (Thai / English): :class:`InputError` (a data file), :class:`OptionError` (an option),
  :class:`DefinitionError` (a KR definition file).
- :class:`SetupError` (exit 4): the machine lacks something krlib needs (a system tool
  such as pdftotext, a font package); the message says how to install it.
- Anything else is an internal error: the CLI prints one line and exits 1.
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes of the ``krlib`` command (3 = warnings under ``--strict``).
EXIT_INTERNAL, EXIT_USER, EXIT_STRICT, EXIT_SETUP = 1, 2, 3, 4


class KrlibError(Exception):
    """A problem with the input or the options, explained in one line (Thai / English)."""

    exit_code = EXIT_USER


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

    exit_code = EXIT_STRICT

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"--strict: {count} คำเตือน (ดูด้านบน) / {count} warning(s), see above")


class DefinitionError(KrlibError):
    """A KR definition file (``krs/*.yaml``) that does not load or does not validate.

    The message names the file and the field (dotted, e.g. ``cohort.where.eligibility``).
    """

    def __init__(self, path: Path | str, field: str, problem_th: str, problem_en: str) -> None:
        self.path = Path(path)
        self.field = field
        where = f"{self.path}" + (f", field '{field}'" if field else "")
        super().__init__(f"{where}: {problem_th} / {problem_en}")


class SetupError(KrlibError):
    """A missing system tool or package; the message says how to install it."""

    exit_code = EXIT_SETUP
