"""The ``krlib`` command: ``indicators``, ``demo-data`` (and more, see ``krlib --help``).

Errors a user can fix print one line (Thai / English) and exit with code 2; any other
failure prints one line too (set KRLIB_DEBUG=1 for the traceback) and exits with 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from krlib import __version__
from krlib.errors import KrlibError, OptionError

# krlib does no linear algebra, yet OpenBLAS starts a thread per core at numpy import,
# and they spin for CPU the cleaning threads need (~8 % of `krlib indicators` on 2
# cores, see README "Performance"). Set before numpy loads; the user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option in one line and exits 2 (no usage dump)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise OptionError(f"ตัวเลือกไม่ถูกต้อง / bad option: {message} (see: {self.prog} --help)")


def _add_period(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--fiscal-year", type=int, required=required, metavar="YYYY",
                   help="Thai fiscal year, Buddhist Era (e.g. 2568 = 1 Oct 2024 - 30 Sep 2025)")
    p.add_argument("--quarter", type=int, required=required, metavar="Q",
                   help="fiscal quarter 1-4 (1 = Oct-Dec ... 4 = Jul-Sep); figures are "
                        "cumulative from the start of the fiscal year")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="krlib", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"krlib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("indicators", help="clean a data drop and write the contract CSVs",
                       description="Clean a data drop and write kr_results.csv, "
                                   "kr_breakdown.csv, data_quality.csv, "
                                   "data_quality_reasons.csv (the contract), plus "
                                   "data_quality_flags.csv and rejected_rows.csv.")
    p.add_argument("--data", type=Path, required=True, metavar="DIR",
                   help="folder holding homeless_registrations, homeless_services, "
                        "rehab_referrals, rehab_services as .csv or .xlsx")
    _add_period(p)
    p.add_argument("--out", type=Path, required=True, metavar="OUT",
                   help="folder to write the CSV files into (created if needed)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("demo-data", help="write a synthetic, deterministic data drop",
                       description="Write a realistic synthetic data drop (no real person) "
                                   "with the messiness the contract describes.")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write into")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: 2568)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="size multiplier; 1.0 is about 8k rows, 75 about 620k")
    p.add_argument("--fiscal-year", type=int, default=2568, metavar="YYYY",
                   help="fiscal year the records centre on (default 2568)")
    p.add_argument("--format", choices=("mixed", "csv"), default="mixed",
                   help="mixed: two XLSX + two CSV like real exports; csv: all CSV (fast)")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser(
        "report", help="render the HTML/PDF reports of a quarter (papermill, in parallel)",
        description="Execute notebooks/district_report.ipynb once per scope with papermill and "
                    "write OUT/<Y>-Q<Q>/: <code>.html, <code>.pdf, BMA.html, BMA.pdf, the "
                    "executed notebooks (notebooks/), index.html, the contract CSVs and "
                    "manifest.json. A failing scope does not stop the batch; the command then "
                    "exits 1 and lists the failures. Options given here override --params.")
    p.add_argument("--params", type=Path, metavar="FILE",
                   help="YAML file with named defaults (e.g. params/2568-Q2.yaml): data, "
                        "fiscal_year, quarter, district, format, out, workers, suppress_below, data_as_of, signoff")
    p.add_argument("--data", type=Path, metavar="DIR", help="the data drop folder")
    _add_period(p, required=False)
    p.add_argument("--district", metavar="all|LIST",
                   help="'all' (50 districts and BMA, the default) or comma-separated DOPA "
                        "codes and/or BMA, e.g. 1001,1039,BMA")
    p.add_argument("--format", metavar="html,pdf", help="html, pdf or html,pdf (default)")
    p.add_argument("--out", type=Path, metavar="DIR", help="output root (default: reports)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="parallel notebook workers (default: number of CPU cores)")
    p.add_argument("--suppress-below", type=int, metavar="N",
                   help="for publication: show counts 1..N-1 as '<N' and withhold percents "
                        "that would reveal them (default 0 = off)")
    p.add_argument("--executor", choices=("local", "dask"), default=None,
                   help="local processes (default) or an existing Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    p.add_argument("--notebook", type=Path, metavar="IPYNB",
                   help="the report notebook to execute (default: notebooks/district_report.ipynb)"
                        "; analysts can render a modified copy")
    p.add_argument("--data-as-of", metavar="YYYY-MM-DD",
                   help="the 'ข้อมูล ณ วันที่' date printed on the reports (default: the latest "
                        "event date in the drop); --params may also give signoff names")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("verify", help="re-check an output folder against its manifest.json",
                       description="Recompute the SHA-256 of every file in FOLDER and compare "
                                   "with its manifest.json; name every file that changed, is "
                                   "missing or was added; exit 1 if any did.")
    p.add_argument("folder", type=Path, metavar="FOLDER")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("privacy-scan", help="search an output folder for the drop's personal data",
                       description="Collect every name, citizen id, birth date and record id of "
                                   "the data drop and search every file under FOLDER for them "
                                   "(PDF text included). Prints file and kind of identifier, "
                                   "never the identifier; exits 1 if any is found.")
    p.add_argument("--data", type=Path, required=True, metavar="DIR", help="the data drop")
    p.add_argument("folder", type=Path, metavar="FOLDER", help="e.g. reports/2568-Q2")
    p.set_defaults(func=cmd_privacy_scan)
    return parser


def cmd_privacy_scan(args: argparse.Namespace) -> int:
    from krlib.privacy import identifiers, scan

    if not args.folder.is_dir():
        raise OptionError(f"ไม่พบโฟลเดอร์ / folder not found: {args.folder}")
    ids = identifiers(args.data)
    findings = scan(args.folder, ids)
    for f in findings:
        print(f"personal data ({f.kind}) found in {f.file}")
    files = sum(1 for p in args.folder.rglob("*") if p.is_file())
    if findings:
        print(f"krlib privacy-scan: {len(findings)} finding(s) / พบข้อมูลส่วนบุคคล", file=sys.stderr)
        return 1
    print(f"krlib privacy-scan: OK — none of {len(ids):,} identifiers in {files} files "
          "/ ไม่พบข้อมูลส่วนบุคคล")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from krlib.manifest import verify

    result = verify(args.folder)
    for line in result.lines():
        print(line)
    if result.ok:
        print(f"krlib verify: OK — every file matches {args.folder / 'manifest.json'}")
        return 0
    print(f"krlib verify: {len(result.lines())} file(s) differ from the manifest / "
          "ไฟล์ไม่ตรงกับ manifest", file=sys.stderr)
    return 1


REPORT_DEFAULTS = {"district": "all", "format": "html,pdf", "out": "reports", "workers": None,
                   "suppress_below": 0, "executor": "local", "scheduler": None,
                   "data_as_of": None, "signoff": None}
SIGNOFF_KEYS = ("prepared_by", "reviewed_by", "approved_by")


def notebook_parameters(o: dict, source: str) -> dict:
    """``data_as_of`` (a date) and ``signoff`` (names and positions) for the reports."""
    from datetime import date

    out: dict = {}
    if o.get("data_as_of"):
        try:
            out["data_as_of"] = date.fromisoformat(str(o["data_as_of"])[:10]).isoformat()
        except ValueError:
            raise OptionError(f"{source}: data_as_of ต้องเป็นวันที่ YYYY-MM-DD / must be a date "
                              f"YYYY-MM-DD, got {o['data_as_of']!r}") from None
    sign = o.get("signoff")
    if sign:
        if not isinstance(sign, dict) or set(sign) - set(SIGNOFF_KEYS) or not all(
                isinstance(v, dict) and set(v) <= {"name", "position"} for v in sign.values()):
            raise OptionError(f"{source}: signoff ต้องเป็น {{prepared_by|reviewed_by|approved_by: "
                              "{name, position}} / signoff must map prepared_by, reviewed_by, "
                              "approved_by to {name, position}")
        out["signoff"] = {k: {f: str(v.get(f) or "") for f in ("name", "position")}
                          for k, v in sign.items()}
    return out


def report_options(args: argparse.Namespace) -> dict:
    """Command-line options over the --params file over the defaults."""
    import yaml

    opts = dict(REPORT_DEFAULTS)
    if args.params:
        try:
            loaded = yaml.safe_load(args.params.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise OptionError(f"{args.params}: อ่านไฟล์พารามิเตอร์ไม่ได้ / cannot read params "
                              f"file ({type(exc).__name__})") from None
        if not isinstance(loaded, dict):
            raise OptionError(f"{args.params}: ต้องเป็น YAML mapping / must be a YAML mapping")
        unknown = set(loaded) - {"data", "fiscal_year", "quarter", *REPORT_DEFAULTS}
        if unknown:
            raise OptionError(f"{args.params}: unknown keys {sorted(unknown)}")
        for key in ("data", "out"):  # paths in the file are relative to the file
            if loaded.get(key):
                loaded[key] = str(args.params.parent / str(loaded[key]))
        opts.update(loaded)
    if getattr(args, "data_as_of", None):
        opts["data_as_of"] = args.data_as_of
    for key in ("data", "fiscal_year", "quarter", "district", "format", "out", "workers",
                "suppress_below", "executor", "scheduler"):
        value = getattr(args, key, None)
        if value is not None:
            opts[key] = value
    for key in ("data", "fiscal_year", "quarter"):
        if opts.get(key) in (None, ""):
            raise OptionError(f"ต้องระบุ --{key.replace('_', '-')} (หรือใน --params) / "
                              f"--{key.replace('_', '-')} is required (or set it in --params)")
    return opts


def cmd_report(args: argparse.Namespace) -> int:
    from krlib.report import parse_formats, parse_scopes, run_report

    o = report_options(args)
    try:
        fy, q = int(o["fiscal_year"]), int(o["quarter"])
        workers = None if o["workers"] in (None, "") else int(o["workers"])
        suppress = int(o["suppress_below"] or 0)
    except (TypeError, ValueError):
        raise OptionError("fiscal_year, quarter, workers, suppress_below ต้องเป็นตัวเลข / "
                          "must be whole numbers") from None
    if workers is not None and workers < 1:
        raise OptionError("--workers ต้องอย่างน้อย 1 / --workers must be 1 or more")
    from krlib.periods import Period

    Period(fy, q)  # validate before any work
    batch = run_report(Path(o["data"]), fy, q, parse_scopes(str(o["district"])),
                       parse_formats(str(o["format"])), Path(o["out"]), workers=workers,
                       suppress_below=suppress, executor=o["executor"],
                       scheduler=o["scheduler"], show_progress=not args.quiet,
                       notebook_parameters=notebook_parameters(o, str(args.params or "krlib report")),
                       **({"notebook": args.notebook} if args.notebook else {}))
    ok = len(batch.results) - len(batch.failed)
    print(f"krlib report: {ok}/{len(batch.results)} รายงานสำเร็จ / reports rendered -> "
          f"{batch.folder / 'index.html'}")
    for r in batch.failed:
        print(f"krlib report: ล้มเหลว / FAILED {r.scope}: {r.error}", file=sys.stderr)
    return 1 if batch.failed else 0


def cmd_indicators(args: argparse.Namespace) -> int:
    from krlib.io import parse_drop_early

    # Files parse (pyarrow, no GIL) while pandas and the rest import (~0.35 s).
    early = parse_drop_early(args.data)
    from krlib.clean import load_drop
    from krlib.export import write_outputs
    from krlib.indicators import compute
    from krlib.periods import Period

    period = Period(args.fiscal_year, args.quarter)
    clean = load_drop(args.data, early)
    ind = compute(clean, period)
    for reason in ind.unavailable.values():
        print(f"krlib: warning: {reason}", file=sys.stderr)
    write_outputs(ind, clean, args.out)
    from krlib.manifest import write_manifest
    from krlib.prepare import sources_of

    write_manifest(args.out, sources_of(clean),
                   {"command": "indicators", "fiscal_year": period.fiscal_year,
                    "quarter": period.quarter, "data": args.data.name,
                    "unavailable": ind.unavailable})
    if not args.quiet:
        print(summary_text(ind, clean, period, args.out))
    return 0


def summary_text(ind, clean, period, out: Path) -> str:
    """A short human summary: Bangkok figure per KR and the data-quality account."""
    from krlib.indicators import BMA
    from krlib.kr import KRS

    lines = [f"krlib {__version__} — {period.label_th} ({period.label}, "
             f"{period.start:%Y-%m-%d} .. {period.end:%Y-%m-%d})"]
    for code, kr in KRS.items():
        if code in ind.unavailable:
            lines.append(f"  KR {code}: ไม่พร้อมใช้งาน / unavailable")
            continue
        r = ind.result(code, BMA, period)
        pct = "-" if r.percent != r.percent else f"{r.percent:.2f}%"
        met = {True: "ถึงเป้า / met", False: "ไม่ถึงเป้า / not met", None: "-"}[r.met_target]
        lines.append(f"  KR {code} กรุงเทพมหานคร: {r.numerator}/{r.denominator} = {pct} "
                     f"(เป้าหมาย {kr.target}%: {met})")
    lines.append("  ข้อมูลนำเข้า / input rows: read, kept, collapsed, rejected")
    for a in clean.accounts.values():
        lines.append(f"    {a.table:<24} {a.rows_in:>8} {a.kept:>8} {a.collapsed:>6} "
                     f"{a.rejected:>6}  ({a.file})")
    lines.append(f"  ผลลัพธ์ / written to: {out}")
    return "\n".join(lines)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from krlib.demo import DEFAULT_SEED, write_demo_drop

    if args.scale <= 0:
        raise OptionError("--scale ต้องมากกว่า 0 / --scale must be greater than 0")
    seed = DEFAULT_SEED if args.seed is None else args.seed
    files = write_demo_drop(args.out_dir, seed=seed, scale=args.scale,
                            fiscal_year=args.fiscal_year, fmt=args.format)
    for name, path in files.items():
        print(f"{name}: {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        if args.func in (cmd_indicators, cmd_report):
            from krlib.io import use_lean_arrow_memory

            use_lean_arrow_memory()
        return args.func(args)
    except KrlibError as exc:
        print(f"krlib: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("krlib: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
        if os.environ.get("KRLIB_DEBUG"):
            raise
        print(f"krlib: internal error: {type(exc).__name__}: {exc} "
              "(set KRLIB_DEBUG=1 for details)", file=sys.stderr)
        return 1


def run() -> None:
    """The ``krlib`` command: :func:`main`, then exit without tearing the interpreter down.

    Freeing pandas, Arrow and a cleaned drop module by module takes ~0.1 s after every
    file is written, a tenth of ``krlib indicators`` on a large drop. Exit handlers
    (kernel shutdown, logging) still run, then output streams are flushed.
    """
    import atexit

    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
