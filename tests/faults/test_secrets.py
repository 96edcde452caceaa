"""Secrets never reach a log line: a whole session of the bot at DEBUG (every library too), then a search of
everything it logged for the SCP keys, the Slack token and signing secret, and response_urls."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import REDACTED, SLACK_SDK_GUARDED, setup_logging
from bot.sandbox import Fault, Sandbox
from bot.servicewatch.client import IMAGE_PATH
from tests.fakes.slack import TEAM, FakeSlack
from tests.slack_payloads import mention_event, slash_command
from tests.stacks import SECRET, TOKEN, settings_for, start_stack

ACCESS, SECRET_KEY = "AK-do-not-log-4f1d", "SK-do-not-log-9c2e"


LIBRARIES = ("httpx", "httpcore", "aiohttp", "slack_bolt", "slack_sdk", "apscheduler", "sqlalchemy.engine")


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """A stream for the session's logs; afterwards the root logger and every library's level are as they were, so
    the tests that run next in this process do not log at DEBUG."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    names = {
        *logging.root.manager.loggerDict,
        *LIBRARIES,
        *SLACK_SDK_GUARDED,
        "aiohttp.access",
        "matplotlib",
        "PIL",
        "alembic",
    }
    levels = {name: logging.getLogger(name).level for name in names}  # setup_logging sets some of them too
    stream = io.StringIO()
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_a_debug_session_logs_no_secret(
    fake_slack: FakeSlack, tmp_path: Path, captured_logs: io.StringIO
) -> None:
    sandbox = Sandbox(access_key=ACCESS, secret_key=SECRET_KEY)
    await sandbox.start()
    try:
        settings = settings_for(
            fake_slack,
            tmp_path,
            scp_access_key=ACCESS,
            scp_secret_key=SECRET_KEY,
            servicewatch_endpoint=sandbox.url,
            log_level="DEBUG",
        )
        setup_logging("DEBUG", "text", secrets=settings.secret_values(), stream=captured_logs)
        for name in LIBRARIES:
            logging.getLogger(name).setLevel(logging.DEBUG)
        async for stack in start_stack(fake_slack, settings):
            # One after another where a fault is armed: the single 403 must meet the `lag` command, not another chart.
            for text in ('"Virtual Server:CPU Usage/Core[Basic]" resource=web-01', "help", "cpuxyz"):
                await stack.post_command(text)
            await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1 and len(fake_slack.responses) >= 2)
            sandbox.plan.add(Fault(kind="status", status=403, path=IMAGE_PATH))
            await stack.post_command("lag")
            await fake_slack.wait_for(lambda: len(fake_slack.responses) >= 3)
            await stack.post_command("schedule lag every 1s")
            await stack.post_signed(json.dumps(mention_event("<@UBOT0001> lag", event_id="EvS1")), "application/json")
            await stack.post_command("lag", secret="wrong-secret")
            await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 3 and len(fake_slack.responses) >= 4)
            await stack.work.drain(5)
    finally:
        await sandbox.stop()
    logged = captured_logs.getvalue()
    assert len(logged.splitlines()) > 200  # it really was a DEBUG session
    assert REDACTED in logged
    for secret in (ACCESS, SECRET_KEY, TOKEN, SECRET, f"/commands/{TEAM}/", "old-verification-token"):
        leaks = [line[:300] for line in logged.splitlines() if secret in line]
        assert not leaks, f"{secret!r} reached the log: {leaks[:3]}"


async def test_slacks_verification_token_is_kept_out_of_a_debug_socket_mode_session(
    fake_slack: FakeSlack, tmp_path: Path, captured_logs: io.StringIO
) -> None:
    """Every slash command, event and interaction payload carries Slack's legacy verification token (`token`), and
    slack_sdk logs each Socket Mode message whole at DEBUG."""
    tokens = {kind: f"verification-{kind}-7f3a9c" for kind in ("slash_commands", "events_api", "interactive")}
    settings = settings_for(
        fake_slack, tmp_path, bot_mode="socket", slack_app_token="xapp-1-test", slack_signing_secret=None
    )
    setup_logging("DEBUG", "text", secrets=settings.secret_values(), stream=captured_logs)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG)
    async for stack in start_stack(fake_slack, settings):
        command = slash_command("help", user="U0KIM", channel="C0OPS", response_url=fake_slack.response_url())
        await fake_slack.send_envelope("slash_commands", dict(command, token=tokens["slash_commands"]))
        event = mention_event("<@UBOT0001> help", event_id="EvTok1")
        await fake_slack.send_envelope("events_api", dict(event, token=tokens["events_api"]))
        click = {
            "type": "block_actions",
            "token": tokens["interactive"],
            "team": {"id": "T0TEAM001"},
            "user": {"id": "U0KIM"},
            "trigger_id": "1.2",
            "actions": [
                {"action_id": "home_pause", "block_id": "s", "value": "99", "type": "button", "action_ts": "1"}
            ],
        }
        await fake_slack.send_envelope("interactive", click)
        await fake_slack.wait_for(lambda: fake_slack.responses)
        await stack.work.drain(5)
    logged = captured_logs.getvalue()
    assert "Received message" in logged  # slack_sdk did log the messages whole
    for kind, token in tokens.items():
        leaks = [line[:300] for line in logged.splitlines() if token in line]
        assert not leaks, f"the {kind} verification token reached the log: {leaks[:3]}"
