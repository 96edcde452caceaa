"""Each workspace's upload bucket shared in PostgreSQL (bot/store/pace.py), on a logical clock: the burst, then a
"no" that says how long until the next token (and a hair: LATE); a scheduled upload leaving a token for people; replicas taking
together never spending one token twice; one replica's 429 holding all. On SQLite the pace stays in the process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import load_settings
from bot.slack.pacers import SharedBucket, pacers_for
from bot.slack.pacing import LocalBucket
from bot.store import Database
from bot.store.pace import LATE, SharedPace
from bot.store.tables import UploadPaceRow
from tests.databases import sqlite_database


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def pace_of(database: Database, clock: Clock, *, per_minute: float = 60, burst: int = 2) -> SharedPace:
    return SharedPace(database, per_minute=per_minute, burst=burst, clock=clock)


async def test_a_bucket_gives_its_burst_then_says_when_the_next_token_comes(postgresql: Database, clock: Clock) -> None:
    pace = pace_of(postgresql, clock)  # a token a second
    assert (await pace.take("T1")).taken
    assert (await pace.take("T1")).taken
    refused = await pace.take("T1")
    assert not refused.taken
    assert refused.wait == pytest.approx(1.0 + LATE)
    clock.now += 0.5
    assert (await pace.take("T1")).wait == pytest.approx(0.5 + LATE)
    clock.now += 0.5
    assert (await pace.take("T1")).taken
    assert (await pace.take("T2")).taken  # another workspace has its own bucket


async def test_a_scheduled_upload_leaves_a_token_for_people(postgresql: Database, clock: Clock) -> None:
    pace = pace_of(postgresql, clock)
    assert (await pace.take("T1", spare=1)).taken  # two there: one taken, one left
    kept = await pace.take("T1", spare=1)
    assert not kept.taken
    assert kept.wait == pytest.approx(1.0 + LATE)  # until there are two again
    assert (await pace.take("T1")).taken  # someone's /chart finds the one that was left


async def test_replicas_taking_at_once_never_spend_a_token_twice(
    postgresql: Database, replica: Database, clock: Clock
) -> None:
    paces = [pace_of(postgresql, clock, burst=3), pace_of(replica, clock, burst=3)]
    turns = await asyncio.gather(*(paces[n % 2].take("T1") for n in range(24)))
    assert sum(turn.taken for turn in turns) == 3  # the burst, not the burst per replica
    clock.now += 1.0
    turns = await asyncio.gather(*(paces[n % 2].take("T1") for n in range(24)))
    assert sum(turn.taken for turn in turns) == 1  # then the rate


async def test_a_429_one_replica_saw_holds_every_replica(postgresql: Database, replica: Database, clock: Clock) -> None:
    here, there = pace_of(postgresql, clock), pace_of(replica, clock)
    await here.hold("T1", 5.0)
    held = await there.take("T1")
    assert not held.taken
    assert held.wait == pytest.approx(5.0 + LATE)
    assert (await there.take("T2")).taken  # another workspace is not held
    clock.now += 5.0
    assert (await there.take("T1")).taken


async def test_a_longer_hold_is_not_shortened_by_a_shorter_one(postgresql: Database, clock: Clock) -> None:
    pace = pace_of(postgresql, clock)
    await pace.hold("T1", 30.0)
    await pace.hold("T1", 1.0)
    assert (await pace.take("T1")).wait == pytest.approx(30.0 + LATE)


async def test_on_postgresql_the_pacers_share_the_database_bucket(postgresql: Database) -> None:
    pacers = pacers_for(load_settings(_env_file=None, slack_uploads_per_minute=600), postgresql)
    pacer = pacers.of("T1")
    assert pacer is pacers.of("T1")
    assert isinstance(pacer._bucket, SharedBucket)
    await pacer.wait()
    async with postgresql.sessions() as session:
        assert await session.scalar(select(UploadPaceRow.workspace)) == "T1"


async def test_on_sqlite_the_pace_stays_in_the_process(tmp_path: Path) -> None:
    async for database in sqlite_database(tmp_path):
        pacer = pacers_for(load_settings(_env_file=None, slack_uploads_per_minute=600), database).of("T1")
        assert isinstance(pacer._bucket, LocalBucket)
        await pacer.wait()
        async with database.sessions() as session:  # no database round trip per upload
            assert await session.scalar(select(func.count()).select_from(UploadPaceRow)) == 0
