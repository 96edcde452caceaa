"""The chat language, construct by construct, and its errors; then arbitrary lines through it: a few hundred in
the default run, a large fresh sample in CI (`--slow`)."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time
from time import monotonic as time_now
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from bot.charts.help import help_text
from bot.errors import UserError
from bot.i18n import ENGLISH, KOREAN, speaking
from bot.language.parse import ChartUsageError, check_saved_name, parse_chart, parse_request, parse_window
from bot.language.spec import (
    AccountsRequest,
    AlertsRequest,
    ChartRequest,
    ChartSpec,
    ForgetRequest,
    HelpRequest,
    MetricRef,
    MetricsRequest,
    SavedRequest,
    SaveRequest,
    ScheduleRequest,
    ThreadRef,
    UnwatchRequest,
    UseAccountRequest,
    WatchesRequest,
    WatchRequest,
)
from bot.language.timerange import Ago, Clock, Instant, OnDate, Window
from bot.language.when import run_times
from bot.scheduling.commands import parse_schedule, parse_schedule_id

CPU = "CPU Usage/Core[Basic]"


def chart(text: str) -> ChartSpec:
    return parse_chart(text)


# Metrics, dimensions, several metrics ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        (f'"Virtual Server:{CPU}"', [MetricRef(CPU, "Virtual Server")]),
        (f"Virtual Server:{CPU}", [MetricRef(CPU, "Virtual Server")]),
        (f'"{CPU}"', [MetricRef(CPU)]),
        (f"\u201c{CPU}\u201d", [MetricRef(CPU)]),
        ("web-cpu", [MetricRef("web-cpu")]),
        ("Active Connections", [MetricRef("Active Connections")]),
        (f'"{CPU}" VolumeID=45fb', [MetricRef(CPU, dimensions=(("VolumeID", "45fb"),))]),
        (
            f'VolumeID=v1 "{CPU}" "Memory Usage[Basic]"',
            [
                MetricRef(CPU, dimensions=(("VolumeID", "v1"),)),
                MetricRef("Memory Usage[Basic]", dimensions=(("VolumeID", "v1"),)),
            ],
        ),
        ('VolumeID=v1 "a" VolumeID=v2', [MetricRef("a", dimensions=(("VolumeID", "v2"),))]),
        ('"a" k=1 "b" k=2', [MetricRef("a", dimensions=(("k", "1"),)), MetricRef("b", dimensions=(("k", "2"),))]),
        ("cpu + memory", [MetricRef("cpu"), MetricRef("memory")]),
        ("cpu, memory", [MetricRef("cpu"), MetricRef("memory")]),
        ("cpu , memory", [MetricRef("cpu"), MetricRef("memory")]),
        ('"a" "b" color red color #00ff00', [MetricRef("a", color="#d62728"), MetricRef("b", color="#00ff00")]),
        ('"a" "b" label "first one" label=second', [MetricRef("a", label="first one"), MetricRef("b", label="second")]),
        ('"a" "b" color=#ABC', [MetricRef("a", color="#aabbcc"), MetricRef("b")]),
        ("Virtual Server:CPU resource=web-01", [MetricRef("CPU", "Virtual Server", (("resource", "web-01"),))]),
    ],
)
def test_metrics(text: str, metrics: list[MetricRef]) -> None:
    assert list(chart(text).metrics) == metrics


# Windows ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "window"),
    [
        ("last 3h", Window(Ago(10800), None, "last 3h")),
        ("past 90m", Window(Ago(5400), None, "last 90m")),
        ("3h", Window(Ago(10800), None, "last 3h")),
        ("24h", Window(Ago(86400), None, "last 24h")),
        ("1h30m", Window(Ago(5400), None, "last 1h30m")),
        ("-3h", Window(Ago(10800), None, "last 3h")),
        ("-PT3H", Window(Ago(10800), None, "last 3h")),
        ("PT90M", Window(Ago(5400), None, "last 90m")),
        ("P1D", Window(Ago(86400), None, "last 1d")),
        ("-P1W", Window(Ago(604800), None, "last 1w")),
        ("now-6h", Window(Ago(21600), None, "last 6h")),
        ("last hour", Window(Ago(3600), None, "last 1h")),
        ("last 2 days", Window(Ago(172800), None, "last 2 days")),
        ("LAST 3H", Window(Ago(10800), None, "last 3h")),
        ("since 09:00", Window(Clock(time(9)), None, "since 09:00")),
        ("since 9am", Window(Clock(time(9)), None, "since 9am")),
        ("since 9:30pm", Window(Clock(time(21, 30)), None, "since 9:30pm")),
        ("since yesterday 18:00", Window(Clock(time(18), 1), None, "since yesterday 18:00")),
        ("since yesterday", Window(Clock(time(0), 1), None, "since yesterday")),
        ("since 2026-11-26", Window(OnDate(date(2026, 11, 26)), None, "since 2026-11-26")),
        (
            "since 2026-11-26 09:00",
            Window(OnDate(date(2026, 11, 26), time(9)), None, "since 2026-11-26 09:00"),
        ),
        ("since 3h ago", Window(Ago(10800), None, "since 3h ago")),
        ("from 09:00 to 12:00", Window(Clock(time(9)), Clock(time(12)), "from 09:00 to 12:00")),
        ("from 09:00 until now", Window(Clock(time(9)), Ago(0), "from 09:00 until now")),
        ("from 09:00", Window(Clock(time(9)), None, "from 09:00")),
        ("between 9am and 5pm", Window(Clock(time(9)), Clock(time(17)), "between 9am and 5pm")),
        (
            "from yesterday 18:00 to today 06:00",
            Window(Clock(time(18), 1), Clock(time(6), 0), "from yesterday 18:00 to today 06:00"),
        ),
        ("from now-6h to now-1h", Window(Ago(21600), Ago(3600), "from now-6h to now-1h")),
        ("now-6h to now-1h", Window(Ago(21600), Ago(3600), "now-6h to now-1h")),
        ("-6h to -1h", Window(Ago(21600), Ago(3600), "-6h to -1h")),
        ("today", Window(Clock(time(0), 0), None, "today")),
        ("yesterday", Window(Clock(time(0), 1), Clock(time(0), 0), "yesterday")),
        ("today 09:00-12:00", Window(Clock(time(9), 0), Clock(time(12), 0), "today 09:00-12:00")),
        ("yesterday 9am-5pm", Window(Clock(time(9), 1), Clock(time(17), 1), "yesterday 9am-5pm")),
        (
            "2026-11-26",
            Window(
                OnDate(date(2026, 11, 26)),
                OnDate(date(2026, 11, 27)),
                "2026-11-26",
            ),
        ),
        (
            "2026-11-26T09:00",
            Window(OnDate(date(2026, 11, 26), time(9)), None, "since 2026-11-26T09:00"),
        ),
        (
            "2026-11-26T09:00/2026-11-26T12:00",
            Window(
                OnDate(date(2026, 11, 26), time(9)),
                OnDate(date(2026, 11, 26), time(12)),
                "2026-11-26T09:00/2026-11-26T12:00",
            ),
        ),
        (
            "2026-11-26T09:00/PT3H",
            Window(
                OnDate(date(2026, 11, 26), time(9)),
                OnDate(date(2026, 11, 26), time(12)),
                "2026-11-26T09:00/PT3H",
            ),
        ),
    ],
)
def test_windows(words: str, window: Window) -> None:
    spec = chart(f"cpu {words}")
    assert spec.window == window
    assert spec.metrics == (MetricRef("cpu"),)


def test_iso_with_an_offset_is_an_instant() -> None:
    spec = chart("cpu 2026-11-26T00:00:00Z/2026-11-26T03:00:00+09:00")
    assert isinstance(spec.window, Window)
    assert isinstance(spec.window.start, Instant)
    assert spec.window.start.moment.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert isinstance(spec.window.end, Instant)


def test_window_may_come_first() -> None:
    assert chart("last 3h cpu").metrics == (MetricRef("cpu"),)


# Options ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "field", "value"),
    [
        ("period 5m", "period", 300),
        ("period=1h", "period", 3600),
        ("period PT15M", "period", 900),
        ("stat max", "stat", "MAX"),
        ("stat=average", "stat", "AVG"),
        ("statistic sum", "stat", "SUM"),
        ("stat count", "stat", "CNT"),
        ("stat MIN", "stat", "MIN"),
        ("size 1400x500", "size", (1400, 500)),
        ("size=2000×800", "size", (2000, 800)),
        ("tz Asia/Seoul", "tz", "Asia/Seoul"),
        ("tz asia/seoul", "tz", "Asia/Seoul"),
        ("tz KST", "tz", "Asia/Seoul"),
        ("timezone=UTC", "tz", "UTC"),
        ('title "Web CPU"', "title", "Web CPU"),
        ("title=Web", "title", "Web"),
        ("dry-run", "dry_run", True),
        ("--dry-run", "dry_run", True),
        (
            "thread <https://acme.slack.com/archives/C0123/p1700000000123456|msg>",
            "thread",
            ThreadRef("C0123", "1700000000.123456", "https://acme.slack.com/archives/C0123/p1700000000123456"),
        ),
        (
            "thread https://acme.slack.com/archives/C0123/p1700000000123456?thread_ts=1699999999.000100&cid=C0123",
            "thread",
            ThreadRef(
                "C0123",
                "1699999999.000100",
                "https://acme.slack.com/archives/C0123/p1700000000123456?thread_ts=1699999999.000100&cid=C0123",
            ),
        ),
    ],
)
def test_options(words: str, field: str, value: Any) -> None:
    assert getattr(chart(f"cpu {words}"), field) == value


def test_everything_at_once() -> None:
    spec = chart(
        f'"Virtual Server:{CPU}" VolumeID=v1 last 6h period 10m stat max size 2000x600 tz Asia/Seoul title "Web CPU" color #ff0000 label web dry-run'
    )
    assert spec == ChartSpec(
        metrics=(MetricRef(CPU, "Virtual Server", (("VolumeID", "v1"),), "#ff0000", "web"),),
        window=Window(Ago(21600), None, "last 6h"),
        period=600,
        stat="MAX",
        size=(2000, 600),
        tz="Asia/Seoul",
        title="Web CPU",
        dry_run=True,
    )


# Whole lines --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "request_type"),
    [
        ("", HelpRequest),
        ("help", HelpRequest),
        ("HELP windows", HelpRequest),
        ("metrics", MetricsRequest),
        ("metrics Virtual Server cpu", MetricsRequest),
        ("saved", SavedRequest),
        ("forget web-cpu", ForgetRequest),
        ('save web-cpu "CPU" 3h', SaveRequest),
        ("schedule web-cpu every day at 09:00", ScheduleRequest),
        ("schedules all", ScheduleRequest),
        ("pause 12", ScheduleRequest),
        ("cpu 3h", ChartRequest),
        ('"help"', ChartRequest),  # quoted: a metric called help, not the command
        ("alerts", AlertsRequest),
        ("알림 목록 cpu", AlertsRequest),
        ("watch alerts level high", WatchRequest),
        ("알림 감시 심각도 중간 <#C1|ops>에", WatchRequest),
        ("watches", WatchesRequest),
        ("감시 목록", WatchesRequest),
        ("unwatch 3", UnwatchRequest),
        ("감시 해제 #3", UnwatchRequest),
        ('"alerts"', ChartRequest),  # quoted: a metric
    ],
)
def test_requests(text: str, request_type: type) -> None:
    assert type(parse_request(text)) is request_type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saved", SavedRequest(1)),
        ("saved page 2", SavedRequest(2)),
        ("saved 3", SavedRequest(3)),
        ("저장목록 2쪽", SavedRequest(2)),
        ("목록 4 페이지", SavedRequest(4)),
        ("watches page 2", WatchesRequest(2)),
        ("감시 목록 2쪽", WatchesRequest(2)),
        ("schedules all", ScheduleRequest("schedules", ("all",), "all")),  # `all` was read as filler, and lost
        ("schedules all page 2", ScheduleRequest("schedules", ("all", "page", "2"), "all page 2")),
        ("예약목록 2쪽", ScheduleRequest("schedules", ("2쪽",), "2쪽")),
    ],
)
def test_a_listing_takes_a_page(text: str, expected: object) -> None:
    assert parse_request(text) == expected


def test_save_keeps_the_chart_as_typed() -> None:
    request = parse_request("save  Web-CPU  \u201cVirtual Server:CPU Usage/Core[Basic]\u201d  last 3h stat max")
    assert isinstance(request, SaveRequest)
    assert request.name == "web-cpu"
    assert request.text == "\u201cVirtual Server:CPU Usage/Core[Basic]\u201d  last 3h stat max"
    assert parse_chart(request.text) == request.spec


def test_metrics_and_schedule_words_are_kept() -> None:
    assert parse_request("metrics Virtual Server cpu") == MetricsRequest(("Virtual", "Server", "cpu"))
    assert parse_request("next 7") == ScheduleRequest("next", ("7",), "7")


# Errors -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"cpu 3h', r"The quote \" before “cpu 3h” is never closed"),
        ("3h", "Name a chart"),
        ("cpu last", "`last` needs a length"),
        ("cpu last week-ish", "is not a length of time"),
        ("cpu since", "`since` needs a time"),
        ("cpu since whenever", "`since` needs a time"),
        ("cpu from", "`from` needs a time"),
        ("cpu from 09:00 to", "`to` needs a time after it"),
        ("cpu 3h 6h", "Two windows: “last 3h” and “last 6h”; keep one"),
        ("cpu period", "`period` needs a value, e.g. period 5m"),
        ("cpu period=", "`period` needs a value"),
        ("cpu period 45s", "whole minutes"),
        ("cpu period 2w", "longer than a week"),
        ("cpu period soon", "is not a duration"),
        ("cpu stat mean-ish", "is not a statistic"),
        ("cpu stat mux", "Did you mean `max`"),
        ("cpu size big", "is not a size"),
        ("cpu tz Mars/Base", "is not a timezone"),
        ("cpu tz Asia/Seol", "Did you mean `Asia/Seoul`"),
        ("cpu color blu", "Did you mean `blue`"),
        ("cpu color #12", "is not a colour"),
        ("cpu thread https://example.com/x", "`thread` needs a message link"),
        ("cpu stat max stat min", "`stat` is given twice"),
        ("cpu =v1", "is not a dimension"),
        ("cpu k=", "is not a dimension"),
        ('""', "An empty quoted name"),
        ("Virtual Server: 3h", "names no metric after the `:`"),
        ("cpu <#C0123|ops>", "is a channel"),
        ("cpu <@U0123|kim>", "is a person"),
        ("cpu <https://example.com|x>", "only understood after `thread`"),
        (" + ".join(f'"m{i}"' for i in range(11)), "11 metrics is too many"),
        (f'cpu title "{"x" * 151}"', "must be 1–150 characters"),
        ("save web-cpu", "`save` takes a name and a chart"),
        ("save help cpu", "is a word of the chart language"),
        ("save 3h cpu", "is a word of the chart language"),
        ("save bad/name cpu", "cannot be a saved chart's name"),
        ("forget", "`forget` takes one saved chart's name"),
        ("saved extra", "`saved` takes only a page, e.g. `saved page 2`; “extra” is extra"),
        ("watch", "“watch” starts an alert command"),
        ("watch alerts level extreme", "“extreme” is not a level; use high, middle or low"),
        ("unwatch", "`unwatch` takes a watch's number"),
        ("wacth alerts level high", "Did you mean `watch alerts`"),
    ],
)
def test_errors_name_the_word_and_end_with_usage(text: str, message: str) -> None:
    with pytest.raises(ChartUsageError, match=message) as caught:
        parse_request(text)
    assert str(caught.value).endswith("`/chart help` for the whole language")


def test_usage_names_the_configured_command() -> None:
    with pytest.raises(ChartUsageError, match=r"Usage: `/graph CHART"):
        parse_request("3h", command="/graph")


@pytest.mark.parametrize("name", ["web-cpu", "db.lag", "a", "x" * 40, "WEB_2"])
def test_saved_names(name: str) -> None:
    assert check_saved_name(name) == name.lower()


@pytest.mark.parametrize("name", ["", "-x", "x" * 41, "a b", "é", "last", "today", "5m"])
def test_bad_saved_names(name: str) -> None:
    with pytest.raises(UserError):
        check_saved_name(name)


# Arbitrary input ----------------------------------------------------------------------------------------------

VALID = [
    f'"Virtual Server:{CPU}" last 3h',
    f'"{CPU}" VolumeID=45fb -PT3H stat max',
    "web-cpu 24h stat max size 1400x500 tz Asia/Seoul",
    'cpu + memory since 09:00 color red color #00f label "a" label b',
    'save web-cpu "CPU" from yesterday 18:00 to now-1h',
    "lag 2026-11-26T09:00/PT3H period 5m title=Lag dry-run",
    "x thread <https://a.slack.com/archives/C012AB/p1700000000123456|link> today 09:00-12:00",
    "metrics Virtual Server cpu",
    "forget web-cpu",
    "schedule lag every weekday at 9am in <#C0OPS|ops> last 6h",
    "follow lag every 15m for 4h",
    "pause #12",
    "watch alerts level middle cpu web-01 in <#C0OPS|ops>",
    "알림 감시 심각도 높음 web-01 <#C0OPS|ops>에",
    "alerts web-01",
    "감시 해제 3",
]


# Every phrase the help shows (each `…` of it): each form of the grammar, as people are told to write it. New
# forms (and, once it exists, another language's help) reach the fuzzing by being documented.
def _forms(phrase: str) -> list[str]:
    """`stat avg|min` → `stat avg`, `stat min`: one phrase for each choice the help writes with `|`."""
    words = phrase.split(" ")
    for i, word in enumerate(words):
        if "|" in word and not word.startswith("<"):
            return [
                form for choice in word.split("|") for form in _forms(" ".join([*words[:i], choice, *words[i + 1 :]]))
            ]
    return [phrase]


def _help_phrases(language: str) -> set[str]:
    with speaking(language):
        text = help_text("/chart", "1h")
    return {form for p in re.findall(r"`([^`]+)`", text) for form in _forms(p.removeprefix("/chart "))}


# Korean forms beside the help's: particles written onto words, and `~` between times.
KOREAN_FORMS = ["지난 3시간", "최근 30분", "3시간", "1시간30분", "어제", "오늘", "그제", "어제 오후 6시부터",
                "오전 9시~오후 5시", "2시간 전까지", "2시간전부터", "3시간 전부터 1시간 전까지", "이번 주", "지난주",
                "월요일 09:00-12:00", "평균", "최대", "최소", "합계", "개수", "통계 최대", "주기 5분", "시간대 KST",
                "web-01의", "web-01과 web-02", "저장 x lag", "목록", "잊기 x", "일시정지 1", "재개 2", "삭제 3",
                "도움말", "메트릭", "동안", "오후", "부터", "까지", "~", "알림", "알림 목록", "알림 감시", "알림감시",
                "심각도 높음", "심각도 낮음", "감시 목록", "감시 해제 2", "#ops에", "계정 staging", "계정 목록",
                "계정 사용 prod", "계정목록"]  # fmt: skip
PHRASES = sorted(_help_phrases(ENGLISH) | _help_phrases(KOREAN) | set(KOREAN_FORMS))
PIECES = ["last", "3h", '"', "\u201c", "'", "=", ":", "+", ",", "<", ">", "|", "#", "@", "period", "stat", "size",
          "tz", "from", "to", "since", "today", "-", "now-", "PT", "P1", "x", " ", "<#C1|a>", "<@U1>", "&lt;", "0",
          "99999999999", "T", "/", "am", "pm", "\u2019", "\\", "every", "cron", "in", "for", "at", "지난", "시간",
          "분", "전", "부터", "까지", "~", "오전", "오후", "시", "어제", "의", "최대", "주기", "ago", "of", "and",
          "until", "watch", "alerts", "level", "high", "unwatch", "watches", "알림", "감시", "심각도", "높음",
          "해제", "account", "accounts", "use", "계정", "사용", "목록"]  # fmt: skip
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A valid line with a few edits: characters or whole pieces inserted, deleted or replaced."""
    text = draw(st.sampled_from(VALID + PHRASES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        piece = draw(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)))
        if edit == "insert":
            text = text[:at] + piece + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif edit == "replace":
            text = text[:at] + piece + text[at + len(piece) :]
        else:
            text = text[:at]
    return text


