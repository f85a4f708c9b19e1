"""The analysts' JupyterLab (``make lab``): saving strips outputs, and Thai renders.

The fast tests load ``jupyter_server_config.py`` as Jupyter does and call its hook. The
browser test starts a real Jupyter server with that configuration on a free localhost
port with a token, saves a notebook with outputs through the contents REST API, and opens
a Thai notebook in JupyterLab in Chromium: the fonts Chromium used for the Thai text
(asked through the DevTools protocol) must all be Thai fonts, and the text must not be
as wide as the same number of missing-glyph boxes.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyter_server_config.py"
THAI = "รายงานตัวชี้วัดด้านสวัสดิการสังคม ผู้ไร้ที่พึ่งได้รับการช่วยเหลือ"


def _executed_notebook() -> dict:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1)", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {THAI}"), cell]
    return json.loads(nbformat.writes(nb))


def test_config_sets_the_hook_and_the_notebooks_folder():
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(CONFIG.name, path=str(ROOT)).load_config()
    assert cfg.FileContentsManager.pre_save_hook == "krlib.lab.strip_outputs"
    assert Path(cfg.ServerApp.root_dir) == ROOT / "notebooks"
    assert cfg.ServerApp.ip == "127.0.0.1"


def test_hook_strips_top_level_notebooks_only():
    from krlib.lab import strip_outputs

    model = {"type": "notebook", "content": _executed_notebook()}
    strip_outputs(model, "district_report.ipynb")
    code = model["content"]["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert "execution" not in code["metadata"]
    assert "".join(model["content"]["cells"][0]["source"]).startswith("# ")  # markdown kept
    kept = {"type": "notebook", "content": _executed_notebook()}
    strip_outputs(kept, "runs/executed.ipynb")
    assert kept["content"]["cells"][1]["outputs"]  # a subfolder keeps its outputs
    other = {"type": "file", "content": "x", "format": "text"}
    strip_outputs(other, "notes.txt")
    assert other["content"] == "x"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None):
    req = urllib.request.Request(url, method=method, headers={
        "Authorization": f"token {token}", "Content-Type": "application/json"},
        data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, json.loads(resp.read() or b"null")


@pytest.fixture
def server(tmp_path):
    """A real JupyterLab server with the project's configuration, serving ``tmp_path``."""
    port, token = _free_port(), secrets.token_hex(16)
    root = tmp_path / "served"
    (root / "sub").mkdir(parents=True)
    args = [sys.executable, "-m", "jupyterlab", f"--config={CONFIG}", "--no-browser",
            f"--ServerApp.root_dir={root}", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _request(f"{base}/api/status", token)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.5)
        yield base, token, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _thai_fonts() -> set[str]:
    """Families fontconfig knows for Thai, plus the Sarabun krlib ships."""
    try:
        out = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True,
                             text=True).stdout
    except FileNotFoundError:
        out = ""
    return {f.strip() for line in out.splitlines() for f in line.split(",")} | {"Sarabun"}


@pytest.mark.slow
@pytest.mark.browser
def test_real_server_saves_clean_and_lab_renders_thai(server):
    from playwright.sync_api import sync_playwright

    from krlib.render.export import CHROMIUM_ARGS, chromium_path

    base, token, root = server
    for name in ("saved.ipynb", "sub/saved.ipynb"):
        status, _ = _request(f"{base}/api/contents/{name}", token, "PUT",
                             {"type": "notebook", "format": "json",
                              "content": _executed_notebook()})
        assert status in (200, 201)
    top = json.loads((root / "saved.ipynb").read_text("utf-8"))
    code = [c for c in top["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert THAI in "".join(top["cells"][0]["source"])
    sub = json.loads((root / "sub" / "saved.ipynb").read_text("utf-8"))
    assert [c for c in sub["cells"] if c["cell_type"] == "code"][0]["outputs"]

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/lab/tree/saved.ipynb?token={token}", timeout=180_000)
            heading = page.locator(".jp-MarkdownOutput h1").first
            heading.wait_for(timeout=180_000)
            assert THAI in heading.inner_text()
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            doc = cdp.send("DOM.getDocument", {"depth": -1})
            node = cdp.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"],
                                                  "selector": ".jp-MarkdownOutput h1"})
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            thai = _thai_fonts()
            other = sum(f["glyphCount"] for f in used if f["familyName"] not in thai)
            text = heading.text_content()  # the Thai line, and lab's "¶" anchor link
            latin = sum(1 for ch in text if not "\u0e00" <= ch <= "\u0e7f")
            assert any(f["familyName"] in thai for f in used) and other <= latin, (
                f"Thai drawn with {used}, Thai fonts known: {thai} "
                "- run scripts/setup-system.sh (installs fonts-thai-tlwg)")
            # Missing glyphs are drawn as equal boxes: Thai must not measure like them.
            widths = page.evaluate("""([thai]) => {
                const font = getComputedStyle(document.querySelector('.jp-MarkdownOutput h1'));
                const c = document.createElement('canvas').getContext('2d');
                c.font = `${font.fontSize} ${font.fontFamily}`;
                const boxes = '\\u0E7F'.repeat([...thai].length);  // unassigned: no glyph
                return [c.measureText(thai).width, c.measureText(boxes).width];
            }""", [THAI])
            assert abs(widths[0] - widths[1]) > 0.05 * widths[1], widths
        finally:
            browser.close()


class _Shell:
    """The part of IPython's shell the extension uses: it records line magics."""

    def __init__(self) -> None:
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str) -> None:
        self.magics.append((name, line))


