"""The replicas bench (`python -m bench replicas --postgres URL`): how many uploads fall in the busiest minute, and
the bench itself at a tiny size against real processes, two bots on one PostgreSQL (slow: `python -m pytest --slow`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.benches import Knobs, busiest_minute, drop_databases, replicas
from tests.databases import NO_PG, PG_URL


def test_the_busiest_minute_counts_the_most_uploads_any_60_seconds_hold() -> None:
    assert busiest_minute([]) == 0
    assert busiest_minute([0.0, 59.9, 60.0, 61.0, 119.0, 119.5]) == 5  # 59.9 to 119.5; 0.0 and 60.0 are 60 s apart
    assert busiest_minute([5.0, 1.0, 3.0]) == 3


def test_without_postgresql_the_bench_says_it_needs_it(tmp_path: Path) -> None:
    (figure,) = asyncio.run(replicas(Knobs(quick=True, workdir=tmp_path)))
    assert figure.value == "needs PostgreSQL"


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_two_replicas_deliver_every_chart_once_under_the_limit(tmp_path: Path) -> None:
    knobs = Knobs(quick=True, uploads_per_minute=1200.0, workdir=tmp_path, postgres=PG_URL)
    try:
        figures = {f.name: f for f in asyncio.run(replicas(knobs))}
    finally:
        asyncio.run(drop_databases(knobs))
    # What the pace guarantees whatever the machine's speed: every chart once, and no 60 s over Slack's limit. How
    # many calls the fake Slack refused is a bench figure: a stalled machine delivers two paced calls together, the
    # bucket's burst of 3 may then be short, and the 429 is waited out (every chart is still delivered once).
    for name in ("delivered", "lost", "doubled", "most uploads in any 60 s"):
        assert figures[name].met, figures[name]
    assert figures["429s from Slack"].value.isdigit()