# A chart or command word followed by documented phrases in any order: combinations the help never shows.
phrase_lines = st.tuples(
    st.sampled_from(
        ["lag", f'"{CPU}"', "web-cpu", "schedule lag", "follow lag", "save x lag", "watch alerts", "알림 감시", ""]
    ),
    st.lists(st.sampled_from(PHRASES), min_size=1, max_size=4),
).map(lambda parts: " ".join([parts[0], *parts[1]]))
lines = st.one_of(
    st.text(max_size=80), st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join), near_misses(), phrase_lines
)


def read_line(text: str) -> object:
    """What the bot does with a typed line before any call: the request, and for a schedule its chart and its run
    times. Only a UserError may come out: any other exception is a crash a person would see."""
    try:
        request = parse_request(text)
    except ChartUsageError as exc:
        refusal = str(exc)
        assert refusal.splitlines()[0].strip(), "the refusal must say what is wrong"
        assert refusal.splitlines()[-1].startswith(("Usage:", "사용법:"))
        return exc
    assert isinstance(
        request,
        ChartRequest
        | HelpRequest
        | MetricsRequest
        | SaveRequest
        | SavedRequest
        | ForgetRequest
        | ScheduleRequest
        | AlertsRequest
        | WatchRequest
        | WatchesRequest
        | UnwatchRequest
        | AccountsRequest
        | UseAccountRequest,
    )
    if not isinstance(request, ScheduleRequest):
        return request
    try:
        if request.action in ("schedule", "follow"):
            new = parse_schedule(request.text, follow=request.action == "follow")
            parse_chart(new.chart_text)
            trigger = new.when.trigger("Asia/Seoul", NOW)
            return run_times(trigger, NOW, 3)
        if request.action in ("pause", "resume", "delete", "run", "next"):
            return parse_schedule_id(request.words, request.action)
    except UserError as exc:
        refused: UserError = exc
    else:
        return request
    assert str(refused).strip(), "the refusal must say what is wrong"
    return refused


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("PAUSE ²", True),
        ("run #³", True),
        ("next ٣", True),
        ('schedule lag cron "*/² * * * *"', True),
        ('schedule lag cron "¹ 9 * * *"', True),
        ("lag ² hours", False),  # a chart whose metric name the catalog will not know
        ("lag last ²h", True),
    ],
)
def test_digits_that_are_not_ascii_are_refused_not_crashed_on(text: str, refused: bool) -> None:
    """Found by the fuzzing in CI: `"²".isdigit()` is true, but `int("²")` raises."""
    assert isinstance(read_line(text), UserError) == refused


