"""The words around a chart: summary numbers, the comment line, alt text and the file name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from babel.numbers import format_decimal

from bot.charts.plan import ChartPlan
from bot.durations import format_duration
from bot.errors import UserError
from bot.i18n import LOCALE_NAMES, _, date_time, language, number
from bot.servicewatch.models import MetricDataSeries

ALT_TEXT_LIMIT = 1000
_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


class NoDataError(UserError):
    """The window holds no data for any line: said instead of posting an empty chart."""


def no_data(plan: ChartPlan) -> NoDataError:
    """What a chart whose window holds nothing says instead (the chart service and the compared chart)."""
    return NoDataError(
        _(
            "No data for {title} in {window} ({range}). The resource may be stopped or new; try a longer "
            "window, or check the dimensions with `metrics`."
        ).format(title=plan.title, window=plan.window_text, range=time_range(plan.start, plan.end))
    )


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
    maximum_at: int | None = None  # Unix seconds of the first point at the maximum

    def describe(self) -> str:
        if not self.points:
            return _("{label}: no data").format(label=self.label)
        return _("{label}: min {min}, max {max}, avg {avg}, last {last}").format(
            label=self.label,
            min=format_value(self.minimum, self.unit),
            max=format_value(self.maximum, self.unit),
            avg=format_value(self.average, self.unit),
            last=format_value(self.last, self.unit),
        )


def line_labels(plan: ChartPlan) -> tuple[str, ...]:
    """How the numbers name each line: its resource when the chart has one metric, else its full name."""
    one_metric = len({line.metric.name for line in plan.lines}) == 1
    return tuple(line.resource if one_metric else line.display_name for line in plan.lines)


def summarize(plan: ChartPlan, series: Sequence[MetricDataSeries]) -> tuple[SeriesSummary, ...]:
    """One summary per chart line, matched to ListMetricData's series by position."""
    summaries = []
    for index, (line, label) in enumerate(zip(plan.lines, line_labels(plan), strict=True)):
        points = list(series[index].values) if index < len(series) else []
        values = [v for _, v in points]
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
                maximum_at=int(max(points, key=lambda point: point[1])[0]),
            )
        )
    return tuple(summaries)


def format_value(value: float | None, unit: str) -> str:
    """A number as people read it, as the current language writes numbers: `45.2%`, `2.3 MB`, `1,234`, `40 ms`."""
    if value is None:
        return "–"
    unit = unit.upper()
    if unit in ("PERCENT", "%"):
        return f"{_fixed(value, 1)}%"
    if unit.startswith("BYTE"):
        size, index = abs(value), 0
        while size >= 1024 and index < len(_BYTE_UNITS) - 1:
            size /= 1024
            index += 1
        suffix = "/s" if "SEC" in unit else ""
        if not index:
            return f"{number(value, 0)} B{suffix}"
        return f"{'-' if value < 0 else ''}{_fixed(size, 1)} {_BYTE_UNITS[index]}{suffix}"
    if unit in ("MILLISECOND", "MS"):
        return f"{number(value, 0)} ms" if abs(value) >= 10 else f"{_fixed(value, 1)} ms"
    if unit in ("SECOND", "S"):
        return f"{_fixed(value, 1)} s"
    if abs(value) >= 100 or value == int(value):
        return number(value, 0)
    return _fixed(value, 2)


def _fixed(value: float, digits: int) -> str:
    """`value` with exactly `digits` decimals, grouped as the current language groups digits (`1,234.5`)."""
    pattern = "#,##0." + "0" * digits
    return format_decimal(round(value, digits), format=pattern, locale=LOCALE_NAMES[language()].replace("-", "_"))


def time_range(start: datetime, end: datetime) -> str:
    """`09:00–12:00 KST` on one day; `Nov 26 09:00 – Nov 27 12:00 KST` across days (`11월 26일 09:00 – …` in
    Korean); ISO dates across years."""
    zone = end.strftime("%Z") or end.strftime("%z")
    if start.date() == end.date():
        return f"{date_time(start, date=False)}–{date_time(end, date=False)} {zone}"
    if start.year == end.year:
        return f"{date_time(start)} – {date_time(end)} {zone}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {zone}"


