"""Issue 13, item 4: a request that changes something changes it at most once, also when a takeover runs it again
after a crash; the takeover only sends the earlier answer again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.chat import Asker, TextReply
from bot.markup import for_slack
from bot.slack.app import request_sealer
from bot.store.pending import PendingRequests
from bot.store.schedules import RunLog
from bot.store.tables import SavedChartRow, ScheduleRow
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
ASKED_AT = datetime(2026, 11, 27, 9, 0, 0, 123456, tzinfo=UTC)


def asker(key: str | None, **changes: object) -> Asker:
    values: dict[str, object] = {
        "user_id": "U0KIM",
        "channel_id": "C0OPS",
        "mention": "<@U0KIM>",
        "thread_ts": "1700000000.000100",
        "request_key": key,
        "asked_at": ASKED_AT,
        "asked_from": "C0OPS",
    }
    values.update(changes)
    return Asker(**values)  # type: ignore[arg-type]


async def rows(stack: BotStack, table: type[ScheduleRow] | type[SavedChartRow]) -> int:
    async with stack.services.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def answer(stack: BotStack, text: str, who: Asker) -> str:
    reply = await stack.bot.actions.handle(text, who)
    assert isinstance(reply, TextReply)
    return reply.text


# (the line, what exists before it, the table it changes, rows after it once)
CHANGES = [
    (f"schedule {CPU} every 1h", [], ScheduleRow, 1),
    (f"follow {CPU} every 10m", [], ScheduleRow, 1),
    (f"save web-cpu {CPU}", [], SavedChartRow, 1),
    ("forget web-cpu", [f"save web-cpu {CPU}"], SavedChartRow, 0),
    ("pause 1", [f"schedule {CPU} every 1h"], ScheduleRow, 1),
    ("resume 1", [f"schedule {CPU} every 1h", "pause 1"], ScheduleRow, 1),
    ("delete 1", [f"schedule {CPU} every 1h"], ScheduleRow, 0),
    ("stop", [f"follow {CPU} every 10m"], ScheduleRow, 0),
]


@pytest.mark.parametrize(("line", "before", "table", "after"), CHANGES, ids=[c[0].split()[0] for c in CHANGES])
async def test_the_same_request_run_again_changes_nothing_and_answers_the_same(
    stack: BotStack, line: str, before: list[str], table: type[ScheduleRow] | type[SavedChartRow], after: int
) -> None:
    for n, earlier in enumerate(before):
        await answer(stack, earlier, asker(f"request:setup-{n}"))
    first = await answer(stack, line, asker("request:7"))
    state = await rows(stack, table), await stack.services.saved.in_channel("C0OPS")
    again = await answer(stack, line, asker("request:7"))  # a takeover runs the same request again
    assert again == first
    assert await rows(stack, table) == after
    assert (await rows(stack, table), await stack.services.saved.in_channel("C0OPS")) == state
    other = asker("request:8")
    if line.startswith(("schedule", "save")):  # another request (a new line typed) does change things again
        await answer(stack, line.replace("every 1h", "every 2h"), other)  # (the same schedule twice is refused)
        assert await rows(stack, table) == after + (1 if line.startswith("schedule") else 0)


async def test_pausing_twice_in_one_request_leaves_the_version_alone(stack: BotStack) -> None:
    await answer(stack, f"schedule {CPU} every 1h", asker(None))
    await answer(stack, "pause 1", asker("request:9"))
    paused = await stack.bot.actions.schedules.schedules.get(1)  # type: ignore[union-attr]
    await answer(stack, "pause 1", asker("request:9"))
    again = await stack.bot.actions.schedules.schedules.get(1)  # type: ignore[union-attr]
    assert paused is not None
    assert again is not None
    assert again.version == paused.version  # no second change (each change adds one)


async def test_run_now_taken_over_posts_once(stack: BotStack) -> None:
    await answer(stack, f"schedule {CPU} every 1h", asker(None))
    schedules = stack.schedules
    assert schedules is not None
    for _ in range(2):  # the request and its takeover: the same moment received, so the same run slot
        await answer(stack, "run 1", asker("request:10"))
        await stack.fake.wait_for(lambda: schedules.runs_under_way == 0 and stack.fake.posts)
    runs = await RunLog(stack.services.database, holder="reader").runs(1)
    assert len(runs) == 1
    assert len(stack.fake.posts) == 1


async def test_a_takeover_after_a_crash_sends_the_answer_again_without_a_second_schedule(stack: BotStack) -> None:
    """A process made the schedule, answered, and died before forgetting the request: the sweep of another finds
    it and only answers again."""
    database = stack.services.database
    text = f"schedule {CPU} every 1h"
    received = datetime.now(UTC) - timedelta(minutes=10)
    clock = [datetime.now(UTC)]  # the dead replica's clock: alive while it answers, then its lease runs out
    dead = PendingRequests(
        database,
        holder="dead-replica",
        lease=timedelta(minutes=1),
        clock=lambda: clock[0],
        sealer=request_sealer(stack.services.settings),  # the replicas share the key of response_urls
    )
    request_id = await dead.add(
        text=text,
        user_id="U0KIM",
        channel_id="C0OPS",
        thread_ts=None,
        response_url=stack.fake.response_url(),
        asked_from="C0OPS",
        received_at=received,
    )
    first = await answer(stack, text, asker(f"request:{request_id}", thread_ts=None))
    assert first.startswith("Scheduled #1")
    clock[0] = received
    await dead.renew_all()  # its last renewal, long ago: the request is an orphan now
    await stack.slack.listeners.requests.sweep()  # (or the stack's own sweeper: one of them)
    await stack.fake.wait_for(lambda: stack.fake.responses)
    await stack.work.drain(5)
    assert [r["text"] for r in stack.fake.responses] == [for_slack(first)]
    assert await rows(stack, ScheduleRow) == 1
