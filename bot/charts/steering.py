"""Charts steered from their buttons: what a posted chart shows (its view), what each control changes, and the
view written into a button's value and read back from one (a value arrives from Slack, but is input like a typed
line: it is checked, never run blindly)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.charts.plan import MAX_POINTS, ChartPlan
from bot.durations import format_duration
from bot.errors import UserError
from bot.i18n import _
from bot.language.parse import chart_without_window, parse_chart
from bot.language.spec import ChartSpec
from bot.language.timerange import RETENTION_SECONDS, Ago, Instant, Window
from bot.markup import as_written
from bot.servicewatch.models import STATISTIC_TYPES

PRESETS = {"1h": 3600, "6h": 6 * 3600, "24h": 86400, "7d": 7 * 86400}
CONTROLS = ("refresh", *PRESETS, "earlier", "later", "compare")
STEERABLE_STATS = ("AVG", "MAX", "MIN", "SUM")
VALUE_LIMIT = 2000  # Slack's limit on a button's value
VERSION = 1
_SHORTEST, _LONGEST = 60, RETENTION_SECONDS
_NOW_SLACK = 60  # a window ending this close to now ends now (a later ▶ that reaches now follows the clock again)


class UnreadableButton(UserError):
    """A button value the bot did not write (edited by hand, or from a version it no longer reads)."""


@dataclass(frozen=True)
class ChartView:
    """What a posted chart shows: the chart as typed (a saved chart's name or metrics and options), its window
    (`span` seconds ending at `end`, Unix seconds, or now), statistic and timezone; who asked for it; whether it
    compares with earlier days; and the digest of the request drawn (an unchanged ↻ is not drawn again)."""

    chart: str
    span: int
    end: int | None
    stat: str
    zone: str
    by: str = ""
    compare: bool = False
    digest: str = ""

    def window(self) -> Window:
        """The window this view draws, said as people read it."""
        if self.end is None:
            return Window(Ago(self.span), None, _("last {span}").format(span=format_duration(self.span)))
        end = datetime.fromtimestamp(self.end, UTC)
        start = datetime.fromtimestamp(self.end - self.span, UTC)
        text = _("{span} until {end}").format(
            span=format_duration(self.span), end=end.astimezone(ZoneInfo(self.zone)).strftime("%m-%d %H:%M")
        )
        return Window(Instant(start), Instant(end), text)

    def change(self) -> str:
        """What the chart shows now, in a few words: `6h · MAX`, `24h until 11-27 09:00 · AVG · compared`."""
        window = format_duration(self.span) if self.end is None else self.window().text
        parts = [window, self.stat]
        if self.compare:
            parts.append(_("compared with yesterday and a week ago"))
        return " · ".join(parts)


def control_labels() -> dict[str, str]:
    """Each control's label, in the current language (Slack's buttons, the console's numbered choices)."""
    return {
        "refresh": _("↻ Refresh"),
        **{preset: preset for preset in PRESETS},
        "earlier": _("◀ Earlier"),
        "later": _("Later ▶"),
        "compare": _("Compare"),
    }


def view_of(plan: ChartPlan, *, chart: str, by: str, now: datetime, compare: bool = False) -> ChartView:
    """The view of a chart drawn from `plan` for the line `chart` at `now`."""
    span = max(_SHORTEST, round((plan.end - plan.start).total_seconds()))
    ends_now = abs((now - plan.end).total_seconds()) < _NOW_SLACK
    return ChartView(
        chart=chart,
        span=span,
        end=None if ends_now else int(plan.end.timestamp()),
        stat=plan.stat,
        zone=plan.timezone,
        by=by,
        compare=compare,
        digest=plan.digest[:16],
    )


def steer(view: ChartView, control: str, *, now: datetime) -> ChartView:
    """The view after `control` (one of CONTROLS, or `stat:MAX`); UserError when it cannot go that way."""
    if control == "refresh":
        return replace(view, end=None)
    if control in PRESETS:
        return replace(view, span=PRESETS[control], end=None)
    if control == "compare":
        return replace(view, compare=not view.compare)
    now_ts = int(now.timestamp())
    if control == "earlier":
        end = (view.end if view.end is not None else now_ts) - view.span
        if now_ts - (end - view.span) > RETENTION_SECONDS:
            raise UserError(_("ServiceWatch keeps 15 months of data; this chart cannot go further back."))
        return replace(view, end=end)
    if control == "later":
        if view.end is None:
            raise UserError(_("This chart already ends now; ↻ draws it again with the newest data."))
        end = view.end + view.span
        return replace(view, end=None if end >= now_ts - _NOW_SLACK else end)
    stat = control.removeprefix("stat:")
    if control.startswith("stat:") and stat in STATISTIC_TYPES:
        return replace(view, stat=stat)
    raise UnreadableButton(_("The bot does not know the control “{control}”.").format(control=control[:40]))


def form_line(view: ChartView) -> str:
    """The line a save… or schedule… form starts from: the chart as typed, with the window and statistic shown."""
    return f"{chart_without_window(view.chart)} last {format_duration(view.span)} stat {view.stat.lower()}"


def spec_for(view: ChartView, *, command: str = "/chart") -> ChartSpec:
    """The chart spec a view draws: its chart as typed (checked as a typed line is), with the view's window,
    statistic and timezone; never into a thread or as a dry run (a redraw replaces the chart where it is). A period
    typed with the chart is kept while it still draws the window in at most MAX_POINTS points."""
    spec = parse_chart(view.chart, command=command)
    period = spec.period if spec.period and view.span / spec.period <= MAX_POINTS else None
    return replace(spec, window=view.window(), stat=view.stat, tz=view.zone, period=period, thread=None, dry_run=False)


def encode_view(view: ChartView) -> str | None:
    """The view as a button's value, or None when it does not fit in VALUE_LIMIT characters."""
    value = json.dumps(
        {
            "v": VERSION,
            "c": view.chart,
            "s": view.span,
            "e": view.end,
            "t": view.stat,
            "z": view.zone,
            "b": view.by,
            "k": int(view.compare),
            "d": view.digest,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return value if len(value) <= VALUE_LIMIT else None


def decode_view(value: object) -> ChartView:
    """The view a button's value carries, checked field by field; UnreadableButton when it is not one the bot
    wrote. The chart itself is checked when it is drawn (`spec_for`), as a typed line is."""
    if not isinstance(value, str) or not value or len(value) > VALUE_LIMIT:
        raise _unreadable()
    try:
        data = json.loads(value)
    except ValueError:
        raise _unreadable() from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise _unreadable()
    chart, span, end, stat = data.get("c"), data.get("s"), data.get("e"), data.get("t")
    zone, by, compare, digest = data.get("z"), data.get("b", ""), data.get("k", 0), data.get("d", "")
    checks = (
        isinstance(chart, str) and len(chart.strip()) > 0 and len(chart) <= VALUE_LIMIT,
        _within(span, _SHORTEST, _LONGEST),
        end is None or _within(end, 946684800, 4102444800),  # 2000–2100
        stat in STATISTIC_TYPES,
        isinstance(zone, str) and _zone(zone),
        isinstance(by, str) and len(by) <= 300,
        compare in (0, 1),
        isinstance(digest, str) and len(digest) <= 64 and all(c in "0123456789abcdef" for c in digest),
    )
    if not all(checks):
        raise _unreadable()
    return ChartView(chart, span, end, stat, zone, as_written(by), bool(compare), digest)  # type: ignore[arg-type]


def _within(number: object, least: int, most: int) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and least <= number <= most


def _zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _unreadable() -> UnreadableButton:
    return UnreadableButton(
        _("This chart's buttons carry something the bot cannot read, so nothing was drawn. Ask for the chart again.")
    )
