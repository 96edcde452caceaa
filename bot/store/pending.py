"""Requests acknowledged but not answered yet. A process that dies leaves them here; another (or the same one,
restarted) finishes those that never reached Slack and tells the askers of those that may have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from bot.store.db import Database, as_utc
from bot.store.tables import PendingRequestRow

RUNNING, POSTING = "running", "posting"


@dataclass(frozen=True)
class PendingRequest:
    id: int
    text: str
    user_id: str
    channel_id: str
    thread_ts: str | None
    response_url: str | None
    status: str
    holder: str
    received_at: datetime


class PendingRequests:
    def __init__(
        self, database: Database, *, holder: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = database.sessions
        self.holder = holder
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    async def add(
        self, *, text: str, user_id: str, channel_id: str, thread_ts: str | None, response_url: str | None
    ) -> int:
        async with self._sessions.begin() as session:
            row = PendingRequestRow(
                text=text, user_id=user_id, channel_id=channel_id, thread_ts=thread_ts, response_url=response_url,
                status=RUNNING, holder=self.holder, received_at=self._clock(),
            )  # fmt: skip
            session.add(row)
            await session.flush()
            return row.id

    async def posting(self, request_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(PendingRequestRow).where(PendingRequestRow.id == request_id).values(status=POSTING)
            )

    async def done(self, request_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(PendingRequestRow).where(PendingRequestRow.id == request_id))

    async def orphans(self, older_than: timedelta) -> list[PendingRequest]:
        """Requests of other processes (dead, or long stuck) older than `older_than`, taken over by this holder."""
        cutoff = self._clock() - older_than
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(PendingRequestRow)
                    .where(PendingRequestRow.holder != self.holder, PendingRequestRow.received_at < cutoff)
                    .with_for_update(skip_locked=True)
                )
            )
            found = [
                PendingRequest(
                    r.id,
                    r.text,
                    r.user_id,
                    r.channel_id,
                    r.thread_ts,
                    r.response_url,
                    r.status,
                    r.holder,
                    as_utc(r.received_at),
                )
                for r in rows
            ]
            for row in rows:
                row.holder = self.holder
            return found
