"""The chat language: one parser for the slash command, mentions, the console, the CLI and schedules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.charts import options
from bot.charts.spec import (
    ChartRequest,
    ChartSpec,
    ForgetRequest,
    HelpRequest,
    MetricRef,
    MetricsRequest,
    Request,
    SavedRequest,
    SaveRequest,
    ScheduleRequest,
    ThreadRef,
)
from bot.charts.timerange import (
    Ago,
    Clock,
    Instant,
    OnDate,
    Point,
    Window,
    parse_ago,
    parse_clock,
    parse_clock_range,
    parse_iso,
    parse_span,
    span_with_unit,
    unit_word,
)
from bot.charts.tokens import Kind, Token, clean, tokenize
from bot.durations import format_duration
from bot.errors import UserError

MAX_METRICS = 10
SUBCOMMANDS = ("help", "metrics", "save", "saved", "forget")
SCHEDULE_WORDS = ("schedule", "schedules", "pause", "resume", "delete", "run", "next", "follow", "stop")
OPTION_ALIASES = {
    "period": "period", "stat": "stat", "stats": "stat", "statistic": "stat", "size": "size", "tz": "tz",
    "timezone": "tz", "title": "title", "color": "color", "colour": "color", "label": "label", "thread": "thread",
}  # fmt: skip
FLAGS = {"dry-run": "dry_run", "dryrun": "dry_run", "--dry-run": "dry_run"}
WINDOW_WORDS = ("last", "past", "since", "from", "between", "today", "yesterday", "now")
RESERVED_NAMES = frozenset(
    (
        *SUBCOMMANDS,
        *SCHEDULE_WORDS,
        *OPTION_ALIASES,
        *FLAGS,
        *WINDOW_WORDS,
        "to",
        "until",
        "and",
        "in",
        "all",
        "every",
        "cron",
    )
)
SAVED_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def usage_line(command: str = "/chart") -> str:
    return f"Usage: `{command} CHART [WINDOW] [OPTIONS]` · `{command} help` for the whole language"


class ChartUsageError(UserError):
    """A line the chat language cannot read; the text names the word, may suggest one, and ends with the usage."""


@contextmanager
def usage_on_error(command: str) -> Iterator[None]:
    """Turn what people got wrong into ChartUsageError, its text ending with the usage line."""
    try:
        yield
    except ChartUsageError:
        raise
    except (UserError, options.OptionError) as exc:
        raise ChartUsageError(f"{exc}\n{usage_line(command)}") from None


def parse_request(text: str, *, command: str = "/chart") -> Request:
    """Read one line typed after the command. Returns a request or raises ChartUsageError; nothing else."""
    with usage_on_error(command):
        return _parse_request(text)


def parse_chart(text: str, *, command: str = "/chart") -> ChartSpec:
    """Read the chart part of a line (CHART [WINDOW] [OPTIONS]); raises ChartUsageError."""
    with usage_on_error(command):
        return _ChartParser(tokenize(text)).parse()


def parse_window(text: str, *, command: str = "/chart") -> Window:
    """Read a window alone (`last 3h`, `3h`, `yesterday`, `from 09:00 to 12:00`); raises ChartUsageError."""
    with usage_on_error(command):
        tokens = tokenize(clean(text))
        found = _window_at(tokens, 0)
        if found is None or found[1] != len(tokens):
            raise UserError(f"“{text}” is not a window; write it like `last 3h`, `yesterday` or `from 09:00 to 12:00`.")
        return found[0]


def check_saved_name(name: str) -> str:
    """A saved chart's name, lower-cased; raises UserError saying what names look like."""
    lowered = name.lower()
    if not SAVED_NAME.match(lowered):
        raise UserError(
            f"“{name}” cannot be a saved chart's name: use 1–40 letters, digits, `-`, `_` or `.`, starting "
            "with a letter or digit, e.g. web-cpu."
        )
    if lowered in RESERVED_NAMES or parse_span(lowered) is not None:
        raise UserError(f"“{name}” is a word of the chart language; pick another name, e.g. {lowered}-chart.")
    return lowered


