"""Watched alerts through the sandbox and the fake Slack: a firing comes as one message with its chart, a clear
edits it in place and puts the recovery chart in its thread, a flap reopens the same thread, two replicas announce
each change once, and a deleted alert ends its watch with its subscriber told once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.sandbox import Fault as SandboxFault
from bot.slack.alerts import SlackAlertAnnouncer
from bot.slack.outbox import SlackOutbox
from bot.wiring import access_policy, alert_parts, alerting
from tests.fakes.slack import FakeSlack, Message
from tests.slack_payloads import block_action
from tests.stacks import BotStack, settings_for, start_stack


async def alert_id(stack: BotStack, name: str) -> str:
    catalog = await stack.services.charts.catalog()
    return next(alert.id for alert in catalog.alerts() if alert.name == name)


async def watch(stack: BotStack, line: str = "watch alerts web-01 cpu") -> str:
    await stack.post_command(line)
    await stack.fake.wait_for(lambda: stack.fake.responses)
    return str(stack.fake.responses[-1]["text"])


async def poll(stack: BotStack) -> None:
    """One round of polling, as the bot's loop makes it (one watched alert: no wait to spread it)."""
    await stack.bot.alerts.poll_once()


def top_messages(stack: BotStack, channel: str = "C0OPS") -> list[Message]:
    return [m for m in stack.fake.messages.get(channel, {}).values() if m.thread_ts is None]


def heading(message: Message) -> str:
    return str(message.blocks[0]["text"]["text"])


@pytest.mark.parametrize("unshared", [True, False], ids=["unshared-files-shown", "unshared-files-refused"])
async def test_an_incident_is_seen_whatever_slack_decides_about_unshared_files(
    watching: BotStack, unshared: bool
) -> None:
    """The incident message comes with its heading, the chart Slack draws and the follow button; the image joins it,
    or (a Slack that will not show an unshared file) is shared in its thread; the recovery chart is seen too."""
    stack = watching
    stack.fake.unshared_in_blocks = unshared
    await watch(stack)
    web01 = await alert_id(stack, "web-01 CPU high")
    stack.sandbox.set_alert_state(web01, "ALERT")
    await poll(stack)
    (message,) = top_messages(stack)
    assert heading(message).startswith("🔴 *High* · *web-01 CPU high* is ALERT")
    (chart,) = [block for block in message.blocks if block["type"] == "data_visualization"]
    threshold = chart["chart"]["series"][-1]  # the line crossed, flat across the chart
    assert threshold["name"] == "> 80%"
    assert {point["value"] for point in threshold["data"]} == {80.0}
    (table,) = [block for block in message.blocks if block["type"] == "table"]
    assert [cell["text"] for cell in table["rows"][-1]] == ["alert > 80%", "80%", "80%", "80%", "80%"]
    assert message.blocks[-1]["elements"][0]["action_id"] == "alert_follow"
    in_thread = [post for post in stack.fake.posts if post.thread_ts == message.ts]
    assert len(in_thread) == (0 if unshared else 1)
    stack.sandbox.set_alert_state(web01, "NORMAL")
    await poll(stack)
    assert heading(message).startswith("✅ *web-01 CPU high* resolved after ")
    in_thread = [post for post in stack.fake.posts if post.thread_ts == message.ts]
    assert len(in_thread) == (1 if unshared else 2)  # the recovery chart, once (refused: beside the firing's image)


async def test_fire_clear_and_flap_make_one_incident_message(watching: BotStack) -> None:
    stack = watching
    answer = await watch(stack)
    assert answer.startswith("Watching 1 alert in <#C0OPS> (watch #1): web-01 CPU high.")
    web01 = await alert_id(stack, "web-01 CPU high")
    await poll(stack)
    assert stack.sandbox.alert_calls == 1
    assert top_messages(stack) == []  # polled, normal: nothing said

    stack.sandbox.set_alert_state(web01, "ALERT")
    await poll(stack)
    await poll(stack)  # seen again: nothing more
    assert len(top_messages(stack)) == 1
    (message,) = top_messages(stack)
    message.edits.clear()  # its image joining the message that came first with its numbers
    assert heading(message).startswith("🔴 *High* · *web-01 CPU high* is ALERT on web-01")
    kinds = [block["type"] for block in message.blocks]
    assert kinds[:5] == ["section", "section", "data_visualization", "context", "image"]  # the heading, the chart
    follow = message.blocks[-1]["elements"][0]
    assert follow["action_id"] == "alert_follow"
    assert follow["value"].startswith('follow "Virtual Server:CPU Usage/Core[Basic]"')
    assert 'title "web-01 CPU high · avg CPU Usage/Core[Basic] > 80%' in follow["value"]  # steering keeps the title

    stack.sandbox.set_alert_state(web01, "NORMAL")
    await poll(stack)
    assert len(message.edits) == 1
    assert heading(message).startswith("✅ *web-01 CPU high* resolved after ")
    assert "peak " in heading(message)
    assert [p.thread_ts for p in stack.fake.posts if p.thread_ts] == [message.ts]  # the recovery chart

    stack.sandbox.set_alert_state(web01, "ALERT")  # within the quiet time: the same incident reopens
    await poll(stack)
    assert len(message.edits) == 2
    assert heading(message).startswith("🔴 *High* · *web-01 CPU high* is ALERT")
    assert any("fired again" in m.text for m in stack.fake.messages["C0OPS"].values() if m.thread_ts == message.ts)
    assert len(top_messages(stack)) == 1  # one incident message throughout


