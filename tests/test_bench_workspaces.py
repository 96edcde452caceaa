"""The multi-workspace bench (`python -m bench workspaces --postgres URL`) at its quick size against real processes:
the installable app on two bots on one PostgreSQL, ten workspaces (slow: `python -m pytest --slow`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.benches import Knobs, drop_databases, workspaces
from tests.databases import NO_PG, PG_URL


def test_without_postgresql_the_bench_says_it_needs_it(tmp_path: Path) -> None:
    (figure,) = asyncio.run(workspaces(Knobs(quick=True, workdir=tmp_path)))
    assert figure.value == "needs PostgreSQL"


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_every_workspace_gets_its_charts_once_in_its_own_workspace(tmp_path: Path) -> None:
    knobs = Knobs(quick=True, uploads_per_minute=600.0, workdir=tmp_path, postgres=PG_URL)
    try:
        figures = {f.name: f for f in asyncio.run(workspaces(knobs))}
    finally:
        asyncio.run(drop_databases(knobs))
    # The 429 count is a bench figure, not asserted: see tests/test_bench_replicas.py (a stalled machine bunches
    # paced calls). Every chart once, in its own workspace, within each workspace's limit holds at any speed.
    for name in ("delivered", "lost", "doubled", "posted in another workspace"):
        assert figures[name].met, figures[name]
    assert figures["most uploads of one workspace in any 60 s"].met
    assert figures["429s from Slack"].value.isdigit()
