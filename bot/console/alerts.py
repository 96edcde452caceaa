"""Watched alerts on the console: what Slack posts (bot/slack/alerts.py) is printed, in the same words
(bot/alerting/messages.py). A firing prints its heading and writes its chart (with its numbered controls, so it is
steered as any other); a clear prints the incident message's new heading and the recovery chart; a firing soon
after a clear says the incident reopens; an alert that left a watch is told to its subscriber."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.alerting.announcing import IncidentAnnouncer, TellsNoData, never
from bot.alerting.messages import (
    alert_chart,
    alert_resource,
    fired_text,
    incident_span,
    last_value,
    reopened_text,
    reopens,
    resolved_text,
    resumed,
    resumed_text,
    window_before,
)
from bot.charts.service import ChartService
from bot.console.outbox import ConsoleOutbox
from bot.i18n import _
from bot.router import Destination
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertIncidents, Change, Incident


class ConsoleAlertAnnouncer(IncidentAnnouncer):
    def __init__(
        self,
        outbox: ConsoleOutbox,
        charts_of: Callable[[str], Awaitable[ChartService]],
        incidents: AlertIncidents,
        detail_of: Callable[[str], Awaitable[AlertDetail]],
        *,
        quiet: timedelta,
        language: str,
        timezone: str = "UTC",
        tells_no_data: TellsNoData = never,
    ) -> None:
        super().__init__(charts_of, incidents, detail_of, quiet=quiet, language=language, tells_no_data=tells_no_data)
        self.outbox = outbox
        self.timezone = timezone

    async def _notify(self, user_id: str, text: str) -> None:
        await self.outbox.notify(user_id, text)

    async def _say(self, destination: Destination, text: str) -> None:
        if destination.thread_ts is not None:
            text = _("(in the incident's thread) {text}").format(text=text)
        await self.outbox.say(destination, text)

    async def _fired(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        chart = await alert_chart(charts, detail, span=window_before(detail), timezone=self.timezone)
        resource = await alert_resource(charts, change.alert_id)
        text = fired_text(detail, change, value=last_value(chart), resource=resource)
        if resumed(change, incident):
            if await self.incidents.posting(change.id):
                self.outbox.write(_("(in the incident's thread) {text}").format(text=resumed_text(text)))
                await self.incidents.done(change)
            return
        if reopens(change, incident, self.quiet) and incident is not None and incident.message_ts is not None:
            if not await self.incidents.posting(change.id):
                return
            self.outbox.write(reopened_text(self.quiet, text))
            await self.outbox.show(Destination(change.channel_id, incident.message_ts), chart)
            await self.incidents.done(change, message_ts=incident.message_ts, fired_at=change.seen_at)
            return
        if not await self.incidents.posting(change.id):
            return
        self.outbox.write(text)
        await self.outbox.show(Destination(change.channel_id), chart)
        await self.incidents.done(change, message_ts=f"console-{change.id}", fired_at=change.seen_at)

    async def _cleared(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        if incident is None or incident.message_ts is None or incident.fired_at is None:
            await self.incidents.done(change)  # it was never said to fire here: nothing to clear (see `announce`)
            return
        span = incident_span(detail, change, incident)
        chart = await alert_chart(charts, detail, span=span, timezone=self.timezone)
        text = resolved_text(detail, change, incident, chart)
        if not await self.incidents.posting(change.id):
            return
        self.outbox.write(_("(the incident message is updated) {text}").format(text=text))
        await self.outbox.show(Destination(change.channel_id, incident.message_ts), chart)
        await self.incidents.done(change, cleared=True)
