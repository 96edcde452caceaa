"""What an alert's announcement says, wherever it is said (Slack, the console): the chart of the time before a
firing (or over an incident), its title, the heading of a firing and of a clear (Slack's mrkdwn text: the console
prints it as it prints a chart's words), the note of a reopened incident and of an alert that left a watch, and the
notes of an alert with no data (`INSUFFICIENT_DATA`) or in a state ServiceWatch does not document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.charts.alerts import (
    NO_DATA_MARK,
    SILENT,
    UNKNOWN_MARK,
    condition_text,
    level_label,
    state_kind,
    threshold_lines,
)
from bot.charts.service import ChartService, RenderedChart, Threshold
from bot.charts.summary import format_value
from bot.durations import format_duration
from bot.i18n import _, date_time
from bot.language.parse import parse_chart
from bot.language.tokens import quote_word
from bot.markup import cut, marked, slack_escape
from bot.servicewatch.errors import ServiceWatchError
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import Change, Dropped, Incident, firing

LEVEL_MARKS = {"HIGH": "🔴", "MIDDLE": "🩷", "LOW": "🟣"}  # the ServiceWatch guide's colours: red, pink, purple
WINDOWS_BEFORE = 6  # evaluation windows of history a firing's chart shows
SHORTEST_BEFORE = 3600

# The most an announcement's text says, on every surface: one section of a Slack message holds 3,000 characters
# (`bot.slack.limits.SECTION_TEXT`; the Slack side cuts to it again after escaping), a screenful on the console.
HEADING_MOST = 3000


def window_before(detail: AlertDetail) -> int:
    """Seconds of history a firing's chart shows: several evaluation windows, at least an hour."""
    window = detail.evaluation_time_window or (detail.period or 300) * (detail.evaluation_count or 1)
    return max(SHORTEST_BEFORE, WINDOWS_BEFORE * int(window))


