"""Issue 13, item 1: the bot posts into a channel other than the one asked from only for a member of it, only in
this workspace, on every surface. A refusal names the channel, reaches only the asker, and asks nothing of
ServiceWatch. ALLOWED_CHANNEL_IDS applies on top."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.slack.modal import chart_modal
from tests.fakes.slack import FakeSlack
from tests.slack_payloads import mention_event
from tests.stacks import BotStack, settings_for, start_stack

EXEC = "C0EXEC"  # the bosses' channel: U0BOSS (and the bot) only
LINK = f"https://acme.slack.com/archives/{EXEC}/p1700000000123456"
CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    fake_slack.channel(EXEC, "exec", members=["U0BOSS"])
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path)):
        yield running


async def private_answer(stack: BotStack) -> str:
    await stack.fake.wait_for(lambda: stack.fake.responses)
    (reply,) = stack.fake.responses
    assert reply["response_type"] == "ephemeral"
    return str(reply["text"])


def dms(stack: BotStack, user: str) -> list[str]:
    return [c.params["text"] for c in stack.fake.calls_to("chat.postMessage") if c.params.get("channel") == user]


async def nothing_went_out(stack: BotStack, calls_before: dict[str, int] | None = None) -> None:
    await stack.work.drain(5)
    assert stack.fake.posts == []
    assert stack.sandbox.calls == (calls_before or {})  # refused before anything was asked of ServiceWatch


REFUSED = f"I won't post in <#{EXEC}> for you: you aren't a member of it."


@pytest.mark.parametrize(
    "line", [f"{CPU} thread {LINK}", f"schedule {CPU} every 1h in <#{EXEC}|exec>"], ids=["thread link", "schedule"]
)
async def test_a_command_cannot_send_the_bot_into_a_channel_the_asker_is_not_in(stack: BotStack, line: str) -> None:
    await stack.post_command(line, user="U0LEE")
    assert (await private_answer(stack)).startswith(REFUSED)
    await nothing_went_out(stack)
    assert stack.fake.refusals == []  # the bot did not even try


@pytest.mark.parametrize(
    "line", [f"{CPU} thread {LINK}", f"schedule {CPU} every 1h in <#{EXEC}|exec>"], ids=["thread link", "schedule"]
)
async def test_a_member_may(stack: BotStack, line: str) -> None:
    await stack.post_command(line, user="U0BOSS")
    if line.startswith("schedule"):
        assert (await private_answer(stack)).startswith("Scheduled #1")
    else:
        await stack.fake.wait_for(lambda: stack.fake.posts)
        assert stack.fake.posts[0].channel == EXEC


async def test_a_mention_cannot_either(stack: BotStack) -> None:
    event = mention_event(f"<@UBOT0001> {CPU} thread {LINK}", event_id="EvX1", user="U0LEE")
    await stack.post_signed(json.dumps(event), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.calls_to("chat.postEphemeral"))
    (note,) = stack.fake.calls_to("chat.postEphemeral")
    assert (note.params["channel"], note.params["user"]) == ("C0OPS", "U0LEE")  # where they asked, to them only
    assert note.params["text"].startswith(REFUSED)
    await nothing_went_out(stack)


async def test_a_link_into_another_workspace_is_refused_on_every_surface(stack: BotStack) -> None:
    elsewhere = "https://globex.slack.com/archives/C0OPS/p1700000000123456"
    event = mention_event(f"<@UBOT0001> {CPU} thread {elsewhere}", event_id="EvX2", user="U0KIM")
    await stack.post_signed(json.dumps(event), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.calls_to("chat.postEphemeral"))
    text = stack.fake.calls_to("chat.postEphemeral")[0].params["text"]
    assert text.startswith("That message link is from globex.slack.com, not this workspace (acme.slack.com)")
    await nothing_went_out(stack)


def shortcut(user: str, channel: str) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "chart_in_thread",
        "trigger_id": "1.2.3",
        "team": {"id": "T0TEAM001"},
        "user": {"id": user},
        "channel": {"id": channel, "name": "exec"},
        "message": {"type": "message", "ts": "1700000300.000400", "text": "revenue dipped"},
        "message_ts": "1700000300.000400",
        "response_url": "https://hooks.slack.com/unused",
    }


async def test_the_shortcut_on_a_channel_one_only_views_explains_instead_of_offering_the_form(stack: BotStack) -> None:
    await stack.post_signed(urlencode({"payload": json.dumps(shortcut("U0LEE", EXEC))}), FORM)
    await stack.fake.wait_for(lambda: stack.fake.calls_to("views.open"))
    view = stack.fake.calls_to("views.open")[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert "submit" not in view
    assert view["blocks"][0]["text"]["text"].startswith(REFUSED)
    await nothing_went_out(stack)


async def test_a_form_submitted_for_a_channel_one_is_not_in_is_refused_by_dm(stack: BotStack) -> None:
    """The form was opened while still a member (or its metadata names another channel): checked again."""
    view = {
        **chart_modal([], channel_id=EXEC, thread_ts="1700000300.000400", default_window="3h").to_dict(),
        "id": "V1",
    }
    view["state"] = {
        "values": {
            "metric": {"metric": {"type": "external_select", "selected_option": {"value": "lag"}}},
            "window": {"window": {"type": "plain_text_input", "value": "last 6h"}},
        }
    }
    submission = {"type": "view_submission", "team": {"id": "T0TEAM001"}, "user": {"id": "U0LEE"}, "view": view}
    await stack.post_signed(urlencode({"payload": json.dumps(submission)}), FORM)
    await stack.fake.wait_for(lambda: dms(stack, "U0LEE"))
    assert dms(stack, "U0LEE")[0].startswith(REFUSED)  # not in the channel: an ephemeral there cannot reach them
    await nothing_went_out(stack)


async def test_run_now_from_app_home_needs_the_clicker_in_the_schedules_channel(stack: BotStack) -> None:
    await stack.post_command(f"schedule {CPU} every 1h in <#{EXEC}|exec>", user="U0BOSS")
    assert (await private_answer(stack)).startswith("Scheduled #1")
    stack.fake.channels[EXEC].members.remove("U0BOSS")  # they left the channel since
    membership = stack.slack.connection.membership
    assert membership is not None
    membership._members.clear()  # type: ignore[attr-defined]  # (the minute's cache, as after a minute)
    calls = dict(stack.sandbox.calls)
    click = {
        "type": "block_actions",
        "team": {"id": "T0TEAM001"},
        "user": {"id": "U0BOSS"},
        "trigger_id": "1.2",
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home", "blocks": []},
        "actions": [{"action_id": "home_run", "block_id": "schedule_1", "value": "1", "type": "button"}],
    }
    await stack.post_signed(urlencode({"payload": json.dumps(click)}), FORM)
    await stack.fake.wait_for(lambda: dms(stack, "U0BOSS"))
    assert dms(stack, "U0BOSS")[0].startswith(REFUSED)
    await nothing_went_out(stack, calls)


async def test_allowed_channels_still_apply_on_top(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.channel(EXEC, "exec", members=["U0BOSS"])
    settings = settings_for(fake_slack, tmp_path, allowed_channel_ids="C0OPS")
    async for stack in start_stack(fake_slack, settings):
        await stack.post_command(f"{CPU} thread {LINK}", user="U0BOSS")  # a member, but not an allowed channel
        assert (await private_answer(stack)).startswith("I only answer in <#C0OPS>.")
        await nothing_went_out(stack)


async def test_membership_is_asked_once_a_minute_per_channel(stack: BotStack) -> None:
    for n in range(3):
        await stack.post_command(f"{CPU} thread {LINK}", user="U0BOSS")
        await stack.fake.wait_for(lambda n=n: len(stack.fake.posts) == n + 1)
    assert stack.fake.count("conversations.members") == 1
