"""The output folder always holds one complete run: staging, publication, failed runs,
interrupted runs and stale leftovers, with the rendering itself replaced by a stub."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from krlib.batch import run as batch
from krlib.batch.executors import JobResult

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "contract_example" / "drop"
LABEL = "2568-Q2"


@pytest.fixture
def drop(tmp_path) -> Path:
    out = tmp_path / "drop"
    shutil.copytree(EXAMPLE, out)
    return out


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _stub(outcome: str):
    """A stand-in for the rendering stage: writes a file, then ends as ``outcome``."""
    def render(data_dir, period, scopes, formats, folder, *rest, **options):
        (folder / "run.txt").write_text(outcome, encoding="utf-8")
        (folder / "1001.html").write_text("page", encoding="utf-8")
        if outcome == "interrupt":
            raise KeyboardInterrupt
        if outcome == "crash":
            raise RuntimeError("boom")
        ok = outcome == "ok"
        return batch.BatchResult(folder, [JobResult("1001", ok, 0.1, "" if ok else "err",
                                                    html=str(folder / "1001.html"))])
    return render


def _run(monkeypatch, drop: Path, out: Path, outcome: str) -> batch.BatchResult:
    monkeypatch.setattr(batch, "_render", _stub(outcome))
    return batch.run_report(drop, 2568, 2, ["1001"], ["html"], out, workers=1,
                            show_progress=False)


def test_success_replaces_the_previous_run_in_one_step(monkeypatch, drop, tmp_path):
    out = tmp_path / "out"
    (out / LABEL).mkdir(parents=True)
    (out / LABEL / "old.txt").write_text("old", encoding="utf-8")
    (out / f"{LABEL}.failed").mkdir()
    result = _run(monkeypatch, drop, out, "ok")
    assert result.folder == out / LABEL
    assert (out / LABEL / "run.txt").read_text("utf-8") == "ok"
    assert not (out / LABEL / "old.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == [LABEL]  # .failed superseded, no staging
    assert result.results[0].html == str((out / LABEL / "1001.html").resolve())


def test_failed_scopes_keep_the_previous_run(monkeypatch, drop, tmp_path):
    out = tmp_path / "out"
    (out / LABEL).mkdir(parents=True)
    (out / LABEL / "old.txt").write_text("old", encoding="utf-8")
    (out / f"{LABEL}.failed").mkdir()
    (out / f"{LABEL}.failed" / "older.txt").write_text("x", encoding="utf-8")
    result = _run(monkeypatch, drop, out, "failed")
    assert result.folder == out / f"{LABEL}.failed"
    assert (out / LABEL / "old.txt").exists()
    assert (out / f"{LABEL}.failed" / "run.txt").read_text("utf-8") == "failed"
    assert not (out / f"{LABEL}.failed" / "older.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == [LABEL, f"{LABEL}.failed"]


@pytest.mark.parametrize("outcome, error", [("interrupt", KeyboardInterrupt),
                                            ("crash", RuntimeError)])
def test_interrupted_or_crashed_run_leaves_nothing(monkeypatch, drop, tmp_path, outcome, error):
    out = tmp_path / "out"
    (out / LABEL).mkdir(parents=True)
    (out / LABEL / "old.txt").write_text("old", encoding="utf-8")
    with pytest.raises(error):
        _run(monkeypatch, drop, out, outcome)
    assert sorted(p.name for p in out.iterdir()) == [LABEL]
    assert sorted(p.name for p in (out / LABEL).iterdir()) == ["old.txt"]


def test_stale_leftovers_of_killed_runs_are_swept(tmp_path):
    dead = _dead_pid()
    (tmp_path / f".{LABEL}.tmp-{dead}").mkdir()
    (tmp_path / f".{LABEL}.tmp-{os.getpid()}").mkdir()  # a live run: not touched
    (tmp_path / f".{LABEL}.old-{dead}").mkdir()  # killed between the two renames
    (tmp_path / f".{LABEL}.old-{dead}" / "prev.txt").write_text("p", encoding="utf-8")
    (tmp_path / f".2568-Q3.tmp-{dead}").mkdir()  # another quarter: not this run's business
    batch._sweep_stale(tmp_path, LABEL)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [LABEL, f".{LABEL}.tmp-{os.getpid()}", f".2568-Q3.tmp-{dead}"])
    assert (tmp_path / LABEL / "prev.txt").exists()  # the previous run is back


def test_publish_without_a_previous_run(tmp_path):
    staging = tmp_path / ".x.tmp-1"
    staging.mkdir()
    (staging / "a").write_text("a", encoding="utf-8")
    assert batch.publish(staging, tmp_path / "x") == tmp_path / "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_failed_first_run_removes_the_root_it_created(monkeypatch, drop, tmp_path):
    out = tmp_path / "new" / "out"
    with pytest.raises(KeyboardInterrupt):
        _run(monkeypatch, drop, out, "interrupt")
    assert not out.exists() and (tmp_path / "new").exists()


def test_one_run_at_a_time_per_period_and_output_root(tmp_path):
    from krlib.errors import OptionError

    with batch.run_lock(tmp_path, LABEL):
        assert (tmp_path / f".{LABEL}.lock").read_text().strip() == str(os.getpid())
        with pytest.raises(OptionError, match=f"another krlib report \\(pid {os.getpid()}\\)"):
            with batch.run_lock(tmp_path, LABEL):
                pass
        with batch.run_lock(tmp_path, "2568-Q3"):  # another quarter: its own lock
            pass
    assert list(tmp_path.iterdir()) == []  # the lock file goes with the run
    (tmp_path / f".{LABEL}.lock").write_text("999999\n")  # left by a killed run: no lock held
    with batch.run_lock(tmp_path, LABEL):
        pass


def test_a_second_run_is_refused_before_it_touches_the_folder(monkeypatch, drop, tmp_path):
    out = tmp_path / "out"
    (out / LABEL).mkdir(parents=True)
    (out / LABEL / "old.txt").write_text("old", encoding="utf-8")
    with batch.run_lock(out, LABEL):
        with pytest.raises(batch.OptionError, match="another krlib report"):
            _run(monkeypatch, drop, out, "ok")
        assert sorted(p.name for p in out.iterdir()) == [f".{LABEL}.lock", LABEL]
    assert (out / LABEL / "old.txt").exists()
