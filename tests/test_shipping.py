"""A shipped job: bytes in, bytes out, refused by another krlib version (no kernel)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from krlib.batch import executors
from krlib.batch.executors import JobResult, run_shipped, unship
from krlib.batch.shipping import ShippedJob, VersionMismatch, slice_prepared, write_outputs


def _job(version: str | None = None) -> ShippedJob:
    job = ShippedJob("1002", "t", {"prepared": "prepared.json", "district": "1002"},
                     b'{"cells": []}', b'{"p": 1}')
    if version:
        job.krlib_version = version
    return job


def test_job_bytes_in_bytes_out(monkeypatch, tmp_path):
    seen = {}

    def fake(job):
        folder = Path(job.folder)
        seen["inputs"] = (Path(job.notebook).read_bytes(), (folder / "prepared.json").read_bytes())
        (folder / "notebooks").mkdir()
        (folder / "notebooks" / "1002.ipynb").write_bytes(b"nb")
        (folder / "1002.html").write_bytes(b"<p>")
        return JobResult(job.scope, True, 0.5)

    monkeypatch.setattr(executors, "execute_job", fake)
    shipped = pickle.loads(pickle.dumps(_job()))  # travels as bytes
    out = pickle.loads(pickle.dumps(run_shipped(shipped)))
    assert seen["inputs"] == (b'{"cells": []}', b'{"p": 1}')
    assert out.ok and out.outputs == {"1002.html": b"<p>", "notebooks/1002.ipynb": b"nb"}
    res = unship(out, tmp_path)
    assert Path(res.html).read_bytes() == b"<p>" and Path(res.ipynb).read_bytes() == b"nb"
    assert Path(res.html).parent == tmp_path


def test_another_krlib_version_is_refused(monkeypatch):
    monkeypatch.setattr(executors, "execute_job", lambda job: pytest.fail("ran"))
    with pytest.raises(VersionMismatch, match="runs krlib .*the coordinator krlib 0.0.9"):
        run_shipped(_job("0.0.9"))


def test_slice_keeps_results_and_the_scopes_rows():
    doc = {"results": [{"scope_code": "1001"}, {"scope_code": "1002"}],
           "breakdown": [{"scope_code": "1001"}, {"scope_code": "1002"}],
           "district_quality": [{"district": "1002"}, {"district": "1003"}]}
    part = json.loads(slice_prepared(doc, "1002"))
    assert part["results"] == doc["results"]
    assert part["breakdown"] == [{"scope_code": "1002"}]
    assert part["district_quality"] == [{"district": "1002"}]


def test_outputs_outside_the_folder_are_refused(tmp_path):
    with pytest.raises(ValueError, match="outside"):
        write_outputs(tmp_path, {"../x.html": b""})
