"""`python -m bench.spy RAW`: a py-spy profile of the bot (`py-spy record -p PID -r 200 -f raw -o RAW` while the
`runs` bench is under way) as each layer's share of the samples, by the function each sample was in (its leaf)."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from bench.runs import layer_of

FRAME = re.compile(r"(?P<function>.*) \((?P<file>.*?)(:\d+)?\)$")


def shares(raw: Path) -> dict[str, float]:
    """Each layer's share of the samples in py-spy's raw (collapsed) output."""
    totals: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        leaf = FRAME.match(stack.split(";")[-1])
        totals[layer_of(f"/{leaf['file']}:{leaf['function']}" if leaf else stack)] += int(count)
    whole = sum(totals.values()) or 1
    return {layer: count / whole for layer, count in totals.most_common()}


def main() -> None:
    for layer, share in shares(Path(sys.argv[1])).items():
        print(f"{share:6.1%}  {layer}")


if __name__ == "__main__":
    main()
