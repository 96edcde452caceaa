"""Requests as Slack sends them: slash command forms, event callbacks, block_actions and view_submission payloads,
and their signature headers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any


def signed_headers(body: str, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Slack's `X-Slack-Signature` (v0, HMAC-SHA256 of `v0:TIMESTAMP:BODY`) and its timestamp header."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


@dataclass(frozen=True)
class Delivery:
    """One HTTP delivery of an event: its own timestamp, and on a retry Slack's retry headers."""

    timestamp: int
    retry_headers: dict[str, str]

    def headers(self, body: str, secret: str) -> dict[str, str]:
        return {**signed_headers(body, secret, timestamp=self.timestamp), **self.retry_headers}


def event_deliveries(*, retries: int = 1, reason: str = "http_timeout", now: int | None = None) -> list[Delivery]:
    """An event's first delivery and Slack's `retries` retries of it (at most 3), as the Events API makes them:
    each retry is a new request signed anew with its own timestamp (so its signature differs from the first's),
    with `X-Slack-Retry-Num` (1, 2, 3) and `X-Slack-Retry-Reason` (`http_timeout`: no 2xx within 3 s). Slack
    spaces them out (at once, 1 min, 5 min); here they are 3 s apart, the last one `now`, so all are fresh."""
    assert 0 <= retries <= 3, "Slack retries an event at most three times"
    last = int(time.time()) if now is None else now
    return [
        Delivery(
            last - 3 * (retries - attempt),
            {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason} if attempt else {},
        )
        for attempt in range(retries + 1)
    ]


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


def block_action(
    message: dict[str, Any],
    action_id: str,
    value: str | None = None,
    *,
    user: str,
    channel: str,
    response_url: str,
    channel_name: str = "",
    ephemeral: bool = False,
) -> dict[str, Any]:
    """What Slack sends when `user` clicks the element `action_id` in a bot's `message` (as Slack returns it:
    `fake.message(channel, ts).shown()`) in `channel`: a block_actions payload
    (docs.slack.dev/reference/interaction-payloads/block_actions-payload). A button sends its own value (`value`,
    when given, must be it); a static_select or overflow sends the option whose value is `value`. The element must
    be in the message, in an actions block or as a section's accessory, as it would be on screen. A click in an
    `ephemeral` message says so in its container and carries no copy of the message (Slack keeps none)."""
    found = [
        (block["block_id"], element)
        for block in message.get("blocks", [])
        for element in [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]
        if element.get("action_id") == action_id
    ]
    assert len(found) == 1, f"{len(found)} elements with action_id {action_id!r} in the message"
    block_id, element = found[0]
    action: dict[str, Any] = {
        "type": element["type"],
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if element["type"] == "button":
        assert value in (None, element.get("value")), f"the button's value is {element.get('value')!r}"
        action |= {"text": element["text"], **({"value": element["value"]} if "value" in element else {})}
    else:
        chosen = [option for option in element["options"] if option["value"] == value]
        assert chosen, f"no option with value {value!r} in {action_id!r}"
        action["selected_option"] = chosen[0]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0TEAM001"},
        "api_app_id": "A0APP",
        "token": "old-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": f"{int(time.time())}.1.{secrets.token_hex(16)}",
        "team": {"id": "T0TEAM001", "domain": "acme"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": channel_name or channel.lower()},
        **({} if ephemeral else {"message": message}),
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }


def view_submission(view: dict[str, Any], typed: dict[str, str | None], *, user: str = "U0KIM") -> dict[str, Any]:
    """What Slack sends when `user` submits the modal `view` (as the bot opened it) with `typed` in its
    plain_text_inputs (block id → text; None for one left empty, which Slack sends as `value: null`): a
    view_submission payload (docs.slack.dev/reference/interaction-payloads/view-interactions-payload). Each typed
    block must be an input of the view, its action_id the block's."""
    inputs = {
        block["block_id"]: block["element"]["action_id"]
        for block in view.get("blocks", [])
        if block.get("type") == "input" and block["element"]["type"] == "plain_text_input"
    }
    assert set(typed) <= set(inputs), f"no plain_text_input {sorted(set(typed) - set(inputs))} in the view"
    values = {block: {inputs[block]: {"type": "plain_text_input", "value": text}} for block, text in typed.items()}
    return {
        "type": "view_submission",
        "team": {"id": "T0TEAM001", "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0TEAM001"},
        "api_app_id": "A0APP",
        "token": "old-verification-token",
        "trigger_id": f"{int(time.time())}.1.{secrets.token_hex(16)}",
        "view": {
            **view,
            "id": f"V{secrets.token_hex(5).upper()}",
            "team_id": "T0TEAM001",
            "state": {"values": values},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }
