"""Secrets never reach a log line, whatever the format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import REDACTED, SLACK_SDK_GUARDED, RedactingFilter, setup_logging
from tests.fakes.slack import FakeSlack
from tests.stacks import TOKEN


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    guarded = {name: logging.getLogger(name).level for name in SLACK_SDK_GUARDED}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in guarded.items():
        logging.getLogger(name).setLevel(was)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_are_redacted(fmt: str, restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging("INFO", fmt, secrets=["SK-SECRET-2", "sig-3"], stream=stream)
    log = logging.getLogger("bot.test")
    log.info("signing with %s and %s", "SK-SECRET-2", "sig-3")
    log.warning("response_url https://hooks.slack.com/commands/T1/2/abc and token xoxb-123-456-abc, app xapp-1-A-2")
    try:
        raise RuntimeError("failed with SK-SECRET-2")
    except RuntimeError:
        log.exception("boom")
    out = stream.getvalue()
    for secret in ("SK-SECRET-2", "sig-3", "hooks.slack.com/commands", "xoxb-123", "xapp-1-A"):
        assert secret not in out
    assert out.count(REDACTED) >= 6
    if fmt == "json":
        lines = [json.loads(line) for line in out.strip().splitlines() if line.startswith("{")]
        assert [line["level"] for line in lines] == ["INFO", "WARNING", "ERROR"]
        assert "RuntimeError" in lines[-1]["exception"]


VERIFICATION = "vErIfIcAtIoN-tOkEn-4e2b"
RESPONSE_URL = "https://hooks.slack.com/commands/T0TEAM001/123/abcDEF"
INTERACTION = {"type": "block_actions", "token": VERIFICATION, "response_url": RESPONSE_URL, "user": {"id": "U1"}}


@pytest.mark.parametrize(
    "logged",
    [
        pytest.param(urlencode({"token": VERIFICATION, "command": "/chart", "response_url": RESPONSE_URL}), id="form"),
        pytest.param(json.dumps(INTERACTION), id="json"),
        pytest.param(json.dumps(INTERACTION, separators=(",", ":")), id="compact-json"),
        pytest.param(repr(INTERACTION), id="dict-repr"),
        pytest.param(repr(json.dumps(INTERACTION).replace("/", "\\/")), id="repr-of-json-with-escaped-slashes"),
        pytest.param(urlencode({"payload": json.dumps(INTERACTION)}), id="form-payload"),
        pytest.param(urlencode({"payload": json.dumps(INTERACTION, separators=(",", ":"))}), id="compact-form-payload"),
        pytest.param(json.dumps({"body": json.dumps(INTERACTION)}), id="json-in-json"),
    ],
)
def test_slack_payload_fields_are_redacted_in_every_form(logged: str, restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging("DEBUG", "text", stream=stream)
    logging.getLogger("slack_bolt").debug("request body: %s", logged)
    out = stream.getvalue()
    assert VERIFICATION not in out
    assert "abcDEF" not in out
    assert "block_actions" in out or "chart" in out  # the rest of the payload is still there to read


def test_redaction_is_idempotent_and_leaves_other_fields_alone() -> None:
    redacting = RedactingFilter(["xoxb-known-secret"])
    line = 'slack_bot_token="xoxb-known-secret" token_type=bot tokens: 3 thread_ts=1.2 "token": "abc"'
    once = redacting.redact(line)
    assert once == f'slack_bot_token="{REDACTED}" token_type=bot tokens: 3 thread_ts=1.2 "token": "{REDACTED}"'
    assert redacting.redact(once) == once


@pytest.mark.parametrize(("level", "built"), [("WARNING", False), ("INFO", False), ("DEBUG", True)])
async def test_slack_sdk_builds_its_debug_lines_only_when_debugging(
    level: str, built: bool, fake_slack: FakeSlack, restore_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """slack_sdk formats every call's arguments for its debug line unless its own logger's level says not to."""
    setup_logging(level, "text", stream=io.StringIO())
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)  # logs to slack_sdk.web.async_base_client
    asked: list[object] = []
    monkeypatch.setattr(logging.getLogger(SLACK_SDK_GUARDED[0]), "debug", lambda *args, **_: asked.append(args))
    assert (await client.auth_test())["ok"]
    assert bool(asked) == built
