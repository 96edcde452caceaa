"""The words about ServiceWatch alerts, in the asker's language: an alert's condition (`avg CPU Usage > 80% for 2 of 3
× 5 min`), its level (label, rank, colour), whether it matches a watch's words, and the `alerts [TEXT]` listing.
Pure: no I/O; the API layer's alert details and the catalog come in as plain values.

Levels: HIGH > MIDDLE > LOW. A watch's `level X` means X *and above* (`level middle`: MIDDLE and HIGH), so one
watch can say "the important ones" without naming each level; `at_least` decides it.

States (documented: `NORMAL`, `ALERT`, `INSUFFICIENT_DATA`): `ALERT` is firing, `NORMAL` quiet, `INSUFFICIENT_DATA`
"no data" (the metric stopped reporting, e.g. a stopped server: neither firing nor quiet). Any other state is unknown:
shown as ServiceWatch wrote it, never firing (`state_kind`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.charts.summary import format_value
from bot.drawing.units import unit_kind
from bot.durations import format_duration
from bot.i18n import _, ngettext
from bot.markup import slack_escape

LEVELS = ("HIGH", "MIDDLE", "LOW")  # most severe first
NORMAL, ALERT, NO_DATA = "NORMAL", "ALERT", "INSUFFICIENT_DATA"  # the states ServiceWatch documents
FIRING, QUIET, SILENT, UNKNOWN = "firing", "quiet", "no data", "unknown"  # what the bot makes of each
MAX_LINES = 40  # of the `alerts` listing; then "… and N more"

# The ServiceWatch guide's colours for the levels: HIGH red, MIDDLE pink, LOW purple; anything else grey.
LEVEL_COLOURS = {"HIGH": "#e0301e", "MIDDLE": "#e8559a", "LOW": "#7d4cdb"}
UNKNOWN_COLOUR = "#9e9e9e"
FIRING_MARK = ":rotating_light:"
NO_DATA_MARK = "⚪"
UNKNOWN_MARK = "❔"

# Comparison operators → the sign written between the statistic and the threshold. Only RANGE is documented; the
# others are guesses at ServiceWatch's names (and their usual short forms), written as people read them.
OPERATOR_SIGNS = {
    "GREATER_THAN": ">", "GREATER_THAN_OR_EQUAL": "≥", "GREATER_THAN_OR_EQUAL_TO": "≥",
    "LESS_THAN": "<", "LESS_THAN_OR_EQUAL": "≤", "LESS_THAN_OR_EQUAL_TO": "≤",
    "EQUAL": "=", "EQUAL_TO": "=", "NOT_EQUAL": "≠", "NOT_EQUAL_TO": "≠",
    "GT": ">", "GE": "≥", "GTE": "≥", "LT": "<", "LE": "≤", "LTE": "≤", "EQ": "=", "NE": "≠",
}  # fmt: skip
# RANGE (documented, with lower and upper bounds): read as firing when the value *leaves* the range, the way a
# threshold alert fires on the abnormal side; a guess, since the guide shows the bounds but not the direction.
# OUTSIDE_RANGE (a guess) says the same thing outright; INSIDE_RANGE / BETWEEN (guesses) the opposite.
OUTSIDE_OPERATORS = ("RANGE", "OUTSIDE_RANGE", "OUT_OF_RANGE", "NOT_BETWEEN")
INSIDE_OPERATORS = ("INSIDE_RANGE", "IN_RANGE", "WITHIN_RANGE", "BETWEEN")
_NUMBER_AND_UNIT = re.compile(r"^(-?[\d.,]+)(.*)$")


def level_rank(level: str | None) -> int:
    """HIGH 3, MIDDLE 2, LOW 1; anything else 0 (any case)."""
    text = (level or "").strip().upper()
    return len(LEVELS) - LEVELS.index(text) if text in LEVELS else 0


def at_least(level: str | None, minimum: str | None) -> bool:
    """Whether an alert of `level` is one a watch of `minimum` posts for: that level or a more severe one (no
    minimum: every alert, even one of a level the bot does not know)."""
    return minimum is None or level_rank(level) >= level_rank(minimum)


def level_label(level: str | None) -> str:
    """`High`, `Middle`, `Low` (높음, 중간, 낮음); another level as ServiceWatch wrote it."""
    labels = {"HIGH": _("High"), "MIDDLE": _("Middle"), "LOW": _("Low")}
    text = (level or "").strip()
    return labels.get(text.upper(), text or "?")


def level_colour(level: str | None) -> str:
    """`#rrggbb` for a message's side bar: HIGH red, MIDDLE pink, LOW purple, anything else grey."""
    return LEVEL_COLOURS.get((level or "").strip().upper(), UNKNOWN_COLOUR)


