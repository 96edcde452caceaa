"""From a spec to the exact request: window resolved against `now`, period chosen, body for the API version."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.charts.resolve import ChartLine, resolve_lines
from bot.charts.titles import image_title, statistic_name, title_limit
from bot.durations import format_duration
from bot.errors import ChartQuestion, UserError
from bot.i18n import _
from bot.language.parse import usage_on_error
from bot.language.spec import ChartSpec, ThreadRef, read_as
from bot.language.timerange import Window, WindowError, resolve_window, trailing
from bot.servicewatch.catalog import Catalog
from bot.servicewatch.endpoints import DEFAULT_API_VERSION
from bot.servicewatch.models import (
    STATISTIC_TYPES,
    Dimension,
    ImageRequest,
    MetricDataRequest,
    SizeLimits,
    image_model,
)

SANDBOX_TITLE_MARK = "[Sandbox data]"  # in English: what `sandbox_mark()` says (tests look for it)
PERIOD_CHOICES = (60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400)
TARGET_POINTS = 300
MAX_POINTS = 1500


@dataclass(frozen=True)
class ChartDefaults:
    """What a chart uses when its request does not say (from settings)."""

    window: timedelta = timedelta(hours=3)
    width: int = 1400
    height: int = 500
    limits: SizeLimits = field(default_factory=SizeLimits)
    api_version: str = DEFAULT_API_VERSION
    command: str = "/chart"
    sandbox: bool = False  # synthetic data from the sandbox: every chart says so

    def default_window(self) -> Window:
        return trailing(self.window)


@dataclass(frozen=True)
class ChartPlan:
    """Everything about one chart before any call: what to draw, when, how, and the exact request."""

    lines: tuple[ChartLine, ...]
    window_text: str
    start: datetime  # as asked, in the chart's timezone
    end: datetime
    period: int
    period_auto: bool
    stat: str
    stat_auto: bool
    timezone: str
    title: str
    width: int
    height: int
    thread: ThreadRef | None
    request: ImageRequest
    sandbox: bool = False
    notes: tuple[str, ...] = ()  # how the line's typos were read: `read “lats” as “last”`

    @property
    def data_request(self) -> MetricDataRequest:
        return MetricDataRequest.for_chart(self.request)

    @property
    def digest(self) -> str:
        """A hex digest of the exact request body: the same for the same request, else (almost surely) not."""
        body = json.dumps(self.request.wire_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()

    @property
    def unit(self) -> str:
        units = {line.metric.unit for line in self.lines}
        return units.pop() if len(units) == 1 else ""


def sandbox_mark() -> str:
    """What starts the title of every chart drawn from the sandbox's data, in the current language."""
    return _("[Sandbox data]")


def choose_period(span_seconds: float, shortest: int = 60) -> int:
    """The shortest standard period that draws the window in at most ~300 points, never under `shortest`."""
    for period in PERIOD_CHOICES:
        if period >= shortest and span_seconds / period <= TARGET_POINTS:
            return period
    return max(PERIOD_CHOICES[-1], shortest)


def aligned(start: datetime, end: datetime, period: int) -> tuple[int, int]:
    """The window in Unix seconds, widened to whole periods, so the same ask within one period is the same body."""
    first = math.floor(start.timestamp() / period) * period
    last = math.ceil(end.timestamp() / period) * period
    return first, max(last, first + period)


def plan_chart(
    spec: ChartSpec,
    catalog: Catalog,
    *,
    now: datetime,
    timezone: str,
    defaults: ChartDefaults,
    title: str | None = None,
) -> ChartPlan:
    """Resolve `spec` against the catalog and the clock into a plan with its exact request; ChartUsageError
    (naming the word, with a did-you-mean and the usage line) when it cannot."""
    with usage_on_error(defaults.command):
        try:
            return _plan(spec, catalog, now=now, timezone=timezone, defaults=defaults, title=title)
        except ChartQuestion:
            raise
        except UserError as refused:
            if not spec.unsure:
                raise
            raise _which_word(*spec.unsure[0], refused) from refused


def _which_word(typed: str, words: tuple[str, ...], refused: UserError) -> ChartQuestion:
    """A chart that cannot be drawn, with a typo as near to several words: which word was meant is the question."""
    return ChartQuestion(
        _("“{typed}” is as near to {words}; read as typed, no chart: {refused} Which did you mean?").format(
            typed=typed, words=" / ".join(f"“{word}”" for word in words), refused=str(refused).split("\n")[0]
        ),
        typed,
        tuple((word, word) for word in words),
    )


