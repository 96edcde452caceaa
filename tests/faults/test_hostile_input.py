"""Hostile input over real sockets: forged, stale, future, replayed and oversized requests; foreign thread
links; control characters. Each case: the fault, what the bot must do, and the check."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import httpx
import pytest

from bot.language.parse import ChartUsageError, parse_request
from bot.language.spec import ChartRequest, SaveRequest
from tests.slack_payloads import mention_event, slash_command
from tests.stacks import BotStack


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
