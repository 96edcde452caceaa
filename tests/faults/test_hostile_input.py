"""Hostile input over real sockets: forged, stale, future, replayed and oversized requests; foreign thread
links; control characters. Each case: the fault, what the bot must do, and the check."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import httpx
import pytest

from bot.language.parse import ChartUsageError, parse_request
from bot.language.spec import ChartRequest, SaveRequest
from tests.slack_payloads import mention_event, signed_headers, slash_command
from tests.stacks import SECRET, BotStack


@pytest.mark.parametrize(
    ("case", "secret", "skew"),
    [
        ("forged signature", "guessed-secret", 0),
        ("stale timestamp (> 5 min old)", None, -310),
        ("future timestamp (> 5 min ahead)", None, 310),
    ],
)
async def test_refused_and_nothing_runs(stack: BotStack, case: str, secret: str | None, skew: int) -> None:
    signing: dict[str, object] = {"timestamp": int(time.time()) + skew}
    if secret:
        signing["secret"] = secret
    response = await stack.post_command("lag", **signing)  # type: ignore[arg-type]
    assert response.status_code == 401, case
    assert stack.sandbox.calls == {}
    assert stack.fake.posts == []


async def test_missing_headers_are_refused(stack: BotStack) -> None:
    body = urlencode(slash_command("lag", user="U1", channel="C1", response_url=stack.fake.response_url()))
    async with httpx.AsyncClient() as client:
        for headers in (
            {},
            {"X-Slack-Request-Timestamp": str(int(time.time()))},
            {"X-Slack-Signature": "v0=abc"},
            {"X-Slack-Request-Timestamp": "¹⁷⁰⁰⁰⁰⁰⁰⁰⁰".encode(), "X-Slack-Signature": "v0=abc"},  # isdigit() only
        ):
            response = await client.post(
                f"{stack.url}/slack/events",
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
            )
            assert response.status_code == 401
    assert stack.sandbox.calls == {}


async def test_a_replayed_request_inside_the_window_is_refused(stack: BotStack) -> None:
    """Slack's signatures stay valid five minutes; a captured request sent again must not run again."""
    body = json.dumps(mention_event("<@UBOT0001> lag", event_id="EvReplay"))
    stamp = int(time.time())
    first = await stack.post_signed(body, "application/json", timestamp=stamp)
    replay = await stack.post_signed(body, "application/json", timestamp=stamp)
    assert first.status_code == 200
    assert replay.status_code == 401
    assert replay.json() == {"error": "replayed request"}
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(5)
    assert len(stack.fake.posts) == 1


async def test_a_replayed_slash_command_is_refused(stack: BotStack) -> None:
    form = urlencode(slash_command("lag", user="U0KIM", channel="C0OPS", response_url=stack.fake.response_url()))
    stamp = int(time.time())
    assert (await stack.post_signed(form, "application/x-www-form-urlencoded", timestamp=stamp)).status_code == 200
    assert (await stack.post_signed(form, "application/x-www-form-urlencoded", timestamp=stamp)).status_code == 401
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(5)
    assert len(stack.fake.posts) == 1


async def test_an_oversized_body_is_refused(stack: BotStack) -> None:
    huge = urlencode(
        slash_command("lag " + "x" * 2_000_000, user="U0KIM", channel="C0OPS", response_url=stack.fake.response_url())
    )
    response = await stack.post_signed(huge, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert stack.sandbox.calls == {}


async def test_a_thread_link_into_another_workspace_is_refused(stack: BotStack) -> None:
    response = await stack.post_command("lag thread https://evil.slack.com/archives/C0123/p1700000000123456")
    assert response.json()["text"].startswith(
        "That message link is from evil.slack.com, not this workspace (acme.slack.com)"
    )
    assert stack.sandbox.calls == {}
    assert stack.fake.posts == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('lag title "Web\x00\x07 CPU"', "Web   CPU"),
        ('lag title "a\u202egnp.exe"', "agnp.exe"),  # a right-to-left override cannot reorder what people see
        ('lag title "zero\u200bwidth"', "zerowidth"),
    ],
)
def test_control_and_invisible_characters_never_reach_a_title(text: str, expected: str) -> None:
    request = parse_request(text)
    assert isinstance(request, ChartRequest)
    assert request.spec.title == expected


def test_saved_names_with_control_characters_or_too_long_are_refused() -> None:
    for name in ("web\x00cpu", "x" * 41, "web cpu", "ωeb"):
        with pytest.raises(ChartUsageError, match=r"cannot be a saved chart.s name|is a word of the chart language"):
            parse_request(f"save '{name}' lag")
    assert isinstance(parse_request("save web\u200b-cpu lag"), SaveRequest)  # invisible characters are dropped first


