"""Saved charts: one name per channel, the owner recorded; only the owner or an admin changes or forgets one. A
channel keeps at most `max_per_channel` (SAVED_CHART_MAX_PER_CHANNEL), counted under the channel's lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.i18n import _
from bot.markup import mention
from bot.store.db import Database, as_utc, lock_for_writing
from bot.store.effects import once
from bot.store.tables import SavedChartRow


@dataclass(frozen=True)
class SavedChart:
    channel_id: str
    name: str
    text: str
    owner_id: str
    created_at: datetime
    updated_at: datetime


def _record(row: SavedChartRow) -> SavedChart:
    return SavedChart(row.channel_id, row.name, row.text, row.owner_id, as_utc(row.created_at), as_utc(row.updated_at))


class SavedCharts:
    """The saved charts of every channel."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        max_per_channel: int | None = None,
    ) -> None:
        self._sessions = database.sessions
        self._clock = clock
        self.max_per_channel = max_per_channel  # None: no cap

    async def get(self, channel_id: str, name: str) -> SavedChart | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(SavedChartRow).where(SavedChartRow.channel_id == channel_id, SavedChartRow.name == name)
            )
            return _record(row) if row else None

    async def in_channel(self, channel_id: str) -> list[SavedChart]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SavedChartRow).where(SavedChartRow.channel_id == channel_id).order_by(SavedChartRow.name)
            )
            return [_record(row) for row in rows]

    async def owned_by(self, user_id: str) -> list[SavedChart]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SavedChartRow).where(SavedChartRow.owner_id == user_id).order_by(SavedChartRow.name)
            )
            return [_record(row) for row in rows]

    async def save(
        self, channel_id: str, name: str, text: str, user_id: str, *, is_admin: bool, request_key: str | None = None
    ) -> tuple[SavedChart, bool]:
        """Save or replace `name` in the channel; returns the chart and whether it is new. With `request_key`, at
        most once for that request (AlreadyDone the second time)."""
        for _attempt in range(2):  # a second try when someone else created the same name at the same moment
            try:
                return await self._save_once(channel_id, name, text, user_id, is_admin=is_admin, key=request_key)
            except IntegrityError:
                continue
        raise UserError(f"`{name}` was being saved by someone else at the same moment; try again.")

    async def _save_once(
        self, channel_id: str, name: str, text: str, user_id: str, *, is_admin: bool, key: str | None
    ) -> tuple[SavedChart, bool]:
        now = self._clock()
        async with self._sessions.begin() as session:
            await lock_for_writing(session, f"saved charts in {channel_id}")  # first: SQLite's BEGIN IMMEDIATE
            await once(session, key, now)
            row = await session.scalar(
                select(SavedChartRow)
                .where(SavedChartRow.channel_id == channel_id, SavedChartRow.name == name)
                .with_for_update()
            )
            if row is None:
                await self._refuse_past_cap(session, channel_id)
                row = SavedChartRow(
                    channel_id=channel_id, name=name, text=text, owner_id=user_id, created_at=now, updated_at=now
                )
                session.add(row)
                await session.flush()
                return _record(row), True
            if row.owner_id != user_id and not is_admin:
                raise UserError(
                    f"`{name}` is {mention(row.owner_id)}'s saved chart; only they or an admin can change it. "
                    f"Save yours under another name, e.g. `{name}-2`."
                )
            row.text, row.updated_at = text, now
            return _record(row), False

    async def _refuse_past_cap(self, session: AsyncSession, channel_id: str) -> None:
        """A UserError naming the cap and what to do when the channel keeps as many as it may (a new name only)."""
        if self.max_per_channel is None:
            return
        count = await session.scalar(
            select(func.count()).select_from(SavedChartRow).where(SavedChartRow.channel_id == channel_id)
        )
        if (count or 0) >= self.max_per_channel:
            raise UserError(
                _(
                    "This channel has {count} saved charts, the most it keeps (SAVED_CHART_MAX_PER_CHANNEL); forget "
                    "one first with `forget NAME` (`saved` lists them), or save this one under the name of one of "
                    "yours to replace it."
                ).format(count=count)
            )

    async def forget(
        self, channel_id: str, name: str, user_id: str, *, is_admin: bool, request_key: str | None = None
    ) -> SavedChart:
        """Delete `name` from the channel; UserError when it does not exist or belongs to someone else. With
        `request_key`, at most once for that request."""
        async with self._sessions.begin() as session:
            await once(session, request_key, self._clock())
            row = await session.scalar(
                select(SavedChartRow).where(SavedChartRow.channel_id == channel_id, SavedChartRow.name == name)
            )
            if row is None:
                raise UserError(f"There is no saved chart `{name}` in this channel; `saved` lists them.")
            if row.owner_id != user_id and not is_admin:
                owner = mention(row.owner_id)
                raise UserError(f"`{name}` is {owner}'s saved chart; only they or an admin can forget it.")
            record = _record(row)
            await session.delete(row)
            return record
