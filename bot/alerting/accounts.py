"""Which SCP account reads (and draws) a watched alert: a channel's account when a watch is made, the watch's account
afterwards."""

from __future__ import annotations

from bot.accounts import AccountChooser
from bot.alerting.commands import AlertReader
from bot.charts.service import ChartService
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertSource


class AlertAccounts:
    """The accounts of watched alerts, chosen as a chart's account is (`AccountChooser`)."""

    def __init__(self, chooser: AccountChooser) -> None:
        self._chooser = chooser

    async def reader_of(self, workspace: str, channel_id: str) -> tuple[AlertSource, AlertReader]:
        """The account a channel's alerts are read with, and its ChartService (a UserError when none applies)."""
        name, charts = await self._chooser.choose(workspace, channel_id, None)
        return AlertSource(workspace, name), charts

    async def charts_of(self, source: AlertSource) -> ChartService:
        """The ChartService of a watch's account (a UserError when it has been removed since)."""
        return await self._chooser.charts_named(source.workspace, source.account)

    async def show_alert(self, source: AlertSource, alert_id: str) -> AlertDetail:
        return await (await self.charts_of(source)).show_alert(alert_id)
