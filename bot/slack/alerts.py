"""Watched alerts in Slack: a firing becomes one message in the channel (its level, name, resource, the condition
and the value that broke it, and the chart of the time before, steerable), whose thread is the incident; a clear
edits that message in place and posts the recovery chart into the thread; a firing soon after a clear reopens it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.charts.alerts import condition_text, level_label, slack_escape
from bot.charts.parse import parse_chart
from bot.charts.service import ChartService, RenderedChart
from bot.charts.summary import format_value
from bot.charts.tokens import quote_word
from bot.durations import format_duration
from bot.i18n import _, date_time, speaking
from bot.router import Destination
from bot.servicewatch.errors import ServiceWatchError
from bot.servicewatch.models import AlertDetail
from bot.slack.chart_message import KEEP
from bot.slack.outbox import SlackOutbox
from bot.store.alerts import AlertIncidents, Change, Dropped, Incident, firing

log = logging.getLogger(__name__)
LEVEL_MARKS = {"HIGH": "🔴", "MIDDLE": "🩷", "LOW": "🟣"}  # the ServiceWatch guide's colours: red, pink, purple
FOLLOW_ACTION = "alert_follow"
WINDOWS_BEFORE = 6  # evaluation windows of history a firing's chart shows
SHORTEST_BEFORE = 3600


class SlackAlertAnnouncer:
    def __init__(
        self,
        outbox: SlackOutbox,
        charts: ChartService,
        incidents: AlertIncidents,
        detail_of: Callable[[str], Awaitable[AlertDetail]],
        *,
        quiet: timedelta,
        language: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.outbox, self.charts, self.incidents = outbox, charts, incidents
        self.detail_of = detail_of
        self.quiet = quiet
        self.language = language
        self._clock = clock

    async def announce(self, change: Change) -> None:
        """Say `change` in its channel (posting only while this replica holds it), and note it done."""
        detail = await self.detail_of(change.alert_id)
        incident = await self.incidents.incident(change.channel_id, change.alert_id)
        with speaking(self.language):
            if firing(change.to_state):
                await self._fired(change, detail, incident)
            else:
                await self._cleared(change, detail, incident)

    async def dropped(self, dropped: Dropped, why: str) -> None:
        """Tell the watch's subscriber, once, that an alert left it (deleted, or no longer readable)."""
        with speaking(self.language):
            reason = (
                _("was deleted in ServiceWatch")
                if why == "deleted"
                else _("can no longer be read with the bot's SCP keys")
            )
            text = _("The alert “{name}” {reason}, so watch #{id} in <#{channel}> no longer watches it.").format(
                name=dropped.alert_name, reason=reason, id=dropped.watch_id, channel=dropped.channel_id
            )
            if dropped.watch_ended:
                text += " " + _("It watched nothing else, so it has ended.")
            await self.outbox.notify(dropped.owner_id, text)

    async def _fired(self, change: Change, detail: AlertDetail, incident: Incident | None) -> None:
        now = self._clock()
        before = window_before(detail)
        chart = await self._chart(detail, span=before, by=_("alert “{name}”").format(name=detail.name))
        heading = fired_heading(detail, change, value=_last(chart), resource=await self._resource(change.alert_id))
        text = heading_text(heading)
        reopen = (
            incident is not None
            and incident.message_ts is not None
            and incident.cleared_at is not None
            and not firing(change.from_state)
            and change.seen_at - incident.cleared_at <= self.quiet
        )
        if firing(change.from_state) and incident is not None and incident.message_ts:  # a firing state renamed
            if await self.incidents.posting(change.id):
                await self.outbox.say(Destination(change.channel_id, incident.message_ts), text)
                await self.incidents.done(change)
            return
        if reopen and incident is not None and incident.message_ts is not None:
            if not await self.incidents.posting(change.id):
                return
            file_id = await self.outbox.upload_unshared(chart)
            thread = Destination(change.channel_id, incident.message_ts)
            if await self.outbox.processed(file_id):
                await self.outbox.replace_chart(
                    change.channel_id,
                    incident.message_ts,
                    chart,
                    file_id,
                    above=heading,
                    below=follow(chart),
                    text=text,
                )
                await self.outbox.say(
                    thread,
                    _("It fired again within {quiet} of clearing: {heading}").format(
                        quiet=format_duration(int(self.quiet.total_seconds())), heading=text
                    ),
                )
            else:
                await self.outbox.post_file(thread, chart)
            await self.incidents.done(change, message_ts=incident.message_ts, fired_at=change.seen_at)
            return
        if not await self.incidents.posting(change.id):
            return
        ts, _file = await self.outbox.post_chart_message(
            Destination(change.channel_id), chart, text=text, above=heading, below=follow(chart)
        )
        await self.incidents.done(change, message_ts=ts, fired_at=change.seen_at)
        log.info("alert %s fired in %s (%s)", change.alert_id, change.channel_id, now.isoformat())

    async def _cleared(self, change: Change, detail: AlertDetail, incident: Incident | None) -> None:
        if incident is None or incident.message_ts is None or incident.fired_at is None:
            await self.incidents.done(change)  # it was never said to fire here: nothing to clear
            return
        span = max(SHORTEST_BEFORE, int((change.seen_at - incident.fired_at).total_seconds()) + window_before(detail))
        chart = await self._chart(detail, span=span, by=_("alert “{name}”").format(name=detail.name))
        heading = resolved_heading(detail, change, incident, chart)
        text = heading_text(heading)
        if not await self.incidents.posting(change.id):
            return
        file_id = await self.outbox.upload_unshared(chart)
        thread = Destination(change.channel_id, incident.message_ts)
        if await self.outbox.processed(file_id):
            await self.outbox.replace_chart(
                change.channel_id, incident.message_ts, chart, file_id, above=heading, below=follow(chart), text=text
            )
            await self.outbox.show_file(thread, replace(chart, comment=text), file_id)
        else:
            await self.outbox.post_file(thread, replace(chart, comment=text))
        await self.incidents.done(change, cleared=True)

    async def _resource(self, alert_id: str) -> str:
        """The name of the resource the alert watches, as the catalog lists it ("" when it does not)."""
        try:
            catalog = await self.charts.catalog()
        except ServiceWatchError:
            return ""
        return next((alert.resource.label() for alert in catalog.alerts() if alert.id == alert_id), "")

    async def _chart(self, detail: AlertDetail, *, span: int, by: str) -> RenderedChart:
        line = chart_line(detail, span=span)
        return await self.charts.render(
            parse_chart(line), timezone="UTC", asked_by=by, steered_as=line, title=alert_title(detail)
        )


