"""The controls under a posted chart, through the fake Slack and the sandbox: each control redraws the chart in
place (chat.update), a file Slack has not processed goes to the thread, two clicks at once end with the last, and a
click is held to the rules of a typed request."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.charts.steering import ChartView, decode_view, encode_view
from bot.markup import mention, unmarked
from bot.servicewatch.client import IMAGE_PATH
from bot.store.tables import ChartClickRow
from tests.fakes.slack import FakeSlack, Message
from tests.slack_payloads import block_action
from tests.stacks import BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
WHEN = "chart_when"


async def chart_message(stack: BotStack, text: str = f"{CPU} last 3h", *, channel: str = "C0OPS") -> Message:
    """Ask for a chart and return the message that shows it, with its controls."""
    await stack.post_command(text, channel=channel)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    message = stack.fake.message(post.channel, post.ts)
    message.edits.clear()  # the image joining the message that came first with its numbers: what clicks do follows
    return message


def block(message: Message, kind: str, block_id: str | None = None) -> dict[str, Any]:
    """The message's first block of `kind` (with `block_id` when given)."""
    return next(b for b in message.blocks if b["type"] == kind and block_id in (None, b.get("block_id")))


def image_file(message: Message) -> str:
    return str(block(message, "image")["slack_file"]["id"])


def change_note(message: Message) -> dict[str, Any]:
    """The line under a redrawn chart that says what changed and who changed it."""
    return next(b for b in message.blocks if b["type"] == "context" and not b["block_id"].startswith("native_"))


def view_in(message: Message) -> ChartView:
    """The view the message's ↻ button carries."""
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == "chart_refresh":
                return decode_view(element["value"])
    raise AssertionError("the message has no controls")


async def click(
    stack: BotStack, message: Message, action_id: str, value: str | None = None, *, user: str = "U0LEE"
) -> httpx.Response:
    payload = block_action(
        message.shown(),
        action_id,
        value,
        user=user,
        channel=message.channel,
        response_url=stack.fake.response_url(),
    )
    return await post_payload(stack, payload)


async def post_payload(stack: BotStack, payload: dict[str, Any]) -> httpx.Response:
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    return response


async def edited(stack: BotStack, message: Message, times: int = 1) -> None:
    await stack.fake.wait_for(lambda: len(message.edits) >= times)


async def test_a_chart_comes_as_a_message_with_its_controls(stack: BotStack) -> None:
    message = await chart_message(stack)
    kinds = [block["type"] for block in message.blocks]
    # the words, the chart Slack draws and how, the ServiceWatch image, the numbers, the controls
    assert kinds == ["section", "data_visualization", "context", "image", "table", "actions", "actions"]
    assert image_file(message) == stack.fake.posts[0].file_id
    assert stack.fake.files[image_file(message)].channels == []  # the file is shown only by the message
    labels = [element["text"]["text"] for element in block(message, "actions", WHEN)["elements"]]
    assert labels == ["↻ Refresh", "1h", "6h", "24h", "7d", "◀ Earlier"]  # no later ▶: it ends now
    how = [element["action_id"] for element in block(message, "actions", "chart_how")["elements"]]
    assert how == ["chart_stat", "chart_compare", "chart_save", "chart_schedule", "chart_private"]
    stats = [option["value"] for option in block(message, "actions", "chart_how")["elements"][0]["options"]]
    assert "stat:AVG" in stats
    assert "stat:MAX" in stats
    view = view_in(message)
    assert (view.chart, view.span, view.end, view.stat, view.by) == (
        f"{CPU} last 3h",
        3 * 3600,
        None,
        "AVG",
        mention("U0KIM"),
    )
    assert message.text.startswith("*CPU Usage/Core[Basic] · web-01* · last 3h (")  # the notification's words


@pytest.mark.parametrize(
    ("action", "value", "span", "stat", "ends_now"),
    [
        pytest.param(*("chart_1h", None, 3600, "AVG", True), marks=pytest.mark.slow),
        ("chart_6h", None, 6 * 3600, "AVG", True),
        pytest.param(*("chart_24h", None, 86400, "AVG", True), marks=pytest.mark.slow),
        pytest.param(*("chart_7d", None, 7 * 86400, "AVG", True), marks=pytest.mark.slow),
        ("chart_earlier", None, 3 * 3600, "AVG", False),
        ("chart_stat", "stat:MAX", 3 * 3600, "MAX", True),
    ],
)
async def test_each_control_redraws_the_chart_in_place(
    stack: BotStack, action: str, value: str | None, span: int, stat: str, ends_now: bool
) -> None:
    message = await chart_message(stack)
    before, before_file = view_in(message), image_file(message)
    images = stack.sandbox.calls[IMAGE_PATH]
    await click(stack, message, action, value)
    await edited(stack, message)
    after = view_in(message)
    assert (after.span, after.stat, after.end is None) == (span, stat, ends_now)
    assert (after.chart, after.by) == (before.chart, before.by)  # the asker's request stays what it was
    assert image_file(message) != before_file  # a new image
    assert "· asked by <@U0KIM>" in message.blocks[0]["text"]["text"]  # the asker's request stays visible
    context = change_note(message)
    assert context["elements"][0]["text"].endswith(" — changed by <@U0LEE>")
    assert context["elements"][0]["text"].startswith(after.change())
    assert stack.sandbox.calls[IMAGE_PATH] == images + 1  # one image call per redraw
    assert len(stack.fake.posts) == 1  # in place: no new message
    assert stack.fake.responses == []


