"""The time-window grammar: `last 3h`, `-PT3H`, `now-6h`, `since 09:00`, `from … to …`, `today`, ISO 8601.

Parsing gives an unresolved `Window`; `resolve_window` turns it into two aware datetimes against an
injected `now`, in the chart's timezone, so `today` and `09:00` mean the reader's local day and clock,
and a clock time inside a DST gap or overlap still gives one well-defined instant.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.durations import UNIT_SECONDS, format_duration
from bot.i18n import _

RETENTION_SECONDS = 455 * 86400  # ServiceWatch keeps metric data 15 months

UNIT_WORDS = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "초": "s", "분": "m", "시간": "h", "일": "d", "주": "w", "주일": "w",
}  # fmt: skip
# `2 months`, `3개월`: thirty days each (a calendar month is `last month`, read elsewhere).
MONTH_UNITS = frozenset({"months", "mo", "mos", "개월"})
MONTH_SECONDS = 30 * 86400
_COMPACT = re.compile(r"^(?:(\d{1,6})w)?(?:(\d{1,6})d)?(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,6})s)?$")
_ISO_DURATION = re.compile(r"^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$")
_SPELLED = re.compile(r"^(\d{1,6})([a-z]{2,7})$")  # 3hrs, 90mins, 2days
_KOREAN_SPAN = re.compile(r"^(?:(\d{1,6})주일?)?(?:(\d{1,6})일)?(?:(\d{1,6})시간)?(?:(\d{1,6})분)?(?:(\d{1,6})초)?$")
_KOREAN_MONTHS = re.compile(r"^(\d{1,3})(개월)$")
_KOREAN_CLOCK = re.compile(r"^(\d{1,2})시(?:(\d{1,2})분|(반))?$")
_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?$")
_CLOCK_SHAPE = re.compile(r"^\d{1,2}:\d{1,2}(?::\d{1,2})?(?:am|pm)?$|^\d{1,2}(?:am|pm)$|^\d{1,2}시(?:\d{1,2}분)?$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?$")
_CLOCK_RANGE = re.compile(r"^(\d{1,2}(?::\d{2})?(?:am|pm)?)[-–](\d{1,2}(?::\d{2})?(?:am|pm)?)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


class WindowError(ValueError):
    """A window that parses but cannot be drawn (in the future, reversed, older than the data kept)."""


# Points in time ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ago:
    """`now`, `now-6h`, `-6h`: so many seconds before now."""

    seconds: int = 0


@dataclass(frozen=True)
class Clock:
    """`09:00`, `9am`, `yesterday 09:00`: a wall-clock time on a day relative to today (None: the latest one)."""

    at: time
    days_back: int | None = None


@dataclass(frozen=True)
class OnDate:
    """`2026-11-27`, `2026-11-27 09:00`: a wall-clock time on a calendar date."""

    day: date
    at: time = time(0)


@dataclass(frozen=True)
class Instant:
    """An ISO time with its own offset (`…Z`, `…+09:00`): the chart's timezone does not change it."""

    moment: datetime


@dataclass(frozen=True)
class OnWeekday:
    """`monday 09:00`: a wall-clock time on the latest such weekday (today, when the time has come)."""

    weekday: int  # Monday is 0
    at: time = time(0)
    days_after: int = 0  # the end of `monday`: the day after it
    before_today: bool = False  # `last friday` said on a Friday: a week ago


@dataclass(frozen=True)
class CalendarStart:
    """`this week`, `last month`: the start of the calendar week (Monday 00:00) or month, `back` before this one."""

    unit: str  # "week" or "month"
    back: int = 0


@dataclass(frozen=True)
class Before:
    """`until 09:00`: so many seconds before another point (a window that names only its end)."""

    point: Point
    seconds: int


@dataclass(frozen=True)
class OnMonthDay:
    """`Dec 1`, `12월 1일 10시`: a wall-clock time on a month and day of the latest year in which it has come."""

    month: int
    day: int
    at: time = time(0)


@dataclass(frozen=True)
class After:
    """The end of `yesterday afternoon` or `Dec 1`: so many seconds after another point."""

    point: Point
    seconds: int


Point = Ago | Clock | OnDate | Instant | OnWeekday | CalendarStart | Before | OnMonthDay | After


@dataclass(frozen=True)
class Window:
    """From `start` to `end` (None: now); `text` is how the comment line says it (`last 3h`, `today`)."""

    start: Point
    end: Point | None
    text: str

    @property
    def span_hint(self) -> int | None:
        """The length in seconds when it does not depend on the clock (`last 3h`), else None."""
        if isinstance(self.start, Ago) and (self.end is None or isinstance(self.end, Ago)):
            return self.start.seconds - (self.end.seconds if isinstance(self.end, Ago) else 0)
        return None