def test_every_phrase_of_the_help_is_read() -> None:
    """The phrases the fuzzing starts from are really there (the help's format did not silently change)."""
    assert {"cpu web-01 last 3h", "since 22:00", "max", "pause ID", "metrics [TEXT]", "dry-run"} <= set(PHRASES)
    for phrase in PHRASES:
        read_line(f"lag {phrase}")


@settings(max_examples=300)
@given(lines, st.sampled_from([ENGLISH, KOREAN]))
def test_any_line_gives_a_request_or_the_user_error(text: str, language: str) -> None:
    with speaking(language):
        read_line(text)


def test_the_fuzzing_draws_korean_phrases() -> None:
    assert {"web-01 메모리 어제 오후 최대", "오후 2시~4시", "평균", "5분 단위", "지난주 대비"} <= _help_phrases(KOREAN)


# CI: a large sample drawn afresh every run (from the run's seed, printed at the end), in chunks of FUZZ_CHUNK lines
# until FUZZ_EXAMPLES lines were read or FUZZ_SECONDS have passed: a busy machine reads fewer lines, it never fails
# for being busy. At least one chunk always runs.
FUZZ_CHUNK = 2000


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a hang, not slowness: the time budget below ends the fuzzing long before
def test_many_lines_give_a_request_or_the_user_error(pytestconfig: pytest.Config) -> None:
    most = int(os.environ.get("FUZZ_EXAMPLES", "40000"))
    deadline = time_now() + float(os.environ.get("FUZZ_SECONDS", "300"))
    run_seed = int(pytestconfig.getoption("hypothesis_seed") or 0)
    read = 0
    while read == 0 or (read < most and time_now() < deadline):

        @seed(run_seed + read)  # each chunk its own lines; the failure report names the seed that replays it
        @settings(max_examples=min(FUZZ_CHUNK, most - read) or 1, database=None)
        @given(lines, st.sampled_from([ENGLISH, KOREAN]))
        def chunk(text: str, language: str) -> None:
            with speaking(language):
                read_line(text)

        chunk()
        read += FUZZ_CHUNK


