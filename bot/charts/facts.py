"""What a posted chart showed, in words and numbers that outlive it: its title, window, metric and each line's
min/avg/max/last as they were written when it was posted. A chart's link unfurls with these (bot/slack/links.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from bot.charts.service import RenderedChart
from bot.charts.summary import format_value, time_range
from bot.durations import format_duration


@dataclass(frozen=True)
class LineNumbers:
    """One line's numbers, written in its unit: `web-01`, `12.0%`, `34.5%`, `80.1%`, `40.2%`."""

    label: str
    minimum: str
    average: str
    maximum: str
    last: str


@dataclass(frozen=True)
class ChartFacts:
    """A posted chart's facts (JSON in the database: `dumps`, `loads`)."""

    title: str
    window: str  # `last 3h (09:00–12:00 KST)`
    metric: str  # the metrics' names, comma-separated
    stat: str
    period: str  # `5m`
    alt_text: str
    drawn_at: int  # Unix seconds: the window's end
    lines: tuple[LineNumbers, ...] = ()
    thresholds: tuple[str, ...] = ()  # `> 80%`: an alert's threshold across the chart
    sandbox: bool = False
    extra: dict[str, str] = field(default_factory=dict)  # room for later facts without a migration

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> ChartFacts:
        data = json.loads(text)
        lines = tuple(LineNumbers(**line) for line in data.pop("lines", ()))
        thresholds = tuple(data.pop("thresholds", ()))
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{**known, "lines": lines, "thresholds": thresholds})


def facts_of(chart: RenderedChart) -> ChartFacts:
    """The facts of `chart` as it is posted (numbers written in the current language)."""
    plan = chart.plan
    return ChartFacts(
        title=chart.title,
        window=f"{plan.window_text} ({time_range(plan.start, plan.end)})",
        metric=", ".join(dict.fromkeys(line.metric.reference for line in plan.lines)),
        stat=plan.stat,
        period=format_duration(plan.period),
        alt_text=chart.alt_text,
        drawn_at=int(plan.end.timestamp()),
        lines=tuple(
            LineNumbers(
                summary.label,
                format_value(summary.minimum, summary.unit),
                format_value(summary.average, summary.unit),
                format_value(summary.maximum, summary.unit),
                format_value(summary.last, summary.unit),
            )
            for summary in chart.summaries
        ),
        thresholds=tuple(mark.label for mark in chart.thresholds),
        sandbox=plan.sandbox,
    )
