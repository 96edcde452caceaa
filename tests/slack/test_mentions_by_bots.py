"""Issue 13, item 9: a mention posted by another bot (or an integration) has no `user`; it is ignored quietly, and
the next person's mention is answered as usual."""

from __future__ import annotations

import json
import logging

import pytest

from tests.slack_payloads import mention_event
from tests.stacks import BotStack


def by_a_bot(event_id: str, *, with_user: bool) -> dict[str, object]:
    payload = mention_event("<@UBOT0001> lag last 1h", event_id=event_id, thread_ts="1700000000.000100")
    event = payload["event"]
    assert isinstance(event, dict)
    event["bot_id"] = "B0OTHER"
    event["subtype"] = "bot_message"
    if not with_user:
        del event["user"]
    return payload


@pytest.mark.parametrize("with_user", [False, True], ids=["no user", "the bot's user"])
async def test_a_mention_by_a_bot_is_ignored(
    stack: BotStack, caplog: pytest.LogCaptureFixture, with_user: bool
) -> None:
    with caplog.at_level(logging.INFO):
        response = await stack.post_signed(json.dumps(by_a_bot("EvBot1", with_user=with_user)), "application/json")
        assert response.status_code == 200
        person = mention_event("<@UBOT0001> lag last 1h", event_id="EvKim1", thread_ts="1700000000.000100")
        await stack.post_signed(json.dumps(person), "application/json")
        await stack.fake.wait_for(lambda: stack.fake.posts)
        await stack.work.drain(5)
    assert len(stack.fake.posts) == 1  # the person's, not the bot's
    assert "ignored a mention posted by a bot (B0OTHER)" in caplog.messages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