def sandbox_note() -> str:
    """What every chart drawn from the sandbox's data says about it."""
    return _("Sandbox data: synthetic numbers from the built-in ServiceWatch sandbox, not from your SCP account.")


# The English of `sandbox_note()` (what tests look for).
SANDBOX_NOTE = "Sandbox data: synthetic numbers from the built-in ServiceWatch sandbox, not from your SCP account."


def comment_line(
    plan: ChartPlan,
    *,
    asked_by: str = "",
    fallback_reason: str = "",
    compared: bool = False,
    numbers_left_out: str = "",
) -> str:
    """`*Web CPU* · last 3h (09:00–12:00 KST) · period 5m · AVG · asked by @kim`; a second line when the bot drew
    the chart itself (the image call failed: `fallback_reason`; or `compared` with earlier days), or when the
    numbers were left out for a reason the asker can act on (`numbers_left_out`)."""
    period = format_duration(plan.period)
    parts = [
        f"*{plan.title}*",
        f"{plan.window_text} ({time_range(plan.start, plan.end)})",
        (_("period {period} (auto)") if plan.period_auto else _("period {period}")).format(period=period),
        plan.stat,
    ]
    if asked_by:
        parts.append(_("asked by {who}").format(who=asked_by))
    line = " · ".join(parts)
    if plan.notes:
        line += "\n_(" + "; ".join(plan.notes) + ")_"
    if fallback_reason:
        line += "\n_" + _("Drawn by the bot from the numbers: {reason}").format(reason=fallback_reason) + "_"
    if numbers_left_out:
        line += "\n_" + _("The numbers were left out: {reason}").format(reason=numbers_left_out) + "_"
    if compared:
        line += (
            "\n_" + _("Compared with the same window yesterday and a week ago; drawn by the bot from the numbers") + "_"
        )
    if plan.sandbox:
        line += f"\n_{sandbox_note()}_"
    return line


def alt_text(plan: ChartPlan, summaries: Sequence[SeriesSummary]) -> str:
    """Metric names plus min / max / avg / last of each line, within Slack's 1000 characters."""
    metrics = ", ".join(dict.fromkeys(line.metric.reference for line in plan.lines))
    head = _("Chart of {metrics}, {window}, {stat} per {period}.").format(
        metrics=metrics, window=plan.window_text, stat=plan.stat, period=format_duration(plan.period)
    )
    text = f"{sandbox_note()} {head} " if plan.sandbox else f"{head} "
    for index, summary in enumerate(summaries):
        piece = summary.describe() + ". "
        rest = len(summaries) - index - 1
        reserve = len(_more(rest)) if rest else 0
        if len(text) + len(piece) + reserve > ALT_TEXT_LIMIT:
            text += _more(len(summaries) - index)
            break
        text += piece
    return text.strip()[:ALT_TEXT_LIMIT]


def _more(count: int) -> str:
    return _("(+{count} more)").format(count=count)


def file_name(plan: ChartPlan, *, compared: bool = False) -> str:
    """`servicewatch-<slug>-<yyyymmdd-hhmmss>-<hash>.png`: the window's end in the chart's timezone, to the second,
    and four hex digits of the request body, so two charts of one metric in one minute (another statistic, size,
    resource or window) never share a name; the same request at the same second is the same chart. A chart compared
    with earlier days ends `-compared.png` (the same request, drawn otherwise)."""
    slug = re.sub(r"[^a-z0-9]+", "-", plan.title.lower()).strip("-")[:50].strip("-") or "chart"
    return f"servicewatch-{slug}-{plan.end:%Y%m%d-%H%M%S}-{plan.digest[:4]}{'-compared' if compared else ''}.png"
