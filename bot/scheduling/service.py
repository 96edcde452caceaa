"""APScheduler does the timing; the database is the source of truth. Every replica runs this: it reads the
schedules every few seconds (so changes made elsewhere arrive), keeps one job per schedule, and on each
wake-up runs the latest due slot through the runner, whose claim makes the run happen once in all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.i18n import _
from bot.language.when import describe_time, latest_run
from bot.markup import marked
from bot.router import BackgroundWork, Destination, cancel_and_wait
from bot.scheduling.runner import ScheduledRunner, when_of
from bot.store.schedules import Schedule, Schedules

log = logging.getLogger(__name__)


class ScheduleService:
    def __init__(
        self,
        runner: ScheduledRunner,
        schedules: Schedules,
        *,
        sync_every: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.runner = runner
        self.schedules = schedules
        self._sync_every = sync_every
        self._clock = clock
        self._grace = runner.settings.grace
        self._versions: dict[int, int] = {}
        self._known: dict[int, Schedule] = {}  # as of the last change seen
        self._ends: dict[int, datetime] = {}  # follows' end times
        self._signature: tuple[int, int, int] | None = None
        self._work = BackgroundWork()
        self._loop_task: asyncio.Task[None] | None = None
        self._sync_lock = asyncio.Lock()
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,  # an outage never replays a backlog: missed runs collapse into the latest
                "max_instances": 1,
                "misfire_grace_time": int(self._grace.total_seconds()),
            },
        )

    async def start(self, *, wait: bool = True) -> None:
        """Start waking up. With `wait=False` the schedules load in the background, so the bot answers at once
        however many there are; a run that falls due meanwhile is caught up as soon as its schedule is loaded."""
        self.scheduler.start()
        if wait:
            await self.sync()
        self._loop_task = asyncio.create_task(self._sync_loop(now=not wait))

    @property
    def loaded(self) -> int | None:
        """How many schedules are loaded; None until the first read is done."""
        return len(self._versions) if self._signature is not None else None

    @property
    def not_running(self) -> str | None:
        """Why no schedule would run now (never started, stopped, its sync loop ended, APScheduler not running);
        None while it works."""
        if self._loop_task is None:
            return "the schedule service has not started"
        if self._loop_task.done():
            ended = self._loop_task.exception() if not self._loop_task.cancelled() else None
            return (
                f"the schedules' sync loop ended ({type(ended).__name__})" if ended else "the schedule service stopped"
            )
        if not self.scheduler.running:
            return "APScheduler is not running"
        return None

    @property
    def runs_under_way(self) -> int:
        """Runs started here and not yet finished (posted, failed or skipped)."""
        return self._work.pending

    async def stop(self, grace: float = 20.0) -> int:
        """Stop waking up; finish runs under way (up to `grace` seconds). Returns how many were cut off."""
        await cancel_and_wait(self._loop_task)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        left = await self._work.drain(grace)
        await self.runner.stop()
        return left

    async def _sync_loop(self, *, now: bool = False) -> None:
        while True:
            if not now:
                await asyncio.sleep(self._sync_every.total_seconds())
            now = False
            try:
                await self.sync()
            except Exception:
                log.exception("reading the schedules failed; trying again in %s", self._sync_every)

    async def sync(self) -> None:
        """Bring the jobs in line with the database; run what is due and not yet run; end expired follows. A cheap
        probe comes first: with ten thousand schedules and nothing changed, a sync reads one row."""
        async with self._sync_lock:
            now = self._clock()
            signature = await self.schedules.signature()
            if signature != self._signature:
                await self._reload(now)
                self._signature = signature
            for schedule_id, ends_at in list(self._ends.items()):
                if ends_at <= now and (schedule := self._known.get(schedule_id)) is not None:
                    await self._end_follow(schedule)
            for run in await self.runner.runs.stale_claims(now - self._grace):
                orphan = self._known.get(run.schedule_id)
                # Its holder died mid-run: take it over (when its workspace can be posted to at all).
                if orphan is not None and not orphan.paused and self._ready(orphan):
                    self._work.spawn(self.runner.run(orphan, run.scheduled_for))
            for run in await self.runner.runs.abandoned_posts():
                await self._tell_unknown(run.schedule_id, run.scheduled_for)

    async def _reload(self, now: datetime) -> None:
        """Something changed: re-read what did (new, changed, gone) and catch up the changed ones' due runs."""
        versions = await self.schedules.versions()
        changed = [sid for sid, version in versions.items() if self._versions.get(sid) != version]
        for schedule_id in set(self._versions) - set(versions):
            self._drop(f"schedule:{schedule_id}", schedule_id)
        for count, schedule in enumerate(await self.schedules.many(changed), start=1):
            if count % 250 == 0:
                await asyncio.sleep(0)  # thousands at start: let requests through meanwhile
            self._known[schedule.id] = schedule
            self._versions[schedule.id] = schedule.version
            if schedule.ends_at is not None:
                self._ends[schedule.id] = schedule.ends_at
            job_id = f"schedule:{schedule.id}"
            if schedule.paused:
                self._unschedule(job_id)
                continue
            trigger = when_of(schedule).trigger(schedule.timezone, schedule.anchor)
            self.scheduler.add_job(self._wake, trigger=trigger, id=job_id, args=[schedule.id], replace_existing=True)
            self._catch_up(schedule, trigger, now)

    def _unschedule(self, job_id: str) -> None:
        if self.scheduler.get_job(job_id) is not None:
            self.scheduler.remove_job(job_id)

    def _drop(self, job_id: str, schedule_id: int) -> None:
        """The schedule is gone: no job, and nothing remembered of it."""
        self._unschedule(job_id)
        self._versions.pop(schedule_id, None)
        self._known.pop(schedule_id, None)
        self._ends.pop(schedule_id, None)

    def _catch_up(self, schedule: Schedule, trigger: BaseTrigger, now: datetime) -> None:
        """A due run not yet done (the bot was down, or the schedule was just resumed) is run now, if still within
        the grace; never a time from before the schedule was made."""
        if not self._ready(schedule):
            return
        slot = latest_run(trigger, now, self._grace)
        if slot is None or slot <= schedule.anchor:
            return
        if schedule.last_run_at is None or schedule.last_run_at < slot:
            self._work.spawn(self.runner.run(schedule, slot))

    def _ready(self, schedule: Schedule) -> bool:
        """Whether the schedule's workspace can be posted to at all: when not (its token was refused), its runs are
        left unclaimed for a fixed bot, and other workspaces' runs go on."""
        return self.runner.poster_for(schedule.workspace).ready()

    async def _wake(self, schedule_id: int) -> None:
        schedule = self._known.get(schedule_id)  # as of the last sync; the runner re-reads it once it has the claim
        if schedule is None or schedule.paused or not self._ready(schedule):
            return
        now = self._clock()
        slot = latest_run(when_of(schedule).trigger(schedule.timezone, schedule.anchor), now, self._grace)
        if slot is not None:
            # Shielded: APScheduler cancels its jobs at shutdown, but a run under way is finished (drained) instead.
            await asyncio.shield(self._work.spawn(self.runner.run(schedule, slot)))

    def run_now(self, schedule: Schedule, asked_at: datetime | None = None) -> asyncio.Task[Any]:
        """`run ID`: a run outside the timetable, now. Its slot keeps the microseconds, so it never meets the slot of
        a run the timetable made in the same second (whose claim would refuse it, and nothing would be posted).
        The slot is the moment the request was received when given, so the same request run again (a takeover)
        claims the same slot and posts nothing twice."""
        now = asked_at or self._clock()
        return self._work.spawn(self.runner.run(schedule, now.replace(microsecond=max(1, now.microsecond))))

    async def _end_follow(self, schedule: Schedule) -> None:
        if await self.schedules.delete(schedule.id):
            self._drop(f"schedule:{schedule.id}", schedule.id)
            destination = Destination(schedule.channel_id, schedule.thread_ts, schedule.workspace)
            try:
                said = _("Stopped following {label}: its time is up.").format(label=schedule.label)
                await self.runner.poster_for(schedule.workspace).say(destination, said)
            except Exception:
                log.exception("could not say that follow %s ended", schedule.id)

    async def _tell_unknown(self, schedule_id: int, slot: datetime) -> None:
        schedule = await self.schedules.get(schedule_id)
        if schedule is None:
            return
        text = _(
            "The bot stopped while posting the {slot} run of your schedule #{id} ({label}) in <#{channel}>; check "
            "there that it arrived. It is not sent again, so it never appears twice."
        ).format(
            slot=describe_time(slot.astimezone(ZoneInfo(schedule.timezone))),
            id=schedule.id,
            label=schedule.label,
            channel=marked(schedule.channel_id),
        )
        await self.runner.poster_for(schedule.workspace).notify(schedule.owner_id, text)
