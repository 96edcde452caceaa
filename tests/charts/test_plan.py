"""From spec to exact request, against the sandbox's catalog (no HTTP): resolution, periods, versions, sizes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.charts.plan import ChartDefaults, aligned, choose_period, plan_chart
from bot.charts.summary import alt_text, comment_line
from bot.language.parse import ChartUsageError, parse_chart
from bot.sandbox.catalog import list_metric_infos
from bot.servicewatch.catalog import Catalog
from bot.servicewatch.models import MetricDataImageRequest, MetricsResponse, SizeLimits

CATALOG = Catalog.from_response(MetricsResponse.model_validate(list_metric_infos()))
NOW = datetime(2026, 11, 27, 3, 2, 30, tzinfo=UTC)  # 12:02:30 KST
CPU = "Virtual Server:CPU Usage/Core[Basic]"


def plan(text: str, *, tz: str = "Asia/Seoul", defaults: ChartDefaults | None = None, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return plan_chart(parse_chart(text), CATALOG, now=now, timezone=tz, defaults=defaults or ChartDefaults())


@pytest.mark.parametrize(
    ("span", "shortest", "period"),
    [
        (3600, 60, 60),
        (3 * 3600, 60, 60),
        (3 * 3600, 300, 300),
        (86400, 60, 300),
        (7 * 86400, 300, 3600),
        (30 * 86400, 300, 10800),
        (90 * 86400, 300, 43200),
        (455 * 86400, 300, 86400),
        (600, 3600, 3600),
    ],
)
def test_choose_period(span: int, shortest: int, period: int) -> None:
    assert choose_period(span, shortest) == period


def test_a_chart_of_one_resource() -> None:
    chart = plan(f'"{CPU}" resource=web-01 last 3h')
    body = chart.request.wire_json()
    assert body["start"] % 300 == 0
    assert (body["end"] - body["start"]) % 300 == 0
    assert body["period"] == 300  # 5-minute collection: never finer
    assert chart.period_auto
    assert body["statistic_type"] == "AVG"  # the metric's first recommended statistic
    assert body["timezone"] == "Asia/Seoul"
    assert (body["width"], body["height"]) == (1400, 500)
    assert body["title"] == "CPU Usage/Core[Basic] · web-01 · last 3h (Nov 27 09:02–12:02 KST) · AVG"
    (item,) = body["metrics"]
    assert item["namespace_name"] == "Virtual Server"
    assert item["dimensions"][0]["key"] == "VolumeID"
    assert item["display_name"] == "Virtual Server | web-01 | CPU Usage/Core[Basic]"
    assert "individual_items" not in item
    assert chart.window_text == "last 3h"
    assert (chart.end - chart.start).total_seconds() == 3 * 3600


def test_the_window_is_aligned_to_the_period() -> None:
    a = plan("lag last 3h", now=NOW).request.wire_json()
    b = plan("lag last 3h", now=NOW.replace(second=50)).request.wire_json()
    assert a == b  # the same ask within one period is the same body
    assert aligned(datetime(2026, 1, 1, 0, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 9, tzinfo=UTC), 300) == (
        1767225600,
        1767226200,
    )


def test_bare_names_find_their_namespace_and_every_resource() -> None:
    chart = plan("lag yesterday")
    assert {line.metric.reference for line in chart.lines} == {"PostgreSQL(DBaaS):Replication Lag"}
    assert [line.resource for line in chart.lines] == ["orders-db", "orders-db-replica"]
    assert chart.stat == "MAX"  # Replication Lag recommends MAX first
    assert chart.period == 300  # one day at ≤300 points; 1-minute collection allows it


def test_several_metrics_with_colours_labels_and_options() -> None:
    chart = plan(
        f'"{CPU}" resource=web-01 "Memory Usage[Basic]" resource=web-01 color red color #00ff00 label cpu label mem '
        'since 09:00 period 10m stat max size 2000x600 tz UTC title "Web 01"'
    )
    body = chart.request.wire_json()
    assert [m["color"] for m in body["metrics"]] == ["#d62728", "#00ff00"]
    assert [m["display_name"] for m in body["metrics"]] == ["cpu", "mem"]
    assert (body["period"], body["statistic_type"], body["width"], body["height"]) == (600, "MAX", 2000, 600)
    assert (body["timezone"], body["title"]) == (
        "UTC",
        "Web 01 · web-01 · since 09:00 (Nov 26 09:00 – Nov 27 03:02 UTC) · MAX",
    )
    assert not chart.period_auto
    # `tz UTC` wins over the asker's Seoul; 09:00 UTC today is still ahead, so it is yesterday's 09:00.
    assert chart.start == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_version_1_0_bodies_carry_individual_items() -> None:
    chart = plan(f'"{CPU}" resource=web-01', defaults=ChartDefaults(api_version="1.0"))
    assert isinstance(chart.request, MetricDataImageRequest)
    item = chart.request.wire_json()["metrics"][0]
    assert item["individual_items"] == item["dimensions"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lst", "There is no metric “lst” in ServiceWatch. Did you mean `last`"),
        ("Replication Leg", "Did you mean `Replication Lag`"),
        ("Virtual Servr:CPU", "There is no namespace “Virtual Servr”. Did you mean `Virtual Server`"),
        ("Virtual Server:Replication Lag", "There is no metric “Replication Lag” in Virtual Server"),
        (f'"{CPU}" VolumeId2=x', "`VolumeId2` is not a dimension of Virtual Server:CPU Usage/Core\\[Basic\\]"),
        (
            f'"{CPU}" resource=web-07',
            "No resource with resource=web-07 reports .* Did you mean `web-03` or `web-02` or `web-01`",
        ),
        (f'"{CPU}" VolumeID=45fbde15-cdd2-4891-be31-4a9de75fccdb', "No resource with VolumeID=45fbde15"),
        (
            '"Load Balancer:Active Connections" + "Transactions Per Second" + "Load Balancer:Bytes In" + "Load Balancer:Bytes Out" + "Replication Lag" + "Disk Read Bytes[Basic]"',
            "would draw 1[0-9] lines; at most 10 fit",
        ),
        ("lag last 7d period 1m", "`period 1m` over last 7d would draw 10,080 points per line; use `period 1h`"),
        ("lag size 600x400", "`size 600x400` is outside what ServiceWatch draws: width 1000–4000"),
        ("lag since 2026-11-28", "starts in the future"),
    ],
)
def test_what_does_not_exist_is_named_before_any_call(text: str, message: str) -> None:
    with pytest.raises(ChartUsageError, match=message) as caught:
        plan(text)
    assert str(caught.value).endswith("`/chart help` for the whole language")


def test_sandbox_data_is_marked_in_the_image_title_and_says_so_in_the_words() -> None:
    chart = plan(f'"{CPU}" resource=web-01 title "Web"', defaults=ChartDefaults(sandbox=True))
    assert (
        chart.request.title == "[Sandbox data] Web · web-01 · last 3h (Nov 27 09:02–12:02 KST) · AVG"
    )  # drawn into the image
    assert chart.title == "Web"
    assert "Sandbox data: synthetic numbers" in comment_line(chart)
    assert alt_text(chart, ()).startswith("Sandbox data: synthetic numbers")
    real = plan(f'"{CPU}" resource=web-01 title "Web"')
    assert real.request.title == "Web · web-01 · last 3h (Nov 27 09:02–12:02 KST) · AVG"
    assert "Sandbox" not in comment_line(real) + alt_text(real, ())


def test_size_limits_come_from_settings() -> None:
    roomy = ChartDefaults(limits=SizeLimits(min_width=500, min_height=300, max_width=4000, max_height=4000))
    assert plan("lag size 600x400", defaults=roomy).request.wire_json()["width"] == 600


def test_unique_part_of_a_name_and_case_are_enough() -> None:
    assert plan("transactions").lines[0].metric.name == "Transactions Per Second"
    assert plan("postgresql(dbaas):cpu usage").lines[0].metric.reference == "PostgreSQL(DBaaS):CPU Usage"


def test_the_default_window_comes_from_settings() -> None:
    chart = plan("lag", defaults=ChartDefaults(window=timedelta(hours=6)))
    assert chart.window_text == "last 6h"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "lag lst 3h",
            "“lst” beside “lag” is neither a metric, a resource nor a word of the chart language. Did you mean `last`?",
        ),
        ("transactions perod 5m", "“perod” beside “transactions” is neither .* Did you mean `period`?"),
    ],
)
def test_a_stray_word_after_a_metric_is_named(text: str, message: str) -> None:
    with pytest.raises(ChartUsageError, match=message):
        plan(text)


def test_the_words_of_a_name_are_enough() -> None:
    assert plan("cpu usage core resource=web-01").lines[0].metric.reference == CPU
