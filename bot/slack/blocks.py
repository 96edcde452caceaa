"""Block Kit as the bot builds it: slack_sdk's models (`slack_sdk.models.blocks`, `.views`) made from texts cut to
Slack's limits first (bot/slack/limits.py, with `bot.markup.cut`), so what people typed never makes a payload fail
when it is made into Slack's dictionaries, with `sent` or `to_dict`, where it is sent. mrkdwn is made safe here
(`bot.markup.for_slack`); plain_text shows no markup and is only cut.

Every block, element and view the bot sends has its model in slack_sdk (section with an accessory, context, image by
`slack_file`, actions, divider, header, input; button with a confirm, static and external select, plain_text_input;
option; modal and home views), so none is written here, or anywhere, as a dictionary literal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)

from bot.markup import cut, for_slack
from bot.slack.limits import (
    CONFIRM_BUTTON,
    CONFIRM_TEXT,
    CONFIRM_TITLE,
    HEADER_TEXT,
    INPUT_HINT,
    INPUT_LABEL,
    INPUT_VALUE,
    LABEL,
    OPTION_VALUE,
    PLACEHOLDER,
    SECTION_TEXT,
    TEXT_OBJECT,
)


def plain(text: str, limit: int = LABEL, *, emoji: bool = True) -> PlainTextObject:
    """A plain_text object of `text` cut to `limit` (a button's or an option's text unless told). `emoji` False where
    the text may hold a metric's `namespace:name`, which Slack would otherwise read as `:emoji:` codes."""
    return PlainTextObject(text=cut(text, limit), emoji=emoji)


def mrkdwn(text: str, limit: int = TEXT_OBJECT) -> MarkdownTextObject:
    """A mrkdwn text object of `text` made safe and cut to `limit`."""
    return MarkdownTextObject(text=for_slack(text, limit))


def section(text: str, *, block_id: str | None = None, accessory: ButtonElement | None = None) -> SectionBlock:
    """A section of mrkdwn `text` (made safe, within a section's limit), with a button beside it when given."""
    return SectionBlock(text=mrkdwn(text, SECTION_TEXT), block_id=block_id, accessory=accessory)


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain(text, HEADER_TEXT))


def context(text: str, *, block_id: str | None = None) -> ContextBlock:
    """A line of small mrkdwn `text`."""
    return ContextBlock(elements=[mrkdwn(text)], block_id=block_id)


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    """A button; `value` as it is (a value longer than Slack's limit is the caller's to leave out: it cannot be cut)."""
    return ButtonElement(text=plain(text), action_id=action_id, value=value, style=style, confirm=confirm)


def confirmation(title: str, text: str, yes: str, no: str) -> ConfirmObject:
    """The dialog a button asks before it acts."""
    return ConfirmObject(
        title=plain(title, CONFIRM_TITLE),
        text=plain(text, CONFIRM_TEXT),
        confirm=plain(yes, CONFIRM_BUTTON),
        deny=plain(no, CONFIRM_BUTTON),
    )


def option(text: str, value: str, *, emoji: bool = True) -> Option:
    return Option(text=plain(text, emoji=emoji), value=cut(value, OPTION_VALUE))


def placeholder(text: str) -> PlainTextObject:
    """What a menu or a field shows until something is picked or typed."""
    return plain(text, PLACEHOLDER, emoji=False)


def field(
    block_id: str, label: str, element: InputInteractiveElement, *, hint: str = "", optional: bool = False
) -> InputBlock:
    """A form's field: `element` (a menu, a text input) under its `label`, with `hint` below it."""
    return InputBlock(
        block_id=block_id,
        label=plain(label, INPUT_LABEL, emoji=False),
        element=element,
        hint=plain(hint, INPUT_HINT, emoji=False) if hint else None,
        optional=optional or None,
    )


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    example: str = "",
    hint: str = "",
    optional: bool = False,
    max_length: int | None = None,
) -> InputBlock:
    """A form's one-line text field (its action_id is its block_id), pre-filled with `initial`, `example` shown in
    it while it is empty."""
    element = PlainTextInputElement(
        action_id=block_id,
        multiline=False,
        initial_value=cut(initial, INPUT_VALUE) if initial else None,
        placeholder=placeholder(example) if example else None,
        max_length=max_length,
    )
    return field(block_id, label, element, hint=hint, optional=optional)


def sent(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    """The blocks as Slack takes them: made (and checked against Slack's limits by slack_sdk) where they are sent."""
    return [block.to_dict() for block in blocks]


def parsed(blocks: Iterable[dict[str, Any]]) -> list[Block]:
    """Blocks Slack sent back (a message's own, to send again) as slack_sdk's models; any it does not know left out."""
    found = (Block.parse(block) for block in blocks)
    return [block for block in found if block is not None]