def state_kind(state: str | None) -> str:
    """FIRING for `ALERT`, QUIET for `NORMAL`, SILENT for `INSUFFICIENT_DATA` (any case); UNKNOWN for anything else,
    an empty state too (never firing: the bot does not know what it means)."""
    kinds = {ALERT: FIRING, NORMAL: QUIET, NO_DATA: SILENT}
    return kinds.get((state or "").strip().upper(), UNKNOWN)


def is_firing(state: str | None) -> bool:
    """Only `ALERT` is firing (see `state_kind`)."""
    return state_kind(state) == FIRING


def matches(words: Sequence[str], *, alert_name: str, namespace: str, metric_name: str, resource: str | None) -> bool:
    """Whether every word (any case) is found in the alert's name, namespace, metric or resource; no words: yes."""
    fields = [text.lower() for text in (alert_name, namespace, metric_name, resource or "")]
    return all(any(word.lower() in text for text in fields) for word in words)


# An alert's condition ------------------------------------------------------------------------------------------


def condition_text(
    *,
    statistic: str,
    metric_name: str,
    unit: str,
    operator: str,
    threshold: float | None,
    lower_bound: float | None,
    upper_bound: float | None,
    violation_count: int | None,
    evaluation_count: int | None,
    period: int | None,
) -> str:
    """What makes the alert fire, as plain text (escape it for Slack's mrkdwn: it may hold `<` and `>`):
    `avg CPU Usage > 80% for 2 of 3 × 5 min`, `avg Latency outside 80–90 ms for 3 × 1 min`; in Korean
    `평균 CPU Usage > 80% (5분 × 3회 중 2회)`. An operator the bot does not know is shown verbatim."""
    comparison = _comparison(operator, threshold, lower_bound, upper_bound, unit)
    stat = _statistic(statistic)
    if not period or period <= 0:
        return _("{statistic} {metric} {comparison}").format(statistic=stat, metric=metric_name, comparison=comparison)
    span = _period(period)
    if evaluation_count and violation_count is not None:
        text = _("{statistic} {metric} {comparison} for {violations} of {evaluations} × {period}")
    elif evaluation_count:
        text = _("{statistic} {metric} {comparison} for {evaluations} × {period}")
    else:
        text = _("{statistic} {metric} {comparison} over {period}")
    return text.format(
        statistic=stat,
        metric=metric_name,
        comparison=comparison,
        violations=violation_count,
        evaluations=evaluation_count,
        period=span,
    )


def threshold_lines(
    operator: str, threshold: float | None, lower: float | None, upper: float | None, unit: str
) -> tuple[tuple[str, float], ...]:
    """The flat lines a chart of the alert draws, (label, value): the threshold (`> 80%`), or a range's two bounds
    (`lower 80%`, `upper 90%`); none for an operator the bot cannot place on the chart."""
    name = operator.strip().upper()
    if name in OUTSIDE_OPERATORS + INSIDE_OPERATORS and lower is not None and upper is not None:
        return (
            (_("lower {value}").format(value=amount(lower, unit)), lower),
            (_("upper {value}").format(value=amount(upper, unit)), upper),
        )
    if name in OPERATOR_SIGNS and threshold is not None:
        return ((f"{OPERATOR_SIGNS[name]} {amount(threshold, unit)}", threshold),)
    return ()


def _comparison(operator: str, threshold: float | None, lower: float | None, upper: float | None, unit: str) -> str:
    name = operator.strip().upper()
    if name in OUTSIDE_OPERATORS + INSIDE_OPERATORS and lower is not None and upper is not None:
        span = _span(lower, upper, unit)
        return (_("outside {range}") if name in OUTSIDE_OPERATORS else _("within {range}")).format(range=span)
    if name in OPERATOR_SIGNS and threshold is not None:
        return f"{OPERATOR_SIGNS[name]} {amount(threshold, unit)}"
    if threshold is None and lower is not None and upper is not None:
        return f"{operator.strip()} {_span(lower, upper, unit)}"
    return f"{operator.strip()} {amount(threshold, unit)}".strip()


def amount(value: float | None, unit: str) -> str:
    """A threshold as the charts write values (bot.charts.summary.format_value), less a `.0` that says nothing:
    `80%`, `1.5 GB`, `200 ms`, `1,000`."""
    kind = unit_kind(unit)
    as_written = {"percent": "PERCENT", "milliseconds": "MS", "seconds": "S"}.get(kind.name, unit)
    if kind.name == "bytes":
        as_written = "BYTES/SECOND" if kind.per_second else "BYTE"
    return re.sub(r"(\d)\.0(?!\d)", r"\1", format_value(value, as_written))


