"""`python -m bot`: the bot in the mode the settings call for (Socket Mode, HTTP mode or the console)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot import __version__
from bot.cli.check import describe_settings
from bot.config import BotMode, Settings
from bot.console import ConsoleOutbox, run_console
from bot.console_alerts import console_alert_watcher
from bot.errors import UserError
from bot.metrics import Metrics
from bot.router import BackgroundWork, Router, cancel_and_wait
from bot.scheduling.setup import schedule_service
from bot.services import Services, open_services
from bot.slack.app import SlackApp, create_slack_app
from bot.slack.running import SlackBot
from bot.store.retention import pruner_for

log = logging.getLogger(__name__)
DRAIN_SECONDS = 20.0


@contextmanager
def stop_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM while inside. Enter it before saying the process listens: a signal that
    comes right after that line is then a stop, never Python's default (dying at once, work under way lost)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _speaks(language: str) -> Callable[[str, str], Awaitable[str]]:
    """Everyone's language, for the console's scheduled runs (one person sits at a console)."""

    async def language_of(user_id: str, workspace: str) -> str:
        return language

    return language_of


def make_router(services: Services) -> Router:
    return Router(services.actions, services.policy, Metrics(services.servicewatch))


async def run(settings: Settings) -> int:
    """Run until a signal (or, for the console, `quit`); work under way is finished before exiting."""
    try:
        async with open_services(settings) as services:
            router = make_router(services)
            banner = [f"ServiceWatch charts {__version__}", *describe_settings(settings, services)]
            mode = settings.resolved_mode
            if mode is BotMode.CONSOLE:
                console = ConsoleOutbox(sys.stdout, Path("charts"))
                schedules = schedule_service(services, console, router.policy)
                schedules.runner.owner_language = _speaks(settings.local_language)
                await schedules.start()
                pruning = asyncio.create_task(pruner_for(services.database, settings).keep_pruning())
                polling = asyncio.create_task(console_alert_watcher(services, console).run())
                try:
                    return await run_console(
                        router,
                        command=settings.bot_command,
                        timezone=settings.bot_timezone,
                        stdin=sys.stdin,
                        outbox=console,
                        banner=banner,
                        language=settings.local_language,
                    )
                finally:
                    await cancel_and_wait(polling)
                    await cancel_and_wait(pruning)
                    await schedules.stop(DRAIN_SECONDS)
            work = BackgroundWork()
            slack = await create_slack_app(settings, router=router, database=services.database, work=work)
            try:
                return await _serve_slack(settings, services, slack, router, work, banner, mode)
            finally:
                await slack.close()
    except UserError as exc:
        print(exc, file=sys.stderr)  # noqa: T201 (the command line's own message)
        return 1


async def _serve_slack(
    settings: Settings,
    services: Services,
    slack: SlackApp,
    router: Router,
    work: BackgroundWork,
    banner: list[str],
    mode: BotMode,
) -> int:
    if settings.installable:
        banner.append("  Slack:         installable app (OAuth): each workspace installs it at /slack/install")
    else:
        banner.append(f"  Slack:         bot <@{slack.bot_user_id}> in {slack.team or 'the workspace'}")
    bot = SlackBot(settings, services, slack, router, work)
    with stop_signals() as stopped:  # a second signal while draining does not cut the drain short either
        try:
            await bot.start()
            if mode is BotMode.SOCKET:
                _print_banner([*banner, "  Listening:     Socket Mode (Ctrl-C stops)"])
            else:
                _print_banner(
                    [
                        *banner,
                        f"  Listening:     {bot.url}/slack/events (and /healthz, /readyz, /metrics); Ctrl-C stops",
                    ]
                )
                if settings.installable:
                    _print_banner(
                        [f"  Install:       {bot.url}/slack/install (redirect: {bot.url}/slack/oauth_redirect)"]
                    )
            await stopped.wait()
        finally:
            left = await bot.stop(DRAIN_SECONDS)
    if left:
        log.warning("%d requests were still running after %.0f s and were stopped", left, DRAIN_SECONDS)
    return 0


def _print_banner(lines: list[str]) -> None:
    print("\n".join(lines), flush=True)  # noqa: T201
