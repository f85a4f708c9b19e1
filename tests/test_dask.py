"""The Dask executor renders the same reports as the local one (on a LocalCluster)."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.slow
SCOPES = ["1002", "1039", "1050", "BMA"]


@pytest.mark.parametrize("workers, threads", [(2, 1), (1, 2)])
def test_dask_executor_matches_local(tmp_path, monkeypatch, workers, threads):
    """Two worker processes, and one worker running two reports at once on two threads
    (``dask worker``'s default): each thread must have a kernel of its own."""
    from distributed import LocalCluster

    from krlib.batch.run import run_report
    from krlib.demo import write_demo_drop

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    drop = tmp_path / "drop"
    write_demo_drop(drop, seed=3, scale=0.2)
    local = run_report(drop, 2568, 2, SCOPES, ["html"], tmp_path / "local", workers=1,
                       show_progress=False)
    with LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                      dashboard_address=None, env={"SOURCE_DATE_EPOCH": "1767225600"}) as cluster:
        remote = run_report(drop, 2568, 2, SCOPES, ["html"], tmp_path / "dask",
                            executor="dask", scheduler=cluster.scheduler_address,
                            show_progress=False)
    assert not local.failed and not remote.failed
    for name in [f"{s}.html" for s in SCOPES] + [f"notebooks/{s}.ipynb" for s in SCOPES] + [
            "kr_results.csv", "kr_breakdown.csv", "data_quality.csv"]:
        assert (local.folder / name).read_bytes() == (remote.folder / name).read_bytes(), name
    assert os.environ["SOURCE_DATE_EPOCH"] == "1767225600"