def incident_span(detail: AlertDetail, change: Change, incident: Incident) -> int:
    """Seconds a clear's recovery chart shows: the incident and the time before it, at least an hour, in whole
    minutes (its chart line says `last 91m`, not `last 5409s`)."""
    assert incident.fired_at is not None
    lasted = int((change.seen_at - incident.fired_at).total_seconds())
    return max(SHORTEST_BEFORE, -(-(lasted + window_before(detail)) // 60) * 60)


TITLE_LIMIT = 150  # what the chart language's `title` takes


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


async def alert_chart(charts: ChartService, detail: AlertDetail, *, span: int, timezone: str = "UTC") -> RenderedChart:
    """The alert's metric over `span` seconds ending now, titled with the alert (steerable as any chart)."""
    # The title is part of the line, so a chart steered from its buttons keeps it.
    line = f"{chart_line(detail, span=span)} title {quote_word(alert_title(detail)[:TITLE_LIMIT])}"
    marks = threshold_lines(
        detail.operator, detail.threshold, detail.lower_bound, detail.upper_bound, detail.metric_unit
    )
    return await charts.render(
        parse_chart(line),
        timezone=timezone,
        asked_by=_("alert “{name}”").format(name=detail.name),
        steered_as=line,
        thresholds=tuple(Threshold(label, value) for label, value in marks),
    )


async def alert_resource(charts: ChartService, alert_id: str) -> str:
    """The name of the resource the alert watches, as the catalog lists it ("" when it does not)."""
    try:
        catalog = await charts.catalog()
    except ServiceWatchError:
        return ""
    return next((alert.resource.label() for alert in catalog.alerts() if alert.id == alert_id), "")


def reopens(change: Change, incident: Incident | None, quiet: timedelta) -> bool:
    """A firing within `quiet` of the clear of the channel's last incident of the alert: that incident reopens."""
    return (
        incident is not None
        and incident.message_ts is not None
        and incident.cleared_at is not None
        and not firing(change.from_state)
        and change.seen_at - incident.cleared_at <= quiet
    )


def open_incident(incident: Incident | None) -> bool:
    """Whether the channel has an incident of the alert that fired and has not cleared."""
    return (
        incident is not None
        and incident.message_ts is not None
        and incident.fired_at is not None
        and incident.cleared_at is None
    )


def resumed(change: Change, incident: Incident | None) -> bool:
    """A firing after no data (or an unknown state) while its incident is open: said in the incident's thread."""
    return firing(change.to_state) and not firing(change.from_state) and open_incident(incident)


def resource_of(detail: AlertDetail, resource: str = "") -> str:
    """The resource an announcement names: the catalog's label, else the dimensions' values, else the namespace."""
    return resource or ", ".join(d.value for d in detail.dimensions if d.value) or detail.namespace_name


def fired_text(detail: AlertDetail, change: Change, *, value: str, resource: str = "") -> str:
    """A firing's heading: the level, name, state and resource; the condition and the value now."""
    mark = LEVEL_MARKS.get(detail.level.upper(), "⚪")
    resource = resource_of(detail, resource)
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
    return cut("\n".join(lines), HEADING_MOST)


def resolved_text(detail: AlertDetail, change: Change, incident: Incident, chart: RenderedChart) -> str:
    """A clear's heading: how long the incident lasted and, when the chart has it, its peak."""
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
    return cut(head, HEADING_MOST)


def silent_text(detail: AlertDetail, change: Change, *, resource: str, in_incident: bool) -> str:
    """The note of an alert that has no data, or is in a state ServiceWatch does not document (neither is firing:
    no incident opens); `in_incident`: said in an open incident's thread, which stays open."""
    names = {"name": slack_escape(detail.name), "resource": slack_escape(resource_of(detail, resource))}
    if state_kind(change.to_state) == SILENT:
        text = f"{NO_DATA_MARK} " + _("no data: *{name}* on {resource} sends no data (the server may be stopped).")
    else:
        names["state"] = slack_escape(change.to_state.strip() or "?")
        text = f"{UNKNOWN_MARK} " + _(
            "*{name}* on {resource} is in the state “{state}”, which ServiceWatch does not document; it is not taken "
            "as firing."
        )
    text = text.format(**names)
    if in_incident:
        text += " " + _("The incident stays open until the alert reports again: it has not cleared.")
    return cut(text, HEADING_MOST)


def back_text(detail: AlertDetail, *, resource: str) -> str:
    """The note of an alert that sends data again and is normal (told where its no data was told)."""
    return _("🟢 data again: *{name}* on {resource} is normal.").format(
        name=slack_escape(detail.name), resource=slack_escape(resource_of(detail, resource))
    )


def resumed_text(heading: str) -> str:
    return _("It sends data again and is still firing: {heading}").format(heading=heading)


def reopened_text(quiet: timedelta, heading: str) -> str:
    return _("It fired again within {quiet} of clearing: {heading}").format(
        quiet=format_duration(int(quiet.total_seconds())), heading=heading
    )


def dropped_text(dropped: Dropped, why: str) -> str:
    """The note to a watch's subscriber that an alert left it (`why`: "deleted", "account gone", or not readable)."""
    if why == "deleted":
        reason = _("was deleted in ServiceWatch")
    elif why == "account gone":
        reason = _("was read with an SCP account that has been removed from the bot")
    else:
        reason = _("can no longer be read with the bot's SCP keys")
    text = _("The alert “{name}” {reason}, so watch #{id} in <#{channel}> no longer watches it.").format(
        name=dropped.alert_name, reason=reason, id=dropped.watch_id, channel=marked(dropped.channel_id)
    )
    if dropped.watch_ended:
        text += " " + _("It watched nothing else, so it has ended.")
    return text


def last_value(chart: RenderedChart) -> str:
    """The chart's last value (its first line's), as a heading says it now."""
    summary = chart.summaries[0] if chart.summaries else None
    return format_value(summary.last, summary.unit) if summary is not None else "–"
