"""The words around a chart: summary numbers, the comment line, alt text and the file name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.charts.plan import ChartPlan
from bot.durations import format_duration
from bot.servicewatch.models import MetricDataSeries

ALT_TEXT_LIMIT = 1000
_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


@dataclass(frozen=True)
class SeriesSummary:
    """min / max / avg / last of one line, in the metric's unit."""

    label: str
    unit: str
    points: int
    minimum: float | None = None
    maximum: float | None = None
    average: float | None = None
    last: float | None = None

    def describe(self) -> str:
        if not self.points:
            return f"{self.label}: no data"
        values = (self.minimum, self.maximum, self.average, self.last)
        parts = [
            f"{name} {format_value(v, self.unit)}"
            for name, v in zip(("min", "max", "avg", "last"), values, strict=True)
        ]
        return f"{self.label}: " + ", ".join(parts)


def summarize(plan: ChartPlan, series: Sequence[MetricDataSeries]) -> tuple[SeriesSummary, ...]:
    """One summary per chart line, matched to ListMetricData's series by position."""
    summaries = []
    one_metric = len({line.metric.name for line in plan.lines}) == 1
    for index, line in enumerate(plan.lines):
        values = [v for _, v in series[index].values] if index < len(series) else []
        label = line.resource if one_metric else line.display_name
        if not values:
            summaries.append(SeriesSummary(label, line.metric.unit, 0))
            continue
        summaries.append(
            SeriesSummary(
                label=label,
                unit=line.metric.unit,
                points=len(values),
                minimum=min(values),
                maximum=max(values),
                average=sum(values) / len(values),
                last=values[-1],
            )
        )
    return tuple(summaries)


def format_value(value: float | None, unit: str) -> str:
    """A number as people read it: `45.2%`, `2.3 MB`, `1,234`, `40 ms`."""
    if value is None:
        return "–"
    unit = unit.upper()
    if unit in ("PERCENT", "%"):
        return f"{value:.1f}%"
    if unit.startswith("BYTE"):
        size, index = abs(value), 0
        while size >= 1024 and index < len(_BYTE_UNITS) - 1:
            size /= 1024
            index += 1
        suffix = "/s" if "SEC" in unit else ""
        return (
            f"{'-' if value < 0 else ''}{size:.1f} {_BYTE_UNITS[index]}{suffix}" if index else f"{value:.0f} B{suffix}"
        )
    if unit in ("MILLISECOND", "MS"):
        return f"{value:,.0f} ms" if abs(value) >= 10 else f"{value:.1f} ms"
    if unit in ("SECOND", "S"):
        return f"{value:,.1f} s"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def time_range(start: datetime, end: datetime) -> str:
    """`09:00–12:00 KST` on one day; `Nov 26 09:00 – Nov 27 12:00 KST` across days."""
    zone = end.strftime("%Z") or end.strftime("%z")
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M} {zone}"
    if start.year == end.year:
        return f"{start:%b %d %H:%M} – {end:%b %d %H:%M} {zone}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {zone}"


SANDBOX_NOTE = "Sandbox data: synthetic numbers from the built-in ServiceWatch sandbox, not from your SCP account."


def comment_line(plan: ChartPlan, *, asked_by: str = "", fallback_reason: str = "") -> str:
    """`*Web CPU* · last 3h (09:00–12:00 KST) · period 5m · AVG · asked by @kim`."""
    parts = [
        f"*{plan.title}*",
        f"{plan.window_text} ({time_range(plan.start, plan.end)})",
        f"period {format_duration(plan.period)}" + (" (auto)" if plan.period_auto else ""),
        plan.stat,
    ]
    if asked_by:
        parts.append(f"asked by {asked_by}")
    line = " · ".join(parts)
    if fallback_reason:
        line += f"\n_Drawn by the bot from the numbers: {fallback_reason}_"
    if plan.sandbox:
        line += f"\n_{SANDBOX_NOTE}_"
    return line


def alt_text(plan: ChartPlan, summaries: Sequence[SeriesSummary]) -> str:
    """Metric names plus min / max / avg / last of each line, within Slack's 1000 characters."""
    metrics = ", ".join(dict.fromkeys(line.metric.reference for line in plan.lines))
    head = f"Chart of {metrics}, {plan.window_text}, {plan.stat} per {format_duration(plan.period)}. "
    if plan.sandbox:
        head = f"{SANDBOX_NOTE} {head}"
    text = head
    for index, summary in enumerate(summaries):
        piece = summary.describe() + ". "
        rest = len(summaries) - index - 1
        reserve = len(f"(+{rest} more)") if rest else 0
        if len(text) + len(piece) + reserve > ALT_TEXT_LIMIT:
            text += f"(+{len(summaries) - index} more)"
            break
        text += piece
    return text.strip()[:ALT_TEXT_LIMIT]


def file_name(plan: ChartPlan) -> str:
    """`servicewatch-<slug>-<yyyymmdd-hhmmss>-<hash>.png`: the window's end in the chart's timezone, to the second,
    and four hex digits of the request body, so two charts of one metric in one minute (another statistic, size,
    resource or window) never share a name; the same request at the same second is the same chart."""
    slug = re.sub(r"[^a-z0-9]+", "-", plan.title.lower()).strip("-")[:50].strip("-") or "chart"
    return f"servicewatch-{slug}-{plan.end:%Y%m%d-%H%M%S}-{plan.digest[:4]}.png"
