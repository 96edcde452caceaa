"""Splitting what people type into words: quotes (straight and curly), Slack's escapes and entities."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.errors import UserError
from bot.i18n import _

_OPENING_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u201d": "\u201d", "\u2018": "\u2019", "\u2019": "\u2019"}
_CLOSING_QUOTES = {'"': '"', "'": "'", "\u201d": "\u201c\u201d", "\u2019": "\u2018\u2019"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # read as spaces
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")  # dropped
_SLACK_ESCAPE = re.compile(r"<([#@!]?)([^<>|]*)(?:\|([^<>]*))?>")


class Kind(StrEnum):
    WORD = "word"
    CHANNEL = "channel"  # <#C123|name>
    USER = "user"  # <@U123|name>
    LINK = "link"  # <https://…|text>


@dataclass(frozen=True)
class Token:
    """One word as typed: its text (unescaped), whether it was quoted, and what Slack said it is."""

    text: str
    quoted: bool = False
    kind: Kind = Kind.WORD
    label: str = ""  # the name Slack put after `|` in an escape
    start: int = field(default=0, compare=False)  # where it began in the line
    typed: str = field(default="", compare=False)  # what was typed, when a typo was read as `text`
    unsure: tuple[str, ...] = field(default=(), compare=False)  # a typo as near to each of these: read as typed

    def __str__(self) -> str:
        if self.kind is Kind.CHANNEL:
            return f"#{self.label or self.text}"
        if self.kind is Kind.USER:
            return f"@{self.label or self.text}"
        return self.text


def _is_quote_start(text: str, index: int) -> bool:
    """A quote opens a quoted word only at the start of a word or after a `+` (`lag+"Active Connections"`);
    `don't` keeps its apostrophe."""
    return text[index] in _OPENING_QUOTES and (index == 0 or text[index - 1].isspace() or text[index - 1] == "+")


def clean(text: str) -> str:
    """Control characters read as spaces; invisible and text-direction characters are dropped, so a name can
    neither hide nor reorder what people see."""
    return _INVISIBLE.sub("", _CONTROL.sub(" ", text))


def tokenize(text: str) -> list[Token]:
    """Split `text` (cleaned first, see `clean`) into tokens; raise UserError naming an unclosed quote."""
    text = clean(text)
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char == "<":
            escape = _SLACK_ESCAPE.match(text, i)
            if escape:
                tokens.append(_escape_token(escape, i))
                i = escape.end()
                continue
        if _is_quote_start(text, i):
            closers = _CLOSING_QUOTES.get(_OPENING_QUOTES[char], _OPENING_QUOTES[char])
            end = next((j for j in range(i + 1, n) if text[j] in closers), -1)
            if end < 0:
                following = text[i + 1 : i + 21].strip() or _("the end")
                raise UserError(
                    _("The quote {quote} before “{following}” is never closed; close it or remove it.").format(
                        quote=char, following=following
                    )
                )
            tokens.append(Token(html.unescape(text[i + 1 : end]), quoted=True, start=i))
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace() and not (text[j] == "<" and _SLACK_ESCAPE.match(text, j)):
            j += 1
            if j < n and text[j - 1] == "+" and _is_quote_start(text, j):
                break
        tokens.append(Token(html.unescape(text[i:j]), start=i))
        i = j
    return tokens


def _escape_token(match: re.Match[str], start: int) -> Token:
    sigil, target, label = match.group(1), match.group(2), html.unescape(match.group(3) or "")
    if sigil == "#":
        return Token(target, kind=Kind.CHANNEL, label=label, start=start)
    if sigil == "@":
        return Token(target, kind=Kind.USER, label=label, start=start)
    if sigil == "!":
        return Token(f"!{target}", label=label, start=start)
    return Token(html.unescape(target), kind=Kind.LINK, label=label, start=start)


def quote_word(word: str) -> str:
    """Write one shell argument so that `tokenize` reads it back as one word (cleaned, as every word is)."""
    word = clean(word)
    if word and not any(c.isspace() for c in word) and not _starts_with_quote(word):
        return word
    if word and _starts_with_quote(word) and _is_one_quoted_word(word):
        return word  # already quoted the way it would be typed in Slack
    if '"' not in word:
        return f'"{word}"'
    if "'" not in word:
        return f"'{word}'"
    raise UserError(
        _("{word} holds both kinds of quotes; the chart language cannot say that in one word.").format(word=repr(word))
    )


def _starts_with_quote(word: str) -> bool:
    return word[0] in _OPENING_QUOTES


def _is_one_quoted_word(word: str) -> bool:
    try:
        tokens = tokenize(word)
    except UserError:
        return False
    return len(tokens) == 1 and tokens[0].quoted and word[-1] in _CLOSING_QUOTES


def join_words(words: list[str]) -> str:
    """Re-join shell words so the line means what the same text typed in Slack means."""
    return " ".join(quote_word(word) for word in words)
