"""`python -m bench.time_libraries`: maintained time-expression libraries against the phrase corpus (issue 25).

Every corpus chart line (each has a wanted `from`/`to`) is given to each installed library twice: the whole line,
and the line with the words that are not about the window taken out (metric, resource, statistic, period, compare
and filler words: what our reader would have read already if a library read the rest). Each library's answer is
made into a window, to the minute, in the phrase's own zone and `now`:

- a span the library returns (an interval, a grain-sized value such as Duckling's "yesterday" = that day, a date
  range) is that span; an open end ends now;
- two points found in a line are a range from the first to the second;
- a single point is the start, and the window ends now; a bare duration is the last that long;
- a window that would run past now ends now (CONVENTIONS.md); nothing found is the default last 3 hours.

A line counts when both ends match the corpus exactly, per language, beside our own reader (`outcome_of`) on the
same lines. Libraries that are not installed are reported as such; none is a dependency of the project.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import os
import platform
import re
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from bench.corpus import CATALOG, Phrase, load, outcome_of
from bot.errors import UserError
from bot.i18n import speaking
from bot.language.parse import parse_request

DEFAULT_WINDOW = timedelta(hours=3)
MINUTE = "%Y-%m-%dT%H:%M"
LANGUAGES = ("en", "ko")


@dataclass(frozen=True)
class Reading:
    """One time expression a library found: a span (`end` None means it runs on to now) or a point."""

    start: datetime  # naive local wall clock in the phrase's zone
    end: datetime | None = None
    span: bool = False


@dataclass
class Score:
    """A library's answers on the corpus lines, one variant (whole line or time words only)."""

    said: dict[str, tuple[str, str]] = field(default_factory=dict)  # phrase id → (from, to)
    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    defaulted: set[str] = field(default_factory=set)  # phrase ids where the library found nothing (last 3 hours)


# ---------------------------------------------------------------------------------------------------------------
# Taking out the words that are not about the window.

_RESOURCES = sorted({r.label() for m in CATALOG.metrics for r in m.resources}, key=len, reverse=True)
_EN_PHRASES = [
    "transactions per second",
    "replication lag",
    "disk io",
    "http 5xx",
    "in terms of",
    "show me",
    "can you",
    "could you",
    "can i see",
    "i'd love to",
    "pull up",
    "thank you",
    "would it be possible to",
    "one more",
    "anything weird",
    "i'm",
]
_EN_WORDS = (
    "cpu cpuu memory memmory mem disk io read reads write writes network traffic inbound outbound in out bytes "
    "connections connection conns lag replication errors error 5xx tps transactions usage active new "
    "max maximum peak highest minimum lowest avg average mean sum total count "
    "show me please pls plz can could you i see draw give look looked like what was how how's is doing did busy "
    "for of on the over both all servers server lbs lb db web batch graph chart numbers weekly report just "
    "hi hello thanks sorry quick curious need big picture also so much wtf ugh going with again here"
)
_UNIT = r"(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?)"
_EN_PERIOD = [  # "period" takes the number after it, "resolution"/"interval" the one before ("6h period 5m")
    rf"(?:at\s+|with\s+a\s+)?(?:period|step)\s+(?:of\s+)?\d+\s*{_UNIT}\b",
    rf"(?:at\s+)?\d+\s*{_UNIT}\s+(?:resolution|interval|granularity|buckets?)\b",
    rf"(?:resolution|interval|granularity)\s+(?:of\s+)?\d+\s*{_UNIT}\b",
    rf"\bper\s+\d+\s*{_UNIT}\b",
]
_EN_COMPARE = [
    r"\b(?:vs\.?|versus|compared?\s+(?:to|with)|compares?\s+to|against)\s+"
    r"(?:yesterday|last\s+week|a\s+week\s+ago|the\s+day\s+before|the\s+previous\s+day|the\s+week\s+before)\b",
    r"\b(?:vs\.?|versus|compared?\s+(?:to|with)?|compares?(?:\s+to)?|against)(?=\s|$)",
]
_KO_PERIOD = [
    r"\d+\s*(?:초|분|시간|일)\s*(?:단위|간격|주기)(?:로|으로)?",
    r"(?:주기|간격|단위)\s*\d+\s*(?:초|분|시간|일)",
]
_KO_COMPARE = [
    r"(?:어제|지난\s*주|전주|전일|일주일\s*전)\s*(?:이랑|랑|와|과|하고)?\s*(?:비교|대비)\S*",
    r"(?:비교|대비)\S*",
]
_KO_WORDS = (  # comma-separated: some are several words
    "보여 주세요, 보여주세요, 보여줘요, 보여줘, 알려주세요, 알려줘, 그려줘, 부탁드립니다, 부탁드려요, "
    "부탁합니다, 부탁해요, 봐줄 수 있어, 볼 수 있을까요, 있을까요, 주세요, 좀, 확인, 차트, 그래프, 같이, "
    "전체, 복제 지연, 복제지연, 지연, 커넥션 수, 연결 수, 연결수, 연결, 커넥션, 메모리, 메모라, 디스크, "
    "읽기, 쓰기, 네트워크, 트래픽, 수신량, 송신량, 수신, 송신, 바이트, 에러, 나는지, 트랜잭션, 초당, "
    "사용률, 사용량, 씨피유, 활성, 신규, 최댓값, 최대값, 최대치, 최대, 최고, 최솟값, 최소값, 최소, 최저, "
    "평균, 총합, 합계, 총, 합, 개수, 건수, 샘플, 서버, 디비, 레플리카, 어땠는지, 어땠어, "
)
_PARTICLE = r"(?:의|를|을|이랑|이|가|은|는|에서|으로|로|랑|와|과|도)?"
_ASCII_LEFT, _ASCII_RIGHT = r"(?<![A-Za-z0-9_'-])", r"(?![A-Za-z0-9_'-])"


