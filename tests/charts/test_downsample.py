"""A chart's numbers in a few honest buckets (bot/charts/downsample.py): whole periods a bucket, summed up with the
chart's statistic, every line on the same buckets, and distinct short time labels."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.charts.downsample import bucket_seconds, downsample, time_labels
from bot.charts.plan import ChartDefaults, ChartPlan, plan_chart
from bot.language.parse import parse_chart
from bot.servicewatch.models import MetricDataSeries
from tests.charts.test_plan import CATALOG

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 12:00 KST


def _plan(text: str) -> ChartPlan:
    return plan_chart(parse_chart(text), CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())


def _every_period(plan: ChartPlan, value_at: object) -> tuple[tuple[int, float], ...]:
    start, end = int(plan.start.timestamp()), int(plan.end.timestamp())
    return tuple((at, float(value_at(at))) for at in range(start, end, plan.period))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("period", "span", "most", "bucket"),
    [
        (60, 3 * 3600, 20, 600),  # 180 minutes: 9 would do, 10 min reads better
        (300, 3 * 3600, 20, 600),  # 36 periods: two a bucket
        (300, 3600, 20, 300),  # 12 periods fit as they are
        (300, 24 * 3600, 20, 7200),  # 288 periods: 15 would do (75 min); 2 h is the next round size
        (3600, 7 * 86400, 20, 43200),  # a week of hours: 12 h
        (86400, 90 * 86400, 20, 604800),  # 90 days: a week
        (420, 3 * 3600, 20, 840),  # no round size near is a multiple of 7 min: whole periods still, not a week
    ],
)
def test_buckets_are_whole_periods_of_a_round_size(period: int, span: int, most: int, bucket: int) -> None:
    assert bucket_seconds(period, span, most) == bucket
    assert bucket % period == 0
    assert math.ceil(span / period) / 2 / most < math.ceil(span / bucket) <= most


@pytest.mark.parametrize(
    ("stat", "expected_peak"),
    [("MAX", 95.0), ("MIN", 5.0)],
)
def test_a_spike_survives_its_bucket(stat: str, expected_peak: float) -> None:
    plan = _plan(f"cpu web-01 last 3h stat {stat.lower()} period 1m")
    spike_at = int(plan.start.timestamp()) + 3600 + 120

    def value(at: int) -> float:
        if at == spike_at:
            return expected_peak
        return 50.0

    sampled = downsample(plan, [MetricDataSeries(values=_every_period(plan, value))], most_points=20, most_lines=6)
    assert sampled is not None
    (line,) = sampled.lines
    assert expected_peak in line.values  # a MAX chart keeps the spike, a MIN chart the dip
    assert sampled.how == {"MAX": "max of each 10m", "MIN": "min of each 10m"}[stat]
    assert len(sampled.starts) == 18


def test_an_average_chart_means_each_bucket_and_a_sum_chart_keeps_the_total() -> None:
    avg = _plan("cpu web-01 last 1h period 1m")
    points = _every_period(avg, lambda at: at % 7)
    sampled = downsample(avg, [MetricDataSeries(values=points)], most_points=6, most_lines=6)
    assert sampled is not None
    assert sampled.how == "mean of each 10m"
    first_bucket = [v for _at, v in points[:10]]
    assert sampled.lines[0].values[0] == pytest.approx(sum(first_bucket) / 10, rel=1e-3)

    total = _plan("cpu web-01 last 1h period 1m stat sum")
    sampled = downsample(total, [MetricDataSeries(values=points)], most_points=6, most_lines=6)
    assert sampled is not None
    assert sampled.how == "sum of each 10m"
    assert sum(sampled.lines[0].values) == pytest.approx(sum(v for _at, v in points), rel=1e-3)


def test_lines_beyond_the_limit_and_without_data_are_said() -> None:
    plan = _plan('"Virtual Server:CPU Usage/Core[Basic]" last 3h')
    assert len(plan.lines) == 6
    series = [MetricDataSeries(values=_every_period(plan, lambda at: 10.0)) for _line in plan.lines[:4]]
    series += [MetricDataSeries(values=()), MetricDataSeries(values=())]
    sampled = downsample(plan, series, most_points=20, most_lines=3)
    assert sampled is not None
    assert len(sampled.lines) == 3
    assert sampled.notes == (
        "the first 3 of 4 lines; the image shows all",
        "no data: batch-01, batch-02",
    )


def test_a_gap_in_one_line_is_bridged_and_said_and_a_gap_in_all_is_left_out() -> None:
    plan = _plan("cpu web-01 web-02 last 1h period 1m")
    start = int(plan.start.timestamp())
    full = _every_period(plan, lambda at: 10.0 if at < start + 1800 else 20.0)
    # web-02 has nothing between 10 and 30 minutes; neither line has anything after 50 minutes
    holed = tuple((at, v) for at, v in full if not start + 600 <= at < start + 1800)
    cut_off = tuple((at, v) for at, v in full if at < start + 3000)
    series = [MetricDataSeries(values=cut_off), MetricDataSeries(values=tuple(p for p in holed if p in cut_off))]
    sampled = downsample(plan, series, most_points=6, most_lines=6)
    assert sampled is not None
    assert len(sampled.starts) == 5  # the sixth bucket holds nothing at all: left out
    assert sampled.lines[0].values == (10.0, 10.0, 10.0, 20.0, 20.0)
    assert sampled.lines[1].values == (10.0, pytest.approx(13.33), pytest.approx(16.67), 20.0, 20.0)
    assert sampled.notes == ("gaps bridged: web-02",)


def test_no_data_at_all_is_no_chart() -> None:
    plan = _plan("cpu web-01 last 1h")
    assert downsample(plan, [MetricDataSeries(values=())], most_points=20, most_lines=6) is None
    assert downsample(plan, [], most_points=20, most_lines=6) is None


def test_bytes_are_written_in_the_multiple_the_axis_names() -> None:
    plan = _plan("mem web-01 last 1h period 5m")
    unit = plan.lines[0].metric.unit
    sampled = downsample(
        plan, [MetricDataSeries(values=_every_period(plan, lambda at: 3 * 1024**3))], most_points=20, most_lines=6
    )
    assert sampled is not None
    if unit.upper().startswith("BYTE"):
        assert sampled.unit_label.endswith("(GiB)")
        assert set(sampled.lines[0].values) == {3.0}
    else:  # the catalog's memory metric is a percentage
        assert sampled.unit_label == "Percent (%)"


SEOUL, NEW_YORK = ZoneInfo("Asia/Seoul"), ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "bucket", "count", "first", "last"),
    [
        (datetime(2026, 11, 27, 9, 0, tzinfo=SEOUL), timedelta(minutes=10), 18, "09:00", "11:50"),
        (datetime(2026, 11, 24, 12, 0, tzinfo=SEOUL), timedelta(hours=12), 14, "11-24 12:00", "12-01 00:00"),
        (datetime(2026, 9, 1, tzinfo=SEOUL), timedelta(days=7), 13, "09-01", "11-24"),
        (datetime(2026, 12, 25, tzinfo=SEOUL), timedelta(days=1), 10, "2026-12-25", "2027-01-03"),
        # the clock set back: 01:00–02:00 happens twice, so the times of day alone would repeat
        (datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK), timedelta(minutes=30), 6, "00:00 EDT", "01:30 EST"),
    ],
)
def test_time_labels(start: datetime, bucket: timedelta, count: int, first: str, last: str) -> None:
    starts = [
        datetime.fromtimestamp(start.timestamp() + n * bucket.total_seconds(), start.tzinfo) for n in range(count)
    ]
    labels = time_labels(starts, bucket, most=20)
    assert (labels[0], labels[-1]) == (first, last)
    assert len(set(labels)) == len(labels)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(NEW_YORK)),
    bucket_minutes=st.sampled_from([1, 5, 10, 15, 30, 60, 90, 180, 720, 1440, 10080, 43200]),
    count=st.integers(1, 20),
)
def test_time_labels_are_always_short_and_distinct(start: datetime, bucket_minutes: int, count: int) -> None:
    bucket = timedelta(minutes=bucket_minutes)
    starts = [datetime.fromtimestamp(start.timestamp() + n * bucket.total_seconds(), NEW_YORK) for n in range(count)]
    labels = time_labels(starts, bucket, most=20)
    assert len(labels) == count
    assert len(set(labels)) == count
    assert all(0 < len(label) <= 20 for label in labels)


@settings(max_examples=100, deadline=None)
@given(
    stat=st.sampled_from(["avg", "max", "min", "sum"]),
    window=st.sampled_from(["1h", "3h", "1d", "7d"]),
    lines=st.lists(
        st.dictionaries(st.integers(0, 9_999), st.floats(-1e6, 1e6, allow_nan=False), max_size=60), max_size=3
    ),
)
def test_within_the_limits_whatever_the_numbers(stat: str, window: str, lines: list[dict[int, float]]) -> None:
    plan = _plan(f"cpu web-01 web-02 batch-01 last {window} stat {stat}")
    start, end = plan.start.timestamp(), plan.end.timestamp()
    step = (end - start) / 10_000
    series = [
        MetricDataSeries(values=tuple(sorted((int(start + k * step), v) for k, v in points.items())))
        for points in lines
    ]
    sampled = downsample(plan, series, most_points=20, most_lines=2)
    if not any(points for points in lines):
        assert sampled is None
        return
    assert sampled is not None
    assert 1 <= len(sampled.starts) <= 20
    assert 1 <= len(sampled.lines) <= 2
    assert all(len(line.values) == len(sampled.starts) for line in sampled.lines)
    assert all(math.isfinite(v) for line in sampled.lines for v in line.values)
    assert list(sampled.starts) == sorted(sampled.starts)
