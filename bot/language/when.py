"""WHEN: `every 15m`, `every hour`, `every day at 09:00`, `every weekday at 9am`, `every mon,wed at 18:00`, their
Korean (`15분마다`, `매일 오전 9시`, `평일 9시`, `매주 월요일 18시`; see `phrases`), and `cron "0 9 * * 1-5"` (standard
crontab: 0 and 7 are Sunday). Triggers come from APScheduler 3.11; run times, and how they are shown."""

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

from bot.errors import UserError
from bot.i18n import _, date_time, ngettext
from bot.language.timerange import Window, trailing
from bot.language.tokens import Token
from bot.language.when_phrases import read_when

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering: 0 (and 7) is Sunday
_FIELD_RANGES = {"minute": (0, 59), "hour": (0, 23), "day": (1, 31), "month": (1, 12)}


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
    """WHEN at `tokens[start]` (`every …`, `매일 …`, `15분마다`, `cron "…"` …); returns it and how many tokens it
    took."""
    if tokens[start].text.lower() == "cron" and not tokens[start].quoted:
        if start + 1 >= len(tokens):
            raise UserError(_('`cron` needs a quoted crontab line, e.g. `cron "0 9 * * 1-5"`.'))
        expression = tokens[start + 1].text
        return When(text=f'cron "{expression}"', cron=standard_cron(expression)), 2
    reading = read_when(tokens, start)
    text = " ".join(t.text for t in tokens[start : start + reading.used]).lower()
    return When(text=text, interval=reading.interval, cron=reading.cron), reading.used


def standard_cron(expression: str) -> str:
    """A five-field crontab line, checked, with days of week written as names (0 and 7 are Sunday)."""
    fields = expression.split()
    if len(fields) != 5:
        raise UserError(
            ngettext(
                "“{line}” has {count} field; a crontab line has five: minute hour day month weekday.",
                "“{line}” has {count} fields; a crontab line has five: minute hour day month weekday.",
                len(fields),
            ).format(line=expression, count=len(fields))
        )
    names = ("minute", "hour", "day", "month")
    minute, hour, day, month = (_check_field(value, name) for value, name in zip(fields[:4], names, strict=True))
    weekdays = _weekdays(fields[4])
    if day != "*" and not _yearly(day, month):
        if weekdays == "*":  # `0 0 30 2 *`: February has no 30th; `0 0 29 2 *` runs once in four years
            raise UserError(
                _(
                    "“{line}” runs less than once a year (days {day} of months {month}); a schedule runs at least "
                    "yearly. Pick a day every one of those months has, e.g. `0 9 1 {month} *`."
                ).format(line=expression, day=day, month=month)
            )
        if not _ever(day, month):  # `0 0 31 2 5`: crontab runs on either field; the day never comes, the weekday does
            day = "*"
    return " ".join([minute, hour, day, month, weekdays])


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February's 29th comes once in four years


def _yearly(day: str, month: str) -> bool:
    """Whether some day of the field comes in one of the months every year."""
    days, months = _numbers(day, 1, 31, "day"), _numbers(month, 1, 12, "month")
    return any(d <= _MONTH_DAYS[m - 1] for m in months for d in days)


def _ever(day: str, month: str) -> bool:
    """Whether some day of the field comes in one of the months at all (February 29th in a leap year)."""
    days, months = _numbers(day, 1, 31, "day"), _numbers(month, 1, 12, "month")
    return any(d <= (29 if m == 2 else _MONTH_DAYS[m - 1]) for m in months for d in days)


def _numbers(field: str, low: int, high: int, name: str, *, names: tuple[str, ...] = ()) -> list[int]:
    values: list[int] = []
    for part in field.split(","):
        base, _slash, step_text = part.partition("/")
        step = int(step_text) if step_text.isascii() and step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise UserError(
                _("“{part}” in the {field} field has a bad step; write it like */15.").format(
                    part=part, field=_field_name(name)
                )
            )
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _dash, b = base.partition("-")
            first, last = _value(a, name, names), _value(b, name, names)
        else:
            first = last = _value(base, name, names)
            if step:
                last = high
        if not (low <= first <= high and low <= last <= high) or first > last:
            raise UserError(
                _("“{part}” is outside the {field} field's {low}–{high}.").format(
                    part=part, field=_field_name(name), low=low, high=high
                )
            )
        values += list(range(first, last + 1, step or 1))
    return sorted(set(values))


def _value(text: str, name: str, names: tuple[str, ...]) -> int:
    if text.isascii() and text.isdigit():  # `²` is a digit to isdigit(), not to int()
        return int(text)
    if text.lower()[:3] in names:
        return names.index(text.lower()[:3])
    raise UserError(_("“{text}” is not a number in the {field} field.").format(text=text, field=_field_name(name)))


def _field_name(name: str) -> str:
    """A crontab field's name in the current language."""
    names = {"minute": _("minute"), "hour": _("hour"), "day": _("day of month"), "month": _("month")}
    return names.get(name, _("weekday"))


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
    """`Nov 27 09:00 KST, Nov 28 09:00 KST` as the current language writes dates and times."""
    return ", ".join(describe_time(t) for t in times)


def describe_time(moment: datetime, *, date: bool = True) -> str:
    """One time in its own zone, with the zone's abbreviation: `Nov 27 09:00 KST`, `11월 27일 09:00 KST`."""
    return f"{date_time(moment, date=date)} {moment.strftime('%Z')}".strip()


def default_window(when: When, trigger: BaseTrigger, now: datetime) -> Window:
    """The chart window of a schedule that names none: the time between runs (`every 15m` → `last 15m`)."""
    return trailing(timedelta(seconds=when.interval or int(shortest_gap(trigger, now, 20))))
