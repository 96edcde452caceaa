"""One entry point from a chart spec to a chart ready to post: image, words, and the numbers behind it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot.charts.compare import draw_compared, draw_plan
from bot.charts.plan import ChartDefaults, ChartPlan, plan_chart
from bot.charts.steering import ChartView, view_of
from bot.charts.summary import NoDataError as NoDataError  # re-exported: where it was first defined
from bot.charts.summary import SeriesSummary, alt_text, comment_line, file_name, no_data, sandbox_note, summarize
from bot.drawing.render import PlotSeries
from bot.errors import UserError
from bot.i18n import _
from bot.language.spec import ChartSpec
from bot.servicewatch.catalog import Catalog
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.servicewatch.errors import (
    AnswerTooLargeError,
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BrokenImageError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServiceWatchError,
    format_size,
)
from bot.servicewatch.images import ChartImage
from bot.servicewatch.models import AlertDetail, MetricDataSeries

log = logging.getLogger(__name__)
THRESHOLD_COLOUR = "#e0301e"  # an alert's threshold across the bot's own drawing


@dataclass(frozen=True)
class Threshold:
    """A flat line drawn across a chart: an alert's threshold (`> 80%`) or one of its range's bounds."""

    label: str
    value: float


class ImageLater:
    """A chart's ServiceWatch image still on its way when its numbers came (`render(early=True)`): its message can be
    posted with the numbers first. Finishing waits for the image; if the call fails, the bot draws the chart itself
    from the numbers it has, and says so in the chart's words (a refusal of the request itself is raised, as a
    render raises it)."""

    def __init__(
        self,
        task: asyncio.Task[ChartImage],
        series: tuple[MetricDataSeries, ...],
        asked_by: str,
        thresholds: tuple[Threshold, ...],
    ) -> None:
        self._task, self._series, self._asked_by, self._thresholds = task, series, asked_by, thresholds
        self.fell_back = False  # True once finishing had the bot draw the chart (ServiceWatch's image failed)
        task.add_done_callback(_retrieved)

    async def finish(self, chart: RenderedChart) -> RenderedChart:
        try:
            image = await self._task
        except ServiceWatchError as exc:
            if not _is_server_side(exc):  # the request's or the keys' fault: said, as before (the message stays)
                raise _user_facing(exc) from exc
            reason = _("ServiceWatch's chart image failed ({error}).").format(error=_short(exc))
            log.warning("image call failed (%s) after the numbers came; drawing the chart from them", _short(exc))
            png = await asyncio.to_thread(_draw_locally, chart.plan, self._series, self._thresholds)
            self.fell_back = True
            comment = comment_line(chart.plan, asked_by=self._asked_by, fallback_reason=reason)
            return replace(chart, image=png, comment=comment, fallback=True, later=None)
        return replace(chart, image=image.data, later=None)


@dataclass(frozen=True)
class RenderedChart:
    """A chart ready to post: what to upload and the words that go with it. One drawn with `early` may still wait
    for its image (`later`): `await chart.finished()` before its image is used."""

    image: bytes
    filename: str
    title: str
    comment: str
    alt_text: str
    summaries: tuple[SeriesSummary, ...]
    plan: ChartPlan
    fallback: bool = False
    view: ChartView | None = None  # what its buttons steer (None: a chart without buttons)
    series: tuple[MetricDataSeries, ...] = ()  # the numbers it was drawn from, a series a line (none: unavailable)
    thresholds: tuple[Threshold, ...] = ()  # flat lines across it (an alert's threshold)
    link: str = ""  # its link on the bot's own host, once its post has one (bot/slack/links.py)
    later: ImageLater | None = field(default=None, compare=False, repr=False)  # its image, still on its way

    async def finished(self) -> RenderedChart:
        """This chart with its image (itself when it has it already)."""
        return self if self.later is None else await self.later.finish(self)

    @property
    def drawn_by_bot(self) -> bool:
        """Whether the bot drew it (ServiceWatch's image failed), as far as is known now: an early chart's image is
        known once it was finished."""
        return self.fallback or (self.later is not None and self.later.fell_back)


class ChartService:
    """Turns specs into rendered charts, through the coalesced ServiceWatch calls and a local fallback."""

    def __init__(
        self,
        servicewatch: CoalescingServiceWatch,
        defaults: ChartDefaults,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sw = servicewatch
        self.defaults = defaults
        self._clock = clock

    async def catalog(self) -> Catalog:
        return await self._sw.client.catalog()

    async def show_alert(self, alert_id: str) -> AlertDetail:
        """The alert policy and its state now (ShowAlert), with this service's keys."""
        return await self._sw.client.show_alert(alert_id)

    async def catalog_within(self, seconds: float) -> Catalog | None:
        """The catalog at once when one is held (however old), else within `seconds`, else None."""
        return await self._sw.client.catalog_within(seconds)

    async def plan(
        self, spec: ChartSpec, *, timezone: str, now: datetime | None = None, title: str | None = None
    ) -> ChartPlan:
        """Resolve a spec against the catalog and the clock (one cached catalog call, nothing billed per metric)."""
        try:
            catalog = await self.catalog()
        except ServiceWatchError as exc:
            raise _user_facing(exc) from exc
        return plan_chart(
            spec, catalog, now=now or self._clock(), timezone=timezone, defaults=self.defaults, title=title
        )

    async def render(
        self,
        spec: ChartSpec,
        *,
        timezone: str,
        asked_by: str = "",
        now: datetime | None = None,
        title: str | None = None,
        steered_as: str | None = None,
        compare: bool = False,
        thresholds: tuple[Threshold, ...] = (),
        early: bool = False,
    ) -> RenderedChart:
        """The chart for `spec`: ServiceWatch's image, or one drawn here from the numbers when the image call
        fails on ServiceWatch's side; NoDataError when the window holds nothing; UserError for what people can fix.
        With `early`, a chart whose numbers come before its image is returned at once, its image to follow (`later`).
        With `steered_as` (the chart as typed) it carries the view its buttons steer; `compare` draws it here from
        the numbers, beside the same window yesterday and a week ago. `thresholds` are drawn across it (an alert's),
        by the bot's own drawing and by Slack's clients; ServiceWatch's image has no way to show them."""
        now = now or self._clock()
        plan = await self.plan(spec, timezone=timezone, now=now, title=title)
        view = (
            view_of(plan, chart=steered_as, by=asked_by, now=now, compare=compare) if steered_as is not None else None
        )
        if compare:
            return await self._compared(plan, asked_by, view)
        started = time.monotonic()
        ttl = plan.period  # the same ask within one period is the same chart
        image_task = asyncio.create_task(self._sw.image(plan.request, ttl=ttl))
        handed_over = False  # the image task is the early chart's to finish
        try:
            try:
                series = await self._sw.data(plan.data_request, ttl=ttl)
            except ServiceWatchError as exc:
                series = None
                data_error: ServiceWatchError | None = exc
            else:
                data_error = None
            if series is not None and not any(s.values for s in series):
                raise no_data(plan)
            if early and series is not None and not image_task.done():
                later = ImageLater(image_task, tuple(series), asked_by, thresholds)
                handed_over = True
                return self._numbers_only(plan, tuple(series), asked_by, view, thresholds, later)
            try:
                image: ChartImage | None = await image_task
                image_error: ServiceWatchError | None = None
            except ServiceWatchError as exc:
                image, image_error = None, exc
        finally:
            # Leaving without the image (no data, or this render cancelled: a shutdown, a superseded request): stop
            # waiting for it, which stops the image call unless an identical request still waits on it.
            if not handed_over:
                await _stop_waiting(image_task)
        summaries = summarize(plan, series or ())
        fallback_reason = ""
        if image is None:
            assert image_error is not None
            if series is None or not _is_server_side(image_error):
                raise _user_facing(image_error) from image_error
            fallback_reason = _("ServiceWatch's chart image failed ({error}).").format(error=_short(image_error))
            log.warning("image call failed (%s); drawing the chart from ListMetricData", _short(image_error))
            png = await asyncio.to_thread(_draw_locally, plan, series, thresholds)
        else:
            png = image.data
        if data_error is not None:
            log.warning("ListMetricData failed (%s); posting the chart without numbers", _short(data_error))
        log.debug(
            "chart %r rendered in %.0f ms%s",
            plan.title,
            (time.monotonic() - started) * 1000,
            " (fallback)" if fallback_reason else "",
        )
        return RenderedChart(
            image=png,
            filename=file_name(plan),
            title=plan.title,
            comment=comment_line(
                plan,
                asked_by=asked_by,
                fallback_reason=fallback_reason,
                # too much to read is the asker's to change (a shorter window); other failures are ServiceWatch's
                numbers_left_out=str(data_error) if isinstance(data_error, AnswerTooLargeError) else "",
            ),
            alt_text=alt_text(plan, summaries) if series is not None else _alt_without_numbers(plan),
            summaries=summaries if series is not None else (),
            plan=plan,
            fallback=bool(fallback_reason),
            view=view,
            series=tuple(series or ()),
            thresholds=thresholds,
        )

    def _numbers_only(
        self,
        plan: ChartPlan,
        series: tuple[MetricDataSeries, ...],
        asked_by: str,
        view: ChartView | None,
        thresholds: tuple[Threshold, ...],
        later: ImageLater,
    ) -> RenderedChart:
        """The chart as its numbers make it, its image to follow."""
        summaries = summarize(plan, series)
        return RenderedChart(
            image=b"",
            filename=file_name(plan),
            title=plan.title,
            comment=comment_line(plan, asked_by=asked_by),
            alt_text=alt_text(plan, summaries),
            summaries=summaries,
            plan=plan,
            view=view,
            series=series,
            thresholds=thresholds,
            later=later,
        )

    async def _compared(self, plan: ChartPlan, asked_by: str, view: ChartView | None) -> RenderedChart:
        """The chart drawn here from ListMetricData beside the same window yesterday and a week ago (ServiceWatch's
        image call cannot shift time)."""
        try:
            compared = await draw_compared(self._sw, plan)
        except ServiceWatchError as exc:
            raise _user_facing(exc) from exc
        return RenderedChart(
            image=compared.png,
            filename=file_name(plan, compared=True),
            title=plan.title,
            comment=comment_line(plan, asked_by=asked_by, compared=True),
            alt_text=alt_text(plan, compared.summaries),
            summaries=compared.summaries,
            plan=plan,
            view=view,
        )


async def _stop_waiting(task: asyncio.Task[ChartImage]) -> None:
    """Cancel `task` unless it has ended, and wait until it has; how it ended is nobody's to report any more."""
    if not task.done():
        task.cancel()
        await asyncio.wait([task])
    if not task.cancelled():
        task.exception()  # retrieved, so an image call that failed after no data was found is not logged as lost


def _retrieved(task: asyncio.Task[ChartImage]) -> None:
    """How an image call ended is read, so one nobody waited for (its request failed first) is not logged as lost."""
    if not task.cancelled():
        task.exception()


def _draw_locally(
    plan: ChartPlan, series: tuple[MetricDataSeries, ...], thresholds: tuple[Threshold, ...] = ()
) -> bytes:
    lines = [
        PlotSeries(label=line.display_name, points=series[i].values if i < len(series) else (), color=line.color)
        for i, line in enumerate(plan.lines)
    ]
    start, end = int(plan.start.timestamp()), int(plan.end.timestamp())
    lines += [
        PlotSeries(
            label=mark.label, points=((start, mark.value), (end, mark.value)), color=THRESHOLD_COLOUR, faint=True
        )
        for mark in thresholds
    ]
    return draw_plan(plan, lines, _("Drawn by the bot from ListMetricData (ServiceWatch's image was unavailable)"))


def _alt_without_numbers(plan: ChartPlan) -> str:
    metrics = ", ".join(dict.fromkeys(line.metric.reference for line in plan.lines))
    text = _("Chart of {metrics}, {window}; the numbers were unavailable.").format(
        metrics=metrics, window=plan.window_text
    )
    return (f"{sandbox_note()} {text}" if plan.sandbox else text)[:1000]


def _is_server_side(error: ServiceWatchError) -> bool:
    """Failures a locally drawn chart can stand in for: ServiceWatch broke, not the request or the keys."""
    if isinstance(error, BadRequestError | AuthenticationError | PermissionDeniedError | NotFoundError):
        return False
    return isinstance(error, APIStatusError | APIConnectionError | InvalidResponseError)


def _short(error: ServiceWatchError) -> str:
    if isinstance(error, AnswerTooLargeError):
        return _("larger than {limit}").format(limit=format_size(error.limit))
    if isinstance(error, BrokenImageError):
        return _("not a whole chart image")
    if isinstance(error, APIStatusError):
        return f"{error.status_code}" + (f": {error.detail}" if error.detail else "")
    return type(error).__name__


def _user_facing(error: ServiceWatchError) -> Exception:
    """What people can act on (their request, the keys, permissions) becomes a UserError; the rest stays as is."""
    if isinstance(error, BadRequestError | AuthenticationError | PermissionDeniedError | NotFoundError):
        return UserError(str(error))
    return error
