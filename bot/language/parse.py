"""The chat language: one parser for the slash command, mentions, the console, the CLI and schedules."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bot.errors import ChartQuestion, UserError
from bot.i18n import KOREAN, _, language
from bot.language import options
from bot.language.account_grammar import account_request
from bot.language.alert_grammar import alert_request
from bot.language.lexicon import (
    ASKED_COMMANDS,
    COMPARE_WORDS,
    EARLIER_WORDS,
    FILLER,
    OTHER_STATISTICS,
    PERCENTILE,
    PERIOD_AFTER,
    PERIOD_BEFORE,
    PERIOD_OPTIONS,
    STAT_WORDS,
)
from bot.language.normalize import normalized
from bot.language.pages import page_asked
from bot.language.spec import (
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
from bot.language.timerange import Window, parse_span, span_with_unit, unit_word
from bot.language.tokens import Kind, Token, clean, tokenize
from bot.language.windows import onto_day, window_at, word_at
from bot.language.words import (
    ALERT_COMMANDS,
    ALERT_NOUNS,
    ALERT_PHRASES,
    COMMAND_SYNONYMS,
    COMMANDS,
    FLAGS,
    JOINERS,
    JOINING_WORDS,
    OPTIONS,
    RESERVED,
    SCHEDULE_COMMANDS,
    WATCH_SYNONYMS,
    korean_command,
)
from bot.servicewatch.accounts import check_account_name

MAX_METRICS = 10
VERSUS = ("vs", "vs.", "versus")
MAX_LINE = 2000  # characters: far past any chart people type, and the reading stays a few milliseconds
SUBCOMMANDS = tuple(sorted(set(COMMANDS.values())))
SCHEDULE_WORDS = tuple(sorted(set(SCHEDULE_COMMANDS.values())))
OPTION_ALIASES = OPTIONS
RESERVED_NAMES = RESERVED
SAVED_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_ID = re.compile(r"^#?\d+$")
_ORDINAL = re.compile(r"^\d{1,2}(?:\.\d+)?(?:th|st|nd|rd|번째)?$")


def usage_line(command: str = "/chart") -> str:
    return _("Usage: `{command} CHART [WINDOW] [OPTIONS]` · `{command} help` for the whole language").format(
        command=command
    )


class ChartUsageError(UserError):
    """A line the chat language cannot read; the text names the word, may suggest one, and ends with the usage."""


@contextmanager
def usage_on_error(command: str) -> Iterator[None]:
    """Turn what people got wrong into ChartUsageError, its text ending with the usage line."""
    try:
        yield
    except (ChartUsageError, ChartQuestion):
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
        return _ChartParser(normalized(tokenize(_within_limit(text)))).parse()


def chart_without_window(text: str, *, command: str = "/chart") -> str:
    """A chart line as typed, less its window, statistic, thread link and dry-run: what a form pre-fills before the
    window and statistic a chart shows now (ChartUsageError when it is no chart)."""
    with usage_on_error(command):
        parser = _ChartParser(normalized(tokenize(_within_limit(text))))
        parser.parse()
    tokens, line = parser.tokens, clean(text)
    kept, cut = [], 0
    for first, end in parser.steered:
        kept.append(line[cut : tokens[first].start])
        cut = tokens[end].start if end < len(tokens) else len(line)
    kept.append(line[cut:])
    return " ".join(piece.strip() for piece in kept if piece.strip())


def parse_window(text: str, *, command: str = "/chart") -> Window:
    """Read a window alone (`last 3h`, `3h`, `yesterday`, `지난 3시간`); raises ChartUsageError."""
    with usage_on_error(command):
        tokens = normalized(tokenize(clean(_within_limit(text))))
        found = window_at(tokens, 0)
        if found is None or found[1] != len(tokens):
            raise UserError(
                _("“{text}” is not a window; write it like `last 3h`, `yesterday` or `지난 3시간`.").format(text=text)
            )
        return found[0]


def check_saved_name(name: str) -> str:
    """A saved chart's name, lower-cased; raises UserError saying what names look like."""
    lowered = name.lower()
    if not SAVED_NAME.match(lowered):
        raise UserError(
            _(
                "“{name}” cannot be a saved chart's name: use 1–40 letters, digits, `-`, `_` or `.`, starting "
                "with a letter or digit, e.g. web-cpu."
            ).format(name=name)
        )
    if lowered in RESERVED_NAMES or parse_span(lowered) is not None:
        raise UserError(
            _("“{name}” is a word of the chart language; pick another name, e.g. {example}.").format(
                name=name, example=f"{lowered}-chart"
            )
        )
    return lowered