def test_the_report_notebook_loads_the_extension_first():
    nb = nbformat.read(ROOT / "notebooks" / "district_report.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[1].source.splitlines()[0] == "%reload_ext krlib.lab"


def test_the_extension_turns_autoreload_on_in_jupyterlab(monkeypatch):
    from krlib import lab

    monkeypatch.delenv("KRLIB_BATCH", raising=False)
    shell = _Shell()
    lab.load_ipython_extension(shell)
    assert shell.magics == [("reload_ext", "autoreload"), ("autoreload", "2")]


def test_the_extension_leaves_autoreload_off_in_a_batch(monkeypatch):
    from krlib import lab

    monkeypatch.setenv("KRLIB_BATCH", "1")
    shell = _Shell()
    lab.load_ipython_extension(shell)
    assert shell.magics == []


# --- issue 23 item 4: a save keeps the stored language_info -----------------------------

STORED_LANGUAGE = {"name": "python"}
KERNEL_LANGUAGE = {"codemirror_mode": {"name": "ipython", "version": 3},
                   "file_extension": ".py", "mimetype": "text/x-python", "name": "python",
                   "nbconvert_exporter": "python", "pygments_lexer": "ipython3",
                   "version": "3.12.9"}


def _model_from_the_kernel() -> dict:
    content = _executed_notebook()
    content["metadata"]["language_info"] = dict(KERNEL_LANGUAGE)
    content["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return {"type": "notebook", "format": "json", "content": content}


def test_hook_keeps_the_language_info_on_disk(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    from krlib.lab import strip_outputs

    on_disk = _executed_notebook()
    on_disk["metadata"]["language_info"] = dict(STORED_LANGUAGE)
    (tmp_path / "report.ipynb").write_text(json.dumps(on_disk), "utf-8")
    (tmp_path / "bare.ipynb").write_text(json.dumps(_executed_notebook()), "utf-8")
    cm = FileContentsManager(root_dir=str(tmp_path))
    model = _model_from_the_kernel()
    strip_outputs(model, "report.ipynb", contents_manager=cm)
    assert model["content"]["metadata"]["language_info"] == STORED_LANGUAGE
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"  # others kept
    bare = _model_from_the_kernel()  # on disk without language_info: saved without it
    strip_outputs(bare, "bare.ipynb", contents_manager=cm)
    assert "language_info" not in bare["content"]["metadata"]
    new = _model_from_the_kernel()  # a new notebook: only the stable part
    strip_outputs(new, "new.ipynb", contents_manager=cm)
    assert new["content"]["metadata"]["language_info"] == {"name": "python"}
    sub = _model_from_the_kernel()  # a subfolder is saved as it is
    strip_outputs(sub, "runs/x.ipynb", contents_manager=cm)
    assert sub["content"]["metadata"]["language_info"] == KERNEL_LANGUAGE


def test_saving_a_repository_notebook_through_the_hook_changes_no_byte(tmp_path):
    """What `make lab` does on save (the config's hook, Jupyter's own contents manager),
    on a copy of each stored notebook, from a kernel on another Python version."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    for stored in sorted((ROOT / "notebooks").glob("*.ipynb")):
        (tmp_path / stored.name).write_bytes(stored.read_bytes())
        cm = FileContentsManager(root_dir=str(tmp_path),
                                 pre_save_hook="krlib.lab.strip_outputs")
        model = cm.get(stored.name)
        model["content"]["metadata"]["language_info"] = dict(KERNEL_LANGUAGE)
        cm.save(model, stored.name)
        saved = json.loads((tmp_path / stored.name).read_text("utf-8"))
        assert saved["metadata"] == json.loads(stored.read_text("utf-8"))["metadata"], stored


# --- issue 23 item 4: %reload_ext krlib.lab gives Thai in matplotlib; autoreload's limit -

def test_own_matplotlib_chart_draws_thai_after_the_extension():
    code = f"""
import io, os, sys, warnings
warnings.simplefilter("error")
os.environ.pop("KRLIB_BATCH", None)
from krlib import lab
class Shell:
    def run_line_magic(self, name, line):
        pass
lab.load_ipython_extension(Shell())
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.set_title({THAI!r})
fig.savefig(io.BytesIO(), format="png")
print(ax.title.get_fontname())
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "Sarabun"


def test_autoreload_limit_is_stated_where_autoreload_is_promised():
    import krlib.lab

    readme = (ROOT / "README.md").read_text("utf-8")
    promise = readme[readme.index("`%reload_ext krlib.lab`, turns autoreload on"):][:600]
    assert "module-level constant" in promise and "Restart Kernel" in promise
    for doc in (krlib.lab.__doc__, krlib.lab.load_ipython_extension.__doc__):
        assert "module-level constant" in doc and "restart" in doc.lower()


# --- issue 23 item 4: make lab makes the demo drop first --------------------------------

def test_make_lab_creates_the_demo_drop_when_missing(tmp_path):
    """A dry run (make -n: nothing is executed, so the shared .venv is not touched; -o: the
    venv's stamp counts as up to date, however old this checkout's pyproject.toml is)."""
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    demo = tmp_path / "demo"
    run = lambda: subprocess.run(["make", "-n", "-o", ".venv/.krlib-installed", "lab",
                                  f"DEMO={demo}"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=60)
    missing = run()
    assert missing.returncode == 0, missing.stderr
    lines = missing.stdout.splitlines()
    made = [i for i, line in enumerate(lines) if f"krlib demo-data {demo}" in line]
    lab_line = [i for i, line in enumerate(lines) if "jupyter lab" in line]
    assert made and lab_line and made[0] < lab_line[0], missing.stdout
    demo.mkdir()
    (demo / ".stamp").touch()  # newer than the venv stamp and demo.py
    present = run()
    assert "demo-data" not in present.stdout and "jupyter lab" in present.stdout