def _form(**fields: str) -> str:
    return urlencode(fields)


MALFORMED = [
    # (case, body, content type, what the refusal says)
    ("payload that is not JSON", _form(payload="{not json"), "application/x-www-form-urlencoded", "not a JSON object"),
    ("payload that is a JSON list", _form(payload="[1, 2]"), "application/x-www-form-urlencoded", "not a JSON object"),
    ("payload that is a JSON number", _form(payload="42"), "application/x-www-form-urlencoded", "not a JSON object"),
    ("truncated payload", _form(payload='{"type": "block_actions", "user": {"id"'), "application/x-www-form-urlencoded",
     "not a JSON object"),
    ("view submission without its view", _form(payload=json.dumps({"type": "view_submission", "user": {"id": "U0KIM"}})),
     "application/x-www-form-urlencoded", "without its view"),
    ("block actions without a user", _form(payload=json.dumps({"type": "block_actions", "actions": []})),
     "application/x-www-form-urlencoded", "without its user"),
    ("slash command without channel_id", _form(command="/chart", text="lag", user_id="U0KIM"),
     "application/x-www-form-urlencoded", "without channel_id"),
    ("a form that is nothing of Slack's", _form(hello="world"), "application/x-www-form-urlencoded", "neither"),
    ("JSON that is a list", "[]", "application/json", "not an object"),
    ("truncated JSON", '{"type": "event_callback", "event": {', "application/json", "not an object"),
    ("an event without its event", json.dumps({"type": "event_callback"}), "application/json", "without its event"),
    ("a mention without its channel", json.dumps(
        {"type": "event_callback", "event": {"type": "app_mention", "user": "U0KIM", "text": "lag", "ts": "1.2"}}
    ), "application/json", "app_mention without channel"),
    ("plain text", "lag 3h", "text/plain", "not a form or JSON"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "content_type", "said"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_a_malformed_signed_body_is_a_400_that_says_why(
    stack: BotStack, caplog: pytest.LogCaptureFixture, case: str, body: str, content_type: str, said: str
) -> None:
    response = await stack.post_signed(body, content_type)
    assert response.status_code == 400, case
    assert response.json()["error"] == "malformed request"
    assert said in response.json()["detail"]
    await stack.work.drain(5)
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"
    assert stack.sandbox.calls == {}


async def test_a_body_that_is_not_utf8_is_refused_signed_or_not(stack: BotStack) -> None:
    raw = b"command=%2Fchart&text=\xff\xfe&user_id=U0KIM&channel_id=C0OPS"
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    url = f"{stack.url}/slack/events"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp}
    signed_response = await stack.http.post(url, content=raw, headers={**headers, "X-Slack-Signature": signature})
    assert signed_response.status_code == 400
    assert "not UTF-8" in signed_response.json()["detail"]
    unsigned = await stack.http.post(url, content=raw, headers={**headers, "X-Slack-Signature": "v0=00"})
    assert unsigned.status_code == 401


async def test_a_bogus_charset_is_read_as_slacks_utf8(stack: BotStack) -> None:
    body = urlencode(slash_command("lag", user="U0KIM", channel="C0OPS", response_url=stack.fake.response_url()))
    response = await stack.post_signed(body, "application/x-www-form-urlencoded; charset=bogus")
    assert response.status_code == 200
    await stack.fake.wait_for(lambda: stack.fake.posts)


@pytest.mark.parametrize("stamp", ["9" * 4400, "1" * 13, "-1700000000", "1700000000.5", ""])
async def test_an_absurd_timestamp_is_a_401(stack: BotStack, stamp: str) -> None:
    body = urlencode(slash_command("lag", user="U0KIM", channel="C0OPS", response_url=stack.fake.response_url()))
    response = await stack.http.post(
        f"{stack.url}/slack/events",
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signed_headers(body, SECRET, timestamp=0)["X-Slack-Signature"],
        },
    )
    assert response.status_code == 401


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "GZIP", "br", "zstd"])
async def test_a_compressed_body_is_refused_before_it_is_inflated(stack: BotStack, encoding: str) -> None:
    """Slack sends plain bodies; a 1 MiB body that inflates to 1 GiB must cost nothing to refuse (issue 26)."""
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros in about 64 KB
    response = await stack.post_signed("", "application/x-www-form-urlencoded", headers={"Content-Encoding": encoding})
    assert response.status_code == 415
    raw = await stack.http.post(
        f"{stack.url}/slack/events",
        content=bomb,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": encoding},
    )
    assert raw.status_code == 415
    assert (await stack.http.get(f"{stack.url}/healthz")).json() == {"ok": True}
