"""The words around a chart: numbers, comment line, alt text, file name."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.charts.plan import ChartDefaults, plan_chart
from bot.charts.summary import SeriesSummary, alt_text, comment_line, file_name, format_value, summarize, time_range
from bot.language.parse import parse_chart
from bot.servicewatch.models import MetricDataSeries
from tests.charts.test_plan import CATALOG

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 12:00 KST


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (45.234, "PERCENT", "45.2%"),
        (2.5 * 1024 * 1024, "BYTE", "2.5 MB"),
        (512, "BYTE", "512 B"),
        (3 * 1024**3, "BYTES_PER_SECOND", "3.0 GB/s"),
        (1234, "COUNT", "1,234"),
        (2.345, "COUNT", "2.35"),
        (40.4, "MILLISECOND", "40 ms"),
        (4.44, "MILLISECOND", "4.4 ms"),
        (None, "PERCENT", "–"),
    ],
)
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_time_range() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    assert (
        time_range(datetime(2026, 11, 27, 9, tzinfo=seoul), datetime(2026, 11, 27, 12, tzinfo=seoul))
        == "09:00–12:00 KST"
    )
    assert (
        time_range(datetime(2026, 11, 26, 9, tzinfo=seoul), datetime(2026, 11, 27, 12, tzinfo=seoul))
        == "Nov 26 09:00 – Nov 27 12:00 KST"
    )
    assert (
        time_range(datetime(2025, 12, 31, 9, tzinfo=seoul), datetime(2026, 1, 1, 12, tzinfo=seoul))
        == "2025-12-31 09:00 – 2026-01-01 12:00 KST"
    )


def _plan(text: str):  # type: ignore[no-untyped-def]
    return plan_chart(parse_chart(text), CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())


def test_comment_line_as_the_spec_shows_it() -> None:
    plan = _plan('"Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last 3h title "Web CPU"')
    assert (
        comment_line(plan, asked_by="@kim")
        == "*Web CPU* · last 3h (09:00–12:00 KST) · period 5m (auto) · AVG · asked by @kim"
    )
    fallback = comment_line(plan, fallback_reason="ServiceWatch's chart image failed (503).")
    assert fallback.endswith("\n_Drawn by the bot from the numbers: ServiceWatch's chart image failed (503)._")


def test_summaries_alt_text_and_file_name() -> None:
    plan = _plan("lag last 3h period 1h")
    series = (
        MetricDataSeries(display_name="a", values=((1, 10.0), (2, 30.0), (3, 20.0))),
        MetricDataSeries(display_name="b", values=()),
    )
    summaries = summarize(plan, series)
    assert summaries == (
        SeriesSummary("orders-db", "MILLISECOND", 3, 10.0, 30.0, 20.0, 20.0, maximum_at=2),  # the peak, at 2
        SeriesSummary("orders-db-replica", "MILLISECOND", 0),
    )
    text = alt_text(plan, summaries)
    assert text == (
        "Chart of PostgreSQL(DBaaS):Replication Lag, last 3h, MAX per 1h. "
        "orders-db: min 10 ms, max 30 ms, avg 20 ms, last 20 ms. orders-db-replica: no data."
    )
    assert re.fullmatch(r"servicewatch-replication-lag-20261127-120000-[0-9a-f]{4}\.png", file_name(plan))


def test_alt_text_stays_within_slacks_limit() -> None:
    plan = _plan('"Virtual Server:CPU Usage/Core[Basic]" last 3h')
    summaries = tuple(SeriesSummary("x" * 200 + str(i), "PERCENT", 1, 1, 2, 1.5, 2) for i in range(5))
    text = alt_text(plan, summaries)
    assert len(text) <= 1000
    assert "more)" in text