def _parse_request(text: str) -> Request:
    text = clean(text)  # token positions below refer to the cleaned text
    tokens = tokenize(text)
    if not tokens:
        return HelpRequest()
    head = tokens[0].text.lower() if not tokens[0].quoted and tokens[0].kind is Kind.WORD else ""
    rest = tokens[1:]
    if head == "help":
        return HelpRequest(" ".join(t.text for t in rest))
    if head == "metrics":
        return MetricsRequest(tuple(t.text for t in rest))
    if head == "saved":
        if rest:
            raise UserError(f"`saved` takes nothing after it; “{rest[0]}” is extra.")
        return SavedRequest()
    if head == "forget":
        if len(rest) != 1:
            raise UserError("`forget` takes one saved chart's name, e.g. `forget web-cpu`.")
        return ForgetRequest(check_saved_name(rest[0].text))
    if head == "save":
        if len(rest) < 2:
            raise UserError('`save` takes a name and a chart, e.g. `save web-cpu "CPU Usage/Core[Basic]" last 3h`.')
        name = check_saved_name(rest[0].text)
        chart_text = text[rest[1].start :].strip()  # stored as typed, quotes and all
        return SaveRequest(name=name, spec=_ChartParser(rest[1:]).parse(), text=chart_text)
    if head in SCHEDULE_WORDS:
        return ScheduleRequest(
            action=head, words=tuple(t.text for t in rest), text=text[rest[0].start :] if rest else ""
        )
    return ChartRequest(spec=_ChartParser(tokens).parse(), text=text.strip())


# The chart part ------------------------------------------------------------------------------------------------


@dataclass
class _MetricDraft:
    words: list[str]
    dimensions: list[tuple[str, str]] = field(default_factory=list)


class _ChartParser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.drafts: list[_MetricDraft] = []
        self.shared_dimensions: list[tuple[str, str]] = []
        self.words: list[str] = []
        self.window: Window | None = None
        self.window_words = ""
        self.colours: list[str] = []
        self.labels: list[str] = []
        self.values: dict[str, object] = {}

    def parse(self) -> ChartSpec:
        while self.i < len(self.tokens):
            self._step()
        self._flush()
        if not self.drafts:
            raise UserError(
                'Name a chart: a saved chart (see `saved`) or a metric, e.g. "Virtual Server:CPU Usage/Core[Basic]".'
            )
        if len(self.drafts) > MAX_METRICS:
            raise UserError(f"{len(self.drafts)} metrics is too many for one chart; use at most {MAX_METRICS}.")
        for kind, items in (("colours", self.colours), ("labels", self.labels)):
            if len(items) > len(self.drafts):
                raise UserError(f"{len(items)} {kind} for {len(self.drafts)} metrics; give one per metric, in order.")
        metrics = tuple(self._metric(index, draft) for index, draft in enumerate(self.drafts))
        return ChartSpec(
            metrics=metrics,
            window=self.window,
            period=self.values.get("period"),  # type: ignore[arg-type]
            stat=self.values.get("stat"),  # type: ignore[arg-type]
            size=self.values.get("size"),  # type: ignore[arg-type]
            tz=self.values.get("tz"),  # type: ignore[arg-type]
            title=self.values.get("title"),  # type: ignore[arg-type]
            thread=self.values.get("thread"),  # type: ignore[arg-type]
            dry_run=bool(self.values.get("dry_run")),
        )

    def _metric(self, index: int, draft: _MetricDraft) -> MetricRef:
        text = " ".join(draft.words)
        namespace, _, name = text.partition(":") if ":" in text else ("", "", text)
        namespace, name = namespace.strip(), name.strip()
        if not name:
            raise UserError(f"“{text}” names no metric after the `:`; write namespace:metric.")
        dimensions = dict(self.shared_dimensions)
        dimensions.update(draft.dimensions)
        return MetricRef(
            name=name,
            namespace=namespace or None,
            dimensions=tuple(dimensions.items()),
            color=self.colours[index] if index < len(self.colours) else None,
            label=self.labels[index] if index < len(self.labels) else None,
        )

    def _flush(self) -> None:
        if self.words:
            self.drafts.append(_MetricDraft(self.words))
            self.words = []

    def _step(self) -> None:
        token = self.tokens[self.i]
        if token.quoted:
            if not token.text.strip():
                raise UserError("An empty quoted name (“”) names nothing; put the metric's name between the quotes.")
            self._flush()
            self.drafts.append(_MetricDraft([token.text.strip()]))
            self.i += 1
            return
        if token.kind is not Kind.WORD:
            raise UserError(_misplaced(token))
        low = token.text.lower()
        window = _window_at(self.tokens, self.i)
        if window is not None:
            found, consumed = window
            if self.window is not None:
                raise UserError(f"Two windows: “{self.window_words}” and “{found.text}”; keep one.")
            self._flush()
            self.window, self.window_words = found, found.text
            self.i += consumed
            return
        name, has_equals, value = token.text.partition("=")
        option = OPTION_ALIASES.get(name.lower())
        if option is not None:
            self._flush()
            if has_equals:
                self._option(option, Token(value, kind=Kind.WORD) if value else None, name)
                self.i += 1
            else:
                self._option(option, self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None, name)
                self.i += 2
            return
        if low in FLAGS:
            self._flush()
            self.values[FLAGS[low]] = True
            self.i += 1
            return
        if low in ("+", ","):
            self._flush()
            self.i += 1
            return
        if has_equals:
            self._dimension(name, value, token)
            self.i += 1
            return
        if token.text.endswith(",") and len(token.text) > 1:
            self.words.append(token.text[:-1])
            self._flush()
        else:
            self.words.append(token.text)
        self.i += 1

    def _dimension(self, key: str, value: str, token: Token) -> None:
        if not key or not value:
            raise UserError(f"“{token.text}” is not a dimension; write KEY=VALUE, e.g. VolumeID=45fbde15-….")
        self._flush()
        (self.drafts[-1].dimensions if self.drafts else self.shared_dimensions).append((key, value))

    def _option(self, option: str, value: Token | None, typed: str) -> None:
        if value is None or (not value.quoted and value.kind is Kind.WORD and not value.text):
            raise UserError(f"`{typed}` needs a value, e.g. {_EXAMPLES[option]}.")
        if option in ("color", "label"):
            (self.colours if option == "color" else self.labels).append(str(_VALUE_PARSERS[option](value)))
            return
        if option in self.values:
            raise UserError(f"`{typed}` is given twice; keep one.")
        self.values[option] = _VALUE_PARSERS[option](value)


