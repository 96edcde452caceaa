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

MARK = "\u2063"  # INVISIBLE SEPARATOR
_UNESCAPED = re.compile(r"&(?!(?:amp|lt|gt);)|<|>")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BOT_MADE = re.compile(rf"&lt;([@#][A-Z0-9]+){MARK}&gt;")
_BARE_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_SEQUENCE = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")  # what a cut must keep whole: an entity, a mention or a link


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
    within `limit` characters, never cutting an entity or a mention in two (`cut`)."""
    safe = _BOT_MADE.sub(r"<\1>", slack_escape(text))
    return safe if limit is None else cut(safe, limit)


def cut(text: str, limit: int, *, more: str = "") -> str:
    """`text` within `limit` characters (Slack's limits: bot/slack/limits.py), never cutting an entity (`&amp;`) or
    a mention (`<@U1>`) in two; when it is cut, it ends with `more` (an ellipsis), within the limit too."""
    if len(text) <= limit:
        return text
    room = max(limit - len(more), 0)
    kept = text[:room]
    opened = max(kept.rfind("&"), kept.rfind("<"))
    if opened >= 0 and (whole := _SEQUENCE.match(text, opened)) is not None and whole.end() > room:
        kept = kept[:opened]
    return kept + more


def unmarked(text: str) -> str:
    """`text` without MARK: what a terminal shows of the bot's own mentions."""
    return text.replace(MARK, "")
