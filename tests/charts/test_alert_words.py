"""The alert commands, English and Korean, and the words about alerts: conditions, levels, matching, the listing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.charts.alerts import (
    LEVELS,
    MAX_LINES,
    AlertLine,
    alerts_text,
    at_least,
    condition_text,
    level_colour,
    level_label,
    level_rank,
    matches,
    threshold_lines,
)
from bot.errors import UserError
from bot.i18n import ENGLISH, KOREAN, speaking
from bot.language.parse import ChartUsageError, parse_request
from bot.language.spec import AlertsRequest, UnwatchRequest, WatchesRequest, WatchRequest

# Lines → requests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("alerts", AlertsRequest()),
        ("ALERTS cpu web-01", AlertsRequest(("cpu", "web-01"))),
        ("alert of web-01", AlertsRequest(("web-01",))),
        ('alerts "CPU Usage"', AlertsRequest(("CPU Usage",))),
        ("알림", AlertsRequest()),
        ("알림 목록", AlertsRequest()),
        ("알림 목록 web-01의 cpu", AlertsRequest(("web-01", "cpu"))),
        ("알림목록 db", AlertsRequest(("db",))),
        ("watch alerts", WatchRequest(None, (), None, "")),
        ("watch alerts level high", WatchRequest("HIGH", (), None, "level high")),
        ("watch alerts level MIDDLE cpu", WatchRequest("MIDDLE", ("cpu",), None, "level MIDDLE cpu")),
        ("watch alerts level=medium", WatchRequest("MIDDLE", (), None, "level=medium")),
        ("watch alert level low", WatchRequest("LOW", (), None, "level low")),
        (
            "watch alerts level high Virtual Server cpu in <#C0OPS|ops>",
            WatchRequest(
                "HIGH", ("Virtual", "Server", "cpu"), "C0OPS", "level high Virtual Server cpu in <#C0OPS|ops>"
            ),
        ),
        ("watch alerts <#C0OPS|ops> web-01", WatchRequest(None, ("web-01",), "C0OPS", "<#C0OPS|ops> web-01")),
        ('watch alerts "High CPU" level high', WatchRequest("HIGH", ("High CPU",), None, '"High CPU" level high')),
        ("알림 감시", WatchRequest(None, (), None, "")),
        ("알림감시", WatchRequest(None, (), None, "")),
        ("알림 감시 심각도 높음", WatchRequest("HIGH", (), None, "심각도 높음")),
        ("알림 감시 심각도 중간 web-01", WatchRequest("MIDDLE", ("web-01",), None, "심각도 중간 web-01")),
        ("알림 감시 등급 낮음 <#C0OPS|ops>에", WatchRequest("LOW", (), "C0OPS", "등급 낮음 <#C0OPS|ops>에")),
        ("알림 감시 cpu <#C0OPS|ops> 채널에", WatchRequest(None, ("cpu",), "C0OPS", "cpu <#C0OPS|ops> 채널에")),
        ("알림 감시 level high in <#C0OPS|ops>", WatchRequest("HIGH", (), "C0OPS", "level high in <#C0OPS|ops>")),
        ("watch alerts 심각도 높음 <#C0OPS|ops>로", WatchRequest("HIGH", (), "C0OPS", "심각도 높음 <#C0OPS|ops>로")),
        ("watches", WatchesRequest()),
        ("감시 목록", WatchesRequest()),
        ("감시목록", WatchesRequest()),
        ("unwatch 3", UnwatchRequest(3)),
        ("unwatch #12", UnwatchRequest(12)),
        ("감시 해제 4", UnwatchRequest(4)),
        ("감시해제 #5", UnwatchRequest(5)),
    ],
)
@pytest.mark.parametrize("language", [ENGLISH, KOREAN])
def test_each_form_reads_as_its_request(text: str, request_: object, language: str) -> None:
    with speaking(language):
        assert parse_request(text) == request_


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("watch", "“watch” starts an alert command: `alerts"),
        ("watch cpu", "“watch” starts an alert command"),
        ("감시", "“감시” starts an alert command"),
        ("watch alerts level", "`level` needs a level: high, middle or low"),
        ("watch alerts level extreme", "“extreme” is not a level; use high, middle or low"),
        ("알림 감시 심각도 최고", "“최고” is not a level"),
        ("watch alerts level high level low", "`level` is given twice"),
        ("watch alerts in #ops", "“#ops” is not a channel link"),
        ("알림 감시 #ops에", "“#ops에” is not a channel link"),
        ("watch alerts <#C1|a> in <#C2|b>", "A watch posts to one channel; “#b” is a second one"),
        ("watch alerts <@U1|kim>", "“@kim” is no alert's name"),
        ("alerts <#C1|ops>", "“#ops” is a channel; `alerts` looks for alerts"),
        ("watches all", "`watches` takes only a page, e.g. `watches page 2`; “all” is extra"),
        ("unwatch", "`unwatch` takes a watch's number, e.g. `unwatch 3` \\(`watches` lists them\\)"),
        ("unwatch three", "“three” is not a watch's number: `unwatch` takes one"),
        ("unwatch 3 4", "“3 4” is not a watch's number"),
        ("unwatch ²", "“²” is not a watch's number"),
        ("unwatch " + "9" * 19, "is not a watch's number"),
        ("감시 해제", "`감시 해제` takes a watch's number, e.g. `감시 해제 3` \\(`감시 목록` lists them\\)"),
        ("wacth alerts level high", "“wacth” is not a command of the chart language. Did you mean `watch alerts`?"),
        ("subscribe alerts", "Did you mean `watch alerts`?"),
        ("unwacth 3", "Did you mean `unwatch 3`?"),
        ("unsubscribe 3", "Did you mean `unwatch 3`?"),
    ],
)
def test_refusals_name_the_word(text: str, message: str) -> None:
    with pytest.raises(ChartUsageError, match=message) as caught:
        parse_request(text)
    assert str(caught.value).endswith("`/chart help` for the whole language")


def test_korean_refusals_and_did_you_mean_speak_korean() -> None:
    with speaking(KOREAN), pytest.raises(ChartUsageError, match="혹시 `알림 감시`"):
        parse_request("wacth alerts")
    with speaking(KOREAN), pytest.raises(ChartUsageError, match="높음, 중간, 낮음"):
        parse_request("알림 감시 심각도 최고")


def test_a_metric_may_still_be_called_like_a_word_in_quotes() -> None:
    assert type(parse_request('"watch" 3h')).__name__ == "ChartRequest"


watch_words = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "level",
                "high",
                "middle",
                "low",
                "심각도",
                "높음",
                "중간",
                "in",
                "<#C1|ops>",
                "<#C2|x>에",
                "채널에",
                "#ops",
                "<@U1>",
                "<https://a.b|x>",
                '"',
                "=",
                "level=",
                "level=low",
                "cpu",
                "web-01",
                "의",
                "and",
                "#ops에",
                "²",
            ]
        ),
        st.text(max_size=6),
    ),
    max_size=8,
)


@settings(max_examples=150)
@given(
    st.sampled_from(["watch alerts", "알림 감시", "알림감시", "watch alert"]),
    watch_words,
    st.sampled_from([ENGLISH, KOREAN]),
)
def test_any_watch_line_reads_or_is_refused(head: str, words: list[str], language: str) -> None:
    with speaking(language):
        try:
            request: object = parse_request(" ".join([head, *words]))
        except UserError as exc:
            request = exc
    if isinstance(request, UserError):
        assert str(request).splitlines()[0].strip(), "a refusal says what is wrong"
        return
    assert isinstance(request, WatchRequest)
    assert request.level in (None, *LEVELS)


# Levels -------------------------------------------------------------------------------------------------------


def test_levels_rank_and_at_least() -> None:
    assert [level_rank(level) for level in ("HIGH", "middle", "Low", "CRITICAL", None)] == [3, 2, 1, 0, 0]
    assert at_least("HIGH", "MIDDLE")
    assert at_least("MIDDLE", "MIDDLE")
    assert not at_least("LOW", "MIDDLE")
    assert at_least("LOW", "LOW")
    assert at_least("WEIRD", None)
    assert not at_least("WEIRD", "LOW")
    assert not at_least("MIDDLE", "HIGH")


def test_level_labels_and_colours() -> None:
    assert [level_label(level) for level in LEVELS] == ["High", "Middle", "Low"]
    with speaking(KOREAN):
        assert [level_label(level) for level in LEVELS] == ["높음", "중간", "낮음"]
    assert level_label("CRITICAL") == "CRITICAL"
    colours = [level_colour(level) for level in (*LEVELS, "CRITICAL")]
    assert len(set(colours)) == 4
    assert all(c.startswith("#") and len(c) == 7 for c in colours)
    assert level_colour("high") == level_colour("HIGH")


def test_matches_every_word_in_any_field() -> None:
    alert = {"alert_name": "High CPU", "namespace": "Virtual Server", "metric_name": "CPU Usage", "resource": "web-01"}
    assert matches((), **alert)
    assert matches(("cpu", "WEB-01"), **alert)
    assert matches(("virtual", "high"), **alert)
    assert not matches(("cpu", "db-01"), **alert)
    assert matches(("usage",), alert_name="x", namespace="n", metric_name="CPU Usage", resource=None)


# Conditions ---------------------------------------------------------------------------------------------------


def condition(**given: object) -> str:
    fields: dict[str, object] = {
        "statistic": "AVG",
        "metric_name": "CPU Usage",
        "unit": "PERCENT",
        "operator": "GREATER_THAN",
        "threshold": 80.0,
        "lower_bound": None,
        "upper_bound": None,
        "violation_count": 2,
        "evaluation_count": 3,
        "period": 300,
    }
    fields.update(given)
    return condition_text(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "english", "korean"),
    [
        ({}, "avg CPU Usage > 80% for 2 of 3 × 5 min", "평균 CPU Usage > 80% (5분 × 3회 중 2회)"),
        ({"operator": "GREATER_THAN_OR_EQUAL"}, "avg CPU Usage ≥ 80% for 2 of 3 × 5 min", None),
        ({"operator": "LESS_THAN", "statistic": "MIN"}, "min CPU Usage < 80% for 2 of 3 × 5 min", None),
        ({"operator": "LESS_THAN_OR_EQUAL"}, "avg CPU Usage ≤ 80% for 2 of 3 × 5 min", None),
        ({"operator": "EQUAL", "threshold": 0}, "avg CPU Usage = 0% for 2 of 3 × 5 min", None),
        ({"threshold": 85.5}, "avg CPU Usage > 85.5% for 2 of 3 × 5 min", None),
        (
            {
                "operator": "RANGE",
                "threshold": None,
                "lower_bound": 80,
                "upper_bound": 90,
                "unit": "MILLISECOND",
                "metric_name": "Latency",
                "violation_count": None,
                "period": 60,
            },
            "avg Latency outside 80–90 ms for 3 × 1 min",
            "평균 Latency 80–90 ms 범위 밖 (1분 × 3회 연속)",
        ),
        (
            {"operator": "OUTSIDE_RANGE", "lower_bound": 10, "upper_bound": 90, "threshold": None},
            "avg CPU Usage outside 10–90% for 2 of 3 × 5 min",
            None,
        ),
        (
            {
                "operator": "RANGE",
                "lower_bound": 500 * 1024**2,
                "upper_bound": 1024**3,
                "unit": "BYTE",
                "statistic": "MAX",
                "metric_name": "Memory",
            },
            "max Memory outside 500 MB–1 GB for 2 of 3 × 5 min",
            "최대 Memory 500 MB–1 GB 범위 밖 (5분 × 3회 중 2회)",
        ),
        (
            {
                "unit": "BYTES/SECOND",
                "threshold": 1.5 * 1024**2,
                "statistic": "SUM",
                "metric_name": "Network In",
                "period": 3600,
                "evaluation_count": None,
                "violation_count": None,
            },
            "sum Network In > 1.5 MB/s over 1 h",
            "합계 Network In > 1.5 MB/s (1시간)",
        ),
        (
            {"unit": "COUNT", "threshold": 1000, "statistic": "CNT", "metric_name": "Errors", "period": None},
            "count Errors > 1,000",
            "개수 Errors > 1,000",
        ),
        (
            {"operator": "WEIRD_OPERATOR", "unit": "COUNT", "threshold": 5, "metric_name": "Errors"},
            "avg Errors WEIRD_OPERATOR 5 for 2 of 3 × 5 min",
            "평균 Errors WEIRD_OPERATOR 5 (5분 × 3회 중 2회)",
        ),
        (
            {"operator": "TREND", "threshold": None, "lower_bound": 1, "upper_bound": 2, "unit": "COUNT"},
            "avg CPU Usage TREND 1–2 for 2 of 3 × 5 min",
            None,
        ),
        (
            {"statistic": "P99", "period": 86400},
            "p99 CPU Usage > 80% for 2 of 3 × 1 d",
            "p99 CPU Usage > 80% (1일 × 3회 중 2회)",
        ),
        ({"unit": "SECONDS", "threshold": 2, "period": 30}, "avg CPU Usage > 2 s for 2 of 3 × 30 s", None),
    ],
)
def test_conditions(given: dict[str, object], english: str, korean: str | None) -> None:
    assert condition(**given) == english
    if korean is not None:
        with speaking(KOREAN):
            assert condition(**given) == korean


# The listing --------------------------------------------------------------------------------------------------


def line(name: str, level: str = "HIGH", state: str = "NORMAL", resource: str = "web-01", **more: str) -> AlertLine:
    return AlertLine(
        id=more.get("id", name),
        name=name,
        level=level,
        state=state,
        condition=more.get("condition", "avg CPU Usage > 80% for 2 of 3 × 5 min"),
        resource=resource,
        namespace=more.get("namespace", "Virtual Server"),
        metric_name=more.get("metric_name", "CPU Usage"),
    )


def test_firing_first_then_level_then_name() -> None:
    alerts = [
        line("b quiet low", "LOW"),
        line("a quiet high", "HIGH"),
        line("z firing middle", "MIDDLE", "ALERT"),
        line("y firing high", "HIGH", "ALERT"),
        line("x no data low", "LOW", "INSUFFICIENT_DATA"),
        line("w unknown high", "HIGH", "ALARM"),
        line("c quiet middle", "MIDDLE"),
        line("d odd level", "CRITICAL"),
    ]
    text = alerts_text(alerts, ())
    order = [next(a.name for a in alerts if f"*{a.name}*" in row) for row in text.splitlines()[1:]]
    assert order == [
        "y firing high",
        "z firing middle",
        "w unknown high",
        "x no data low",
        "a quiet high",
        "c quiet middle",
        "b quiet low",
        "d odd level",
    ]
    assert text.splitlines()[0] == "*8 alerts*, 2 firing:"


def test_a_row_shows_level_name_condition_resource_and_the_state() -> None:
    alerts = [line("High CPU", "HIGH", "Alert"), line("Stopped", "HIGH", "insufficient_Data"), line("Disk", "LOW")]
    firing, no_data, odd = alerts_text([*alerts, line("Odd", "LOW", "ALARM<")], ()).splitlines()[1:4]
    assert (
        firing == "• :rotating_light: *Alert* · High · *High CPU* · avg CPU Usage &gt; 80% for 2 of 3 × 5 min · web-01"
    )
    assert no_data.startswith("• ⚪ no data · High · *Stopped* · ")
    assert odd.startswith("• ❔ ALARM&lt; · Low · *Odd* · ")  # an unknown state: verbatim, never firing
    assert "• normal · Low · *Disk* · " in alerts_text(alerts, ())


def test_words_narrow_the_listing() -> None:
    alerts = [line("High CPU", resource="web-01"), line("Lag", resource="db-01", metric_name="Replication Lag")]
    text = alerts_text(alerts, ("db",))
    assert text.splitlines()[0] == "*1 alert* matching “db”:"
    assert "*Lag*" in text
    assert "High CPU" not in text


def test_nothing_matches() -> None:
    text = alerts_text([line("High CPU")], ("nosuch", "thing"), "/graph")
    assert text.startswith("No alert matches “nosuch thing”.")
    assert "`/graph alerts` lists them all" in text
    assert "create an alert policy" in alerts_text([], ()).lower()


def test_a_long_listing_is_cut_with_how_to_narrow_it() -> None:
    text = alerts_text([line(f"alert {i:03}") for i in range(55)], ())
    rows = text.splitlines()
    assert len(rows) == 1 + MAX_LINES + 1
    assert rows[-1].startswith("… and 15 more; narrow it down: `/chart alerts TEXT`")


def test_slack_markup_in_names_is_escaped() -> None:
    text = alerts_text([line("<!channel> & co", resource="<web>")], ())
    assert "&lt;!channel&gt; &amp; co" in text
    assert "&lt;web&gt;" in text
    assert "<!channel>" not in text


def test_the_listing_in_korean() -> None:
    with speaking(KOREAN):
        text = alerts_text([line("High CPU", state="ALERT"), line("Disk", "LOW")], ("web",))
        assert "⚪ 데이터 없음 · " in alerts_text([line("Stopped", state="INSUFFICIENT_DATA")], ())
        assert text.splitlines()[0] == "“web”에 맞는 *알림 2개*, 1개 울리는 중:"
        assert "· 높음 ·" in text
        assert "• 정상 · 낮음 · *Disk*" in text
        assert alerts_text([], ("x",)).startswith("“x”에 맞는 알림이 없어요.")


@pytest.mark.parametrize(
    ("operator", "threshold", "lower", "upper", "unit", "lines"),
    [
        ("GREATER_THAN", 80.0, None, None, "PERCENT", (("> 80%", 80.0),)),
        ("LTE", 200.0, None, None, "MILLISECOND", (("≤ 200 ms", 200.0),)),
        ("RANGE", None, 80.0, 90.0, "PERCENT", (("lower 80%", 80.0), ("upper 90%", 90.0))),
        ("SOMETHING_NEW", 5.0, None, None, "COUNT", ()),  # an operator the bot cannot place: no line
        ("GREATER_THAN", None, None, None, "PERCENT", ()),
    ],
)
def test_the_lines_an_alerts_chart_draws(
    operator: str,
    threshold: float | None,
    lower: float | None,
    upper: float | None,
    unit: str,
    lines: tuple[tuple[str, float], ...],
) -> None:
    assert threshold_lines(operator, threshold, lower, upper, unit) == lines
