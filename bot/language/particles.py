"""Korean writes particles onto the word before them: `6시부터`, `2시간전까지`, `web-01의`, and `~` between two
times (`9시~오후`). Each becomes a word of its own, so the grammar reads Korean word by word as it reads English."""

from __future__ import annotations

from dataclasses import replace

from bot.language.timerange import parse_span
from bot.language.tokens import Kind, Token
from bot.language.words import AGO, FROM_SUFFIX, KOREAN_PARTICLES, UNTIL_SUFFIX


def split_particles(tokens: list[Token]) -> list[Token]:
    """The tokens with particles and `~` split off unquoted words (`6시부터` → `6시` `부터`)."""
    out: list[Token] = []
    for token in tokens:
        out.extend(_split(token) if not token.quoted and token.kind is Kind.WORD else [token])
    return out


def _split(token: Token) -> list[Token]:
    text = token.text
    if "~" in text and text != "~":
        head, _tilde, tail = text.partition("~")
        parts = [_piece(token, head, 0), _piece(token, "~", len(head)), _piece(token, tail, len(head) + 1)]
        return [p for part in parts if part.text for p in _split(part)]
    for suffix in (FROM_SUFFIX, UNTIL_SUFFIX):
        if text.endswith(suffix) and len(text) > len(suffix):
            return [*_split(_piece(token, text[: -len(suffix)], 0)), _piece(token, suffix, len(text) - len(suffix))]
    ago = AGO[-1]  # 전, written onto the length: 2시간전
    if text.endswith(ago) and len(text) > 1 and parse_span(text[:-1]) is not None:
        return [_piece(token, text[:-1], 0), _piece(token, ago, len(text) - 1)]
    if text[-1] in KOREAN_PARTICLES and len(text) > 1 and text[:-1].isascii():
        return [_piece(token, text[:-1], 0), _piece(token, text[-1], len(text) - 1)]
    return [token]


def _piece(token: Token, text: str, offset: int) -> Token:
    return replace(token, text=text, start=token.start + offset)
