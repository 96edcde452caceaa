"""WHEN: the grammar and its errors, crontab weekdays, and run times across DST in New York and Seoul."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.charts.tokens import tokenize
from bot.errors import UserError
from bot.scheduling.when import When, latest_run, parse_when, run_times, standard_cron


def when(text: str) -> When:
    found, used = parse_when(tokenize(text), 0)
    assert used == len(tokenize(text)), f"{text!r} left words over"
    return found


@pytest.mark.parametrize(
    ("text", "interval", "cron"),
    [
        ("every 15m", 900, None),
        ("every 90s", 90, None),
        ("every 2h", 7200, None),
        ("every 2 hours", 7200, None),
        ("every 30 minutes", 1800, None),
        ("every hour", 3600, None),
        ("every minute", 60, None),
        ("every day at 09:00", None, "0 9 * * *"),
        ("every day at 9:30pm", None, "30 21 * * *"),
        ("every weekday at 9am", None, "0 9 * * mon,tue,wed,thu,fri"),
        ("every weekend at 10:00", None, "0 10 * * sat,sun"),
        ("every mon,wed at 18:00", None, "0 18 * * mon,wed"),
        ("every Monday at 08:15", None, "15 8 * * mon"),
        ("every tue thu at 7am", None, "0 7 * * tue,thu"),
        ('cron "0 9 * * 1-5"', None, "0 9 * * mon,tue,wed,thu,fri"),
        ('cron "*/15 * * * *"', None, "*/15 * * * *"),
    ],
)
def test_grammar(text: str, interval: int | None, cron: str | None) -> None:
    found = when(text)
    assert (found.interval, found.cron) == (interval, cron)


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("0", "sun"),
        ("7", "sun"),
        ("0,7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("5-7", "fri,sat,sun"),
        ("*/2", "sun,tue,thu,sat"),
        ("6,0", "sun,sat"),
        ("sun,sat", "sun,sat"),
        ("mon-fri", "mon,tue,wed,thu,fri"),
    ],
)
def test_crontab_weekdays_mean_what_crontab_means(field: str, days: str) -> None:
    assert standard_cron(f"0 9 * * {field}") == f"0 9 * * {days}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("every", "`every` needs how often"),
        ("every day", "`every day` needs a time: `every day at 09:00`"),
        ("every weekday at lunch", "“lunch” is not a time of day"),
        ("every blursday at 9am", "“blursday” is not how often"),
        ("cron", "`cron` needs a quoted crontab line"),
        ('cron "0 9 * *"', "has 4 fields; a crontab line has five"),
        ('cron "61 * * * *"', "outside the minute field's 0–59"),
        ('cron "0 9 * * 8"', "outside the weekday field's 0–7"),
        ('cron "0 9 * * */0"', "bad step"),
        ('cron "0 9 * * funday"', "is not a number in the weekday field"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_when(tokenize(text), 0)


ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def times(text: str, zone: str, after: str, count: int) -> list[str]:
    trigger = when(text).trigger(zone, ANCHOR)
    start = datetime.fromisoformat(after).replace(tzinfo=UTC)
    return [t.astimezone(UTC).strftime("%a %m-%d %H:%M") for t in run_times(trigger, start, count)]


def test_weekday_crons_fire_monday_to_friday() -> None:
    # 2026-11-27 is a Friday; Seoul is UTC+9, so 09:00 KST is 00:00 UTC.
    assert times('cron "0 9 * * 1-5"', "Asia/Seoul", "2026-11-26T12:00", 4) == [
        "Fri 11-27 00:00",
        "Mon 11-30 00:00",
        "Tue 12-01 00:00",
        "Wed 12-02 00:00",
    ]
    assert times('cron "0 9 * * 0"', "Asia/Seoul", "2026-11-26T12:00", 2) == ["Sun 11-29 00:00", "Sun 12-06 00:00"]
    assert times('cron "0 9 * * 7"', "Asia/Seoul", "2026-11-26T12:00", 1) == ["Sun 11-29 00:00"]


def test_day_of_month_or_weekday_as_crontab_does() -> None:
    assert times('cron "0 12 1 * mon"', "UTC", "2026-11-27T00:00", 3) == [
        "Mon 11-30 12:00",
        "Tue 12-01 12:00",
        "Mon 12-07 12:00",
    ]


def test_new_york_across_dst_start() -> None:
    # DST starts Sun 2026-03-08: 09:00 EST is 14:00 UTC, 09:00 EDT is 13:00 UTC.
    assert times("every day at 09:00", "America/New_York", "2026-03-06T15:00", 3) == [
        "Sat 03-07 14:00",
        "Sun 03-08 13:00",
        "Mon 03-09 13:00",
    ]


def test_new_york_across_dst_end_runs_a_repeated_time_once() -> None:
    assert times("every day at 01:30", "America/New_York", "2026-10-31T00:00", 3) == [
        "Sat 10-31 05:30",
        "Sun 11-01 05:30",
        "Mon 11-02 06:30",
    ]


def test_intervals_count_real_time_through_dst() -> None:
    assert times("every 30m", "America/New_York", "2026-11-01T04:50", 4) == [
        "Sun 11-01 05:00",
        "Sun 11-01 05:30",
        "Sun 11-01 06:00",
        "Sun 11-01 06:30",
    ]


def test_seoul_every_weekday() -> None:
    assert times("every weekday at 9am", "Asia/Seoul", "2026-11-27T01:00", 2) == ["Mon 11-30 00:00", "Tue 12-01 00:00"]


def test_the_due_run_is_the_latest_within_the_grace() -> None:
    trigger = when("every 15m").trigger("UTC", ANCHOR)
    now = datetime(2026, 11, 27, 9, 40, tzinfo=UTC)
    assert latest_run(trigger, now, timedelta(minutes=15)) == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    daily = when("every day at 09:00").trigger("UTC", ANCHOR)
    assert latest_run(daily, now, timedelta(minutes=15)) is None  # 40 minutes late: skipped, not replayed
    assert latest_run(daily, now, timedelta(hours=1)) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_every_replica_agrees_on_interval_run_times() -> None:
    a = when("every 2h").trigger("Asia/Seoul", ANCHOR)
    b = when("every 2h").trigger("UTC", ANCHOR)
    start = datetime(2026, 11, 27, 3, 17, tzinfo=UTC)
    assert run_times(a, start, 3) == run_times(b, start, 3)