async def test_two_replicas_announce_each_change_once(watching: BotStack) -> None:
    stack = watching
    await watch(stack)
    web01 = await alert_id(stack, "web-01 CPU high")
    parts = alert_parts(stack.services)  # another replica's
    announcer = SlackAlertAnnouncer(
        lambda _workspace: SlackOutbox(stack.slack.client, access=stack.slack.access, scheduled=True),
        parts.lookup.charts_of,
        parts.incidents,
        parts.lookup.detail,
        quiet=stack.bot.alerts.announcer.quiet,  # type: ignore[union-attr]
        language="en",
    )
    other = alerting(stack.services, access_policy(stack.services.settings), parts, announcer).watcher
    stack.sandbox.set_alert_state(web01, "ALERT")
    await asyncio.gather(poll(stack), other.poll_once(), poll(stack), other.poll_once())
    assert len(top_messages(stack)) == 1


async def test_a_deleted_alert_ends_the_watch_and_its_owner_is_told_once(watching: BotStack) -> None:
    stack = watching
    await watch(stack)
    web01 = await alert_id(stack, "web-01 CPU high")
    stack.sandbox.update_alert(web01, deleted=True)
    await asyncio.gather(poll(stack), poll(stack))

    def told() -> list[Message]:
        return [m for m in stack.fake.messages.get("D0KIM", {}).values() if "web-01 CPU high" in m.text]

    assert len(told()) == 1
    assert "was deleted in ServiceWatch" in told()[0].text
    assert "It watched nothing else, so it has ended." in told()[0].text
    await stack.post_command("watches")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= 2)
    assert stack.fake.responses[-1]["text"].startswith("No alert watches in this channel.")


async def test_alerts_lists_the_policies_with_their_state(watching: BotStack) -> None:
    stack = watching
    web01 = await alert_id(stack, "web-01 CPU high")
    stack.sandbox.set_alert_state(web01, "ALERT")
    await stack.post_command("alerts cpu")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    listing = stack.fake.responses[0]["text"]
    assert "web-01 CPU high" in listing
    assert "ALERT" in listing
    assert json.dumps(listing).count("CPU high") >= 2  # web-01's and web-02's


async def test_watching_for_a_channel_the_asker_is_not_in_is_refused(watching: BotStack) -> None:
    stack = watching
    stack.fake.channel("C0SEC", "security", members=["U0LEE"])
    answer = await watch(stack, "watch alerts cpu in <#C0SEC|security>")
    assert answer.startswith("I won't post in <#C0SEC> for you: you aren't a member of it.")  # a typed request's rules
    assert await stack.bot.alerts.watches.watched() == {}


async def test_the_commands_in_korean(watching: BotStack) -> None:
    stack = watching
    stack.fake.user("U0KIM", locale="ko-KR")
    answer = await watch(stack, "알림 감시 심각도 높음 web-01")
    assert answer.startswith("<#C0OPS>에서 알림 1개를 감시합니다(감시 #1): web-01 CPU high.")
    await stack.post_command("감시 목록")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= 2)
    assert stack.fake.responses[-1]["text"].startswith("*이 채널의 알림 감시*")
    await stack.post_command("감시 해제 1")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= 3)
    assert stack.fake.responses[-1]["text"] == "감시 #1을(를) 멈췄습니다(알림 1개)."


