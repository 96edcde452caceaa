"""What is known of each watched alert between polls: its last answer, and the SCP account it is read with. Shared by
the poller (which asks) and the announcer (which says what was asked), so neither is built from the other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.charts.service import ChartService
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertSource, AlertWatches

# ShowAlert with the keys of the alert's account; a UserError when that account is gone (removed in App Home).
ShowAlert = Callable[[AlertSource, str], Awaitable[AlertDetail]]
ChartsOf = Callable[[AlertSource], Awaitable[ChartService]]


class AlertLookup:
    """Asks ServiceWatch about an alert with the right account, and remembers the answer for the announcement."""

    def __init__(self, show_alert: ShowAlert, watches: AlertWatches, charts_of: ChartsOf | None = None) -> None:
        self._show_alert = show_alert
        self._watches = watches
        self._charts_of = charts_of
        self._details: dict[str, AlertDetail] = {}  # alert id → its last answer (what an announcement says)
        self._sources: dict[str, AlertSource] = {}  # alert id → the account it is read with

    async def ask(self, source: AlertSource, alert_id: str) -> AlertDetail:
        """ShowAlert now, with `source`'s account; the answer is remembered."""
        self._sources[alert_id] = source
        detail = await self._show_alert(source, alert_id)
        self._details[alert_id] = detail
        return detail

    def last(self, alert_id: str) -> AlertDetail | None:
        """The last answer this process had, or None."""
        return self._details.get(alert_id)

    async def detail(self, alert_id: str) -> AlertDetail:
        """The alert as the last poll saw it (asked afresh when this process has not polled it: a takeover)."""
        found = self._details.get(alert_id)
        return found if found is not None else await self._show_alert(await self.source(alert_id), alert_id)

    async def charts_of(self, alert_id: str) -> ChartService:
        """The ChartService of the alert's account: what draws its chart."""
        if self._charts_of is None:
            raise RuntimeError("this lookup was made without `charts_of`")
        return await self._charts_of(await self.source(alert_id))

    async def source(self, alert_id: str) -> AlertSource:
        """The account an alert is read with: as the last poll had it, else as its watches say."""
        found = self._sources.get(alert_id) or await self._watches.source_of(alert_id)
        return found if found is not None else AlertSource()