def _span(lower: float, upper: float, unit: str) -> str:
    """`80–90%`, `1–2 GB`; `500 MB–1 GB` when the two need different units."""
    low, high = amount(lower, unit), amount(upper, unit)
    low_match, high_match = _NUMBER_AND_UNIT.match(low), _NUMBER_AND_UNIT.match(high)
    if low_match and high_match and low_match.group(2) == high_match.group(2):
        low = low_match.group(1)
    return f"{low}–{high}"


def _statistic(statistic: str) -> str:
    words = {"AVG": _("avg"), "MAX": _("max"), "MIN": _("min"), "SUM": _("sum"), "CNT": _("count")}
    return words.get(statistic.strip().upper(), statistic.strip().lower())


def _period(seconds: int) -> str:
    """`5 min`, `1 h`, `30 s` (`5분`, `1시간`, `30초`)."""
    written = format_duration(seconds)
    count, unit = written[:-1], written[-1]
    units = {
        "s": _("{count} s"),
        "m": _("{count} min"),
        "h": _("{count} h"),
        "d": _("{count} d"),
        "w": _("{count} wk"),
    }
    return units[unit].format(count=count)


# The listing ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertLine:
    """One alert policy as the `alerts` listing shows it. `condition` is `condition_text(…)`'s; `resource` the
    resource's label (empty when the alert watches no one resource)."""

    id: str
    name: str
    level: str
    state: str
    condition: str
    resource: str
    namespace: str
    metric_name: str

    @property
    def metric(self) -> str:
        """`namespace:metric`, the way a chart command names it."""
        return f"{self.namespace}:{self.metric_name}"

    @property
    def firing(self) -> bool:
        return is_firing(self.state)


def alerts_text(alerts: Sequence[AlertLine], words: Sequence[str], command: str = "/chart") -> str:
    """The reply to `alerts [TEXT]`: the alerts that match every word (see `matches`), firing ones first (then those
    with no data or an unknown state), then by level, then by name; a header with the count; at most MAX_LINES lines,
    then how many more and how to narrow."""
    text = " ".join(words)
    found = [
        a
        for a in alerts
        if matches(words, alert_name=a.name, namespace=a.namespace, metric_name=a.metric_name, resource=a.resource)
    ]
    if not found:
        if words:
            return _(
                "No alert matches “{text}”. Try part of an alert's name, a metric (`cpu`) or a resource (`web-01`); "
                "`{command} alerts` lists them all."
            ).format(text=slack_escape(text), command=command)
        return _(
            "There are no ServiceWatch alerts to show. Create an alert policy in the ServiceWatch console; then "
            "`{command} watch alerts` posts a chart here whenever one fires."
        ).format(command=command)
    found.sort(key=lambda a: (_state_rank(a.state), -level_rank(a.level), a.name.lower(), a.resource.lower()))
    firing = sum(a.firing for a in found)
    if text:
        heading = ngettext("*{count} alert* matching “{text}”", "*{count} alerts* matching “{text}”", len(found))
    else:
        heading = ngettext("*{count} alert*", "*{count} alerts*", len(found))
    heading = heading.format(count=len(found), text=slack_escape(text))
    if firing:
        heading += _(", {firing} firing").format(firing=firing)
    lines = [f"{heading}:"]
    lines += [_alert_line(a) for a in found[:MAX_LINES]]
    if len(found) > MAX_LINES:
        lines.append(
            _(
                "… and {count} more; narrow it down: `{command} alerts TEXT` (part of a name, a metric or a resource)."
            ).format(count=len(found) - MAX_LINES, command=command)
        )
    return "\n".join(lines)


def _state_rank(state: str) -> int:
    """Firing first, then no data and unknown states (worth a look), then normal."""
    return {FIRING: 0, QUIET: 2}.get(state_kind(state), 1)


def state_label(state: str) -> str:
    """A state as a listing shows it: firing marked, `normal`, `no data`, an unknown one as ServiceWatch wrote it."""
    kind = state_kind(state)
    if kind == FIRING:
        return f"{FIRING_MARK} *{slack_escape(state.strip())}*"
    if kind == QUIET:
        return _("normal")
    if kind == SILENT:
        return f"{NO_DATA_MARK} " + _("no data")
    return f"{UNKNOWN_MARK} {slack_escape(state.strip() or '?')}"


def _alert_line(alert: AlertLine) -> str:
    state = state_label(alert.state)
    parts = [state, level_label(alert.level), f"*{slack_escape(alert.name)}*", slack_escape(alert.condition)]
    if alert.resource:
        parts.append(slack_escape(alert.resource))
    return "• " + " · ".join(parts)