def trailing(span: timedelta) -> Window:
    """The last `span` up to now (`last 3h`): the default window of a chart, or of a schedule (the time between
    runs); made from the value, never from its text read again."""
    seconds = int(span.total_seconds())
    return Window(Ago(seconds), None, f"last {format_duration(seconds)}")


# Words → durations and points ----------------------------------------------------------------------------


def parse_span(word: str) -> int | None:
    """Seconds in `3h`, `1h30m`, `90m`, `PT3H`, `P1D` (no sign); None when `word` is no duration."""
    text = word.strip()
    if not text:
        return None
    upper = text.upper()
    iso = _ISO_DURATION.match(upper)
    if iso and upper not in ("P", "PT") and not upper.endswith("T"):
        weeks, days, hours, minutes, seconds = (int(g or 0) for g in iso.groups())
        total = weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + seconds
        return total or None
    spelled = _SPELLED.match(text.lower()) or _KOREAN_MONTHS.match(text)
    if spelled and int(spelled.group(1)) and (unit := _unit_seconds(spelled.group(2))):
        return int(spelled.group(1)) * unit
    compact = _COMPACT.match(text.lower()) or _KOREAN_SPAN.match(text)
    if compact and any(compact.groups()):
        weeks, days, hours, minutes, seconds = (int(g or 0) for g in compact.groups())
        total = weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + seconds
        return total or None
    return None


def span_with_unit(number: str, unit: str) -> int | None:
    """Seconds in `24 hours`, `2 days` (a number word and a unit word); None when they are not that."""
    seconds = _unit_seconds(unit.lower())
    if seconds is None or not (number.isascii() and number.isdigit()) or int(number) == 0:
        return None
    return int(number) * seconds


def _unit_seconds(unit: str) -> int | None:
    if unit in MONTH_UNITS:
        return MONTH_SECONDS
    key = UNIT_WORDS.get(unit)
    return UNIT_SECONDS[key] if key else None


def unit_word(word: str) -> int | None:
    """Seconds in one unit word: `hour` → 3600 (for `last hour`)."""
    key = UNIT_WORDS.get(word.lower())
    return UNIT_SECONDS[key] if key and len(word) > 1 else None


def parse_clock(word: str, meridiem: str | None = None) -> time | None:
    """`09:00`, `9:30`, `9am`, `9:30pm`, `17:05:30`, `9시`, `9시30분`, `9시반` → a time; None otherwise.
    `meridiem` ("am"/"pm", from a word before it such as 오후) applies to an hour from 1 to 12."""
    korean = _KOREAN_CLOCK.match(word.strip())
    if korean:
        hour, minute = int(korean.group(1)), 30 if korean.group(3) else int(korean.group(2) or 0)
        return _with_meridiem(hour, minute, 0, meridiem)
    match = _CLOCK.match(word.strip().lower())
    if not match or (match.group(2) is None and match.group(4) is None):
        return None  # a bare number is not a time
    hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    if match.group(4) and meridiem:
        return None  # 오후 9pm
    return _with_meridiem(hour, minute, second, match.group(4) or meridiem)


def _with_meridiem(hour: int, minute: int, second: int, meridiem: str | None) -> time | None:
    if meridiem == "pm" and 13 <= hour <= 23:
        pass  # 오후 13시: the hour already says it
    elif meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def looks_like_a_date(word: str) -> bool:
    """`2026-02-30`, `2026-13-01T09:00`: written as a date, whether or not there is such a day."""
    return bool(_DATE_SHAPE.match(word.strip()))


def looks_like_a_clock(word: str) -> bool:
    """`25:00`, `13pm`, `9:75`, `25시`: written as a time of day, whether or not the clock shows it."""
    return bool(_CLOCK_SHAPE.match(word.strip().lower()))


def parse_clock_range(word: str) -> tuple[time, time] | None:
    """`09:00-12:00`, `9am-5pm` → two times; None otherwise."""
    match = _CLOCK_RANGE.match(word.strip().lower())
    if not match:
        return None
    said, second_said = match.group(1), match.group(2)
    second = parse_clock(second_said)
    first = parse_clock(said)
    meridiem = second_said[-2:] if second_said.endswith(("am", "pm")) else None
    if meridiem and not said.endswith(("am", "pm")):  # `1-3pm` is 13:00–15:00; `11-1pm` is 11:00–13:00
        carried = parse_clock(said + meridiem)
        first = carried if carried is not None and second is not None and carried < second else parse_clock(said + "am")
    if first is None or second is None:
        return None
    return first, second


def parse_iso(word: str) -> Point | None:
    """ISO 8601 dates and date-times: `2026-11-27`, `2026-11-27T09:00`, `2026-11-27T00:00:00Z`."""
    text = word.strip()
    try:
        if _ISO_DATE.match(text):
            return OnDate(date.fromisoformat(text))
        if _ISO_DATETIME.match(text):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is not None:
                return Instant(moment)
            return OnDate(moment.date(), moment.time())
    except ValueError:
        return None
    return None


