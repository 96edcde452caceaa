"""Issue 13, item 7: a failure after an empty acknowledgement is logged with its request, and the asker is told in
the words of any other failure (never only "Task exception was never retrieved")."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from bot.router import BackgroundWork
from bot.store.tables import PendingRequestRow
from tests.stacks import BotStack


async def test_background_work_that_fails_is_logged_with_its_name(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise RuntimeError("the disk is full")

    work = BackgroundWork()
    with caplog.at_level(logging.ERROR, logger="bot.router"):
        task = work.spawn(broken(), name="request 12 of U0KIM")
        await asyncio.wait({task})
    (record,) = [r for r in caplog.records if r.name == "bot.router"]
    assert record.getMessage() == "background work 'request 12 of U0KIM' failed"
    assert record.exc_info is not None
    assert "the disk is full" in str(record.exc_info[1])
    assert work.pending == 0


async def test_a_drain_waits_for_the_work_started_while_it_waits() -> None:
    """A listener's work that starts the request's run (a command, a pick) is not cut off by a shutdown."""
    work = BackgroundWork()
    finished: list[str] = []

    async def run() -> None:
        await asyncio.sleep(0.05)
        finished.append("run")

    async def listener() -> None:
        await asyncio.sleep(0.05)
        work.spawn(run(), name="the run")

    work.spawn(listener(), name="the listener")
    assert await work.drain(30) == 0
    assert finished == ["run"]


async def test_a_drain_cancels_what_outlives_its_grace() -> None:
    work = BackgroundWork()
    task = work.spawn(asyncio.sleep(3600), name="forever")
    assert await work.drain(0.05) == 1
    assert task.cancelled()


async def test_a_failure_before_the_request_runs_reaches_the_asker(
    stack: BotStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_timezone(user_id: str) -> str:
        raise RuntimeError("users.info answered nonsense")

    monkeypatch.setattr(stack.slack.listeners.requests.people, "timezone", broken_timezone)
    with caplog.at_level(logging.INFO):
        await stack.post_command("lag 1h")
        await stack.fake.wait_for(lambda: stack.fake.responses)
        await stack.work.drain(5)
    (reply,) = stack.fake.responses
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Something went wrong (ref ")
    reference = reply["text"].removeprefix("Something went wrong (ref ").split(")")[0]
    logged = [r.getMessage() for r in caplog.records]
    assert f"unexpected error (ref {reference})" in logged  # the detail, with the reference the asker has
    assert any(m.startswith("request ") and " of U0KIM failed: Something went wrong" in m for m in logged)
    assert stack.fake.posts == []
    async with stack.services.database.sessions() as session:  # answered (with the failure): its note is gone
        assert await session.scalar(select(func.count()).select_from(PendingRequestRow)) == 0