def window_before(detail: AlertDetail) -> int:
    """Seconds of history a firing's chart shows: several evaluation windows, at least an hour."""
    window = detail.evaluation_time_window or (detail.period or 300) * (detail.evaluation_count or 1)
    return max(SHORTEST_BEFORE, WINDOWS_BEFORE * int(window))


def chart_line(detail: AlertDetail, *, span: int) -> str:
    """The alert's metric and resource as a chart line, with its statistic, over `span` seconds ending now."""
    metric = quote_word(
        f"{detail.namespace_name}:{detail.metric_name}" if detail.namespace_name else detail.metric_name
    )
    dimensions = " ".join(quote_word(f"{d.key}={d.value}") for d in detail.dimensions if d.key and d.value)
    stat = f" stat {detail.statistic.lower()}" if detail.statistic else ""
    return f"{metric} {dimensions} last {format_duration(span)}{stat}".replace("  ", " ")


def alert_title(detail: AlertDetail) -> str:
    """The chart's title: the alert's name and its threshold."""
    condition = condition_text(
        statistic=detail.statistic,
        metric_name=detail.metric_name,
        unit=detail.metric_unit,
        operator=detail.operator,
        threshold=detail.threshold,
        lower_bound=detail.lower_bound,
        upper_bound=detail.upper_bound,
        violation_count=detail.violation_count,
        evaluation_count=detail.evaluation_count,
        period=detail.period,
    )
    return f"{detail.name} · {condition}"[:200]


def fired_heading(detail: AlertDetail, change: Change, *, value: str, resource: str = "") -> list[dict[str, Any]]:
    mark = LEVEL_MARKS.get(detail.level.upper(), "⚪")
    resource = resource or ", ".join(d.value for d in detail.dimensions if d.value) or detail.namespace_name
    condition = slack_escape(alert_title(detail).partition(" · ")[2])
    head = _("{mark} *{level}* · *{name}* is {state} on {resource}").format(
        mark=mark,
        level=level_label(detail.level),
        name=slack_escape(detail.name),
        state=slack_escape(change.to_state),
        resource=slack_escape(resource),
    )
    lines = [head, _("{condition} · now {value}").format(condition=condition, value=value)]
    if change.late:
        lines.append(_("_Seen late: ServiceWatch could not be asked for a while._"))
    return [
        {
            "type": "section",
            "block_id": f"{KEEP}alert_head",
            "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]},
        }
    ]


def resolved_heading(
    detail: AlertDetail, change: Change, incident: Incident, chart: RenderedChart
) -> list[dict[str, Any]]:
    assert incident.fired_at is not None
    lasted = format_duration(max(60, int((change.seen_at - incident.fired_at).total_seconds()) // 60 * 60))
    peak = chart.summaries[0] if chart.summaries else None
    head = _("✅ *{name}* resolved after {lasted}").format(name=slack_escape(detail.name), lasted=lasted)
    if peak is not None and peak.maximum is not None and peak.maximum_at is not None:
        at = datetime.fromtimestamp(peak.maximum_at, UTC).astimezone(chart.plan.start.tzinfo)
        head += " · " + _("peak {value} at {time}").format(
            value=format_value(peak.maximum, peak.unit), time=date_time(at, date=False)
        )
    if change.late:
        head += "\n" + _("_Seen late: ServiceWatch could not be asked for a while._")
    return [{"type": "section", "block_id": f"{KEEP}alert_head", "text": {"type": "mrkdwn", "text": head[:3000]}}]


def follow(chart: RenderedChart) -> list[dict[str, Any]]:
    """The incident's follow button: `follow` of the chart, every period, in this message's thread (the value is
    the line it runs, checked as a typed line is)."""
    line = chart.view.chart if chart.view is not None else ""
    if not line:
        return []
    line = f"follow {line} every {format_duration(max(300, chart.plan.period))}"
    if len(line) > 1900:
        return []
    return [
        {
            "type": "actions",
            "block_id": f"{KEEP}alert_follow",
            "elements": [
                {
                    "type": "button",
                    "action_id": FOLLOW_ACTION,
                    "text": {"type": "plain_text", "text": _("Follow in the thread")[:75], "emoji": True},
                    "value": line,
                }
            ],
        }
    ]


def heading_text(blocks: list[dict[str, Any]]) -> str:
    return str(blocks[0]["text"]["text"]) if blocks else ""


def _last(chart: RenderedChart) -> str:
    summary = chart.summaries[0] if chart.summaries else None
    return format_value(summary.last, summary.unit) if summary is not None else "–"
