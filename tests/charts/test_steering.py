"""The view a chart's buttons carry: each control's step, the value written and read back, and any value read
as input (a view the bot wrote, or a refusal, never anything else)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.charts.steering import (
    PRESETS,
    VALUE_LIMIT,
    ChartView,
    UnreadableButton,
    decode_view,
    encode_view,
    spec_for,
    steer,
)
from bot.errors import UserError
from bot.language.parse import chart_without_window
from bot.language.timerange import Ago, Instant
from bot.servicewatch.models import STATISTIC_TYPES

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())
VIEW = ChartView("cpu web-01 last 3h", 3 * 3600, None, "AVG", "Asia/Seoul", "<@U0KIM>")


@pytest.mark.parametrize(
    ("view", "control", "span", "end", "stat", "compare"),
    [
        (VIEW, "refresh", 3 * 3600, None, "AVG", False),
        (ChartView("cpu", 3600, NOW_TS - 7200, "AVG", "UTC"), "refresh", 3600, None, "AVG", False),
        (VIEW, "1h", 3600, None, "AVG", False),
        (VIEW, "7d", 7 * 86400, None, "AVG", False),
        (VIEW, "earlier", 3 * 3600, NOW_TS - 3 * 3600, "AVG", False),
        (ChartView("cpu", 3600, NOW_TS - 7200, "AVG", "UTC"), "earlier", 3600, NOW_TS - 10800, "AVG", False),
        (ChartView("cpu", 3600, NOW_TS - 7200, "AVG", "UTC"), "later", 3600, NOW_TS - 3600, "AVG", False),
        (ChartView("cpu", 3600, NOW_TS - 3600, "AVG", "UTC"), "later", 3600, None, "AVG", False),  # reaches now
        (VIEW, "stat:MAX", 3 * 3600, None, "MAX", False),
        (VIEW, "compare", 3 * 3600, None, "AVG", True),
    ],
)
def test_each_control_steps_the_view(
    view: ChartView, control: str, span: int, end: int | None, stat: str, compare: bool
) -> None:
    steered = steer(view, control, now=NOW)
    assert (steered.span, steered.end, steered.stat, steered.compare) == (span, end, stat, compare)
    assert (steered.chart, steered.zone, steered.by) == (view.chart, view.zone, view.by)


@pytest.mark.parametrize(
    ("view", "control", "said"),
    [
        (VIEW, "later", "already ends now"),
        (ChartView("cpu", 7 * 86400, NOW_TS - 450 * 86400, "AVG", "UTC"), "earlier", "15 months"),
        (VIEW, "stat:P99", "does not know the control"),
        (VIEW, "rm -rf", "does not know the control"),
    ],
)
def test_a_control_that_cannot_go_there_says_why(view: ChartView, control: str, said: str) -> None:
    with pytest.raises(UserError, match=said):
        steer(view, control, now=NOW)


def test_compare_toggles() -> None:
    assert steer(steer(VIEW, "compare", now=NOW), "compare", now=NOW) == VIEW


def test_the_spec_takes_the_views_window_statistic_and_zone() -> None:
    spec = spec_for(
        ChartView(
            "cpu web-01 last 3h stat min thread <https://x.slack.com/archives/C0OPS/p1700000000000100>",
            6 * 3600,
            None,
            "MAX",
            "Asia/Seoul",
        )
    )
    assert spec.window is not None
    assert spec.window.start == Ago(6 * 3600)
    assert spec.window.end is None
    assert (spec.stat, spec.tz, spec.thread, spec.dry_run) == ("MAX", "Asia/Seoul", None, False)
    fixed = spec_for(ChartView("cpu", 3600, NOW_TS, "AVG", "UTC"))
    assert fixed.window is not None
    assert fixed.window.end == Instant(NOW)
    assert fixed.window.text == "1h until 11-27 12:00"


def test_a_typed_period_too_fine_for_the_new_window_is_chosen_again() -> None:
    assert spec_for(ChartView("cpu period 1m", 3600, None, "AVG", "UTC")).period == 60
    assert spec_for(ChartView("cpu period 1m", 7 * 86400, None, "AVG", "UTC")).period is None


def test_the_change_line_says_what_is_shown() -> None:
    assert steer(VIEW, "6h", now=NOW).change() == "6h · AVG"
    assert steer(VIEW, "compare", now=NOW).change() == "3h · AVG · compared with yesterday and a week ago"


views = st.builds(
    ChartView,
    chart=st.text(min_size=1, max_size=300).filter(str.strip),
    span=st.integers(60, 455 * 86400),
    end=st.none() | st.integers(946684800, 4102444800),
    stat=st.sampled_from(STATISTIC_TYPES),
    zone=st.sampled_from(["UTC", "Asia/Seoul", "Etc/GMT-9", "America/New_York"]),
    by=st.text(max_size=100),
    compare=st.booleans(),
    digest=st.text("0123456789abcdef", max_size=16),
)


@given(views)
def test_a_view_round_trips_through_its_value(view: ChartView) -> None:
    value = encode_view(view)
    assert value is not None
    assert len(value) <= VALUE_LIMIT
    assert decode_view(value) == view


def test_a_view_too_long_for_a_value_has_none() -> None:
    assert encode_view(ChartView("x" * VALUE_LIMIT, 3600, None, "AVG", "UTC")) is None


@given(
    st.text(max_size=300)
    | st.builds(json.dumps, st.dictionaries(st.sampled_from("vcsetzbkd"), st.integers() | st.text() | st.none()))
)
def test_any_value_is_a_view_or_refused(value: str) -> None:
    try:
        view = decode_view(value)
    except UnreadableButton:
        return
    assert isinstance(view, ChartView)


@given(views, st.sampled_from([*PRESETS, "refresh", "earlier", "later", "compare", "stat:MAX"]))
def test_any_control_on_any_view_is_a_view_or_a_refusal(view: ChartView, control: str) -> None:
    try:
        steered = steer(view, control, now=NOW)
    except UserError:
        return
    assert encode_view(steered) is None or decode_view(encode_view(steered)) == steered  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "chart"),
    [
        ("cpu last 3h", "cpu"),
        ("cpu web-1 지난 3시간 최대", "cpu web-1"),
        (
            '"CPU Usage/Core[Basic]" resource web-1 stat=max last 6h size 800x400',
            '"CPU Usage/Core[Basic]" resource web-1 size 800x400',
        ),
        ("web-cpu 6시부터 dry-run", "web-cpu"),
        ("cpu 3h thread <https://x.slack.com/archives/C0OPS/p1700000000000100>", "cpu"),
        ("cpu stat max period 1m", "cpu period 1m"),
    ],
)
def test_a_form_starts_from_the_chart_without_its_window(typed: str, chart: str) -> None:
    assert chart_without_window(typed) == chart