def _ascii_word(word: str) -> str:
    return _ASCII_LEFT + re.escape(word) + r"(?:'s)?" + _ASCII_RIGHT + _PARTICLE


def _strippers() -> list[re.Pattern[str]]:
    patterns = [*_EN_PERIOD, *_KO_PERIOD, *_EN_COMPARE, *_KO_COMPARE]
    # Resources first, longest first; one glued to a metric word ("web-01cpu") still ends at its last digit.
    patterns += [_ASCII_LEFT + re.escape(r) + r"(?:'s)?(?![0-9_-])" + _PARTICLE for r in _RESOURCES]
    patterns += [_ascii_word(p) for p in _EN_PHRASES]
    # "min" is a statistic unless a number stands before it ("20 min").
    patterns.append(r"(?<!\d)(?<!\d )" + _ascii_word("min"))
    patterns += [_ascii_word(w) for w in sorted(_EN_WORDS.split(), key=len, reverse=True)]
    korean = sorted({w.strip() for w in _KO_WORDS.split(",")} - {""}, key=len, reverse=True)
    patterns += [re.escape(w).replace(r"\ ", r"\s*") + _PARTICLE for w in korean]
    return [re.compile(p, re.IGNORECASE) for p in patterns]


_STRIPPERS = _strippers()


def time_words(line: str) -> str:
    """The line without the words that are not about its window (what our reader reads apart from the window)."""
    text = line
    for pattern in _STRIPPERS:
        text = pattern.sub(" ", text)
    if not re.search(r"\bbetween\b", text, re.IGNORECASE):
        text = re.sub(_ASCII_LEFT + "and" + _ASCII_RIGHT, " ", text, flags=re.IGNORECASE)
    text = re.sub(r"[,?!\"+]|(?<!\d)\.|'s\b", " ", text)
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------------------------
# From readings to a window.


def window_of(readings: list[Reading], now: datetime) -> tuple[datetime, datetime] | None:
    """The window a library's readings mean, by the rules in this module's docstring; None when nothing was found."""
    spans = [r for r in readings if r.span]
    points = [r for r in readings if not r.span]
    if spans:
        start, end = spans[0].start, spans[0].end or now
    elif len(points) >= 2:
        start, end = points[0].start, points[1].start
    elif points:
        start, end = points[0].start, now
    else:
        return None
    return start, min(end, now)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A library's datetime as a naive wall-clock time in the phrase's zone (naive ones are taken as already so)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.replace(tzinfo=None, microsecond=0)


