"""Changes made at most once per request: a request's key is written in the same transaction as its change, and
the answer it got is noted after, so running the same request again (a takeover after a crash) changes nothing
and finds the answer to send again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import AlreadyDone
from bot.store.db import Database
from bot.store.tables import RequestEffectRow


async def once(session: AsyncSession, key: str | None, now: datetime) -> None:
    """Inside the transaction of a change: note that `key`'s request made it. Raises AlreadyDone (and the
    transaction, change included, is rolled back) when that request made its change before. No key: no check."""
    if key is None:
        return
    earlier = await session.get(RequestEffectRow, key)
    if earlier is not None:
        raise AlreadyDone(earlier.answer)
    session.add(RequestEffectRow(request_key=key, done_at=now))
    try:
        await session.flush()
    except IntegrityError:  # the same request's change committed elsewhere a moment ago
        raise AlreadyDone(None) from None


class RequestEffects:
    """The answers of requests that changed something."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = database.sessions
        self._clock = clock

    async def answered(self, key: str, answer: str) -> None:
        """Note the answer of `key`'s change (nothing happens when the request changed nothing)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(RequestEffectRow).where(RequestEffectRow.request_key == key).values(answer=answer)
            )

    async def earlier(self, key: str) -> AlreadyDone | None:
        """What `key`'s request answered when it made its change, or None when it has made none."""
        async with self._sessions() as session:
            row = await session.get(RequestEffectRow, key)
            return AlreadyDone(row.answer) if row is not None else None
