"""A chart beside the same window yesterday and a week ago, drawn here from ListMetricData (placeholder: being
written)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.charts.plan import ChartPlan
from bot.charts.summary import SeriesSummary
from bot.servicewatch.coalesce import CoalescingServiceWatch


@dataclass(frozen=True)
class ComparedChart:
    png: bytes
    summaries: tuple[SeriesSummary, ...]


async def draw_compared(sw: CoalescingServiceWatch, plan: ChartPlan) -> ComparedChart:
    raise NotImplementedError("compare is being written")
