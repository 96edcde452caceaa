"""Putting the alert watcher together for a running bot, once its surface (and so its announcer) is known."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.alerting.commands import AlertCommands
from bot.alerting.watcher import AlertWatcher, Announcer
from bot.durations import parse_duration
from bot.scheduling.setup import replica_name
from bot.services import Services
from bot.store.alerts import AlertIncidents, AlertWatches


def alert_watcher(services: Services, announcer: Callable[[AlertWatcher], Announcer]) -> AlertWatcher:
    """The poller of this process, its commands attached to the chat actions; run `watcher.run()` in a task.
    `announcer` makes the surface's announcer from the watcher (it reads the alerts' last answers there)."""
    settings = services.settings
    interval = parse_duration(settings.alert_poll_interval)
    watches = AlertWatches(services.database)
    watcher = AlertWatcher(
        services.servicewatch.show_alert,
        watches,
        AlertIncidents(services.database, holder=replica_name()),
        interval=interval,
        concurrency=settings.alert_poll_concurrency,
        lease=timedelta(seconds=parse_duration(settings.schedule_lease)),
    )
    watcher.announcer = announcer(watcher)  # made after: it reads the alerts' last answers from the watcher
    services.actions.alert_handler = AlertCommands(
        services.servicewatch.catalog,
        services.servicewatch.show_alert,
        watches,
        services.policy,
        interval=interval,
        concurrency=settings.alert_poll_concurrency,
        command=settings.bot_command,
    )
    return watcher
