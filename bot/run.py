"""`python -m bot`: the bot in the mode the settings call for (Socket Mode, HTTP mode or the console)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot import __version__
from bot.cli.check import describe_settings
from bot.config import BotMode, Settings
from bot.console.terminal import run_console
from bot.errors import UserError
from bot.router import BackgroundWork, cancel_and_wait
from bot.slack.running import SlackBot
from bot.store.db import cannot_migrate
from bot.wiring import ConsoleBot, console_bot, open_services, slack_bot

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


async def run(settings: Settings) -> int:
    """Run until a signal (or, for the console, `quit`); work under way is finished before exiting."""
    try:
        async with contextlib.AsyncExitStack() as opened:
            try:
                services = await opened.enter_async_context(open_services(settings))
            except (SQLAlchemyError, OSError) as exc:  # the database cannot be opened or migrated: said, no traceback
                raise UserError(cannot_migrate(settings.database_url, exc)) from exc
            banner = [f"ServiceWatch charts {__version__}", *describe_settings(settings, services)]
            mode = settings.resolved_mode
            if mode is BotMode.CONSOLE:
                return await _serve_console(console_bot(services, sys.stdout, Path("charts")), banner)
            bot = await slack_bot(services, BackgroundWork())
            try:
                return await _serve_slack(settings, bot, banner, mode)
            finally:
                await bot.slack.close()
    except UserError as exc:
        print(exc, file=sys.stderr)  # noqa: T201 (the command line's own message)
        return 1


async def _serve_console(console: ConsoleBot, banner: list[str]) -> int:
    settings = console.services.settings
    await console.schedules.start()
    pruning = asyncio.create_task(console.pruner.keep_pruning())
    polling = asyncio.create_task(console.alerts.run())
    try:
        return await run_console(
            console.router,
            console.services.maker,
            command=settings.bot_command,
            timezone=settings.bot_timezone,
            stdin=sys.stdin,
            outbox=console.outbox,
            banner=banner,
            language=settings.local_language,
        )
    finally:
        await cancel_and_wait(polling)
        await cancel_and_wait(pruning)
        await console.schedules.stop(DRAIN_SECONDS)


async def _serve_slack(settings: Settings, bot: SlackBot, banner: list[str], mode: BotMode) -> int:
    if settings.installable:
        banner.append("  Slack:         installable app (OAuth): each workspace installs it at /slack/install")
    else:
        banner.append(f"  Slack:         bot <@{bot.slack.bot_user_id}> in {bot.slack.team or 'the workspace'}")
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
