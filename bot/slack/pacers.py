"""Each workspace's upload pacer: its tokens shared by every replica on PostgreSQL (the table `upload_pace`), or this
process's own on SQLite (one process, no database round trip per upload). Either way N replicas together stay under
`SLACK_UPLOADS_PER_MINUTE` per workspace without configuration."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from bot.slack.pacing import LocalBucket, UploadPacer
from bot.store.db import Database
from bot.store.pace import SharedPace, Turn

BURST = 2  # a turn served a few ms late is not lost, and Slack's per-minute limits allow that much
# What a scheduled upload leaves in the shared bucket for people: almost a token, so someone's chart on any replica
# goes within a tenth of a turn. Not a whole one: the bucket is full at two, and a replica that comes a few ms late
# for its token (its event loop busy drawing) would lose those ms of refill at every turn.
KEPT_FOR_PEOPLE = 0.9


class SharedBucket:
    """One workspace's bucket in the shared table. A scheduled upload leaves (nearly) a token for people when the
    burst allows, so someone's `/chart` on any replica finds one while the replicas post a storm of scheduled charts."""

    def __init__(self, pace: SharedPace, workspace: str, *, burst: int) -> None:
        self._pace, self._workspace = pace, workspace
        self._kept_for_people = min(KEPT_FOR_PEOPLE, burst - 1.0)

    async def take(self, *, scheduled: bool) -> Turn:
        return await self._pace.take(self._workspace, spare=self._kept_for_people if scheduled else 0)

    async def hold(self, seconds: float) -> None:
        await self._pace.hold(self._workspace, seconds)


class Pacers:
    """A pacer per workspace key, made on first use and kept."""

    def __init__(self, make: Callable[[str], UploadPacer]) -> None:
        self._make = make
        self._known: dict[str, UploadPacer] = {}

    def of(self, workspace: str) -> UploadPacer:
        pacer = self._known.get(workspace)
        if pacer is None:
            pacer = self._known[workspace] = self._make(workspace)
        return pacer


def local_pacers(per_minute: float, *, burst: int = BURST) -> Pacers:
    """Pacers with this process's own buckets."""
    return Pacers(lambda _workspace: UploadPacer(bucket=LocalBucket(per_minute, burst=burst)))


def shared_pacers(pace: SharedPace, *, burst: int = BURST) -> Pacers:
    """Pacers whose buckets every replica on the same database shares."""
    return Pacers(lambda workspace: UploadPacer(bucket=SharedBucket(pace, workspace, burst=burst)))


def pacers_for(settings: Settings, database: Database) -> Pacers:
    """Shared on PostgreSQL (replicas), local on SQLite (one process)."""
    per_minute = settings.slack_uploads_per_minute
    if database.engine.dialect.name == "postgresql":
        return shared_pacers(SharedPace(database, per_minute=per_minute, burst=BURST))
    return local_pacers(per_minute)
