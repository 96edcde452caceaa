"""The chart Slack's clients draw (bot/slack/native_chart.py), over real HTTP against the fake Slack, which checks the
data_visualization and table blocks by their documented limits and, as a Slack without them, refuses them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.charts.plan import ChartDefaults, plan_chart
from bot.charts.service import RenderedChart
from bot.charts.summary import summarize
from bot.language.parse import parse_chart
from bot.servicewatch.models import MetricDataSeries
from bot.slack.blocks import sent
from bot.slack.native_chart import native_blocks
from tests.charts.test_plan import CATALOG
from tests.fakes.blocks import problems
from tests.fakes.slack import Message
from tests.slack.test_chart_buttons import click, edited
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def of_kind(message: Message, kind: str) -> list[dict[str, Any]]:
    return [block for block in message.blocks if block["type"] == kind]


async def posted_chart(stack: BotStack, text: str) -> Message:
    await stack.post_command(text)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    post = stack.fake.posts[-1]
    return stack.fake.message(post.channel, post.ts)


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