def _within_limit(text: str) -> str:
    """The text, or a refusal saying the limit when it is longer than any chart request (checked before any work)."""
    if len(text) > MAX_LINE and len(text := clean(text)) > MAX_LINE:
        raise UserError(
            _("That line is {count:,} characters long; a chart request takes at most {limit:,}.").format(
                count=len(text), limit=MAX_LINE
            )
        )
    return text


def _parse_request(text: str) -> Request:
    text = clean(_within_limit(text))  # token positions below refer to the cleaned text
    typed_tokens = tokenize(text)
    alert = alert_request(typed_tokens, text) or account_request(typed_tokens) if typed_tokens else None
    if alert is not None:
        return alert
    asked = _asked_command(typed_tokens)
    if asked is not None:
        return asked
    tokens = normalized(typed_tokens)
    if not tokens:
        return HelpRequest()
    typed = tokens[0].text.lower() if not tokens[0].quoted and tokens[0].kind is Kind.WORD else ""
    head = COMMANDS.get(typed) or SCHEDULE_COMMANDS.get(typed, "")
    rest = tokens[1:]
    if head in ("help", "metrics"):  # what follows is a topic or a metric's name: read as typed
        words = tuple(t.text for t in typed_tokens if t.start > tokens[0].start)
        return HelpRequest(" ".join(words)) if head == "help" else MetricsRequest(words)
    if head in ("saved", "schedules"):  # what follows is read as typed (`all` and `페이지` are no filler here)
        words = tuple(t.text for t in typed_tokens if t.start > tokens[0].start)
        if head == "schedules":
            return ScheduleRequest(action=head, words=words, text=" ".join(words))
        return SavedRequest(page_asked(words, typed))
    if head == "forget":
        if len(rest) != 1:
            raise UserError(_("`forget` takes one saved chart's name, e.g. `forget web-cpu` or `잊기 web-cpu`."))
        return ForgetRequest(check_saved_name(rest[0].text))
    if head == "save":
        if len(rest) < 2:
            raise UserError(
                _("`save` takes a name and a chart, e.g. `save web-cpu cpu web-01 3h` or `저장 web-cpu cpu 3시간`.")
            )
        name = check_saved_name(rest[0].text)
        chart_text = text[rest[1].start :].strip()  # stored as typed, quotes and all
        return SaveRequest(name=name, spec=_ChartParser(rest[1:]).parse(), text=chart_text)
    if head == "next" and rest and _low_word(rest[0]) in _COMING:  # `다음 주 …`, `next week …`: no schedule's id
        raise UserError(
            _("“{words}” is still to come: a chart shows what has happened. Pick a window before now, e.g. "
              "`last week` or `지난주`.").format(words=f"{tokens[0].text} {rest[0].text}")
        )  # fmt: skip
    if head:
        return ScheduleRequest(
            action=head, words=tuple(t.text for t in rest), text=text[rest[0].start :] if rest else ""
        )
    meant = _command_meant(typed, rest)
    if meant is not None:
        if meant in ALERT_PHRASES:
            said = ALERT_PHRASES[meant][language() == KOREAN]
        else:
            said = korean_command(meant) if language() == KOREAN else meant
        instead = " ".join([said, *(t.text for t in rest[:1] if meant != "watch")])
        raise UserError(
            _("“{word}” is not a command of the chart language. Did you mean `{instead}`?").format(
                word=tokens[0].text, instead=instead
            )
        )
    return ChartRequest(spec=_ChartParser(tokens).parse(), text=text.strip())


_COMING = frozenset({"주", "달", "week", "month", "hour", "day", "주일", "시간", "날", "year", "해"})


def _low_word(token: Token) -> str:
    return token.text.lower() if token.kind is Kind.WORD and not token.quoted else ""


def _asked_command(typed_tokens: list[Token]) -> Request | None:
    """`사용법 알려주세요` → help, `어떤 지표 볼 수 있어?` → metrics, `저장된 차트 목록` → saved (see
    lexicon.ASKED_COMMANDS)."""
    words = {
        word
        for token in typed_tokens
        if token.kind is Kind.WORD and not token.quoted
        for word in [token.text.lower().strip("?!.,")]
        if word
    }
    for command, (own, helpers) in ASKED_COMMANDS.items():
        meaningful = {word for word in words if word not in FILLER or word in own}
        if meaningful & own and meaningful <= own | helpers and len(words) > 1:
            return HelpRequest() if command == "help" else MetricsRequest() if command == "metrics" else SavedRequest()
    return None


