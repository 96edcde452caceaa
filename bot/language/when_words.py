"""The words of WHEN in English and Korean, read into pieces of one shared vocabulary, so the two languages mix
freely: `매일 9am`, `every day 오전 9시`, `15분마다`, `every 15 minutes` all become the same few pieces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from bot.language.timerange import parse_clock, parse_span
from bot.language.tokens import Kind, Token


class Word(StrEnum):
    """What a piece means, whichever language it was typed in."""

    EVERY = "every"  # every, each, 매
    DAILY = "daily"  # daily, 매일, 날마다
    HOURLY = "hourly"  # hourly, 매시간
    ON_THE_HOUR = "on the hour"  # 매시 (at minute M of every hour)
    WEEKLY = "weekly"  # 매주 (before days of the week)
    AT = "at"
    AND = "and"  # and , 과 와 및 랑 하고
    THROUGH = "through"  # - ~ to through
    FROM = "from"  # 부터 (월요일부터 금요일까지)
    UNTIL = "until"  # 까지
    AM = "am"  # am, 오전, 아침, 새벽
    PM = "pm"  # pm, 오후, 저녁
    NIGHT = "night"  # 밤: pm, but 밤 12시 is midnight
    NOON = "noon"  # noon, 정오
    MIDNIGHT = "midnight"  # midnight, 자정
    HOUR_MARK = "o'clock"  # 시 (9시)
    HALF = "half"  # 반 (9시 반)
    SHARP = "sharp"  # 정각
    PER = "per"  # 마다 (15분마다)
    GAP = "gap"  # 간격 (15분 간격)
    PARTICLE = "particle"  # 에, 에서, 으로, 로: nothing to add
    FOR = "for"  # 동안 (2시간 동안)


class PieceKind(StrEnum):
    NUMBER = "number"
    CLOCK = "clock"  # 09:00, 9:30pm
    SPAN = "span"  # 15m, 1h30m, PT15M
    UNIT = "unit"  # s m h d w (value: seconds in one)
    GROUP = "group"  # day, weekday, weekend (value: crontab days)
    DAY = "day"  # a day of the week (value: mon … sun)
    WORD = "word"  # a Word
    UNKNOWN = "unknown"  # anything else (WHEN ends before it, or it is refused)


@dataclass(frozen=True)
class Piece:
    """One meaningful part of a typed word: `15분마다` is 15, 분, 마다."""

    kind: PieceKind
    value: str | int | time | Word
    token: int  # index of the token it came from
    typed: str  # as typed, for refusals


WEEKDAYS = "mon,tue,wed,thu,fri"
GROUPS = {
    "day": "*",
    "days": "*",
    "weekday": WEEKDAYS,
    "weekdays": WEEKDAYS,
    "weekend": "sat,sun",
    "weekends": "sat,sun",
}
DAYS = {
    "sun": "sun", "sunday": "sun", "sundays": "sun", "mon": "mon", "monday": "mon", "mondays": "mon",
    "tue": "tue", "tues": "tue", "tuesday": "tue", "tuesdays": "tue", "wed": "wed", "wednesday": "wed",
    "wednesdays": "wed", "thu": "thu", "thur": "thu", "thurs": "thu", "thursday": "thu", "thursdays": "thu",
    "fri": "fri", "friday": "fri", "fridays": "fri", "sat": "sat", "saturday": "sat", "saturdays": "sat",
}  # fmt: skip
UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "mins": 60, "minute": 60,
    "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "d": 86400, "w": 604800,
    "wk": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
ENGLISH_WORDS = {
    "every": Word.EVERY, "each": Word.EVERY, "daily": Word.DAILY, "hourly": Word.HOURLY, "at": Word.AT,
    "and": Word.AND, ",": Word.AND, "&": Word.AND, "-": Word.THROUGH, "–": Word.THROUGH, "~": Word.THROUGH,
    "to": Word.THROUGH, "through": Word.THROUGH, "thru": Word.THROUGH, "am": Word.AM, "a.m.": Word.AM,
    "pm": Word.PM, "p.m.": Word.PM, "noon": Word.NOON, "midnight": Word.MIDNIGHT, "for": Word.FOR,
}  # fmt: skip
_KOREAN_WORDS = {
    "매일": Word.DAILY, "날마다": Word.DAILY, "매시간": Word.HOURLY, "매시": Word.ON_THE_HOUR, "매주": Word.WEEKLY,
    "매": Word.EVERY, "시": Word.HOUR_MARK, "반": Word.HALF, "정각": Word.SHARP, "마다": Word.PER, "간격": Word.GAP,
    "오전": Word.AM, "아침": Word.AM, "새벽": Word.AM, "오후": Word.PM, "저녁": Word.PM, "밤": Word.NIGHT,
    "정오": Word.NOON, "자정": Word.MIDNIGHT, "과": Word.AND, "와": Word.AND, "및": Word.AND, "랑": Word.AND,
    "이랑": Word.AND, "하고": Word.AND, "부터": Word.FROM, "까지": Word.UNTIL, "동안": Word.FOR,
    "에": Word.PARTICLE, "에서": Word.PARTICLE, "으로": Word.PARTICLE, "로": Word.PARTICLE,
}  # fmt: skip
_KOREAN_UNITS = {"시간": 3600, "분": 60, "초": 1, "일": 86400, "주": 604800}  # a bare 일 is a day's length
_KOREAN_DAYS = {"일요일": "sun", "일욜": "sun"}
for _short, _name in zip("월화수목금토", ("mon", "tue", "wed", "thu", "fri", "sat"), strict=True):
    _KOREAN_DAYS.update({_short: _name, f"{_short}요일": _name, f"{_short}욜": _name})
KOREAN_WORDS: dict[str, tuple[PieceKind, str | int | Word]] = {
    **{word: (PieceKind.WORD, meaning) for word, meaning in _KOREAN_WORDS.items()},
    **{word: (PieceKind.UNIT, seconds) for word, seconds in _KOREAN_UNITS.items()},
    **{word: (PieceKind.DAY, name) for word, name in _KOREAN_DAYS.items()},
    "평일": (PieceKind.GROUP, WEEKDAYS),
    "주말": (PieceKind.GROUP, "sat,sun"),
}
_LONGEST_KOREAN = max(len(word) for word in KOREAN_WORDS)

# What a misspelled word is compared with, for a did-you-mean.
FREQUENCY_WORDS = ("day", "weekday", "weekend", "hour", "minute", "daily", "hourly", "매일", "매주", "평일", "주말")
DAY_WORDS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일",
)  # fmt: skip
HEAD_WORDS = ("every", "daily", "hourly", "weekdays", "weekends", "cron", "매일", "매주", "평일", "주말", "매시간")

_PARTS = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?"  # a clock
    r"|\d+"
    r"|[a-z](?:[a-z]|\.(?=[a-z]))*\.?"  # a word (a.m., p.m.)
    r"|[가-힣]+"
    r"|\S",
    re.IGNORECASE,
)


def pieces(tokens: list[Token], start: int) -> list[Piece]:
    """The pieces of `tokens[start:]`, in order; a quoted word or a Slack link is one UNKNOWN piece."""
    found: list[Piece] = []
    for index in range(start, len(tokens)):
        found += _pieces_of(tokens[index], index)
    return found


def _pieces_of(token: Token, index: int) -> list[Piece]:
    text = token.text
    if token.quoted or token.kind is not Kind.WORD or not text:
        return [Piece(PieceKind.UNKNOWN, text, index, text)]
    if text.isascii() and not text.isdigit() and (span := parse_span(text)) is not None:
        return [Piece(PieceKind.SPAN, span, index, text)]
    found: list[Piece] = []
    for match in _PARTS.finditer(text):
        part = match.group()
        if "가" <= part[0] <= "힣":
            found += _korean(part, index)
        else:
            found.append(_english(part, index))
    return found


def _english(part: str, index: int) -> Piece:
    word = part.lower()
    if word.isascii() and word.isdigit():
        return Piece(PieceKind.NUMBER, int(word), index, part)
    if ":" in word:
        at = parse_clock(word)
        return (
            Piece(PieceKind.CLOCK, at, index, part) if at is not None else Piece(PieceKind.UNKNOWN, part, index, part)
        )
    for kind, table in ((PieceKind.GROUP, GROUPS), (PieceKind.DAY, DAYS), (PieceKind.UNIT, UNITS)):
        if word in table:
            return Piece(kind, table[word], index, part)
    if word in ENGLISH_WORDS:
        return Piece(PieceKind.WORD, ENGLISH_WORDS[word], index, part)
    return Piece(PieceKind.UNKNOWN, part, index, part)


def _korean(run: str, index: int) -> list[Piece]:
    """A run of Hangul split into known words, longest first (`매주월요일` → 매주, 월요일; `월수금` → 월, 수, 금);
    one UNKNOWN piece when it does not split into known words."""
    found: list[Piece] = []
    at = 0
    while at < len(run):
        for length in range(min(_LONGEST_KOREAN, len(run) - at), 0, -1):
            word = run[at : at + length]
            if word in KOREAN_WORDS:
                kind, value = KOREAN_WORDS[word]
                found.append(Piece(kind, value, index, word))
                at += length
                break
        else:
            return [Piece(PieceKind.UNKNOWN, run, index, run)]
    return found
