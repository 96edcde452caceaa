"""Liveness and readiness of the whole bot in HTTP mode, over real sockets: `/healthz` answers 200 whatever is
wrong; `/readyz` answers 503 naming the check that fails (Slack access, the database, the scheduler, ServiceWatch's
keys), and the `servicewatch_bot_ready` gauges on `/metrics` say the same. Slack access is lost only when auth.test
confirms a refused token; a 5xx, a ratelimit or a broken connection never costs it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from bot.sandbox import Fault as SandboxFault
from bot.slack.access import SlackAccess
from bot.slack.client import slack_client
from tests.fakes.slack import FakeSlack, Fault
from tests.stacks import TOKEN, BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
ALL_PASS = {"slack": 1.0, "database": 1.0, "scheduler": 1.0, "servicewatch": 1.0}


@dataclass
class Probe:
    live: int
    ready: int
    body: dict[str, Any]
    gauges: dict[str, float]

    @property
    def failing(self) -> dict[str, str]:
        return dict(self.body["failing"])


async def probe(stack: BotStack) -> Probe:
    async with httpx.AsyncClient() as client:
        live = await client.get(f"{stack.url}/healthz")
        ready = await client.get(f"{stack.url}/readyz")
        metrics = await client.get(f"{stack.url}/metrics")
    gauges = {
        sample.labels["check"]: sample.value
        for family in text_string_to_metric_families(metrics.text)
        if family.name == "servicewatch_bot_ready"
        for sample in family.samples
    }
    return Probe(live.status_code, ready.status_code, ready.json(), gauges)


async def told(stack: BotStack, count: int = 1) -> str:
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= count)
    return str(stack.fake.responses[count - 1]["text"])


async def test_ready_when_all_is_well(stack: BotStack) -> None:
    schedules = stack.schedules
    assert schedules is not None
    await stack.fake.wait_for(lambda: schedules.loaded is not None)  # they load in the background, however slowly
    seen = await probe(stack)
    assert (seen.live, seen.ready) == (200, 200)
    assert seen.body == {
        "ready": True,
        "failing": {},
        "checks": {"slack": True, "database": True, "scheduler": True, "servicewatch": True},
        "process": {"mode": "http", "in_flight": 0, "schedules": 0},
    }
    assert seen.gauges == ALL_PASS


# Slack -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "account_inactive"])
async def test_a_refused_token_confirmed_by_auth_test_fails_readiness_not_liveness(stack: BotStack, error: str) -> None:
    stack.fake.token_error = error
    await stack.post_command(CPU)
    assert f"Slack refused the bot's token ({error})" in await told(stack)
    seen = await probe(stack)
    assert (seen.live, seen.ready) == (200, 503)
    assert list(seen.failing) == ["slack"]
    assert f"({error}, confirmed by auth.test)" in seen.failing["slack"]
    assert seen.gauges == {**ALL_PASS, "slack": 0.0}
    assert stack.fake.methods().count("auth.test") == 2  # at start, and the confirmation


@pytest.mark.parametrize(
    "auth_test",
    [
        None,  # auth.test accepts the token
        pytest.param(Fault("auth.test", "status", status=500, times=3), marks=pytest.mark.slow),  # retried twice
        pytest.param(Fault("auth.test", "ratelimited", retry_after=1, times=4), marks=pytest.mark.slow),  # 3 times
        Fault("auth.test", "error", error="fatal_error"),  # Slack's own failure, not a verdict on the token
    ],
    ids=["accepted", "5xx", "ratelimited", "fatal_error"],
)
async def test_a_refusal_auth_test_does_not_confirm_keeps_slack_access(
    stack: BotStack, auth_test: Fault | None
) -> None:
    stack.fake.faults.append(Fault("files.getUploadURLExternal", "error", error="invalid_auth"))
    if auth_test is not None:
        stack.fake.faults.append(auth_test)
    await stack.post_command(CPU)
    assert "Slack refused the chart (invalid_auth); try again in a minute." in await told(stack)
    assert stack.fake.methods().count("auth.test") >= 2  # it was asked
    seen = await probe(stack)
    assert (seen.live, seen.ready) == (200, 200)
    assert seen.gauges == ALL_PASS
    await stack.post_command(CPU)  # and the bot still posts
    await stack.fake.wait_for(lambda: stack.fake.posts)


@pytest.mark.parametrize(
    "fault",
    [
        Fault("files.completeUploadExternal", "status", status=503),
        pytest.param(Fault("files.getUploadURLExternal", "ratelimited", retry_after=1), marks=pytest.mark.slow),
        Fault("files.completeUploadExternal", "reset_after"),
    ],
    ids=["5xx", "ratelimited", "connection-broken"],
)
async def test_a_failed_call_that_is_no_refusal_never_asks_auth_test(stack: BotStack, fault: Fault) -> None:
    stack.fake.faults.append(fault)
    await stack.post_command(CPU)
    await stack.fake.wait_for(lambda: stack.fake.responses or stack.fake.posts)
    await stack.work.drain(5)
    assert stack.fake.methods().count("auth.test") == 1  # only at start
    seen = await probe(stack)
    assert seen.ready == 200
    assert seen.gauges == ALL_PASS


async def test_refusals_together_ask_auth_test_once(fake_slack: FakeSlack) -> None:
    fake_slack.token_error = "token_revoked"
    async with ClientSession() as session:
        access = SlackAccess(confirm=slack_client(TOKEN, fake_slack.api_url, session=session).auth_test)
        await asyncio.gather(*(access.note("invalid_auth") for _ in range(10)))
    assert access.lost == "token_revoked"  # auth.test's own answer
    assert fake_slack.methods().count("auth.test") == 1


@pytest.mark.slow
async def test_auth_test_that_does_not_answer_or_cannot_be_reached_confirms_nothing(fake_slack: FakeSlack) -> None:
    async def never() -> None:
        await asyncio.Event().wait()

    hanging = SlackAccess(confirm=never, confirm_within=0.05)
    await hanging.note("token_revoked")
    assert hanging.lost is None
    await fake_slack.stop()  # nothing listens there any more: the connection is refused
    async with ClientSession() as session:
        unreachable = SlackAccess(confirm=slack_client(TOKEN, fake_slack.api_url, session=session).auth_test)
        await unreachable.note("token_revoked")
    assert unreachable.lost is None


# The database, the scheduler, ServiceWatch ---------------------------------------------------------------------


async def test_the_database_gone_fails_readiness(stack: BotStack) -> None:
    """The database behind the bot's engine moves to a PostgreSQL port where nothing listens any more."""
    database, kept = stack.services.database, stack.services.database.engine
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    database.engine = create_async_engine(f"postgresql+asyncpg://bot@127.0.0.1:{port}/bot")
    try:
        seen = await probe(stack)
    finally:
        await database.engine.dispose()
        database.engine = kept
    assert (seen.live, seen.ready) == (200, 503)
    assert list(seen.failing) == ["database"]
    assert seen.failing["database"].startswith("SELECT 1 failed (")
    assert seen.gauges == {**ALL_PASS, "database": 0.0}