def parse_ago(word: str) -> int | None:
    """`now` → 0, `now-6h` → 21600, `-6h` / `-PT6H` → 21600; None otherwise."""
    text = word.strip().lower()
    if text == "now":
        return 0
    if text.startswith("now-"):
        return parse_span(text[4:])
    if text.startswith("-") and len(text) > 1:
        return parse_span(text[1:])
    return None


# Resolution ---------------------------------------------------------------------------------------------------


def local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in `zone` shows `at` on `day`. A time the clock repeats (DST ends) is its first
    occurrence; a time the clock skips (DST starts) is read with the offset before the jump, so 02:30 becomes 03:30."""
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)


def _point(point: Point, now: datetime, zone: ZoneInfo, *, latest: bool) -> datetime:
    if isinstance(point, Ago):  # elapsed time: counted in UTC, since aware arithmetic in one zone is wall-clock
        return (now.astimezone(UTC) - timedelta(seconds=point.seconds)).astimezone(zone)
    if isinstance(point, Before):
        inner = _point(point.point, now, zone, latest=latest)
        return (inner.astimezone(UTC) - timedelta(seconds=point.seconds)).astimezone(zone)
    if isinstance(point, After):
        inner = _point(point.point, now, zone, latest=True)
        return (inner.astimezone(UTC) + timedelta(seconds=point.seconds)).astimezone(zone)
    if isinstance(point, Instant):
        return point.moment.astimezone(zone)
    if isinstance(point, OnMonthDay):
        year = now.year
        if local(date(year, point.month, min(point.day, 28)), time(0), zone) > now or (
            (point.month, point.day) > (now.month, now.day)
        ):
            year -= 1
        last_day = calendar.monthrange(year, point.month)[1]
        return local(date(year, point.month, min(point.day, last_day)), point.at, zone)
    if isinstance(point, OnDate):
        return local(point.day, point.at, zone)
    today = now.astimezone(zone).date()
    if isinstance(point, CalendarStart):
        return local(_calendar_start(today, point), time(0), zone)
    if isinstance(point, OnWeekday):
        day = today - timedelta(days=(today.weekday() - point.weekday) % 7)
        if local(day, point.at, zone) > now or (point.before_today and day == today):
            day -= timedelta(days=7)
        return local(day + timedelta(days=point.days_after), point.at, zone)
    if point.days_back is not None:
        return local(today - timedelta(days=point.days_back), point.at, zone)
    moment = local(today, point.at, zone)
    if latest and moment > now:  # `since 09:00` at 08:00 means yesterday's 09:00
        moment = local(today - timedelta(days=1), point.at, zone)
    return moment


def _calendar_start(today: date, point: CalendarStart) -> date:
    if point.unit == "week":
        return today - timedelta(days=today.weekday() + 7 * point.back)
    months = today.year * 12 + today.month - 1 - point.back
    return date(months // 12, months % 12 + 1, 1)


def resolve_window(window: Window, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The window as (start, end) in `zone`, checked: start before end, not in the future, within retention."""
    now = now.astimezone(zone)
    try:
        return _resolved(window, now, zone)
    except WindowError:
        raise
    except (OverflowError, ValueError):  # a date or length past what a calendar holds: `since 0001-01-01`
        raise WindowError(
            _("“{window}” reaches past any date ServiceWatch keeps (15 months); pick a window within them.").format(
                window=window.text[:80]
            )
        ) from None


def _resolved(window: Window, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = _point(window.start, now, zone, latest=True)
    if window.end is None:
        end = now
    elif isinstance(window.end, Clock) and window.end.days_back is None:
        # a bare clock time ends the window on the start's day, or the next when it is earlier: `from 22:00 to
        # 02:00` spans midnight. An end with a day or date of its own that comes first is an error (below).
        end = local(start.date(), window.end.at, zone)
        if end <= start:
            end = local(start.date() + timedelta(days=1), window.end.at, zone)
            if (end - start).total_seconds() > 12 * 3600:  # `from 14:00 to 12:00`, unlike `22:00 to 02:00`
                raise WindowError(reversed_message(window.text))
    else:
        end = _point(window.end, now, zone, latest=False)
    if start >= now:
        raise WindowError(
            _("“{window}” starts in the future ({start}); pick a time before now.").format(
                window=window.text, start=start.strftime("%Y-%m-%d %H:%M %Z")
            )
        )
    end = min(end, now)
    if end <= start:
        raise WindowError(reversed_message(window.text))
    if (now - start).total_seconds() > RETENTION_SECONDS:
        raise WindowError(
            _("“{window}” starts {day}, but ServiceWatch keeps only 15 months of data; pick a later start.").format(
                window=window.text, day=start.strftime("%Y-%m-%d")
            )
        )
    return start, end


def reversed_message(text: str) -> str:
    """What is said of a window that ends before it starts."""
    return _("“{window}” ends before it starts; put the earlier time first.").format(window=text)
