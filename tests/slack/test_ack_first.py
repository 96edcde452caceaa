"""Issue 13, item 6: a held database never costs Slack's acknowledgement. With every database write of a request
held up, interactions are still acknowledged (a command after waiting at most NOTE_WITHIN for its note, issue 26);
their work goes on once the database answers."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.slack.modal import chart_modal
from tests.slack_payloads import metric_suggestion
from tests.stacks import BotStack

HOLD = 10.0  # seconds a request may wait for its acknowledgement here (Slack's limit is 3): a hang, not a timing


class HeldDatabase:
    """Stands in for a database under a write storm: every write waits until `release`."""

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.waiting = 0

    def hold(self, write: Any) -> Any:
        async def held(*args: Any, **kwargs: Any) -> Any:
            self.waiting += 1
            await self.released.wait()
            return await write(*args, **kwargs)

        return held


@pytest.fixture
def held(stack: BotStack, monkeypatch: pytest.MonkeyPatch) -> HeldDatabase:
    database = HeldDatabase()
    ledger = stack.slack.listeners.ledger
    monkeypatch.setattr(ledger, "claim", database.hold(ledger.claim))
    pending = stack.slack.listeners.pending
    assert pending is not None
    monkeypatch.setattr(pending, "add", database.hold(pending.add))
    monkeypatch.setattr(pending, "note", database.hold(pending.note))
    return database


def modal_view() -> dict[str, Any]:
    return {
        **chart_modal([], channel_id="C0OPS", thread_ts="1700000300.000400", default_window="3h").to_dict(),
        "id": "V1",
    }


def submission() -> dict[str, Any]:
    view = modal_view()
    view["state"] = {
        "values": {
            "metric": {"metric": {"type": "external_select", "selected_option": {"value": "lag"}}},
            "window": {"window": {"type": "plain_text_input", "value": "last 6h"}},
        }
    }
    return {"type": "view_submission", "team": {"id": "T0TEAM001"}, "user": {"id": "U0KIM"}, "view": view}


async def post_payload(stack: BotStack, payload: dict[str, Any]) -> httpx.Response:
    return await asyncio.wait_for(
        stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"), HOLD
    )


async def test_interactions_are_acknowledged_while_the_database_is_held(stack: BotStack, held: HeldDatabase) -> None:
    typed = await post_payload(stack, metric_suggestion("lag", modal_view()))
    assert typed.status_code == 200
    assert typed.json()["options"]  # the type-ahead answered, and wrote nothing
    submitted = await post_payload(stack, submission())
    assert submitted.status_code == 200
    command = await asyncio.wait_for(stack.post_command("lag 1h"), HOLD)
    assert (command.status_code, command.text) == (200, "")
    await stack.fake.wait_for(lambda: held.waiting >= 2)  # the replay check and the command's note, still held
    assert stack.fake.posts == []
    held.released.set()
    await stack.fake.wait_for(lambda: len(stack.fake.posts) == 2)  # nothing was lost while it waited
    assert {p.thread_ts for p in stack.fake.posts} == {None, "1700000300.000400"}


async def test_a_replayed_submission_is_refused_and_runs_once(stack: BotStack) -> None:
    body = urlencode({"payload": json.dumps(submission())})
    stamp = int(time.time())
    first = await stack.post_signed(body, "application/x-www-form-urlencoded", timestamp=stamp)
    again = await stack.post_signed(body, "application/x-www-form-urlencoded", timestamp=stamp)
    assert first.status_code == 200
    assert (again.status_code, again.json()) == (401, {"error": "replayed request"})
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(5)
    assert len(stack.fake.posts) == 1
