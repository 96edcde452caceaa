"""Which page of a listing a line asks for: `saved page 2`, `saved 2`, `watches p 2`… in Korean `저장목록 2쪽`,
`감시 목록 2 페이지`. Pure: the words after the listing's command in, a page number out (or a UserError)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import UserError
from bot.i18n import _
from bot.language.words import PAGE_WORDS

_MAX_DIGITS = 6  # no listing has a million pages


def page_asked(words: Sequence[str], typed: str) -> int:
    """The page the words after `typed` (the listing's command) ask for; 1 when there are none."""
    if not words:
        return 1
    rest = [word.lower() for word in words]
    if rest[0] in PAGE_WORDS:
        rest = rest[1:]
    if len(rest) == 2 and rest[1] in PAGE_WORDS:
        rest = rest[:1]
    number = rest[0] if len(rest) == 1 else ""
    for suffix in PAGE_WORDS:
        number = number.removesuffix(suffix)
    if not (number.isascii() and number.isdigit() and len(number) <= _MAX_DIGITS and int(number) > 0):
        raise UserError(
            _("`{word}` takes only a page, e.g. `{word} page 2`; “{extra}” is extra.").format(
                word=typed, extra=" ".join(words)
            )
        )
    return int(number)
