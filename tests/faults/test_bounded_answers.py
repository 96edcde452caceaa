"""Oversized and broken ServiceWatch answers through Slack end to end: the asker is told which call sent too much
and what to ask instead, or gets the chart drawn by the bot; a broken image never reaches the channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import Fault
from bot.servicewatch.client import DATA_PATH, IMAGE_PATH, METRICS_PATH
from tests.fakes.slack import FakeSlack
from tests.pngs import png_size
from tests.sandboxes import use_stock_images
from tests.stacks import BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last 1h'
BIG = 64 * 1024 * 1024  # past both limits (8 MB of JSON, 4 MB of image), far short of what the red team sent


@pytest.fixture
async def bounded_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, servicewatch_max_retries=1)):
        await use_stock_images(running.sandbox, (1400, 500))
        yield running


async def asked(stack: BotStack, text: str, *faults: Fault) -> None:
    for fault in faults:
        stack.sandbox.plan.add(fault)
    await stack.post_command(text)
    await stack.fake.wait_for(lambda: stack.fake.posts or stack.fake.responses)


def only_reply(stack: BotStack) -> str:
    assert stack.fake.posts == []
    (reply,) = stack.fake.responses
    text: str = reply["text"]
    assert "Something went wrong" not in text
    return text


@pytest.mark.parametrize("how", ["length", "chunked", "gzip"])
async def test_a_catalog_past_the_limit_is_a_message_naming_it(bounded_stack: BotStack, how: str) -> None:
    fault = Fault(kind="oversize", path=METRICS_PATH, size=BIG, length=how == "length", gzip=how == "gzip", times=0)
    await asked(bounded_stack, CPU, fault)
    text = only_reply(bounded_stack)
    assert "ServiceWatch sent an answer larger than 8 MB for ListMetricInfos" in text
    assert "SERVICEWATCH_MAX_ANSWER_MB" in text
    assert bounded_stack.sandbox.calls[METRICS_PATH] == 1  # not tried again
    if how != "gzip":
        assert bounded_stack.sandbox.sent[METRICS_PATH] < BIG // 2  # the bot hung up


async def test_numbers_past_the_limit_leave_the_chart_and_say_what_to_ask(bounded_stack: BotStack) -> None:
    await asked(bounded_stack, CPU, Fault(kind="oversize", path=DATA_PATH, size=BIG, length=False, times=0))
    (post,) = bounded_stack.fake.posts
    assert png_size(post.data) == (1400, 500)  # ServiceWatch's own chart
    assert "The numbers were left out: ServiceWatch sent an answer larger than 8 MB for ListMetricData" in post.comment
    assert "ask for a shorter window or a longer period" in post.comment
    assert bounded_stack.sandbox.sent[DATA_PATH] < BIG // 2


async def test_a_compared_chart_whose_numbers_are_too_large_is_a_message(bounded_stack: BotStack) -> None:
    await asked(bounded_stack, f"{CPU} vs yesterday", Fault(kind="oversize", path=DATA_PATH, size=BIG, gzip=True))
    text = only_reply(bounded_stack)
    assert "larger than 8 MB for ListMetricData; ask for a shorter window or a longer period." in text


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault(kind="oversize", size=BIG, length=False), "larger than 4 MB"),
        (Fault(kind="garbage"), "not a whole chart image"),
        (Fault(kind="cut"), "not a whole chart image"),
        (Fault(kind="huge", width=20_000, height=20_000), "not a whole chart image"),
    ],
)
async def test_a_chart_image_too_large_or_broken_is_drawn_by_the_bot(
    bounded_stack: BotStack, fault: Fault, reason: str
) -> None:
    await asked(bounded_stack, CPU, Fault(**{**vars(fault), "path": IMAGE_PATH, "times": 0}))
    (post,) = bounded_stack.fake.posts
    assert png_size(post.data) == (1400, 500)  # drawn by the bot: a whole image, never the broken one
    assert f"_Drawn by the bot from the numbers: ServiceWatch's chart image failed ({reason})." in post.comment
    assert bounded_stack.sandbox.calls[IMAGE_PATH] == 1


async def test_a_broken_image_without_numbers_is_a_message(bounded_stack: BotStack) -> None:
    await asked(
        bounded_stack,
        CPU,
        Fault(kind="garbage", path=IMAGE_PATH, times=0),
        Fault(kind="status", status=503, path=DATA_PATH, times=0),
    )
    text = only_reply(bounded_stack)
    assert "The PNG chart from ServiceWatch does not decode" in text
    assert "so it was not posted; try again, or ask for another size." in text


async def test_a_jpeg_chart_is_posted_as_it_came(bounded_stack: BotStack) -> None:
    await asked(bounded_stack, CPU, Fault(kind="jpeg", path=IMAGE_PATH))
    (post,) = bounded_stack.fake.posts
    assert post.data[:3] == b"\xff\xd8\xff"
    assert "Drawn by the bot" not in post.comment
