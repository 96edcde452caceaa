"""WHEN: `every 15m`, `every hour`, `every day at 09:00`, `every weekday at 9am`, `every mon,wed at 18:00`,
`cron "0 9 * * 1-5"` (standard crontab: 0 and 7 are Sunday). Triggers come from APScheduler 3.11."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.charts.timerange import parse_clock, parse_span, span_with_unit, unit_word
from bot.charts.tokens import Token
from bot.durations import format_duration
from bot.errors import UserError

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering: 0 (and 7) is Sunday
_DAY_WORDS = {
    **{name: name for name in DAY_NAMES},
    "sunday": "sun", "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
    "saturday": "sat", "tues": "tue", "thur": "thu", "thurs": "thu",
}  # fmt: skip
_GROUPS = {"day": "*", "weekday": "mon,tue,wed,thu,fri", "weekend": "sat,sun"}
_FIELD_RANGES = {"minute": (0, 59), "hour": (0, 23), "day": (1, 31), "month": (1, 12)}
EXAMPLES = '`every 15m`, `every day at 09:00`, `every weekday at 9am`, `every mon,wed at 18:00` or `cron "0 9 * * 1-5"`'


@dataclass(frozen=True)
class When:
    """How often a schedule runs: every `interval` seconds, or on a crontab (standard meaning)."""

    text: str
    interval: int | None = None
    cron: str | None = None  # five fields, days of week as names (`mon-fri` written out)

    def trigger(self, timezone: str, anchor: datetime) -> BaseTrigger:
        """The APScheduler trigger; intervals count from `anchor` (the first run one interval after it), so every
        replica agrees on the run times."""
        zone = ZoneInfo(timezone)
        if self.interval is not None:
            return IntervalTrigger(
                seconds=self.interval, start_date=anchor + timedelta(seconds=self.interval), timezone=zone
            )
        assert self.cron is not None
        return _cron_trigger(self.cron, timezone)


@functools.lru_cache(maxsize=4096)
def _cron_trigger(cron: str, timezone: str) -> BaseTrigger:
    """Crontab triggers hold no state, so schedules with the same line and zone share one (many run at 09:00)."""
    zone = ZoneInfo(timezone)
    minute, hour, day, month, dow = cron.split()
    if day != "*" and dow != "*":  # crontab: either field may match (APScheduler alone would need both)
        return OrTrigger(
            [
                CronTrigger(minute=minute, hour=hour, day=day, month=month, timezone=zone),
                CronTrigger(minute=minute, hour=hour, month=month, day_of_week=dow, timezone=zone),
            ]
        )
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow, timezone=zone)


def iter_run_times(trigger: BaseTrigger, after: datetime) -> Iterator[datetime]:
    """Run times at or after `after`, in order, for as long as the trigger has any. A wall-clock time the clock
    shows twice (the hour DST ends) runs once, at its first occurrence: `every day at 01:30` is one post a day."""
    previous: datetime | None = None
    moment = after
    wall_clock = isinstance(trigger, CronTrigger | OrTrigger)
    while (fire := trigger.get_next_fire_time(previous, moment)) is not None:
        if not (wall_clock and _second_occurrence(fire)):
            yield fire
        previous, moment = fire, fire.astimezone(UTC) + timedelta(microseconds=1)  # not wall-clock: keeps DST folds


def _second_occurrence(fire: datetime) -> bool:
    first = fire.replace(tzinfo=None).replace(tzinfo=fire.tzinfo, fold=0)
    return first.utcoffset() != fire.utcoffset()


def run_times(trigger: BaseTrigger, after: datetime, count: int) -> list[datetime]:
    """The next `count` run times at or after `after`."""
    return list(islice(iter_run_times(trigger, after), count))


def latest_run(trigger: BaseTrigger, now: datetime, within: timedelta) -> datetime | None:
    """The last run time in [now - within, now], or None: the run due now (older ones are given up, not replayed)."""
    last = None
    for fire in iter_run_times(trigger, now - within):
        if fire > now:
            break
        last = fire
    return last


def shortest_gap(trigger: BaseTrigger, after: datetime, samples: int = 60) -> float:
    """The shortest time between two runs over the next `samples` runs, in seconds."""
    times = run_times(trigger, after, samples)
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    return min(gaps) if gaps else float("inf")


def parse_when(tokens: list[Token], start: int) -> tuple[When, int]:
    """WHEN at `tokens[start]` (`every …` or `cron "…"`); returns it and how many tokens it took."""
    head = tokens[start].text.lower()
    if head == "cron":
        if start + 1 >= len(tokens):
            raise UserError('`cron` needs a quoted crontab line, e.g. `cron "0 9 * * 1-5"`.')
        expression = tokens[start + 1].text
        return When(text=f'cron "{expression}"', cron=standard_cron(expression)), 2
    words = [t.text for t in tokens[start + 1 :]]
    if not words:
        raise UserError(f"`every` needs how often, e.g. {EXAMPLES}.")
    first = words[0].lower()
    span = parse_span(first)
    if span is not None:
        return When(text=f"every {first}", interval=span), 2
    if len(words) > 1 and (span := span_with_unit(first, words[1])):
        return When(text=f"every {first} {words[1].lower()}", interval=span), 3
    if first in ("hour", "minute") or (first != "day" and unit_word(first) and first not in _GROUPS):
        seconds = unit_word(first)
        assert seconds is not None
        return When(text=f"every {first}", interval=seconds), 2
    days, used = _days(words)
    if used + 1 >= len(words) or words[used].lower() != "at":
        shown = " ".join(words[:used]) or first
        raise UserError(f"`every {shown}` needs a time: `every {shown} at 09:00`.")
    at = parse_clock(words[used + 1])
    if at is None:
        raise UserError(f"“{words[used + 1]}” is not a time of day; write it like 09:00 or 9am.")
    text = f"every {' '.join(words[:used]).lower()} at {words[used + 1].lower()}"
    return When(text=text, cron=f"{at.minute} {at.hour} * * {days}"), 1 + used + 2


def _days(words: list[str]) -> tuple[str, int]:
    """`day`, `weekday`, `weekend`, `mon,wed`, `monday wednesday` → crontab day names, and words used."""
    first = words[0].lower()
    if first in _GROUPS:
        return _GROUPS[first], 1
    names: list[str] = []
    used = 0
    for word in words:
        parts = [p for p in word.lower().replace("and", ",").split(",") if p]
        if not parts or not all(p in _DAY_WORDS for p in parts):
            break
        names += [_DAY_WORDS[p] for p in parts]
        used += 1
    if not names:
        raise UserError(f"“{words[0]}” is not how often; write one of {EXAMPLES}.")
    return ",".join(dict.fromkeys(names)), used


def standard_cron(expression: str) -> str:
    """A five-field crontab line, checked, with days of week written as names (0 and 7 are Sunday)."""
    fields = expression.split()
    if len(fields) != 5:
        raise UserError(
            f"“{expression}” has {len(fields)} fields; a crontab line has five: minute hour day month weekday."
        )
    names = ("minute", "hour", "day", "month")
    checked = [_check_field(value, name) for value, name in zip(fields[:4], names, strict=True)]
    return " ".join([*checked, _weekdays(fields[4])])


def _numbers(field: str, low: int, high: int, name: str, *, names: tuple[str, ...] = ()) -> list[int]:
    values: list[int] = []
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isascii() and step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise UserError(f"“{part}” in the {name} field has a bad step; write it like */15.")
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            first, last = _value(a, name, names), _value(b, name, names)
        else:
            first = last = _value(base, name, names)
            if step:
                last = high
        if not (low <= first <= high and low <= last <= high) or first > last:
            raise UserError(f"“{part}” is outside the {name} field's {low}–{high}.")
        values += list(range(first, last + 1, step or 1))
    return sorted(set(values))


def _value(text: str, name: str, names: tuple[str, ...]) -> int:
    if text.isascii() and text.isdigit():  # `²` is a digit to isdigit(), not to int()
        return int(text)
    if text.lower()[:3] in names:
        return names.index(text.lower()[:3])
    raise UserError(f"“{text}” is not a number in the {name} field.")


def _check_field(field: str, name: str) -> str:
    low, high = _FIELD_RANGES[name]
    _numbers(field, low, high, name)
    return field


def _weekdays(field: str) -> str:
    if field == "*":
        return "*"
    days = _numbers(field, 0, 7, "weekday", names=DAY_NAMES)
    return ",".join(dict.fromkeys(DAY_NAMES[d % 7] for d in days))


def describe_times(times: list[datetime]) -> str:
    """`Fri Nov 27 09:00 KST, …` (with seconds when a time has them)."""
    shape = "%a %b %d %H:%M:%S %Z" if any(t.second for t in times) else "%a %b %d %H:%M %Z"
    return ", ".join(t.strftime(shape) for t in times)


def default_window(when: When, trigger: BaseTrigger, now: datetime) -> str:
    """The chart window of a schedule that names none: the time between runs (`every 15m` → `last 15m`)."""
    seconds = when.interval or int(shortest_gap(trigger, now, 20))
    return format_duration(seconds)
