"""Watched alerts in Slack: a firing becomes one message in the channel (its level, name, resource, the condition
and the value that broke it, and the chart of the time before, steerable), whose thread is the incident; a clear
edits that message in place and posts the recovery chart into the thread; a firing soon after a clear reopens it.
No data is a note, never an incident (bot/alerting/announcing.py).
What the messages say is bot/alerting/messages.py's (the console says the same)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import timedelta

from slack_sdk.models.blocks import ActionsBlock, Block

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
from bot.charts.service import ChartService, RenderedChart
from bot.durations import format_duration
from bot.i18n import _
from bot.router import Destination
from bot.servicewatch.models import AlertDetail
from bot.slack.blocks import button, section
from bot.slack.chart_message import KEEP
from bot.slack.limits import BUTTON_VALUE
from bot.slack.outbox import SlackOutbox
from bot.store.alerts import AlertIncidents, Change, Dropped, Incident

log = logging.getLogger(__name__)
FOLLOW_ACTION = "alert_follow"
MUTE_ACTION = "alert_mute"  # value `1h:<alert id>`: bot/slack/listeners/alert_mutes.py
MUTES = {"1h": timedelta(hours=1), "1d": timedelta(days=1)}
UNMUTE = "off"  # `off:<alert id>`: the channel hears the alert's firings again


class SlackAlertAnnouncer(IncidentAnnouncer):
    """Says changes in Slack, each with the poster of its channel's workspace (`outboxes`: a workspace key → its
    outbox; `workspace_of`: a channel → the workspace its watches post into)."""

    def __init__(
        self,
        outboxes: Callable[[str], SlackOutbox],
        charts_of: Callable[[str], Awaitable[ChartService]],
        incidents: AlertIncidents,
        detail_of: Callable[[str], Awaitable[AlertDetail]],
        *,
        quiet: timedelta,
        language: str,
        workspace_of: Callable[[str], Awaitable[str]] | None = None,
        tells_no_data: TellsNoData = never,
    ) -> None:
        super().__init__(charts_of, incidents, detail_of, quiet=quiet, language=language, tells_no_data=tells_no_data)
        self._outboxes = outboxes
        self._workspace_of = workspace_of
        self._speaking_through: ContextVar[SlackOutbox | None] = ContextVar("alert_outbox", default=None)

    @property
    def outbox(self) -> SlackOutbox:
        """The outbox of the change (or dropped alert) being said; the single workspace's outside of one."""
        return self._speaking_through.get() or self._outboxes("")

    async def announce(self, change: Change) -> None:
        token = self._speaking_through.set(await self._outbox_of(change.channel_id))
        try:
            await super().announce(change)
        finally:
            self._speaking_through.reset(token)

    async def dropped(self, dropped: Dropped, why: str) -> None:
        token = self._speaking_through.set(await self._outbox_of(dropped.channel_id))
        try:
            await super().dropped(dropped, why)
        finally:
            self._speaking_through.reset(token)

    async def _outbox_of(self, channel_id: str) -> SlackOutbox:
        workspace = await self._workspace_of(channel_id) if self._workspace_of is not None else ""
        return self._outboxes(workspace)

    async def _notify(self, user_id: str, text: str) -> None:
        await self.outbox.notify(user_id, text)

    async def _say(self, destination: Destination, text: str) -> None:
        await self.outbox.say(destination, text)

    async def _fired(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        chart = await alert_chart(charts, detail, span=window_before(detail))
        text = fired_text(
            detail, change, value=last_value(chart), resource=await alert_resource(charts, change.alert_id)
        )
        heading = heading_blocks(text)
        if resumed(change, incident) and incident is not None and incident.message_ts:  # data again, still firing
            if await self.incidents.posting(change.id):
                await self.outbox.say(Destination(change.channel_id, incident.message_ts), resumed_text(text))
                await self.incidents.done(change)
            return
        if reopens(change, incident, self.quiet) and incident is not None and incident.message_ts is not None:
            if not await self.incidents.posting(change.id):
                return
            await self._redraw(change, incident.message_ts, chart, heading, text)
            await self.outbox.say(Destination(change.channel_id, incident.message_ts), reopened_text(self.quiet, text))
            await self.incidents.done(change, message_ts=incident.message_ts, fired_at=change.seen_at)
            return
        if not await self.incidents.posting(change.id):
            return
        ts, _file = await self.outbox.post_chart_message(
            Destination(change.channel_id), chart, text=text, above=heading, below=follow(chart, change.alert_id)
        )
        await self.incidents.done(change, message_ts=ts, fired_at=change.seen_at)
        log.info("alert %s fired in %s", change.alert_id, change.channel_id)

    async def _cleared(
        self, charts: ChartService, change: Change, detail: AlertDetail, incident: Incident | None
    ) -> None:
        if incident is None or incident.message_ts is None or incident.fired_at is None:
            await self.incidents.done(change)  # it was never said to fire here: nothing to clear (see `announce`)
            return
        chart = await alert_chart(charts, detail, span=incident_span(detail, change, incident))
        text = resolved_text(detail, change, incident, chart)
        heading = heading_blocks(text)
        if not await self.incidents.posting(change.id):
            return
        shown = await self._redraw(change, incident.message_ts, chart, heading, text)
        if shown is not None:  # else it went to the thread already, as a plain upload
            thread = Destination(change.channel_id, incident.message_ts)
            await self.outbox.show_file(thread, replace(chart, comment=text), shown)
        await self.incidents.done(change, cleared=True)

    async def _redraw(
        self, change: Change, message_ts: str, chart: RenderedChart, heading: Sequence[Block], text: str
    ) -> str | None:
        """The incident's message `message_ts` redrawn with `chart` under `heading`: the file id when its image is in
        the message; else (Slack has not processed it, or will not show an unshared file) the message is edited
        without the image, which goes into its thread (None)."""
        below = follow(chart, change.alert_id)
        file_id = await self.outbox.upload_unshared(chart)
        if await self.outbox.processed(file_id):
            shown = await self.outbox.replace_chart(
                change.channel_id, message_ts, chart, file_id, above=heading, below=below, text=text
            )
            return file_id if shown else None
        await self.outbox.retitle(change.channel_id, message_ts, chart, above=heading, below=below, text=text)
        await self.outbox.delete(file_id)
        await self.outbox.post_file(Destination(change.channel_id, message_ts), replace(chart, comment=text))
        return None


def heading_blocks(text: str) -> list[Block]:
    """A heading (`fired_text`, `resolved_text`) as the incident message's first block, kept when it is redrawn."""
    return [section(text, block_id=f"{KEEP}alert_head")]


def follow(chart: RenderedChart, alert_id: str = "") -> list[Block]:
    """The incident's buttons: follow (`follow` of the chart, every period, in this message's thread: the value is
    the line it runs, checked as a typed line is), mute the alert here for an hour or a day, and unmute it."""
    elements = []
    line = chart.view.chart if chart.view is not None else ""
    line = f"follow {line} every {format_duration(max(300, chart.plan.period))}" if line else ""
    if line and len(line) <= BUTTON_VALUE:
        elements.append(button(_("Follow in the thread"), FOLLOW_ACTION, value=line))
    if alert_id:
        labels = {"1h": _("Mute here 1h"), "1d": _("Mute here 1d")}
        elements += [button(labels[span], f"{MUTE_ACTION}_{span}", value=f"{span}:{alert_id}") for span in MUTES]
        elements.append(button(_("Unmute"), f"{MUTE_ACTION}_{UNMUTE}", value=f"{UNMUTE}:{alert_id}"))
    return [ActionsBlock(block_id=f"{KEEP}alert_follow", elements=elements)] if elements else []
