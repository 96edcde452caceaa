"""Socket Mode end to end: apps.connections.open, a websocket, envelopes in, acknowledgements and uploads out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack import FakeSlack
from tests.pngs import png_size
from tests.slack_payloads import mention_event, slash_command
from tests.stacks import BotStack, settings_for, start_stack


@pytest.fixture
async def socket_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    settings = settings_for(
        fake_slack, tmp_path, bot_mode="socket", slack_app_token="xapp-1-test", slack_signing_secret=None
    )
    async for running in start_stack(fake_slack, settings):
        yield running


async def test_a_slash_command_over_the_socket_uploads_the_chart(socket_stack: BotStack) -> None:
    fake = socket_stack.fake
    payload = slash_command(
        '"Virtual Server:CPU Usage/Core[Basic]" resource=web-02 last 1h',
        user="U0LEE",
        channel="C0OPS",
        response_url=fake.response_url(),
    )
    ack = await fake.send_envelope("slash_commands", payload)
    assert "payload" not in ack or not ack["payload"]  # a bare acknowledgement
    await fake.wait_for(lambda: fake.posts)
    (post,) = fake.posts
    assert post.channel == "C0OPS"
    assert png_size(post.data) == (1400, 500)
    assert post.comment.startswith("*CPU Usage/Core[Basic] · web-02* · last 1h (")
    assert post.comment.split("\n")[0].endswith(" · period 5m (auto) · AVG · asked by <@U0LEE>")
    assert "apps.connections.open" in fake.methods()


async def test_a_usage_error_comes_back_in_the_acknowledgement(socket_stack: BotStack) -> None:
    fake = socket_stack.fake
    ack = await fake.send_envelope(
        "slash_commands",
        slash_command("lag period 45s", user="U0LEE", channel="C0OPS", response_url=fake.response_url()),
    )
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "whole minutes" in ack["payload"]["text"]


async def test_a_redelivered_event_posts_once(socket_stack: BotStack) -> None:
    fake = socket_stack.fake
    event = mention_event("<@UBOT0001> lag last 2h", event_id="EvSock1", thread_ts="1700000000.000100")
    await fake.send_envelope("events_api", event)
    await fake.send_envelope("events_api", event, retry_attempt=1)
    await fake.wait_for(lambda: fake.posts)
    await socket_stack.work.drain(5)
    assert [(p.channel, p.thread_ts) for p in fake.posts] == [("C0OPS", "1700000000.000100")]
