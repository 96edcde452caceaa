"""The schedule commands people type: create, list, pause, resume, delete, run now, next; follow and stop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.access import AccessPolicy
from bot.charts.maker import ChartMaker, ChartOrder
from bot.chat import Asker
from bot.durations import format_duration
from bot.errors import UserError
from bot.i18n import _
from bot.language.pages import page_asked
from bot.language.parse import parse_chart
from bot.language.spec import ScheduleRequest
from bot.language.when import default_window, describe_time, describe_times, run_times, shortest_gap
from bot.markup import channel_link, marked, mention
from bot.paging import page_text
from bot.scheduling.commands import NewScheduleRequest, parse_schedule, parse_schedule_id
from bot.scheduling.runner import when_of
from bot.scheduling.service import ScheduleService
from bot.store.schedules import AlreadyScheduled, NewSchedule, Schedule


@dataclass(frozen=True)
class ScheduleLimits:
    min_interval: int = 300
    max_per_channel: int = 25
    follow_default: int = 4 * 3600
    follow_max: int = 24 * 3600


class ScheduleActions:
    def __init__(
        self,
        maker: ChartMaker,
        service: ScheduleService,
        limits: ScheduleLimits,
        policy: AccessPolicy,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.maker = maker
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
            everything = request.words[:1] in (("all",), ("전체",))
            typed = "schedules all" if everything else "schedules"
            page = page_asked(request.words[everything:], typed)
            return await self._list(asker, everything=everything, page=page)
        if action == "stop":
            return await self._stop(asker)
        schedule = await self._own(parse_schedule_id(request.words, action), asker, action)
        named = {"id": schedule.id, "label": schedule.label}
        if action == "pause":
            reason = _("paused by {user}").format(user=mention(asker.user_id))
            await self.schedules.set_paused(schedule.id, True, reason, request_key=asker.request_key)
            await self.service.sync()
            return _("Paused #{id} ({label}). `resume {id}` starts it again.").format(**named)
        if action == "resume":
            resumed = await self.schedules.set_paused(schedule.id, False, request_key=asker.request_key)
            await self.service.sync()
            assert resumed is not None
            return _("Resumed #{id} ({label}). Next: {next}.").format(**named, next=self._next(resumed, 1))
        if action == "delete":
            await self.schedules.delete(schedule.id, request_key=asker.request_key)
            await self.service.sync()
            return _("Deleted #{id} ({label}, {when}).").format(**named, when=schedule.when_text)
        if action == "run":
            await self.policy.check_post(asker.user_id, asker.asked_from, schedule.channel_id, asker.workspace)
            self.service.run_now(schedule, asker.asked_at)
            return _("Sending #{id} ({label}) to <#{channel}> now.").format(
                **named, channel=marked(schedule.channel_id)
            )
        return _("Next runs of #{id} ({when}, {zone}): {times}.").format(
            id=schedule.id, when=schedule.when_text, zone=schedule.timezone, times=self._next(schedule, 5)
        )

    def _next(self, schedule: Schedule, count: int) -> str:
        trigger = when_of(schedule).trigger(schedule.timezone, schedule.anchor)
        zone = ZoneInfo(schedule.timezone)
        return describe_times([t.astimezone(zone) for t in run_times(trigger, self._clock(), count)]) or _("none")

    async def _own(self, schedule_id: int, asker: Asker, action: str) -> Schedule:
        schedule = await self.schedules.get(schedule_id)
        if schedule is None:
            raise UserError(_("There is no schedule #{id}; `schedules` lists this channel's.").format(id=schedule_id))
        if action not in ("next",) and schedule.owner_id != asker.user_id and not asker.is_admin:
            raise UserError(
                _("#{id} is {owner}'s schedule; only they or an admin can {action} it.").format(
                    id=schedule_id, owner=mention(schedule.owner_id), action=action
                )
            )
        return schedule

    async def _create(self, request: ScheduleRequest, asker: Asker, *, follow: bool) -> str:
        new = parse_schedule(request.text, follow=follow)
        if follow and asker.thread_ts is None:
            raise UserError(_("`follow` works in a thread: mention me inside the incident's thread."))
        channel = new.channel_id or asker.channel_id
        await self.policy.check_post(asker.user_id, asker.asked_from, channel, asker.workspace)
        spec = parse_chart(new.chart_text, command=self.maker.command)
        zone = spec.tz or asker.timezone or self.maker.default_timezone
        thread_ts = asker.thread_ts if follow else None
        twin = same_schedule(await self.schedules.in_channel(channel), new, zone, thread_ts)
        if twin is not None:
            return self._already(twin)
        now = self._clock()
        trigger = new.when.trigger(zone, now)
        gap = new.when.interval or shortest_gap(trigger, now)
        if gap < self.limits.min_interval:
            raise UserError(
                _("“{when}” runs every {gap}; the shortest allowed is {shortest} (SCHEDULE_MIN_INTERVAL).").format(
                    when=new.when.text,
                    gap=format_duration(int(gap)),
                    shortest=format_duration(self.limits.min_interval),
                )
            )
        # Checked as it will run (over the time between runs when it names no window): one that can't be drawn
        # isn't saved.
        order = ChartOrder(spec, asker.workspace, channel, timezone=zone, window=default_window(new.when, trigger, now))
        ready = await self.maker.expand(order)
        plan = await ready.charts.plan(ready.spec, timezone=ready.timezone, title=ready.title)
        ends_at = None
        if follow:
            duration = new.duration or self.limits.follow_default
            if duration > self.limits.follow_max:
                raise UserError(
                    _("`for {asked}` is longer than the {longest} allowed.").format(
                        asked=format_duration(duration), longest=format_duration(self.limits.follow_max)
                    )
                )
            ends_at = now + timedelta(seconds=duration)
        try:
            schedule = await self._created(new, asker, channel, ready.title or plan.title, zone, thread_ts, ends_at)
        except AlreadyScheduled as already:  # the same asked for at once (the check above saw neither)
            return self._already(already.schedule)
        await self.service.sync()
        window = plan.window_text
        if follow:
            assert ends_at is not None
            return _(
                "Following {label} here {when} ({window}) until {until}. `@bot stop` in this thread ends it."
            ).format(
                label=schedule.label,
                when=new.when.text,
                window=window,
                until=describe_time(ends_at.astimezone(ZoneInfo(zone)), date=False),
            )
        return _(
            "Scheduled #{id}: {label}, {when} ({zone}) in <#{channel}>, {window} each time. Next: {next}. "
            "`pause {id}`, `run {id}`, `delete {id}`."
        ).format(
            id=schedule.id,
            label=schedule.label,
            when=new.when.text,
            zone=zone,
            channel=marked(channel),
            window=window,
            next=self._next(schedule, 2),
        )

    async def _created(
        self,
        new: NewScheduleRequest,
        asker: Asker,
        channel: str,
        label: str,
        zone: str,
        thread_ts: str | None,
        ends_at: datetime | None,
    ) -> Schedule:
        return await self.schedules.create(
            NewSchedule(
                channel_id=channel,
                owner_id=asker.user_id,
                label=label,
                chart_text=new.chart_text,
                when_text=new.when.text,
                interval_seconds=new.when.interval,
                cron=new.when.cron,
                timezone=zone,
                thread_ts=thread_ts,
                ends_at=ends_at,
                workspace=asker.workspace,
            ),
            max_per_channel=self.limits.max_per_channel,
            request_key=asker.request_key,
            twin=lambda here: same_schedule(here, new, zone, thread_ts),
        )

    def _already(self, twin: Schedule) -> str:
        """The answer to a schedule made twice: which one it already is, and what "the same" means."""
        where = channel_link(twin.channel_id) + (_(" (this thread)") if twin.thread_ts else "")
        answer = _(
            "Already scheduled as #{id}: {label}, {when} ({zone}) in {where}, by {owner}. It has the same chart "
            "(spaces and capitals aside), the same run times and the same place, so nothing new was made."
        ).format(
            id=twin.id,
            label=twin.label,
            when=twin.when_text,
            zone=twin.timezone,
            where=where,
            owner=mention(twin.owner_id),
        )
        if twin.paused:
            return answer + " " + _("It is paused: `resume {id}` starts it again.").format(id=twin.id)
        return answer + " " + _("Next: {next}.").format(next=self._next(twin, 2))

    async def _list(self, asker: Asker, *, everything: bool, page: int = 1) -> str:
        """A page of the channel's schedules (with `everything`: an admin's every one, another's own in every
        channel); bot.paging keeps each page within one Slack message."""
        if everything:
            found = await (self.schedules.all() if asker.is_admin else self.schedules.owned_by(asker.user_id))
            heading = _("All schedules") if asker.is_admin else _("Your schedules in every channel")
        else:
            found = await self.schedules.in_channel(asker.channel_id)
            heading = _("Schedules in this channel")
        if not found:
            return _(
                "No schedules yet. Make one: `schedule web-cpu every day at 09:00` or `schedule web-cpu 매일 오전 9시` "
                "(`schedules all` shows every channel's)."
            )
        more = _("{command} schedules all page {page}") if everything else _("{command} schedules page {page}")
        lines = [self.describe(s) for s in found]
        return page_text(f"*{heading}*:", lines, page, lambda n: more.format(command=self.maker.command, page=n))

    def describe(self, schedule: Schedule) -> str:
        """One schedule's line: `• #3 Web CPU, every day at 09:00 in #ops · next … · last … ✓ posted · by @kim`."""
        if schedule.paused:
            state = _("paused ({reason})").format(reason=schedule.paused_reason or "")
        else:
            state = _("next {time}").format(time=self._next(schedule, 1))
        last = ""
        if schedule.last_status:
            when = ""
            if schedule.last_run_at:
                when = describe_time(schedule.last_run_at.astimezone(ZoneInfo(schedule.timezone)))
            mark = {"posted": "✓", "failed": "✗", "skipped": "–"}.get(schedule.last_status, "?")
            status = _status_word(schedule.last_status)
            detail = f": {schedule.last_detail}" if schedule.last_detail else ""
            last = " · " + _("last {when} {mark} {status}").format(when=when, mark=mark, status=status) + detail
        where = channel_link(schedule.channel_id) + (_(" (a thread)") if schedule.thread_ts else "")
        return _("• #{id} {label}, {when} in {where} · {state}{last} · by {owner}").format(
            id=schedule.id,
            label=schedule.label,
            when=schedule.when_text,
            where=where,
            state=state,
            last=last,
            owner=mention(schedule.owner_id),
        )

    async def _stop(self, asker: Asker) -> str:
        if asker.thread_ts is None:
            raise UserError(_("`stop` ends what I follow in a thread; say it inside that thread."))
        follows = await self.schedules.follows_in_thread(asker.channel_id, asker.thread_ts)
        if not follows:
            return _("I'm not following anything in this thread.")
        await self.schedules.delete(*(s.id for s in follows), request_key=asker.request_key)
        await self.service.sync()
        return _("Stopped following {labels} here.").format(labels=", ".join(s.label for s in follows))


def _status_word(status: str) -> str:
    """A run's result as people read it."""
    words = {"posted": _("posted"), "failed": _("failed"), "skipped": _("skipped")}
    return words.get(status, status)


def same_chart(a: str, b: str) -> bool:
    """Two schedules' chart words are the same chart: spaces and capitals aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def same_schedule(
    existing: list[Schedule], new: NewScheduleRequest, zone: str, thread_ts: str | None
) -> Schedule | None:
    """The schedule `new` would repeat: the same chart words, the same run times (interval or crontab line, in the
    same timezone), in the same channel (the caller's list) and thread; None when there is none."""
    for schedule in existing:
        if (
            same_chart(schedule.chart_text, new.chart_text)
            and (schedule.interval_seconds, schedule.cron) == (new.when.interval, new.when.cron)
            and schedule.timezone == zone
            and schedule.thread_ts == thread_ts
        ):
            return schedule
    return None
