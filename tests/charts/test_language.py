"""The chat language as people write it (issue 14): resources as plain words, windows, options and commands in
English and Korean, and refusals that blame the right word. Lines go through the parser, then the catalog
(the sandbox's) and the clock, as a typed line does."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.charts.plan import ChartDefaults, ChartPlan, plan_chart
from bot.errors import ChartQuestion
from bot.i18n import ENGLISH, KOREAN, speaking
from bot.language.parse import ChartUsageError, parse_chart, parse_request
from bot.language.spec import (
    ChartRequest,
    ForgetRequest,
    HelpRequest,
    MetricRef,
    MetricsRequest,
    SavedRequest,
    SaveRequest,
    ScheduleRequest,
)
from bot.language.timerange import After, Ago, Before, CalendarStart, Clock, OnDate, OnWeekday, Window
from bot.sandbox.catalog import list_metric_infos
from bot.servicewatch.catalog import Catalog
from bot.servicewatch.models import MetricsResponse

CATALOG = Catalog.from_response(MetricsResponse.model_validate(list_metric_infos()))
NOW = datetime(2026, 11, 27, 3, 2, 30, tzinfo=UTC)  # Friday 12:02:30 KST
CPU, MEMORY, LAG = "CPU Usage/Core[Basic]", "Memory Usage[Basic]", "Replication Lag"


def plan(text: str) -> ChartPlan:
    request = parse_request(text)
    assert isinstance(request, ChartRequest)
    return plan_chart(request.spec, CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())


def lines(text: str) -> list[str]:
    return [f"{line.metric.name} {line.resource}" for line in plan(text).lines]


# 1. Resources as plain words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("cpu web-01", [f"{CPU} web-01"]),
        ("cpu of web-01", [f"{CPU} web-01"]),
        ("web-01 cpu", [f"{CPU} web-01"]),
        ("memory web-01", [f"{MEMORY} web-01"]),  # two metrics say memory; only one has web-01
        ("cpu on web-01", [f"{CPU} web-01"]),
        ("cpu for batch-02", [f"{CPU} batch-02"]),
        ("cpu of web-01 and web-02", [f"{CPU} web-01", f"{CPU} web-02"]),
        ("cpu web-01, web-02", [f"{CPU} web-01", f"{CPU} web-02"]),
        ("cpu + memory web-01", [f"{CPU} web-01", f"{MEMORY} web-01"]),  # a selector given once applies to all
        ("web-01 cpu + memory", [f"{CPU} web-01", f"{MEMORY} web-01"]),
        ("cpu orders-db", ["CPU Usage orders-db"]),  # the resource decides which `cpu`
        ("lag orders-db-replica", [f"{LAG} orders-db-replica"]),
        ("cpu VirtualServer", [f"{CPU} VirtualServer001"]),  # a unique part of a resource's name
        ("cpu VirtualServer001", [f"{CPU} VirtualServer001"]),
        (f'"{CPU}" web-02', [f"{CPU} web-02"]),
        ("Active Connections web-lb", ["Active Connections web-lb"]),
        ("cpu and memory of web-02", [f"{CPU} web-02", f"{MEMORY} web-02"]),
        ("Bytes In and Bytes Out for web-lb", ["Bytes In web-lb", "Bytes Out web-lb"]),
        # Korean
        ("web-01의 cpu", [f"{CPU} web-01"]),
        ("cpu web-01과 web-02", [f"{CPU} web-01", f"{CPU} web-02"]),
        ("cpu web-01 및 web-02", [f"{CPU} web-01", f"{CPU} web-02"]),
        ("cpu web-01 지난 3시간 최대", [f"{CPU} web-01"]),
    ],
)
def test_resources_as_plain_words(text: str, drawn: list[str]) -> None:
    assert lines(text) == drawn


@pytest.mark.parametrize(
    ("text", "labels", "colours"),
    [
        ("cpu web-01 web-02 label a label b", ["a", "b"], [None, None]),
        ("cpu web-01 web-02 라벨 가 라벨 나 색 red 색 blue", ["가", "나"], ["#d62728", "#1f77b4"]),
        ("cpu web-01 web-02 label both", ["both web-01", "both web-02"], [None, None]),
    ],
)
def test_labels_and_colours_apply_per_line_for_one_metric(text: str, labels: list[str], colours: list[Any]) -> None:
    drawn = plan(text).lines
    assert [line.display_name for line in drawn] == labels
    assert [line.color for line in drawn] == colours


def test_parse_keeps_resource_words_for_the_catalog_to_decide() -> None:
    assert parse_chart("cpu of web-01 and web-02").metrics == (MetricRef("cpu of web-01 and web-02"),)
    assert parse_chart("cpu, web-01").metrics == (MetricRef("cpu"), MetricRef("web-01"))
    assert parse_chart('lag+"Active Connections"').metrics == (MetricRef("lag"), MetricRef("Active Connections"))
    assert parse_chart("lag+memory").metrics == (MetricRef("lag"), MetricRef("memory"))


# 2. Windows as people write them ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "window"),
    [
        ("90 minutes", Window(Ago(5400), None, "last 90 minutes")),
        ("3 hours", Window(Ago(10800), None, "last 3 hours")),
        ("2 days", Window(Ago(172800), None, "last 2 days")),
        ("1 week", Window(Ago(604800), None, "last 1 week")),
        ("3hrs", Window(Ago(10800), None, "last 3hrs")),
        ("2h ago", Window(Ago(7200), None, "2h ago")),
        ("3 hours ago", Window(Ago(10800), None, "3 hours ago")),
        ("from 3h ago to 1h ago", Window(Ago(10800), Ago(3600), "from 3h ago to 1h ago")),
        ("until 1h ago", Window(Ago(3600 + 10800), Ago(3600), "until 1h ago")),
        ("until 09:00", Window(Before(Clock(time(9)), 10800), Clock(time(9)), "until 09:00")),
        ("yesterday 18:00", Window(Clock(time(18), 1), None, "yesterday 18:00")),
        ("yesterday at 6pm", Window(Clock(time(18), 1), None, "yesterday at 6pm")),
        ("yesterday 9am-5pm", Window(Clock(time(9), 1), Clock(time(17), 1), "yesterday 9am-5pm")),
        ("yesterday 22:00-02:00", Window(Clock(time(22), 1), Clock(time(2), 0), "yesterday 22:00-02:00")),
        (
            "monday 09:00-12:00",
            Window(OnWeekday(0, time(9)), After(OnWeekday(0, time(9)), 3 * 3600), "monday 09:00-12:00"),
        ),
        ("monday", Window(OnWeekday(0), OnWeekday(0, days_after=1), "monday")),
        ("this week", Window(CalendarStart("week"), None, "this week")),
        ("last week", Window(CalendarStart("week", 1), CalendarStart("week", 0), "last week")),
        ("this month", Window(CalendarStart("month"), None, "this month")),
        # Korean
        ("지난 3시간", Window(Ago(10800), None, "지난 3시간")),
        ("최근 30분", Window(Ago(1800), None, "최근 30분")),
        ("지난 2 일", Window(Ago(172800), None, "지난 2 일")),
        ("3시간", Window(Ago(10800), None, "지난 3시간")),  # said as typed
        ("1시간30분", Window(Ago(5400), None, "지난 1시간30분")),
        ("지난 3시간 동안", Window(Ago(10800), None, "지난 3시간")),
        ("오늘", Window(Clock(time(0), 0), None, "오늘")),
        ("어제", Window(Clock(time(0), 1), Clock(time(0), 0), "어제")),
        ("그제", Window(Clock(time(0), 2), Clock(time(0), 1), "그제")),
        ("어제 오후 6시부터", Window(Clock(time(18), 1), None, "어제 오후 6시부터")),
        ("어제 오후 6시", Window(Clock(time(18), 1), None, "어제 오후 6시")),
        ("오전 9시~오후 5시", Window(Clock(time(9)), Clock(time(17)), "오전 9시~오후 5시")),
        ("오전 9시 ~ 오후 5시30분", Window(Clock(time(9)), Clock(time(17, 30)), "오전 9시 ~ 오후 5시30분")),
        ("09:00~12:00", Window(Clock(time(9)), Clock(time(12)), "09:00~12:00")),
        ("2시간 전까지", Window(Ago(7200 + 10800), Ago(7200), "2시간 전까지")),
        ("2시간 전부터", Window(Ago(7200), None, "2시간 전부터")),
        ("3시간 전부터 1시간 전까지", Window(Ago(10800), Ago(3600), "3시간 전부터 1시간 전까지")),
        ("어제 9시부터 오늘 9시까지", Window(Clock(time(9), 1), Clock(time(9), 0), "어제 9시부터 오늘 9시까지")),
        (
            "월요일 09:00-12:00",
            Window(OnWeekday(0, time(9)), After(OnWeekday(0, time(9)), 3 * 3600), "월요일 09:00-12:00"),
        ),
        ("이번 주", Window(CalendarStart("week"), None, "이번 주")),
        ("지난주", Window(CalendarStart("week", 1), CalendarStart("week", 0), "지난주")),
        ("이번 달", Window(CalendarStart("month"), None, "이번 달")),
        ("2026-11-26 오후 6시", Window(OnDate(date(2026, 11, 26), time(18)), None, "2026-11-26 오후 6시")),
    ],
)
def test_windows_as_people_write_them(words: str, window: Window) -> None:
    spec = parse_chart(f"lag {words}")
    assert spec.window == window
    assert spec.metrics == (MetricRef("lag"),)


@pytest.mark.parametrize(
    ("words", "start", "end"),
    [  # now is Friday 2026-11-27 12:02:30 KST
        ("2h ago", "11-27 10:02", "11-27 12:02"),
        ("from 3h ago to 1h ago", "11-27 09:02", "11-27 11:02"),
        ("until 1h ago", "11-27 08:02", "11-27 11:02"),
        ("yesterday 18:00", "11-26 18:00", "11-27 12:02"),
        ("yesterday 22:00-02:00", "11-26 22:00", "11-27 02:00"),
        ("from 22:00 to 02:00", "11-26 22:00", "11-27 02:00"),  # a bare end time past midnight: the next day
        ("monday 09:00-12:00", "11-23 09:00", "11-23 12:00"),
        ("friday", "11-27 00:00", "11-27 12:02"),
        ("this week", "11-23 00:00", "11-27 12:02"),
        ("last week", "11-16 00:00", "11-23 00:00"),
        ("this month", "11-01 00:00", "11-27 12:02"),
        ("last month", "10-01 00:00", "11-01 00:00"),
        ("어제 오후 6시부터", "11-26 18:00", "11-27 12:02"),
        ("어제 오전 9시~오후 5시", "11-26 09:00", "11-26 17:00"),
        ("2시간 전까지", "11-27 07:02", "11-27 10:02"),
        ("지난달", "10-01 00:00", "11-01 00:00"),
    ],
)
def test_windows_resolve_in_the_charts_timezone(words: str, start: str, end: str) -> None:
    drawn = plan(f"lag {words}")
    assert (f"{drawn.start:%m-%d %H:%M}", f"{drawn.end:%m-%d %H:%M}") == (start, end)


# 3. Options as people write them ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "field", "value"),
    [
        ("period 300", "period", 300),
        ("period 300s", "period", 300),
        ("period=600", "period", 600),
        ("tz KST", "tz", "Asia/Seoul"),
        ("tz JST", "tz", "Asia/Tokyo"),
        ("tz UTC", "tz", "UTC"),
        ("tz UTC+9", "tz", "Etc/GMT-9"),
        ("tz +09:00", "tz", "Etc/GMT-9"),
        ("tz GMT-5", "tz", "Etc/GMT+5"),
        ("tz +05:30", "tz", "Asia/Kolkata"),
        ("tz Europe/Berlin", "tz", "Europe/Berlin"),
        # Korean
        ("주기 5분", "period", 300),
        ("기간 300", "period", 300),
        ("통계 최대", "stat", "MAX"),
        ("최대", "stat", "MAX"),
        ("평균", "stat", "AVG"),
        ("최소", "stat", "MIN"),
        ("합계", "stat", "SUM"),
        ("개수", "stat", "CNT"),
        ("크기 1400x500", "size", (1400, 500)),
        ("시간대 KST", "tz", "Asia/Seoul"),
        ('제목 "복제 지연"', "title", "복제 지연"),
        ("미리보기", "dry_run", True),
    ],
)
def test_options_as_people_write_them(words: str, field: str, value: Any) -> None:
    assert getattr(parse_chart(f"lag {words}"), field) == value


# 5. Commands in Korean ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("도움말", HelpRequest()),
        ("메트릭 Virtual Server", MetricsRequest(("Virtual", "Server"))),
        ("목록", SavedRequest()),
        ("잊기 web-cpu", ForgetRequest("web-cpu")),
        ("일시정지 12", ScheduleRequest("pause", ("12",), "12")),
        ("재개 #12", ScheduleRequest("resume", ("#12",), "#12")),
        ("삭제 12", ScheduleRequest("delete", ("12",), "12")),
        ("예약목록", ScheduleRequest("schedules")),
    ],
)
def test_korean_commands(text: str, wanted: object) -> None:
    assert parse_request(text) == wanted


def test_korean_save_keeps_the_chart_as_typed() -> None:
    request = parse_request("저장 web-cpu cpu web-01 지난 3시간 최대")
    assert isinstance(request, SaveRequest)
    assert (request.name, request.text, request.spec.stat) == ("web-cpu", "cpu web-01 지난 3시간 최대", "MAX")


def test_english_and_korean_mix_freely() -> None:
    drawn = plan("cpu web-01 지난 3시간 최대 tz UTC")
    assert [line.resource for line in drawn.lines] == ["web-01"]
    assert (drawn.stat, drawn.timezone, drawn.window_text) == ("MAX", "UTC", "지난 3시간")


# 4. Refusals blame the right word, in both languages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "english", "korean"),
    [
        (
            "lag replica",
            "“replica” could be the resource orders-db-replica or part of the metric Replication Lag. "
            'For the metric write `"Replication Lag"`; for the resource write `lag orders-db-replica`',
            "리소스 orders-db-replica일 수도",
        ),
        ("pasue 3", "“pasue” is not a command .* Did you mean `pause 3`", "혹시 `일시정지 3`"),
        ("lga", "There is no metric “lga” in ServiceWatch. Did you mean `lag`?", "“lga” 메트릭이 없어요. 혹시 `lag`"),
        (
            "unschedule 3",
            "“unschedule” is not a command .* Did you mean `delete 3`",
            "차트 명령어가 아니에요. 혹시 `삭제 3`",
        ),
        ("cpu web-09", "“web-09” beside “cpu” looks like a resource.* Did you mean `web-03`", "리소스처럼 보이지만"),
        ("lag 3hrz", "“3hrz” beside “lag” looks like a time", "“3hrz”은\\(는\\) 시간처럼 보이지만"),
        ("lag lst 3h", "“lst” beside “lag” is neither .* Did you mean `last`", "“lst”은\\(는\\) 메트릭도"),
        ("lag 2026-02-30", "“2026-02-30” is not a date", "“2026-02-30”은\\(는\\) 날짜가 아니에요"),
        ("lag since 2026-13-01", "“2026-13-01” is not a date", "날짜가 아니에요"),
        ("lag 25:00", "“25:00” is not a time of day", "“25:00”은\\(는\\) 시각이 아니에요"),
        ("lag from 1h ago to 3h ago", "“from 1h ago to 3h ago” ends before it starts", "끝이 시작보다 앞서요"),
        ("lag 1시간 전부터 3시간 전까지", "ends before it starts", "끝이 시작보다 앞서요"),
        ("lag from yesterday 18:00 to yesterday 09:00", "ends before it starts", "끝이 시작보다 앞서요"),
        (
            "lag stat p99",
            "`stat p99` is not a statistic .* avg, min, max, sum, count",
            "`stat p99`은\\(는\\) .*평균, 최소, 최대",
        ),
        (
            "lag 통계 p99",
            "`통계 p99` is not a statistic",
            "`통계 p99`은\\(는\\) ServiceWatch가 그릴 수 있는 통계가 아니에요",
        ),
        ("cpu web-01 + memory label a label b label c", "3 labels for 2 metrics", "라벨이\\(가\\) 3개예요"),
        ("lag 주기 soon", "`주기 soon` is not a duration", "`주기 soon`은\\(는\\) 기간이 아니에요"),
        ("lag period 30", "whole minutes", "분 단위"),
        ("lag tz UTC+99", "is not a timezone", "시간대가 아니에요"),
        ("web-01", "“web-01” names resources, not a metric; .* `cpu web-01`", "메트릭이 아니라 리소스예요"),
        (f'"{CPU}" orders-db', "“orders-db” is a resource, but none of", "없는 리소스예요"),
        ("lag 지난 3x", "is not a length of time", "시간 길이가 아니에요"),
    ],
)
def test_refusals_blame_the_word_in_both_languages(text: str, english: str, korean: str) -> None:
    with pytest.raises(ChartUsageError, match=english):
        plan(text)
    with speaking(KOREAN), pytest.raises(ChartUsageError, match=korean) as caught:
        plan(text)
    assert str(caught.value).splitlines()[-1].startswith("사용법:")


def test_a_word_of_two_metrics_is_a_question_in_both_languages() -> None:
    for language, asked in ((ENGLISH, "could be 2 metrics"), (KOREAN, "메트릭이 2개예요")):
        with speaking(language), pytest.raises(ChartQuestion, match=asked) as caught:
            plan("cpu")
        labels = [label for label, _words in caught.value.choices]
        assert labels == ["PostgreSQL(DBaaS): CPU Usage", "Virtual Server: CPU Usage/Core[Basic]"]
        assert [plan(words).lines[0].metric.name for _label, words in caught.value.choices] == [
            "CPU Usage",
            "CPU Usage/Core[Basic]",
        ]


def test_a_word_both_a_metric_and_a_resource_shows_both_ways() -> None:
    catalog = Catalog.from_response(MetricsResponse.model_validate(_catalog_with_a_resource_called("lag")))
    spec = parse_chart("lag")
    with pytest.raises(
        ChartUsageError, match=r"could be the resource lag or part of the metric Replication Lag.*resource=lag"
    ):
        plan_chart(spec, catalog, now=NOW, timezone="UTC", defaults=ChartDefaults())


def _catalog_with_a_resource_called(name: str) -> dict[str, Any]:
    """The sandbox's catalog with one more resource, named like a metric."""
    infos = list_metric_infos()
    for namespace in infos["namespaces"]:
        for group in namespace["dimensions"]:
            for metric in list(group["metrics"]):
                if metric["name"] == LAG:
                    twin = {**metric, "dimensions": [{**d, "value": "db-9"} for d in metric["dimensions"]]}
                    twin["named_dimensions"] = [{"name": name}]
                    group["metrics"].append(twin)
                    return infos
    raise AssertionError("the sandbox has no Replication Lag")


