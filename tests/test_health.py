"""Readiness checks on their own: the cached, bounded check (one round trip per probe storm), the report and its
gauges, and `SELECT 1` against a real database, a closed PostgreSQL port and a server that never answers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from bot.health import CachedCheck, Readiness, database_check, from_state
from bot.store import Database


async def test_a_probe_storm_shares_one_run_and_its_answer_is_kept_for_the_ttl() -> None:
    now = [100.0]
    runs = 0
    answer: str | None = None

    async def check() -> str | None:
        nonlocal runs
        runs += 1
        return answer

    cached = CachedCheck(check, ttl=5.0, timeout=60.0, clock=lambda: now[0])
    assert await asyncio.gather(*(cached() for _ in range(50))) == [None] * 50
    assert runs == 1  # fifty probes arriving together: one round trip
    answer = "down"
    now[0] = 104.9
    assert await cached() is None  # still the kept answer
    assert runs == 1
    now[0] = 105.0
    assert await cached() == "down"
    assert runs == 2
    answer = None
    now[0] = 109.9
    assert await cached() == "down"  # a failure is kept too: a storm during an outage costs no more
    assert runs == 2
    now[0] = 110.0
    assert await cached() is None
    assert runs == 3


async def test_a_check_that_never_answers_fails_at_its_timeout() -> None:
    async def never() -> str | None:
        await asyncio.Event().wait()
        return None

    assert await CachedCheck(never, timeout=0.05)() == "no answer within 0.05 s"


async def test_the_report_names_what_fails_and_sets_each_gauge() -> None:
    async def raises() -> str | None:
        raise RuntimeError("boom")

    registry = CollectorRegistry()
    readiness = Readiness(
        {
            "slack": from_state(lambda: None),
            "database": from_state(lambda: "SELECT 1 failed (OSError)"),
            "scheduler": raises,
        },
        registry=registry,
    )
    report = await readiness.check()
    assert not report.ready
    assert report.as_json() == {
        "ready": False,
        "failing": {"database": "SELECT 1 failed (OSError)", "scheduler": "the check itself failed (RuntimeError)"},
        "checks": {"slack": True, "database": False, "scheduler": False},
    }
    gauges = {name: registry.get_sample_value("servicewatch_bot_ready", {"check": name}) for name in report.problems}
    assert gauges == {"slack": 1.0, "database": 0.0, "scheduler": 0.0}


async def test_a_reachable_database_passes(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        assert await database_check(database)() is None
    finally:
        await database.dispose()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_closed_postgresql_port_fails() -> None:
    database = Database(f"postgresql+asyncpg://bot@127.0.0.1:{_closed_port()}/bot")
    try:
        problem = await database_check(database)()
    finally:
        await database.dispose()
    assert problem is not None
    assert problem.startswith("SELECT 1 failed (")


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word (a database host that hangs)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_database_that_never_answers_fails_at_the_timeout(silent_server: int) -> None:
    database = Database(f"postgresql+asyncpg://bot@127.0.0.1:{silent_server}/bot")
    try:
        assert await database_check(database, timeout=0.2)() == "no answer within 0.2 s"
    finally:
        await database.dispose()
