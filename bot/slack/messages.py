"""What the Slack outbox sends, as Slack takes it: each message's text (its notification, made safe and within
Slack's limit: `bot.markup`, bot/slack/limits.py) and its blocks (slack_sdk's models, bot/slack/chart_message.py and
bot/slack/question.py), made into Slack's dictionaries where the message is sent (`Message.sent`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.models.blocks import Block

from bot.charts.service import RenderedChart
from bot.i18n import _
from bot.language.answers import Pick
from bot.markup import for_slack
from bot.router import Destination
from bot.slack.blocks import context, sent
from bot.slack.chart_message import chart_blocks, link_markup
from bot.slack.limits import MESSAGE_TEXT
from bot.slack.native_chart import NATIVE, without_native
from bot.slack.question import question_blocks


@dataclass(frozen=True)
class Message:
    """A message's text and, when it has them, its blocks."""

    text: str
    blocks: Sequence[Block] | None = None

    def sent(self, *, native: bool = True) -> dict[str, Any]:
        """`text` and `blocks` as chat.postMessage, chat.update, chat.postEphemeral and a response_url take them;
        without the chart drawn by Slack's clients and its table when `native` is False (bot/slack/native_chart.py)."""
        if self.blocks is None:
            return {"text": self.text, "blocks": None}
        blocks = sent(self.blocks)
        return {"text": self.text, "blocks": blocks if native else without_native(blocks)}

    @property
    def has_native(self) -> bool:
        """Whether the message holds blocks that a workspace's Slack may refuse (a native chart, a table)."""
        return any(str(block.block_id or "").startswith(NATIVE) for block in self.blocks or ())


def words(text: str, limit: int | None = None) -> Message:
    """A message of words alone (a note, a DM, a message everyone sees)."""
    return Message(for_slack(text, limit))


def chart_message(
    chart: RenderedChart,
    file_id: str | None,
    *,
    changed_by: str = "",
    above: Sequence[Block] = (),
    below: Sequence[Block] = (),
    text: str = "",
) -> Message:
    """A chart with its controls (`chart_blocks`; its image when `file_id`, a processed upload, is given), between
    the message's own blocks `above` and `below`; `text` for notifications, else the chart's comment."""
    blocks = chart_blocks(chart, file_id, changed_by=changed_by, above=above, below=below)
    return Message(for_slack(text or chart.comment, MESSAGE_TEXT), blocks)


def without_chart(text: str, above: Sequence[Block], below: Sequence[Block]) -> Message:
    """A chart message whose chart Slack has not processed in time: its own blocks alone (the chart follows)."""
    return Message(for_slack(text, MESSAGE_TEXT), [*above, *below])


def chart_again(chart: RenderedChart, file_id: str) -> Message:
    """A processed chart shown again, without controls."""
    return chart_message(replace(chart, view=None), file_id)


def private_chart(chart: RenderedChart, file_id: str) -> Message:
    """A processed chart without controls, for one person's eyes, saying so."""
    shown = chart_again(chart, file_id)
    note = context(_("Only you can see this chart; the buttons stay on the shared one."))
    return Message(shown.text, [*(shown.blocks or ()), note])


def question(text: str, choices: Sequence[Pick], asked: str, destination: Destination) -> Message:
    """A question asked of `asked`, a button for each reading (`bot.slack.question`)."""
    return Message(for_slack(text), question_blocks(text, choices, asked, destination))


def upload_comment(chart: RenderedChart) -> str:
    """The words above a chart shared as a plain upload (and its link, when it has one)."""
    comment = for_slack(chart.comment)
    return f"{comment}\n{link_markup(chart.link)}" if chart.link else comment