async def test_an_outage_delays_a_firing_and_marks_it_late(watching: BotStack) -> None:
    stack = watching
    await watch(stack)
    web01 = await alert_id(stack, "web-01 CPU high")
    watcher = stack.bot.alerts
    now = [0.0]
    watcher._clock = lambda: now[0]  # the poller's own clock, moved a round at a time
    await poll(stack)
    stack.sandbox.set_alert_state(web01, "ALERT")
    stack.sandbox.plan.add(SandboxFault(kind="status", status=503, times=0, path="/v1/alerts"))
    for _round in range(3):  # ServiceWatch down for three rounds: nothing said, nothing lost
        now[0] += 3600
        await poll(stack)
    assert top_messages(stack) == []
    stack.sandbox.plan.clear()
    now[0] += 3600
    await poll(stack)
    (message,) = top_messages(stack)
    assert "_Seen late: ServiceWatch could not be asked for a while._" in heading(message)


@pytest.fixture
async def capped(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """The bot keeping one watch and one saved chart a channel."""
    settings = settings_for(
        fake_slack,
        tmp_path,
        alert_poll_interval="1h",
        alert_watch_max_per_channel=1,
        saved_chart_max_per_channel=1,
        servicewatch_max_retries=0,
    )
    async for stack in start_stack(fake_slack, settings):
        yield stack


async def test_the_caps_of_a_channel_are_its_settings(capped: BotStack) -> None:
    stack = capped
    lines = [
        "watch alerts web-01 cpu",
        "watch alerts web-02 cpu",
        'save web-cpu "Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last 3h',
        'save web-cpu2 "Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last 3h',
        "saved page 2",
    ]
    for n, line in enumerate(lines, start=1):
        await stack.post_command(line)
        await stack.fake.wait_for(lambda n=n: len(stack.fake.responses) == n)
    answers = [str(r["text"]) for r in stack.fake.responses]
    assert answers[0].startswith("Watching 1 alert")
    assert answers[1].startswith("This channel has 1 alert watches, the most it keeps (ALERT_WATCH_MAX_PER_CHANNEL)")
    assert answers[2].startswith("Saved `web-cpu` for this channel")
    assert answers[3].startswith("This channel has 1 saved charts, the most it keeps (SAVED_CHART_MAX_PER_CHANNEL)")
    assert answers[4] == "There is no page 2: this list has 1 page; `/chart saved page 1` shows it."


async def test_mute_here_stops_the_channels_announcements_of_that_alert_for_a_while(watching: BotStack) -> None:
    stack = watching
    await watch(stack)
    web01 = await alert_id(stack, "web-01 CPU high")
    stack.sandbox.set_alert_state(web01, "ALERT")
    await poll(stack)
    (message,) = top_messages(stack)
    payload = block_action(
        message.shown(), "alert_mute_1h", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url()
    )
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    await stack.fake.wait_for(
        lambda: any("muted this alert here until" in m.text for m in stack.fake.messages["C0OPS"].values())
    )
    said = next(m for m in stack.fake.messages["C0OPS"].values() if "muted this alert here" in m.text)
    assert said.thread_ts == message.ts  # in the incident's thread
    assert said.text.startswith("<@U0LEE> muted this alert here until ")

    stack.sandbox.set_alert_state(web01, "NORMAL")  # a clear of the open incident still edits its message
    await poll(stack)
    assert heading(message).startswith("✅ *web-01 CPU high* resolved after ")
    stack.sandbox.set_alert_state(web01, "ALERT")  # muted: a firing is not announced here
    await poll(stack)
    assert len(top_messages(stack)) == 1
    assert heading(message).startswith("✅")

    stack.sandbox.set_alert_state(web01, "NORMAL")
    await poll(stack)
    unmute = block_action(
        stack.fake.message("C0OPS", message.ts).shown(),
        "alert_mute_off",
        user="U0LEE",
        channel="C0OPS",
        response_url=stack.fake.response_url(),
    )
    await stack.post_signed(urlencode({"payload": json.dumps(unmute)}), "application/x-www-form-urlencoded")
    await stack.fake.wait_for(
        lambda: any("unmuted this alert here" in m.text for m in stack.fake.messages["C0OPS"].values())
    )
    stack.sandbox.set_alert_state(web01, "ALERT")  # unmuted: the firing is announced again
    await poll(stack)
    assert any(heading(m).startswith("🔴") for m in top_messages(stack) if m.blocks)


async def test_a_mute_value_edited_by_hand_does_nothing(watching: BotStack) -> None:
    stack = watching
    await watch(stack)
    stack.sandbox.set_alert_state(await alert_id(stack, "web-01 CPU high"), "ALERT")
    await poll(stack)
    (message,) = top_messages(stack)
    shown = message.shown()
    for block in shown["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "alert_mute_1d":
                element["value"] = "1y:something"
    payload = block_action(
        shown, "alert_mute_1d", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url()
    )
    told = len(stack.fake.responses)
    await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) > told)
    assert "cannot read" in stack.fake.responses[-1]["text"]
