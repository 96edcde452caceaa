"""Clicks on a posted chart's controls, numbered per message in the database, so every replica agrees which click
is the latest; a redraw is shown while holding its message's row, so two never interleave."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.db import Database
from bot.store.tables import ChartClickRow


class ChartClicks:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = database.sessions
        self._clock = clock

    async def take(self, channel_id: str, message_ts: str) -> int:
        """Number a click on the message: 1 for its first, then one more than the latest, whichever replica took it."""
        async with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(ChartClickRow).values(
                channel_id=channel_id, message_ts=message_ts, latest=1, clicked_at=self._clock()
            )
            numbered = statement.on_conflict_do_update(
                index_elements=["channel_id", "message_ts"],
                set_={"latest": ChartClickRow.latest + 1, "clicked_at": statement.excluded.clicked_at},
            ).returning(ChartClickRow.latest)
            return int((await session.execute(numbered)).scalar_one())

    async def withdraw(self, channel_id: str, message_ts: str, number: int) -> None:
        """Click `number` drew nothing (it failed, or found the chart up to date): unless a later click came, the
        one before it is the latest again, so a redraw of that one still under way is shown."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(ChartClickRow)
                .where(
                    ChartClickRow.channel_id == channel_id,
                    ChartClickRow.message_ts == message_ts,
                    ChartClickRow.latest == number,
                )
                .values(latest=number - 1)
            )

    @contextlib.asynccontextmanager
    async def holding(self, channel_id: str, message_ts: str, number: int) -> AsyncIterator[bool]:
        """Hold the message's row (PostgreSQL: other replicas' redraws of it wait) while the body shows a redraw;
        yields whether click `number` is still the latest."""
        async with self._sessions.begin() as session:
            query = select(ChartClickRow.latest).where(
                ChartClickRow.channel_id == channel_id, ChartClickRow.message_ts == message_ts
            )
            latest = (await session.execute(query.with_for_update())).scalar_one_or_none()
            yield latest == number
