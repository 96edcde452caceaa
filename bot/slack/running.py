"""The bot at work on Slack (built by `bot.wiring`): the schedules posting to Slack, the sweep of unanswered
requests, the pruning of old rows, and the listener of the mode (Socket Mode, or HTTP mode's web server with
`/slack/events`, `/healthz`, `/readyz` and `/metrics`); then the shutdown that finishes the work under way."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.alerting.watcher import AlertWatcher
from bot.chat import ChatActions
from bot.config import BotMode, Settings
from bot.health import Readiness
from bot.metrics import Metrics
from bot.router import BackgroundWork, cancel_and_wait
from bot.scheduling.service import ScheduleService
from bot.slack.app import SlackApp
from bot.slack.connections import ConnectionLimits, descriptor_budget
from bot.slack.http import serve, web_app
from bot.slack.link_pages import ChartLinkPages
from bot.store.retention import Pruner


class SlackBot:
    """`start()` takes requests and runs schedules; `stop()` stops taking them and finishes what is under way."""

    def __init__(
        self,
        settings: Settings,
        slack: SlackApp,
        *,
        schedules: ScheduleService,
        alerts: AlertWatcher,
        pruner: Pruner,
        readiness: Readiness,
        metrics: Metrics,
        work: BackgroundWork,
        actions: ChatActions,
        chart_pages: ChartLinkPages | None = None,
    ) -> None:
        self.settings, self.slack, self.work = settings, slack, work
        self.chart_pages = chart_pages  # HTTP mode's /charts/<token>: a chart link opened in a browser
        self.actions = actions  # the chat language it answers (what tools and tests run a line through directly)
        self.schedules, self.alerts, self.pruner = schedules, alerts, pruner
        self.readiness, self.metrics = readiness, metrics
        self.mode = settings.resolved_mode
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
        self._pruning = asyncio.create_task(self.pruner.keep_pruning())
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
            metrics=self.metrics,
            about=self.about,
            readiness=self.readiness,
            ledger=self.slack.listeners.ledger,
            commands=self.slack.listeners,
            client=self.slack.client,
            signing_secret=secret.get_secret_value() if secret else None,
            limits=limits,
            chart_pages=self.chart_pages,
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
