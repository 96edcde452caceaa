"""The schedule commands people type: create, list, pause, resume, delete, run now, next; follow and stop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.access import AccessPolicy
from bot.charts.parse import parse_chart, parse_window
from bot.charts.spec import ScheduleRequest
from bot.chat import Asker, ChatActions
from bot.durations import format_duration
from bot.errors import UserError
from bot.scheduling.commands import parse_schedule, parse_schedule_id
from bot.scheduling.runner import when_of
from bot.scheduling.service import ScheduleService
from bot.scheduling.when import default_window, describe_times, run_times, shortest_gap
from bot.store.schedules import NewSchedule, Schedule


@dataclass(frozen=True)
class ScheduleLimits:
    min_interval: int = 300
    max_per_channel: int = 25
    follow_default: int = 4 * 3600
    follow_max: int = 24 * 3600


class ScheduleActions:
    def __init__(
        self,
        chat: ChatActions,
        service: ScheduleService,
        limits: ScheduleLimits,
        policy: AccessPolicy,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.chat = chat
        self.service = service
        self.schedules = service.schedules
        self.limits = limits
        self.policy = policy
        self._clock = clock

    async def handle(self, request: ScheduleRequest, asker: Asker) -> str:
        action = request.action
        if action in ("schedule", "follow"):
            return await self._create(request, asker, follow=action == "follow")
        if action == "schedules":
            return await self._list(asker, everything=request.words[:1] == ("all",))
        if action == "stop":
            return await self._stop(asker)
        schedule = await self._own(parse_schedule_id(request.words, action), asker, action)
        if action == "pause":
            await self.schedules.set_paused(
                schedule.id, True, f"paused by <@{asker.user_id}>", request_key=asker.request_key
            )
            await self.service.sync()
            return f"Paused #{schedule.id} ({schedule.label}). `resume {schedule.id}` starts it again."
        if action == "resume":
            resumed = await self.schedules.set_paused(schedule.id, False, request_key=asker.request_key)
            await self.service.sync()
            assert resumed is not None
            return f"Resumed #{schedule.id} ({schedule.label}). Next: {self._next(resumed, 1)}."
        if action == "delete":
            await self.schedules.delete(schedule.id, request_key=asker.request_key)
            await self.service.sync()
            return f"Deleted #{schedule.id} ({schedule.label}, {schedule.when_text})."
        if action == "run":
            await self.policy.check_post(asker.user_id, asker.asked_from, schedule.channel_id)
            self.service.run_now(schedule, asker.asked_at)
            return f"Sending #{schedule.id} ({schedule.label}) to <#{schedule.channel_id}> now."
        return f"Next runs of #{schedule.id} ({schedule.when_text}, {schedule.timezone}): {self._next(schedule, 5)}."

    def _next(self, schedule: Schedule, count: int) -> str:
        trigger = when_of(schedule).trigger(schedule.timezone, schedule.anchor)
        zone = ZoneInfo(schedule.timezone)
        return describe_times([t.astimezone(zone) for t in run_times(trigger, self._clock(), count)]) or "none"

    async def _own(self, schedule_id: int, asker: Asker, action: str) -> Schedule:
        schedule = await self.schedules.get(schedule_id)
        if schedule is None:
            raise UserError(f"There is no schedule #{schedule_id}; `schedules` lists this channel's.")
        if action not in ("next",) and schedule.owner_id != asker.user_id and not asker.is_admin:
            raise UserError(
                f"#{schedule_id} is <@{schedule.owner_id}>'s schedule; only they or an admin can {action} it."
            )
        return schedule

    async def _create(self, request: ScheduleRequest, asker: Asker, *, follow: bool) -> str:
        new = parse_schedule(request.text, follow=follow)
        channel = new.channel_id or asker.channel_id
        await self.policy.check_post(asker.user_id, asker.asked_from, channel)
        spec = parse_chart(new.chart_text, command=self.chat.command)
        zone = spec.tz or asker.timezone or self.chat.default_timezone
        now = self._clock()
        trigger = new.when.trigger(zone, now)
        gap = new.when.interval or shortest_gap(trigger, now)
        if gap < self.limits.min_interval:
            raise UserError(
                f"“{new.when.text}” runs every {format_duration(int(gap))}; the shortest allowed is "
                f"{format_duration(self.limits.min_interval)} (SCHEDULE_MIN_INTERVAL)."
            )
        window_text = default_window(new.when, trigger, now)
        resolved, title = await self.chat.with_saved(spec, channel)
        if resolved.window is None:  # checked as it will run: over the time between runs
            resolved = replace(resolved, window=parse_window(f"last {window_text}"))
        plan = await self.chat.charts.plan(
            resolved, timezone=zone, title=title
        )  # a chart that can't be drawn isn't saved
        thread_ts, ends_at = None, None
        if follow:
            if asker.thread_ts is None:
                raise UserError("`follow` works in a thread: mention me inside the incident's thread.")
            duration = new.duration or self.limits.follow_default
            if duration > self.limits.follow_max:
                longest = format_duration(self.limits.follow_max)
                raise UserError(f"`for {format_duration(duration)}` is longer than the {longest} allowed.")
            thread_ts, ends_at = asker.thread_ts, now + timedelta(seconds=duration)
        schedule = await self.schedules.create(
            NewSchedule(
                channel_id=channel,
                owner_id=asker.user_id,
                label=title or plan.title,
                chart_text=new.chart_text,
                when_text=new.when.text,
                interval_seconds=new.when.interval,
                cron=new.when.cron,
                timezone=zone,
                thread_ts=thread_ts,
                ends_at=ends_at,
            ),
            max_per_channel=self.limits.max_per_channel,
            request_key=asker.request_key,
        )
        await self.service.sync()
        assert resolved.window is not None
        window = resolved.window.text
        if follow:
            assert ends_at is not None
            until = ends_at.astimezone(ZoneInfo(zone))
            return (
                f"Following {schedule.label} here {new.when.text} ({window}) until {until:%H:%M %Z}. "
                "`@bot stop` in this thread ends it."
            )
        return (
            f"Scheduled #{schedule.id}: {schedule.label}, {new.when.text} ({zone}) in <#{channel}>, "
            f"{window} each time. Next: {self._next(schedule, 2)}. "
            f"`pause {schedule.id}`, `run {schedule.id}`, `delete {schedule.id}`."
        )

    async def _list(self, asker: Asker, *, everything: bool) -> str:
        if everything:
            found = await (self.schedules.all() if asker.is_admin else self.schedules.owned_by(asker.user_id))
            heading = "All schedules" if asker.is_admin else "Your schedules in every channel"
        else:
            found = await self.schedules.in_channel(asker.channel_id)
            heading = "Schedules in this channel"
        if not found:
            return (
                "No schedules yet. Make one: `schedule web-cpu every day at 09:00` "
                "(`schedules all` shows every channel's)."
            )
        return "\n".join([f"*{heading}*:", *(self.describe(s) for s in found)])

    def describe(self, schedule: Schedule) -> str:
        state = f"paused ({schedule.paused_reason})" if schedule.paused else f"next {self._next(schedule, 1)}"
        last = ""
        if schedule.last_status:
            zone = ZoneInfo(schedule.timezone)
            when = schedule.last_run_at.astimezone(zone).strftime("%a %H:%M") if schedule.last_run_at else ""
            mark = {"posted": "✓", "failed": "✗", "skipped": "–"}.get(schedule.last_status, "?")
            detail = f": {schedule.last_detail}" if schedule.last_detail else ""
            last = f" · last {when} {mark} {schedule.last_status}{detail}"
        where = f" in <#{schedule.channel_id}>" + (" (a thread)" if schedule.thread_ts else "")
        owner = f"<@{schedule.owner_id}>"
        return f"• #{schedule.id} {schedule.label}, {schedule.when_text}{where} · {state}{last} · by {owner}"

    async def _stop(self, asker: Asker) -> str:
        if asker.thread_ts is None:
            raise UserError("`stop` ends what I follow in a thread; say it inside that thread.")
        follows = await self.schedules.follows_in_thread(asker.channel_id, asker.thread_ts)
        if not follows:
            return "I'm not following anything in this thread."
        await self.schedules.delete(*(s.id for s in follows), request_key=asker.request_key)
        await self.service.sync()
        return "Stopped following " + ", ".join(s.label for s in follows) + " here."
