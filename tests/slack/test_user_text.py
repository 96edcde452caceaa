"""What people type is text when the bot posts it (issue 26): a title, a label, a saved chart, a schedule's line or a
refused word holding Slack's control sequences (`<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`, another
person's `<@U…>`, a disguised `<https://…|…>`) reaches Slack escaped, through the fake Slack, on every road: a
command, a mention, a question's pick. Only the bot's own markup stays live: its mention of the asker, its links to
channels."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.console.outbox import plain
from bot.markup import MARK, cut, for_slack, slack_escape
from tests.slack.test_questions import asked_by_command, button_for, pick
from tests.slack_payloads import mention_event
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'
VS_CPU = "Virtual Server:CPU Usage/Core[Basic]"
ASKER = "<@U0KIM>"
HOSTILE = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S123|@oncall>",
    "<@U0LEE>",
    "<@U0LEE|lee>",
    "<https://evil.example/login|click>",
)
_SEQUENCE = re.compile(r"<[^<>]*>")


def rendered(stack: BotStack, acknowledgements: Sequence[dict[str, Any]] = ()) -> list[str]:
    """Every text Slack reads as mrkdwn of what the bot sent: messages' `text`, their mrkdwn blocks, an upload's
    comment, the response_urls' and the acknowledgements' words (plain_text and button values are never read so)."""
    texts: list[str] = []
    for call in stack.fake.calls:
        if call.method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            texts.append(str(call.params.get("text") or ""))
            texts += _mrkdwn(_blocks(call.params.get("blocks")))
        elif call.method == "files.completeUploadExternal":
            texts.append(str(call.params.get("initial_comment") or ""))
        elif call.method in ("views.publish", "views.open"):
            view = call.params.get("view")
            texts += _mrkdwn(json.loads(view) if isinstance(view, str) else view)
    for said in [*stack.fake.responses, *acknowledgements]:
        texts.append(str(said.get("text") or ""))
        texts += _mrkdwn(said.get("blocks"))
    return texts


def _blocks(blocks: object) -> object:
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def _mrkdwn(found: object) -> list[str]:
    if isinstance(found, list):
        return [text for item in found for text in _mrkdwn(item)]
    if not isinstance(found, dict):
        return []
    if found.get("type") == "mrkdwn":
        return [str(found.get("text", ""))]
    return [text for value in found.values() for text in _mrkdwn(value)]


def live_sequences(texts: list[str]) -> list[str]:
    """The control sequences Slack would act on in `texts`, but for the bot's own (its mention of the asker, its
    links to channels)."""
    return [s for text in texts for s in _SEQUENCE.findall(text) if s != ASKER and not s.startswith("<#C")]


async def ask(stack: BotStack, line: str) -> list[dict[str, Any]]:
    """`/chart line`, waited for; the acknowledgement when it said something."""
    acknowledged = await stack.post_command(line)
    await stack.work.drain(10)
    body = acknowledged.json() if acknowledged.content else {}
    return [body] if isinstance(body, dict) and body.get("text") else []


@pytest.mark.parametrize(
    ("surface", "lines", "shown"),
    [
        ("a typed chart's title", [f'{CPU} last 3h title "<!channel> for <@U0LEE>"'], "&lt;!channel&gt;"),
        ("a title with a disguised link", [f'{CPU} last 3h title "<https://evil.example|click>"'], "&lt;https"),
        ("a saved chart's text", [f'save web-cpu {CPU} last 3h title "<!everyone>"'], "&lt;!everyone&gt;"),
        ("the saved charts", [f'save web-cpu {CPU} last 3h title "<!here>"', "saved"], "&lt;!here&gt;"),
        ("a saved chart drawn", [f'save web-cpu {CPU} last 3h title "<!subteam^S1>"', "web-cpu 6h"], "&lt;!sub"),
        ("a schedule", [f'schedule {CPU} last 3h title "<!channel> daily" every day at 09:00'], "&lt;!channel&gt;"),
        ("the schedules", [f'schedule {CPU} title "<!here> daily" every day at 09:00', "schedules"], "&lt;!here&gt;"),
        ("a refusal quoting a quoted word", ['"<!channel>" last 3h'], "“&lt;!channel&gt;”"),
        ("a refusal quoting an escaped word", ["cpu &lt;!here&gt; 3h"], "“&lt;!here&gt;”"),
        ("a refusal quoting a metric's words", ["metrics &lt;@U0LEE&gt;"], "“&lt;@U0LEE&gt;”"),
    ],
)
async def test_typed_text_reaches_slack_escaped(stack: BotStack, surface: str, lines: list[str], shown: str) -> None:
    acknowledgements = [said for line in lines for said in await ask(stack, line)]
    texts = rendered(stack, acknowledgements)
    assert live_sequences(texts) == [], surface
    assert any(shown in text for text in texts), surface  # shown, as text
    assert not any(MARK in text for text in texts)  # the bot's own mentions went out as Slack's


async def test_a_mention_posts_a_title_as_text(stack: BotStack) -> None:
    event = mention_event(f'<@UBOT0001> {CPU} last 3h title "<!channel> <@U0LEE>"', event_id="EvTitle")
    await stack.post_signed(json.dumps(event), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(10)
    (post,) = stack.fake.posts
    assert post.thread_ts == "1700000100.000200"
    assert post.comment.startswith("*&lt;!channel&gt; &lt;@U0LEE&gt;* · last 3h")
    assert post.comment.count(ASKER) == 1  # the bot's own mention of the asker stays live
    assert live_sequences(rendered(stack)) == []


async def test_a_question_and_its_pick_echo_the_line_as_text(stack: BotStack) -> None:
    question = await asked_by_command(stack, 'cpu last 6h title "<!here>"')
    await pick(stack, question, button_for(question, VS_CPU))
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(10)
    picked = stack.fake.responses[-1]["text"]
    assert picked.startswith("Drawing Virtual Server")
    assert "&lt;!here&gt;" in picked
    assert live_sequences(rendered(stack)) == []


async def test_app_home_shows_saved_charts_and_schedules_as_text(stack: BotStack) -> None:
    await ask(stack, f'save web-cpu {CPU} last 3h title "<!channel>"')
    await ask(stack, f'schedule {CPU} title "<@U0LEE> daily" every day at 09:00')
    opened = {
        "token": "old",
        "team_id": "T0TEAM001",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": "EvHome",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": "U0KIM", "channel": "D0KIM", "tab": "home", "event_ts": "1.1"},
    }
    await stack.post_signed(json.dumps(opened), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.calls_to("views.publish"))
    home = _mrkdwn(_blocks(stack.fake.calls_to("views.publish")[0].params["view"]))
    assert any("`web-cpu` in <#C0OPS>:" in text and "&lt;!channel&gt;" in text for text in home)
    assert any("&lt;@U0LEE&gt; daily" in text for text in home)
    assert live_sequences(home) == []


def test_escaping_is_idempotent_and_keeps_the_bots_own_mentions() -> None:
    assert slack_escape("a & b <x> &amp; &lt;") == "a &amp; b &lt;x&gt; &amp; &lt;"
    assert slack_escape(slack_escape("<!channel> & co")) == slack_escape("<!channel> & co")
    assert for_slack(f"<@U1{MARK}> asked <@U2> in <#C1{MARK}>") == "<@U1> asked &lt;@U2&gt; in <#C1>"
    assert for_slack("a &amp; b", 5) == "a "  # never cut inside an entity
    assert for_slack(f"ab <@U1{MARK}>", 6) == "ab "  # nor inside a mention
    assert cut("a &amp; b", 5) == "a "  # the cut that for_slack makes, for any text
    assert cut("x" * 80, 75, more="…") == "x" * 74 + "…"  # within the limit, marked
    assert cut("short", 75, more="…") == "short"
    assert cut("a < b and a " + "x" * 80, 75) == ("a < b and a " + "x" * 80)[:75]  # a lone `<` is no mention
    assert plain(f"by <@U1{MARK}>: &lt;x&gt;") == "by @U1: <x>"  # the console shows the same words plainly


_PIECES = st.sampled_from(
    [
        CPU,
        "cpu",
        "lag",
        "web-cpu",
        "last 3h",
        "6h",
        "yesterday",
        "stat max",
        "resource=web-01",
        "every day at 09:00",
        "save",
        "schedule",
        "saved",
        "schedules",
        "forget",
        "metrics",
        "alerts",
        "watch",
        "help",
        "title",
        "label",
        "color",
        "tz",
        "account",
        "in",
        "since",
        "thread",
    ]
)
_INJECTED = st.sampled_from(HOSTILE).flatmap(
    lambda sequence: st.sampled_from([sequence, f'"{sequence}"', slack_escape(sequence), f'"x {sequence} y"'])
)


_TEMPLATES = st.sampled_from(
    [
        f"{CPU} last 3h title {{}}",
        f"{CPU} resource=web-01 label {{}} last 1h",
        f"save web-cpu {CPU} title {{}}",
        f"schedule {CPU} title {{}} every day at 09:00",
        "cpu {} 3h",
        "{} last 3h",
        "metrics {}",
        "alerts {}",
    ]
)
_LINES = st.builds(str.format, _TEMPLATES, _INJECTED) | st.lists(_PIECES | _INJECTED, min_size=1, max_size=7).map(
    " ".join
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_LINES.filter(lambda line: "<" in line or "&lt;" in line))
async def test_no_control_sequence_typed_is_sent_live(stack: BotStack, line: str) -> None:
    """Whatever line of the chat language holds, what the bot sends for it holds none of the sequences typed."""
    stack.fake.calls.clear()  # each example reads what its own line sent
    stack.fake.responses.clear()
    assert live_sequences(rendered(stack, await ask(stack, line))) == [], line