def _plan(
    spec: ChartSpec, catalog: Catalog, *, now: datetime, timezone: str, defaults: ChartDefaults, title: str | None
) -> ChartPlan:
    lines = resolve_lines(spec.metrics, catalog)
    zone_name = spec.tz or timezone
    zone = ZoneInfo(zone_name)
    window = spec.window or defaults.default_window()
    try:
        start, end = resolve_window(window, now, zone)
    except WindowError as exc:
        raise UserError(str(exc)) from None
    span = (end - start).total_seconds()
    shortest = max([line.metric.collection_interval or 60 for line in lines] + [60])
    period = spec.period or choose_period(span, shortest)
    if span / period > MAX_POINTS:
        better = format_duration(choose_period(span, shortest))
        raise UserError(
            f"`period {format_duration(period)}` over {window.text} would draw {math.ceil(span / period):,} points per "
            f"line; use `period {better}` or longer, or leave period out to have it chosen."
        )
    recommended = [s for s in lines[0].metric.recommended_stats if s in STATISTIC_TYPES]
    if spec.unsupported_stat:
        raise UserError(
            _(
                "“{word}” is not a statistic ServiceWatch draws. {metric} recommends {recommended}; any chart may "
                "also ask for {every}."
            ).format(
                word=spec.unsupported_stat,
                metric=lines[0].metric.name,
                recommended=", ".join(recommended or STATISTIC_TYPES),
                every=", ".join(STATISTIC_TYPES),
            )
        )
    stat = spec.stat or (recommended[0] if recommended else "AVG")
    width, height = spec.size or (defaults.width, defaults.height)
    limits = defaults.limits
    if not (limits.min_width <= width <= limits.max_width and limits.min_height <= height <= limits.max_height):
        raise UserError(
            f"`size {width}x{height}` is outside what ServiceWatch draws: width {limits.min_width}–{limits.max_width},"
            f" height {limits.min_height}–{limits.max_height} pixels."
        )
    chart_title = spec.title or title or _default_title(lines)
    first, last = aligned(start, end, period)
    model = image_model(defaults.api_version)
    request = model.model_validate(
        {
            "start": first,
            "end": last,
            "period": period,
            "statistic_type": stat,
            "width": width,
            "height": height,
            "timezone": zone_name,
            "title": image_title(
                spec.title or title or _metric_names(lines),
                [line.resource for line in lines],
                window.text,
                start,
                end,
                statistic_name(stat),
                mark=sandbox_mark() if defaults.sandbox else "",
                limit=title_limit(width),
            ),
            "metrics": [_item(line, period, stat, defaults.api_version) for line in lines],
        },
        context={"size_limits": limits},
    )
    return ChartPlan(
        lines=lines,
        window_text=window.text,
        start=start,
        end=end,
        period=period,
        period_auto=spec.period is None,
        stat=stat,
        stat_auto=spec.stat is None,
        timezone=zone_name,
        title=chart_title,
        width=width,
        height=height,
        thread=spec.thread,
        request=request,
        sandbox=defaults.sandbox,
        notes=tuple(
            dict.fromkeys((*(read_as(*note) for note in spec.notes), *(line.read_as for line in lines if line.read_as)))
        ),
    )


def _item(line: ChartLine, period: int, stat: str, version: str) -> dict[str, object]:
    dimensions = [Dimension(key=d.key, value=d.value).model_dump() for d in line.dimensions]
    item: dict[str, object] = {
        "namespace_name": line.metric.namespace,
        "name": line.metric.name,
        "dimensions": dimensions,
        "display_name": line.display_name,
        "period": period,
        "statistic_type": stat,
    }
    if line.color:
        item["color"] = line.color
    if version == "1.0":
        item["individual_items"] = dimensions
    return item


def _metric_names(lines: tuple[ChartLine, ...]) -> str:
    names = list(dict.fromkeys(line.metric.name for line in lines))
    return " · ".join(names[:3]) + (" …" if len(names) > 3 else "")


def _default_title(lines: tuple[ChartLine, ...]) -> str:
    names = list(dict.fromkeys(line.metric.name for line in lines))
    if len(names) == 1:
        resources = list(dict.fromkeys(line.resource for line in lines))
        suffix = f" · {resources[0]}" if len(resources) == 1 else ""
        return f"{names[0]}{suffix}"
    return " · ".join(names[:3]) + (" …" if len(names) > 3 else "")
