"""Slack faults not covered elsewhere: 5xx on the posting call, archived channels, channel_not_found, and a
revoked token (logged loudly once; the bot stops calling Slack instead of spinning)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.fakes.slack import Fault
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'


async def told(stack: BotStack, count: int = 1) -> str:
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= count)
    return str(stack.fake.responses[count - 1]["text"])


async def test_a_5xx_before_anything_is_posted_is_retried(stack: BotStack) -> None:
    stack.fake.faults.append(Fault("files.getUploadURLExternal", "status", status=503))
    await stack.post_command(CPU)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert stack.fake.methods().count("files.getUploadURLExternal") == 2


async def test_a_5xx_on_the_posting_call_is_not_retried(stack: BotStack) -> None:
    stack.fake.faults.append(Fault("files.completeUploadExternal", "status", status=503))
    await stack.post_command(CPU)
    assert "Slack refused the chart" in await told(stack)
    assert stack.fake.methods().count("files.completeUploadExternal") == 1  # it may have posted: never twice


async def test_a_slack_error_is_named(stack: BotStack) -> None:
    stack.fake.faults.append(Fault("files.getUploadURLExternal", "error", error="internal_error"))
    await stack.post_command(CPU)
    assert "Slack refused the chart (internal_error)" in await told(stack)


async def test_an_archived_channel_is_named(stack: BotStack) -> None:
    stack.fake.channel("C0OLD", members=["U0KIM"], archived=True)
    await stack.post_command(CPU, channel="C0OLD")
    assert (await told(stack)).startswith("<#C0OLD> is archived, so nothing can be posted there")
    assert stack.fake.posts == []


async def test_channel_not_found_asks_to_be_invited(stack: BotStack) -> None:
    assert "C0GONE" not in stack.fake.channels  # a link into a channel since deleted (or private, without the bot)
    await stack.post_command(f"{CPU} thread https://acme.slack.com/archives/C0GONE/p1700000000123456")
    assert "Invite me with `/invite @servicewatch`" in await told(stack)


@pytest.mark.slow
async def test_a_revoked_token_is_logged_once_and_slack_is_left_alone(
    stack: BotStack, caplog: pytest.LogCaptureFixture
) -> None:
    fake = stack.fake
    fake.token_error = "token_revoked"  # every call with the token says so, auth.test's confirmation included
    schedules = stack.schedules
    assert schedules is not None
    with caplog.at_level(logging.CRITICAL, logger="bot.slack.access"):
        await stack.post_command("schedule lag every 1s")
        await fake.wait_for(lambda: fake.methods().count("files.getUploadURLExternal") >= 1)
        await fake.wait_for(lambda: schedules.runs_under_way == 0)
        calls = len(fake.calls)
        assert not schedules.runner.poster_for("").ready()
        due = schedules.scheduler.get_job("schedule:1").next_run_time
        # Two more due runs, woken by APScheduler as usual: none reaches Slack.
        await fake.wait_for(
            lambda: schedules.scheduler.get_job("schedule:1").next_run_time > due + timedelta(seconds=1)
        )
        await fake.wait_for(lambda: schedules.runs_under_way == 0)
        assert len(fake.calls) == calls
        await stack.post_command(CPU)  # a person asking is told, through the response_url (which needs no token)
        assert "Slack refused the bot's token (token_revoked)" in await told(stack, 2)
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(critical) == 1
    assert "Slack refused the bot's token (token_revoked)" in critical[0].getMessage()
    assert fake.posts == []
