"""What every surface's alert announcer shares: which change is which, in the language the watch speaks.

States: `ALERT` fires (an incident: one message, its thread); `NORMAL` clears an open incident. `INSUFFICIENT_DATA`
(no data, e.g. a stopped server) and any state ServiceWatch does not document are neither: no incident opens and
nobody is pinged. No data is told in the channel only to a watch that asked (`watch alerts … nodata`), and so is its
data coming back. While an incident is open, a change to no data (or an unknown state) is a note in its thread: the
incident stays open (its message keeps saying it fired), since no recovery was seen; a firing after it is a note
there too, and a `NORMAL` after it clears it. A channel that muted an alert (*Mute here*) is not told of its firings
until the mute ends; a clear of an incident already open still edits its message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.alerting.messages import alert_resource, back_text, dropped_text, open_incident, silent_text
from bot.charts.alerts import FIRING, QUIET, SILENT, state_kind
from bot.charts.service import ChartService
from bot.i18n import speaking
from bot.router import Destination
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertIncidents, Change, Dropped, Incident

TellsNoData = Callable[[str, str], Awaitable[bool]]  # (channel, alert) → whether it asked to hear of no data


async def never(_channel_id: str, _alert_id: str) -> bool:
    return False


class IncidentAnnouncer:
    """A firing or a clear goes to `_fired` or `_cleared` (each calls `incidents.posting` just before it says
    anything and `incidents.done` after); no data and unknown states are notes (`_say`); a dropped alert is a note
    to the watch's subscriber (`_notify`)."""

    def __init__(
        self,
        charts_of: Callable[[str], Awaitable[ChartService]],
        incidents: AlertIncidents,
        detail_of: Callable[[str], Awaitable[AlertDetail]],
        *,
        quiet: timedelta,
        language: str,
        tells_no_data: TellsNoData = never,
    ) -> None:
        self.charts_of, self.incidents, self.detail_of = charts_of, incidents, detail_of
        self.quiet, self.language = quiet, language
        self.tells_no_data = tells_no_data

    async def announce(self, change: Change) -> None:
        detail = await self.detail_of(change.alert_id)
        charts = await self.charts_of(change.alert_id)  # the alert's account draws its chart
        incident = await self.incidents.incident(change.channel_id, change.alert_id)
        kind = state_kind(change.to_state)
        with speaking(self.language):
            if kind == FIRING and incident is not None and incident.muted(change.seen_at):
                await self.incidents.done(change)  # muted here for a while: seen, not said
            elif kind == FIRING:
                await self._fired(charts, change, detail, incident)
            elif kind != QUIET:
                await self._silent(charts, change, detail, incident)
            elif open_incident(incident):
                await self._cleared(charts, change, detail, incident)
            else:
                await self._back(charts, change, detail)

    async def dropped(self, dropped: Dropped, why: str) -> None:
        """Tell the watch's subscriber, once, that an alert left it (deleted, or no longer readable)."""
        with speaking(self.language):
            await self._notify(dropped.owner_id, dropped_text(dropped, why))

    async def _silent(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        """No data, or an unknown state: a note in the open incident's thread, else in the channel when it asked to
        hear of no data, else nothing."""
        if incident is not None and incident.message_ts is not None and open_incident(incident):
            where = Destination(change.channel_id, incident.message_ts)
        elif state_kind(change.to_state) == SILENT and await self.tells_no_data(change.channel_id, change.alert_id):
            where = Destination(change.channel_id)
        else:
            await self.incidents.done(change)
            return
        resource = await alert_resource(charts, change.alert_id)
        text = silent_text(detail, change, resource=resource, in_incident=where.thread_ts is not None)
        await self._note(change, where, text)

    async def _back(self, charts: ChartService, change: Change, detail: AlertDetail) -> None:
        """`NORMAL` with no incident open: told only where its no data was told."""
        if state_kind(change.from_state) != SILENT or not await self.tells_no_data(change.channel_id, change.alert_id):
            await self.incidents.done(change)  # it was never said to fire (nor to have no data) here
            return
        text = back_text(detail, resource=await alert_resource(charts, change.alert_id))
        await self._note(change, Destination(change.channel_id), text)

    async def _note(self, change: Change, where: Destination, text: str) -> None:
        if await self.incidents.posting(change.id):
            await self._say(where, text)
            await self.incidents.done(change)

    async def _fired(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        raise NotImplementedError

    async def _cleared(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        raise NotImplementedError

    async def _say(self, destination: Destination, text: str) -> None:
        raise NotImplementedError

    async def _notify(self, user_id: str, text: str) -> None:
        raise NotImplementedError