async def _stop_the_service(stack: BotStack) -> None:
    await stack.schedules.stop(5)


async def _stop_apscheduler(stack: BotStack) -> None:
    stack.schedules.scheduler.shutdown(wait=False)


@pytest.mark.parametrize(
    ("stop", "reason"),
    [(_stop_the_service, "the schedule service stopped"), (_stop_apscheduler, "APScheduler is not running")],
    ids=["service", "apscheduler"],
)
async def test_a_stopped_scheduler_fails_readiness(
    stack: BotStack, stop: Callable[[BotStack], Any], reason: str
) -> None:
    assert (await probe(stack)).ready == 200
    await stop(stack)
    seen = await probe(stack)
    assert (seen.live, seen.ready) == (200, 503)
    assert seen.failing == {"scheduler": reason}
    assert seen.gauges == {**ALL_PASS, "scheduler": 0.0}


@pytest.fixture
async def no_retries(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, servicewatch_max_retries=0)):
        yield running


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_servicewatch_keys_fail_readiness_until_a_call_is_accepted(
    no_retries: BotStack, status: int
) -> None:
    stack = no_retries
    stack.sandbox.plan.add(SandboxFault(kind="status", status=status, detail="refused", times=0))
    await stack.post_command(f"{CPU} last 3h")
    await told(stack)
    seen = await probe(stack)
    assert (seen.live, seen.ready) == (200, 503)
    assert list(seen.failing) == ["servicewatch"]
    assert seen.failing["servicewatch"].startswith(f"ServiceWatch answered {status}")
    assert seen.gauges == {**ALL_PASS, "servicewatch": 0.0}
    stack.sandbox.plan.clear()
    await stack.post_command(f"{CPU} last 6h")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert (await probe(stack)).ready == 200


async def test_a_servicewatch_outage_is_not_refused_keys(no_retries: BotStack) -> None:
    no_retries.sandbox.plan.add(SandboxFault(kind="status", status=503, times=0))
    await no_retries.post_command(CPU)
    assert "ServiceWatch answered 503" in await told(no_retries)
    seen = await probe(no_retries)
    assert seen.ready == 200
    assert seen.gauges == ALL_PASS
