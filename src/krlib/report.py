"""Render the quarterly batch: one papermill-executed notebook per scope -> HTML (+ PDF).

The drop is read and cleaned once; its aggregates (``prepared.json``, no personal
data) are shared with every notebook. Notebooks run in parallel worker processes, each
keeping one Jupyter kernel alive for all its reports (kernel start and imports are most
of a report's cost). A failing scope does not stop the batch. PDFs are printed by one
browser for the whole batch.

The parts live by concept: :mod:`krlib.batch` (``run_report``: the stages and the output
folder), :mod:`krlib.executors` (``EXECUTORS``: where notebooks run), :mod:`krlib.kernels`
(``KernelPool``: kernels kept alive), :mod:`krlib.interrupt` (Ctrl-C and SIGTERM). This
module keeps the option parsers and the index page, and re-exports the public names.
"""

from __future__ import annotations

from pathlib import Path

from krlib.batch import BatchResult, default_notebook, run_report
from krlib.errors import OptionError
from krlib.executors import (
    CELL_TIMEOUT,
    EXECUTORS,
    Job,
    JobResult,
    default_workers,
    execute_job,
    run_dask,
    run_local,
    sanitize_notebook,
)
from krlib.kernels import KERNEL_NAME, KernelPool

__all__ = ["BatchResult", "CELL_TIMEOUT", "EXECUTORS", "FORMATS", "Job", "JobResult",
           "KERNEL_NAME", "KernelPool", "NOTEBOOK", "default_workers", "execute_job",
           "failure_lines", "parse_formats", "parse_scopes", "run_dask", "run_local",
           "run_report", "sanitize_notebook", "write_index"]

NOTEBOOK = default_notebook()
FORMATS = ("html", "pdf")


# --- scopes ---------------------------------------------------------------------------

def parse_scopes(text: str) -> list[str]:
    """``all`` (50 districts + BMA) or a comma-separated list of codes / names / BMA."""
    from krlib.indicators import BMA, scopes
    from krlib.present import scope_code

    if text.strip().lower() == "all":
        return list(scopes()["scope_code"])
    out: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            code = scope_code(part)
        except ValueError:
            raise OptionError(f"ไม่รู้จักเขต {part.strip()!r} / unknown district {part.strip()!r}: "
                              "use DOPA codes 1001-1050, district names or BMA, "
                              "comma-separated, or 'all'") from None
        if code not in out:
            out.append(code)
    if not out:
        raise OptionError("ไม่ได้ระบุเขต / --district is empty: give codes, BMA or all")
    return sorted(out, key=lambda c: (c == BMA, c))


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise OptionError(f"รูปแบบไม่รองรับ / unknown --format {text!r}: use html, pdf or html,pdf")
    if "pdf" in formats and "html" not in formats:
        formats.insert(0, "html")  # the PDF is printed from the HTML
    return formats


def write_index(folder: Path, prep, results: list[JobResult], suppress_below: int = 0,
                data_as_of: str = "", compare_old=None) -> Path:
    """index.html (see :mod:`krlib.index_page`)."""
    from krlib.index_page import write_index as write

    return write(folder, prep, results, suppress_below, data_as_of, compare_old)


def failure_lines(batch: BatchResult) -> list[str]:
    return [f"{r.scope}: {r.error}" for r in batch.failed]
