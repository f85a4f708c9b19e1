"""krlib.batch.kernels and krlib.batch.engine: a batch kernel is started once, warmed, and reused.

What makes a reused kernel cheap must not make it wrong: each report starts with none of
the previous report's variables, in its own folder, and a failing cell still fails the
report through papermill's own error. The kernel is a real IPython kernel.
"""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from krlib.batch.engine import ENGINE_NAME
from krlib.batch.kernels import KERNEL_NAME, KernelPool, reset_kernel

pytestmark = pytest.mark.slow


def ask(kernel, expression: str):
    """The value of a JSON-able expression evaluated in the kernel."""
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    code = f"import json as _j; print(_j.dumps({expression})); del _j"
    reply = kernel.kc.execute_interactive(code, timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(out))


@pytest.fixture(scope="module")
def pool():
    p = KernelPool()
    yield p
    p.close()


def notebook(*sources: str, parameters: str = "x = 0"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_a_batch_kernel_is_warm_and_keeps_no_history(pool):
    kernel = pool.get()
    facts = ask(kernel, "dict(batch=__import__('os').environ.get('KRLIB_BATCH'), "
                        "history=get_ipython().history_manager.enabled, "
                        "frozen=__import__('gc').get_freeze_count(), "
                        "present='krlib.report.view' in __import__('sys').modules)")
    assert facts["batch"] == "1"
    assert facts["history"] is False
    assert facts["frozen"] > 10_000  # pandas, matplotlib and krlib moved out of the GC's way
    assert facts["present"] is True


def test_the_kernel_and_its_client_are_reused(pool):
    first = pool.get()
    assert pool.get() is first
    assert pool.get().kc is first.kc


def test_a_reset_forgets_the_previous_report(pool, tmp_path):
    kernel = pool.get()
    ask(kernel, "1")
    kernel.run("left_over = 'from the previous report'")
    reset_kernel(kernel, str(tmp_path))
    assert ask(kernel, "'left_over' in dir()") is False
    assert ask(kernel, "__import__('os').getcwd()") == str(tmp_path)


def test_the_engine_runs_on_the_open_client_without_a_new_handshake(pool, tmp_path,
                                                                    monkeypatch):
    kernel = pool.get()

    def no_handshake(*a, **k):
        raise AssertionError("wait_for_ready called: a new client was opened")

    monkeypatch.setattr(type(kernel.kc), "wait_for_ready", no_handshake)
    src = tmp_path / "in.ipynb"
    nbformat.write(notebook("y = x * 2\nprint(y)"), src)
    for x in (3, 4):
        nb = pm.execute_notebook(str(src), None, parameters={"x": x}, kernel_name=KERNEL_NAME,
                                 engine_name=ENGINE_NAME, km=kernel.km, kc=kernel.kc,
                                 progress_bar=False, request_save_on_cell_execute=False)
        assert nb.cells[-1].outputs[0]["text"] == f"{x * 2}\n"
    assert pool.get().kc is kernel.kc  # still open, still the same


def test_a_failing_cell_fails_through_papermill(pool, tmp_path):
    kernel = pool.get()
    src = tmp_path / "in.ipynb"
    nbformat.write(notebook("raise ValueError('district 9999 is not in Bangkok')"), src)
    with pytest.raises(pm.PapermillExecutionError, match="district 9999"):
        pm.execute_notebook(str(src), None, kernel_name=KERNEL_NAME, engine_name=ENGINE_NAME,
                            km=kernel.km, kc=kernel.kc, progress_bar=False,
                            request_save_on_cell_execute=False)


def test_a_dead_kernel_is_replaced(pool):
    kernel = pool.get()
    kernel.km.shutdown_kernel(now=True)
    fresh = pool.get()
    assert fresh is not kernel and fresh.is_alive()
    assert ask(fresh, "1 + 1") == 2
