"""The bot at work on Slack, wired once for `python -m bot` and the tests alike: the schedules posting to Slack, the
sweep of unanswered requests, the pruning of old rows, readiness, and the listener of the mode (Socket Mode, or HTTP
mode's web server with `/slack/events`, `/healthz`, `/readyz` and `/metrics`); then the shutdown that finishes the
work under way."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.alerting.setup import alert_watcher
from bot.config import BotMode, Settings
from bot.health import Readiness, database_check, from_state
from bot.router import BackgroundWork, Router, cancel_and_wait
from bot.scheduling.setup import schedule_service
from bot.services import Services
from bot.slack.alerts import SlackAlertAnnouncer
from bot.slack.app import SlackApp
from bot.slack.connections import ConnectionLimits, descriptor_budget
from bot.slack.http import serve, web_app
from bot.store.retention import pruner_for


class SlackBot:
    """`start()` takes requests and runs schedules; `stop()` stops taking them and finishes what is under way."""

    def __init__(self, settings: Settings, services: Services, slack: SlackApp, router: Router, work: BackgroundWork):
        self.settings, self.services, self.slack, self.router, self.work = settings, services, slack, router, work
        self.mode = settings.resolved_mode
        self.schedules = schedule_service(
            services, lambda workspace: slack.workspaces.outbox(workspace, scheduled=True), router.policy
        )
        self.schedules.runner.owner_language = slack.listeners.requests.people.language
        self.alerts = alert_watcher(
            services,
            lambda watcher: SlackAlertAnnouncer(
                lambda workspace: slack.workspaces.outbox(workspace, scheduled=True),
                watcher.charts_of,
                watcher.incidents,
                watcher.detail,
                quiet=settings.alert_quiet_time,
                language=settings.local_language,
                workspace_of=watcher.watches.workspace_of,
                tells_no_data=watcher.tells_no_data,
            ),
            present=slack.workspaces.present,
        )
        self.readiness = Readiness(
            {
                "slack": from_state(lambda: slack.access.problem),
                "database": database_check(services.database),
                "scheduler": from_state(lambda: self.schedules.not_running),
                "servicewatch": from_state(lambda: services.servicewatch.keys_refused),
            },
            registry=router.metrics.registry,
        )
        self.url = ""  # HTTP mode's base URL once started
        self._sweeper: asyncio.Task[None] | None = None
        self._pruning: asyncio.Task[None] | None = None
        self._polling: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    def about(self) -> dict[str, Any]:
        """`/readyz`'s `process`: cheap facts of this process (no address or version of anything it talks to)."""
        return {"mode": self.mode.value, "in_flight": self.work.pending, "schedules": self.schedules.loaded}

    async def start(self) -> None:
        """Start the schedules (they load in the background: requests are answered at once), the sweep, and the
        listener of the mode. Call `stop()` afterwards even if this raised."""
        await self.schedules.start(wait=False)
        self._sweeper = asyncio.create_task(self.slack.listeners.keep_sweeping())
        self._pruning = asyncio.create_task(pruner_for(self.services.database, self.settings).keep_pruning())
        self._polling = asyncio.create_task(self.alerts.run())
        if self.mode is BotMode.SOCKET:
            assert self.settings.slack_app_token is not None
            self._socket = AsyncSocketModeHandler(
                self.slack.bolt, self.settings.slack_app_token.get_secret_value(), web_client=self.slack.client
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            return
        secret = self.settings.slack_signing_secret
        limits = ConnectionLimits(
            idle=self.settings.bot_http_idle_timeout.total_seconds(),
            body=self.settings.bot_http_body_timeout.total_seconds(),
            most=descriptor_budget(self.settings.bot_http_max_connections),
        )
        app = web_app(
            self.slack.bolt,
            metrics=self.router.metrics,
            about=self.about,
            readiness=self.readiness,
            ledger=self.slack.listeners.ledger,
            commands=self.slack.listeners,
            client=self.slack.client,
            signing_secret=secret.get_secret_value() if secret else None,
            limits=limits,
        )
        self._runner, self.url = await serve(app, self.settings.bot_http_host, self.settings.bot_http_port, limits)

    async def stop(self, grace: float) -> int:
        """Stop taking requests, then finish the scheduled runs and requests under way (each up to `grace`
        seconds). Returns how many were still running then (and were stopped)."""
        try:
            if self._runner is not None:
                await self._runner.cleanup()
            if self._socket is not None:
                await self._socket.close_async()  # type: ignore[no-untyped-call]
        finally:
            await cancel_and_wait(self._sweeper)
            await cancel_and_wait(self._pruning)
            await cancel_and_wait(self._polling)
            left = await self.schedules.stop(grace)
        return left + await self.work.drain(grace)
