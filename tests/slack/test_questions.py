"""A word with several readings, through the fake Slack and the sandbox: the asker gets the question privately with a
button a reading, on every typed road (a command, a mention, a thread); their click runs the reading's line as if
typed (the chart posts where the question was asked) and the question is replaced by what was picked; another
person's click, a second click and a button the bot did not write run nothing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.i18n import ENGLISH, KOREAN
from tests.fakes.slack import Ephemeral
from tests.slack_payloads import block_action, mention_event
from tests.stacks import BotStack

VS_CPU = "Virtual Server:CPU Usage/Core[Basic]"
DB_CPU = "PostgreSQL(DBaaS):CPU Usage"
THREAD = "1700000000.000100"


async def asked_by_command(stack: BotStack, text: str, *, user: str = "U0KIM") -> dict[str, Any]:
    """A slash command whose answer is a question: the question, as the response_url received it."""
    before = len(stack.fake.responses)
    await stack.post_command(text, user=user)
    await stack.fake.wait_for(lambda: len(stack.fake.responses) > before)
    question = stack.fake.responses[before]
    assert question["response_type"] == "ephemeral"
    assert question["replace_original"] is False
    return {"ts": "1700000999.000001", **question}  # a response_url's message: its ts is Slack's, not told to us


async def asked_by_mention(stack: BotStack, text: str, *, thread_ts: str | None, ts: str) -> Ephemeral:
    event = mention_event(f"<@UBOT0001> {text}", event_id=f"Ev{ts}", thread_ts=thread_ts, ts=ts)
    await stack.post_signed(json.dumps(event), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.ephemerals)
    (question,) = stack.fake.ephemerals
    return question


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """The question's buttons: (action_id, label)."""
    return [
        (element["action_id"], element["text"]["text"])
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def button_for(message: dict[str, Any], label: str) -> str:
    (action_id,) = [action for action, text in buttons(message) if text.endswith(label.split(":", 1)[1])]
    return action_id


async def pick(stack: BotStack, message: dict[str, Any], action_id: str, *, user: str = "U0KIM") -> str:
    """Click a button of the (ephemeral) question as `user`; returns the click's response_url."""
    response_url = stack.fake.response_url()
    payload = block_action(message, action_id, user=user, channel="C0OPS", response_url=response_url, ephemeral=True)
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response.text == ""
    return response_url


@pytest.mark.parametrize("meant", [VS_CPU, DB_CPU])
async def test_a_command_asks_with_buttons_and_a_pick_draws_that_reading(stack: BotStack, meant: str) -> None:
    question = await asked_by_command(stack, "show me the cpu over the last 6 hours please")
    assert "“cpu” could be 2 metrics" in question["text"]
    assert [label for _action, label in buttons(question)] == [
        "PostgreSQL(DBaaS): CPU Usage",
        f"{VS_CPU[:14]}: {VS_CPU[15:]}",
    ]
    assert stack.fake.posts == []  # nothing drawn until they pick
    await pick(stack, question, button_for(question, meant))
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    assert (post.channel, post.thread_ts) == ("C0OPS", None)
    assert post.comment.startswith(f"*{meant.split(':', 1)[1]}* · last 6 hours")  # the rest is the line as typed
    replaced = stack.fake.responses[-1]
    assert replaced["replace_original"] is True
    assert "blocks" not in replaced
    assert replaced["text"].startswith(f"Drawing {meant.split(':', 1)[0]}")


async def test_a_mention_in_a_thread_asks_there_and_the_pick_posts_in_that_thread(stack: BotStack) -> None:
    question = await asked_by_mention(stack, "memory 지난 3시간", thread_ts=THREAD, ts="1700000100.000200")
    assert (question.channel, question.user, question.thread_ts) == ("C0OPS", "U0KIM", THREAD)
    await pick(stack, question.shown(), button_for(question.shown(), "Virtual Server:Memory Usage[Basic]"))
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    assert (post.channel, post.thread_ts) == ("C0OPS", THREAD)
    assert "Memory Usage[Basic]" in post.comment


async def test_a_top_level_mention_asks_in_its_new_thread(stack: BotStack) -> None:
    question = await asked_by_mention(stack, "cpu", thread_ts=None, ts="1700000300.000400")
    assert question.thread_ts == "1700000300.000400"
    await pick(stack, question.shown(), button_for(question.shown(), DB_CPU))
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert [(p.channel, p.thread_ts) for p in stack.fake.posts] == [("C0OPS", "1700000300.000400")]


async def test_another_persons_click_runs_nothing(stack: BotStack) -> None:
    question = await asked_by_command(stack, "cpu 3h")
    await pick(stack, question, button_for(question, VS_CPU), user="U0LEE")
    await stack.fake.wait_for(lambda: len(stack.fake.responses) > 1)
    await stack.work.drain(5)
    refusal = stack.fake.responses[-1]
    assert "asked of <@U0KIM>" in refusal["text"]
    assert refusal["replace_original"] is False
    assert stack.fake.posts == []


async def test_a_second_click_on_the_same_question_draws_nothing_more(stack: BotStack) -> None:
    question = await asked_by_command(stack, "cpu 3h")
    await pick(stack, question, button_for(question, VS_CPU))
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await pick(stack, question, button_for(question, DB_CPU))
    await stack.fake.wait_for(lambda: "answered already" in stack.fake.responses[-1]["text"])
    await stack.work.drain(5)
    assert len(stack.fake.posts) == 1


async def test_a_button_the_bot_did_not_write_runs_nothing(stack: BotStack) -> None:
    question = await asked_by_command(stack, "cpu 3h")
    for block in question["blocks"]:
        for element in block.get("elements", []):
            element["value"] = element["value"].replace('"line":"', '"line":"schedule ')[:-10]
    await pick(stack, question, buttons(question)[0][0])
    await stack.fake.wait_for(lambda: "cannot read" in stack.fake.responses[-1]["text"])
    await stack.work.drain(5)
    assert stack.fake.posts == []


async def test_a_pick_settles_the_other_word_of_the_line_too(stack: BotStack) -> None:
    """`cpu + memory`: both words have two readings; once cpu is the database's, memory is read as its too."""
    question = await asked_by_command(stack, "cpu + memory 1h")
    assert "“cpu” could be 2 metrics" in question["text"]
    await pick(stack, question, button_for(question, DB_CPU))
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    assert post.comment.startswith("*CPU Usage · Memory Usage* · last 1h")


@pytest.mark.parametrize(("locale", "language"), [("en-US", ENGLISH), ("ko-KR", KOREAN)])
async def test_the_question_and_its_answer_speak_the_askers_language(
    stack: BotStack, locale: str, language: str
) -> None:
    stack.fake.user("U0KIM", locale=locale)
    question = await asked_by_command(stack, "cpu")
    said = {ENGLISH: ("could be 2 metrics", "Drawing "), KOREAN: ("메트릭이 2개예요", "그리는 중")}[language]
    assert said[0] in question["text"]
    await pick(stack, question, button_for(question, VS_CPU))
    await stack.fake.wait_for(lambda: stack.fake.responses[-1].get("replace_original") is True)
    assert said[1] in stack.fake.responses[-1]["text"]
