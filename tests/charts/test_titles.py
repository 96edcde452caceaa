"""The image's own title: what, which resources, when, which statistic; trimmed least important first."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.charts.titles import image_title, resource_list, statistic_name, time_span, title_limit
from bot.i18n import KOREAN, speaking

KST = ZoneInfo("Asia/Seoul")
NINE, NOON = datetime(2026, 11, 27, 9, tzinfo=KST), datetime(2026, 11, 27, 12, tzinfo=KST)
CPU = "CPU Usage/Core[Basic]"
DBS = ["orders-db", "orders-db-replica"]


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (NINE, NOON, "Nov 27 09:00–12:00 KST"),
        (datetime(2026, 11, 26, tzinfo=KST), datetime(2026, 11, 27, tzinfo=KST), "Nov 26 00:00 – Nov 27 00:00 KST"),
        (
            datetime(2025, 12, 31, 22, tzinfo=KST),
            datetime(2026, 1, 1, 1, tzinfo=KST),
            "2025-12-31 22:00 – 2026-01-01 01:00 KST",
        ),
    ],
)
def test_the_range_always_has_its_date(start: datetime, end: datetime, text: str) -> None:
    assert time_span(start, end) == text


@pytest.mark.parametrize(
    ("shown", "text"),
    [
        (3, "web-01, web-02, web-03 +2"),
        (1, "web-01 +4"),
        (0, "5 resources"),
        (9, "web-01, web-02, web-03, web-04, web-05"),
    ],
)
def test_resource_list(shown: int, text: str) -> None:
    assert resource_list([f"web-0{i}" for i in range(1, 6)], shown) == text


@pytest.mark.parametrize(
    ("label", "resources", "window", "mark", "limit", "title"),
    [
        (
            CPU,
            ["web-01"],
            "last 3h",
            "",
            127,
            "CPU Usage/Core[Basic] · web-01 · last 3h (Nov 27 09:00–12:00 KST) · AVG",
        ),
        ("web-01 CPU", ["web-01"], "last 3h", "", 127, "web-01 CPU · last 3h (Nov 27 09:00–12:00 KST) · AVG"),
        (
            CPU,
            ["web-01"],
            "",
            "[Sandbox data]",
            127,
            "[Sandbox data] CPU Usage/Core[Basic] · web-01 · Nov 27 09:00–12:00 KST · AVG",
        ),
        # Too long: the window's words go first (the range stays) …
        (
            "Replication Lag",
            DBS,
            "since 09:00",
            "[Sandbox data]",
            92,
            "[Sandbox data] Replication Lag · orders-db, orders-db-replica · Nov 27 09:00–12:00 KST · AVG",
        ),
        # … then the resources beyond the first, then their names …
        (
            "Replication Lag",
            DBS,
            "since 09:00",
            "[Sandbox data]",
            90,
            "[Sandbox data] Replication Lag · orders-db +1 · Nov 27 09:00–12:00 KST · AVG",
        ),
        (
            "Replication Lag",
            DBS,
            "since 09:00",
            "[Sandbox data]",
            75,
            "[Sandbox data] Replication Lag · 2 resources · Nov 27 09:00–12:00 KST · AVG",
        ),
        # … then the label's end; the statistic stays whole.
        (
            "A very long title somebody typed for this chart",
            DBS,
            "last 3h",
            "",
            60,
            "A very long ti… · 2 resources · Nov 27 09:00–12:00 KST · AVG",
        ),
        (
            "지난 주 웹 서버 CPU",
            ["웹-01"],
            "지난 3시간",
            "",
            127,
            "지난 주 웹 서버 CPU · 웹-01 · 지난 3시간 (Nov 27 09:00–12:00 KST) · AVG",
        ),
    ],
)
def test_image_title(label: str, resources: list[str], window: str, mark: str, limit: int, title: str) -> None:
    made = image_title(label, resources, window, NINE, NOON, "AVG", mark=mark, limit=limit)
    assert made == title
    assert len(made) <= limit


def test_a_korean_askers_title_is_korean() -> None:
    """Planning runs in the asker's language: the range, the resources' count and the statistic in Korean."""
    with speaking(KOREAN):
        assert time_span(NINE, NOON) == "11월 27일 09:00–12:00 KST"
        assert resource_list(DBS, 0) == "리소스 2개"
        assert [statistic_name(s) for s in ("AVG", "MAX", "MIN", "SUM", "CNT", "P99")] == [
            "평균",
            "최대",
            "최소",
            "합계",
            "개수",
            "P99",
        ]
    assert statistic_name("CNT") == "CNT"


@given(
    label=st.text(min_size=1, max_size=300),
    resources=st.lists(st.text(min_size=1, max_size=60), max_size=10),
    window=st.text(max_size=80),
    limit=st.integers(min_value=40, max_value=200),
    stat=st.sampled_from(["AVG", "MAX", "MIN", "SUM", "COUNT"]),
    sandbox=st.booleans(),
)
def test_any_title_fits_and_keeps_its_statistic(
    label: str, resources: list[str], window: str, limit: int, stat: str, sandbox: bool
) -> None:
    made = image_title(
        label, resources, window, NINE, NOON, stat, mark="[Sandbox data]" if sandbox else "", limit=limit
    )
    assert len(made) <= limit
    assert made.endswith(f" · {stat}")


@pytest.mark.parametrize(("width", "limit"), [(1000, 90), (1400, 127), (400, 40), (10000, 200)])
def test_the_limit_is_one_line_of_the_chart(width: int, limit: int) -> None:
    assert title_limit(width) == limit
