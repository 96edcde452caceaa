"""Putting the alert watcher together for a running bot, once its surface (and so its announcer) is known."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.alerting.commands import AlertCommands, AlertReader
from bot.alerting.watcher import AlertWatcher, Announcer
from bot.charts.service import ChartService
from bot.scheduling.setup import replica_name
from bot.services import Services
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertIncidents, AlertSource, AlertWatches


class AlertAccounts:
    """Which SCP account reads (and draws) a watched alert: a channel's account when a watch is made, the watch's
    account afterwards. Without SCP accounts, every alert is read with the bot's own keys (or the sandbox)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def reader_of(self, workspace: str, channel_id: str) -> tuple[AlertSource, AlertReader]:
        """The account a channel's alerts are read with, and its ChartService (a UserError when none applies)."""
        accounts = self._services.accounts
        if accounts is None:
            return AlertSource(workspace), self._services.charts
        name, charts = await accounts.choose(workspace, channel_id, None)
        return AlertSource(workspace, name), charts

    async def charts_of(self, source: AlertSource) -> ChartService:
        """The ChartService of a watch's account (a UserError when it has been removed since)."""
        accounts = self._services.accounts
        if accounts is None:
            return self._services.charts
        return await accounts.charts_named(source.workspace, source.account)

    async def show_alert(self, source: AlertSource, alert_id: str) -> AlertDetail:
        return await (await self.charts_of(source)).show_alert(alert_id)


def alert_watcher(
    services: Services,
    announcer: Callable[[AlertWatcher], Announcer],
    *,
    present: Callable[[str], Awaitable[bool]] | None = None,
) -> AlertWatcher:
    """The poller of this process, its commands attached to the chat actions; run `watcher.run()` in a task.
    `announcer` makes the surface's announcer from the watcher (it reads the alerts' last answers there, and
    `watcher.charts_of` draws each alert with its own account); `present` says whether the app is installed in a
    workspace (an uninstalled one's alerts wait for a reinstall)."""
    settings = services.settings
    interval = int(settings.alert_poll_interval.total_seconds())
    watches = AlertWatches(services.database)
    accounts = AlertAccounts(services)
    watcher = AlertWatcher(
        accounts.show_alert,
        watches,
        AlertIncidents(services.database, holder=replica_name()),
        interval=interval,
        concurrency=settings.alert_poll_concurrency,
        lease=settings.schedule_lease,
        charts_of=accounts.charts_of,
        present=present,
    )
    watcher.announcer = announcer(watcher)  # made after: it reads the alerts' last answers from the watcher
    services.actions.alert_handler = AlertCommands(
        accounts.reader_of,
        watches,
        services.policy,
        interval=interval,
        concurrency=settings.alert_poll_concurrency,
        command=settings.bot_command,
        max_per_channel=settings.alert_watch_max_per_channel,
    )
    return watcher
