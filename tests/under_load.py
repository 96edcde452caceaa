"""`python -m tests.under_load [--runs N] [--burners B] [PYTEST ARGS…]`: the suite while the cores are kept busy.

Starts B processes that spin on the CPU (default: one per core), runs `python -m pytest -q -p no:cacheprovider
--slow` (or the arguments given) N times, and prints each run's time, its result and the load average, so a test
that holds only when the machine keeps up shows itself. Exit status: 0 when every run passed."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

SPIN = "while True: pass"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.under_load", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="how many times to run the suite (default 5)")
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2, help="CPU-bound processes beside it")
    args, pytest_args = parser.parse_known_args(argv)
    command = [sys.executable, "-m", "pytest", *(pytest_args or ["-q", "-p", "no:cacheprovider", "--slow"])]
    burners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(args.burners)]
    results = []
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            code = subprocess.call(command)
            took = time.monotonic() - started
            load = os.getloadavg()[0]
            results.append(code)
            print(  # noqa: T201
                f"run {run}/{args.runs}: {'passed' if code == 0 else f'FAILED ({code})'} in {took:.0f} s, "
                f"{args.burners} burners, load average {load:.1f}",
                flush=True,
            )
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    print(f"{results.count(0)}/{len(results)} runs passed")  # noqa: T201
    return 0 if all(code == 0 for code in results) else 1


if __name__ == "__main__":
    sys.exit(main())
