"""Scheduled charts and incident follows through Slack (HTTP mode, fake Slack, sandbox, SQLite)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.chat import Asker
from bot.errors import UserError
from bot.i18n import speaking
from bot.language.spec import ScheduleRequest
from bot.markup import unmarked
from bot.sandbox import Fault as SandboxFault
from bot.servicewatch.client import IMAGE_PATH
from bot.store.schedules import FAILED, POSTED, NewSchedule, RunLog, Schedules
from tests.fakes.slack import FakeSlack, Fault
from tests.slack_payloads import mention_event
from tests.stacks import BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'


async def ask(stack: BotStack, text: str, **where: str) -> str:
    """A slash command and its private answer."""
    before = len(stack.fake.responses)
    await stack.post_command(text, **where)
    await stack.fake.wait_for(lambda: len(stack.fake.responses) > before)
    return str(stack.fake.responses[before]["text"])


def dms(fake: FakeSlack, user: str = "U0KIM") -> list[str]:
    return [c.params["text"] for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == user]


async def test_a_schedule_posts_on_time_and_is_managed_from_slack(stack: BotStack) -> None:
    fake = stack.fake
    created = await ask(stack, f"schedule {CPU} every 1s")
    assert created.startswith(
        "Scheduled #1: CPU Usage/Core[Basic] · web-01, every 1s (America/New_York) in <#C0OPS>, last 1s each time. Next: "
    )
    await fake.wait_for(lambda: len(fake.posts) >= 2)
    assert fake.posts[0].channel == "C0OPS"
    assert "asked by <@U0KIM>'s schedule #1 (every 1s)" in fake.posts[0].comment
    listing = await ask(stack, "schedules")
    assert listing.startswith(
        "*Schedules in this channel*:\n• #1 CPU Usage/Core[Basic] · web-01, every 1s in <#C0OPS> · next "
    )
    assert "✓ posted" in listing
    assert (await ask(stack, "next 1")).startswith("Next runs of #1 (every 1s, America/New_York): ")
    assert (await ask(stack, "pause 1")) == "Paused #1 (CPU Usage/Core[Basic] · web-01). `resume 1` starts it again."
    schedules = stack.schedules
    assert schedules is not None
    await schedules.sync()  # what each replica does every SCHEDULE_SYNC_INTERVAL: it sees the pause …
    assert schedules.scheduler.get_job("schedule:1") is None  # … and nothing wakes the schedule up any more
    await fake.wait_for(lambda: schedules.runs_under_way == 0)  # a run under way when the pause came may finish
    posted = len(fake.posts)
    assert (await ask(stack, "run 1")).startswith("Sending #1 (CPU Usage/Core[Basic] · web-01) to <#C0OPS> now.")
    await fake.wait_for(lambda: len(fake.posts) == posted + 1)
    assert (await ask(stack, "pause 1", user="U0LEE")).startswith(
        "#1 is <@U0KIM>'s schedule; only they or an admin can pause it."
    )
    assert (await ask(stack, "delete 1")) == "Deleted #1 (CPU Usage/Core[Basic] · web-01, every 1s)."
    assert (await ask(stack, "next 1")).startswith("There is no schedule #1")
    assert await RunLog(stack.services.database, holder="test").runs() == []  # deleted with the schedule


async def test_schedule_errors_are_clear(stack: BotStack) -> None:
    assert "`schedule` needs WHEN" in await ask(stack, "schedule lag")
    assert "needs a chart before WHEN" in await ask(stack, "schedule every 5m")
    assert "There is no metric “cpuxyz”" in await ask(stack, "schedule cpuxyz every 5m")
    assert "is not a channel link" in await ask(stack, "schedule lag every 5m in #ops")
    assert "`pause` takes a schedule's number" in await ask(stack, "pause web")


async def test_in_another_channel(stack: BotStack) -> None:
    answer = await ask(stack, f"schedule {CPU} every 1s in <#C0OTHER|other>")
    assert "in <#C0OTHER>" in answer
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert stack.fake.posts[0].channel == "C0OTHER"


@pytest.fixture
async def fragile_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, schedule_max_failures=2)):
        yield running


async def test_failures_are_told_to_the_owner_and_pause_the_schedule(fragile_stack: BotStack) -> None:
    stack, fake = fragile_stack, fragile_stack.fake
    stack.sandbox.plan.add(
        SandboxFault(kind="status", status=403, detail="no ServiceWatch permission", path=IMAGE_PATH, times=0)
    )
    await ask(stack, "schedule lag every 1s")
    await fake.wait_for(lambda: len(dms(fake)) >= 2)
    first, second = dms(fake)[:2]
    assert first.startswith("Your schedule #1 (Replication Lag, every 1s in <#C0OPS>) could not post its ")
    assert "ServiceWatch read permission" in first
    assert "It failed 2 times in a row, so it is paused. Fix the cause, then `/chart resume 1`." in second
    listing = await ask(stack, "schedules")
    assert "paused (2 failed runs in a row; the last: ServiceWatch answered 403" in listing
    assert fake.posts == []


async def test_a_private_channel_failure_says_invite_me(fragile_stack: BotStack) -> None:
    fake = fragile_stack.fake
    fake.channel("G0PRIV", members=["U0KIM"], bot_member=False, private=True)
    await ask(fragile_stack, "schedule lag every 1s", channel="G0PRIV")
    await fake.wait_for(lambda: dms(fake))
    assert "Invite me with `/invite @servicewatch`" in dms(fake)[0]


async def test_a_reset_after_the_upload_completed_is_not_posted_twice(stack: BotStack) -> None:
    fake = stack.fake
    fake.faults.append(Fault("chat.postMessage", "reset_after"))
    await ask(stack, f"schedule {CPU} every 1s")
    await fake.wait_for(lambda: len(fake.posts) >= 3)
    assert stack.schedules is not None
    await stack.schedules.stop(5)  # let the runs under way finish, so the log and Slack can be compared
    runs = await RunLog(stack.services.database, holder="test").runs()
    first = runs[0]
    assert first.status == FAILED
    assert first.detail is not None
    assert "It may still appear here" in first.detail
    charts = [call for call in fake.calls_to("chat.postMessage") if call.params.get("blocks")]
    assert len(charts) == len(fake.chart_messages())  # never a second try
    posted = [r for r in runs if r.status == POSTED]
    assert len({r.scheduled_for for r in runs}) == len(runs)
    # the reset one arrived once (with its numbers: its image could not join it), and was not sent again
    assert len(fake.chart_messages()) == len(posted) + 1


async def test_follow_in_a_thread_until_stop(stack: BotStack) -> None:
    fake = stack.fake
    event = mention_event("<@UBOT0001> follow lag every 1s for 1h", event_id="EvF1", thread_ts="1700000000.000100")
    await stack.post_signed(json.dumps(event), "application/json")
    await fake.wait_for(lambda: len(fake.posts) >= 2)
    assert {p.thread_ts for p in fake.posts} == {"1700000000.000100"}
    ephemeral = fake.calls_to("chat.postEphemeral")[0].params["text"]
    assert ephemeral.startswith("Following Replication Lag here every 1s (last 1s) until ")
    stop = mention_event("<@UBOT0001> stop", event_id="EvF2", thread_ts="1700000000.000100")
    await stack.post_signed(json.dumps(stop), "application/json")
    await fake.wait_for(lambda: len(fake.calls_to("chat.postEphemeral")) >= 2)
    assert fake.calls_to("chat.postEphemeral")[1].params["text"] == "Stopped following Replication Lag here."


@pytest.mark.slow
async def test_follow_ends_by_itself(stack: BotStack) -> None:
    fake = stack.fake
    event = mention_event("<@UBOT0001> follow lag every 1s for 2s", event_id="EvF3", thread_ts="1700000000.000100")
    await stack.post_signed(json.dumps(event), "application/json")
    await fake.wait_for(
        lambda: any("its time is up" in c.params.get("text", "") for c in fake.calls_to("chat.postMessage"))
    )
    ended = [c for c in fake.calls_to("chat.postMessage") if "its time is up" in c.params.get("text", "")]
    assert ended[0].params["thread_ts"] == "1700000000.000100"


async def test_app_home_lists_and_its_buttons_work(stack: BotStack) -> None:
    fake = stack.fake
    await ask(stack, "schedule lag every 5m")
    await ask(stack, "save db lag 6h")
    opened = {
        "token": "old",
        "team_id": "T0TEAM001",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": "EvH1",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": "U0KIM", "channel": "D0KIM", "tab": "home", "event_ts": "1.1"},
    }
    await stack.post_signed(json.dumps(opened), "application/json")
    await fake.wait_for(lambda: fake.calls_to("views.publish"))
    view = fake.calls_to("views.publish")[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    texts = json.dumps(view)
    assert "#1 Replication Lag, every 5m" in texts
    assert "`db` in <#C0OPS>: lag 6h" in texts
    click = {
        "type": "block_actions",
        "team": {"id": "T0TEAM001"},
        "user": {"id": "U0KIM"},
        "trigger_id": "1.2",
        "container": {"type": "view", "view_id": "V1"},
        "view": view,
        "actions": [
            {"action_id": "home_pause", "block_id": "schedule_1", "value": "1", "type": "button", "action_ts": "1.3"}
        ],
    }
    response = await stack.post_signed(urlencode({"payload": json.dumps(click)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    await fake.wait_for(lambda: len(fake.calls_to("views.publish")) >= 2)
    assert dms(fake)[-1] == "Paused #1 (Replication Lag). `resume 1` starts it again."
    again = fake.calls_to("views.publish")[-1].params["view"]
    assert "home_resume" in (again if isinstance(again, str) else json.dumps(again))


async def test_run_now_posts_even_in_a_second_the_timetable_has_run(stack: BotStack) -> None:
    """`run 1` has a slot of its own: had it taken the whole second, a timetable run of that same second (here every
    second of the next minute, held by another replica) would refuse its claim, and nothing would be posted."""
    fake = stack.fake
    await ask(stack, f"schedule {CPU} every 5m")
    other = RunLog(stack.services.database, holder="another-replica")
    now = datetime.now(UTC).replace(microsecond=0)
    for second in range(-2, 60):
        assert await other.claim(1, now + timedelta(seconds=second), timedelta(hours=1))
    assert (await ask(stack, "run 1")).startswith("Sending #1")
    schedules = stack.schedules
    assert schedules is not None
    await fake.wait_for(lambda: fake.posts and schedules.runs_under_way == 0)  # posted, and the run recorded
    (run,) = [r for r in await other.runs(1) if r.status == POSTED]
    assert run.scheduled_for.microsecond != 0


async def test_stopping_leaves_no_task_of_the_schedules_behind(stack: BotStack) -> None:
    """A task still running after stop (the sync loop in the middle of a query, the claims' keeper) would use the
    database the bot closes next, and the event loop's shutdown would then wait for it for ever."""
    await ask(stack, f"schedule {CPU} every 1s")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert stack.schedules is not None
    await stack.schedules.stop(5)
    ours = ("ScheduleService", "ScheduledRunner")
    assert [t for t in asyncio.all_tasks() if not t.done() and any(name in repr(t) for name in ours)] == []


def next_two_days(answer: str) -> list[datetime]:
    """The two dates of `Next: Nov 28 09:00 EST, Nov 29 09:00 EST.` (each at 09:00, New York time)."""
    found = re.search(r"Next: (\w+ \d+) 09:00 E[SD]T, (\w+ \d+) 09:00 E[SD]T\.", answer)
    assert found is not None, answer
    return [datetime.strptime(f"2000 {day}", "%Y %b %d") for day in found.groups()]


async def test_a_korean_when_and_the_same_schedule_twice(stack: BotStack) -> None:
    created = await ask(stack, "schedule lag 매일 오전 9시")
    assert created.startswith(
        "Scheduled #1: Replication Lag, 매일 오전 9시 (America/New_York) in <#C0OPS>, last 1d each time. Next: "
    )
    first, second = next_two_days(created)
    assert (second - first).days in (1, -365)  # consecutive days (Dec 31, Jan 1 in a leap year 2000)
    assert stack.schedules is not None
    made = await stack.schedules.schedules.get(1)
    assert made is not None
    assert (made.cron, made.interval_seconds, made.timezone) == ("0 9 * * *", None, "America/New_York")
    twin = await ask(stack, "schedule LAG  every day at 9am")  # the same chart and times, typed otherwise
    assert twin.startswith(
        "Already scheduled as #1: Replication Lag, 매일 오전 9시 (America/New_York) in <#C0OPS>, by <@U0KIM>. "
        "It has the same chart (spaces and capitals aside), the same run times and the same place, so nothing new "
        "was made. Next: "
    )
    assert next_two_days(twin) == [first, second]
    assert [s.id for s in await stack.schedules.schedules.in_channel("C0OPS")] == [1]
    elsewhere = await ask(stack, "schedule lag every day at 9am in <#C0OTHER|other>")
    assert elsewhere.startswith("Scheduled #2: ")
    other_time = await ask(stack, "schedule lag 매일 오전 10시")
    assert other_time.startswith("Scheduled #3: ")


async def test_a_korean_speaker_reads_the_catalog(stack: BotStack) -> None:
    """The request path sets the asker's language (`speaking`); every answer of the schedule actions follows it."""
    handler = stack.bot.actions.schedules
    assert handler is not None
    kim = Asker(user_id="U0KIM", channel_id="C0OPS", timezone="Asia/Seoul", asked_from="C0OPS")

    async def say(text: str) -> str:
        action, _, rest = text.partition(" ")
        request = ScheduleRequest(action=action, words=tuple(rest.split()), text=rest)
        with speaking("ko"):
            try:
                return unmarked(await handler.handle(request, kim))
            except UserError as refused:
                return unmarked(str(refused))

    created = await say("schedule lag 평일 9시")
    assert created.startswith("예약했어요(#1): Replication Lag, 평일 9시(Asia/Seoul), <#C0OPS>에 매번 ")
    assert re.search(r"다음 실행: \d+월 \d+일 09:00 KST, \d+월 \d+일 09:00 KST\.", created), created
    assert (await say("schedule lag every weekday at 9am")).startswith("이미 같은 예약이 있어요(#1): ")
    assert await say("pause 1") == "#1(Replication Lag) 예약을 일시정지했어요. `resume 1`로 다시 시작할 수 있어요."
    listing = await say("schedules")
    assert listing.startswith(
        "*이 채널의 예약*:\n• #1 Replication Lag, 평일 9시, <#C0OPS> · 일시정지됨(<@U0KIM> 님이 일시정지함)"
    )
    assert (await say("schedule lag 매주 윌요일 9시")).startswith(
        "`매주 윌요일`의 “윌요일”: 요일도 간격도 아니에요. `일요일` 또는 `월요일`을(를) 말씀하신 건가요?"
    )
    assert await say("delete 1") == "#1(Replication Lag, 평일 9시) 예약을 삭제했어요."
    assert await say("next 1") == "#1 예약이 없어요. `schedules`로 이 채널의 예약을 볼 수 있어요."


async def test_thirty_identical_schedule_commands_at_once_make_one(stack: BotStack) -> None:
    """Issue 26: the duplicate check and the insert are one step, so a burst of the same command makes one schedule;
    every other asker is told which one it is."""
    text = "schedule lag every day at 9am"
    answers = await asyncio.gather(*(stack.post_command(text) for _ in range(30)))
    assert {answer.status_code for answer in answers} == {200}
    await stack.fake.wait_for(lambda: len(stack.fake.responses) >= 30, within=60)
    said = [str(response["text"]) for response in stack.fake.responses]
    assert sum(text.startswith("Scheduled #1: ") for text in said) == 1
    assert sum(text.startswith("Already scheduled as #1: ") for text in said) == 29
    assert [s.id for s in await stack.schedules.schedules.in_channel("C0OPS")] == [1]


async def test_every_channels_schedules_are_listed_in_pages_within_slacks_limits(stack: BotStack) -> None:
    """`schedules all` over 10 channels of 25 schedules: each page one Slack message's worth, each schedule on one."""
    schedules = Schedules(stack.services.database)
    for n in range(250):
        new = NewSchedule(
            channel_id=f"C{n % 10:04}", owner_id="U0KIM", label=f"Chart number {n}", chart_text=f"{CPU} last 1h",
            when_text="every day at 09:00", interval_seconds=None, cron="0 9 * * *", timezone="UTC",
        )  # fmt: skip
        await schedules.create(new, max_per_channel=25)
    line, seen, pages = "schedules all", [], 0
    while line:
        await stack.post_command(line)
        await stack.fake.wait_for(lambda pages=pages: len(stack.fake.responses) == pages + 1)
        text = str(stack.fake.responses[-1]["text"])
        assert len(text) <= 3000
        assert text.startswith("*Your schedules in every channel*:")
        seen += [int(n) for n in re.findall(r"^• #(\d+) ", text, flags=re.MULTILINE)]
        pages += 1
        found = re.search(r"next: `/chart (schedules all page \d+)`", text)
        line = found.group(1) if found else ""
    assert seen == list(range(1, 251))
    assert pages > 5
