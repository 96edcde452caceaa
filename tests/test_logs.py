"""Secrets never reach a log line, whatever the format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, setup_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


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
