"""The Workflow Builder step "Post a ServiceWatch chart" over real HTTP: the fake Slack runs it as a workflow does
(`function_executed`, tests/fakes/workflows.py) and holds it to its manifest's outputs; the step goes the road of a
typed request, with its access rules, and fails with what a person would have been told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.listeners.workflow_step import CALLBACK
from tests.fakes.slack import FakeSlack
from tests.fakes.workflows import Execution
from tests.stacks import SECRET, BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
WAIT = 30.0


@pytest.fixture(params=[True, False], ids=["unshared-accepted", "unshared-refused"])
async def workflows(request: pytest.FixtureRequest, fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """The bot in HTTP mode; kim and lee are in #ops, boss is not; under both of Slack's ways with unshared files."""
    fake_slack.unshared_in_blocks = request.param
    fake_slack.user("U0KIM")
    fake_slack.user("U0LEE", locale="ko-KR")
    fake_slack.user("U0BOSS")
    fake_slack.channel("C0OPS", "ops", members=["U0KIM", "U0LEE"])
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path)):
        fake_slack.events_to(f"{running.url}/slack/events", SECRET)
        yield running


async def ran(stack: BotStack, **inputs: Any) -> Execution:
    execution_id = await stack.fake.run_step(CALLBACK, inputs)
    execution = stack.fake.steps.executions[execution_id]
    await stack.fake.wait_for(lambda: execution.ended, within=WAIT)
    return execution


async def test_the_step_posts_the_chart_and_outputs_its_messages_link(workflows: BotStack) -> None:
    run = await ran(workflows, channel_id="C0OPS", chart=CPU, window="last 6h", user_id="U0KIM")
    assert run.error is None
    (message,) = workflows.fake.chart_messages()
    assert message.channel == "C0OPS"
    assert "last 6h (" in message.blocks[0]["text"]["text"]
    assert "asked by <@U0KIM>" in message.blocks[0]["text"]["text"]
    assert run.outputs == {"message_link": FakeSlack.permalink("C0OPS", message.ts)}
    tokens = {call.headers["Authorization"][7:] for call in workflows.fake.calls_to("chat.postMessage")}
    assert tokens == {run.token}  # the run's own token, as Bolt attaches it to a step's client
    await workflows.fake.wait_for(lambda: workflows.fake.posts, within=WAIT)  # its image: in it, or in its thread
    image = workflows.fake.posts[-1]
    assert message.ts in (image.ts, image.thread_ts)


async def test_the_step_reads_korean_as_a_typed_line_does(workflows: BotStack) -> None:
    run = await ran(workflows, channel_id="C0OPS", chart=CPU, window="지난 2시간", user_id="U0LEE")
    assert run.error is None
    (message,) = workflows.fake.chart_messages()
    assert "2시간" in message.blocks[0]["text"]["text"]  # answered in lee's language, the window as read


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        ({"chart": CPU, "user_id": "U0BOSS"}, "you aren't a member of it"),  # the same rule as a typed request
        ({"chart": "help", "user_id": "U0KIM"}, "This step posts charts; “help” is not a chart"),
        ({"chart": "cpu last", "user_id": "U0KIM"}, "`last` needs a length"),  # the reader's own words
        ({"chart": "nosuchmetricanywhere last 1h", "user_id": "U0KIM"}, "nosuchmetricanywhere"),
    ],
)
async def test_the_step_fails_with_what_the_person_would_be_told(
    workflows: BotStack, inputs: dict[str, Any], said: str
) -> None:
    run = await ran(workflows, channel_id="C0OPS", **inputs)
    assert run.outputs is None
    assert run.error is not None
    assert said in run.error, run.error
    assert workflows.fake.chart_messages() == []
    assert workflows.fake.ephemerals == []  # nobody watches a workflow's run for a private note
