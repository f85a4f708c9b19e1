"""What the rendered reports state (issue 24, items 1-5), on one Q4 batch rendered once
for the module: Bangkok, a district whose KR 5122 target group nobody was served in, and
a district whose KR 8207 target group was empty in Q3. The data folder's name holds a
space and Thai, so the printed command must quote it."""

from __future__ import annotations

import csv
import html as htmllib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from krlib import thai

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FY, Q = 2568, 4
DROP_NAME = "ชุดข้อมูล ไตรมาส 4"
SCOPES = {"bma": "BMA", "none_served": "1005", "empty_before": "1027"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """(root: the folder holding the drop, drop, output folder, kr_results rows)."""
    from krlib.batch.run import run_report
    from krlib.compute.prepare import prepare
    from krlib.demo import write_demo_drop

    root = tmp_path_factory.mktemp("statements")
    drop = root / DROP_NAME
    drop.mkdir()
    write_demo_drop(drop, seed=5, scale=0.3, fmt="csv")
    r = prepare(drop, FY, Q).indicators.results
    now = r[(r.fiscal_year == FY) & (r.quarter == Q)]
    before = r[(r.fiscal_year == FY) & (r.quarter == Q - 1)]
    # the states this module reads: nobody served / a target group empty the quarter before
    served = now[(now.kr_code == "5122") & (now.scope_code == SCOPES["none_served"])].iloc[0]
    assert served.denominator > 0 and served.numerator == 0
    empty = before[(before.kr_code == "8207") & (before.scope_code == SCOPES["empty_before"])]
    assert int(empty.denominator.iloc[0]) == 0
    result = run_report(drop, FY, Q, list(SCOPES.values()), ["html", "pdf"], root / "out",
                        workers=2, show_progress=False)
    assert not result.failed, result.failed
    with open(result.folder / "kr_results.csv", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f)
                if int(row["fiscal_year"]) == FY and int(row["quarter"]) == Q]
    return root, drop, result.folder, rows


def page(batch, which: str) -> str:
    return (batch[2] / f"{SCOPES[which]}.html").read_text("utf-8")


def visible(text: str) -> str:
    """The text a reader sees (krlib.report.layout's no-wrap spans are inline: no space)."""
    text = re.sub(r"<(style|script).*?</\1>", " ", text, flags=re.S)
    text = re.sub(r'<span class="nw">(.*?)</span>', r"\1", text)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def alts(text: str) -> list[str]:
    return [htmllib.unescape(a) for a in re.findall(r'alt="([^"]*)"', text)]


def result(rows, kr: str, scope: str) -> dict:
    (row,) = [r for r in rows if r["kr_code"] == kr and r["scope_code"] == scope]
    return row


# --- item 1 -------------------------------------------------------------------------------

