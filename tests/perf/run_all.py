"""Run every benchmark in this folder, each in its own process, then print one table.

    python -m tests.perf.run_all            # full sizes (the 1M-checkpoint fill takes minutes)
    python -m tests.perf.run_all --quick    # smaller sizes (1M -> 100k), fewer repeats
    python -m tests.perf.run_all --only memory_questionnaire,filter
    python -m tests.perf.run_all --strict   # exit 1 if any bar fails
    python -m tests.perf.run_all --markdown out.md   # the tables as Markdown too

SQLite files go to a temp dir, or ``--dir``/``$HITL_PERF_DIR``: put them on the
disk whose fsync you mean to measure.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.perf._common import ROOT, Row, load_note, print_table

BENCHES = [
    "scale",
    "cold_start",
    "sqlite_questionnaire",
    "memory_questionnaire",
    "branch",
    "filter",
    "memory",
    "compile",
]


def markdown_table(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.strip().replace("|", "\\|")

    out = ["| figure | bar | measured | verdict |", "| --- | --- | --- | --- |"]
    out += [f"| {cell(r.figure)} | {cell(r.bar)} | {cell(r.measured)} | {r.verdict} |"
            for r in rows]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--dir", default=os.environ.get("HITL_PERF_DIR"))
    parser.add_argument("--only", help="comma-separated: " + ",".join(BENCHES))
    parser.add_argument("--strict", action="store_true", help="exit 1 if any bar fails")
    parser.add_argument("--markdown", metavar="FILE",
                        help="also write the floors and bars as Markdown tables to FILE")
    args = parser.parse_args()
    names = BENCHES if not args.only else [n.strip() for n in args.only.split(",")]
    unknown = set(names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))}")

    rows: list[Row] = []
    floors: list[Row] = []
    failed_to_run = []
    t_all = time.perf_counter()
    print(f"start: {load_note()}", flush=True)
    for name in names:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            out = f.name
        cmd = [sys.executable, "-m", f"tests.perf.bench_{name}", "--json", out]
        if args.quick:
            cmd.append("--quick")
        if args.repeats:
            cmd += ["--repeats", str(args.repeats)]
        if args.dir:
            cmd += ["--dir", args.dir]
        print(f"\n##### bench_{name}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT)
        print(f"(bench_{name}: {time.perf_counter() - t0:.1f} s)", flush=True)
        try:
            data = json.loads(Path(out).read_text()) if code == 0 else None
        except ValueError:
            data = None
        finally:
            Path(out).unlink(missing_ok=True)
        if data is None:
            failed_to_run.append(name)
            rows.append(Row(f"bench_{name}", "runs", f"exit code {code}", "FAIL"))
            continue
        rows += [Row(**r) for r in data["rows"]]
        floors += [Row(**r) for r in data["floors"]]

    print("\n" + "#" * 100)
    print(f"hitl performance: {'quick' if args.quick else 'full'} sizes, "
          f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"{time.perf_counter() - t_all:.0f} s in all; end: {load_note()}")
    print_table("Floors (measured in this run)", floors)
    print_table("Bars", rows)
    if args.markdown:
        Path(args.markdown).write_text(
            f"hitl performance: {'quick' if args.quick else 'full'} sizes, python "
            f"{sys.version.split()[0]}, {os.cpu_count()} cores; {load_note()}\n\n"
            + markdown_table(floors) + "\n" + markdown_table(rows))
    fails = [r for r in rows if r.verdict == "FAIL"]
    passes = [r for r in rows if r.verdict == "PASS"]
    print(f"{len(passes)} PASS, {len(fails)} FAIL"
          + (f"; could not run: {', '.join(failed_to_run)}" if failed_to_run else ""))
    return 1 if (args.strict and fails) or failed_to_run else 0


if __name__ == "__main__":
    sys.exit(main())
