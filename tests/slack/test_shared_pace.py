"""Two replicas on one PostgreSQL posting charts into one workspace of the fake Slack, which allows R uploads a minute
(429 beyond): sharing the workspace's pace through the database they stay under R together, without configuration,
and someone's chart on one replica goes before the other replica's scheduled posts (which leave it a token)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.charts.service import RenderedChart
from bot.router import Destination
from bot.slack.access import SlackAccess
from bot.slack.client import UPLOAD_METHODS, slack_client
from bot.slack.pacers import Pacers, pacers_for, shared_pacers
from bot.slack.workspaces import SINGLE, Workspaces
from bot.store import Database
from bot.store.pace import SharedPace
from tests.fakes.slack import BOT_TOKEN, FakeSlack, RateLimit
from tests.stacks import settings_for

R = 600  # uploads a minute: a turn every 100 ms
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def chart(name: str) -> RenderedChart:
    """A chart as the outbox uploads it (it posts only the image and its words)."""
    return RenderedChart(PNG, f"{name}.png", name, name, name, (), plan=None)  # type: ignore[arg-type]


def replica_of(fake: FakeSlack, database: Database, tmp_path: Path, *, pacers: Pacers | None = None) -> Workspaces:
    """One replica's workspaces, made as `create_slack_app` makes them (with `pacers` when given)."""
    pacers = pacers or pacers_for(settings_for(fake, tmp_path, slack_uploads_per_minute=R), database)
    pacer = pacers.of(SINGLE)
    client = slack_client(BOT_TOKEN, fake.api_url, pacer=pacer)
    return Workspaces(
        api_url=fake.api_url,
        session=None,
        uploads_per_minute=R,
        file_wait=1.0,
        home=(client, SlackAccess(pacer)),
        pacers=pacers,
    )


@pytest.fixture
def replicas(fake_slack: FakeSlack, postgresql: Database, replica: Database, tmp_path: Path) -> list[Workspaces]:
    # Slack's limit with room for the network's jitter: the burst Slack allows is above the bot's (2).
    fake_slack.rate_limits = {method: RateLimit(R, burst=4) for method in UPLOAD_METHODS}
    return [replica_of(fake_slack, postgresql, tmp_path), replica_of(fake_slack, replica, tmp_path)]


async def post(replica: Workspaces, channel: str, name: str, *, scheduled: bool) -> None:
    await replica.outbox(SINGLE, scheduled=scheduled).post_file(Destination(channel), chart(name))


async def test_two_replicas_stay_under_the_workspace_limit_together(
    fake_slack: FakeSlack, replicas: list[Workspaces]
) -> None:
    await asyncio.gather(
        *(post(replica, "C0OPS", f"r{n}-{k}", scheduled=True) for n, replica in enumerate(replicas) for k in range(6))
    )
    assert len(fake_slack.posts) == 12
    assert {method: limit.refused for method, limit in fake_slack.rate_limits.items()} == dict.fromkeys(
        UPLOAD_METHODS, 0
    )  # no 429: each replica alone at R would have made 2R
    assert {replica.access(SINGLE).pacer.held for replica in replicas} == {False}  # type: ignore[union-attr]


def record_turns(replica: Workspaces, events: list[tuple[str, bool]]) -> None:
    """Log, in the order they happen, each upload that asks this replica's pacer for a turn and each one given."""
    pacer = replica.access(SINGLE).pacer
    assert pacer is not None
    wait = pacer.wait

    async def logged(*, scheduled: bool = False) -> None:
        events.append(("ask", scheduled))
        await wait(scheduled=scheduled)
        events.append(("given", scheduled))

    pacer.wait = logged  # type: ignore[method-assign]


class LogicalClock:
    """The shared bucket's clock, moved by the test: a token comes back only when the test says so, however fast
    or slow the machine is."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_peoples_charts_on_one_replica_go_before_the_others_scheduled_posts(
    fake_slack: FakeSlack, postgresql: Database, replica: Database, tmp_path: Path
) -> None:
    fake_slack.rate_limits = {}  # the limit is the bucket's here: its clock moves only when the test moves it
    clock = LogicalClock()
    posting, asking = (
        replica_of(fake_slack, db, tmp_path, pacers=shared_pacers(SharedPace(db, per_minute=R, burst=2, clock=clock)))
        for db in (postgresql, replica)
    )
    events: list[tuple[str, bool]] = []
    for one in (posting, asking):
        record_turns(one, events)
    token = 60 / R * 1.001  # the clock's seconds for one token to come back (and a hair, for the floats' sake)

    storm = [asyncio.create_task(post(posting, "C0OPS", f"scheduled-{k}", scheduled=True)) for k in range(8)]
    await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1, within=10)  # it took one of two: one is left
    await post(asking, "C0INC", "person-0", scheduled=False)  # and someone finds it
    for n in (1, 2):  # the bucket is empty now: each person waits for the next token, which is theirs
        person = asyncio.create_task(post(asking, "C0INC", f"person-{n}", scheduled=False))
        await fake_slack.wait_for(lambda asks=n + 1: events.count(("ask", False)) == asks, within=10)
        clock.now += token
        await asyncio.wait_for(person, 10)
    while not all(task.done() for task in storm):  # then the storm, a post each time two tokens are back
        clock.now += 2 * token
        await asyncio.sleep(0.05)
    await asyncio.gather(*storm)
    assert len(fake_slack.posts) == 11
    # While someone waits for a turn, no scheduled post is given one: the token a scheduled post leaves is theirs.
    asked = [k for k, event in enumerate(events) if event == ("ask", False)]
    given = [k for k, event in enumerate(events) if event == ("given", False)]
    assert len(asked) == len(given) == 3
    for start, end in zip(asked, given, strict=True):
        assert ("given", True) not in events[start:end], events[start : end + 1]


async def test_a_scheduled_post_leaves_the_last_token_to_someone_on_another_replica(
    postgresql: Database, replica: Database
) -> None:
    def frozen() -> float:  # a logical clock that never moves: no token comes back
        return 1_000_000.0

    posting, asking = (
        shared_pacers(SharedPace(db, per_minute=R, burst=2, clock=frozen)).of(SINGLE) for db in (postgresql, replica)
    )
    await posting.wait(scheduled=True)  # two tokens: one taken, one left
    second = asyncio.create_task(posting.wait(scheduled=True))
    await asyncio.sleep(0.05)
    assert not second.done()  # it would take the last one
    await asyncio.wait_for(asking.wait(), 5)  # someone's chart finds it at once
    second.cancel()
