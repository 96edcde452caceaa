"""Requests as Slack sends them: slash command forms, event callbacks, and their signature headers."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any


def signed_headers(body: str, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Slack's `X-Slack-Signature` (v0, HMAC-SHA256 of `v0:TIMESTAMP:BODY`) and its timestamp header."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def slash_command(text: str, *, user: str, channel: str, response_url: str, command: str = "/chart") -> dict[str, str]:
    return {
        "token": "old-verification-token",
        "team_id": "T0TEAM001",
        "team_domain": "acme",
        "channel_id": channel,
        "channel_name": "ops",
        "user_id": user,
        "user_name": "kim",
        "command": command,
        "text": text,
        "api_app_id": "A0APP",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.abc",
    }


def mention_event(
    text: str,
    *,
    event_id: str,
    channel: str = "C0OPS",
    ts: str = "1700000100.000200",
    thread_ts: str | None = None,
    user: str = "U0KIM",
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {
        "token": "old",
        "team_id": "T0TEAM001",
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000100,
        "authorizations": [{"team_id": "T0TEAM001", "user_id": "UBOT0001", "is_bot": True}],
    }


def metric_suggestion(value: str, view: dict[str, Any]) -> dict[str, Any]:
    """What Slack sends as someone types `value` in the shortcut form's metric box (its type-ahead)."""
    return {
        "type": "block_suggestion",
        "action_id": "metric",
        "block_id": "metric",
        "value": value,
        "team": {"id": "T0TEAM001"},
        "user": {"id": "U0KIM"},
        "view": view,
    }
