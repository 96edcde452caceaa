"""Pruning of tables that would otherwise grow for ever, in the background: rows whose timestamp is older than their
table's keep time go, a small batch per short transaction, so a large backlog never holds a lock for long."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Table, delete, select, tuple_

from bot.durations import format_duration
from bot.store.db import Database
from bot.store.tables import Base

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

# What is pruned: (table, its timestamp column, the setting that says how long its rows are kept). A row whose
# timestamp is NULL is never pruned.
RETAINED: tuple[tuple[str, str, str], ...] = (
    # Slack event ids and request signatures: Slack redelivers for minutes, a signature is valid for five.
    ("handled_events", "handled_at", "retention_handled_events"),
    # finished_at is NULL until a run ends, so claimed and posting runs (the exactly-once fence) always stay.
    ("schedule_runs", "finished_at", "retention_schedule_runs"),
    # No request is still being answered a day after it arrived; a row that old is finished or its process is dead.
    ("pending_requests", "received_at", "retention_pending_requests"),
    # A change's note matters only while its request (key `request:<id>`, ids never reused) can still be taken
    # over: kept as long as the request's own row, which it never outlives (done_at comes after received_at).
    ("request_effects", "done_at", "retention_pending_requests"),
    # A chart's clicks are numbered while people steer it; a day later a click starts the numbers again, harmlessly.
    ("chart_clicks", "clicked_at", "retention_handled_events"),
    # An alert's announced changes: only pending, claimed and posting ones (done_at NULL) are the exactly-once fence.
    ("alert_changes", "done_at", "retention_schedule_runs"),
    # A chart's link stops unfurling (and its page says so) once its row goes.
    ("chart_links", "posted_at", "retention_chart_links"),
)
BATCH = 1000  # rows per statement
PAUSE = 0.05  # seconds between batches: the requests' own writes go in between


@dataclass(frozen=True)
class Rule:
    """Rows of `table` go once their `column` is older than `keep`."""

    table: str
    column: str
    keep: timedelta


def rules_from(settings: Settings) -> list[Rule]:
    """The rules of RETAINED with the keep times the settings give."""
    return [Rule(table, column, getattr(settings, setting)) for table, column, setting in RETAINED]


class Pruner:
    """Deletes rows older than their rule's keep time, `batch` at a time; `keep_pruning` does it every `every`."""

    def __init__(
        self,
        database: Database,
        rules: Sequence[Rule],
        *,
        every: timedelta,
        batch: int = BATCH,
        pause: float = PAUSE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._engine = database.engine
        self._database = database
        self.rules = list(rules)
        self.every = every
        self._batch = batch
        self._pause = pause
        self._clock = clock
        self._sleep = sleep

    async def prune(self) -> dict[str, int]:
        """One pass over every rule: how many rows each table lost. Then SQLite's WAL is emptied into the database
        file, so copies of deleted rows (sealed response_urls among them) do not linger in it."""
        removed = {rule.table: await self._prune_table(rule) for rule in self.rules}
        await self._database.checkpoint()
        return removed

    async def keep_pruning(self) -> None:
        """Prune now and then every `every`, until cancelled; a failed pass is logged and tried again next time."""
        while True:
            try:
                removed = await self.prune()
                if any(removed.values()):
                    counts = ", ".join(f"{table} {count:,}" for table, count in removed.items() if count)
                    log.info("pruned old rows: %s", counts)
            except Exception:
                log.exception(
                    "pruning old rows failed; trying again in %s", format_duration(int(self.every.total_seconds()))
                )
            await self._sleep(self.every.total_seconds())

    async def _prune_table(self, rule: Rule) -> int:
        table = _table(rule.table)
        keys = list(table.primary_key.columns)
        key = keys[0] if len(keys) == 1 else tuple_(*keys)  # a composite key is matched as a row value
        stamp = table.c[rule.column]
        cutoff = (self._clock() - rule.keep).astimezone(UTC)
        removed = 0
        while True:
            oldest = select(*keys).where(stamp < cutoff).limit(self._batch)
            async with self._engine.begin() as connection:
                count = (await connection.execute(delete(table).where(key.in_(oldest)))).rowcount
            removed += count
            if count < self._batch:
                return removed
            await self._sleep(self._pause)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def pruner_for(database: Database, settings: Settings) -> Pruner:
    """The pruner the settings call for."""
    return Pruner(database, rules_from(settings), every=settings.retention_interval)
