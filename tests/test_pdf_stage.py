"""The batch prints each PDF as its report arrives, while the other notebooks run.

A stand-in executor (registered like ``local`` and ``dask``) writes each report's HTML
and hands it over; a stand-in printer writes a PDF for it. No kernel and no browser:
these tests are about the order of the work, and about a failed PDF failing its scope
only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from krlib.batch import executors
from krlib.batch import run as batch
from krlib.batch.executors import JobResult
from krlib.render import export as render


class FakePrinter:
    opened = 0
    closed = 0
    printed: list[str] = []
    fail_for: set[str] = set()

    def __enter__(self):
        FakePrinter.opened += 1
        return self

    def __exit__(self, *exc):
        FakePrinter.closed += 1

    def print(self, html: Path, pdf: Path) -> Path:
        if html.stem in self.fail_for:
            raise RuntimeError("page crashed")
        FakePrinter.printed.append(html.stem)
        pdf.write_bytes(b"%PDF-1.4 " + html.read_bytes()[:20])
        return pdf


@pytest.fixture(autouse=True)
def fake_printer(monkeypatch):
    FakePrinter.opened = FakePrinter.closed = 0
    FakePrinter.printed = []
    FakePrinter.fail_for = set()
    monkeypatch.setattr(render, "PdfPrinter", FakePrinter)
    monkeypatch.setattr(render, "chromium_path", lambda: "/usr/bin/chromium")


@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> Path:
    from krlib.demo import write_demo_drop

    out = tmp_path_factory.mktemp("stage-drop")
    write_demo_drop(out, seed=5, scale=0.2, fmt="csv")
    return out


def test_each_pdf_is_printed_before_the_next_report_is_rendered(drop, tmp_path, monkeypatch):
    seen_before: dict[str, list[str]] = {}

    def run(jobs, progress, workers=None, scheduler=None):
        results = []
        for job in jobs:
            seen_before[job.scope] = list(FakePrinter.printed)
            page = Path(job.folder) / f"{job.scope}.html"
            page.write_text(f"<p>{job.scope}</p>", encoding="utf-8")
            results.append(JobResult(job.scope, ok=True, seconds=0.0, html=str(page)))
            progress(results[-1])
        return results

    monkeypatch.setitem(executors.EXECUTORS, "in-order", run)
    res = batch.run_report(drop, 2568, 2, ["1001", "1002", "BMA"], ["html", "pdf"],
                           tmp_path / "out", executor="in-order", show_progress=False)
    assert not res.failed
    assert seen_before == {"1001": [], "1002": ["1001"], "BMA": ["1001", "1002"]}
    assert FakePrinter.opened == FakePrinter.closed == 1  # one browser for the batch
    assert all(Path(r.pdf).is_file() and Path(r.pdf).parent == res.folder for r in res.results)


def test_a_failed_pdf_fails_its_scope_only(drop, tmp_path, monkeypatch):
    def run(jobs, progress, workers=None, scheduler=None):
        results = []
        for job in jobs:
            ok = job.scope != "1002"  # this notebook failed: nothing to print
            page = Path(job.folder) / f"{job.scope}.html"
            if ok:
                page.write_text("<p>x</p>", encoding="utf-8")
            results.append(JobResult(job.scope, ok=ok, seconds=0.0,
                                     html=str(page) if ok else "",
                                     error="" if ok else "ValueError: broken"))
            progress(results[-1])
        return results

    monkeypatch.setitem(executors.EXECUTORS, "in-order", run)
    FakePrinter.fail_for = {"1003"}
    res = batch.run_report(drop, 2568, 2, ["1001", "1002", "1003", "BMA"], ["pdf"],
                           tmp_path / "out", executor="in-order", show_progress=False)
    by_scope = {r.scope: r for r in res.results}
    assert by_scope["1003"].ok is False
    assert by_scope["1003"].error == "PDF: RuntimeError: page crashed"
    assert by_scope["1002"].error == "ValueError: broken"
    assert FakePrinter.printed == ["1001", "BMA"]
    assert res.folder.name.endswith(".failed")  # kept beside the last complete run
    assert sorted(p.name for p in res.folder.glob("*.pdf")) == ["1001.pdf", "BMA.pdf"]
    assert not list(res.folder.glob("10*.html"))  # --format pdf: the HTML is not kept


def test_no_browser_is_started_when_nothing_rendered(drop, tmp_path, monkeypatch):
    def run(jobs, progress, workers=None, scheduler=None):
        results = [JobResult(j.scope, ok=False, seconds=0.0, error="E: x") for j in jobs]
        for r in results:
            progress(r)
        return results

    monkeypatch.setitem(executors.EXECUTORS, "in-order", run)
    batch.run_report(drop, 2568, 2, ["1001"], ["html", "pdf"], tmp_path / "out",
                     executor="in-order", show_progress=False)
    assert FakePrinter.opened == 0


@pytest.mark.slow
@pytest.mark.browser
def test_one_worker_runs_its_notebooks_beside_the_browser(drop, tmp_path, monkeypatch):
    """--workers 1 runs the notebooks in this process: papermill then shares it with the
    browser's driver, started at the first report. The real printer, the real kernel."""
    monkeypatch.undo()  # the real PdfPrinter and chromium_path
    try:
        render.chromium_path()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(str(exc))
    res = batch.run_report(drop, 2568, 2, ["1001", "1002", "BMA"], ["html", "pdf"],
                           tmp_path / "out", workers=1, show_progress=False)
    assert not res.failed
    for r in res.results:
        assert Path(r.pdf).read_bytes().startswith(b"%PDF")