def _command_meant(typed: str, rest: list[Token]) -> str | None:
    """The command a first word stands for when it is no command but reads like one before an id or alone:
    `unschedule 3` → delete, `pasue 3` → pause (a metric is never followed by a bare number); and `wacth` before
    `alerts` → watch (`watch alerts …`), whatever follows."""
    if typed and rest and rest[0].text.lower() in ALERT_NOUNS and typed not in _ALERT_WORDS:
        if typed in WATCH_SYNONYMS:
            return "watch"
        return "watch" if difflib.get_close_matches(typed, ["watch"], n=1, cutoff=0.75) else None
    if not typed or (rest and not _ID.match(rest[0].text)) or len(rest) > 1:
        return None
    if typed in COMMAND_SYNONYMS:
        return COMMAND_SYNONYMS[typed]
    if not rest:
        return None
    commands = {**COMMANDS, **SCHEDULE_COMMANDS, **_SINGLE_ALERT_WORDS}
    close = difflib.get_close_matches(typed, list(commands), n=1, cutoff=0.75)
    return commands[close[0]] if close else None


_ALERT_WORDS = frozenset(word for words in ALERT_COMMANDS for word in words)
_SINGLE_ALERT_WORDS = {words[0]: command for words, command in ALERT_COMMANDS.items() if len(words) == 1}


# The chart part ------------------------------------------------------------------------------------------------


@dataclass
class _MetricDraft:
    words: list[str]
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    quoted: bool = False


