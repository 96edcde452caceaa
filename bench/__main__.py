"""`python -m bench [NAME…] [--quick]`: run the benches and print each figure beside its goal and limit."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import pstats
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.answers import answers
from bench.bad_day import BAD_DAY
from bench.benches import BENCHES as SERVICE_BENCHES
from bench.benches import Figure, Knobs, drop_databases
from bench.language import language
from bench.runs import runs

BENCHES = {"language": language, **SERVICE_BENCHES}
ON_REQUEST = {"runs": runs, "answers": answers, **BAD_DAY}  # benches run only when named


def table(figures: list[Figure]) -> str:
    rows = [("bench", "figure", "measured", "goal", "limit", "")]
    for f in figures:
        rows.append((f.bench, f.name, f.value, f.goal, f.limit, {True: "met", False: "MISSED", None: ""}[f.met]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {system}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benches to run (default: all): {', '.join(BENCHES)} (cost comes with storm); when named: "
        f"{', '.join(ON_REQUEST)}",
    )
    parser.add_argument("--quick", action="store_true", help="small counts, a fast Slack limit: a smoke run (< 2 min)")
    parser.add_argument("--concurrency", type=int, help="SERVICEWATCH_MAX_CONCURRENCY, C (default 8)")
    parser.add_argument(
        "--uploads-per-minute",
        type=float,
        help="Slack's upload limit R, enforced and paced (default 100, Tier 4; quick 600: same regime, 10× smaller)",
    )
    parser.add_argument("--profile", action="store_true", help="run the bot under cProfile; print where it spent CPU")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs, databases, profiles)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run the bot on PostgreSQL: a fresh database per bench at this server (e.g. "
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test); default SQLite",
    )
    parser.add_argument(
        "--misses", action="store_true", help="language: rewrite tests/language/corpus/misses.txt from this run"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed (default: report only)")
    args = parser.parse_args(argv)
    # The cost figure is measured during the storm: `cost` runs the storm.
    args.names = list(dict.fromkeys("storm" if name == "cost" else name for name in args.names))
    benches = {**BENCHES, **ON_REQUEST}
    unknown = [name for name in args.names if name not in benches]
    if unknown:
        parser.error(f"no bench called {', '.join(unknown)}; there are {', '.join(benches)}")
    knobs = Knobs(quick=args.quick, profile=args.profile, postgres=args.postgres, misses=args.misses)
    knobs.uploads_per_minute = args.uploads_per_minute or (600.0 if args.quick else 100.0)
    if args.concurrency:
        knobs.concurrency = args.concurrency
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    knobs.workdir = workdir
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()}", flush=True)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"C={knobs.concurrency}, R={knobs.uploads_per_minute:g}/min · {database}{' · quick' if args.quick else ''}")
    if args.keep:
        print(f"working folder (kept): {workdir}")
    figures: list[Figure] = []
    for name in args.names or list(BENCHES):
        print(f"… {name}", flush=True)
        try:
            found = asyncio.run(benches[name](knobs))
        finally:
            asyncio.run(drop_databases(knobs))
            knobs.created.clear()
        figures.extend(found)
        print(table(found), flush=True)
        if knobs.profile:
            pstats.Stats(str(workdir / name / "bot.prof")).sort_stats("cumulative").print_stats(40)
    print()
    print(table(figures))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    missed = [f"{f.bench}: {f.name}" for f in figures if f.met is False]
    if missed:
        print(f"missed: {'; '.join(missed)}")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