def _text_value(limit: int) -> Callable[[Token], str]:
    def parse(token: Token) -> str:
        text = str(token).strip()
        if not text or len(text) > limit:
            raise options.OptionError(f"“{text[:40]}” must be 1–{limit} characters.")
        return text

    return parse


def _thread_value(token: Token) -> ThreadRef:
    return options.parse_thread(token.text)


_VALUE_PARSERS: dict[str, Callable[[Token], object]] = {
    "period": lambda t: options.parse_period(t.text),
    "stat": lambda t: options.parse_stat(t.text),
    "size": lambda t: options.parse_size(t.text),
    "tz": lambda t: options.parse_zone(t.text),
    "title": _text_value(150),
    "label": _text_value(100),
    "color": lambda t: options.parse_colour(t.text),
    "thread": _thread_value,
}
_EXAMPLES = {
    "period": "period 5m",
    "stat": "stat max",
    "size": "size 1400x500",
    "tz": "tz Asia/Seoul",
    "title": 'title "Web CPU"',
    "label": 'label "web-01"',
    "color": "color #ff0000",
    "thread": "thread https://…/archives/C…/p…",
}


def _misplaced(token: Token) -> str:
    if token.kind is Kind.LINK:
        return f"The link “{token.text}” is only understood after `thread`, e.g. `thread {token.text}`."
    if token.kind is Kind.CHANNEL:
        return f"“{token}” is a channel; charts post where you ask (use `thread <link>` to post into a thread)."
    return f"“{token}” is a person; a chart is asked for with metric names, not people."


# Windows -------------------------------------------------------------------------------------------------------


def _word(tokens: list[Token], index: int) -> str | None:
    if index < len(tokens) and not tokens[index].quoted and tokens[index].kind is Kind.WORD:
        return tokens[index].text
    return None


def _last(seconds: int, typed: str = "") -> Window:
    """`last 3h`, said with the unit the person typed (`24h` stays `24h`; `-PT3H` becomes `3h`)."""
    said = typed.lower().lstrip("-").removeprefix("now-")
    if not said or said.startswith("p") or not said[0].isdigit():
        said = format_duration(seconds)
    return Window(Ago(seconds), None, f"last {said}")