class _ChartParser:
    """Words that are no window, option or joining word are kept, in runs, as what the catalog decides on: a
    metric, a resource, or both (`cpu web-01`); `resolve` tells them apart."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens  # normalized (bot.language.normalize)
        self.i = 0
        self.drafts: list[_MetricDraft] = []
        self.shared_dimensions: list[tuple[str, str]] = []
        self.words: list[str] = []
        self.window: Window | None = None
        self.window_words = ""
        self.colours: list[str] = []
        self.labels: list[str] = []
        self.values: dict[str, object] = {}
        self.steered: list[tuple[int, int]] = []  # token ranges of what buttons change: window, stat, thread, dry-run
        self.stat_word = ""
        self.unsupported_stat: str | None = None
        self.compare = False

    def _compare_at(self) -> bool:
        """`vs yesterday`, `compared to last week`, `compare`, `어제랑 비교`, `지난주 대비`: the chart is compared with
        the same window a day and a week earlier (what the Compare button draws)."""
        low = self._low(self.i)
        if low in COMPARE_WORDS:
            at = self.i + 1
            while self._low(at) in ("to", "with", "against", "와", "과", "랑"):
                at += 1
            earlier = self._earlier_at(at)
            if earlier:
                self._compared(at + earlier)
                return True
            if at > self.i + 1 or low in ("against",):  # `compared to web-02`: two resources, side by side
                self._flush()
                self.i = at
                return True
            if low not in VERSUS and self._sides_later():  # `compare web-01 against web-02`: resources side by side
                self.i += 1
                return True
            if low not in VERSUS:
                self._compared(self.i + 1)
                return True
            return False
        earlier = self._earlier_at(self.i)
        if earlier:
            at = self.i + earlier
            if self._low(at) in ("랑", "와", "과", "이랑", "하고"):
                at += 1
            if self._low(at) in COMPARE_WORDS and not (self._low(at) or "").isascii():  # 어제랑 비교, 지난주 대비
                self._compared(at + 1)
                return True
        return False

    def _percentile_at(self) -> bool:
        """`95th percentile`, `99 퍼센타일`: a statistic ServiceWatch does not draw, refused by name later."""
        low, after = self._low(self.i) or "", self._low(self.i + 1) or ""
        if not (_ORDINAL.match(low) and after in OTHER_STATISTICS):
            return False
        self._flush()
        said = self.tokens[self.i + 1].text
        self.unsupported_stat = f"{self.tokens[self.i].text}{' ' if said.isascii() else ''}{said}"
        self.i += 2
        return True

    def _sides_later(self) -> bool:
        """Whether a later `against`/`vs` sets two things side by side rather than a window against an earlier one."""
        return any(
            self._low(at) in ("against", *VERSUS) and not self._earlier_at(at + 1)
            for at in range(self.i + 1, len(self.tokens))
        )

    def _earlier_at(self, at: int) -> int:
        """How many words from `at` say an earlier day or week (`yesterday`, `last week`, `지난 주`), else 0."""
        for size in (3, 2, 1):
            words = [self._low(index) for index in range(at, at + size)]
            if None not in words and " ".join(words) in EARLIER_WORDS:  # type: ignore[arg-type]
                return size
        return 0

    def _compared(self, end: int) -> None:
        self._flush()
        self.compare = True
        self.steered.append((self.i, end))
        self.i = end

    def _period_at(self) -> bool:
        """`5m resolution`, `1h interval`, `per 5 min`, `per hour`, `5분 단위`, `1시간 간격`: the period."""
        low = self._low(self.i)
        if low is None:
            return False
        if low in PERIOD_BEFORE and low != "every":
            first = self._low(self.i + 1)
            if first is None:
                return False
            seconds = unit_word(first)
            seconds = seconds if seconds and seconds >= 60 else None
            used = 2 if seconds else 0
            if not seconds:
                found = self._length_at(self.i + 1)
                seconds, used = (found[0], found[1] + 1) if found else (None, 0)
            if seconds:
                self._period(seconds, self.i + used)
                return True
            return False
        found = self._length_at(self.i)
        if (
            found is not None
            and self._low(self.i + found[1]) in PERIOD_AFTER
            and not (self._low(self.i + found[1]) in PERIOD_OPTIONS and self._length_at(self.i + found[1] + 1))
        ):
            self._period(found[0], self.i + found[1] + 1)
            return True
        return False

    def _length_at(self, at: int) -> tuple[int, int] | None:
        """A length of time at `at`: `5m`, `5분`, `5 min`; (seconds, words taken)."""
        word = self._low(at)
        if word is None:
            return None
        span = parse_span(word)
        if span is not None:
            return span, 1
        following = self._low(at + 1)
        if following is not None and (span := span_with_unit(word, following)):
            return span, 2
        return None

    def _period(self, seconds: int, end: int) -> None:
        self._flush()
        if "period" in self.values:
            raise UserError(_("`period` is given twice; keep one."))
        self.values["period"] = options.parse_period(f"{seconds}s")
        self.i = end

    def _low(self, at: int) -> str | None:
        word = word_at(self.tokens, at)
        return word.lower() if word is not None else None

    def parse(self) -> ChartSpec:
        while self.i < len(self.tokens):
            self._step()
        self._flush()
        if not self.drafts:
            raise UserError(
                _("Name a chart: a saved chart (see `saved`) or a metric, e.g. `cpu web-01` or `lag 지난 3시간`.")
            )
        if len(self.drafts) > MAX_METRICS:
            raise UserError(
                _("{count} metrics is too many for one chart; use at most {limit}.").format(
                    count=len(self.drafts), limit=MAX_METRICS
                )
            )
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
            account=self.values.get("account"),  # type: ignore[arg-type]
            compare=self.compare,
            unsupported_stat=self.unsupported_stat,
            notes=tuple((t.typed, t.text) for t in self.tokens if t.typed),
            unsure=tuple((t.text, t.unsure) for t in self.tokens if t.unsure),
        )

    def _metric(self, index: int, draft: _MetricDraft) -> MetricRef:
        text = " ".join(draft.words)
        namespace, _colon, name = text.partition(":") if ":" in text else ("", "", text)
        namespace, name = namespace.strip(), name.strip()
        if not name:
            raise UserError(_("“{text}” names no metric after the `:`; write namespace:metric.").format(text=text))
        dimensions = dict(self.shared_dimensions)
        dimensions.update(draft.dimensions)
        last = index == len(self.drafts) - 1
        return MetricRef(
            name=name,
            namespace=namespace or None,
            dimensions=tuple(dimensions.items()),
            color=self.colours[index] if index < len(self.colours) else None,
            label=self.labels[index] if index < len(self.labels) else None,
            more_colors=tuple(self.colours[index + 1 :]) if last else (),
            more_labels=tuple(self.labels[index + 1 :]) if last else (),
            quoted=draft.quoted,
        )

    def _flush(self) -> None:
        if self.words:
            self.drafts.append(_MetricDraft(self.words))
            self.words = []

    def _step(self) -> None:
        token = self.tokens[self.i]
        if token.quoted:
            if not token.text.strip():
                raise UserError(_("An empty quoted name (“”) names nothing; put the metric's name between the quotes."))
            self._flush()
            self.drafts.append(_MetricDraft([token.text.strip()], quoted=True))
            self.i += 1
            return
        if token.kind is not Kind.WORD:
            raise UserError(_misplaced(token))
        low = token.text.lower()
        if self._compare_at() or self._period_at() or self._percentile_at():
            return
        window = window_at(self.tokens, self.i)
        if window is not None:
            found, consumed = window
            merged = onto_day(self.window, found) if self.window is not None else None
            if merged is not None:  # `yesterday between 1pm and 3pm`
                found, self.window = merged, None
            if self.window is not None:
                raise UserError(
                    _("Two windows: “{first}” and “{second}”; keep one.").format(
                        first=self.window_words, second=found.text
                    )
                )
            self._flush()
            self.window, self.window_words = found, found.text
            self.steered.append((self.i, self.i + consumed))
            self.i += consumed
            return
        name, has_equals, value = token.text.partition("=")
        option = OPTIONS.get(name.lower())
        if option is not None:
            self._flush()
            start = self.i
            if has_equals:
                self._option(option, Token(value, kind=Kind.WORD) if value else None, name)
                self.i += 1
            else:
                self._option(option, self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None, name)
                self.i += 2
            if option in ("stat", "thread"):
                self.steered.append((start, min(self.i, len(self.tokens))))
            return
        self.i += 1
        if low in FLAGS:
            self._flush()
            self.values[FLAGS[low]] = True
            self.steered.append((self.i - 1, self.i))
        elif low in STAT_WORDS:  # max, peak, 최대, 평균: anywhere in the line
            self._flush()
            if "stat" in self.values and self.values["stat"] != STAT_WORDS[low]:
                raise UserError(
                    _("Two statistics: “{first}” and “{second}”; keep one.").format(
                        first=self.stat_word, second=token.text
                    )
                )
            self.values["stat"], self.stat_word = STAT_WORDS[low], token.text
            self.steered.append((self.i - 1, self.i))
        elif re.match(PERCENTILE, low) or low in OTHER_STATISTICS:
            self._flush()
            self.unsupported_stat = token.text
        elif low in VERSUS:  # web-01 vs web-02
            self._flush()
        elif low in JOINING_WORDS:
            if self.words:  # kept: the catalog decides whether it parts two names or belongs to one
                self.words.append(token.text)
        elif low in JOINERS:
            self._flush()
        elif has_equals:
            self._dimension(name, value, token)
        elif "+" in token.text or token.text.endswith(","):
            self._joined(token.text)
        else:
            self.words.append(token.text)

    def _joined(self, text: str) -> None:
        """`cpu+memory`, `lag+`, `web-01,`: `+` and `,` join names as they do between words."""
        for index, part in enumerate(text.replace(",", "+").split("+")):
            if index:
                self._flush()
            if part:
                self.words.append(part)

    def _dimension(self, key: str, value: str, token: Token) -> None:
        if not key or not value:
            raise UserError(
                _("“{word}” is not a dimension; write KEY=VALUE, e.g. VolumeID=45fbde15-….").format(word=token.text)
            )
        self._flush()
        (self.drafts[-1].dimensions if self.drafts else self.shared_dimensions).append((key, value))

    def _option(self, option: str, value: Token | None, typed: str) -> None:
        if value is None or (not value.quoted and value.kind is Kind.WORD and not value.text):
            raise UserError(_("`{word}` needs a value, e.g. {example}.").format(word=typed, example=_EXAMPLES[option]))
        if option in ("color", "label"):
            (self.colours if option == "color" else self.labels).append(str(_value(option, value, typed)))
            return
        if option in self.values:
            raise UserError(_("`{word}` is given twice; keep one.").format(word=typed))
        self.values[option] = _value(option, value, typed)


def _value(option: str, value: Token, typed: str) -> object:
    """The option's value; a refusal quotes the option as it was typed (`통계 p99`, not `stat p99`)."""
    try:
        return _VALUE_PARSERS[option](value)
    except options.OptionError as exc:
        raise options.OptionError(str(exc).replace(f"`{option} ", f"`{typed} ", 1)) from None


def _text_value(limit: int) -> Callable[[Token], str]:
    def parse(token: Token) -> str:
        text = str(token).strip()
        if not text or len(text) > limit:
            raise options.OptionError(_("“{text}” must be 1–{limit} characters.").format(text=text[:40], limit=limit))
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
    "account": lambda t: check_account_name(t.text),
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
    "account": "account prod",
}


def _misplaced(token: Token) -> str:
    if token.kind is Kind.LINK:
        return _("The link “{link}” is only understood after `thread`, e.g. `thread {link}`.").format(link=token.text)
    if token.kind is Kind.CHANNEL:
        return _(
            "“{channel}” is a channel; charts post where you ask (use `thread <link>` to post into a thread)."
        ).format(channel=token)
    return _("“{person}” is a person; a chart is asked for with metric names, not people.").format(person=token)
