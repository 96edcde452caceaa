"""One scheduled run, exactly once: claim (schedule, time) before any call, keep the claim alive while
drawing, post only while still holding it, and record what happened; failures reach the owner."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.charts.maker import ChartMaker, ChartOrder
from bot.charts.service import NoDataError
from bot.chat import error_text
from bot.errors import UserError
from bot.i18n import ENGLISH, _, ngettext, speaking
from bot.language.parse import parse_chart
from bot.language.when import When, default_window, describe_time
from bot.markup import marked, mention
from bot.router import Destination, Poster, cancel_and_wait
from bot.scheduling.fair import FairPlaces
from bot.store.schedules import FAILED, POSTED, SKIPPED, RunLog, Schedule, Schedules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSettings:
    lease: timedelta = timedelta(minutes=2)
    grace: timedelta = timedelta(minutes=15)
    pause_after: int = 3
    at_once: int = 16  # runs drawing at once in this process; the rest wait unclaimed (another replica may take them)
    # Drawn runs that may wait for their workspace's upload turn, and post, without holding one of `at_once` (each
    # keeps its chart in memory, some 50 KB): a workspace held by its pace or a 429 never stops another's charts.
    waiting_turns: int = 512


class _Place:
    """One of the runner's `at_once` places: held by a run from its claim until its chart is drawn."""

    def __init__(self, places: FairPlaces, workspace: str) -> None:
        self._places, self._workspace = places, workspace
        self._held = False

    async def __aenter__(self) -> _Place:
        await self._places.take(self._workspace)
        self._held = True
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.leave()

    def leave(self) -> None:
        """Give the place to the next run for good (this one has drawn its chart)."""
        if self._held:
            self._held = False
            self._places.give_back()


def when_of(schedule: Schedule) -> When:
    return When(text=schedule.when_text, interval=schedule.interval_seconds, cron=schedule.cron)


