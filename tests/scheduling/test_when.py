"""WHEN: the grammar in English and Korean (as people type it) and its refusals, crontab weekdays, run times across
DST in New York and Seoul, and any text near a WHEN refused with a UserError, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.i18n import speaking
from bot.language.tokens import tokenize
from bot.language.when import When, describe_times, latest_run, parse_when, run_times, standard_cron
from bot.scheduling.commands import parse_schedule


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
        # English as people type it
        ("daily at 9", None, "0 9 * * *"),
        ("daily at 9 pm", None, "0 21 * * *"),
        ("every weekday 9am", None, "0 9 * * mon,tue,wed,thu,fri"),
        ("weekdays at 9:30pm", None, "30 21 * * mon,tue,wed,thu,fri"),
        ("every monday 18:00", None, "0 18 * * mon"),
        ("every mon-fri at 8", None, "0 8 * * mon,tue,wed,thu,fri"),
        ("every fri-mon at 8", None, "0 8 * * fri,sat,sun,mon"),
        ("at 9am every day", None, "0 9 * * *"),
        ("at 18:30 every tue and thu", None, "30 18 * * tue,thu"),
        ("every day at noon", None, "0 12 * * *"),
        ("every day at midnight", None, "0 0 * * *"),
        ("every 2 days", 172800, None),
        ("hourly", 3600, None),
        ("EVERY Day AT 9AM", None, "0 9 * * *"),
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
        ("every day", "`every day` needs a time of day: `every day at 09:00`"),
        ("every day 9", "“9” after `every day` is not a time of day; write `every day at 09:00` or `every day at 9`"),
        ("every weekday at lunch", "“lunch” in `every weekday at lunch` is not a time of day"),
        ("every blursday at 9am", "“blursday” in `every blursday` is not a day or how often"),
        ("every dya at 9", "“dya” in `every dya` is not a day or how often. Did you mean `day`?"),
        ("every mondy at 9", "Did you mean `monday`?"),
        ("every 15", "“15” in `every 15` needs a unit"),
        ("every 0m", "`every 0m` is not a time between runs"),
        ("every day at 25:00", "“25:00” in `every day at 25:00` is not a time of day"),
        ("every day at 13pm", "“13pm” in `every day at 13pm` is not a time of day"),
        ("at 9 every 15m", "a time of day goes with days"),
        ("매일", "`매일` needs a time of day: `매일 오전 9시`"),
        ("매일 오전 13시", "“오전 13시” in `매일 오전 13시` is not a time of day"),
        ("매일 9시 75분", "“9시 75분” in `매일 9시 75분` is not a time of day"),
        ("매주 윌요일 9시", "“윌요일” in `매주 윌요일` is not a day or how often. Did you mean `일요일` or `월요일`?"),
        ("매주", "`매주` stops too early"),
        ("매시 75분", "“75” in `매시 75분` is not a time of day"),
        ("cron", "`cron` needs a quoted crontab line"),
        ('cron "0 9 * *"', "has 4 fields; a crontab line has five"),
        ('cron "61 * * * *"', "outside the minute field's 0–59"),
        ('cron "0 9 * * 8"', "outside the weekday field's 0–7"),
        ('cron "0 9 * * */0"', "bad step"),
        ('cron "0 9 * * funday"', "is not a number in the weekday field"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_when(tokenize(text), 0)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("text", "interval", "cron"),
    [
        ("매일 오전 9시", None, "0 9 * * *"),
        ("매일 9시", None, "0 9 * * *"),
        ("매일 오후 6시 30분", None, "30 18 * * *"),
        ("매일 9시 반", None, "30 9 * * *"),
        ("매일 18:00", None, "0 18 * * *"),
        ("매일 오후 6:30", None, "30 18 * * *"),
        ("매일 오전9시에", None, "0 9 * * *"),
        ("매일 정오", None, "0 12 * * *"),
        ("매일 자정", None, "0 0 * * *"),
        ("매일 밤 11시", None, "0 23 * * *"),
        ("날마다 아침 7시", None, "0 7 * * *"),
        ("평일 9시", None, "0 9 * * mon,tue,wed,thu,fri"),
        ("평일마다 오전 9시", None, "0 9 * * mon,tue,wed,thu,fri"),
        ("주말 오전 10시", None, "0 10 * * sat,sun"),
        ("매주 월요일 18시", None, "0 18 * * mon"),
        ("매주 월요일 오후 6시", None, "0 18 * * mon"),
        ("매주 월,수 18시", None, "0 18 * * mon,wed"),
        ("매주 월요일과 수요일 9시", None, "0 9 * * mon,wed"),
        ("월수금 9시", None, "0 9 * * mon,wed,fri"),
        ("월요일마다 오전 9시", None, "0 9 * * mon"),
        ("매주 월요일부터 금요일까지 9시", None, "0 9 * * mon,tue,wed,thu,fri"),
        ("매주 월~금 9시", None, "0 9 * * mon,tue,wed,thu,fri"),
        ("매주 토일 10시", None, "0 10 * * sat,sun"),
        ("15분마다", 900, None),
        ("15 분마다", 900, None),
        ("2시간마다", 7200, None),
        ("1시간 30분마다", 5400, None),
        ("3일마다", 259200, None),
        ("매 30분", 1800, None),
        ("매 30분마다", 1800, None),
        ("15분 간격으로", 900, None),
        ("매시간", 3600, None),
        ("매시간 정각", None, "0 * * * *"),
        ("매시 정각", None, "0 * * * *"),
        ("매시 30분", None, "30 * * * *"),
        ("매시 반", None, "30 * * * *"),
        # mixed freely with English
        ("매일 9am", None, "0 9 * * *"),
        ("every day 오전 9시", None, "0 9 * * *"),
        ("every monday 오후 6시", None, "0 18 * * mon"),
        ("평일 at 9:30", None, "30 9 * * mon,tue,wed,thu,fri"),
        ("every 15분", 900, None),
    ],
)
def test_korean_grammar(text: str, interval: int | None, cron: str | None) -> None:
    found = when(text)
    assert (found.interval, found.cron) == (interval, cron)


@pytest.mark.parametrize(
    ("line", "chart", "interval", "cron", "channel", "duration"),
    [
        ("lag every day at 09:00 last 6h", "lag last 6h", None, "0 9 * * *", None, None),
        ("lag every 1h 30m", "lag 30m", 3600, None, None, None),  # `30m` is the chart's window
        ("lag 매일 오전 9시 지난 24시간", "lag 지난 24시간", None, "0 9 * * *", None, None),
        ("lag 매일 오전 9시 <#C1|ops>에", "lag", None, "0 9 * * *", "C1", None),
        ("lag 평일 9시 <#C1|ops> 채널에", "lag", None, "0 9 * * mon,tue,wed,thu,fri", "C1", None),
        ("lag <#C1|ops>로 매시 정각", "lag", None, "0 * * * *", "C1", None),
        ("lag every weekday at 9am in <#C1|ops>", "lag", None, "0 9 * * mon,tue,wed,thu,fri", "C1", None),
        ("lag 15분마다 2시간 동안", "lag", 900, None, None, 7200),
        ("lag 15분마다 1시간 30분 동안", "lag", 900, None, None, 5400),
        ("lag 10분마다 2시간동안", "lag", 600, None, None, 7200),
        ("lag every 10m for 2 hours", "lag", 600, None, None, 7200),
        ("lag every 10m for 2h", "lag", 600, None, None, 7200),
        ('lag cron "0 9 * * 1-5" in <#C1|ops>', "lag", None, "0 9 * * mon,tue,wed,thu,fri", "C1", None),  # as help says
        ('"cron" cron "*/15 * * * *"', "cron", None, "*/15 * * * *", None, None),  # a metric called cron, quoted
    ],
)
def test_a_schedule_line(
    line: str, chart: str, interval: int | None, cron: str | None, channel: str | None, duration: int | None
) -> None:
    new = parse_schedule(line, follow=duration is not None)
    assert (new.chart_text, new.when.interval, new.when.cron) == (chart, interval, cron)
    assert (new.channel_id, new.duration) == (channel, duration)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("lag evry day at 9", "Did you mean `every`?"),
        ("lag 매일 오전 9시 #ops에", "“#ops에” is not a channel link"),
        ("lag 매일 오전 9시 #ops 채널에", "“#ops” is not a channel link"),
        ("lag every day at 9 in #ops", "“#ops” is not a channel link"),
        ("lag 매일 9시", None),
    ],
)
def test_schedule_line_refusals(line: str, message: str | None) -> None:
    if message is None:
        parse_schedule(line)
        return
    with pytest.raises(UserError) as refused:
        parse_schedule(line)
    assert message in str(refused.value)


def test_refusals_in_korean() -> None:
    with speaking("ko"), pytest.raises(UserError) as refused:
        parse_when(tokenize("매주 윌요일 9시"), 0)
    assert str(refused.value).startswith("`매주 윌요일`의 “윌요일”: 요일도 간격도 아니에요. `일요일` 또는 `월요일`")


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


@pytest.mark.parametrize("line", ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 9 29 2 *", "0 0 30-31 2 *"])
def test_a_crontab_that_runs_less_than_once_a_year_is_refused_naming_it(line: str) -> None:
    with pytest.raises(UserError, match="less than once a year"):
        standard_cron(line)


@pytest.mark.parametrize(
    ("line", "first"),
    [
        ("0 0 31 2 5", ["Fri 02-05 00:00", "Fri 02-12 00:00"]),  # February has no 31st: its Fridays, as crontab says
        ("0 0 31 4 0", ["Sun 04-04 00:00", "Sun 04-11 00:00"]),
        ("0 0 29 2 1", ["Mon 02-01 00:00", "Mon 02-08 00:00"]),  # the 29th in a leap year, and the Mondays
    ],
)
def test_a_day_that_never_comes_leaves_its_weekdays(line: str, first: list[str]) -> None:
    assert times(f'cron "{line}"', "UTC", "2026-12-07T00:00", 2) == first


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


# 2026-11-27 is a Friday; the next runs after 10:00 in Seoul.
@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("every day at 09:00", ["Sat 11-28 09:00", "Sun 11-29 09:00"]),
        ("daily at 9", ["Sat 11-28 09:00", "Sun 11-29 09:00"]),
        ("at 9am every day", ["Sat 11-28 09:00", "Sun 11-29 09:00"]),
        ("every weekday 9am", ["Mon 11-30 09:00", "Tue 12-01 09:00"]),
        ("weekdays at 6pm", ["Fri 11-27 18:00", "Mon 11-30 18:00"]),
        ("every monday 18:00", ["Mon 11-30 18:00", "Mon 12-07 18:00"]),
        ("every mon,wed at 18:00", ["Mon 11-30 18:00", "Wed 12-02 18:00"]),
        ("every weekend at 10:00", ["Sat 11-28 10:00", "Sun 11-29 10:00"]),
        ("every 15 minutes", ["Fri 11-27 10:15", "Fri 11-27 10:30"]),
        ("every hour", ["Fri 11-27 11:00", "Fri 11-27 12:00"]),
        ("매일 오전 9시", ["Sat 11-28 09:00", "Sun 11-29 09:00"]),
        ("평일 9시", ["Mon 11-30 09:00", "Tue 12-01 09:00"]),
        ("매주 월요일 18시", ["Mon 11-30 18:00", "Mon 12-07 18:00"]),
        ("15분마다", ["Fri 11-27 10:15", "Fri 11-27 10:30"]),
        ("2시간마다", ["Fri 11-27 12:00", "Fri 11-27 14:00"]),
        ("매일 오후 6시 30분", ["Fri 11-27 18:30", "Sat 11-28 18:30"]),
        ("주말 오전 10시", ["Sat 11-28 10:00", "Sun 11-29 10:00"]),
        ("매주 월,수 오후 6시", ["Mon 11-30 18:00", "Wed 12-02 18:00"]),
        ("매시 정각", ["Fri 11-27 11:00", "Fri 11-27 12:00"]),
        ("매시 30분", ["Fri 11-27 10:30", "Fri 11-27 11:30"]),
        ("월수금 9시", ["Mon 11-30 09:00", "Wed 12-02 09:00"]),
    ],
)
def test_next_runs_in_seoul(text: str, runs: list[str]) -> None:
    anchor = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 10:00 in Seoul: intervals count from when it was made
    trigger = when(text).trigger("Asia/Seoul", anchor)
    after = anchor + timedelta(minutes=1)
    assert [t.strftime("%a %m-%d %H:%M") for t in run_times(trigger, after, 2)] == runs


def test_run_times_as_each_language_writes_them() -> None:
    trigger = when("매일 오전 9시").trigger("Asia/Seoul", ANCHOR)
    times = run_times(trigger, datetime(2026, 11, 27, 1, 0, tzinfo=UTC), 2)
    assert describe_times(times) == "Nov 28 09:00 KST, Nov 29 09:00 KST"
    with speaking("ko"):
        assert describe_times(times) == "11월 28일 09:00 KST, 11월 29일 09:00 KST"


def test_every_replica_agrees_on_interval_run_times() -> None:
    a = when("every 2h").trigger("Asia/Seoul", ANCHOR)
    b = when("every 2h").trigger("UTC", ANCHOR)
    start = datetime(2026, 11, 27, 3, 17, tzinfo=UTC)
    assert run_times(a, start, 3) == run_times(b, start, 3)


# Any text near a WHEN: only a UserError may come out, never a traceback. -----------------------------------------

WHEN_PHRASES = [
    "every 15m", "every day at 09:00", "daily at 9", "every weekday 9am", "at 9am every day", "every mon-fri at 8",
    "매일 오전 9시", "평일 9시", "매주 월요일 18시", "15분마다", "1시간 30분마다", "매시 정각", "매시 30분",
    "월수금 9시", "매주 월요일부터 금요일까지 9시", "매일 9시 반", "<#C1|ops>에", "<#C1|ops> 채널에", "2시간 동안",
    "for 2h", 'cron "0 9 * * 1-5"',
]  # fmt: skip
WHEN_PIECES = [
    "매", "일", "주", "시", "분", "시간", "마다", "오전", "오후", "밤", "반", "정각", "월", "요일", "부터", "까지", "에",
    "동안", "every", "at", "day", "weekday", "am", "pm", "9", "0", "99999999999", "25", ":", ",", "~", "-", " ", "²",
    "#", "<#C1|a>", '"',
]  # fmt: skip


@st.composite
def near_whens(draw: st.DrawFn) -> str:
    """A chart and a few WHEN phrases of either language, with pieces inserted, deleted or replaced."""
    text = " ".join(["lag", *draw(st.lists(st.sampled_from(WHEN_PHRASES), min_size=1, max_size=3))])
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(WHEN_PIECES), st.text(max_size=2)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        if edit == "insert":
            text = text[:at] + piece + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 4)) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


@settings(max_examples=100)
@given(near_whens(), st.booleans(), st.sampled_from(["en", "ko"]))
def test_any_line_near_a_when_is_read_or_refused(line: str, follow: bool, language: str) -> None:
    with speaking(language):
        try:
            new = parse_schedule(line, follow=follow)
        except UserError as exc:
            refused: UserError = exc
        else:
            trigger = new.when.trigger("Asia/Seoul", ANCHOR)
            assert len(run_times(trigger, ANCHOR, 3)) == 3
            return
    assert str(refused).strip(), "a refusal says what is wrong"
