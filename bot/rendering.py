"""Line charts as PNG with matplotlib: the sandbox draws its charts with this, and so does the local fallback."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

_TICK_STEPS = (1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800)
_TICK_STEPS_LONG = (604800, 1209600, 2592000, 7776000, 15552000, 31536000)
DEFAULT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


@dataclass(frozen=True)
class PlotSeries:
    """One line: its legend label, (Unix seconds, value) points, and an optional `#rrggbb` colour."""

    label: str
    points: Sequence[tuple[int, float]]
    color: str | None = None


def render_line_chart(
    series: Sequence[PlotSeries],
    *,
    title: str,
    start: int,
    end: int,
    timezone: str = "UTC",
    width: int = 1400,
    height: int = 500,
    y_label: str = "",
    footnote: str = "",
) -> bytes:
    """Draw `series` between `start` and `end` (Unix seconds) on a `width` x `height` PNG, times in `timezone`."""
    # Imported here: matplotlib takes most of a second to import and only rendering needs it.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator

    zone = ZoneInfo(timezone)
    dpi = 100
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    axes = figure.add_subplot()
    drawn = 0
    for index, line in enumerate(series):
        if not line.points:
            continue
        times = [_num(t, zone) for t, _ in line.points]
        values = [v for _, v in line.points]
        colour = line.color or DEFAULT_COLOURS[index % len(DEFAULT_COLOURS)]
        marker = "o" if len(values) <= 30 else None
        axes.plot(times, values, label=line.label, color=colour, linewidth=1.6, marker=marker, markersize=3)
        drawn += 1
    axes.set_xlim(_num(start, zone), _num(end, zone))
    span = end - start
    time_format = "%H:%M" if span <= 36 * 3600 else "%m-%d %H:%M" if span <= 7 * 86400 else "%Y-%m-%d"
    axes.xaxis.set_major_formatter(mdates.DateFormatter(time_format, tz=zone))
    axes.xaxis.set_major_locator(
        FixedLocator([_num(t, zone) for t in tick_times(start, end, zone, max(4, width // 140))])
    )
    axes.set_xlabel(f"Time ({timezone})")
    if y_label:
        axes.set_ylabel(y_label)
    axes.grid(True, alpha=0.3)
    axes.set_title(title, loc="left", fontsize=13)
    if drawn:
        axes.legend(loc="upper left", fontsize=9, framealpha=0.8)
        axes.set_ylim(bottom=min(0.0, axes.get_ylim()[0]))
    else:
        axes.text(0.5, 0.5, "No data in this window", ha="center", va="center", transform=axes.transAxes, fontsize=14)
        axes.set_yticks([])
    if footnote:
        figure.text(0.99, 0.01, footnote, ha="right", va="bottom", fontsize=8, color="#666666")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _num(timestamp: int, zone: ZoneInfo) -> float:
    from matplotlib import dates as mdates

    return float(mdates.date2num(datetime.fromtimestamp(timestamp, zone)))


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
