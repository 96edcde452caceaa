"""A chart's controls as the console shows them: numbered choices under each chart that has a view, in two rows as
Slack shows its buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.charts.service import RenderedChart
from bot.charts.steering import PRESETS, STEERABLE_STATS, control_labels
from bot.i18n import _

FORMS = ("save", "schedule")


@dataclass(frozen=True)
class Choice:
    control: str  # what `steer` takes (`6h`, `stat:MAX`, …), or one of FORMS
    label: str


def choices(chart: RenderedChart) -> list[list[Choice]]:
    """The choices under `chart`, in two rows as Slack shows its controls: the window (↻, presets, ◀, and ▶ when
    the chart does not end now), then each other allowed statistic, compare, save… and schedule…; none without a
    view."""
    view = chart.view
    if view is None:
        return []
    labels = control_labels()
    when = ["refresh", *PRESETS, "earlier", *(["later"] if view.end is not None else [])]
    allowed = chart.plan.lines[0].metric.recommended_stats
    stats = [stat for stat in STEERABLE_STATS if stat in allowed] or list(STEERABLE_STATS)
    how = [Choice(f"stat:{stat}", stat) for stat in stats if stat != view.stat]
    how.append(Choice("compare", _("Hide comparison") if view.compare else labels["compare"]))
    how += [Choice("save", _("Save…")), Choice("schedule", _("Schedule…"))]
    return [[Choice(control, labels[control]) for control in when], how]


def choice_lines(chart: RenderedChart) -> list[str]:
    """The choices under `chart`, numbered from 1: `  [1] ↻ Refresh  [2] 1h  …`."""
    lines, number = [], 0
    for row in choices(chart):
        words = []
        for choice in row:
            number += 1
            words.append(f"[{number}] {choice.label}")
        lines.append("  " + "  ".join(words))
    return lines
