"""Uploads paced under Slack's limit: people waiting on a chart go before scheduled posts; a 429 that comes
anyway holds every upload for its Retry-After, and the chart still arrives once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.router import Turn
from bot.slack.http import AckFirst, SeenRecently
from bot.slack.pacing import UploadPacer
from bot.slack.turns import UploadTurns
from tests.fakes.slack import FakeSlack, RateLimit
from tests.stacks import BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'


async def test_people_waiting_on_a_chart_go_before_scheduled_posts() -> None:
    pacer = UploadPacer(per_minute=6000)  # a turn every 10 ms
    await pacer.wait()  # the one token there was
    order: list[str] = []

    async def upload(name: str, *, scheduled: bool) -> None:
        await pacer.wait(scheduled=scheduled)
        order.append(name)

    await asyncio.gather(
        upload("schedule-1", scheduled=True),
        upload("schedule-2", scheduled=True),
        upload("person", scheduled=False),
        upload("schedule-3", scheduled=True),
    )
    assert order == ["person", "schedule-1", "schedule-2", "schedule-3"]


async def test_a_waiter_that_gave_up_does_not_take_a_turn() -> None:
    pacer = UploadPacer(per_minute=6000)
    await pacer.wait()
    gone = asyncio.create_task(pacer.wait(scheduled=True))
    stays = asyncio.create_task(pacer.wait(scheduled=True))
    await asyncio.sleep(0)
    gone.cancel()
    await stays
    assert gone.cancelled()
    assert pacer.waiting == 0


class CountedPacer(UploadPacer):
    """A pacer that counts the turns asked of it, and whether each was for a scheduled upload."""

    def __init__(self) -> None:
        super().__init__(per_minute=60_000, burst=100)
        self.asked: list[bool] = []

    async def wait(self, *, scheduled: bool = False) -> None:
        self.asked.append(scheduled)
        await super().wait(scheduled=scheduled)


async def test_an_upload_given_its_turn_goes_without_asking_again() -> None:
    pacer = CountedPacer()
    turns = UploadTurns(pacer, scheduled=True)
    turn = await turns.take()
    assert pacer.asked == [True]  # the turn is waited for where it is taken
    await turns.use(turn)
    assert pacer.asked == [True]  # … and the upload it is given goes at once
    await turns.use(turn)
    assert pacer.asked == [True, True]  # a turn is used once: a second upload with it waits for its own
    await turns.use(None)
    assert pacer.asked == [True, True, True]  # as does an upload given none


async def test_a_turn_taken_and_never_used_gives_no_later_upload_a_free_pass() -> None:
    pacer = CountedPacer()
    turns = UploadTurns(pacer)
    await turns.take()  # a run taken over after its turn: the turn is dropped with it
    await turns.use(None)
    assert pacer.asked == [False, False]


async def test_without_a_pacer_a_turn_is_there_at_once() -> None:
    turn = await UploadTurns(None).take()
    assert isinstance(turn, Turn)
    assert turn.use()
    assert not turn.use()


def test_a_signature_is_seen_once_within_the_window() -> None:
    now = [0.0]
    seen = SeenRecently(60.0, clock=lambda: now[0])
    assert seen.add("v0=a")
    assert not seen.add("v0=a")
    assert seen.add("v0=b")
    now[0] = 61.0
    assert seen.add("v0=a")  # forgotten after the window (Slack refuses such old signatures anyway)


@pytest.fixture
async def limited(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """Slack allows one upload a minute here, while the bot believes it may make 6,000."""
    fake_slack.rate_limits["files.getUploadURLExternal"] = RateLimit(per_minute=60, burst=1)
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, slack_uploads_per_minute=6000)):
        yield running


@pytest.mark.slow  # waits out a Retry-After
async def test_a_429_holds_the_uploads_for_its_retry_after_and_the_chart_arrives_once(limited: BotStack) -> None:
    for window in ("last 3h", "last 6h"):
        assert (await limited.post_command(f"{CPU} resource=web-01 {window}")).status_code == 200
    await limited.fake.wait_for(lambda: len(limited.fake.posts) == 2, within=20)
    await limited.work.drain(5)
    assert limited.fake.rate_limits["files.getUploadURLExternal"].refused >= 1  # Slack said 429 …
    pacer = limited.slack.access.pacer
    assert pacer is not None
    assert pacer.held  # … and the bot held every upload for the Retry-After
    assert len(limited.fake.posts) == 2  # each chart once
    assert len({post.file_id for post in limited.fake.posts}) == 2


async def test_work_waits_while_requests_keep_arriving_but_not_forever() -> None:
    now = [0.0]
    gate = AckFirst(gap=0.005, most=0.1, clock=lambda: now[0])
    gate.arrived()
    waiting = asyncio.create_task(gate.quiet())
    for _ in range(5):  # requests keep coming: the work waits
        await asyncio.sleep(0.01)
        now[0] += 0.001
        gate.arrived()
        assert not waiting.done()
    now[0] += 1.0  # a quiet moment (or the longest wait) lets it go
    await asyncio.wait_for(waiting, 30)  # a ceiling, not a measure: it goes as soon as it sees the quiet
