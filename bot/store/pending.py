"""Requests acknowledged but not answered yet. A process that dies leaves them here; another (or the same one,
restarted) finishes those that never reached Slack and tells the askers of those that may have."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Database, as_utc, insert_unless_present
from bot.store.events import EVENTS, signature_claim
from bot.store.grouping import GroupCommit
from bot.store.sealing import Sealer, SealError
from bot.store.tables import PendingRequestRow

log = logging.getLogger(__name__)
RUNNING, POSTING = "running", "posting"
PENDING = cast(Table, PendingRequestRow.__table__)
RESPONSE_URL = "A request's response_url"


@dataclass(frozen=True)
class Arrival:
    """A request to note as it is acknowledged. With a `signature`, noting it also claims that signature for good,
    so a replay (to any replica) is not noted twice."""

    text: str
    user_id: str
    channel_id: str
    thread_ts: str | None = None
    response_url: str | None = None
    asked_from: str | None = None
    workspace: str = ""
    received_at: datetime | None = None
    signature: str = ""


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
    """Each request carries its process's lease, renewed for all of them at once (`renew_all`) while it lives.
    Requests arriving together are noted in one transaction (group commit). A response_url is stored sealed with
    `sealer` (a 30-minute credential: never in plain text at rest); without one it is not stored at all."""

    def __init__(
        self,
        database: Database,
        *,
        holder: str,
        lease: timedelta = timedelta(minutes=2),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sealer: Sealer | None = None,
    ) -> None:
        self._sessions = database.sessions
        self.holder = holder
        self.lease = lease
        self._clock = clock
        self._sealer = sealer if sealer is not None and sealer.ready else None
        self._group: GroupCommit[Arrival, int | None] = GroupCommit(self._write)

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
        noted = await self.note(
            Arrival(text, user_id, channel_id, thread_ts, response_url, asked_from, workspace, received_at)
        )
        assert noted is not None  # only a signed arrival can be a replay
        return noted

    async def note(self, arrival: Arrival) -> int | None:
        """Note an acknowledged request, committed with those arriving beside it; returns its id, or None when its
        signature was noted before (a replay)."""
        return await self._group(arrival)

    async def _write(self, arrivals: list[Arrival]) -> list[int | None]:
        now = self._clock()
        async with self._sessions.begin() as session:
            fresh = await self._claims(session, [arrival.signature for arrival in arrivals if arrival.signature], now)
            taken: list[int] = []
            for position, arrival in enumerate(arrivals):
                if arrival.signature:
                    if signature_claim(arrival.signature) not in fresh:
                        continue
                    fresh.discard(signature_claim(arrival.signature))  # a replay in the same write: the first wins
                taken.append(position)
            noted: list[int | None] = [None] * len(arrivals)
            if taken:
                rows = [self._row(arrivals[position], now) for position in taken]
                ids = await session.scalars(insert(PENDING).returning(PENDING.c.id, sort_by_parameter_order=True), rows)
                for position, request_id in zip(taken, ids, strict=True):
                    noted[position] = request_id
            return noted

    @staticmethod
    async def _claims(session: AsyncSession, signatures: list[str], now: datetime) -> set[str]:
        if not signatures:
            return set()
        claims = [
            {"event_id": signature_claim(signature), "handled_at": now} for signature in dict.fromkeys(signatures)
        ]
        statement = insert_unless_present(session.get_bind().dialect.name, EVENTS).values(claims)
        return set(await session.scalars(statement.returning(EVENTS.c.event_id)))

    def _row(self, arrival: Arrival, now: datetime) -> dict[str, object]:
        fields = asdict(arrival)
        del fields["signature"]
        url = arrival.response_url
        fields["response_url"] = self._sealer.seal(url, what=RESPONSE_URL) if url and self._sealer else None
        fields["received_at"] = arrival.received_at or now
        return {**fields, "status": RUNNING, "holder": self.holder, "lease_until": now + self.lease}

    def _opened(self, sealed: str | None) -> str | None:
        if sealed is None or self._sealer is None:
            return None
        try:
            return self._sealer.open(sealed, what=RESPONSE_URL)
        except SealError as error:  # another key (SECRETS_KEYS changed): answered another way
            log.warning("%s", error)
            return None

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
                    self._opened(r.response_url),
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