@pytest.mark.slow
@pytest.mark.timeout(240)  # it may wait up to two minutes for the hour to pass
async def test_refresh_within_one_period_draws_nothing_again(stack: BotStack) -> None:
    """The same request within one period is the same chart. Its window is aligned to the period, so the chart is
    asked for an hourly period and never within two minutes of the hour: the request cannot change under the test,
    however slow the machine is (a redraw after the hour is right, and is another test's)."""
    to_the_hour = 3600 - time.time() % 3600
    if to_the_hour < 120:
        await asyncio.sleep(to_the_hour + 1)
    message = await chart_message(stack, f"{CPU} last 3h period 1h")
    images = stack.sandbox.calls[IMAGE_PATH]
    await click(stack, message, "chart_refresh")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "This chart is up to date" in stack.fake.responses[0]["text"]
    assert message.edits == []
    assert stack.sandbox.calls[IMAGE_PATH] == images


async def test_earlier_then_later_comes_back_to_now(stack: BotStack) -> None:
    message = await chart_message(stack)
    await click(stack, message, "chart_earlier")
    await edited(stack, message)
    earlier = view_in(message)
    assert earlier.end is not None
    labels = [element["text"]["text"] for element in block(message, "actions", WHEN)["elements"]]
    assert labels[-1] == "Later ▶"
    await click(stack, message, "chart_later")
    await edited(stack, message, 2)
    assert view_in(message).end is None


async def test_later_on_a_chart_that_ends_now_is_answered_privately(stack: BotStack) -> None:
    message = await chart_message(stack)
    payload = block_action(
        message.shown(), "chart_earlier", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url()
    )
    payload["actions"][0]["action_id"] = "chart_later"  # as if the button were there
    await post_payload(stack, payload)
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "already ends now" in stack.fake.responses[0]["text"]
    assert stack.fake.responses[0]["response_type"] == "ephemeral"
    assert message.edits == []


async def test_a_file_slack_has_not_processed_goes_to_the_thread(fake_slack: FakeSlack, tmp_path: Path) -> None:
    async for stack in start_stack(fake_slack, settings_for(fake_slack, tmp_path, slack_file_wait="1s")):
        message = await chart_message(stack)
        fake_slack.file_ready_after = 3600  # from now on Slack is slow to process uploads
        await click(stack, message, "chart_6h")
        await fake_slack.wait_for(lambda: fake_slack.responses)
        assert "posted in the chart's thread instead" in stack.fake.responses[0]["text"]
        assert message.edits == []  # the message keeps its chart
        moved = stack.fake.posts[-1]
        assert (moved.channel, moved.thread_ts, moved.ts) == ("C0OPS", message.ts, "")  # a plain upload in the thread
        assert "last 6h" in moved.comment