def _window_at(tokens: list[Token], i: int) -> tuple[Window, int] | None:
    """The window starting at token `i` and how many tokens it takes, or None when there is none."""
    word = _word(tokens, i)
    if word is None:
        return None
    low = word.lower()
    following = _word(tokens, i + 1)
    if low in ("last", "past"):
        if following is None:
            raise UserError(f"`{word}` needs a length, e.g. `{word} 3h`.")
        span = parse_span(following)
        if span:
            return _last(span, following), 2
        span = unit_word(following)
        if span:
            return _last(span), 2
        after = _word(tokens, i + 2)
        if after is not None and (span := span_with_unit(following, after)):
            return Window(Ago(span), None, f"last {following} {after.lower()}"), 3
        raise UserError(f"`{word} {following}` is not a length of time; write it like `{word} 3h` or `{word} 2 days`.")
    span = parse_span(word)
    if span is not None:
        return _last(span, word), 1
    ago = parse_ago(word)
    if ago:
        return _range_from(tokens, i, Ago(ago), 1, _last(ago, word))
    if low == "since":
        point = _point_at(tokens, i + 1)
        if point is None:
            raise UserError("`since` needs a time, e.g. `since 09:00`, `since yesterday 18:00` or `since 2026-11-27`.")
        found, used = point
        return Window(found, None, "since " + _words(tokens, i + 1, used)), 1 + used
    if low in ("from", "between"):
        point = _point_at(tokens, i + 1)
        if point is None:
            raise UserError(f"`{word}` needs a time, e.g. `{word} 09:00 to 12:00`.")
        found, used = point
        return _range_from(tokens, i, found, 1 + used, None)
    if low in ("today", "yesterday"):
        back = 0 if low == "today" else 1
        hours = parse_clock_range(following) if following else None
        if hours:
            return Window(Clock(hours[0], back), Clock(hours[1], back), f"{low} {following}"), 2
        if back == 0:
            return Window(Clock(_midnight(), 0), None, "today"), 1
        return Window(Clock(_midnight(), 1), Clock(_midnight(), 0), "yesterday"), 1
    return _iso_window(word)


def _range_from(tokens: list[Token], i: int, start: Point, used: int, alone: Window | None) -> tuple[Window, int]:
    joiner = _word(tokens, i + used)
    if joiner is not None and joiner.lower() in ("to", "until", "and", "-", "–"):
        end = _point_at(tokens, i + used + 1)
        if end is None:
            raise UserError(f"`{joiner}` needs a time after it, e.g. `to 12:00` or `to now`.")
        found, more = end
        return Window(start, found, _words(tokens, i, used + 1 + more)), used + 1 + more
    if alone is not None:
        return alone, used
    return Window(start, None, _words(tokens, i, used)), used


def _point_at(tokens: list[Token], i: int) -> tuple[Point, int] | None:
    word = _word(tokens, i)
    if word is None:
        return None
    low = word.lower()
    following = _word(tokens, i + 1)
    ago = parse_ago(word)
    if ago is not None:
        return Ago(ago), 1
    if low in ("today", "yesterday"):
        back = 0 if low == "today" else 1
        at = parse_clock(following) if following else None
        return (Clock(at, back), 2) if at else (Clock(_midnight(), back), 1)
    at = parse_clock(word)
    if at is not None:
        return Clock(at), 1
    span = parse_span(word)
    if span is not None and following and following.lower() == "ago":
        return Ago(span), 2
    point = parse_iso(word)
    if isinstance(point, OnDate) and point.at == _midnight() and following:
        at = parse_clock(following)
        if at is not None:
            return OnDate(point.day, at), 2
    if point is not None:
        return point, 1
    return None


def _iso_window(word: str) -> tuple[Window, int] | None:
    if "/" in word:
        first, _, second = word.partition("/")
        start = parse_iso(first)
        if start is None:
            return None
        span = parse_span(second)
        end = parse_iso(second)
        if span is not None and isinstance(start, Instant | OnDate):
            end = _shifted(start, span)
        if end is None:
            raise UserError(
                f"“{word}” is not an ISO 8601 interval; write start/end, e.g. 2026-11-27T09:00/2026-11-27T12:00."
            )
        return Window(start, end, word), 1
    point = parse_iso(word)
    if isinstance(point, OnDate) and point.at == _midnight() and "T" not in word.upper():
        return Window(point, OnDate(point.day + timedelta(days=1)), word), 1
    if point is not None:
        return Window(point, None, f"since {word}"), 1
    return None


def _shifted(start: Instant | OnDate, seconds: int) -> Point:
    if isinstance(start, Instant):
        return Instant(start.moment + timedelta(seconds=seconds))
    moment = datetime.combine(start.day, start.at) + timedelta(seconds=seconds)
    return OnDate(moment.date(), moment.time())


def _midnight() -> time:
    return time(0)


def _words(tokens: list[Token], i: int, count: int) -> str:
    return " ".join(t.text for t in tokens[i : i + count]).lower()
