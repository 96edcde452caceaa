"""What the bot's words may hold of Slack's mrkdwn, and how they are made safe to post.

The bot's answers are composed in layers shared by Slack, the console and the CLI, so by the time one reaches
Slack what people typed (a title, a label, a saved chart's name, a quoted word, a schedule's line) is already
joined with the bot's own words. So the Slack surface escapes all of every text it sends into mrkdwn (`&`, `<`
and `>`, as Slack's "Escaping text" asks: every control sequence, `<!channel>`, `<@U…>`, `<https://…|…>`, starts
with `<`), except the bot's own mentions of people and channels. Those are written with `mention` and `channel_link`
(or `marked` inside a template's `<@{…}>`), which put MARK before their `>`: an invisible character that no typed
line keeps (`bot.language.tokens.clean` drops it), so what people type can never pass for the bot's markup.

Escaping is idempotent (`&amp;`, `&lt;` and `&gt;` stay as they are), so a line kept as Slack sent it, or a piece
escaped already, is never escaped twice. The console and the CLI show the same words through `plain`."""

from __future__ import annotations

import re
from typing import Any

MARK = "\u2063"  # INVISIBLE SEPARATOR
_UNESCAPED = re.compile(r"&(?!(?:amp|lt|gt);)|<|>")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BOT_MADE = re.compile(rf"&lt;([@#][A-Z0-9]+){MARK}&gt;")
_BARE_MENTION = re.compile(r"<@([A-Z0-9]+)>")


def marked(slack_id: str) -> str:
    """A user's or channel's ID as the bot's own mention holds it (for a template's `<@{user}>`, `<#{channel}>`)."""
    return f"{slack_id}{MARK}"


def mention(user_id: str) -> str:
    """The bot's own mention of a person: `<@U123>` once posted."""
    return f"<@{marked(user_id)}>"


def channel_link(channel_id: str) -> str:
    """The bot's own link to a channel: `<#C123>` once posted."""
    return f"<#{marked(channel_id)}>"


def as_written(by: str) -> str:
    """Who asked, read back from a button the bot wrote: a bare `<@U123>` (a button made before MARK) as `mention`
    writes it; anything else as it is."""
    found = _BARE_MENTION.fullmatch(by)
    return mention(found.group(1)) if found else by


def slack_escape(text: str) -> str:
    """`&`, `<` and `>` as Slack's mrkdwn shows them literally; what is escaped already stays as it is."""
    return _UNESCAPED.sub(lambda found: _ENTITIES[found.group()], text)


def for_slack(text: str, limit: int | None = None) -> str:
    """`text` as it can be posted in mrkdwn: escaped but for the bot's own mentions (see the module's docstring),
    within `limit` characters, never cutting an entity or a mention in two."""
    safe = _BOT_MADE.sub(r"<\1>", slack_escape(text))
    if limit is None or len(safe) <= limit:
        return safe
    cut = safe[:limit]
    opened = max(cut.rfind("&"), cut.rfind("<"))
    if opened >= 0 and not re.match(r"&(?:amp|lt|gt);|<[^>]*>", safe[opened:limit]):
        cut = cut[:opened]
    return cut


def blocks_for_slack(blocks: Any) -> Any:
    """Blocks whose every mrkdwn text is `for_slack` (plain_text shows no markup and stays as it is)."""
    if isinstance(blocks, list):
        return [blocks_for_slack(item) for item in blocks]
    if not isinstance(blocks, dict):
        return blocks
    if blocks.get("type") == "mrkdwn" and isinstance(blocks.get("text"), str):
        return {**blocks, "text": for_slack(blocks["text"])}
    return {key: blocks_for_slack(value) for key, value in blocks.items()}


def unmarked(text: str) -> str:
    """`text` without MARK: what a terminal shows of the bot's own mentions."""
    return text.replace(MARK, "")
