"""A simulated week of the tables that grow with use, on an injected clock: rows are written as the bot writes them
at the rates of `Load`, the pruner runs as the bot runs it (at start, then every RETENTION_INTERVAL, its pauses
between batches included, all on the simulated clock), and each table's rows are counted after the week, beside
what the week wrote (what the tables would hold without pruning)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, insert, select

from bot.config import load_settings
from bot.router import cancel_and_wait
from bot.store.db import Database
from bot.store.retention import Pruner, rules_from
from bot.store.tables import Base, HandledEventRow, PendingRequestRow, ScheduleRow, ScheduleRunRow

START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
TICK = timedelta(minutes=15)  # every schedule runs every 15 minutes
WEEK = timedelta(days=7)
TABLES = ("handled_events", "schedule_runs", "pending_requests")


@dataclass(frozen=True)
class Load:
    schedules: int  # each runs every 15 minutes
    signed_requests_per_day: int  # one handled_events row each (commands, events, type-ahead keystrokes)
    notes_left_per_day: int  # acknowledged requests whose note outlives them (process killed, never finished)

    def scaled(self, share: float) -> Load:
        return Load(*(max(1, round(value * share)) for value in vars(self).values()))

    def per_day(self) -> dict[str, float]:
        """Rows each table gets a day."""
        return {
            "handled_events": self.signed_requests_per_day,
            "schedule_runs": self.schedules * (timedelta(days=1) / TICK),
            "pending_requests": self.notes_left_per_day,
        }


# The scale this project aims at: 10,000 schedules every 15 minutes (960,000 runs a day); a busy workspace's
# 50,000 signed requests a day (type-ahead sends one per keystroke); 50 notes a day left by killed processes.
FULL_LOAD = Load(schedules=10_000, signed_requests_per_day=50_000, notes_left_per_day=50)


@dataclass
class WeekResult:
    load: Load
    written: Counter[str] = field(default_factory=Counter)  # rows the week wrote: the tables without pruning
    left: dict[str, int] = field(default_factory=dict)  # rows after the week, with pruning
    statements: list[float] = field(default_factory=list)  # seconds each prune statement took
    seconds: float = 0.0  # wall time of the simulation


class _Week:
    """Writes each 15-minute tick's rows as the pruner's sleep moves the simulated clock past it."""

    def __init__(self, database: Database, load: Load, result: WeekResult) -> None:
        self.database = database
        self.load = load
        self.result = result
        self.now = START
        self.next_tick = START
        self.over = asyncio.Event()

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """The pruner's sleep: the week goes on meanwhile. At the end of the week, it never returns."""
        until = min(self.now + timedelta(seconds=seconds), START + WEEK)
        while self.next_tick < until:
            self.now = self.next_tick
            await self._write_tick(self.next_tick)
            self.next_tick += TICK
        self.now = until
        if self.now >= START + WEEK:
            self.over.set()
            await asyncio.Event().wait()

    async def _write_tick(self, tick: datetime) -> None:
        per_day = timedelta(days=1) / TICK
        n = int((tick - START) / TICK)
        runs = [
            {
                "schedule_id": schedule_id, "scheduled_for": tick, "status": "posted", "holder": "bench:1:ab12",
                "lease_until": tick + timedelta(minutes=2), "file_id": f"F{n:05d}{schedule_id:06d}",
                "started_at": tick, "finished_at": tick + timedelta(seconds=3),
            }
            for schedule_id in range(1, self.load.schedules + 1)
        ]  # fmt: skip
        events = [
            {"event_id": f"sig:v0={n:05d}{k:06d}", "handled_at": tick + TICK * k / count}
            for count in [_share(self.load.signed_requests_per_day, per_day, n)]
            for k in range(count)
        ]
        notes = [
            {
                "text": "lag last 3h", "user_id": "U0001", "channel_id": "C0001", "response_url": None,
                "status": "running", "holder": "bench:2:dead", "received_at": tick, "lease_until": tick + TICK,
            }
            for _ in range(_share(self.load.notes_left_per_day, per_day, n))
        ]  # fmt: skip
        async with self.database.engine.begin() as connection:
            for model, rows in ((ScheduleRunRow, runs), (HandledEventRow, events), (PendingRequestRow, notes)):
                for start in range(0, len(rows), 5000):
                    await connection.execute(insert(model), rows[start : start + 5000])
                self.result.written[str(model.__tablename__)] += len(rows)


def _share(per_day: int, ticks_per_day: float, n: int) -> int:
    """Tick n's share of `per_day`, spread so that every day gets exactly `per_day`."""
    return int((n + 1) * per_day / ticks_per_day) - int(n * per_day / ticks_per_day)


async def simulate_week(database_url: str, load: Load) -> WeekResult:
    """A week of `load` on a fresh database at `database_url`, pruned as the default settings say."""
    result = WeekResult(load)
    database = Database(database_url)
    started = time.perf_counter()
    try:
        await database.migrate()
        await _seed_schedules(database, load.schedules)
        week = _Week(database, load, result)
        _time_deletes(database, result.statements)
        settings = load_settings(_env_file=None)
        every = settings.retention_interval
        pruner = Pruner(database, rules_from(settings), every=every, clock=week.clock, sleep=week.sleep)
        task = asyncio.create_task(pruner.keep_pruning())
        await week.over.wait()
        await cancel_and_wait(task)
        result.left = await _counts(database)
    finally:
        await database.dispose()
    result.seconds = time.perf_counter() - started
    return result


async def _seed_schedules(database: Database, count: int) -> None:
    created = START - timedelta(days=30)
    rows = [
        {
            "channel_id": f"C{n // 25:04d}", "owner_id": "U0001", "label": "lag", "chart_text": "lag",
            "when_text": "every 15m", "interval_seconds": 900, "timezone": "UTC", "anchor": created, "paused": False,
            "consecutive_failures": 0, "version": 1, "created_at": created, "updated_at": created,
        }
        for n in range(count)
    ]  # fmt: skip
    async with database.engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            await connection.execute(insert(ScheduleRow), rows[start : start + 5000])


def _time_deletes(database: Database, took: list[float]) -> None:
    """Record how long each DELETE statement takes: the longest a prune holds its locks."""

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        conn.info["delete_started"] = time.perf_counter() if statement.startswith("DELETE") else None

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        began = conn.info.pop("delete_started", None)
        if began is not None:
            took.append(time.perf_counter() - began)

    event.listen(database.engine.sync_engine, "before_cursor_execute", before)
    event.listen(database.engine.sync_engine, "after_cursor_execute", after)


async def _counts(database: Database) -> dict[str, int]:
    async with database.engine.connect() as connection:
        counts = {name: select(func.count()).select_from(Base.metadata.tables[name]) for name in TABLES}
        return {name: int((await connection.execute(query)).scalar_one()) for name, query in counts.items()}
