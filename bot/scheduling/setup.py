"""Putting the scheduler together for a running bot, once its surface (and so its poster) is known."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable

from bot.access import AccessPolicy
from bot.router import Poster
from bot.scheduling.actions import ScheduleActions, ScheduleLimits
from bot.scheduling.runner import RunSettings, ScheduledRunner
from bot.scheduling.service import ScheduleService
from bot.services import Services
from bot.store.schedules import RunLog, Schedules


def replica_name() -> str:
    """Who holds a claim: this host and process (and a little randomness, for restarts that reuse a pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"[:64]


def schedule_service(
    services: Services, poster: Poster | Callable[[str], Poster], policy: AccessPolicy
) -> ScheduleService:
    """The scheduler for this process, its commands attached to the chat actions; call `start()` to run it. `poster`
    is the one poster (the console), or a workspace key → that workspace's poster (Slack)."""
    settings = services.settings
    schedules = Schedules(services.database)
    runner = ScheduledRunner(
        actions=services.actions,
        schedules=schedules,
        runs=RunLog(services.database, holder=replica_name()),
        posters=poster if callable(poster) else lambda _workspace: poster,
        settings=RunSettings(
            lease=settings.schedule_lease,
            grace=settings.schedule_misfire_grace,
            pause_after=settings.schedule_max_failures,
            # Enough runs under way to keep every ServiceWatch slot busy (each run makes two calls at once).
            at_once=2 * settings.servicewatch_max_concurrency,
        ),
    )
    service = ScheduleService(runner, schedules, sync_every=settings.schedule_sync_interval)
    limits = ScheduleLimits(
        min_interval=int(settings.schedule_min_interval.total_seconds()),
        max_per_channel=settings.schedule_max_per_channel,
        follow_default=int(settings.follow_default_duration.total_seconds()),
        follow_max=int(settings.follow_max_duration.total_seconds()),
    )
    services.actions.schedule_handler = ScheduleActions(services.actions, service, limits, policy)
    return service
