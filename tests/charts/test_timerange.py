"""Windows resolved against a fixed `now`, in the chart's timezone, across DST changes and in Seoul."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.language.parse import parse_chart
from bot.language.timerange import WindowError, resolve_window

NY, BERLIN, SEOUL = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Seoul")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def window(words: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    spec = parse_chart(f"cpu {words}")
    assert spec.window is not None
    start, end = resolve_window(spec.window, now, zone)
    assert start.tzinfo is not None
    assert end.tzinfo is not None
    return start.astimezone(UTC), end.astimezone(UTC)


@pytest.mark.parametrize(
    ("words", "now", "zone", "start", "end"),
    [
        # New York, DST starts 2026-03-08 02:00 → 03:00 (EST -5 → EDT -4)
        ("today", "2026-03-08T16:00", NY, "2026-03-08T05:00", "2026-03-08T16:00"),  # an 11-hour "today" so far
        ("last 24h", "2026-03-08T16:00", NY, "2026-03-07T16:00", "2026-03-08T16:00"),  # 24 real hours
        ("yesterday", "2026-03-09T16:00", NY, "2026-03-08T05:00", "2026-03-09T04:00"),  # a 23-hour day
        (
            "since 02:30",
            "2026-03-08T16:00",
            NY,
            "2026-03-08T07:30",
            "2026-03-08T16:00",
        ),  # 02:30 never happened: 03:30 EDT
        ("today 01:00-04:00", "2026-03-08T16:00", NY, "2026-03-08T06:00", "2026-03-08T08:00"),  # 2 real hours
        # New York, DST ends 2026-11-01 02:00 → 01:00
        ("yesterday", "2026-11-02T17:00", NY, "2026-11-01T04:00", "2026-11-02T05:00"),  # a 25-hour day
        ("since 01:30", "2026-11-01T17:00", NY, "2026-11-01T05:30", "2026-11-01T17:00"),  # the first 01:30 (EDT)
        ("from 00:00 to 03:00", "2026-11-01T17:00", NY, "2026-11-01T04:00", "2026-11-01T08:00"),  # 4 real hours
        # Berlin, DST starts 2026-03-29 02:00 → 03:00; ends 2026-10-25 03:00 → 02:00
        ("yesterday", "2026-03-30T10:00", BERLIN, "2026-03-28T23:00", "2026-03-29T22:00"),
        ("yesterday", "2026-10-26T10:00", BERLIN, "2026-10-24T22:00", "2026-10-25T23:00"),
        ("today 09:00-12:00", "2026-03-29T12:00", BERLIN, "2026-03-29T07:00", "2026-03-29T10:00"),
        ("since yesterday 18:00", "2026-03-29T12:00", BERLIN, "2026-03-28T17:00", "2026-03-29T12:00"),
        # Seoul, UTC+9 all year
        (
            "since 09:00",
            "2026-11-26T23:00",
            SEOUL,
            "2026-11-26T00:00",
            "2026-11-26T23:00",
        ),  # 08:00 KST: yesterday's 09:00
        ("since 09:00", "2026-11-27T03:00", SEOUL, "2026-11-27T00:00", "2026-11-27T03:00"),  # 12:00 KST
        ("today", "2026-11-26T15:30", SEOUL, "2026-11-26T15:00", "2026-11-26T15:30"),  # 00:30 KST
        ("yesterday", "2026-11-27T03:00", SEOUL, "2026-11-25T15:00", "2026-11-26T15:00"),
        ("from 22:00 to 02:00", "2026-11-27T03:00", SEOUL, "2026-11-26T13:00", "2026-11-26T17:00"),  # across midnight
        ("2026-11-26", "2026-11-27T03:00", SEOUL, "2026-11-25T15:00", "2026-11-26T15:00"),
        ("2026-11-26T00:00:00Z/PT3H", "2026-11-27T03:00", SEOUL, "2026-11-26T00:00", "2026-11-26T03:00"),
        ("2026-11-26T09:00/2026-11-26T12:00", "2026-11-27T03:00", SEOUL, "2026-11-26T00:00", "2026-11-26T03:00"),
        ("from now-6h to now-1h", "2026-11-27T03:00", SEOUL, "2026-11-26T21:00", "2026-11-27T02:00"),
        ("-PT3H", "2026-11-27T03:00", SEOUL, "2026-11-27T00:00", "2026-11-27T03:00"),
        (
            "from 09:00 to 17:00",
            "2026-11-27T03:00",
            SEOUL,
            "2026-11-27T00:00",
            "2026-11-27T03:00",
        ),  # the future is cut at now
    ],
)
def test_resolution(words: str, now: str, zone: ZoneInfo, start: str, end: str) -> None:
    assert window(words, utc(now), zone) == (utc(start), utc(end))


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("since 2026-11-28", "starts in the future"),
        ("2026-11-26T12:00/2026-11-26T09:00", "ends before it starts"),
        ("since 2025-01-01", "keeps only 15 months"),
        ("last 500d", "keeps only 15 months"),
    ],
)
def test_windows_that_cannot_be_drawn(words: str, message: str) -> None:
    with pytest.raises(WindowError, match=message):
        window(words, utc("2026-11-27T03:00"), SEOUL)
