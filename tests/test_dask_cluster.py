"""A real ``dask scheduler`` and ``dask worker`` (loopback) render byte-identical reports to
the local executor, the worker in a mount namespace where the test's folder (drop, staging,
output) is hidden under an empty tmpfs, with its own cwd and TMPDIR."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
SCOPES = ["1002", "1050", "BMA"]
BIN = Path(sys.executable).parent
EPOCH = "1767225600"


def _can_unshare() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs unshare -m (a mount namespace)")
def test_isolated_worker_matches_local(tmp_path, monkeypatch):
    from distributed import Client

    from krlib.batch.run import run_report
    from krlib.demo import write_demo_drop

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    drop = tmp_path / "drop"
    write_demo_drop(drop, seed=3, scale=0.2)
    local = run_report(drop, 2568, 2, SCOPES, ["html"], tmp_path / "local", workers=1,
                       show_progress=False)
    home = Path(tempfile.mkdtemp(prefix="krlib-dask-worker-"))
    env = dict(os.environ, TMPDIR=str(home), HOME=str(home), SOURCE_DATE_EPOCH=EPOCH)
    procs = []
    try:
        sched_file = home / "scheduler.json"
        procs.append(subprocess.Popen(
            [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", sched_file], cwd=home, env=env,
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(300):
            if sched_file.exists() and sched_file.stat().st_size:
                break
            time.sleep(0.1)
        import json
        address = json.loads(sched_file.read_text())["address"]
        procs.append(subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount -t tmpfs -o ro,size=1m krlib-hidden "$1" && shift && exec "$@"', "sh",
             str(tmp_path), str(BIN / "dask"), "worker", address, "--host", "127.0.0.1",
             "--nworkers", "1", "--nthreads", "2", "--no-dashboard",
             "--local-directory", str(home)],
            cwd=home, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address) as client:
            client.wait_for_workers(1, timeout=120)
            # the proof of isolation: the worker sees an empty folder where the test's is
            seen = client.run(os.listdir, str(tmp_path))
            assert list(seen.values()) == [[]]
            assert os.listdir(tmp_path)
        remote = run_report(drop, 2568, 2, SCOPES, ["html"], tmp_path / "dask",
                            executor="dask", scheduler=address, show_progress=False)
    finally:
        for p in reversed(procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            p.wait(timeout=60)
        shutil.rmtree(home, ignore_errors=True)
    assert not local.failed and not remote.failed
    for name in [f"{s}.html" for s in SCOPES] + [f"notebooks/{s}.ipynb" for s in SCOPES]:
        assert (local.folder / name).read_bytes() == (remote.folder / name).read_bytes(), name