def unit_start(moment: datetime, unit: str) -> datetime | None:
    """The start of the day/week/month/year `moment` falls in; None for smaller units."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return None


def unit_after(start: datetime, unit: str) -> datetime:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    if unit == "quarter":
        month = start.month + 3
        return start.replace(year=start.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
    return start.replace(year=start.year + 1)


def latest_at(clock: str, now: datetime) -> datetime:
    """A clock time with no day ("15:00:00"): the latest one that has begun."""
    hour, minute, *_ = (int(part) for part in clock.split(":"))
    moment = now.replace(hour=hour % 24, minute=minute, second=0, microsecond=0)
    return moment - timedelta(days=1) if moment > now else moment


# ---------------------------------------------------------------------------------------------------------------
# The libraries. Each adapter imports its library lazily and gives the phrase's `now`, zone and language.


@dataclass
class Library:
    name: str
    package: str  # the distribution, for its version
    module: str
    languages: str  # what the library says it reads
    read: Callable[[ModuleType, str, Phrase], list[Reading]]
    loaded: ModuleType | None = None
    missing: str = ""

    def load(self) -> bool:
        try:
            self.loaded = importlib.import_module(self.module)
        except Exception as error:  # ImportError, or a library that fails while importing
            self.missing = f"not installed ({type(error).__name__})"
            return False
        return True

    @property
    def version(self) -> str:
        try:
            return importlib.metadata.version(self.package)
        except importlib.metadata.PackageNotFoundError:
            return "?"


def _naive_now(phrase: Phrase) -> datetime:
    return phrase.now.replace(tzinfo=None, second=0, microsecond=0)


def _dateparser_settings(phrase: Phrase) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": _naive_now(phrase),
        "TIMEZONE": phrase.timezone,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }


def read_dateparser(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """dateparser's search_dates: points (dateparser returns datetimes, not spans)."""
    search = importlib.import_module("dateparser.search")
    found = search.search_dates(text, languages=[phrase.language], settings=_dateparser_settings(phrase)) or []
    zone = ZoneInfo(phrase.timezone)
    return [Reading(local(moment, zone)) for _text, moment in found]


_DATEPARSER_DDP: dict[tuple[str, str, datetime], Any] = {}