class ScheduledRunner:
    """Runs due slots of schedules through the chat actions, posting with the poster of each schedule's workspace."""

    def __init__(
        self,
        *,
        maker: ChartMaker,
        schedules: Schedules,
        runs: RunLog,
        posters: Callable[[str], Poster],
        settings: RunSettings,
        owner_language: Callable[[str, str], Awaitable[str]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.maker = maker
        self.schedules = schedules
        self.runs = runs
        self.poster_for = posters  # a workspace key → its poster (one poster for every key on the console)
        self.settings = settings
        self._clock = clock
        self._active = 0
        self._running: set[tuple[int, datetime]] = set()  # (schedule, slot) under way in this process
        self._places = FairPlaces(settings.at_once)  # taken in turn by the workspaces with runs due
        self._waiting_room = asyncio.Semaphore(settings.waiting_turns)
        self._keeper: asyncio.Task[None] | None = None
        # (user id, workspace) → their language (Slack's; None: English)
        self.owner_language = owner_language

    async def run(self, schedule: Schedule, slot: datetime) -> str | None:
        """Run `schedule`'s `slot` if this process wins the claim; returns the result (None: not ours)."""
        # Triggers give times in the schedule's zone; the run log keys on UTC (SQLite keeps no zone at all).
        slot = slot.astimezone(UTC)
        key = (schedule.id, slot)
        if key in self._running:  # already ours and under way (a catch-up and a wake-up can meet)
            return None
        self._running.add(key)
        try:
            # A storm of runs is taken on a few at a time, claimed only when started.
            async with _Place(self._places, schedule.workspace) as place:
                owner, language = schedule.owner_id, ENGLISH
                if self.owner_language is not None:
                    language = await self.owner_language(owner, schedule.workspace)
                with speaking(language):  # the chart's words and the DMs about it in its owner's language
                    return await self._run(schedule, slot, place)
        finally:
            self._running.discard(key)

    async def _run(self, schedule: Schedule, slot: datetime, place: _Place) -> str | None:
        lease = self.settings.lease
        current = await self.runs.claim(schedule.id, slot, lease)  # the schedule as it is now, when the run is ours
        if current is None:
            return None
        if current.paused and current.version != schedule.version:
            await self.runs.finish(schedule.id, slot, SKIPPED, detail="paused before it ran")
            return SKIPPED
        self._active += 1
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep_claims())
        destination = Destination(schedule.channel_id, schedule.thread_ts, schedule.workspace)
        try:
            status, detail, file_id = await self._draw_and_post(schedule, slot, destination, place)
            if status is None:
                return None
            if status != FAILED:
                noted = await self.runs.finish_and_note(schedule.id, slot, status, file_id=file_id, detail=detail)
                return status if noted else None
            if not await self.runs.finish(schedule.id, slot, FAILED, detail=detail):
                return None
        finally:
            self._active -= 1
        recorded = await self.schedules.record(schedule.id, slot, status, detail, pause_after=self.settings.pause_after)
        await self._tell_owner(schedule, slot, detail or "", paused=bool(recorded and recorded.paused))
        return status

    async def _draw_and_post(
        self, schedule: Schedule, slot: datetime, destination: Destination, place: _Place
    ) -> tuple[str | None, str | None, str | None]:
        """(status, why, file id); status None when the run turned out not to be ours."""
        try:
            chart = await self.maker.make(self.order(schedule, slot))
        except NoDataError as exc:
            if not await self.runs.start_posting(schedule.id, slot, self.settings.lease):
                return None, None, None
            said = _("{reason} (schedule #{id}, {when})").format(reason=exc, id=schedule.id, when=schedule.when_text)
            await self.poster_for(schedule.workspace).say(destination, said)
            return SKIPPED, _("no data in the window"), None
        except Exception as exc:
            return FAILED, error_text(exc)[0], None
        poster = self.poster_for(schedule.workspace)
        async with self._waiting(place):
            turn = await poster.turn()  # Slack's upload limit (the workspace's): wait here, while it can be taken over
            if not await self.runs.start_posting(schedule.id, slot, self.settings.lease):
                log.info(
                    "schedule %s %s: no longer ours (taken over, or the schedule is gone); not posting",
                    schedule.id,
                    slot,
                )
                return None, None, None
            try:
                file_id = await poster.post_chart(destination, chart, turn)
            except Exception as exc:
                return FAILED, str(exc) if isinstance(exc, UserError) else error_text(exc)[0], None
        return POSTED, None, file_id

    def order(self, schedule: Schedule, slot: datetime) -> ChartOrder:
        """The chart a run of `schedule` draws at `slot`: its words (stored as typed, read here), and when they name no
        window, the time since the previous run."""
        when = when_of(schedule)
        return ChartOrder(
            parse_chart(schedule.chart_text),
            schedule.workspace,
            schedule.channel_id,
            timezone=schedule.timezone,
            asked_by=_("{owner}'s schedule #{id} ({when})").format(
                owner=mention(schedule.owner_id), id=schedule.id, when=schedule.when_text
            ),
            at=slot,
            typed=schedule.chart_text,
            title=schedule.label,
            window=default_window(when, when.trigger(schedule.timezone, schedule.anchor), slot),
        )

    @contextlib.asynccontextmanager
    async def _waiting(self, place: _Place) -> AsyncIterator[None]:
        """Where a drawn run waits for its turn and posts: in the waiting room, its place given to the next run (a
        workspace held by its pace or a 429 never stops other workspaces' charts being drawn); when the room is
        full, in its place (so no more charts are drawn than can wait)."""
        if self._waiting_room.locked():
            yield
            return
        async with self._waiting_room:
            place.leave()
            yield

    async def stop(self) -> None:
        """After the runs have ended (or been cut off): stop keeping their claims."""
        await cancel_and_wait(self._keeper)

    async def _keep_claims(self) -> None:
        """While runs are under way (drawing, or waiting their turn to post), keep all their claims alive."""
        while self._active:
            await asyncio.sleep(self.settings.lease.total_seconds() / 3)
            if self._active:
                try:
                    await self.runs.renew_all(self.settings.lease)
                except Exception:
                    log.exception("renewing the claims of runs under way failed; trying again")

    async def _tell_owner(self, schedule: Schedule, slot: datetime, reason: str, *, paused: bool) -> None:
        """A DM to the owner, made here, inside the run, so it is in the language the run speaks (the owner's)."""
        text = _(
            "Your schedule #{id} ({label}, {when} in <#{channel}>) could not post its {slot} run: {reason}"
        ).format(
            id=schedule.id,
            label=schedule.label,
            when=schedule.when_text,
            channel=marked(schedule.channel_id),
            slot=describe_time(slot.astimezone(ZoneInfo(schedule.timezone))),
            reason=reason,
        )
        if paused:
            count = self.settings.pause_after
            text += "\n" + ngettext(
                "It failed {count} time in a row, so it is paused. Fix the cause, then `/chart resume {id}`.",
                "It failed {count} times in a row, so it is paused. Fix the cause, then `/chart resume {id}`.",
                count,
            ).format(count=count, id=schedule.id)
        try:
            await self.poster_for(schedule.workspace).notify(schedule.owner_id, text)
        except Exception:
            log.exception("could not tell %s that schedule %s failed", schedule.owner_id, schedule.id)
