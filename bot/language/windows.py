"""The window words of a line, English and Korean: `last 3h`, `3 hours`, `2h ago`, `from 3h ago to 1h ago`,
`until 1h ago`, `yesterday 18:00`, `monday 09:00-12:00`, `this week`, `지난 3시간`, `어제 오후 6시부터`,
`오전 9시~오후 5시`, `2시간 전까지`, ISO 8601.

A range whose end is a bare clock time ends on its start's day, or on the next when that time is earlier
(`from 22:00 to 02:00` spans midnight); an end with its own day or date that comes before the start is refused."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.durations import format_duration
from bot.errors import UserError
from bot.i18n import _
from bot.language.lexicon import CLOCK_WORDS, DAY_PARTS, EARLY, MONTHS, PARTS_OF_DAY, WEEKDAY_SHORT
from bot.language.timerange import (
    After,
    Ago,
    Before,
    CalendarStart,
    Clock,
    Instant,
    OnDate,
    OnMonthDay,
    OnWeekday,
    Point,
    Window,
    looks_like_a_clock,
    looks_like_a_date,
    parse_ago,
    parse_clock,
    parse_clock_range,
    parse_iso,
    parse_span,
    reversed_message,
    span_with_unit,
    unit_word,
)
from bot.language.tokens import Kind, Token
from bot.language.words import (
    AGO,
    CALENDAR,
    CALENDAR_WORDS,
    DAYS_BACK,
    FILLERS,
    FROM,
    FROM_SUFFIX,
    LAST,
    MERIDIEMS,
    RANGE_JOINERS,
    SINCE,
    UNTIL,
    UNTIL_SUFFIX,
    WEEKDAYS,
)

_SLASHED = re.compile(r"^(1[0-2]|0?[1-9])/(3[01]|[12]\d|0?[1-9])$")
_KOREAN_MONTH = re.compile(r"^(1[0-2]|0?[1-9])월$")
_KOREAN_DAY = re.compile(r"^(3[01]|[12]\d|0?[1-9])일$")
_DAY_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?,?$")
_NIGHT = ("night", "밤", "tonight", "overnight")
UNTIL_SPAN = 3 * 3600  # `until 1h ago` draws the three hours before it
MIDNIGHT = time(0)


def word_at(tokens: list[Token], index: int) -> str | None:
    """The unquoted word at `index`, or None (past the end, quoted, a link or a mention)."""
    if index < len(tokens) and not tokens[index].quoted and tokens[index].kind is Kind.WORD:
        return tokens[index].text
    return None


def _low(tokens: list[Token], index: int) -> str | None:
    word = word_at(tokens, index)
    return word.lower() if word is not None else None


def _words(tokens: list[Token], i: int, count: int) -> str:
    """The words as typed: pieces split off one word (`6시부터`) are joined back without a space."""
    said = ""
    for index, token in enumerate(tokens[i : i + count]):
        previous = tokens[i + index - 1] if index else None
        glued = previous is not None and previous.start + len(previous.text) == token.start
        said += token.text if glued or not said else f" {token.text}"
    return said.lower()


def _last(seconds: int, typed: str = "", phrase: str = "") -> Window:
    """`last 3h`, said with the unit the person typed (`24h` stays `24h`; `-PT3H` becomes `3h`; `지난 3시간` stays)."""
    if phrase and not phrase.isascii():
        return Window(Ago(seconds), None, phrase)
    if typed and not typed.isascii():  # `3시간` alone: said in the words it was typed in
        return Window(Ago(seconds), None, f"지난 {typed}")
    said = typed.lower().lstrip("-").removeprefix("now-")
    if not said or said.startswith("p") or not said[0].isdigit() or not said.isascii():
        said = format_duration(seconds)
    return Window(Ago(seconds), None, f"last {said}")


def window_at(tokens: list[Token], i: int) -> tuple[Window, int] | None:
    """The window starting at token `i` and how many tokens it takes, or None when there is none."""
    found = _window_at(tokens, i)
    if found is None:
        return None
    window, used = found
    on_day = _on_day(window, tokens, i + used)  # `from 1pm until 3pm yesterday`
    if on_day is not None:
        window, more = on_day
        used += more
    if _low(tokens, i + used) in FILLERS:  # 지난 3시간 동안
        used += 1
    return window, used


def onto_day(day: Window, hours: Window) -> Window | None:
    """`yesterday` then `between 1pm and 3pm`: hours said after their day, moved onto it (None when `hours` are no
    bare hours or `day` is no whole day)."""
    start, end = hours.start, hours.end
    if not (isinstance(start, Clock) and start.days_back is None and isinstance(end, Clock) and end.days_back is None):
        return None
    if not ((isinstance(day.end, After) and day.end.seconds == 86400) or _whole_day(day)):
        return None
    moved = _at_time(day.start, start.at)
    return Window(moved, After(moved, _seconds_between(start.at, end.at)), f"{day.text} {hours.text}")


def _whole_day(window: Window) -> bool:
    start = window.start
    return (
        getattr(start, "at", None) == MIDNIGHT
        and isinstance(start, Clock | OnWeekday | OnMonthDay | OnDate)
        and (window.end is not None and not isinstance(window.end, Ago))
    )


def _on_day(window: Window, tokens: list[Token], i: int) -> tuple[Window, int] | None:
    """Hours said before their day (`1pm-3pm yesterday`, `9시~11시 어제`): the range moved onto that day."""
    start, end = window.start, window.end
    if not (isinstance(start, Clock) and start.days_back is None and isinstance(end, Clock)):
        return None
    at = i + 1 if _low(tokens, i) == "on" else i
    day = day_at(tokens, at)
    if day is None:
        return None
    moved, used = day
    length = _seconds_between(start.at, end.at)
    text = f"{window.text} {_words(tokens, i, at - i + used)}"
    return Window(_at_time(moved, start.at), After(_at_time(moved, start.at), length), text), at - i + used


def _seconds_between(first: time, second: time) -> int:
    seconds = (second.hour * 3600 + second.minute * 60) - (first.hour * 3600 + first.minute * 60)
    return seconds if seconds > 0 else seconds + 86400


def _at_time(point: Point, at: time) -> Point:
    if isinstance(point, Clock):
        return Clock(at, point.days_back)
    if isinstance(point, OnWeekday):
        return OnWeekday(point.weekday, at)
    if isinstance(point, OnMonthDay):
        return OnMonthDay(point.month, point.day, at)
    if isinstance(point, OnDate):
        return OnDate(point.day, at)
    return point


def day_at(tokens: list[Token], i: int) -> tuple[Point, int] | None:
    """A day at token `i`: `yesterday`, `어제`, `tuesday`, `Dec 1`, `12월 1일`, `11/24`, `2026-11-24` (its 00:00)."""
    low = _low(tokens, i)
    if low is None:
        return None
    if low in DAYS_BACK:
        return Clock(MIDNIGHT, DAYS_BACK[low]), 1
    if low in WEEKDAYS or (low in WEEKDAY_SHORT and low.isascii()):
        return OnWeekday(WEEKDAYS.get(low, WEEKDAY_SHORT.get(low, 0))), 1
    month_day = _month_day_at(tokens, i)
    if month_day is not None:
        return month_day
    found = parse_iso(low)
    if isinstance(found, OnDate) and found.at == MIDNIGHT:
        return found, 1
    return None


def _month_day_at(tokens: list[Token], i: int) -> tuple[Point, int] | None:
    """`Dec 1`, `December 1st`, `1 Dec`, `11/24`, `12월 1일` (a year before or after makes it a date)."""
    low, following = _low(tokens, i), _low(tokens, i + 1)
    if low is None:
        return None
    found: tuple[int, int, int] | None = None
    if low in MONTHS and following is not None and (day := _day_number(following)):
        found = (MONTHS[low], day, 2)
    elif following in MONTHS and (day := _day_number(low)):
        found = (MONTHS[following or ""], day, 2)
    elif (slashed := _SLASHED.match(low)) is not None:
        found = (int(slashed.group(1)), int(slashed.group(2)), 1)
    elif (
        (korean_month := _KOREAN_MONTH.match(low)) is not None
        and following
        and (korean_day := _KOREAN_DAY.match(following)) is not None
    ):
        found = (int(korean_month.group(1)), int(korean_day.group(1)), 2)
    if found is None:
        return None
    month, day, used = found
    year = _low(tokens, i + used) or ""
    year = year.removesuffix("년").rstrip(",")
    try:
        date(2024, month, day)  # a leap year: every day any year can have
    except ValueError:
        raise UserError(
            _("“{words}” is not a date: there is no such day.").format(words=_words(tokens, i, used))
        ) from None
    if len(year) == 4 and year.isascii() and year.isdigit():  # `²` is a digit to isdigit(), not to int()
        try:
            return OnDate(date(int(year), month, day)), used + 1
        except ValueError:
            raise UserError(
                _("“{words}” is not a date: there is no such day.").format(words=_words(tokens, i, used + 1))
            ) from None
    return OnMonthDay(month, day), used


def _day_number(word: str) -> int | None:
    match = _DAY_NUMBER.match(word)
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 31 else None


def _part_at(tokens: list[Token], i: int) -> tuple[Window, int] | None:
    """Parts of a day: `this morning`, `yesterday afternoon`, `tuesday evening`, `last night`, `tonight`, `어제 오후`,
    `오늘 아침`, `새벽`, `저녁`, `Dec 1 morning`. `오후` before an hour is no part of a day but an hour (`오후 3시`)."""
    low, following = _low(tokens, i), _low(tokens, i + 1)
    if low is None:
        return None
    if low in DAY_PARTS:
        back, part = DAY_PARTS[low]
        return _part(part, Clock(MIDNIGHT, back), _words(tokens, i, 1)), 1
    if low == "last" and following in _NIGHT:  # `last night`; `last overnight`, `last tonight`: the night before
        part = following if following in PARTS_OF_DAY else "night"
        return _part(part or "night", Clock(MIDNIGHT, 1), _words(tokens, i, 2)), 2
    if low in ("last", "지난") and following is not None and (following in WEEKDAYS or following in WEEKDAY_SHORT):
        weekday = OnWeekday(WEEKDAYS.get(following, WEEKDAY_SHORT.get(following, 0)), before_today=True)
        return Window(weekday, After(weekday, 86400), _words(tokens, i, 2)), 2
    if low in EARLY and following == "morning":
        return _part("새벽", Clock(MIDNIGHT, 0), _words(tokens, i, 2)), 2
    if low in ("this", "이번") and following in PARTS_OF_DAY:
        return _part(following or "", Clock(MIDNIGHT, 0), _words(tokens, i, 2)), 2
    day = day_at(tokens, i)
    if day is not None:
        point, used = day
        said = _low(tokens, i + used)
        if said in PARTS_OF_DAY and clock_at(tokens, i + used) is None:
            return _part(said or "", point, _words(tokens, i, used + 1)), used + 1
        if said in EARLY and _low(tokens, i + used + 1) == "morning":
            return _part("새벽", point, _words(tokens, i, used + 2)), used + 2
        return None
    if low in PARTS_OF_DAY and clock_at(tokens, i) is None:
        return _part(low, Clock(MIDNIGHT, None if low in _NIGHT else 0), _words(tokens, i, 1)), 1
    return None


def _part(part: str, day: Point, text: str) -> Window:
    """The hours of `part` (PARTS_OF_DAY) on `day`."""
    first, last = PARTS_OF_DAY[part]
    start = _at_time(day, time(first))
    return Window(start, After(start, (last - first) * 3600), text)


def _window_at(tokens: list[Token], i: int) -> tuple[Window, int] | None:
    word = word_at(tokens, i)
    if word is None:
        return None
    low = word.lower()
    following = _low(tokens, i + 1)
    part = _part_at(tokens, i)
    if part is not None:
        window, used = part
        if _low(tokens, i + used) == FROM_SUFFIX and _low(tokens, i + used + 2) != UNTIL_SUFFIX:  # 어젯밤부터
            return Window(window.start, None, _words(tokens, i, used + 1)), used + 1
        return part
    hours = parse_clock_range(low)
    if hours is not None:  # `9am-5pm`, `13:00-15:00`: the latest such hours
        return Window(Clock(hours[0]), Clock(hours[1]), word.lower()), 1
    if low in CALENDAR_WORDS:
        return _calendar(*CALENDAR_WORDS[low], word), 1
    if following is not None and (low, following) in CALENDAR:
        return _calendar(*CALENDAR[(low, following)], _words(tokens, i, 2)), 2
    if low in LAST:
        return _last_phrase(tokens, i)
    part = _part_at(tokens, i + 1) if low in (*SINCE, *FROM) else None
    if part is not None and _low(tokens, i + 1 + part[1]) not in (*UNTIL, "to", "-", "~", "and"):
        window, used = part  # `since last night`: from its start; `from last night`: the part itself
        text = _words(tokens, i, 1 + used)
        return (Window(window.start, None, text) if low in SINCE else Window(window.start, window.end, text)), 1 + used
    if low in SINCE:
        start, used = _needed_point(tokens, i + 1, word, "since 09:00")
        return Window(start, None, _words(tokens, i, 1 + used)), 1 + used
    if low in FROM:
        start, used = _needed_point(tokens, i + 1, word, f"{low} 09:00 to 12:00")
        return _continued(tokens, i, start, 1 + used, open_ended=True)
    if low in UNTIL:
        end, used = _needed_point(tokens, i + 1, word, "until 1h ago")
        return _until(end, _words(tokens, i, 1 + used)), 1 + used
    day_range = _day_range(tokens, i)
    if day_range is not None:
        return day_range
    if "/" in word and not _SLASHED.match(low):
        return _iso_interval(word)
    point = point_at(tokens, i)
    if point is not None:
        return _continued(tokens, i, point[0], point[1], open_ended=False)
    span = parse_span(word)
    if span is not None:
        return _last(span, word), 1
    after = word_at(tokens, i + 1)
    if after is not None and (span := span_with_unit(word, after)):
        return _last(span, phrase=_words(tokens, i, 2)) if not after.isascii() else _spelled(span, word, after), 2
    _refuse_misshapen(word)
    return None


def _spelled(seconds: int, number: str, unit: str) -> Window:
    return Window(Ago(seconds), None, f"last {number} {unit.lower()}")


def _calendar(unit: str, back: int, text: str) -> Window:
    end = CalendarStart(unit, back - 1) if back else None
    return Window(CalendarStart(unit, back), end, text.lower())


def _last_phrase(tokens: list[Token], i: int) -> tuple[Window, int]:
    word = tokens[i].text
    following = word_at(tokens, i + 1)
    if following is None:
        raise UserError(_("`{word}` needs a length, e.g. `{word} 3h`.").format(word=word))
    span = parse_span(following)
    if span:
        return _last(span, following, _words(tokens, i, 2)), 2
    span = unit_word(following)
    if span:
        return _last(span, phrase=_words(tokens, i, 2)), 2
    after = word_at(tokens, i + 1 + 1)
    if after is not None and (span := span_with_unit(following, after)):
        if not after.isascii():
            return _last(span, phrase=_words(tokens, i, 3)), 3
        return _spelled(span, following, after), 3
    raise UserError(
        _("“{words}” is not a length of time; write it like `{word} 3h`, `{word} 2 days` or `지난 3시간`.").format(
            words=f"{word} {following}", word=word
        )
    )


def _hour_at(tokens: list[Token], i: int) -> tuple[Point, int] | None:
    """After `since`, `from`, `between`, `to`: a point, or a bare hour (`since 8`, `between 9 and 11`)."""
    found = point_at(tokens, i)
    if found is not None:
        return found
    word = _low(tokens, i)
    if word is not None and word.isascii() and word.isdigit() and int(word) <= 24:
        return Clock(time(int(word) % 24)), 1
    return None


def _needed_point(tokens: list[Token], i: int, word: str, example: str) -> tuple[Point, int]:
    point = _hour_at(tokens, i)
    if point is None:
        following = word_at(tokens, i)
        if following is not None:
            _refuse_misshapen(following)
        raise UserError(
            _("`{word}` needs a time, e.g. `{example}`, `{word} yesterday 18:00` or `{word} 2026-11-27`.").format(
                word=word, example=example
            )
        )
    return point


def _continued(tokens: list[Token], i: int, start: Point, used: int, *, open_ended: bool) -> tuple[Window, int]:
    """What follows a start point: `to`/`~`/`-` and an end, `부터` (and an end with `까지`), `까지`, or nothing."""
    joiner = _low(tokens, i + used)
    if joiner in (FROM_SUFFIX, "에서") and (joiner == FROM_SUFFIX or _low(tokens, i + used + 2) == UNTIL_SUFFIX):
        used += 1
        end = point_at(tokens, i + used)
        if end is not None and _low(tokens, i + used + end[1]) == UNTIL_SUFFIX:
            finish = _whole_day_end(_carried(start, end[0], tokens, i + used, end[1]))
            return _range(start, finish, _words(tokens, i, used + end[1] + 1)), used + end[1] + 1
        return Window(start, None, _words(tokens, i, used)), used
    if joiner in RANGE_JOINERS:
        end = _hour_at(tokens, i + used + 1)
        if end is None:
            following = word_at(tokens, i + used + 1)
            if following is not None:
                _refuse_misshapen(following)
            raise UserError(
                _("`{word}` needs a time after it, e.g. `to 12:00` or `to now`.").format(word=tokens[i + used].text)
            )
        total = used + 1 + end[1]
        if _low(tokens, i + total) == UNTIL_SUFFIX:
            total += 1
        finish = _whole_day_end(_carried(start, end[0], tokens, i + used + 1, end[1]))
        return _range(start, finish, _words(tokens, i, total)), total
    if joiner == UNTIL_SUFFIX:
        return _until(start, _words(tokens, i, used + 1)), used + 1
    return _alone(tokens, i, start, used, open_ended=open_ended), used


def _alone(tokens: list[Token], i: int, start: Point, used: int, *, open_ended: bool) -> Window:
    """A point with nothing after it: `yesterday` and `monday` are whole days, `2026-11-27` too, `-3h` is the
    last 3h; any other point is where the window starts (`yesterday 18:00`, `2h ago`, `09:00`)."""
    word = tokens[i].text
    if not open_ended and used == 1:
        low = word.lower()
        if isinstance(start, Clock) and low in DAYS_BACK:
            back = DAYS_BACK[low]
            return Window(start, Clock(MIDNIGHT, back - 1) if back else None, low)
        if isinstance(start, OnWeekday):
            return Window(start, OnWeekday(start.weekday, MIDNIGHT, days_after=1), low)
        if isinstance(start, OnDate) and start.at == MIDNIGHT and "T" not in word.upper():
            return Window(start, OnDate(start.day + timedelta(days=1)), word)
        if isinstance(start, Ago) and low not in ("now", "지금"):
            return _last(start.seconds, word)
        if isinstance(start, OnDate | Instant):
            return Window(start, None, f"since {word}")
    if not open_ended and isinstance(start, OnMonthDay) and start.at == MIDNIGHT:
        return Window(start, After(start, 86400), _words(tokens, i, used))
    return Window(start, None, _words(tokens, i, used))


def _whole_day_end(end: Point) -> Point:
    """`from Dec 1 to Dec 7`, `월요일부터 수요일까지`: a day with no hour ends a range at its end, not its start."""
    if isinstance(end, OnMonthDay | OnWeekday) and end.at == MIDNIGHT:
        return After(end, 86400)
    if isinstance(end, OnDate) and end.at == MIDNIGHT:
        return OnDate(end.day + timedelta(days=1))
    if isinstance(end, Clock) and end.at == MIDNIGHT and end.days_back is not None:  # `오늘까지`
        return Clock(MIDNIGHT, end.days_back - 1)
    return end


def _carried(start: Point, end: Point, tokens: list[Token], i: int, used: int) -> Point:
    """`오후 2시~4시`, `2pm to 4`: the afternoon said of the start holds for a bare end hour that would otherwise fall
    before it (14:00–16:00, not 14:00–04:00 the next day)."""
    said = _words(tokens, i, used)
    if not isinstance(end, Clock) or end.days_back is not None or any(m in said for m in (*MERIDIEMS, "am", "pm")):
        return end
    first = getattr(start, "at", None)
    if isinstance(first, time) and first.hour >= 12 and end.at.hour < 12 and time(end.at.hour + 12) > first:
        return Clock(time(end.at.hour + 12, end.at.minute), None)
    return end


def _range(start: Point, end: Point, text: str) -> Window:
    """A window from `start` to `end`, refused here when the words alone show it runs backwards."""
    if _runs_backwards(start, end):
        raise UserError(reversed_message(text))
    return Window(start, end, text)


def _runs_backwards(start: Point, end: Point) -> bool:
    if isinstance(start, Ago) and isinstance(end, Ago):
        return start.seconds <= end.seconds
    if isinstance(start, OnDate) and isinstance(end, OnDate):
        return (start.day, start.at) >= (end.day, end.at)
    if isinstance(start, Instant) and isinstance(end, Instant):
        return start.moment >= end.moment
    if isinstance(start, Clock) and isinstance(end, Clock) and None not in (start.days_back, end.days_back):
        return (-(start.days_back or 0), start.at) >= (-(end.days_back or 0), end.at)
    return False


def _until(end: Point, text: str) -> Window:
    """`until 1h ago`, `2시간 전까지`: the three hours before that end."""
    if isinstance(end, Ago):
        return Window(Ago(end.seconds + UNTIL_SPAN), end, text)
    return Window(Before(end, UNTIL_SPAN), end, text)


def _day_range(tokens: list[Token], i: int) -> tuple[Window, int] | None:
    """`yesterday 9am-5pm`, `monday 09:00-12:00`, `어제 09:00~12:00`: hours of one day (the end past midnight
    when it is earlier than the start)."""
    day = day_at(tokens, i)
    if day is None:
        return None
    point, used = day
    following = word_at(tokens, i + used)
    hours = parse_clock_range(following) if following is not None else None
    if hours is None:
        return None
    first, second = hours
    text = _words(tokens, i, used + 1)
    low = _low(tokens, i) or ""
    if not isinstance(point, Clock) or low not in DAYS_BACK:
        start = _at_time(point, first)
        return Window(start, After(start, _seconds_between(first, second)), text), used + 1
    if low in WEEKDAYS:
        return Window(OnWeekday(WEEKDAYS[low], first), Clock(second), text), 2
    back = DAYS_BACK[low]
    return Window(Clock(first, back), Clock(second, back if second > first else back - 1), text), 2


def point_at(tokens: list[Token], i: int) -> tuple[Point, int] | None:
    """The point in time starting at token `i` and how many tokens it takes, or None."""
    word = word_at(tokens, i)
    if word is None:
        return None
    low = word.lower()
    ago = parse_ago(word)
    if ago is not None:
        return Ago(ago), 1
    if low == "지금":
        return Ago(0), 1
    if low in DAYS_BACK or low in WEEKDAYS:
        clock = clock_at(tokens, i + 1)
        at, used = clock if clock is not None else (MIDNIGHT, 0)
        point: Point = Clock(at, DAYS_BACK[low]) if low in DAYS_BACK else OnWeekday(WEEKDAYS[low], at)
        return point, 1 + used
    clock = clock_at(tokens, i)
    if clock is not None:
        return Clock(clock[0]), clock[1]
    ago_span = _ago_at(tokens, i)
    if ago_span is not None:
        return ago_span
    month_day = _month_day_at(tokens, i)
    if month_day is not None:
        day, used = month_day
        clock = clock_at(tokens, i + used)
        return (_at_time(day, clock[0]), used + clock[1]) if clock is not None else month_day
    found = parse_iso(word)
    if isinstance(found, OnDate) and found.at == MIDNIGHT:
        clock = clock_at(tokens, i + 1)
        if clock is not None:
            return OnDate(found.day, clock[0]), 1 + clock[1]
    if found is not None:
        return found, 1
    return None


def _ago_at(tokens: list[Token], i: int) -> tuple[Point, int] | None:
    """`2h ago`, `3 hours ago`, `2시간 전`."""
    word, following = tokens[i].text, word_at(tokens, i + 1)
    span = parse_span(word)
    if span is not None and following is not None and following.lower() in AGO:
        return Ago(span), 2
    after = _low(tokens, i + 2)
    if following is not None and after in AGO and (span := span_with_unit(word, following)):
        return Ago(span), 3
    return None


def clock_at(tokens: list[Token], i: int) -> tuple[time, int] | None:
    """A time of day at token `i`: `18:00`, `6pm`, `at 18:00`, `오후 6시`, `오전 9시30분`."""
    low = _low(tokens, i)
    if low is None:
        return None
    if low == "at":
        found = clock_at(tokens, i + 1)
        return (found[0], found[1] + 1) if found else None
    meridiem = MERIDIEMS.get(low)
    if meridiem is not None:
        following = word_at(tokens, i + 1)
        at = parse_clock(following, meridiem) if following is not None else None
        return (at, 2) if at is not None else None
    if low in CLOCK_WORDS:
        return time(CLOCK_WORDS[low]), 1
    at = parse_clock(low)
    return (at, 1) if at is not None else None


def _iso_interval(word: str) -> tuple[Window, int] | None:
    first, _slash, second = word.partition("/")
    start = parse_iso(first)
    if start is None:
        _refuse_misshapen(first)
        return None
    span = parse_span(second)
    end = parse_iso(second)
    if span is not None and isinstance(start, Instant | OnDate):
        try:
            end = _shifted(start, span)
        except OverflowError:  # `9999-12-31T23:59/PT1H`: past the last date a calendar holds
            raise UserError(
                _("“{word}” ends past any date ServiceWatch keeps (15 months); pick a window within them.").format(
                    word=word[:80]
                )
            ) from None
    if end is None:
        raise UserError(
            _("“{word}” is not an ISO 8601 interval; write start/end, e.g. 2026-11-27T09:00/2026-11-27T12:00.").format(
                word=word
            )
        )
    return Window(start, end, word), 1


def _shifted(start: Instant | OnDate, seconds: int) -> Point:
    if isinstance(start, Instant):
        return Instant(start.moment + timedelta(seconds=seconds))
    moment = datetime.combine(start.day, start.at) + timedelta(seconds=seconds)
    return OnDate(moment.date(), moment.time())


def _refuse_misshapen(word: str) -> None:
    """A word written as a date or a clock time that is neither (`2026-02-30`, `25:00`) is said to be so."""
    if looks_like_a_date(word):
        raise UserError(
            _("“{word}” is not a date: there is no such day. Write it as YYYY-MM-DD, e.g. 2026-11-27.").format(
                word=word
            )
        )
    if looks_like_a_clock(word):
        raise UserError(_("“{word}” is not a time of day; write it like 09:00, 9am or 오후 6시.").format(word=word))
