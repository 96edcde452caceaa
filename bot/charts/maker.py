"""The one road from chart words to a chart: "these words, in this channel, for this person, at this time" becomes a
planned and rendered chart. Typed lines, mentions, the form, buttons, schedules, follows and alerts all come here;
none of them goes back to the grammar or to the chat actions to draw."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.charts.plan import ChartPlan
from bot.charts.service import ChartService, NoDataError, RenderedChart
from bot.charts.steering import ChartView, spec_for
from bot.errors import UserError
from bot.i18n import _
from bot.language.parse import parse_chart
from bot.language.spec import ChartSpec
from bot.language.timerange import Window


class SavedChart(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def text(self) -> str:
        """The chart's words, as typed when it was saved."""
        ...


class SavedLookup(Protocol):
    """A channel's saved charts by name (`bot.store.SavedCharts`)."""

    async def get(self, channel_id: str, name: str) -> SavedChart | None: ...


class ChartAccounts(Protocol):
    """Which ServiceWatch (SCP account) draws a chart of a channel (`bot.accounts.AccountChooser`)."""

    async def charts_for(self, workspace: str, channel_id: str, named: str | None) -> ChartService: ...


class OneAccount:
    """Every chart drawn by one ServiceWatch: a line naming an account is told there is none to choose."""

    def __init__(self, charts: ChartService) -> None:
        self._charts = charts

    async def charts_for(self, workspace: str, channel_id: str, named: str | None) -> ChartService:
        if named is not None:
            raise UserError(
                _("There is no SCP account `{name}`: this bot draws every chart with one ServiceWatch.").format(
                    name=named
                )
            )
        return self._charts


@dataclass(frozen=True)
class ChartOrder:
    """One chart asked for: what the words said (read once, by the reader), where, for whom, and when."""

    spec: ChartSpec
    workspace: str
    channel_id: str  # the channel whose saved charts and account apply
    timezone: str | None = None  # the asker's (or the schedule's); the line's `tz` wins, then the bot's default
    asked_by: str = ""  # how the comment line names who asked (`<@U1>`, `@kim`, "U1's schedule #3 (…)")
    at: datetime | None = None  # the time the chart is drawn for (None: now)
    typed: str | None = None  # the chart's words as typed: set when the chart carries the controls that steer it
    title: str | None = None  # a title when no saved chart names it (a schedule's label)
    window: Window | None = None  # the window when the words name none (a schedule's: the time between runs)


@dataclass(frozen=True)
class Expanded:
    """An order with its saved chart (if its first word names one) spread out, and the ServiceWatch to draw it."""

    spec: ChartSpec
    title: str | None
    timezone: str
    charts: ChartService


class ChartMaker:
    """Plans and renders the charts of every surface: saved-chart expansion, the account, the default window, the
    timezone, then `ChartService` (planning, coalesced ServiceWatch calls, rendering)."""

    def __init__(
        self,
        accounts: ChartAccounts,
        saved: SavedLookup,
        *,
        default_timezone: str,
        command: str = "/chart",
    ) -> None:
        self._accounts = accounts
        self.command = command
        self._saved = saved
        self.default_timezone = default_timezone

    async def charts_in(self, workspace: str, channel_id: str, account: str | None = None) -> ChartService:
        """The ServiceWatch that draws charts of `channel_id` naming `account` (None: the channel's or the
        workspace's); a UserError for an account that is not there."""
        return await self._accounts.charts_for(workspace, channel_id, account)

    async def expand(self, order: ChartOrder) -> Expanded:
        """The order as it will be drawn: a saved chart's name replaced by its chart (this order's words on top), the
        default window filled in, the timezone and the account chosen. Nothing is called but the database."""
        spec, title = await self._with_saved(order.spec, order.channel_id)
        if spec.window is None and order.window is not None:
            spec = dataclasses.replace(spec, window=order.window)
        zone = spec.tz or order.timezone or self.default_timezone
        charts = await self.charts_in(order.workspace, order.channel_id, spec.account)
        return Expanded(spec, title or order.title, zone, charts)

    async def plan(self, order: ChartOrder) -> ChartPlan:
        """The exact request the order makes (checked against the catalog), without drawing it."""
        ready = await self.expand(order)
        return await ready.charts.plan(ready.spec, timezone=ready.timezone, now=order.at, title=ready.title)

    async def make(self, order: ChartOrder) -> RenderedChart:
        """The chart of the order, ready to post (`NoDataError` when its window holds nothing)."""
        return await self.draw(await self.expand(order), order)

    async def draw(self, ready: Expanded, order: ChartOrder, *, early: bool = False) -> RenderedChart:
        """The chart of an order already expanded (a caller that checked the expansion first, e.g. a thread link).
        With `early` (someone waits for it) it comes as soon as its numbers do, its image may still be on its way
        (`await chart.finished()` for it); scheduled runs wait for the whole chart, so a run posts or fails whole."""
        return await ready.charts.render(
            ready.spec,
            timezone=ready.timezone,
            asked_by=order.asked_by,
            now=order.at,
            title=ready.title,
            steered_as=order.typed,
            compare=ready.spec.compare,
            early=early,
        )

    async def redraw(self, view: ChartView, workspace: str, channel_id: str) -> RenderedChart:
        """The chart a posted chart's controls asked for (`view`, steered), drawn again in the channel it was posted
        in; a UserError that says so when it no longer resolves (its metric gone, its saved chart forgotten)."""
        try:
            order = ChartOrder(
                spec_for(view, command=self.command), workspace, channel_id, asked_by=view.by, typed=view.chart
            )
            ready = await self.expand(order)  # its spec carries the view's timezone
            return await ready.charts.render(
                ready.spec,
                timezone=ready.timezone,
                asked_by=view.by,
                title=ready.title,
                steered_as=view.chart,
                compare=view.compare,
            )
        except NoDataError:
            raise
        except UserError as exc:
            raise UserError(
                _("This chart cannot be drawn again: {reason}").format(reason=str(exc).split("\nUsage:")[0])
            ) from exc

    async def _with_saved(self, spec: ChartSpec, channel_id: str) -> tuple[ChartSpec, str | None]:
        """A spec whose first metric is a saved chart's name, run as that chart with this spec's overrides. The saved
        chart's words are stored as typed, so they are read here, once for each chart drawn from them."""
        first = spec.metrics[0]
        if first.namespace or first.dimensions or first.color or first.label:
            return spec, None
        saved = await self._saved.get(channel_id, first.name.lower())
        if saved is None:
            return spec, None
        overrides = dataclasses.replace(spec, metrics=spec.metrics[1:])
        return overrides.over(parse_chart(saved.text, command=self.command)), saved.name
