"""What every surface's alert announcer shares: which change is which, in the language the watch speaks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.alerting.messages import dropped_text
from bot.charts.service import ChartService
from bot.i18n import speaking
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertIncidents, Change, Dropped, Incident, firing


class IncidentAnnouncer:
    """A firing or a clear goes to `_fired` or `_cleared` (each calls `incidents.posting` just before it says
    anything and `incidents.done` after); a dropped alert is a note to the watch's subscriber (`_notify`)."""

    def __init__(
        self,
        charts_of: Callable[[str], Awaitable[ChartService]],
        incidents: AlertIncidents,
        detail_of: Callable[[str], Awaitable[AlertDetail]],
        *,
        quiet: timedelta,
        language: str,
    ) -> None:
        self.charts_of, self.incidents, self.detail_of = charts_of, incidents, detail_of
        self.quiet, self.language = quiet, language

    async def announce(self, change: Change) -> None:
        detail = await self.detail_of(change.alert_id)
        charts = await self.charts_of(change.alert_id)  # the alert's account draws its chart
        incident = await self.incidents.incident(change.channel_id, change.alert_id)
        with speaking(self.language):
            if firing(change.to_state):
                await self._fired(charts, change, detail, incident)
            else:
                await self._cleared(charts, change, detail, incident)

    async def dropped(self, dropped: Dropped, why: str) -> None:
        """Tell the watch's subscriber, once, that an alert left it (deleted, or no longer readable)."""
        with speaking(self.language):
            await self._notify(dropped.owner_id, dropped_text(dropped, why))

    async def _fired(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        raise NotImplementedError

    async def _cleared(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        raise NotImplementedError

    async def _notify(self, user_id: str, text: str) -> None:
        raise NotImplementedError
