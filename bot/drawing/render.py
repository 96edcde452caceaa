"""Line charts as PNG with matplotlib: the sandbox draws its charts with this, and so does the local fallback."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.drawing.fonts import use_hangul_fallback
from bot.drawing.units import axis_label, scale_for, tick_label, tick_step
from bot.i18n import _, date_part

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_TICK_STEPS = (1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800)
_TICK_STEPS_LONG = (604800, 1209600, 2592000, 7776000, 15552000, 31536000)
DPI = 100
# The time axis, by the finest field its ticks differ in (year, month, day, hour, minute, second): the CLDR skeleton
# of a tick, of a tick at that field's start (a tick at midnight shows its date), and of the axis's corner (the date
# it ends on). As matplotlib's ConciseDateFormatter lays them out, in the current language through Babel.
_TICK_SKELETONS = ("y", "MMM", "d", "Hm", "Hm", "Hms")
_START_SKELETONS = ("y", "y", "MMM", "MMMd", "Hm", "Hm")
_CORNER_SKELETONS = ("", "y", "yMMM", "yMMMd", "yMMMd", "yMMMd")
_FIELD_STARTS = (0, 1, 1, 0, 0, 0)
# A faint line: lighter, thinner, and under the solid lines (2), above the grid (1.5 with `axes.axisbelow: line`).
FAINT_ALPHA, FAINT_WIDTH, FAINT_ZORDER = 0.35, 1.0, 1.8
DEFAULT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


@dataclass(frozen=True)
class PlotSeries:
    """One line: its legend label, (Unix seconds, value) points, and an optional `#rrggbb` colour; a `faint` line
    (an earlier window beside today's) is drawn lighter, dashed and thinner, under the others."""

    label: str
    points: Sequence[tuple[int, float]]
    color: str | None = None
    faint: bool = False


def to_png(figure: Figure) -> bytes:
    """A chart drawn by `draw_line_chart` as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def draw_line_chart(
    series: Sequence[PlotSeries],
    *,
    title: str,
    start: int,
    end: int,
    timezone: str = "UTC",
    width: int = 1400,
    height: int = 500,
    unit: str = "",
    y_label: str = "",
    footnote: str = "",
) -> Figure:
    """The chart as a matplotlib Figure (`to_png` makes the PNG): y ticks in the metric's `unit` (`2 MiB`, `40%`,
    `1.2k`), the legend below the axes, the date on a tick at midnight, Korean text in the bundled Hangul font; the
    title and the labels as written (never read as mathtext: they may hold what people typed)."""
    # Imported here: matplotlib takes most of a second to import and only rendering needs it.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MultipleLocator

    use_hangul_fallback()
    zone = ZoneInfo(timezone)
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes = figure.add_subplot()
    drawn = 0
    for index, line in enumerate(series):
        if not line.points:
            continue
        times = [_num(t, zone) for t, _ in line.points]
        values = [v for _, v in line.points]
        colour = line.color or DEFAULT_COLOURS[index % len(DEFAULT_COLOURS)]
        if line.faint:
            axes.plot(
                times,
                values,
                label=line.label,
                color=colour,
                linewidth=FAINT_WIDTH,
                linestyle="--",
                alpha=FAINT_ALPHA,
                zorder=FAINT_ZORDER,
            )
        else:
            marker = "o" if len(values) <= 30 else None
            axes.plot(times, values, label=line.label, color=colour, linewidth=1.6, marker=marker, markersize=3)
        drawn += 1
    axes.set_xlim(_num(start, zone), _num(end, zone))
    ticks = tick_times(start, end, zone, max(4, width // 140))
    labels, corner = tick_labels([datetime.fromtimestamp(t, zone) for t in ticks])
    axes.xaxis.set_major_locator(FixedLocator([_num(t, zone) for t in ticks]))
    formatter = FixedFormatter(labels)
    formatter.set_offset_string(corner)
    axes.xaxis.set_major_formatter(formatter)
    axes.set_xlabel(_("Time ({zone})").format(zone=timezone))
    if y_label or unit:
        axes.set_ylabel(y_label or axis_label(unit))
    axes.grid(True, alpha=0.3)
    axes.set_title(title, loc="left", fontsize=13, parse_math=False)  # a `$` people typed is a dollar sign
    if drawn:
        low, high = axes.get_ylim()
        low = min(0.0, low)
        step = tick_step(unit, low, high)
        axes.set_ylim(low, max(math.ceil(high / step) * step, low + step))
        axes.yaxis.set_major_locator(MultipleLocator(step))
        scale = scale_for(unit, max(abs(low), abs(high)))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: tick_label(value, scale)))
        # Below the axes, never over the lines: as many columns as the longest label allows.
        longest = max(len(line.label) for line in series if line.points)
        columns = max(1, min(drawn, width // max(7 * longest + 40, 1)))
        legend = axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=columns,
            fontsize=9,
            frameon=False,
        )
        for label in legend.get_texts():
            label.set_parse_math(False)
    else:
        axes.text(
            0.5, 0.5, _("No data in this window"), ha="center", va="center", transform=axes.transAxes, fontsize=14
        )
        axes.set_yticks([])
    if footnote:
        figure.text(0.99, 0.01, footnote, ha="right", va="bottom", fontsize=8, color="#666666")
    figure.tight_layout()
    return figure


def _num(timestamp: int, zone: ZoneInfo) -> float:
    from matplotlib import dates as mdates

    return float(mdates.date2num(datetime.fromtimestamp(timestamp, zone)))


def tick_labels(moments: Sequence[datetime]) -> tuple[list[str], str]:
    """The text of each tick and of the axis's corner, as the current language writes them: times of day (`22:00`),
    the date on a tick at midnight (`Nov 28`; `11월 28일`), the date the axis ends on in the corner (`Nov 28, 2026`;
    `2026년 11월 28일`)."""
    if not moments:
        return [], ""
    fields = [(m.year, m.month, m.day, m.hour, m.minute, m.second) for m in moments]
    level = next((i for i in range(5, -1, -1) if len({f[i] for f in fields}) > 1), 5)
    at_start = [f[level] == _FIELD_STARTS[level] for f in fields]
    skeletons = [(_START_SKELETONS if first else _TICK_SKELETONS)[level] for first in at_start]
    labels = [date_part(moment, skeleton) for moment, skeleton in zip(moments, skeletons, strict=True)]
    shown_year = level == 1 and any(at_start)  # a January tick shows its year: the corner need not
    corner = _CORNER_SKELETONS[level]
    return labels, date_part(moments[-1], corner) if corner and not shown_year else ""


def tick_times(start: int, end: int, zone: ZoneInfo, max_ticks: int) -> list[int]:
    """Round local times (every 5 minutes, hour, day …) between `start` and `end`, at most `max_ticks` of them."""
    span = max(1, end - start)
    step = next((s for s in (*_TICK_STEPS, *_TICK_STEPS_LONG) if span / s <= max_ticks), _TICK_STEPS_LONG[-1])
    offset = int(datetime.fromtimestamp(start, zone).utcoffset().total_seconds())  # type: ignore[union-attr]
    local_start = start + offset
    first = -(-local_start // step) * step - offset
    if step >= 86400:  # days and longer: start at a local midnight
        first = -(-local_start // 86400) * 86400 - offset
    return list(range(first, end + 1, step))