@pytest.mark.parametrize("text", ["lag last tonight", "lag LAAT TAINGHT", "lag last overnight", "lag last 밤"])
def test_last_before_any_word_for_night_is_the_night_before(text: str) -> None:
    """Found by the fuzzing in CI: `last` before a night word that names no part of a day (`tonight`, `overnight`,
    or a typo read as one) raised KeyError."""
    night = parse_chart("lag last night").window
    window = parse_chart(text).window
    assert night is not None
    assert window is not None
    assert (window.start, window.end) == (night.start, night.end)


@pytest.mark.parametrize(
    "text", ["lag 0시~¹", "lag since ¹", "lag between ² and 3", "lag on ²⁰²⁶-11-27", "lag 11/27/²⁰²⁶"]
)
def test_digits_int_cannot_read_are_a_user_error_or_words(text: str) -> None:
    """Found by the fuzzing in CI: `0시~¹` raised ValueError (`¹` is a digit to isdigit(), not to int())."""
    read_line(text)


def test_a_broken_link_is_a_user_error() -> None:
    """Found by the property test above: urllib refuses `https://[…` with a ValueError of its own."""
    with pytest.raises(ChartUsageError, match="`thread` needs a message link"):
        parse_request("x thread <https://[a.slack.com/archives/C012AB/p1700000000123456|link>")


@pytest.mark.parametrize(
    ("text", "said"),
    [("last 3h", "last 3h"), ("3h", "last 3h"), ("yesterday", "yesterday"), ("from 09:00 to 12:00", None)],
)
def test_a_window_alone(text: str, said: str | None) -> None:
    window = parse_window(text)
    assert window.text == (said or text)


@pytest.mark.parametrize("text", ["", "lag", "3h lag", "last", "last 3h stat max"])
def test_a_window_alone_refuses_anything_else(text: str) -> None:
    with pytest.raises(ChartUsageError):
        parse_window(text)
