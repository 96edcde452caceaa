"""Reading WHEN as people type it, in English, Korean or both: `every day at 09:00`, `daily at 9`, `at 9am every
day`, `every weekday 9am`, `매일 오전 9시`, `평일 9시`, `매주 월요일 18시`, `15분마다`, `매시 정각`. The words become
pieces (`vocabulary`); this reads the pieces into an interval or a crontab line."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from datetime import time

from bot.errors import UserError
from bot.i18n import _
from bot.language.tokens import Token
from bot.language.when_words import (
    DAY_WORDS,
    FREQUENCY_WORDS,
    Piece,
    PieceKind,
    Word,
    pieces,
)

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LONGEST_INTERVAL = 366 * 86400
_HEADS = (Word.EVERY, Word.DAILY, Word.HOURLY, Word.ON_THE_HOUR, Word.WEEKLY)
_TIME_WORDS = (Word.AM, Word.PM, Word.NIGHT, Word.NOON, Word.MIDNIGHT, Word.HOUR_MARK, Word.HALF, Word.SHARP)


def examples() -> str:
    """The forms of WHEN a refusal shows."""
    return _(
        "`every 15m`, `every day at 09:00`, `every weekday at 9am`, `every mon,wed at 18:00`, `15분마다`, "
        '`매일 오전 9시`, `평일 9시`, `매주 월요일 18시` or `cron "0 9 * * 1-5"`'
    )


def did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    """` Did you mean `day`?` for a word close to one of `choices`; empty when none is close."""
    letters = {unicodedata.normalize("NFD", choice): choice for choice in choices}  # Hangul compared by letter
    found = difflib.get_close_matches(unicodedata.normalize("NFD", word.lower()), list(letters), n=2, cutoff=0.6)
    close = [letters[c] for c in found]
    if not close:
        return ""
    named = f"`{close[0]}`"
    if len(close) == 2:
        named = _("`{first}` or `{second}`").format(first=close[0], second=close[1])
    return " " + _("Did you mean {choices}?").format(choices=named)


@dataclass(frozen=True)
class Reading:
    """What WHEN says: every `interval` seconds, or a crontab line; and how many tokens it took."""

    interval: int | None
    cron: str | None
    used: int


def starts_when(tokens: list[Token], index: int) -> bool:
    """Whether a WHEN begins at `tokens[index]`: `every`, `daily`, `매일`, `평일`, `15분마다`, `월요일마다`, `at 9am
    every day` … (never a window's words, so `지난 3시간` and `오전 9시~오후 5시` stay the chart's)."""
    token = tokens[index]
    if token.text.lower() == "cron" and not token.quoted:  # `cron "0 9 * * 1-5"`: the crontab line is quoted
        return index + 1 < len(tokens) and tokens[index + 1].quoted
    found = pieces(tokens[: index + 6], index)
    if not found:
        return False
    first = found[0]
    if _is(first, *_HEADS):
        return True
    if first.kind is PieceKind.GROUP:
        return first.typed.lower() not in ("day", "days")
    if first.kind in (PieceKind.NUMBER, PieceKind.SPAN, PieceKind.DAY):
        rest = iter(found)
        allowed = (PieceKind.NUMBER, PieceKind.UNIT, PieceKind.SPAN, PieceKind.DAY)
        following = next((p for p in rest if p.kind not in allowed and not _is(p, Word.AND, Word.THROUGH)), None)
        if following is not None and _is(following, Word.FROM, Word.UNTIL):
            following = next((p for p in rest if p.kind is not PieceKind.DAY and not _is(p, Word.UNTIL)), None)
        if first.kind is PieceKind.DAY and following is not None and following.kind is not PieceKind.UNKNOWN:
            return _is(following, Word.PER, Word.AT, Word.HOUR_MARK, *_TIME_WORDS) or following.kind is PieceKind.CLOCK
        return following is not None and _is(following, Word.PER, Word.GAP)
    if _is(first, Word.AT):  # `at 9am every day`
        return _time_then_when(tokens, index)
    return False


def _time_then_when(tokens: list[Token], index: int) -> bool:
    reader = _Reader(tokens[: index + 8], index)
    reader.take()
    try:
        found = reader.time_of_day(bare=True)
    except UserError:
        return False
    following = reader.peek()
    return (
        found is not None
        and following is not None
        and following.token > reader.pieces[reader.at - 1].token
        and starts_when(tokens, following.token)
    )


def read_when(tokens: list[Token], start: int) -> Reading:
    """WHEN at `tokens[start]`; raises UserError naming the word it could not read."""
    return _Reader(tokens, start).read()


def _is(piece: Piece | None, *words: Word) -> bool:
    return piece is not None and piece.kind is PieceKind.WORD and piece.value in words


class _Reader:
    def __init__(self, tokens: list[Token], start: int) -> None:
        self.tokens = tokens
        self.start = start
        self.pieces = pieces(tokens, start)
        self.at = 0
        self.meridiem_first = False

    # Moving along ---------------------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Piece | None:
        index = self.at + ahead
        return self.pieces[index] if index < len(self.pieces) else None

    def take(self) -> Piece:
        piece = self.pieces[self.at]
        self.at += 1
        return piece

    def accept(self, *words: Word) -> Piece | None:
        piece = self.peek()
        if _is(piece, *words):
            return self.take()
        return None

    def kind(self, kind: PieceKind, ahead: int = 0) -> bool:
        piece = self.peek(ahead)
        return piece is not None and piece.kind is kind

    def phrase(self, through: Piece | None = None) -> str:
        """The words typed from WHEN's start through `through` (default: the piece here), for refusals."""
        piece = through or self.peek() or self.pieces[-1]
        return " ".join(t.text for t in self.tokens[self.start : piece.token + 1])

    # WHEN -----------------------------------------------------------------------------------------------------

    def read(self) -> Reading:
        lead = None
        if self.accept(Word.AT):
            lead = self.time_of_day(bare=True)
            if lead is None:
                raise self.not_a_time()
        days = self.frequency()
        if isinstance(days, int):
            if lead is not None:
                raise UserError(
                    _("`{phrase}`: a time of day goes with days (`every day at 9am`), not with `every 15m`.").format(
                        phrase=self.phrase()
                    )
                )
            return self.done(interval=days)
        if days.startswith("cron:"):
            return self.done(cron=days.removeprefix("cron:"))
        self.accept(Word.PER)
        at = lead
        if at is None and self.accept(Word.AT):
            at = self.time_of_day(bare=True)
            if at is None:
                raise self.not_a_time() if self.peek() else self.needs_a_time()
        elif at is None:
            at = self.time_of_day(bare=False)
        if at is None:
            raise self.needs_a_time()
        return self.done(cron=f"{at.minute} {at.hour} * * {days}")

    def frequency(self) -> int | str:
        """Seconds between runs, `cron:LINE` (hourly forms), or crontab days (a time of day follows)."""
        first = self.peek()
        if first is None:
            raise UserError(_("WHEN is missing: write it like {examples}.").format(examples=examples()))
        if self.accept(Word.EVERY):
            return self.after_every()
        if self.accept(Word.DAILY):
            return "*"
        if self.accept(Word.HOURLY):
            return "cron:0 * * * *" if self.accept(Word.SHARP) else 3600
        if self.accept(Word.ON_THE_HOUR):
            return f"cron:{self.minute_of_hour()} * * * *"
        if self.accept(Word.WEEKLY):
            return self.days()
        if first.kind in (PieceKind.NUMBER, PieceKind.SPAN):
            seconds = self.interval()
            if not (self.accept(Word.PER) or self.accept(Word.GAP)):
                raise self.unreadable(self.peek() or first, FREQUENCY_WORDS)
            self.accept(Word.PARTICLE)
            return seconds
        if first.kind in (PieceKind.GROUP, PieceKind.DAY):
            return self.days()
        raise self.unreadable(first, FREQUENCY_WORDS)

    def after_every(self) -> int | str:
        piece = self.peek()
        if piece is None:
            raise UserError(_("`every` needs how often, e.g. {examples}.").format(examples=examples()))
        if piece.kind in (PieceKind.NUMBER, PieceKind.SPAN):
            seconds = self.interval()
            self.accept(Word.PER)
            return seconds
        if piece.kind is PieceKind.UNIT:  # every hour, every minute, every week
            self.take()
            assert isinstance(piece.value, int)
            if piece.value == 3600 and self.accept(Word.SHARP):
                return "cron:0 * * * *"
            return piece.value
        return self.days()

    def interval(self) -> int:
        """`15m`, `15 minutes`, `2 days`, `15분`, `1시간 30분` (pairs only when 마다/간격 follows them)."""
        first = self.at
        total = 0
        pairs = 0
        while (piece := self.peek()) is not None:
            if piece.kind is PieceKind.SPAN and pairs == 0:
                self.take()
                assert isinstance(piece.value, int)
                return self.checked(piece.value, piece)
            if piece.kind is not PieceKind.NUMBER:
                break
            unit = self.peek(1)
            if unit is not None and unit.kind is PieceKind.GROUP and unit.value == "*":  # 2 days
                seconds = 86400
            elif unit is not None and unit.kind is PieceKind.UNIT:
                assert isinstance(unit.value, int)
                seconds = unit.value
            elif pairs:
                break
            else:
                raise UserError(
                    _("“{word}” in `{phrase}` needs a unit: `every 15m`, `every 2 hours`, `15분마다`.").format(
                        word=piece.typed, phrase=self.phrase(piece)
                    )
                )
            assert isinstance(piece.value, int)
            total += piece.value * seconds
            pairs += 1
            self.at += 2
            if total > LONGEST_INTERVAL:
                break
        if pairs > 1 and not _is(self.peek(), Word.PER, Word.GAP):
            self.at = first + 2  # `every 1h 30m`: the interval is 1h; `30m` is the chart's window
            first_pair = self.pieces[first : first + 2]
            number, unit = first_pair
            assert isinstance(number.value, int)
            total = number.value * (86400 if unit.kind is PieceKind.GROUP else int(unit.value))  # type: ignore[arg-type]
        return self.checked(total, self.pieces[self.at - 1])

    def checked(self, seconds: int, piece: Piece) -> int:
        if seconds <= 0 or seconds > LONGEST_INTERVAL:
            raise UserError(
                _("`{phrase}` is not a time between runs: write more than zero and at most a year.").format(
                    phrase=self.phrase(piece)
                )
            )
        return seconds

    def days(self) -> str:
        """`day`, `weekday`, `평일`, `mon,wed`, `월수금`, `mon-fri`, `월요일부터 금요일까지` → crontab days."""
        piece = self.peek()
        if piece is not None and piece.kind is PieceKind.GROUP:
            self.take()
            return str(piece.value)
        names: list[str] = []
        while (piece := self.peek()) is not None:
            if piece.kind is PieceKind.DAY or (names and piece.kind is PieceKind.UNIT and piece.typed == "일"):
                self.take()
                first = str(piece.value) if piece.kind is PieceKind.DAY else "sun"
                if self.accept(Word.THROUGH, Word.FROM):
                    names += _week_range(first, self.last_day())
                    self.accept(Word.UNTIL)
                else:
                    names.append(first)
            elif names and _is(piece, Word.AND):
                self.take()
            else:
                break
        if not names:
            raise self.unreadable(piece, FREQUENCY_WORDS + DAY_WORDS)
        return ",".join(dict.fromkeys(names))

    def last_day(self) -> str:
        piece = self.peek()
        if piece is not None and piece.kind is PieceKind.DAY:
            self.take()
            return str(piece.value)
        if piece is not None and piece.kind is PieceKind.UNIT and piece.typed == "일":
            self.take()
            return "sun"
        raise self.unreadable(piece, DAY_WORDS)

    def minute_of_hour(self) -> int:
        """After 매시: `정각` (0), `30분`, `반` (30); nothing is on the hour."""
        if self.accept(Word.SHARP) or self.peek() is None:
            return 0
        if self.accept(Word.HALF):
            return 30
        number, unit = self.peek(), self.peek(1)
        if number is not None and number.kind is PieceKind.NUMBER and unit is not None and unit.value == 60:
            assert isinstance(number.value, int)
            if number.value < 60:
                self.at += 2
                return number.value
            raise self.not_a_time(number)
        return 0

    # Times of day ---------------------------------------------------------------------------------------------

    def time_of_day(self, *, bare: bool) -> time | None:
        """`09:00`, `9am`, `9 pm`, `noon`, `오전 9시`, `9시 30분`, `오후 6시 반`, `18시`, `정오`; a bare number
        (`at 9`) only when `bare`. None (nothing taken) when no time is here."""
        begin = self.at
        meridiem = self.accept(Word.AM, Word.PM, Word.NIGHT)
        self.meridiem_first = meridiem is not None  # `오후 18시` is read; `18pm` is not
        piece = self.peek()
        if piece is None:
            self.no_time(begin, meridiem)
            return None
        if _is(piece, Word.NOON, Word.MIDNIGHT):
            self.take()
            self.accept(Word.SHARP)
            return time(12) if piece.value is Word.NOON else time(0)
        if piece.kind is PieceKind.CLOCK:
            self.take()
            assert isinstance(piece.value, time)
            clock: time = piece.value
            meridiem = meridiem or self.accept(Word.AM, Word.PM)
            if meridiem and ":" in piece.typed and piece.typed[-1].isdigit():
                return self.on_clock(clock.hour, clock.minute, meridiem, begin)
            return clock
        if piece.kind is not PieceKind.NUMBER:
            self.no_time(begin, meridiem)
            return None
        self.take()
        assert isinstance(piece.value, int)
        hour, minute = piece.value, 0
        if self.accept(Word.HOUR_MARK):
            if self.accept(Word.HALF):
                minute = 30
            elif self.kind(PieceKind.NUMBER) and _is_minutes(self.peek(1)):
                minutes = self.take()
                self.take()
                assert isinstance(minutes.value, int)
                minute = minutes.value if minutes.value < 60 else 60
            self.accept(Word.SHARP)
        elif found := self.accept(Word.AM, Word.PM):
            meridiem = meridiem or found
        elif not (bare or meridiem):
            self.at = begin
            return None
        self.accept(Word.PARTICLE)
        return self.on_clock(hour, minute, meridiem, begin)

    def on_clock(self, hour: int, minute: int, meridiem: Piece | None, begin: int) -> time:
        if meridiem is not None:
            korean_24 = self.meridiem_first and meridiem.value is Word.PM and 12 < hour < 24
            if not (1 <= hour <= 12 or korean_24):
                raise self.not_a_time(begin=begin)
            if meridiem.value is Word.AM:
                hour %= 12
            elif meridiem.value is Word.PM:
                hour = hour % 12 + 12 if hour <= 12 else hour
            else:  # 밤: 밤 9시 is 21:00, 밤 12시 midnight, 밤 1시 01:00
                hour = 0 if hour == 12 else hour + 12 if hour >= 6 else hour
        if hour > 23 or minute > 59:
            raise self.not_a_time(begin=begin)
        return time(hour, minute)

    def no_time(self, begin: int, meridiem: Piece | None) -> None:
        if meridiem is not None:
            raise self.not_a_time(begin=begin)
        self.at = begin

    # Refusals -------------------------------------------------------------------------------------------------

    def not_a_time(self, piece: Piece | None = None, *, begin: int | None = None) -> UserError:
        if begin is not None:
            first, last = self.pieces[begin].token, self.pieces[max(self.at, begin + 1) - 1].token
            typed = " ".join(t.text for t in self.tokens[first : last + 1])
        else:
            piece = piece or self.peek() or self.pieces[-1]
            typed = piece.typed
        return UserError(
            _("“{word}” in `{phrase}` is not a time of day; write it like 09:00, 9am or 오전 9시.").format(
                word=typed, phrase=self.phrase()
            )
        )

    def needs_a_time(self) -> UserError:
        last = self.at - 1 - _is(self.pieces[self.at - 1], Word.AT)
        phrase = " ".join(t.text for t in self.tokens[self.start : self.pieces[last].token + 1])
        example = f"{phrase} at 09:00" if phrase.isascii() else f"{phrase} 오전 9시"
        piece = self.peek()
        if piece is not None and piece.kind is PieceKind.NUMBER:
            return UserError(
                _("“{word}” after `{phrase}` is not a time of day; write `{example}` or `{phrase} at 9`.").format(
                    word=piece.typed, phrase=phrase, example=example
                )
            )
        return UserError(_("`{phrase}` needs a time of day: `{example}`.").format(phrase=phrase, example=example))

    def unreadable(self, piece: Piece | None, choices: tuple[str, ...]) -> UserError:
        if piece is None:
            return UserError(
                _("`{phrase}` stops too early: write it like {examples}.").format(
                    phrase=self.phrase(), examples=examples()
                )
            )
        return UserError(
            _("“{word}” in `{phrase}` is not a day or how often.{hint} Write WHEN like {examples}.").format(
                word=piece.typed,
                phrase=self.phrase(piece),
                hint=did_you_mean(piece.typed, choices),
                examples=examples(),
            )
        )

    # The end --------------------------------------------------------------------------------------------------

    def done(self, *, interval: int | None = None, cron: str | None = None) -> Reading:
        """WHEN ends at a word's end: what is left of a word it ends in must be a particle (`9시에`)."""
        while (
            self.at < len(self.pieces) and self.at > 0 and self.pieces[self.at].token == self.pieces[self.at - 1].token
        ):
            piece = self.peek()
            if not _is(piece, Word.PARTICLE, Word.PER):
                assert piece is not None
                raise self.unreadable(piece, FREQUENCY_WORDS)
            self.take()
        end = self.pieces[self.at - 1].token + 1 if self.at else self.start
        return Reading(interval=interval, cron=cron, used=end - self.start)


def _is_minutes(piece: Piece | None) -> bool:
    return piece is not None and piece.kind is PieceKind.UNIT and piece.value == 60


def _week_range(first: str, last: str) -> list[str]:
    """`fri`…`mon` wraps round the weekend."""
    start, end = WEEK.index(first), WEEK.index(last)
    return [WEEK[(start + step) % 7] for step in range((end - start) % 7 + 1)]
