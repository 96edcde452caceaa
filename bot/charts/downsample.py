"""A chart's numbers in a few buckets, for a chart drawn by the chat client itself (Slack's native chart takes at most
20 points a line and 6 lines). Pure: no platform, no clock.

Honest by construction: each bucket holds whole periods of the window, and is summed up with the chart's own
statistic (the largest value of a MAX chart, the smallest of a MIN, the sum of a SUM or CNT, the mean of an AVG), so a
spike in a MAX chart is never averaged away. What was left out or bridged is said (`Downsampled.notes`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.charts.plan import ChartPlan
from bot.charts.summary import line_labels
from bot.drawing.units import axis_label, scale_for
from bot.durations import format_duration
from bot.i18n import _
from bot.servicewatch.models import MetricDataSeries

# Bucket sizes people read at a glance, in seconds; a bucket is the smallest of these that is a whole number of the
# chart's periods and keeps the buckets within the limit (else the fewest whole periods that do).
NICE_BUCKETS = (
    60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000,
)  # fmt: skip
SIGNIFICANT_DIGITS = 4

# Each statistic's own way to sum up a bucket of its values.
COMBINE: dict[str, Callable[[Sequence[float]], float]] = {
    "MAX": max,
    "MIN": min,
    "SUM": math.fsum,
    "CNT": math.fsum,
}


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


@dataclass(frozen=True)
class SampledLine:
    """One line's value in each bucket (the same buckets for every line)."""

    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Downsampled:
    """A chart's lines in buckets: the buckets' start times, each line's values (scaled for `unit_label`), how the
    buckets were summed up, and what the client's chart leaves out."""

    starts: tuple[datetime, ...]  # in the chart's timezone
    lines: tuple[SampledLine, ...]
    bucket: timedelta
    how: str  # `max of each 10 min`
    unit_label: str  # the y axis: `Percent (%)`, `Bytes (MiB)`
    notes: tuple[str, ...] = ()
    divisor: float = 1.0  # the values are the metric's divided by this (the multiple `unit_label` names)


def bucket_seconds(period: int, span: float, most: int) -> int:
    """The bucket size for a window of `span` seconds at `period`: whole periods, at most `most` buckets."""
    periods = max(1, math.ceil(span / period))
    needed = period * math.ceil(periods / most)
    for nice in NICE_BUCKETS:
        if needed <= nice < 2 * needed and nice % period == 0:  # never fewer than half the points it may have
            return nice
    return needed


def downsample(
    plan: ChartPlan, series: Sequence[MetricDataSeries], *, most_points: int, most_lines: int
) -> Downsampled | None:
    """The chart's first `most_lines` lines with data, in at most `most_points` buckets; None when no line has data.
    Buckets where no line has a value are left out; where only some lines lack one, theirs is bridged from the
    neighbouring buckets (and the notes say so)."""
    start, end = plan.start.timestamp(), plan.end.timestamp()
    bucket = bucket_seconds(plan.period, end - start, most_points)
    combine = COMBINE.get(plan.stat, _mean)
    filled: list[tuple[str, dict[int, float]]] = []
    empty: list[str] = []
    for index, label in enumerate(line_labels(plan)):
        points = series[index].values if index < len(series) else ()
        grouped: dict[int, list[float]] = {}
        for at, value in points:
            if start <= at < end and math.isfinite(value):
                grouped.setdefault(int((at - start) // bucket), []).append(value)
        if grouped:
            filled.append((label, {slot: combine(values) for slot, values in grouped.items()}))
        else:
            empty.append(label)
    if not filled:
        return None
    notes = []
    if len(filled) > most_lines:
        notes.append(
            _("the first {shown} of {count} lines; the image shows all").format(shown=most_lines, count=len(filled))
        )
        filled = filled[:most_lines]
    if empty:
        notes.append(_("no data: {lines}").format(lines=", ".join(empty)))
    slots = sorted(set().union(*(values for _label, values in filled)))
    bridged = [label for label, values in filled if len(values) < len(slots)]
    if bridged:
        notes.append(_("gaps bridged: {lines}").format(lines=", ".join(bridged)))
    unit = plan.lines[0].metric.unit
    largest = max(abs(v) for _label, values in filled for v in values.values())
    scale = scale_for(unit, largest)
    lines = tuple(
        SampledLine(label, tuple(_round(value / scale.divisor) for value in _bridged(values, slots)))
        for label, values in filled
    )
    zone = plan.end.tzinfo
    starts = tuple(datetime.fromtimestamp(start + slot * bucket, zone) for slot in slots)
    suffix = scale.suffix.strip()
    label = axis_label(unit)
    unit_label = label if not suffix or suffix in label else f"{label} ({suffix})"
    how = _how(plan.stat, bucket)
    return Downsampled(starts, lines, timedelta(seconds=bucket), how, unit_label, tuple(notes), scale.divisor)


def _bridged(values: dict[int, float], slots: Sequence[int]) -> list[float]:
    """A value for every slot: the line's own, else straight between its neighbours (the nearest one at an end)."""
    known = sorted(values)
    out = []
    for slot in slots:
        if slot in values:
            out.append(values[slot])
            continue
        before = max((k for k in known if k < slot), default=None)
        after = min((k for k in known if k > slot), default=None)
        if before is None or after is None:
            nearest = after if before is None else before
            assert nearest is not None  # a line with no value at all is not bridged: it is left out
            out.append(values[nearest])
        else:
            share = (slot - before) / (after - before)
            out.append(values[before] + (values[after] - values[before]) * share)
    return out


def _round(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return 0.0
    digits = SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(value)))
    return round(value, max(0, digits))


def _how(stat: str, bucket: int) -> str:
    span = format_duration(bucket)
    words = {
        "MAX": _("max of each {span}"),
        "MIN": _("min of each {span}"),
        "SUM": _("sum of each {span}"),
        "CNT": _("count in each {span}"),
    }
    return words.get(stat, _("mean of each {span}")).format(span=span)


def time_labels(starts: Sequence[datetime], bucket: timedelta, *, most: int) -> tuple[str, ...]:
    """A short, distinct label for each bucket start (at most `most` characters): the time of day when the buckets
    fit in a day, the date and time across days, the date for buckets of a day or more; the year when they cross
    one. Labels that would repeat take the next longer form (the zone's name, where a clock was set back)."""
    if not starts:
        return ()
    across_days = starts[-1] - starts[0] + bucket > timedelta(days=1)
    across_years = starts[0].year != starts[-1].year
    forms = ["%H:%M"] if not across_days else []
    forms += ["%m-%d"] if bucket >= timedelta(days=1) and not across_years else []
    forms += ["%m-%d %H:%M"] if not across_years else []
    forms += ["%Y-%m-%d", "%Y-%m-%d %H:%M"]
    forms += [f"{form} %Z" for form in forms if "%H" in form]  # an hour that happens twice: `01:30 EDT`, `01:30 EST`
    for form in forms:
        labels = tuple(start.strftime(form)[:most] for start in starts)
        if len(set(labels)) == len(labels):
            return labels
    return tuple(f"{n + 1}"[:most] for n in range(len(starts)))
