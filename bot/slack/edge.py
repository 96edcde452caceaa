"""What HTTP mode checks of a request before anything reads it: the signature, on the raw bytes; then that the body
is text and has the shape of one of Slack's requests. A request that fails is refused with a 4xx that says why,
never handed on to raise."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

FORM = "application/x-www-form-urlencoded"
MAX_AGE = 5 * 60  # seconds: Slack's signatures are good for five minutes, either way
_TIMESTAMP_DIGITS = 12  # a Unix time in seconds has 10 digits until the year 2286


def signed(raw: bytes, timestamp: str, signature: str, secret: str, now: float) -> bool:
    """Whether `signature` is Slack's v0 signature of `raw` at `timestamp`, and `timestamp` within five minutes
    of `now` (https://docs.slack.dev/authentication/verifying-requests-from-slack/)."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= _TIMESTAMP_DIGITS):
        return False
    if abs(now - int(timestamp)) > MAX_AGE or not signature.startswith("v0="):
        return False
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}", signature)


def text_of(raw: bytes) -> str | None:
    """The body as text: Slack sends UTF-8 whatever the charset says; None when it is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def malformed(content_type: str, body: str) -> str | None:
    """Why `body` is none of Slack's requests (a slash command, an interaction's `payload`, an Events API callback),
    or None when it has the shape of one: the fields the bot reads are there, of the right kinds."""
    if content_type == FORM:
        form = dict(parse_qsl(body, keep_blank_values=True))
        if form.get("ssl_check"):  # Slack checking the certificate: Bolt answers it
            return None
        if "payload" in form:
            return _interaction_problem(_json_object(form["payload"]))
        if "command" in form:
            missing = [name for name in ("command", "user_id", "channel_id") if not form.get(name)]
            return f"a slash command without {', '.join(missing)}" if missing else None
        return "a form that is neither a slash command nor an interaction"
    if content_type == "application/json":
        return _event_problem(_json_object(body))
    return f"a body of type {content_type[:60] or 'none'}, not a form or JSON"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _interaction_problem(payload: dict[str, Any] | None) -> str | None:
    if payload is None:
        return "a payload that is not a JSON object"
    kind = payload.get("type")
    if not isinstance(kind, str):
        return "a payload without its type"
    user = payload.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        return f"a {kind[:40]} payload without its user"
    if kind in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        return f"a {kind} payload without its view"
    if kind == "block_actions" and not isinstance(payload.get("actions"), list):
        return "a block_actions payload without its actions"
    return None


def _event_problem(body: dict[str, Any] | None) -> str | None:
    if body is None:
        return "a JSON body that is not an object"
    kind = body.get("type")
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "a url_verification without its challenge"
    if kind == "app_rate_limited":  # Slack saying events were dropped: answered with a quiet 200
        return None
    if kind != "event_callback":
        return f"a JSON body of type {str(kind)[:40]}, not an event callback"
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "an event callback without its event"
    needs = {"app_mention": ("channel", "ts"), "app_home_opened": ("user",)}.get(event["type"], ())
    if needs:
        missing = [name for name in needs if not isinstance(event.get(name), str)]
        if missing:
            return f"an {event['type']} without {', '.join(missing)}"
    return None
