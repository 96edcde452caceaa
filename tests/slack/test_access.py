"""Where the bot answers and who may manage what; the asker's Slack timezone, cached."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.slack.client import slack_client
from bot.slack.people import People
from tests.fakes.slack import FakeSlack
from tests.stacks import TOKEN, BotStack, settings_for, start_stack


@pytest.fixture
async def strict_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    settings = settings_for(fake_slack, tmp_path, allowed_channel_ids="C0OPS,C0INC", admin_user_ids="U0BOSS")
    async for running in start_stack(fake_slack, settings):
        yield running


async def test_other_channels_get_a_clear_refusal(strict_stack: BotStack) -> None:
    await strict_stack.post_command("lag", channel="C0RANDOM")
    await strict_stack.fake.wait_for(lambda: strict_stack.fake.responses)
    text = strict_stack.fake.responses[0]["text"]
    assert text == "I only answer in <#C0INC>, <#C0OPS>. Ask a bot admin to add this channel to ALLOWED_CHANNEL_IDS."
    assert strict_stack.fake.posts == []
    assert strict_stack.sandbox.calls == {}


async def test_a_thread_link_cannot_smuggle_a_chart_elsewhere(strict_stack: BotStack) -> None:
    await strict_stack.post_command("lag thread https://acme.slack.com/archives/C0RANDOM/p1700000000123456")
    await strict_stack.fake.wait_for(lambda: strict_stack.fake.responses)
    assert strict_stack.fake.responses[0]["text"].startswith("I only answer in")
    assert strict_stack.fake.posts == []


async def test_admins_may_change_anyones_saved_chart(strict_stack: BotStack) -> None:
    fake = strict_stack.fake
    await strict_stack.post_command("save db lag", user="U0KIM")
    await fake.wait_for(lambda: len(fake.responses) == 1)
    await strict_stack.post_command("save db lag 6h", user="U0LEE")
    await fake.wait_for(lambda: len(fake.responses) == 2)
    assert "only they or an admin can change it" in fake.responses[1]["text"]
    await strict_stack.post_command("forget db", user="U0BOSS")
    await fake.wait_for(lambda: len(fake.responses) == 3)
    assert fake.responses[2]["text"].startswith("Forgot `db`")


async def test_timezones_are_asked_once_and_cached(fake_slack: FakeSlack) -> None:
    fake_slack.user("U0KIM", tz="Asia/Seoul")
    client = slack_client(TOKEN, fake_slack.api_url)
    people = People(client)
    assert await people.timezone("U0KIM") == "Asia/Seoul"
    assert await people.timezone("U0KIM") == "Asia/Seoul"
    assert fake_slack.count("users.info") == 1
    assert await people.timezone("U0NOBODY") is None  # not in the workspace: Slack's user_not_found