@pytest.mark.slow
async def test_a_first_chart_slack_has_not_processed_is_shared_plainly(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.file_ready_after = 3600
    async for stack in start_stack(fake_slack, settings_for(fake_slack, tmp_path, slack_file_wait="1s")):
        await stack.post_command(f"{CPU} last 3h")
        await fake_slack.wait_for(lambda: fake_slack.posts)
        (post,) = stack.fake.posts
        assert (post.channel, post.ts) == ("C0OPS", "")  # shared as a file: seen at once, without controls
        assert stack.fake.responses == []


async def test_two_clicks_at_once_end_with_the_last(stack: BotStack) -> None:
    """The first click is numbered before the second is sent, and both redraws are under way together: whichever
    is drawn first, the message ends showing the last, and never the first after it."""
    message = await chart_message(stack)
    first = block_action(
        message.shown(), "chart_24h", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url()
    )
    last = block_action(
        message.shown(), "chart_7d", user="U0KIM", channel="C0OPS", response_url=stack.fake.response_url()
    )
    await post_payload(stack, first)
    await wait_until(lambda: is_numbered(stack, message, 1))
    await post_payload(stack, last)
    await stack.fake.wait_for(lambda: view_in(message).span == 7 * 86400)
    await stack.work.drain(10)
    assert view_in(message).span == 7 * 86400  # the last click wins
    spans = [view_in(Message(message.channel, message.ts, "", "", blocks)).span for _text, blocks in message.edits[1:]]
    assert spans in ([], [86400])  # the first was dropped, or shown before the last: never after it
    told = [response["text"] for response in stack.fake.responses]
    assert told in ([], ["Someone changed this chart again before yours was drawn; theirs is shown."])
    assert (len(message.edits), len(told)) in ((1, 1), (2, 0))  # every click ends drawn or its clicker told


async def is_numbered(stack: BotStack, message: Message, number: int) -> bool:
    """Whether the bot has numbered `number` clicks on the message."""
    async with stack.services.database.sessions() as session:
        row = await session.get(ChartClickRow, (message.channel, message.ts))
        return row is not None and row.latest == number


async def wait_until(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_a_chart_that_no_longer_resolves_is_answered_privately(stack: BotStack) -> None:
    await stack.post_command(f"save web-cpu {CPU} last 3h")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    message = await chart_message(stack, "web-cpu")
    await stack.post_command("forget web-cpu")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= 2)
    await click(stack, message, "chart_6h")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= 3)
    assert stack.fake.responses[2]["text"].startswith("This chart cannot be drawn again: ")
    assert stack.fake.responses[2]["response_type"] == "ephemeral"
    assert message.edits == []


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        pytest.param(
            json.dumps({"v": 1, "c": "cpu", "s": 10, "e": None, "t": "AVG", "z": "UTC"}), marks=pytest.mark.slow
        ),  # a window under a minute
        json.dumps({"v": 1, "c": "cpu", "s": 3600, "e": None, "t": "P99", "z": "UTC"}),  # no such statistic
        json.dumps({"v": 1, "c": "cpu", "s": 3600, "e": None, "t": "AVG", "z": "../../etc/passwd"}),
        pytest.param(
            json.dumps({"v": 9, "c": "cpu", "s": 3600, "e": None, "t": "AVG", "z": "UTC"}), marks=pytest.mark.slow
        ),
        pytest.param(
            json.dumps({"v": 1, "c": "", "s": 3600, "e": None, "t": "AVG", "z": "UTC"}), marks=pytest.mark.slow
        ),
    ],
    ids=["not-json", "short-window", "bad-stat", "bad-zone", "other-version", "no-chart"],
)
async def test_a_value_edited_by_hand_is_refused_with_a_message(stack: BotStack, value: str) -> None:
    message = await chart_message(stack)
    shown = message.shown()
    for block in shown["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "chart_6h":
                element["value"] = value
    payload = block_action(shown, "chart_6h", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url())
    await post_payload(stack, payload)
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "cannot read" in stack.fake.responses[0]["text"]
    assert message.edits == []


async def test_a_chart_line_in_a_value_is_checked_as_a_typed_line(stack: BotStack) -> None:
    message = await chart_message(stack)
    forged = encode_view(ChartView("cpu last", 3600, None, "AVG", "UTC"))
    assert forged is not None
    shown = message.shown()
    for block in shown["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "chart_6h":
                element["value"] = forged
    await post_payload(
        stack, block_action(shown, "chart_6h", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url())
    )
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "`last` needs a length" in stack.fake.responses[0]["text"]
    assert message.edits == []


async def test_a_click_by_someone_not_in_the_channel_is_refused(stack: BotStack) -> None:
    stack.fake.user("U0OUT")
    message = await chart_message(stack)
    images = stack.sandbox.calls[IMAGE_PATH]
    await click(stack, message, "chart_6h", user="U0OUT")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "<#C0OPS>" in stack.fake.responses[0]["text"]
    assert message.edits == []
    assert stack.sandbox.calls[IMAGE_PATH] == images  # refused before anything was drawn


async def test_just_for_me_shows_the_redraw_to_the_clicker_only(stack: BotStack) -> None:
    message = await chart_message(stack)
    await click(stack, message, "chart_private", "6h")
    await stack.fake.wait_for(lambda: stack.fake.calls_to("chat.postEphemeral"))
    (call,) = stack.fake.calls_to("chat.postEphemeral")
    assert call.params["user"] == "U0LEE"
    blocks = json.loads(call.params["blocks"]) if isinstance(call.params["blocks"], str) else call.params["blocks"]
    kinds = [block["type"] for block in blocks]
    assert kinds == ["section", "data_visualization", "context", "image", "table", "context"]  # and no controls
    assert "last 6h" in call.params["text"]
    assert message.edits == []
    assert len(stack.fake.posts) == 1


@pytest.mark.slow
async def test_a_replayed_click_redraws_once(stack: BotStack) -> None:
    message = await chart_message(stack)
    payload = block_action(
        message.shown(), "chart_6h", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url()
    )
    body, stamp = urlencode({"payload": json.dumps(payload)}), int(time.time())
    for _delivery in range(2):  # the same signed request twice: a replay within Slack's five minutes
        await stack.post_signed(body, "application/x-www-form-urlencoded", timestamp=stamp)
    await edited(stack, message)
    await stack.work.drain(10)
    assert len(message.edits) == 1


async def test_a_scheduled_post_has_the_controls_too(stack: BotStack) -> None:
    await stack.post_command(f"schedule {CPU} every 1s")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    post = stack.fake.posts[0]
    message = stack.fake.message(post.channel, post.ts)
    message.edits.clear()  # its image joining it
    view = view_in(message)
    assert view.chart == CPU
    assert unmarked(view.by).startswith("<@U0KIM>'s schedule #")
    await click(stack, message, "chart_6h")
    await edited(stack, message)
    assert view_in(message).span == 6 * 3600


async def test_compare_is_drawn_by_the_bot_in_place(stack: BotStack) -> None:
    message = await chart_message(stack)
    images = stack.sandbox.calls[IMAGE_PATH]
    await click(stack, message, "chart_compare")
    await edited(stack, message)
    assert view_in(message).compare
    assert stack.sandbox.calls[IMAGE_PATH] == images  # ServiceWatch cannot shift time: drawn from the numbers
    assert "compared with yesterday and a week ago" in change_note(message)["elements"][0]["text"]
    compare = next(e for e in block(message, "actions", "chart_how")["elements"] if e["action_id"] == "chart_compare")
    assert compare["text"]["text"] == "Hide comparison"


async def test_a_redraw_speaks_the_clickers_language(stack: BotStack) -> None:
    stack.fake.user("U0LEE", locale="ko-KR")
    message = await chart_message(stack)
    assert block(message, "actions", WHEN)["elements"][0]["text"]["text"] == "↻ Refresh"  # the asker's English
    await click(stack, message, "chart_6h")
    await edited(stack, message)
    labels = [element["text"]["text"] for element in block(message, "actions", WHEN)["elements"]]
    assert labels[0] == "↻ 새로 고침"
    assert change_note(message)["elements"][0]["text"].endswith("<@U0LEE> 님이 바꿈")
    assert "지난 6h" in message.blocks[0]["text"]["text"]


@pytest.mark.parametrize(
    ("action", "callback"), [("chart_save", "save_chart_modal"), ("chart_schedule", "schedule_chart_modal")]
)
async def test_save_and_schedule_open_their_form_with_the_chart_as_shown(
    stack: BotStack, action: str, callback: str
) -> None:
    message = await chart_message(stack, f"{CPU} last 3h stat max")
    await click(stack, message, "chart_6h")
    await edited(stack, message)
    await click(stack, message, action)
    await stack.fake.wait_for(lambda: stack.fake.calls_to("views.open"))
    (call,) = stack.fake.calls_to("views.open")
    view = json.loads(call.params["view"]) if isinstance(call.params["view"], str) else call.params["view"]
    assert view["callback_id"] == callback
    chart = next(block for block in view["blocks"] if block["block_id"] == "chart")
    assert chart["element"]["initial_value"] == f"{CPU} last 6h stat max"


@pytest.mark.slow
async def test_a_later_click_that_draws_nothing_leaves_the_earlier_to_be_shown(stack: BotStack) -> None:
    message = await chart_message(stack)
    stack.sandbox.plan.latency = 2.0  # the first click's chart takes a while to draw
    first = block_action(
        message.shown(), "chart_24h", user="U0LEE", channel="C0OPS", response_url=stack.fake.response_url()
    )
    await post_payload(stack, first)
    await wait_until(lambda: is_numbered(stack, message, 1))
    broken = message.shown()
    for block in broken["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "chart_6h":
                element["value"] = encode_view(ChartView("no-such-metric", 3600, None, "AVG", "UTC"))
    await post_payload(
        stack, block_action(broken, "chart_6h", user="U0KIM", channel="C0OPS", response_url=stack.fake.response_url())
    )
    await stack.fake.wait_for(lambda: stack.fake.responses)  # the second is refused (its chart does not resolve) …
    assert stack.fake.responses[0]["text"].startswith("This chart cannot be drawn again: ")
    await edited(stack, message)  # … and the first, still drawing then, is shown
    assert view_in(message).span == 86400
    assert len(stack.fake.responses) == 1
