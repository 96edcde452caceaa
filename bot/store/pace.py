"""Each workspace's upload bucket in PostgreSQL, shared by every replica: Slack's upload limit is per workspace, so N
replicas together stay under it. Taking a token is one statement (the row's lock orders the replicas, so two never
spend the same token); a "no" says how long until a token is there, so nobody polls. A 429 one replica saw holds all.

Times are epoch seconds by the database's clock (`clock_timestamp()`), which every replica shares; tests pass a
logical `clock` instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text

from bot.store.db import Database

_NOW = "COALESCE(CAST(:now AS double precision), EXTRACT(EPOCH FROM clock_timestamp()))"
_RATE = "CAST(:rate AS double precision)"
_SPARE = "CAST(:spare AS double precision)"
_REFILLED = f"LEAST(CAST(:burst AS double precision), pace.tokens + GREATEST(clock.now - pace.filled_at, 0) * {_RATE})"

# The UPDATE takes a token only when one is there (leaving `spare` for others) and no hold is on; the SELECT reads
# the row as it stood before, for the wait when it did not. A `clock` CTE is evaluated once for both. The clock is
# read before the row's lock is waited for, so another replica may have filled the bucket a hair later: time never
# goes back (no refill counted twice).
_TAKE = text(
    f"""
    WITH clock AS (SELECT {_NOW} AS now),
    taken AS (
        UPDATE upload_pace AS pace SET tokens = {_REFILLED} - 1, filled_at = GREATEST(pace.filled_at, clock.now)
        FROM clock
        WHERE pace.workspace = :workspace AND pace.held_until <= clock.now AND {_REFILLED} >= 1 + {_SPARE}
        RETURNING pace.workspace
    )
    SELECT EXISTS (SELECT 1 FROM taken) AS taken,
           GREATEST(pace.held_until - clock.now, (1 + {_SPARE} - {_REFILLED}) / {_RATE}) AS wait
    FROM upload_pace AS pace, clock
    WHERE pace.workspace = :workspace
    """
)
_START = text(
    f"""
    INSERT INTO upload_pace (workspace, tokens, filled_at, held_until)
    VALUES (:workspace, CAST(:burst AS double precision), {_NOW}, 0)
    ON CONFLICT (workspace) DO NOTHING
    """
)
_HOLD = text(
    f"""
    INSERT INTO upload_pace AS pace (workspace, tokens, filled_at, held_until)
    VALUES (:workspace, 0, {_NOW}, {_NOW} + CAST(:seconds AS double precision))
    ON CONFLICT (workspace) DO UPDATE
    SET tokens = 0, filled_at = excluded.filled_at, held_until = GREATEST(pace.held_until, excluded.held_until)
    """
)

SOON = 0.005  # seconds to wait when another replica took the token this statement saw
LATE = 0.001  # added to a wait, so the next take comes when the token is there, not a hair before it


@dataclass(frozen=True)
class Turn:
    """A take's answer: whether a token was taken, else the seconds until one may be."""

    taken: bool
    wait: float = 0.0


class SharedPace:
    """The upload buckets of every workspace in the `upload_pace` table (PostgreSQL only): `per_minute` uploads,
    bursts of up to `burst`."""

    def __init__(
        self, database: Database, *, per_minute: float, burst: int, clock: Callable[[], float] | None = None
    ) -> None:
        self._sessions = database.sessions
        self._rate = per_minute / 60.0
        self._burst = burst
        self._clock = clock

    async def take(self, workspace: str, *, spare: float = 0.0) -> Turn:
        """Take a token from `workspace`'s bucket if, after it, `spare` more remain (room kept for others)."""
        arguments = {
            "workspace": workspace,
            "spare": spare,
            "now": self._now(),
            "burst": self._burst,
            "rate": self._rate,
        }
        async with self._sessions.begin() as session:
            row = (await session.execute(_TAKE, arguments)).one_or_none()
            if row is None:  # the workspace's first upload anywhere: its bucket starts full
                await session.execute(_START, arguments)
                row = (await session.execute(_TAKE, arguments)).one()
        return Turn(True) if row.taken else Turn(False, max(float(row.wait) + LATE, SOON))

    async def hold(self, workspace: str, seconds: float) -> None:
        """Slack said 429 to one replica: no replica uploads into `workspace` for `seconds`."""
        async with self._sessions.begin() as session:
            await session.execute(_HOLD, {"workspace": workspace, "seconds": seconds, "now": self._now()})

    def _now(self) -> float | None:
        return self._clock() if self._clock is not None else None
