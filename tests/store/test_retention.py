"""Pruning old rows on SQLite and PostgreSQL: old rows go, young rows and unfinished runs stay, a backlog goes in
batches, and the background loop outlives a failed pass and stops when cancelled. The clock is injected; every
wait goes through a recorded sleep, so nothing here waits on real time."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import OperationalError

from bot.config import load_settings
from bot.errors import SettingsError
from bot.router import cancel_and_wait
from bot.store import Database
from bot.store.events import EventLedger
from bot.store.pending import PendingRequests
from bot.store.retention import RETAINED, Pruner, Rule, rules_from
from bot.store.schedules import POSTED, NewSchedule, RunLog, Schedules
from bot.store.tables import Base

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
LEASE = timedelta(minutes=2)
RULES = [
    Rule("handled_events", "handled_at", DAY),
    Rule("schedule_runs", "finished_at", 3 * DAY),
    Rule("pending_requests", "received_at", DAY),
]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Sleeps:
    """Stands in for asyncio.sleep: records each wait; a wait as long as `block_at` signals `waiting` and blocks
    until the test lets it go (`release`), so a test steps the background loop one pass at a time."""

    def __init__(self, block_at: float = float("inf")) -> None:
        self.waits: list[float] = []
        self.block_at = block_at
        self.waiting = asyncio.Event()
        self._go = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if seconds >= self.block_at:
            self.waiting.set()
            await self._go.wait()
            self._go.clear()

    async def next_pass(self, loop: asyncio.Task[None]) -> None:
        """Wait until the loop finished a pass and sleeps; fail at once if the loop ended instead."""
        waiting = asyncio.ensure_future(self.waiting.wait())
        await asyncio.wait({waiting, loop}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        assert not loop.done(), "the loop ended"
        assert self.waiting.is_set(), "the loop did not come round to its wait"
        self.waiting.clear()

    def release(self) -> None:
        self._go.set()


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "bot.store.retention"]


async def count(database: Database, table: str) -> int:
    async with database.engine.connect() as connection:
        return int(
            (await connection.execute(select(func.count()).select_from(Base.metadata.tables[table]))).scalar_one()
        )


async def make_schedule(database: Database, clock: Clock) -> int:
    schedule = await Schedules(database, clock=clock).create(
        NewSchedule(
            channel_id="C1", owner_id="U1", label="lag", chart_text="lag", when_text="every 15m",
            interval_seconds=900, cron=None, timezone="UTC",
        ),
        max_per_channel=5,
    )  # fmt: skip
    return schedule.id


async def add_request(pending: PendingRequests, text: str) -> int:
    return await pending.add(text=text, user_id="U1", channel_id="C1", thread_ts=None, response_url=None)


async def test_old_rows_go_and_young_rows_and_unfinished_runs_stay(database: Database) -> None:
    clock = Clock()
    ledger = EventLedger(database, clock=clock)
    runs = RunLog(database, holder="a", clock=clock)
    pending = PendingRequests(database, holder="a", lease=LEASE, clock=clock)
    schedule_id = await make_schedule(database, clock)

    # Ten days ago: an event, a finished run, a claimed run and a posting run, a request.
    clock.now = T0 - 10 * DAY
    assert await ledger.claim("event:old")
    old_slots = [clock.now + timedelta(minutes=15 * n) for n in range(3)]
    for slot in old_slots:
        assert await runs.claim(schedule_id, slot, LEASE)
    assert await runs.finish(schedule_id, old_slots[0], POSTED, file_id="F1")
    assert await runs.start_posting(schedule_id, old_slots[2], LEASE)  # old_slots[1] stays claimed
    await add_request(pending, "old")
    # An hour ago: the same again, all young.
    clock.now = T0 - timedelta(hours=1)
    assert await ledger.claim("event:young")
    assert await runs.claim(schedule_id, clock.now, LEASE)
    assert await runs.finish(schedule_id, clock.now, POSTED, file_id="F2")
    await add_request(pending, "young")

    clock.now = T0
    removed = await Pruner(database, RULES, every=timedelta(minutes=10), clock=clock).prune()

    assert removed == {"handled_events": 1, "schedule_runs": 1, "pending_requests": 1}
    assert not await ledger.claim("event:young")  # still remembered
    assert await ledger.claim("event:old")  # forgotten
    left = {(run.scheduled_for, run.status, run.file_id) for run in await runs.runs(schedule_id)}
    assert left == {
        (old_slots[1], "claimed", None),  # unfinished runs are the exactly-once fence: never pruned
        (old_slots[2], "posting", None),
        (T0 - timedelta(hours=1), POSTED, "F2"),
    }
    (young,) = await PendingRequests(database, holder="b", lease=LEASE, clock=clock).orphans(timedelta(0))
    assert young.text == "young"


async def test_a_row_exactly_at_the_keep_time_stays(database: Database) -> None:
    clock = Clock()
    ledger = EventLedger(database, clock=clock)
    clock.now = T0 - DAY
    assert await ledger.claim("event:edge")
    clock.now = T0
    pruner = Pruner(database, RULES[:1], every=timedelta(minutes=10), clock=clock)
    assert await pruner.prune() == {"handled_events": 0}
    clock.now = T0 + timedelta(seconds=1)
    assert await pruner.prune() == {"handled_events": 1}


async def test_a_backlog_goes_in_batches_until_none_is_left(database: Database) -> None:
    clock = Clock()
    ledger = EventLedger(database, clock=clock)
    clock.now = T0 - 2 * DAY
    for n in range(10):
        assert await ledger.claim(f"sig:{n}")
    clock.now = T0
    assert await ledger.claim("sig:young")
    sleeps = Sleeps()
    pruner = Pruner(database, RULES[:1], every=timedelta(minutes=10), batch=3, pause=0.05, clock=clock, sleep=sleeps)

    assert await pruner.prune() == {"handled_events": 10}

    assert sleeps.waits == [0.05, 0.05, 0.05]  # 3 + 3 + 3 + 1: a pause after each full batch
    assert await count(database, "handled_events") == 1
    assert await pruner.prune() == {"handled_events": 0}


async def test_the_loop_prunes_at_start_then_every_interval_logs_what_went_and_stops_when_cancelled(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store.retention")
    clock = Clock()
    ledger = EventLedger(database, clock=clock)
    clock.now = T0 - 2 * DAY
    assert await ledger.claim("event:1")
    assert await ledger.claim("event:2")
    clock.now = T0
    sleeps = Sleeps(block_at=600)
    pruner = Pruner(database, RULES, every=timedelta(minutes=10), clock=clock, sleep=sleeps)
    task = asyncio.create_task(pruner.keep_pruning())

    await sleeps.next_pass(task)  # the pass at start
    assert await count(database, "handled_events") == 0
    assert messages(caplog) == ["pruned old rows: handled_events 2"]
    clock.now += timedelta(minutes=10)
    sleeps.release()
    await sleeps.next_pass(task)  # nothing to prune: nothing logged
    assert len(messages(caplog)) == 1
    assert sleeps.waits == [600.0, 600.0]

    await cancel_and_wait(task)
    assert task.cancelled()


async def test_the_loop_outlives_a_failed_pass(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    ledger = EventLedger(database, clock=clock)
    clock.now = T0 - 2 * DAY
    assert await ledger.claim("event:1")
    clock.now = T0
    sleeps = Sleeps(block_at=600)
    pruner = Pruner(database, RULES, every=timedelta(minutes=10), clock=clock, sleep=sleeps)
    real_prune = pruner.prune
    failures = [OperationalError("DELETE …", {}, Exception("database is locked"))]

    async def failing_once() -> dict[str, int]:
        if failures:
            raise failures.pop()
        return await real_prune()

    pruner.prune = failing_once  # type: ignore[method-assign]
    task = asyncio.create_task(pruner.keep_pruning())

    await sleeps.next_pass(task)
    assert messages(caplog) == ["pruning old rows failed; trying again in 10m"]
    assert await count(database, "handled_events") == 1
    sleeps.release()
    await sleeps.next_pass(task)
    assert not task.done()
    assert await count(database, "handled_events") == 0  # the next pass did it
    await cancel_and_wait(task)


async def test_the_prune_queries_use_an_index(tmp_path: Path) -> None:
    """Each rule's column is indexed (0006 adds schedule_runs.finished_at), so finding a batch never scans a
    table of millions of rows. SQLite's query plan names the index it searches."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        await database.migrate()
        await _assert_indexed(database)
    finally:
        await database.dispose()


