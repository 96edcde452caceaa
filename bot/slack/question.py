"""A question as a Slack message: its words, and a button for each reading. A button carries everything its pick
needs (who was asked, the line to run, where it goes, which question it answers), since an ephemeral message is
not kept by Slack and its click payload may hold no copy of it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.charts.steering import UnreadableButton
from bot.i18n import _
from bot.language.answers import Pick
from bot.router import Destination

PICK_PREFIX = "pick_"
MAX_VALUE = 2000  # a button's value
MAX_LABEL = 75  # a button's text
TEXT_LIMIT = 3000  # a section's text


@dataclass(frozen=True)
class Picked:
    """What a clicked reading asks: run `line` for `asked` in `channel_id` (and `thread_ts`), once per `question`."""

    asked: str  # the user the question was asked of
    line: str
    label: str
    channel_id: str
    thread_ts: str | None
    question: str  # the same on every button of one question: the first pick answers it


def question_blocks(text: str, choices: Sequence[Pick], asked: str, destination: Destination) -> list[dict[str, Any]]:
    """The question's words, then one button a reading (a reading whose line is too long to carry has none)."""
    question = secrets.token_hex(8)
    buttons = []
    for number, choice in enumerate(choices):
        pick = Picked(asked, choice.line, choice.label, destination.channel_id, destination.thread_ts, question)
        value = _value(pick)
        if len(value) <= MAX_VALUE:
            buttons.append(
                {
                    "type": "button",
                    "action_id": f"{PICK_PREFIX}{number}",
                    "text": {"type": "plain_text", "text": _label(choice.label), "emoji": True},
                    "value": value,
                }
            )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:TEXT_LIMIT]}}]
    if buttons:
        blocks.append({"type": "actions", "block_id": "pick", "elements": buttons})
    return blocks


def picked(action: dict[str, Any]) -> Picked:
    """The reading a button of `question_blocks` carries; UnreadableButton when it is not one the bot wrote."""
    try:
        data = json.loads(str(action.get("value") or ""))
        found = Picked(
            asked=data["by"],
            line=data["line"],
            label=data["label"],
            channel_id=data["in"],
            thread_ts=data.get("thread"),
            question=data["q"],
        )
    except (ValueError, KeyError, TypeError):
        found = None
    fields = (found.asked, found.line, found.label, found.channel_id, found.question) if found else ()
    if (
        found is None
        or not all(isinstance(f, str) and f for f in fields)
        or not isinstance(found.thread_ts, str | None)
    ):
        raise UnreadableButton(_("This button carries something the bot cannot read; nothing was done."))
    return found


def _value(pick: Picked) -> str:
    data = {"by": pick.asked, "line": pick.line, "label": pick.label, "in": pick.channel_id, "q": pick.question}
    if pick.thread_ts:
        data["thread"] = pick.thread_ts
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _label(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