def read_dateparser_periods(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """dateparser's search_dates, each match's period (RETURN_TIME_AS_PERIOD) taken as a whole unit when it is a
    day, week, month or year ("yesterday" → that day), else a point."""
    search = importlib.import_module("dateparser.search")
    settings = _dateparser_settings(phrase)
    found = search.search_dates(text, languages=[phrase.language], settings=settings) or []
    key = (phrase.language, phrase.timezone, _naive_now(phrase))
    if key not in _DATEPARSER_DDP:
        date_module = importlib.import_module("dateparser.date")
        _DATEPARSER_DDP[key] = date_module.DateDataParser(
            languages=[phrase.language], settings={**settings, "RETURN_TIME_AS_PERIOD": True}
        )
    parser = _DATEPARSER_DDP[key]
    zone = ZoneInfo(phrase.timezone)
    readings = []
    for matched, moment in found:
        period = parser.get_date_data(matched).period or "time"
        start = unit_start(local(moment, zone), period)
        if start is None:
            readings.append(Reading(local(moment, zone)))
        else:
            readings.append(Reading(start, unit_after(start, period), span=True))
    return readings


_DUCKLING_ZONES: list[Any] = []
_JOINER = re.compile(r"-|~|–|\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b|까지", re.IGNORECASE)
_GRAINS = {"second": 1, "minute": 60, "hour": 3600}


def read_duckling(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """Duckling (Haskell, through pyduckling-native): intervals, grain-sized values, durations."""
    if not _DUCKLING_ZONES:
        _DUCKLING_ZONES.append(module.load_time_zones("/usr/share/zoneinfo"))
    lang = module.parse_lang(phrase.language.upper())
    locale = module.parse_locale(f"{phrase.language.upper()}_XX", module.default_locale_lang(lang))
    ref = module.parse_ref_time(_DUCKLING_ZONES[0], phrase.timezone, int(phrase.now.timestamp()))
    context = module.Context(ref, locale)
    entities = module.parse(text, context, module.parse_dimensions(["time", "duration"]), False)
    zone, now = ZoneInfo(phrase.timezone), _naive_now(phrase)
    readings = []
    for entity in entities:
        value = entity["value"]
        if entity["dim"] == "duration":
            seconds = value.get("normalized", {}).get("value")
            if seconds:
                readings.append(Reading(now - timedelta(seconds=seconds), now, span=True))
            continue
        if value.get("type") == "interval":
            if "from" not in value:
                continue
            start = local(datetime.fromisoformat(value["from"]["value"]), zone)
            end = None
            if "to" in value:
                end = local(datetime.fromisoformat(value["to"]["value"]), zone)
                grain = _GRAINS.get(value["to"].get("grain", ""), 0)
                # Two points joined ("3pm to 5pm", "10시~12시") make Duckling's closed interval, which runs to the
                # end of the last point's grain (18:00); the point itself is the end meant.
                if grain and _JOINER.search(entity["body"]):
                    end -= timedelta(seconds=grain)
            readings.append(Reading(start, end, span=True))
        elif "value" in value:
            start = local(datetime.fromisoformat(value["value"]), zone)
            grain = value.get("grain", "")
            if grain in ("day", "week", "month", "quarter", "year"):
                readings.append(Reading(start, unit_after(start, grain), span=True))
            else:
                readings.append(Reading(start))
    return readings


def read_recognizers(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """Microsoft Recognizers-Text (Python): its datetimeV2 resolutions. Its Python build has no Korean model, so a
    Korean line is read with its English one (its own fallback)."""
    text_module = importlib.import_module("recognizers_text")
    culture = text_module.Culture.Korean if phrase.language == "ko" else text_module.Culture.English
    now = _naive_now(phrase)
    results = module.recognize_datetime(text, culture, module.DateTimeOptions.NONE, now, True)
    readings = []
    for result in results:
        values = result.resolution.get("values", []) if result.resolution else []
        past = [v for v in values if _recognizer_start(v, now) <= now] or values
        if past and (reading := _recognizer_reading(past[0], now)) is not None:
            readings.append(reading)
    return readings


def _recognizer_moment(text: str, now: datetime) -> datetime:
    if len(text) <= 8 and ":" in text:  # a clock time with no day
        return latest_at(text, now)
    moment = datetime.fromisoformat(text)
    if moment.second == 59:  # "23:59:59" closes a part of the day
        moment += timedelta(seconds=1)
    return moment.replace(second=0)


def _recognizer_start(value: dict[str, str], now: datetime) -> datetime:
    text = value.get("start") or value.get("value") or ""
    try:
        return _recognizer_moment(text, now)
    except ValueError:
        return now


def _recognizer_reading(value: dict[str, str], now: datetime) -> Reading | None:
    kind = value.get("type", "")
    try:
        if kind == "duration":
            return Reading(now - timedelta(seconds=float(value["value"])), now, span=True)
        if kind == "date":
            day = datetime.fromisoformat(value["value"])
            return Reading(day, day + timedelta(days=1), span=True)
        if kind in ("datetime", "time"):
            return Reading(_recognizer_moment(value["value"], now))
        if kind in ("daterange", "datetimerange", "timerange") and "start" in value:
            start = _recognizer_moment(value["start"], now)
            end = _recognizer_moment(value["end"], now) if "end" in value else None
            if end is not None and kind == "timerange" and end < start:
                end += timedelta(days=1)
            if kind == "timerange" and end is not None and end > now >= start + timedelta(days=1):
                end -= timedelta(days=1)
            return Reading(start, end, span=True)
    except (KeyError, ValueError):
        return None
    return None


def read_timefhuman(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """timefhuman: datetimes and (start, end) ranges, with the past preferred (Direction.previous)."""
    config = module.tfhConfig(now=_naive_now(phrase), direction=module.Direction.previous)
    readings: list[Reading] = []
    for item in module.timefhuman(text, config=config):
        for one in item if isinstance(item, list) else [item]:
            if isinstance(one, tuple) and len(one) == 2 and all(isinstance(x, datetime) for x in one):
                readings.append(Reading(one[0], one[1], span=True))
            elif isinstance(one, datetime):
                readings.append(Reading(one))
            elif isinstance(one, timedelta):
                readings.append(Reading(_naive_now(phrase) - one, _naive_now(phrase), span=True))
            elif isinstance(one, date):
                day = datetime(one.year, one.month, one.day)
                readings.append(Reading(day, day + timedelta(days=1), span=True))
    return readings


def read_parsedatetime(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """parsedatetime: a range when evalRanges finds one, else the points nlp() finds."""
    calendar = module.Calendar(version=module.VERSION_CONTEXT_STYLE)
    now = _naive_now(phrase)
    start, end, flag = calendar.evalRanges(text, sourceTime=now.timetuple())
    if flag:
        return [Reading(datetime(*start[:6]), datetime(*end[:6]), span=True)]
    found = calendar.nlp(text, sourceTime=now) or ()
    return [Reading(moment.replace(second=0)) for moment, *_rest in found]


_KOREAN_OPTIONS: list[Any] = []


def read_korean_datetime(module: ModuleType, text: str, phrase: Phrase) -> list[Reading]:
    """korean-datetime: half-open spans with a grain. A span longer than its grain ("어제 오후", "지난주", a range) is
    a span; one grain long at hour or minute ("오후 6시", "2시간 전") is a point. The past cycle and 24-hour clocks
    (`3시` is 03:00) are the corpus's conventions."""
    if not _KOREAN_OPTIONS:
        _KOREAN_OPTIONS.append(module.ParseOptions(cycle=module.Cycle.PAST, ambiguous_hour=module.AmbiguousHour.AS_IS))
    zone = ZoneInfo(phrase.timezone)
    readings = []
    for found in module.parse_all(text, now=phrase.now.replace(second=0, microsecond=0), options=_KOREAN_OPTIONS[0]):
        start, end = local(found.start, zone), local(found.end, zone)
        grain = _GRAINS.get(found.grain.value, 0)
        if found.is_range or not grain or (end - start).total_seconds() > grain:
            readings.append(Reading(start, end, span=True))
        else:
            readings.append(Reading(start))
    return readings


LIBRARIES = [
    Library("dateparser (points)", "dateparser", "dateparser", "200+ locales incl. ko", read_dateparser),
    Library("dateparser (periods)", "dateparser", "dateparser", "200+ locales incl. ko", read_dateparser_periods),
    Library("Duckling (pyduckling-native)", "pyduckling-native-phihos", "duckling", "en, ko, …", read_duckling),
    Library(
        "Recognizers-Text",
        "recognizers-text-date-time",
        "recognizers_date_time",
        "en (no ko in Python)",
        read_recognizers,
    ),
    Library("timefhuman", "timefhuman", "timefhuman", "en", read_timefhuman),
    Library("parsedatetime", "parsedatetime", "parsedatetime", "en (de, es, … no ko)", read_parsedatetime),
    Library("korean-datetime", "korean-datetime", "korean_datetime", "ko", read_korean_datetime),
]


# ---------------------------------------------------------------------------------------------------------------
# The run.


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def chart_lines() -> list[Phrase]:
    return [p for p in load() if p.want is not None and "from" in p.want and "to" in p.want]


def wanted(phrase: Phrase) -> tuple[str, str]:
    assert phrase.want is not None
    return str(phrase.want["from"]), str(phrase.want["to"])


def names_a_window(phrase: Phrase) -> bool:
    """Whether the wanted window is other than the default (last 3 hours)."""
    now = _naive_now(phrase)
    return wanted(phrase) != ((now - DEFAULT_WINDOW).strftime(MINUTE), now.strftime(MINUTE))


def answer(library: Library, text: str, phrase: Phrase, score: Score) -> None:
    assert library.loaded is not None
    now = _naive_now(phrase)
    started = time.perf_counter()
    try:
        with quiet():
            readings = library.read(library.loaded, text, phrase) if text else []
    except Exception:  # a library that throws on a line has read nothing
        readings = []
        score.errors += 1
    score.seconds.append(time.perf_counter() - started)
    window = window_of(readings, now)
    if window is None:
        score.defaulted.add(phrase.id)
        window = (now - DEFAULT_WINDOW, now)
    score.said[phrase.id] = (window[0].strftime(MINUTE), window[1].strftime(MINUTE))


def ours(lines: list[Phrase]) -> Score:
    score = Score()
    for phrase in lines:
        got = outcome_of(phrase)
        score.said[phrase.id] = (got.start, got.end) if got.kind == "chart" else (got.kind, got.message[:80])
        with speaking(phrase.language):
            started = time.perf_counter()
            with contextlib.suppress(UserError):
                parse_request(phrase.say)
            score.seconds.append(time.perf_counter() - started)
    return score


def exact(score: Score, lines: list[Phrase]) -> int:
    return sum(score.said.get(p.id) == wanted(p) for p in lines)


def cell(score: Score, lines: list[Phrase]) -> str:
    return f"{exact(score, lines)}/{len(lines)}"


def p50_ms(score: Score) -> str:
    return f"{1000 * statistics.median(score.seconds):.2f}" if score.seconds else "–"


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), platform.processor())
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {system}"


def run(beats_shown: int = 15) -> str:
    lines = chart_lines()
    by_language = {lang: [p for p in lines if p.language == lang] for lang in LANGUAGES}
    named = {lang: [p for p in by_language[lang] if names_a_window(p)] for lang in LANGUAGES}
    reader = ours(lines)
    results: list[tuple[Library, Score, Score]] = []
    for library in LIBRARIES:
        if not library.load():
            continue
        whole, stripped = Score(), Score()
        for lang in LANGUAGES:  # first calls load models and caches: not timed
            sample = next(p for p in by_language[lang])
            answer(library, sample.say, sample, Score())
        for phrase in lines:
            answer(library, phrase.say, phrase, whole)
            answer(library, time_words(phrase.say), phrase, stripped)
        results.append((library, whole, stripped))

    header = (
        "| library | version | reads | EN exact, time words | KO exact, time words | EN exact, whole line "
        "| KO exact, whole line | EN / KO exact, lines naming a window (time words) | p50 ms per line "
        "(time words / whole) |"
    )
    out = [
        f"- **Date**: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Machine**: {machine()}",
        f"- **Lines**: {len(lines)} corpus chart lines ({len(by_language['en'])} EN, {len(by_language['ko'])} KO); "
        f"{len(named['en'])} EN and {len(named['ko'])} KO name a window other than the default last 3 hours.",
        "",
        header,
        "|" + "---|" * header.count(" | ") + "---|",
        f"| **our reader** (outcome_of) | – | en, ko | {cell(reader, by_language['en'])} | "
        f"{cell(reader, by_language['ko'])} | (same) | (same) | {cell(reader, named['en'])} / "
        f"{cell(reader, named['ko'])} | {p50_ms(reader)} (whole line, parse_request) |",
    ]
    for library, whole, stripped in results:
        errors = f" ({stripped.errors + whole.errors} lines raised)" if stripped.errors + whole.errors else ""
        out.append(
            f"| {library.name} | {library.version} | {library.languages} | {cell(stripped, by_language['en'])} | "
            f"{cell(stripped, by_language['ko'])} | {cell(whole, by_language['en'])} | "
            f"{cell(whole, by_language['ko'])} | {cell(stripped, named['en'])} / {cell(stripped, named['ko'])} | "
            f"{p50_ms(stripped)} / {p50_ms(whole)}{errors} |"
        )
    for library in LIBRARIES:
        if library.loaded is None:
            out.append(f"| {library.name} | – | {library.languages} | {library.missing} | | | | | |")

    out += ["", "Lines a library reads right and our reader does not:", ""]
    by_default: list[str] = []
    shown = 0
    for phrase in lines:
        if reader.said.get(phrase.id) == wanted(phrase):
            continue
        read_right: list[str] = []
        default_right: list[str] = []
        for library, whole, stripped in results:
            for variant, score in (("time words", stripped), ("whole line", whole)):
                if score.said.get(phrase.id) == wanted(phrase):
                    (default_right if phrase.id in score.defaulted else read_right).append(
                        f"{library.name} ({variant})"
                    )
                    break
        ours_said = " → ".join(reader.said.get(phrase.id, ("?", "?")))
        if not read_right:
            if default_right:
                by_default.append(f"`{phrase.id}` `{phrase.say}` (ours: {' '.join(ours_said.split())[:90]}…)")
            continue
        shown += 1
        if shown > beats_shown:
            continue
        said = "; ".join(
            f"{library.name}: {' → '.join(stripped.said[phrase.id])}"
            for library, _whole, stripped in results
            if stripped.said.get(phrase.id) != wanted(phrase)
        )
        out.append(
            f"- `{phrase.id}` `{phrase.say}` (now {phrase.now:%a %m-%d %H:%M}; time words "
            f"`{time_words(phrase.say)}`): wanted {' → '.join(wanted(phrase))}; "
            f"ours {' '.join(ours_said.split())[:120]}; "
            f"right: {', '.join(read_right)}; wrong (time words): {said}"
        )
    out.append(f"\n{shown} lines where a library reads the window right and we do not.")
    if by_default:
        out += [
            "",
            "Lines we do not chart for reasons other than the window, where a library's 'nothing found' matched "
            "the default window:",
            "",
            *(f"- {line}" for line in by_default),
        ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--show", type=int, default=15, help="how many lines a library beats us on to list")
    parser.add_argument("--words", action="store_true", help="print each line's time words and stop")
    args = parser.parse_args()
    if args.words:
        for phrase in chart_lines():
            print(f"{phrase.id}\t{phrase.say}\t{time_words(phrase.say)}")
        return
    print(run(args.show))


if __name__ == "__main__":
    main()