# Lines through the catalog too: whatever resolution makes of the words, only a refusal comes out --------------

WORDS = ["cpu", "memory", "lag", "web-01", "web-02", "web-09", "orders-db", "replica", "VirtualServer", "of", "and",
         "+", ",", "의", "과", '"Active Connections"', "lga", "3h", "지난 3시간", "어제 오후 6시부터", "2h ago", "최대",
         "label a", "label b", "color red", "resource=web-01", "VolumeID=x", "web", "01", "db", "until 1h ago",
         "monday", "this week", "from 22:00 to 02:00", "tz UTC+9", "period 300", "stat p99"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), st.sampled_from([ENGLISH, KOREAN]))
def test_any_chart_resolves_or_is_refused(words: list[str], language: str) -> None:
    with speaking(language):
        refusal = _refusal(" ".join(words))
    assert refusal is None or refusal.splitlines()[0].strip()


def _refusal(text: str) -> str | None:
    """What the asker is told when `text` is refused (None when it plans, or reads as a command: `,` alone is a
    request for help); any other exception escapes."""
    try:
        if not isinstance(parse_request(text), ChartRequest):
            return None
        plan(text)
    except (ChartUsageError, ChartQuestion) as exc:
        return str(exc)
    return None


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        ("cpu web-01 orders-db", ["CPU Usage/Core[Basic] web-01", "CPU Usage orders-db"]),
        ("memory of orders-db and web-02", ["Memory Usage orders-db", "Memory Usage[Basic] web-02"]),
        ("web-01이랑 orders-db cpu", ["CPU Usage/Core[Basic] web-01", "CPU Usage orders-db"]),
    ],
)
def test_a_word_of_two_kinds_draws_each_resource_with_its_own_kinds_metric(text: str, drawn: list[str]) -> None:
    assert lines(text) == drawn


def test_a_refusal_comes_before_a_question() -> None:
    """`cpu of web-10`: picking a cpu would not help, since web-10 is no resource; that is said first."""
    with pytest.raises(ChartUsageError, match="web-10"):
        plan("cpu of web-10")


@pytest.mark.parametrize(
    "text", ["lag last 9999999999999999999 hours", "lag since 0001-01-01", "lag 9999-12-31T23:59/PT1H"]
)
def test_a_window_past_any_calendar_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ChartUsageError, match="15 months") as refused:
        plan(text)
    assert text.split(" ", 1)[1][:12] in str(refused.value)
