"""Claims that collide by design (every replica claims every run; Slack redelivers events) are refused without the
database raising: PostgreSQL writes every unique violation to its server log as an ERROR, once per replica per run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.store import Database
from bot.store.events import EventLedger
from bot.store.schedules import NewSchedule, RunLog, Schedules

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@pytest.fixture
def database_errors(database: Database) -> Iterator[list[BaseException]]:
    """Every error the database raised to SQLAlchemy during the test (caught or not)."""
    errors: list[BaseException] = []

    def record(context: Any) -> None:
        errors.append(context.original_exception)

    event.listen(database.engine.sync_engine, "handle_error", record)
    yield errors
    event.remove(database.engine.sync_engine, "handle_error", record)


async def schedule_in(database: Database) -> int:
    new = NewSchedule(
        channel_id="C1", owner_id="U1", label="lag", chart_text="lag", when_text="every 15m", interval_seconds=900,
        cron=None, timezone="UTC",
    )  # fmt: skip
    return (await Schedules(database, clock=lambda: NOW).create(new, max_per_channel=5)).id


async def test_a_run_claimed_twice_is_refused_without_a_database_error(
    database: Database, database_errors: list[BaseException]
) -> None:
    schedule_id = await schedule_in(database)
    first, second = RunLog(database, holder="a", clock=lambda: NOW), RunLog(database, holder="b", clock=lambda: NOW)
    assert await first.claim(schedule_id, NOW, LEASE)
    assert not await second.claim(schedule_id, NOW, LEASE)
    assert not await first.claim(schedule_id, NOW, LEASE)
    assert [run.holder for run in await first.runs(schedule_id)] == ["a"]
    assert database_errors == []


async def test_a_run_of_a_deleted_schedule_is_refused_without_a_database_error(
    database: Database, database_errors: list[BaseException]
) -> None:
    """Another replica may still fire a schedule deleted elsewhere until it syncs: its claim is simply refused."""
    schedule_id = await schedule_in(database)
    assert await Schedules(database).delete(schedule_id)
    assert not await RunLog(database, holder="a", clock=lambda: NOW).claim(schedule_id, NOW, LEASE)
    assert database_errors == []


async def test_an_event_claimed_twice_is_refused_without_a_database_error(
    database: Database, database_errors: list[BaseException]
) -> None:
    ledger = EventLedger(database, clock=lambda: NOW)
    assert await ledger.claim("event:Ev1")
    assert not await ledger.claim("event:Ev1")
    assert await EventLedger(database, clock=lambda: NOW).claim("event:Ev2")
    assert not await EventLedger(database, clock=lambda: NOW).claim("event:Ev2")
    assert database_errors == []
