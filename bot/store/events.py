"""A ledger of deliveries already taken: the first claim of an id wins, on every replica, across restarts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.tables import HandledEventRow


class EventLedger:
    """Old ids are forgotten by the pruner (bot/store/retention.py), long after Slack stops redelivering."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = database.sessions
        self._clock = clock

    async def claim(self, event_id: str) -> bool:
        """True the first time `event_id` is claimed; False for every later claim."""
        try:
            async with self._sessions.begin() as session:
                session.add(HandledEventRow(event_id=event_id[:100], handled_at=self._clock()))
        except IntegrityError:
            return False
        return True
