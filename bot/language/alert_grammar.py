"""The alert commands' own grammar, in English and Korean: `alerts [TEXT]` (`알림 [TEXT]`, `알림 목록 [TEXT]`),
`watch alerts [level high|middle|low] [TEXT] [nodata] [in #channel]` (`알림 감시 [심각도 높음|중간|낮음] [TEXT]
[데이터없음] [#채널에]`),
`watches` (`감시 목록`) and `unwatch ID` (`감시 해제 ID`). Pure: tokens in, a request out, or a UserError."""

from __future__ import annotations

from bot.errors import UserError
from bot.i18n import _
from bot.language.channels import channel_at
from bot.language.pages import page_asked
from bot.language.particles import split_particles
from bot.language.spec import AlertsRequest, Request, UnwatchRequest, WatchesRequest, WatchRequest
from bot.language.tokens import Kind, Token, quote_word
from bot.language.words import (
    ALERT_COMMANDS,
    ALERT_HEADS,
    ALERT_PHRASES,
    JOINING_WORDS,
    LEVEL_VALUES,
    LEVEL_WORDS,
    NO_DATA_WORDS,
)

_MAX_ID_DIGITS = 18  # a watch's number fits a 64-bit integer


def alert_usage() -> str:
    return _(
        "`alerts [TEXT]` · `watch alerts [level high|middle|low] [TEXT] [nodata] [in #channel]` · `watches` · "
        "`unwatch ID`, e.g. `watch alerts level high web-01 in #ops` or `알림 감시 심각도 높음 web-01 #ops에` "
        "(`nodata`: also say when an alert has no data)"
    )


def alert_request(tokens: list[Token], text: str) -> Request | None:
    """The alert command `tokens` (of the cleaned line `text`) start with, read; None when they start with none."""
    if not tokens or not _is_word(tokens[0]) or tokens[0].text.lower() not in ALERT_HEADS:
        return None
    first = tokens[0].text.lower()
    second = tokens[1].text.lower() if len(tokens) > 1 and _is_word(tokens[1]) else ""
    if (first, second) in ALERT_COMMANDS:
        command, used = ALERT_COMMANDS[(first, second)], 2
    elif (first,) in ALERT_COMMANDS:
        command, used = ALERT_COMMANDS[(first,)], 1
    else:  # `watch` or `감시` without what follows it
        raise UserError(
            _("“{word}” starts an alert command: {usage}.").format(word=tokens[0].text, usage=alert_usage())
        )
    typed = " ".join(t.text for t in tokens[:used])
    rest = tokens[used:]
    if command == "alerts":
        return AlertsRequest(_words(rest, typed))
    if command == "watches":
        return WatchesRequest(page_asked([t.text for t in rest], typed))
    if command == "unwatch":
        return UnwatchRequest(_watch_id(rest, typed))
    return _watch(rest, text[rest[0].start :].strip() if rest else "", typed)


def _watch(tokens: list[Token], text: str, typed: str) -> WatchRequest:
    """What follows `watch alerts`: `level X` (`심각도 X`, `level=X`), `nodata` (`데이터없음`), a channel, and words, in
    any order."""
    level: str | None = None
    no_data = False
    channel: str | None = None
    kept: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name, has_equals, value = token.text.partition("=")
        named = channel_at(tokens, i)
        if named is None and token.kind is Kind.CHANNEL:  # a bare link: nothing else it could mean
            named = token.text, 1
        if named is not None:
            if channel is not None and channel != named[0]:
                second = next(t for t in tokens[i : i + named[1]] if t.kind is Kind.CHANNEL)
                raise UserError(_("A watch posts to one channel; “{second}” is a second one.").format(second=second))
            channel, taken = named
            i += taken
        elif _is_word(token) and token.text.lower() in NO_DATA_WORDS:
            no_data, i = True, i + 1
        elif _is_word(token) and name.lower() in LEVEL_WORDS:
            if level is not None:
                raise UserError(_("`{word}` is given twice; keep one.").format(word=name))
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if has_equals:
                said, i = value, i + 1
            else:
                said, i = (following.text if following is not None and following.kind is Kind.WORD else ""), i + 2
            level = _level(said, name)
        else:
            kept.append(token)
            i += 1
    return WatchRequest(level=level, words=_words(kept, typed), channel_id=channel, text=text, no_data=no_data)


def _level(said: str, typed: str) -> str:
    if not said:
        raise UserError(
            _("`{word}` needs a level: high, middle or low (`{word} middle` watches middle and high).").format(
                word=typed
            )
        )
    level = LEVEL_VALUES.get(said.lower())
    if level is None:
        raise UserError(
            _("“{value}” is not a level; use high, middle or low (`{word} middle` watches middle and high).").format(
                value=said, word=typed
            )
        )
    return level


def _words(tokens: list[Token], command: str) -> tuple[str, ...]:
    """The words alerts are looked for by: as typed (a quoted phrase is one word), less joining words and particles
    (`cpu of web-01`, `web-01의 cpu`), which narrow nothing."""
    words: list[str] = []
    for token in split_particles(tokens):
        if token.kind is Kind.CHANNEL:
            raise UserError(
                _("“{channel}” is a channel; `{command}` looks for alerts by name, metric or resource.").format(
                    channel=token, command=command
                )
            )
        if token.kind is not Kind.WORD:
            raise UserError(
                _("“{word}” is no alert's name, metric or resource; leave it out.").format(
                    word=token if token.kind is Kind.USER else f"<{token.text}>"
                )
            )
        if token.quoted:
            if token.text.strip():
                words.append(token.text.strip())
        elif token.text.lower() not in (*JOINING_WORDS, "in"):
            words.append(token.text)
    return tuple(words)


def _watch_id(tokens: list[Token], typed: str) -> int:
    listing = ALERT_PHRASES["watches"][0 if typed.isascii() else 1]
    if not tokens:
        raise UserError(
            _("`{word}` takes a watch's number, e.g. `{word} 3` (`{listing}` lists them).").format(
                word=typed, listing=listing
            )
        )
    number = tokens[0].text.removeprefix("#") if _is_word(tokens[0]) else ""
    if len(tokens) > 1 or not (number.isascii() and number.isdigit() and len(number) <= _MAX_ID_DIGITS):
        given = " ".join(quote_word(t.text) if t.quoted else str(t) for t in tokens)
        raise UserError(
            _(
                "“{given}” is not a watch's number: `{word}` takes one, e.g. `{word} 3` (`{listing}` lists them)."
            ).format(given=given, word=typed, listing=listing)
        )
    return int(number)


def _is_word(token: Token) -> bool:
    return token.kind is Kind.WORD and not token.quoted
