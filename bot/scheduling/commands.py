"""The schedule sub-commands' own grammar: `schedule CHART… WHEN [in #channel] [WINDOW]`, `follow CHART every
15m [for 4h]`, and `pause|resume|delete|run|next ID`, in English and Korean (`#ops에`, `#ops 채널에`, `2시간 동안`).
Pure: words in, a request out, or a UserError."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.i18n import _
from bot.language.channels import channel_at
from bot.language.timerange import parse_span, span_with_unit
from bot.language.tokens import Kind, Token, quote_word, tokenize
from bot.language.when import When, parse_when
from bot.language.when_phrases import did_you_mean, examples, starts_when
from bot.language.when_words import HEAD_WORDS

_KOREAN_SPAN = re.compile(r"^(?:(\d{1,6})일)?(?:(\d{1,6})시간)?(?:(\d{1,6})분)?(?:(\d{1,6})초)?$")


def schedule_usage() -> str:
    return _(
        "`schedule NAME|CHART… WHEN [in #channel] [WINDOW]`, e.g. `schedule web-cpu every day at 09:00 in #ops` "
        "or `schedule web-cpu 매일 오전 9시 #ops에`"
    )


@dataclass(frozen=True)
class NewScheduleRequest:
    chart_text: str
    when: When
    channel_id: str | None = None  # `in #channel`; None: where it was asked
    duration: int | None = None  # `for 4h` (follow)


def chart_text(tokens: list[Token]) -> str:
    """The chart's words, written back the way they read the same (quotes and links kept)."""
    return " ".join(
        quote_word(t.text) if t.quoted else f"<{t.text}>" if t.kind is Kind.LINK else t.text for t in tokens
    )


def parse_schedule(text: str, *, follow: bool = False) -> NewScheduleRequest:
    """`CHART… WHEN [in #channel] [WINDOW] [OPTIONS]` (and `[for DURATION]` when following)."""
    tokens = tokenize(text)
    at = next((i for i, t in enumerate(tokens) if _is_word(t) and starts_when(tokens, i)), None)
    what = "follow" if follow else "schedule"
    if at is None:
        hint = next((h for t in tokens if _is_word(t) and (h := did_you_mean(t.text, HEAD_WORDS))), "")
        raise UserError(
            _("`{what}` needs WHEN: {examples}.{hint} Usage: {usage}.").format(
                what=what, examples=examples(), hint=hint, usage=schedule_usage()
            )
        )
    if at == 0:
        raise UserError(
            _("`{what}` needs a chart before WHEN: a saved chart's name or metrics. Usage: {usage}.").format(
                what=what, usage=schedule_usage()
            )
        )
    when, used = parse_when(tokens, at)
    channel, duration, chart = _where_and_how_long(tokens[:at] + tokens[at + used :], follow=follow)
    if follow and when.interval is None:
        raise UserError(
            _(
                "`follow` takes how often and for how long, e.g. `follow lag every 15m for 4h` or "
                "`follow lag 15분마다 4시간 동안`."
            )
        )
    return NewScheduleRequest(chart_text=chart_text(chart), when=when, channel_id=channel, duration=duration)


def _is_word(token: Token) -> bool:
    return token.kind is Kind.WORD and not token.quoted


def _where_and_how_long(tokens: list[Token], *, follow: bool) -> tuple[str | None, int | None, list[Token]]:
    """`in #channel`, `#channel에`, `#channel 채널에`; `for 4h`, `4시간 동안` (follow); the rest is the chart's."""
    channel: str | None = None
    duration: int | None = None
    rest: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (named := channel_at(tokens, i)) is not None:
            channel, taken = named
            i += taken
        elif follow and (found := _duration(tokens, i)) is not None:
            duration, taken = found
            i += taken
        else:
            rest.append(token)
            i += 1
    return channel, duration, rest


def _duration(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """`for 4h`, `for 4 hours`, `4시간 동안`, `4시간동안`, `1시간 30분 동안` at `tokens[i]`: seconds, tokens taken."""
    words = [t.text if _is_word(t) else "" for t in tokens[i : i + 4]]
    if words[0].lower() == "for" and len(words) > 1:
        if span := parse_span(words[1]):
            return span, 2
        if len(words) > 2 and (span := span_with_unit(words[1], words[2])):
            return span, 3
        return None
    seconds = 0
    for taken, word in enumerate(words, start=1):
        glued = word.endswith("동안") and word != "동안"
        span = korean_span(word.removesuffix("동안")) if word != "동안" else None
        if word == "동안" and seconds:
            return seconds, taken
        if span is None:
            return None
        seconds += span
        if glued:
            return seconds, taken
    return None


def korean_span(word: str) -> int | None:
    """Seconds in `4시간`, `90분`, `1시간30분`, `2일`; None when `word` is not that."""
    match = _KOREAN_SPAN.match(word)
    if not word or match is None or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + seconds or None


def parse_schedule_id(words: tuple[str, ...], action: str) -> int:
    """`pause 12` / `pause #12` → 12."""
    number = words[0].lstrip("#") if len(words) == 1 else ""
    if not (number.isascii() and number.isdigit()):  # `²` is a digit to isdigit(), not to int()
        raise UserError(
            _("`{action}` takes a schedule's number, e.g. `{action} 12` (`schedules` lists them).").format(
                action=action
            )
        )
    return int(words[0].lstrip("#"))
