"""A ledger of deliveries already taken: the first claim of an id wins, on every replica, across restarts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table

from bot.store.db import Database, insert_unless_present
from bot.store.tables import HandledEventRow

EVENTS = cast(Table, HandledEventRow.__table__)


def signature_claim(signature: str) -> str:
    """The ledger's key for a signed Slack request: taken once, by whichever replica notes the request first."""
    return f"sig:{signature}"[:100]


class EventLedger:
    """Old ids are forgotten by the pruner (bot/store/retention.py), long after Slack stops redelivering."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = database.engine
        self._sessions = database.sessions
        self._clock = clock

    async def claim(self, event_id: str) -> bool:
        """True the first time `event_id` is claimed; False for every later claim."""
        statement = insert_unless_present(self._engine.dialect.name, EVENTS).values(
            event_id=event_id[:100], handled_at=self._clock()
        )
        async with self._engine.begin() as connection:
            inserted = await connection.execute(statement.returning(EVENTS.c.event_id))
            return inserted.first() is not None
