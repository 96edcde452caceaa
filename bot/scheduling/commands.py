"""The schedule sub-commands' own grammar: `schedule CHART… WHEN [in #channel] [WINDOW]`, `follow CHART every
15m [for 4h]`, and `pause|resume|delete|run|next ID`. Pure: words in, a request out, or a UserError."""

from __future__ import annotations

from dataclasses import dataclass

from bot.charts.timerange import parse_span
from bot.charts.tokens import Kind, Token, quote_word, tokenize
from bot.errors import UserError
from bot.scheduling.when import EXAMPLES, When, parse_when

SCHEDULE_USAGE = (
    "`schedule NAME|CHART… WHEN [in #channel] [WINDOW]`, e.g. `schedule web-cpu every day at 09:00 in #ops`"
)


@dataclass(frozen=True)
class NewScheduleRequest:
    chart_text: str
    when: When
    channel_id: str | None = None  # `in #channel`; None: where it was asked
    duration: int | None = None  # `for 4h` (follow)


def _chart_text(tokens: list[Token]) -> str:
    return " ".join(
        quote_word(t.text) if t.quoted else f"<{t.text}>" if t.kind is Kind.LINK else t.text for t in tokens
    )


def parse_schedule(text: str, *, follow: bool = False) -> NewScheduleRequest:
    """`CHART… WHEN [in #channel] [WINDOW] [OPTIONS]` (and `[for DURATION]` when following)."""
    tokens = tokenize(text)
    at = next((i for i, t in enumerate(tokens) if not t.quoted and t.text.lower() in ("every", "cron")), None)
    what = "follow" if follow else "schedule"
    if at is None:
        raise UserError(f"`{what}` needs WHEN: {EXAMPLES}. Usage: {SCHEDULE_USAGE}.")
    if at == 0:
        raise UserError(
            f"`{what}` needs a chart before WHEN: a saved chart's name or metrics. Usage: {SCHEDULE_USAGE}."
        )
    when, used = parse_when(tokens, at)
    chart = tokens[:at]
    channel: str | None = None
    duration: int | None = None
    rest = tokens[at + used :]
    i = 0
    while i < len(rest):
        token = rest[i]
        word = token.text.lower() if token.kind is Kind.WORD and not token.quoted else ""
        following = rest[i + 1] if i + 1 < len(rest) else None
        if word == "in" and following is not None and following.kind is Kind.CHANNEL:
            channel = following.text
            i += 2
        elif word == "in" and following is not None and following.text.startswith("#"):
            raise UserError(
                f"“{following.text}” is not a channel link: type `#` and pick the channel from Slack's list, so it "
                "arrives as a link."
            )
        elif word == "for" and follow and following is not None and (span := parse_span(following.text)):
            duration = span
            i += 2
        else:
            chart.append(token)
            i += 1
    if follow and when.interval is None:
        raise UserError("`follow` takes `every` and a length, e.g. `follow lag every 15m for 4h`.")
    return NewScheduleRequest(chart_text=_chart_text(chart), when=when, channel_id=channel, duration=duration)


def parse_schedule_id(words: tuple[str, ...], action: str) -> int:
    """`pause 12` / `pause #12` → 12."""
    number = words[0].lstrip("#") if len(words) == 1 else ""
    if not (number.isascii() and number.isdigit()):  # `²` is a digit to isdigit(), not to int()
        raise UserError(f"`{action}` takes a schedule's number, e.g. `{action} 12` (`schedules` lists them).")
    return int(words[0].lstrip("#"))
