"""A question as a Slack message: its words, and a button for each reading. A button carries everything its pick
needs (who was asked, the line to run, where it goes, which question it answers), since an ephemeral message is
not kept by Slack and its click payload may hold no copy of it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.charts.steering import UnreadableButton
from bot.i18n import _
from bot.language.answers import Pick
from bot.markup import cut
from bot.router import Destination
from bot.slack.blocks import button, section
from bot.slack.limits import BUTTON_VALUE, LABEL

PICK_PREFIX = "pick_"


@dataclass(frozen=True)
class Picked:
    """What a clicked reading asks: run `line` for `asked` in `channel_id` (and `thread_ts`), once per `question`."""

    asked: str  # the user the question was asked of
    line: str
    label: str
    channel_id: str
    thread_ts: str | None
    question: str  # the same on every button of one question: the first pick answers it


def question_blocks(text: str, choices: Sequence[Pick], asked: str, destination: Destination) -> list[Block]:
    """The question's words, then one button a reading (a reading whose line is too long to carry has none)."""
    question = secrets.token_hex(8)
    buttons: list[ButtonElement] = []
    for number, choice in enumerate(choices):
        pick = Picked(asked, choice.line, choice.label, destination.channel_id, destination.thread_ts, question)
        value = _value(pick)
        if len(value) <= BUTTON_VALUE:
            buttons.append(button(cut(choice.label, LABEL, more="…"), f"{PICK_PREFIX}{number}", value=value))
    blocks: list[Block] = [section(text)]
    if buttons:
        blocks.append(ActionsBlock(block_id="pick", elements=buttons))
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
