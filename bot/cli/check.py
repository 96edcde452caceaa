"""`python -m bot check` and the banner: the settings in use, and one signed catalog call."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from sqlalchemy.engine import make_url

from bot import __version__
from bot.config import Settings
from bot.durations import format_duration
from bot.errors import UserError
from bot.servicewatch import ServiceWatchError
from bot.servicewatch.accounts import validate
from bot.servicewatch.endpoints import KNOWN_API_VERSIONS, is_newer_than_known
from bot.slack.checks import check_slack
from bot.store.accounts import AccountInfo
from bot.store.installations import SlackInstallations
from bot.store.sealing import Sealer
from bot.wiring import Services, open_services


def api_version_line(version: str) -> str:
    """`servicewatch 1.2`, and for a version after the known ones, which body it is sent with."""
    if is_newer_than_known(version):
        newest = KNOWN_API_VERSIONS[-1]
        return (
            f"servicewatch {version} (newer than the versions this bot knows, {KNOWN_API_VERSIONS[0]}–{newest}: "
            f"sent with the {newest} body)"
        )
    return f"servicewatch {version}"


def describe_settings(settings: Settings, services: Services) -> list[str]:
    """The settings that matter, secrets masked, one per line."""
    mode = settings.resolved_mode.value
    if settings.bot_mode.value == "auto":
        mode += " (auto)"
    keys = "none: the sandbox's keys" if settings.scp_access_key is None else "set (SCP_ACCESS_KEY, SCP_SECRET_KEY)"
    return [
        f"  mode:          {mode}",
        f"  ServiceWatch:  {services.servicewatch_label}",
        f"  API version:   {api_version_line(settings.servicewatch_api_version)}",
        f"  language:      {_language_line(settings)}",
        f"  SCP keys:      {keys}" + (f", account {settings.scp_account_id}" if settings.scp_account_id else ""),
        f"  database:      {make_url(settings.database_url).render_as_string(hide_password=True)}",
        f"  timezone:      {settings.bot_timezone}; default window {format_duration(settings.chart_default_window)}; "
        f"size {settings.chart_width}x{settings.chart_height}",
    ] + (
        [f"  ignored:       {', '.join(settings.ignored)} (named like settings, but none of this bot's)"]
        if settings.ignored
        else []
    )


def _language_line(settings: Settings) -> str:
    if settings.workspace_language is not None:
        return f"{settings.bot_language} for everyone (BOT_LANGUAGE)"
    return "each person's Slack locale (Korean for ko-*, else English); the console and command line: English"


async def check(settings: Settings) -> int:
    """Check everything that can be checked from here, one line each; exit 1 naming what failed."""
    failed: list[str] = []
    async with open_services(settings, migrate=False) as services:
        print(f"ServiceWatch charts {__version__}: the settings are valid.")
        for line in describe_settings(settings, services):
            print(line)
        try:
            await services.database.migrate()
        except Exception as exc:
            print(f"database: FAILED: {type(exc).__name__}: {exc}".splitlines()[0])
            failed.append("the database")
        else:
            print(f"database: OK ({services.database.safe_url}, migrations applied)")
        if not await _servicewatch(services):
            failed.append(f"ServiceWatch (servicewatch {settings.servicewatch_api_version})")
        if "the database" not in failed:
            await _stored_accounts(services)
            if settings.installable:
                installed = await SlackInstallations(services.database, Sealer(settings.sealing_keys)).installed()
                print(f"installable app: installed in {len(installed)} workspaces (more through /slack/install)")
    for line, problem in await check_slack(settings):
        print(f"{line}: FAILED: {problem}" if problem else f"{line}: OK")
        if problem:
            failed.append(line.split(" (")[0])
    if failed:
        print(f"Not ready: {', '.join(failed)} failed (see above).")
        return 1
    return 0


async def _servicewatch(services: Services) -> bool:
    """One signed ListMetricInfos call: the SCP keys, the endpoint and the API version at once."""
    started = time.monotonic()
    try:
        response = await services.servicewatch.list_metric_infos()
    except ServiceWatchError as exc:
        print(f"ListMetricInfos: FAILED after {time.monotonic() - started:.1f} s\n  {exc}")
        return False
    metrics = {(m.namespace_name, m.name) for ns in response.namespaces for g in ns.dimensions for m in g.metrics}
    print(
        f"ListMetricInfos: OK in {(time.monotonic() - started) * 1000:.0f} ms: {len(response.namespaces)} "
        f"namespaces, {len(metrics)} metrics, {response.count} metric/resource entries"
    )
    return True


async def _stored_accounts(services: Services) -> None:
    """One signed ListMetricInfos call per SCP account added in App Home, a few at a time. A refused account is
    reported, not counted as the bot's failure: only its workspace's charts need it (its admin replaces it)."""
    chooser = services.accounts
    if chooser is None:
        return
    try:
        accounts = await chooser.store.listed(None)
    except Exception as exc:
        print(f"SCP accounts: could not be read: {type(exc).__name__}")
        return
    if not accounts:
        return
    gate = asyncio.Semaphore(4)

    async def one(info: AccountInfo) -> str:
        workspace = info.workspace or "the single workspace"
        label = f"SCP account {info.name} ({workspace}, {info.region}/{info.environment}, key …{info.key_tail})"
        async with gate:
            try:
                account = await chooser.store.get(info.workspace, info.name)
                if account is None:
                    return f"{label}: removed meanwhile"
                if chooser.endpoint:
                    account = dataclasses.replace(account, endpoint=chooser.endpoint)
                await validate(account, chooser.registry.options)
            except (ServiceWatchError, UserError, ValueError) as exc:
                reason = str(exc).splitlines()[0]
                return f"{label}: REFUSED: {reason} (its workspace's charts fail until an admin replaces it)"
        return f"{label}: OK"

    print(f"SCP accounts added in App Home: {len(accounts)}")
    for line in await asyncio.gather(*(one(info) for info in accounts)):
        print(f"  {line}")
