"""The SCP account commands' grammar, in English and Korean: `accounts` (`계정 목록`) and `use NAME` (`계정 사용
NAME`). A chart line names its account with the option `account NAME` (`계정 NAME`, bot/language/parse.py). Pure: tokens
in, a request out, or a UserError."""

from __future__ import annotations

from bot.errors import UserError
from bot.i18n import _
from bot.language.spec import AccountsRequest, Request, UseAccountRequest
from bot.language.tokens import Kind, Token
from bot.language.words import ACCOUNT_COMMANDS
from bot.servicewatch.accounts import check_account_name

_HEADS = frozenset(words[0] for words in ACCOUNT_COMMANDS)


def account_request(tokens: list[Token]) -> Request | None:
    """The account command `tokens` start with, read; None when they start with none (`계정` alone starts none: it
    is also the option word)."""
    if not tokens or not _is_word(tokens[0]) or tokens[0].text.lower() not in _HEADS:
        return None
    first = tokens[0].text.lower()
    second = tokens[1].text.lower() if len(tokens) > 1 and _is_word(tokens[1]) else ""
    if (first, second) in ACCOUNT_COMMANDS:
        command, used = ACCOUNT_COMMANDS[(first, second)], 2
    elif (first,) in ACCOUNT_COMMANDS:
        command, used = ACCOUNT_COMMANDS[(first,)], 1
    else:
        return None
    typed = " ".join(t.text for t in tokens[:used])
    rest = tokens[used:]
    if command == "accounts":
        if rest:
            raise UserError(_("`{word}` takes nothing after it; “{extra}” is extra.").format(word=typed, extra=rest[0]))
        return AccountsRequest()
    if len(rest) != 1 or not _is_word(rest[0]):
        raise UserError(
            _("`{word}` takes one account's name, e.g. `use prod` or `계정 사용 prod`; `accounts` lists them.").format(
                word=typed
            )
        )
    return UseAccountRequest(check_account_name(rest[0].text))


def _is_word(token: Token) -> bool:
    return token.kind is Kind.WORD and not token.quoted