async def _assert_indexed(database: Database) -> None:
    async with database.engine.connect() as connection:
        for table, column, _ in RETAINED:
            plan = await connection.execute(
                text(f"EXPLAIN QUERY PLAN SELECT rowid FROM {table} WHERE {column} < :cutoff LIMIT 1000"),
                {"cutoff": "2026-11-27 00:00:00"},
            )
            details = " ".join(str(row[-1]) for row in plan)
            assert "USING INDEX" in details or "USING COVERING INDEX" in details, (table, details)


async def test_the_migration_adds_the_index_on_finished_runs(database: Database) -> None:
    async with database.engine.connect() as connection:
        indexes = await connection.run_sync(lambda sync: inspect(sync).get_indexes("schedule_runs"))
    assert {"name": "ix_schedule_runs_finished_at", "columns": ["finished_at"]} in [
        {"name": index["name"], "columns": index["column_names"]} for index in indexes
    ]


def test_every_retained_table_names_a_table_a_column_and_a_setting() -> None:
    settings = load_settings(_env_file=None)
    for table, column, setting in RETAINED:
        assert column in Base.metadata.tables[table].c, (table, column)
        assert hasattr(settings, setting), setting
    assert rules_from(settings) == [
        Rule("handled_events", "handled_at", DAY),
        Rule("schedule_runs", "finished_at", 3 * DAY),
        Rule("pending_requests", "received_at", DAY),
        Rule("request_effects", "done_at", DAY),
        Rule("chart_clicks", "clicked_at", DAY),
        Rule("alert_changes", "done_at", 3 * DAY),
        Rule("chart_links", "posted_at", 90 * DAY),
    ]


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({"retention_schedule_runs": "2h", "schedule_misfire_grace": "3h"}, "RETENTION_SCHEDULE_RUNS must be longer"),
        ({"retention_pending_requests": "2h", "request_orphan_age": "2h"}, "RETENTION_PENDING_REQUESTS must be longer"),
        ({"retention_interval": "often"}, "RETENTION_INTERVAL: 'often' is not a duration"),
    ],
)
def test_keep_times_that_would_break_a_guarantee_are_refused(values: dict[str, str], refusal: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None, **values)
    assert refusal in str(raised.value)


@pytest.mark.parametrize("setting", [setting for _, _, setting in RETAINED])
def test_every_keep_time_is_at_least_an_hour(setting: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None, **{setting: "59m"})
    assert f"{setting.upper()} must be at least 1h" in str(raised.value)
    assert load_settings(_env_file=None, **{setting: "1h"})
