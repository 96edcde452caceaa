"""The poll loop: every watched alert's ShowAlert once an interval, spread over it and a few at a time; what changed
is recorded once (whichever replica saw it) and announced at once by whichever replica claims it. Announcing runs
beside the round, woken by each recorded change, so a change is said within seconds of being seen and a slow post
never stretches the round."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

from bot.alerting.lookup import AlertLookup
from bot.charts.alerts import UNKNOWN, state_kind
from bot.errors import UserError
from bot.servicewatch.errors import NotFoundError, PermissionDeniedError, ServiceWatchError
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertIncidents, AlertWatches, Change, Dropped, Watched

log = logging.getLogger(__name__)


class Announcer(Protocol):
    """Where changes are said: the channel's message (and its thread), and the subscriber of a watch that lost an
    alert. `announce` calls `incidents.posting` just before it posts and `incidents.done` after."""

    async def announce(self, change: Change) -> None: ...

    async def dropped(self, dropped: Dropped, why: str) -> None: ...


class AlertWatcher:
    def __init__(
        self,
        lookup: AlertLookup,
        watches: AlertWatches,
        incidents: AlertIncidents,
        announcer: Announcer | None = None,
        *,
        interval: float = 60.0,
        concurrency: int = 8,
        lease: timedelta = timedelta(minutes=2),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        present: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        self.lookup = lookup
        # Whether the app is (still) installed in a workspace: the alerts of one it was removed from are not asked
        # about (nothing could be said there) until it is installed again.
        self._present = present
        self.watches = watches
        self.incidents = incidents
        self.announcer = announcer
        self.interval = interval
        self._gate = asyncio.Semaphore(concurrency)
        self.lease = lease
        self._sleep = sleep
        self._clock = clock
        self._last_seen: dict[str, float] = {}  # alert id → when its ShowAlert last answered
        self._changed = asyncio.Event()  # set when a change is recorded: the announcer's cue
        # One announcing at a time in a process: `announce_pending` returns only once what was claimable when it was
        # called is said, even if `run`'s announcer had claimed it first.
        self._announcing = asyncio.Lock()

    async def poll_once(self, *, announce: bool = True) -> int:
        """Ask every watched alert once, spread evenly over the interval, and record what changed; then (with
        `announce`) announce what is claimable. Returns how many changes were recorded."""
        watched = await self.watches.watched()
        if self._present is not None:
            workspaces = {alert.source.workspace for alert in watched.values()}
            absent = {key for key in workspaces if not await self._present(key)}
            watched = {alert_id: alert for alert_id, alert in watched.items() if alert.source.workspace not in absent}
        ids = sorted(watched)
        spacing = self.interval / len(ids) if ids else 0.0
        started = self._clock()

        async def one(index: int, alert_id: str) -> int:
            wait = started + index * spacing - self._clock()
            if wait > 0:
                await self._sleep(wait)
            async with self._gate:
                return await self._poll(alert_id, watched[alert_id])

        counts = await asyncio.gather(*(one(index, alert_id) for index, alert_id in enumerate(ids)))
        if announce:
            await self.announce_pending()
        return sum(counts)

    async def _poll(self, alert_id: str, watched: Watched) -> int:
        before = self.lookup.last(alert_id)
        try:
            detail = await self.lookup.ask(watched.source, alert_id)
        except (NotFoundError, PermissionDeniedError, UserError) as exc:
            why = {NotFoundError: "deleted", UserError: "account gone"}.get(type(exc), "not readable")
            for dropped in await self.watches.drop_alert(alert_id):
                await self._tell_dropped(dropped, why)
            return 0
        except ServiceWatchError as exc:  # an outage delays announcements, never loses them
            log.warning("ShowAlert %s failed (%s); asked again next round", alert_id, type(exc).__name__)
            return 0
        _note_unknown(alert_id, before, detail)
        now = self._clock()
        last = self._last_seen.get(alert_id)
        late = last is not None and now - last > 2 * self.interval  # polls failed meanwhile
        self._last_seen[alert_id] = now
        recorded = 0
        for channel_id in watched.channels:
            no_data = channel_id in watched.no_data
            if await self.incidents.observe(channel_id, alert_id, detail.state, late=late, no_data=no_data):
                recorded += 1
        if recorded:
            self._changed.set()
        return recorded

    async def tells_no_data(self, channel_id: str, alert_id: str) -> bool:
        """Whether the channel asked to be told when the alert has no data (a watch's `nodata`)."""
        return await self.watches.tells_no_data(channel_id, alert_id)

    async def announce_pending(self) -> None:
        """Announce every change this replica can claim (its own and those of a dead replica)."""
        if self.announcer is None:
            return
        async with self._announcing:
            await self._announce_claimable(self.announcer)

    async def _announce_claimable(self, announcer: Announcer) -> None:
        # A batch at a time until none is left: a flap's second change becomes claimable once its first is done,
        # and a failed one stays leased, so this ends.
        while claimed := await self.incidents.claim(self.lease):
            for change in claimed:
                try:
                    await announcer.announce(change)
                except Exception:
                    log.exception(
                        "announcing %s of alert %s in %s failed", change.to_state, change.alert_id, change.channel_id
                    )
        for forsaken in await self.incidents.forsake(self.lease):
            log.warning(
                "alert %s → %s in %s was being posted when its process stopped; not posted again",
                forsaken.alert_id,
                forsaken.to_state,
                forsaken.channel_id,
            )

    async def _tell_dropped(self, dropped: Dropped, why: str) -> None:
        if self.announcer is None:
            return
        try:
            await self.announcer.dropped(dropped, why)
        except Exception:
            log.exception(
                "could not tell %s that alert %s left watch %s", dropped.owner_id, dropped.alert_name, dropped.watch_id
            )

    async def run(self) -> None:
        """Poll every interval until cancelled, announcing beside it; a failed round is logged and the next comes."""
        announcing = asyncio.create_task(self._announce_as_changes_come())
        try:
            while True:
                started = self._clock()
                try:
                    await self.poll_once(announce=False)
                except Exception:
                    log.exception("a round of alert polling failed; trying again next interval")
                await self._sleep(max(0.0, self.interval - (self._clock() - started)))
        finally:
            announcing.cancel()
            await asyncio.gather(announcing, return_exceptions=True)

    async def _announce_as_changes_come(self) -> None:
        """Announce whenever a change is recorded here, and once an interval anyway: another replica's changes,
        and a dead one's, are claimed then."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=self.interval)
            self._changed.clear()
            try:
                await self.announce_pending()
            except Exception:
                log.exception("announcing alert changes failed; trying again at the next change")


def _note_unknown(alert_id: str, before: AlertDetail | None, detail: AlertDetail) -> None:
    """A state ServiceWatch does not document is logged when it is first seen here (it is never firing)."""
    if state_kind(detail.state) == UNKNOWN and (before is None or before.state != detail.state):
        log.warning("alert %s is in state %r, not documented by ServiceWatch; not firing", alert_id, detail.state)