def test_every_printed_command_runs_as_printed(batch, tmp_path):
    root, drop, folder, rows = batch
    commands = []
    for report in sorted(folder.glob("*.html")):
        text = report.read_text("utf-8")
        assert "รหัสเขต" not in text  # no placeholder district
        for code in re.findall(r"<code[^>]*>(.*?)</code>", text, flags=re.S):
            code = htmllib.unescape(code)
            if code.startswith("krlib"):
                commands.append((report.stem, code))
    # each district prints one command per KR with persons waiting; Bangkok none
    waiting = {(r["scope_code"], r["kr_code"]) for r in rows
               if r["scope_code"] != "BMA" and int(r["denominator"]) > int(r["numerator"])
               and r["scope_code"] in SCOPES.values()}
    assert len(commands) == len(waiting) > 0
    private = tmp_path / "private"
    private.mkdir()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}"
                                f"{os.environ.get('PATH', '')}")
    for scope, command in commands:
        assert command.count(thai.PRIVATE_FOLDER_TH) == 1  # the one placeholder: --out
        assert f"--data '{DROP_NAME}'" in command  # the folder's name, quoted for the shell
        run = subprocess.run(["bash", "-c", command.replace(thai.PRIVATE_FOLDER_TH,
                                                            str(private))],
                             cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, (command, run.stderr)
        kr = re.search(r"--kr (\S+)", command).group(1)
        out = next(private.glob(f"worklist-{FY}-Q{Q}-{kr}-{scope}.csv"))
        listed = len(out.read_text("utf-8-sig").splitlines()) - 1
        row = result(rows, kr, scope)
        assert listed == int(row["denominator"]) - int(row["numerator"])  # as the report says
        assert f"มีผู้ที่ยังไม่ได้รับบริการ {listed:,} คน" in visible(
            (folder / f"{scope}.html").read_text("utf-8"))


def test_the_command_copied_from_the_pdf_runs_too(batch, tmp_path):
    """Text copied from the PDF keeps its line breaks: the command's lines end in the
    shell's continuation, and no line is broken inside an argument."""
    root, _, folder, _ = batch
    scope = SCOPES["none_served"]
    text = subprocess.run(["pdftotext", "-layout", str(folder / f"{scope}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("krlib worklist")]
    assert starts
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}"
                                f"{os.environ.get('PATH', '')}")
    for start in starts:
        end = start
        while lines[end].rstrip().endswith("\\"):
            end += 1
        command = "\n".join(lines[start:end + 1]).replace(thai.PRIVATE_FOLDER_TH,
                                                           str(tmp_path))
        run = subprocess.run(["bash", "-c", command], cwd=root, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, (command, run.stderr)
    assert len(list(tmp_path.glob(f"worklist-*-{scope}.csv"))) == len(starts)


# --- item 3 -------------------------------------------------------------------------------

def _contents(path: Path):
    """Every byte string a reader of ``path`` could get at: zip members, PDF streams."""
    data = path.read_bytes()
    yield data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                yield z.read(name)
    elif data.startswith(b"%PDF"):
        import pikepdf

        with pikepdf.open(path) as pdf:
            yield repr(dict(pdf.docinfo)).encode()
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        yield obj.read_bytes()
                    except pikepdf.PdfError:
                        pass


def test_no_file_of_the_output_folder_holds_a_local_path(batch):
    root, drop, folder, _ = batch
    needles = [str(drop.resolve()), str(root.resolve()), str(drop), str(root)]
    home = re.compile(rb"(?<![A-Za-z0-9+/=])" + re.escape(str(Path.home()).encode())
                      + rb"/")
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in files) and any(p.suffix == ".pdf" for p in files)
    for path in files:
        for data in _contents(path):
            for needle in needles:
                for form in (needle.encode(), json.dumps(needle)[1:-1].encode()):
                    assert form not in data, (path, needle)
            assert not home.search(data), path


def test_the_executed_notebook_names_the_data_folder_and_ran(batch):
    folder = batch[2]
    for scope in SCOPES.values():
        nb = json.loads((folder / "notebooks" / f"{scope}.ipynb").read_text("utf-8"))
        (cell,) = [c for c in nb["cells"]
                   if "injected-parameters" in c["metadata"].get("tags", [])]
        injected: dict = {}
        exec("".join(cell["source"]), injected)  # noqa: S102 - papermill's own cell
        assert injected["data_dir"] == DROP_NAME and injected["prepared"] == "prepared.json"
        (figures,) = [c for c in nb["cells"] if "key-figures" in c["metadata"].get("tags", [])]
        assert f"KR 8207 {scope} {FY}-Q{Q}:" in "".join(figures["outputs"][0]["text"])


# --- item 2 -------------------------------------------------------------------------------

def test_an_empty_quarter_before_says_empty_not_no_data(batch):
    text = visible(page(batch, "empty_before"))
    assert f"เทียบกับไตรมาส 3 ปีงบประมาณ {FY}: {thai.EMPTY_COHORT_TH}" in text
    assert f"ไตรมาส 3 ปีงบประมาณ {FY}: {thai.NOT_COVERED_TH}" not in text
    (trend, *_) = [a for a in alts(page(batch, "empty_before"))
                   if a.startswith("แผนภูมิแท่งร้อยละรายไตรมาส")]
    assert f"ไตรมาส 3 ปีงบประมาณ {FY} {thai.EMPTY_COHORT_TH}" in trend


def test_nobody_served_says_so_on_its_charts(batch):
    _, _, _, rows = batch
    text = page(batch, "none_served")
    cohort = int(result(rows, "5122", SCOPES["none_served"])["denominator"])
    said = thai.none_served_th(f"{cohort:,}")
    charts_alt = [a for a in alts(text) if said in a]
    assert len(charts_alt) == 2  # the breakdown and the days to first service
    assert all("ไม่มีข้อมูล" not in a for a in alts(text))
    assert f"0 / {cohort:,}" in visible(text)


# --- item 4 -------------------------------------------------------------------------------

def _ranks(rows, kr: str) -> dict[str, tuple[int, int, int]]:
    """scope -> (rank, districts sharing it, districts ranked), from kr_results.csv."""
    ranked = [r for r in rows if r["kr_code"] == kr and r["scope_code"] != "BMA"
              and int(r["denominator"]) > 0]
    out = {}
    for r in ranked:
        p = float(r["percent"])
        out[r["scope_code"]] = (1 + sum(float(o["percent"]) > p for o in ranked),
                                sum(float(o["percent"]) == p for o in ranked), len(ranked))
    return out


def test_one_framing_and_shared_ranks_everywhere(batch):
    _, _, folder, rows = batch
    index = visible((folder / "index.html").read_text("utf-8"))
    bma = visible(page(batch, "bma"))
    for kr in ("8207", "5122"):
        ranks = _ranks(rows, kr)
        met = sum(1 for r in rows if r["kr_code"] == kr and r["scope_code"] != "BMA"
                  and r["met_target"] == "true")
        said = thai.met_of_th(met, len(ranks))
        assert said in index and said in bma
        for which in ("none_served", "empty_before"):
            text = visible(page(batch, which))
            assert "จาก 50 เขต" not in text and said in text
            rank, tied, ranked = ranks[SCOPES[which]]
            joint = f" ร่วมกับอีก {tied - 1} เขต" if tied > 1 else ""
            assert f"อันดับที่ {rank}{joint} จาก {ranked} เขตที่มีกลุ่มเป้าหมาย" in text
    # 8207: many districts at 100 %, all of them "1 ร่วม" in the league table
    first = sum(1 for rank, _, _ in _ranks(rows, "8207").values() if rank == 1)
    assert first > 1 and bma.count("1 ร่วม") >= first


# --- item 5 -------------------------------------------------------------------------------

def test_league_alt_text_follows_the_table_and_trend_alt_every_bar(batch):
    text = page(batch, "bma")
    leagues = [a for a in alts(text) if a.startswith("แผนภูมิแท่งร้อยละของ")]
    tables = re.findall(r"<table[^>]*krlib-league[^>]*>(.*?)</table>", text, flags=re.S)
    assert len(leagues) == len(tables) == 2
    for alt, table in zip(leagues, tables):
        body = "".join(re.split(r"<tbody[^>]*>", table)[1:])  # every body, in order
        first = [[visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                 for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)][:3]
        top = re.findall(r"(เขต\S+) (\S+ %) \(อันดับที่ ([^)]*)\)", alt)
        assert top == [(row[1], row[4], row[0]) for row in first]
    for alt in (a for a in alts(text) if a.startswith("แผนภูมิแท่งร้อยละรายไตรมาส")):
        for q in (1, 2, 3, 4):
            assert f"ไตรมาส {q} ปีงบประมาณ {FY} " in alt
            assert re.search(f"ไตรมาส {q} [^;]*ปีงบประมาณ {FY - 1} ", alt)
