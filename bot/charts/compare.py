"""A chart beside the same window yesterday and a week ago. ServiceWatch's image call cannot shift time, so this chart
is drawn here from ListMetricData: today's lines as usual, the earlier windows' faint beside them, moved forward onto
today's time axis, and the footnote says so."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.charts.plan import ChartPlan
from bot.charts.summary import SeriesSummary, no_data, summarize
from bot.drawing.render import DEFAULT_COLOURS, PlotSeries, draw_line_chart, to_png
from bot.i18n import _
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.servicewatch.errors import APIStatusError, ServiceWatchError
from bot.servicewatch.models import MetricDataRequest, MetricDataSeries

log = logging.getLogger(__name__)

DAY = 86400
WEEK = 7 * DAY
EARLIER = (DAY, WEEK)  # how far back each compared window lies, in seconds


@dataclass(frozen=True)
class ComparedChart:
    png: bytes
    summaries: tuple[SeriesSummary, ...]  # of today's lines


def shifted(request: MetricDataRequest, seconds: int) -> MetricDataRequest:
    """The same ListMetricData request for the window `seconds` earlier."""
    return request.model_copy(update={"start": request.start - seconds, "end": request.end - seconds})


async def draw_compared(sw: CoalescingServiceWatch, plan: ChartPlan) -> ComparedChart:
    """Today's window and the same window 1 and 7 days earlier, asked of ListMetricData at once and drawn in one
    chart. An earlier window that fails or holds nothing is left out (the footnote says which); today's failing
    raises its ServiceWatchError, and today's holding nothing NoDataError."""
    today_request = plan.data_request
    requests = [today_request, *(shifted(today_request, seconds) for seconds in EARLIER)]
    today, *earlier = await asyncio.gather(*(sw.data(r, ttl=plan.period) for r in requests), return_exceptions=True)
    if isinstance(today, BaseException):
        raise today
    if not any(series.values for series in today):
        raise no_data(plan)
    colours = [line.color or DEFAULT_COLOURS[i % len(DEFAULT_COLOURS)] for i, line in enumerate(plan.lines)]
    lines = _lines(plan, today, colours)
    notes = []
    for seconds, answer in zip(EARLIER, earlier, strict=True):
        if isinstance(answer, ServiceWatchError):
            log.warning("ListMetricData %s failed (%s); compared without it", _when(seconds), _short(answer))
            notes.append(_("{when}: unavailable").format(when=_when(seconds)))
        elif isinstance(answer, BaseException):
            raise answer  # not ServiceWatch's failure but ours (or a cancellation): not hidden in a footnote
        elif not any(series.values for series in answer):
            notes.append(_("{when}: no data").format(when=_when(seconds)))
        else:
            lines += _lines(plan, answer, colours, earlier_by=seconds)
    footnote = _("Drawn by the bot from ListMetricData: compared with the same window yesterday and a week ago")
    if notes:
        footnote += " (" + "; ".join(notes) + ")"
    png = await asyncio.to_thread(draw_plan, plan, lines, footnote)
    return ComparedChart(png=png, summaries=summarize(plan, today))


def _lines(
    plan: ChartPlan, series: Sequence[MetricDataSeries], colours: Sequence[str], *, earlier_by: int = 0
) -> list[PlotSeries]:
    """One line per chart line, matched to ListMetricData's series by position; an earlier window's moved forward
    by `earlier_by` seconds onto today's axis, faint, in the colour of its today's line."""
    drawn = []
    for i, line in enumerate(plan.lines):
        points = series[i].values if i < len(series) else ()
        if not earlier_by:
            drawn.append(PlotSeries(label=line.display_name, points=points, color=colours[i]))
            continue
        label = (_("{label} (yesterday)") if earlier_by == DAY else _("{label} (a week ago)")).format(
            label=line.display_name
        )
        moved = [(t + earlier_by, v) for t, v in points]
        drawn.append(PlotSeries(label=label, points=moved, color=colours[i], faint=True))
    return drawn


def _when(seconds: int) -> str:
    return _("yesterday") if seconds == DAY else _("a week ago")


def _short(error: ServiceWatchError) -> str:
    return str(error.status_code) if isinstance(error, APIStatusError) else type(error).__name__


def draw_plan(plan: ChartPlan, lines: Sequence[PlotSeries], footnote: str) -> bytes:
    """A chart of `plan` drawn here (not by ServiceWatch): its lines, titled as ServiceWatch would title it."""
    return to_png(
        draw_line_chart(
            lines,
            title=plan.request.title or plan.title,  # as ServiceWatch would have titled it (sandbox mark included)
            start=int(plan.start.timestamp()),
            end=int(plan.end.timestamp()),
            timezone=plan.timezone,
            width=plan.width,
            height=plan.height,
            unit=plan.unit,
            footnote=footnote,
        )
    )
