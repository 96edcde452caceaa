"""The chart Slack's clients draw (bot/slack/native_chart.py), over real HTTP against the fake Slack, which checks the
data_visualization and table blocks by their documented limits and, as a Slack without them, refuses them."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.charts.plan import ChartDefaults, plan_chart
from bot.charts.service import RenderedChart, Threshold
from bot.charts.summary import summarize
from bot.language.parse import parse_chart
from bot.servicewatch.models import MetricDataSeries
from bot.slack.blocks import sent
from bot.slack.native_chart import native_blocks
from tests.charts.test_plan import CATALOG
from tests.fakes.blocks import problems
from tests.fakes.slack import FakeSlack, Message
from tests.slack.test_chart_buttons import click, edited
from tests.stacks import BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def of_kind(message: Message, kind: str) -> list[dict[str, Any]]:
    return [block for block in message.blocks if block["type"] == kind]


async def posted_chart(stack: BotStack, text: str) -> Message:
    await stack.post_command(text)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    post = stack.fake.posts[-1]
    message = stack.fake.message(post.channel, post.ts)
    message.edits.clear()  # its image joining it
    return message


async def test_a_chart_message_carries_the_chart_slack_draws_and_its_numbers(stack: BotStack) -> None:
    message = await posted_chart(stack, f"{CPU} web-01 web-02 last 3h")
    (chart,) = of_kind(message, "data_visualization")
    assert chart["title"].startswith("CPU Usage/Core[Basic]")
    body = chart["chart"]
    assert body["type"] == "line"
    assert [series["name"] for series in body["series"]] == ["web-01", "web-02"]
    categories = body["axis_config"]["categories"]
    assert len(categories) == 18  # three hours at 5 min, two periods a bucket: within the block's 20 points
    assert body["axis_config"]["y_label"] == "Percent (%)"
    assert body["axis_config"]["x_label"] == "mean of each 10m"
    how = next(b for b in message.blocks if b.get("block_id") == "native_how")
    assert how["elements"][0]["text"] == "Drawn by Slack from the numbers: mean of each 10m."
    (table,) = of_kind(message, "table")
    rows = [[cell["text"] for cell in row] for row in table["rows"]]
    assert rows[0] == ["Line", "min", "avg", "max", "last"]
    assert [row[0] for row in rows[1:]] == ["web-01", "web-02"]
    assert all(cell.endswith("%") for row in rows[1:] for cell in row[1:])
    assert of_kind(message, "image")  # the ServiceWatch image is there too


async def test_a_slack_without_the_native_blocks_gets_the_image_alone_and_is_remembered(stack: BotStack) -> None:
    stack.fake.native_blocks = False
    first = await posted_chart(stack, f"{CPU} web-01 last 3h")
    assert of_kind(first, "image")
    assert of_kind(first, "data_visualization") == of_kind(first, "table") == []
    posts = stack.fake.calls_to("chat.postMessage")
    assert len(posts) == 2  # refused with them, taken without them
    await stack.post_command(f"{CPU} web-02 last 1h")
    await stack.fake.wait_for(lambda: len(stack.fake.posts) == 2)
    assert len(stack.fake.calls_to("chat.postMessage")) == 3  # the workspace's answer is remembered: asked once


async def test_a_redraw_keeps_the_native_chart_and_a_refusing_slack_still_gets_the_image(stack: BotStack) -> None:
    message = await posted_chart(stack, f"{CPU} web-01 last 3h")
    before = of_kind(message, "data_visualization")[0]["chart"]["axis_config"]["categories"]
    await click(stack, message, "chart_6h")
    await edited(stack, message)
    after = of_kind(message, "data_visualization")[0]["chart"]["axis_config"]["categories"]
    assert len(after) <= 20
    assert after != before  # six hours now
    stack.fake.native_blocks = False
    await click(stack, message, "chart_24h")
    await edited(stack, message, 2)
    assert of_kind(message, "image")
    assert of_kind(message, "data_visualization") == []


def _rendered(text: str, series: list[MetricDataSeries]) -> RenderedChart:
    plan = plan_chart(parse_chart(text), CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())
    return RenderedChart(b"", "c.png", plan.title, "", "", summarize(plan, series), plan=plan, series=tuple(series))


def _every_minute(plan_text: str, value: float) -> tuple[tuple[int, float], ...]:
    plan = plan_chart(parse_chart(plan_text), CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())
    start, end = int(plan.start.timestamp()), int(plan.end.timestamp())
    return tuple((at, value) for at in range(start, end, plan.period))


@pytest.mark.parametrize(
    "text",
    [
        f"{CPU} last 7d",  # six lines, long names
        f'{CPU} web-01 last 3h title "{"a very long title " * 6}"',
        '"Virtual Server:CPU Usage/Core[Basic]" web-01 "Virtual Server:Memory Usage[Basic]" web-01 last 1d',
    ],
)
def test_what_the_native_blocks_hold_is_what_slack_takes(text: str) -> None:
    plan = plan_chart(parse_chart(text), CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())
    series = [MetricDataSeries(values=_every_minute(text, 1234.5 + n)) for n in range(len(plan.lines))]
    blocks = sent(native_blocks(_rendered(text, series)))
    assert [block["type"] for block in blocks] == ["data_visualization", "context", "table"]
    assert problems(blocks, lambda ref: None) == []
    names = [series["name"] for series in blocks[0]["chart"]["series"]]
    assert len(set(names)) == len(names)
    assert problems(blocks, lambda ref: None, native=False) != []  # a Slack without them refuses them


def test_a_chart_without_numbers_has_no_native_blocks() -> None:
    chart = _rendered(f"{CPU} web-01 last 3h", [])
    assert native_blocks(chart) == []


def unshown_files(fake: FakeSlack) -> set[str]:
    """The bot's uploads nobody ever saw: shared into no channel, shown by no message (nor by an earlier version of
    one, nor by a message only one person saw)."""
    versions = [
        blocks for message in fake.chart_messages() for blocks in (message.blocks, *(b for _t, b in message.edits))
    ]
    for call in fake.calls_to("chat.postEphemeral"):
        blocks = call.params.get("blocks") or "[]"
        versions.append(json.loads(blocks) if isinstance(blocks, str) else blocks)
    shown = {
        block["slack_file"]["id"]
        for blocks in versions
        for block in blocks
        if block["type"] == "image" and "id" in block.get("slack_file", {})
    }
    return {file_id for file_id, file in fake.files.items() if not file.channels and file_id not in shown}


@pytest.mark.parametrize("unshared", [True, False], ids=["unshared-files-shown", "unshared-files-refused"])
async def test_a_chart_every_member_can_see_whatever_slack_decides(stack: BotStack, unshared: bool) -> None:
    """A processed file shared into no channel may be shown by an image block, or refused: either way the message
    comes once with the chart Slack draws, its numbers and its controls, and the image is seen: in the message, or
    shared in its thread. No upload is left behind unseen."""
    stack.fake.unshared_in_blocks = unshared
    await stack.post_command(f"{CPU} web-01 last 3h")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(10)
    (message,) = stack.fake.chart_messages()
    assert of_kind(message, "data_visualization")
    assert len(of_kind(message, "actions")) == 2  # the controls stay
    (post,) = stack.fake.posts
    if unshared:
        assert (post.ts, post.thread_ts) == (message.ts, None)  # the image joined the message
    else:
        assert of_kind(message, "image") == []
        assert (post.channel, post.thread_ts) == (message.channel, message.ts)  # shared in its thread
        assert len(stack.fake.deleted) == 1  # the unshared copy
    assert unshown_files(stack.fake) == set()


@pytest.mark.parametrize("unshared", [True, False], ids=["unshared-files-shown", "unshared-files-refused"])
async def test_a_redraw_is_seen_whatever_slack_decides(stack: BotStack, unshared: bool) -> None:
    message = await posted_chart(stack, f"{CPU} web-01 last 3h")
    stack.fake.unshared_in_blocks = unshared
    await click(stack, message, "chart_6h")
    await edited(stack, message)
    await stack.work.drain(10)
    assert of_kind(message, "data_visualization")  # the redraw's numbers, at once
    threaded = [post for post in stack.fake.posts if post.thread_ts == message.ts]
    if unshared:
        assert threaded == []
        assert of_kind(message, "image")
    else:
        assert len(threaded) == 1  # the redraw's image, in the chart's thread; the message shows its numbers
        assert of_kind(message, "image") == []
    assert unshown_files(stack.fake) == set()


async def test_a_file_slack_is_slow_to_process_follows_in_the_thread(fake_slack: FakeSlack, tmp_path: Path) -> None:
    async for stack in start_stack(fake_slack, settings_for(fake_slack, tmp_path, slack_file_wait="1s")):
        fake_slack.file_ready_after = 3600
        await stack.post_command(f"{CPU} web-01 last 3h")
        await fake_slack.wait_for(lambda: fake_slack.posts)
        await stack.work.drain(10)
        (message,) = stack.fake.chart_messages()
        assert of_kind(message, "data_visualization")  # the chart was there at once
        (post,) = stack.fake.posts
        assert post.thread_ts == message.ts
        assert unshown_files(stack.fake) == set()


async def test_a_slack_without_native_blocks_or_unshared_files_gets_a_plain_upload(stack: BotStack) -> None:
    stack.fake.native_blocks = False
    stack.fake.unshared_in_blocks = False
    await stack.post_command(f"{CPU} web-01 last 3h")  # the first chart finds out both (its image in its thread)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.post_command(f"{CPU} web-02 last 3h")
    await stack.fake.wait_for(lambda: len(stack.fake.posts) == 2)
    await stack.work.drain(10)
    first, second = stack.fake.posts
    assert first.thread_ts is not None
    assert (second.ts, second.thread_ts) == ("", None)  # then shared into the channel as an ordinary upload
    assert unshown_files(stack.fake) == set()
    assert stack.fake.responses == []  # nothing to apologise for: the charts are there


@pytest.mark.parametrize("unshared", [True, False], ids=["unshared-files-shown", "unshared-files-refused"])
async def test_just_for_me_whatever_slack_decides(stack: BotStack, unshared: bool) -> None:
    message = await posted_chart(stack, f"{CPU} web-01 last 3h")
    stack.fake.unshared_in_blocks = unshared
    await click(stack, message, "chart_private", "6h")
    if unshared:
        await stack.fake.wait_for(lambda: stack.fake.calls_to("chat.postEphemeral"))
    else:  # an ephemeral message cannot show it: the chart goes to the clicker's direct messages
        await stack.fake.wait_for(lambda: any(post.channel.startswith("D") for post in stack.fake.posts))
    await stack.work.drain(10)
    assert unshown_files(stack.fake) == set()


def test_an_alerts_threshold_is_a_flat_line_and_a_row_of_the_numbers() -> None:
    text = f"{CPU} web-01 last 3h"
    chart = _rendered(text, [MetricDataSeries(values=_every_minute(text, 50.0))])
    marks = (Threshold("lower 80%", 80.0), Threshold("upper 90%", 90.0))
    blocks = sent(native_blocks(dataclasses.replace(chart, thresholds=marks)))
    assert problems(blocks, lambda ref: None) == []
    series = blocks[0]["chart"]["series"]
    assert [s["name"] for s in series] == ["web-01", "lower 80%", "upper 90%"]
    assert {p["value"] for p in series[2]["data"]} == {90.0}
    rows = [[cell["text"] for cell in row] for row in blocks[-1]["rows"]]
    assert rows[-2:] == [["alert lower 80%", *["80%"] * 4], ["alert upper 90%", *["90%"] * 4]]


async def test_the_message_comes_with_the_numbers_while_the_image_is_still_on_its_way(stack: BotStack) -> None:
    from bot.sandbox import Fault as SandboxFault
    from bot.servicewatch.client import IMAGE_PATH

    stack.sandbox.plan.add(SandboxFault(kind="timeout", delay=600, times=1, path=IMAGE_PATH))  # held until cleared
    await stack.post_command(f"{CPU} web-01 last 3h")
    await stack.fake.wait_for(lambda: stack.fake.chart_messages())
    (message,) = stack.fake.chart_messages()
    assert of_kind(message, "data_visualization")
    assert of_kind(message, "table")
    assert not of_kind(message, "image")  # the image call is still held by ServiceWatch
    assert stack.fake.count("files.getUploadURLExternal") == 0
    stack.sandbox.plan.clear()  # ServiceWatch answers the image
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (image,) = of_kind(stack.fake.message(message.channel, message.ts), "image")  # it joined the same message
    assert image["slack_file"]["id"] == stack.fake.posts[-1].file_id


async def test_an_image_that_fails_is_drawn_by_the_bot_in_the_same_message(stack: BotStack) -> None:
    from bot.sandbox import Fault as SandboxFault
    from bot.servicewatch.client import IMAGE_PATH

    # The image fails, before or after the numbers come (either order ends the same: one message, its image drawn by
    # the bot from the numbers; the order itself is the test below's).
    stack.sandbox.plan.add(SandboxFault(kind="status", status=503, times=0, path=IMAGE_PATH))
    await stack.post_command(f"{CPU} web-01 last 3h")
    await stack.fake.wait_for(lambda: stack.fake.posts, within=60)
    (message,) = stack.fake.chart_messages()
    assert of_kind(message, "image")
    assert of_kind(message, "data_visualization")
    assert "Drawn by the bot from the numbers: ServiceWatch's chart image failed" in message.blocks[0]["text"]["text"]
    registry = stack.services.metrics.registry
    await stack.fake.wait_for(
        lambda: registry.get_sample_value("servicewatch_bot_charts_posted_total", {"drawn_by": "bot"}) == 1
    )  # counted as drawn by the bot, though its message came before its image failed


async def test_an_image_failing_after_its_numbers_is_drawn_from_them() -> None:
    import asyncio

    from bot.charts.service import ImageLater
    from bot.servicewatch.errors import APIStatusError

    text = f"{CPU} web-01 last 3h"
    chart = _rendered(text, [MetricDataSeries(values=_every_minute(text, 42.0))])

    async def image_call() -> Any:
        raise APIStatusError(status_code=503, detail="busy")

    later = ImageLater(asyncio.create_task(image_call()), chart.series, "<@U0KIM>", ())
    early = dataclasses.replace(chart, image=b"", later=later)
    done = await early.finished()
    assert done.later is None
    assert done.fallback
    assert done.image.startswith(b"\x89PNG")
    assert "Drawn by the bot from the numbers: ServiceWatch's chart image failed (503" in done.comment
