"""Requests acknowledged but not answered yet. A process that dies leaves them here; another (or the same one,
restarted) finishes those that never reached Slack and tells the askers of those that may have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update

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
    asked_from: str | None = None
    workspace: str = ""


class PendingRequests:
    """Each request carries its process's lease, renewed for all of them at once (`renew_all`) while it lives."""

    def __init__(
        self,
        database: Database,
        *,
        holder: str,
        lease: timedelta = timedelta(minutes=2),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = database.sessions
        self.holder = holder
        self.lease = lease
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    async def add(
        self,
        *,
        text: str,
        user_id: str,
        channel_id: str,
        thread_ts: str | None,
        response_url: str | None,
        asked_from: str | None = None,
        received_at: datetime | None = None,
        workspace: str = "",
    ) -> int:
        """Note a request (received now unless `received_at` says when); returns its id."""
        async with self._sessions.begin() as session:
            row = PendingRequestRow(
                text=text, user_id=user_id, channel_id=channel_id, thread_ts=thread_ts, response_url=response_url,
                status=RUNNING, holder=self.holder, received_at=received_at or self._clock(),
                lease_until=self._clock() + self.lease, asked_from=asked_from, workspace=workspace,
            )  # fmt: skip
            session.add(row)
            await session.flush()
            return row.id

    async def posting(self, request_id: int) -> bool:
        """The step after which the request may have reached Slack: only its live holder gets True (holder and state
        checked in the same statement, as `RunLog.start_posting` does), so a replica that lost it never posts."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(PendingRequestRow)
                .where(
                    PendingRequestRow.id == request_id,
                    PendingRequestRow.holder == self.holder,
                    PendingRequestRow.status == RUNNING,
                )
                .values(status=POSTING)
            )
            return bool(getattr(result, "rowcount", 0))

    async def done(self, request_id: int) -> None:
        """Forget the request, if it is still this holder's (one taken over elsewhere is the new holder's to end)."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(PendingRequestRow).where(
                    PendingRequestRow.id == request_id, PendingRequestRow.holder == self.holder
                )
            )

    async def renew_all(self) -> int:
        """This process is alive: extend the lease of all its requests. Returns how many it holds."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(PendingRequestRow)
                .where(PendingRequestRow.holder == self.holder)
                .values(lease_until=self._clock() + self.lease)
            )
            return int(getattr(result, "rowcount", 0))

    async def orphans(self, older_than: timedelta) -> list[PendingRequest]:
        """Requests of other processes older than `older_than` whose lease ran out (their process died or hangs),
        taken over by this holder."""
        now = self._clock()
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(PendingRequestRow)
                    .where(
                        PendingRequestRow.holder != self.holder,
                        PendingRequestRow.received_at < now - older_than,
                        or_(PendingRequestRow.lease_until.is_(None), PendingRequestRow.lease_until < now),
                    )
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
                    r.asked_from,
                    r.workspace,
                )
                for r in rows
            ]
            for row in rows:
                row.holder, row.lease_until = self.holder, now + self.lease
            return found
