"""The Slack outbox against the fake Slack: a message everyone sees (a scheduled run's "no data" note) reaches a
public channel the bot is not in yet, as a chart does; a private one asks to be invited."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.router import Destination
from bot.slack.outbox import SlackOutbox
from tests.fakes.slack import FakeSlack
from tests.stacks import TOKEN


@pytest.fixture
def outbox(fake_slack: FakeSlack) -> SlackOutbox:
    return SlackOutbox(AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url), bot_name="servicewatch")


async def test_say_joins_a_public_channel_first(fake_slack: FakeSlack, outbox: SlackOutbox) -> None:
    fake_slack.channel("C0NEW", "new", members=["U0KIM"], bot_member=False)
    await outbox.say(Destination("C0NEW"), "No data for lag in the last 5m.")
    assert fake_slack.methods()[-2:] == ["conversations.join", "chat.postMessage"]
    assert fake_slack.count("chat.postMessage") == 2  # refused (not_in_channel), then posted


async def test_say_into_a_private_channel_asks_to_be_invited(fake_slack: FakeSlack, outbox: SlackOutbox) -> None:
    fake_slack.channel("G0PRIV", "priv", members=["U0KIM"], bot_member=False, private=True)
    with pytest.raises(UserError, match=r"Invite me with `/invite @servicewatch`"):
        await outbox.say(Destination("G0PRIV"), "No data.")
