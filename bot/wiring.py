"""The composition root: every service of the bot is built here, once, with its collaborators passed to its
constructor. `python -m bot` (Slack or the console), the CLI, the benches and the tests all build the bot here, so
what runs is what is tested."""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.access import AccessPolicy, Membership
from bot.accounts import AccountChooser
from bot.alerting.accounts import AlertAccounts
from bot.alerting.commands import AlertCommands
from bot.alerting.lookup import AlertLookup
from bot.alerting.watcher import AlertWatcher, Announcer
from bot.charts.maker import ChartMaker
from bot.charts.plan import ChartDefaults
from bot.charts.service import ChartService
from bot.chat import ChatActions
from bot.config import Settings
from bot.console.alerts import ConsoleAlertAnnouncer
from bot.console.outbox import ConsoleOutbox
from bot.durations import format_duration
from bot.health import Readiness, database_check, from_state
from bot.metrics import Metrics
from bot.router import BackgroundWork, Poster, Router
from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.scheduling.actions import ScheduleActions, ScheduleLimits
from bot.scheduling.runner import RunSettings, ScheduledRunner
from bot.scheduling.service import ScheduleService
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.accounts import AccountRegistry, ClientOptions
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.servicewatch.models import SizeLimits
from bot.servicewatch.reading import MB
from bot.slack.alerts import SlackAlertAnnouncer
from bot.slack.app import SlackApp, SlackConnection, connect_slack, request_sealer
from bot.slack.link_pages import ChartLinkPages
from bot.slack.links import ChartLinks
from bot.slack.listeners import SlackListeners
from bot.slack.people import People
from bot.slack.running import SlackBot
from bot.store import Database, SavedCharts
from bot.store.accounts import ScpAccounts
from bot.store.alerts import AlertIncidents, AlertWatches
from bot.store.chart_links import ChartLinkStore
from bot.store.clicks import ChartClicks
from bot.store.effects import RequestEffects
from bot.store.events import EventLedger
from bot.store.pending import PendingRequests
from bot.store.retention import Pruner, pruner_for
from bot.store.schedules import RunLog, Schedules
from bot.store.sealing import Sealer, check_keys

log = logging.getLogger(__name__)

OwnerLanguage = Callable[[str, str], Awaitable[str]]  # (user id, workspace) → the language they are answered in


def replica_name() -> str:
    """Who holds a claim: this host and process (and a little randomness, for restarts that reuse a pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"[:64]


# What every surface shares -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Services:
    """What every part of the bot shares for its whole life, whatever the surface."""

    settings: Settings
    servicewatch: ServiceWatchClient
    database: Database
    charts: ChartService  # the environment's keys (or the sandbox): what draws when no SCP account applies
    accounts: AccountChooser  # the SCP accounts added in App Home, and which one draws a chart
    saved: SavedCharts
    maker: ChartMaker
    metrics: Metrics
    sandbox: Sandbox | None = None

    @property
    def servicewatch_label(self) -> str:
        """Which ServiceWatch is in use, for banners: the built-in sandbox, a sandbox at a URL, or SCP."""
        if self.sandbox is not None:
            return f"the built-in ServiceWatch sandbox at {self.sandbox.url} (synthetic data; no SCP keys set)"
        if self.settings.uses_sandbox:
            return f"a ServiceWatch sandbox at {self.servicewatch.base_url} (no SCP keys set)"
        return f"ServiceWatch at {self.servicewatch.base_url} (API {self.servicewatch.api_version})"


def chart_defaults(settings: Settings) -> ChartDefaults:
    return ChartDefaults(
        window=settings.chart_default_window,
        width=settings.chart_width,
        height=settings.chart_height,
        limits=SizeLimits(
            settings.chart_min_width, settings.chart_min_height, settings.chart_max_width, settings.chart_max_height
        ),
        api_version=settings.servicewatch_api_version,
        command=settings.bot_command,
        sandbox=settings.uses_sandbox,
    )


def client_options(settings: Settings) -> ClientOptions:
    return ClientOptions(
        api_version=settings.servicewatch_api_version,
        timeout=settings.servicewatch_timeout,
        max_retries=settings.servicewatch_max_retries,
        catalog_ttl=settings.servicewatch_catalog_ttl,
        max_answer_bytes=settings.servicewatch_max_answer_mb * MB,
        max_image_bytes=settings.servicewatch_max_image_mb * MB,
    )


def chart_service(settings: Settings, client: ServiceWatchClient, defaults: ChartDefaults) -> ChartService:
    """Charts drawn through `client`, its identical calls coalesced and a few at a time."""
    coalesced = CoalescingServiceWatch(
        client, max_concurrency=settings.servicewatch_max_concurrency, max_entries=settings.chart_cache_entries
    )
    return ChartService(coalesced, defaults)


def account_chooser(settings: Settings, database: Database, fallback: ChartService) -> AccountChooser:
    """The SCP accounts of every workspace, each drawn by its own client, coalescing and ChartService."""
    defaults = dataclasses.replace(chart_defaults(settings), sandbox=False)
    return AccountChooser(
        ScpAccounts(database, Sealer(settings.sealing_keys)),
        AccountRegistry(client_options(settings), lambda client: chart_service(settings, client, defaults)),
        fallback,
        endpoint=settings.servicewatch_endpoint,
        fallback_everywhere=settings.uses_sandbox,  # the sandbox's synthetic data is nobody's
        command=settings.bot_command,
    )


def servicewatch_client(settings: Settings, base_url: str) -> ServiceWatchClient:
    """A client for `base_url` signed with the SCP keys, or with the sandbox's keys when none are set."""
    if settings.scp_access_key is not None and settings.scp_secret_key is not None:
        access, secret = settings.scp_access_key.get_secret_value(), settings.scp_secret_key.get_secret_value()
    else:
        access, secret = SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY
    options = client_options(settings)
    return ServiceWatchClient(
        base_url,
        ServiceWatchAuth(access, secret, account_id=settings.scp_account_id),
        api_version=options.api_version,
        timeout=options.timeout,
        max_retries=options.max_retries,
        catalog_ttl=options.catalog_ttl,
        max_answer_bytes=options.max_answer_bytes,
        max_image_bytes=options.max_image_bytes,
    )


@asynccontextmanager
async def open_services(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Services]:
    """Start what the settings call for (the built-in sandbox when neither SCP keys nor an endpoint are set),
    bring the database up to date, and close everything after."""
    sandbox: Sandbox | None = None
    if settings.uses_sandbox and settings.servicewatch_endpoint is None:
        sandbox = Sandbox()
        base_url = await sandbox.start()
    else:
        base_url = settings.servicewatch_url
    client = servicewatch_client(settings, base_url)
    database: Database | None = None
    accounts: AccountChooser | None = None
    try:
        # Connections kept open for every run under way (2 × C, the runner's `at_once`) and a few requests beside:
        # beyond the pool, each is opened and closed for one step (SQLAlchemy's default keeps 5).
        database = Database(settings.database_url, pool_size=2 * settings.servicewatch_max_concurrency + 8)
        if migrate:
            await database.migrate()
            async with database.sessions() as session:  # secrets no key opens stop the bot here, naming the setting
                await check_keys(session, Sealer(settings.sealing_keys))
        charts = chart_service(settings, client, chart_defaults(settings))
        accounts = account_chooser(settings, database, charts)
        saved = SavedCharts(database, max_per_channel=settings.saved_chart_max_per_channel)
        maker = ChartMaker(accounts, saved, default_timezone=settings.bot_timezone, command=settings.bot_command)
        yield Services(settings, client, database, charts, accounts, saved, maker, Metrics(client), sandbox)
    finally:
        if accounts is not None:
            await accounts.registry.aclose()
        await client.aclose()
        if database is not None:
            await database.dispose()
        if sandbox is not None:
            await sandbox.stop()


def access_policy(settings: Settings, membership: Membership | None = None, workspace_url: str = "") -> AccessPolicy:
    return AccessPolicy(
        settings.allowed_channel_ids, settings.admin_user_ids, membership=membership, workspace_url=workspace_url
    )


def chat_actions(
    services: Services,
    policy: AccessPolicy,
    *,
    schedules: ScheduleActions | None = None,
    alerts: AlertCommands | None = None,
) -> ChatActions:
    """The chat language's commands; without `schedules` and `alerts` (the CLI) those commands say where they live."""
    return ChatActions(
        services.maker,
        services.saved,
        default_window=services.settings.chart_default_window,
        command=services.settings.bot_command,
        policy=policy,
        answers=RequestEffects(services.database),
        schedules=schedules,
        alerts=alerts,
        accounts=services.accounts,
    )


# Schedules and alerts, for a surface that posts ----------------------------------------------------------------


@dataclass(frozen=True)
class Scheduling:
    service: ScheduleService  # `start()` runs it
    commands: ScheduleActions


def scheduling(
    services: Services, posters: Callable[[str], Poster], policy: AccessPolicy, owner_language: OwnerLanguage
) -> Scheduling:
    """The scheduler of this process and its commands; `posters` gives a workspace key's poster."""
    settings = services.settings
    schedules = Schedules(services.database)
    runner = ScheduledRunner(
        maker=services.maker,
        schedules=schedules,
        runs=RunLog(services.database, holder=replica_name()),
        posters=posters,
        settings=RunSettings(
            lease=settings.schedule_lease,
            grace=settings.schedule_misfire_grace,
            pause_after=settings.schedule_max_failures,
            # Enough runs under way to keep every ServiceWatch slot busy (each run makes two calls at once).
            at_once=2 * settings.servicewatch_max_concurrency,
        ),
        owner_language=owner_language,
    )
    service = ScheduleService(runner, schedules, sync_every=settings.schedule_sync_interval)
    limits = ScheduleLimits(
        min_interval=int(settings.schedule_min_interval.total_seconds()),
        max_per_channel=settings.schedule_max_per_channel,
        follow_default=int(settings.follow_default_duration.total_seconds()),
        follow_max=int(settings.follow_max_duration.total_seconds()),
    )
    return Scheduling(service, ScheduleActions(services.maker, service, limits, policy))


@dataclass(frozen=True)
class AlertParts:
    """What an announcer is made of: the alerts' last answers, their incidents and their watches."""

    lookup: AlertLookup
    incidents: AlertIncidents
    watches: AlertWatches


@dataclass(frozen=True)
class Alerting:
    watcher: AlertWatcher  # `run()` in a task
    commands: AlertCommands


def alert_parts(services: Services) -> AlertParts:
    accounts = AlertAccounts(services.accounts)
    watches = AlertWatches(services.database)
    return AlertParts(
        AlertLookup(accounts.show_alert, watches, accounts.charts_of),
        AlertIncidents(services.database, holder=replica_name()),
        watches,
    )


def alerting(
    services: Services,
    policy: AccessPolicy,
    parts: AlertParts,
    announcer: Announcer,
    *,
    present: Callable[[str], Awaitable[bool]] | None = None,
) -> Alerting:
    """The alert poller of this process, saying changes through `announcer`, and the alert commands. `present` says
    whether the app is installed in a workspace (an uninstalled one's alerts wait for a reinstall)."""
    settings = services.settings
    interval = int(settings.alert_poll_interval.total_seconds())
    watcher = AlertWatcher(
        parts.lookup,
        parts.watches,
        parts.incidents,
        announcer,
        interval=interval,
        concurrency=settings.alert_poll_concurrency,
        lease=settings.schedule_lease,
        present=present,
    )
    commands = AlertCommands(
        AlertAccounts(services.accounts).reader_of,
        parts.watches,
        policy,
        interval=interval,
        concurrency=settings.alert_poll_concurrency,
        command=settings.bot_command,
        max_per_channel=settings.alert_watch_max_per_channel,
    )
    return Alerting(watcher, commands)


def slack_announcer(services: Services, connection: SlackConnection, parts: AlertParts) -> SlackAlertAnnouncer:
    settings = services.settings
    return SlackAlertAnnouncer(
        lambda workspace: connection.workspaces.outbox(workspace, scheduled=True),
        parts.lookup.charts_of,
        parts.incidents,
        parts.lookup.detail,
        quiet=settings.alert_quiet_time,
        language=settings.local_language,
        workspace_of=parts.watches.workspace_of,
        tells_no_data=parts.watches.tells_no_data,
    )


def console_announcer(services: Services, outbox: ConsoleOutbox, parts: AlertParts) -> ConsoleAlertAnnouncer:
    settings = services.settings
    return ConsoleAlertAnnouncer(
        outbox,
        parts.lookup.charts_of,
        parts.incidents,
        parts.lookup.detail,
        quiet=settings.alert_quiet_time,
        language=settings.local_language,
        timezone=settings.bot_timezone,
        tells_no_data=parts.watches.tells_no_data,
    )


# The console ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleBot:
    """The console's bot: lines typed at `outbox`'s terminal, its schedules and alerts printed there."""

    services: Services
    outbox: ConsoleOutbox
    router: Router
    schedules: ScheduleService
    alerts: AlertWatcher
    pruner: Pruner


def console_bot(services: Services, out: TextIO, charts_dir: Path) -> ConsoleBot:
    settings = services.settings
    outbox = ConsoleOutbox(out, charts_dir)
    policy = access_policy(settings)
    language = settings.local_language

    async def speaks(user_id: str, workspace: str) -> str:  # one person sits at a console
        return language

    planned = scheduling(services, lambda _workspace: outbox, policy, speaks)
    parts = alert_parts(services)
    alerts = alerting(services, policy, parts, console_announcer(services, outbox, parts))
    actions = chat_actions(services, policy, schedules=planned.commands, alerts=alerts.commands)
    router = Router(actions, policy, services.metrics)
    return ConsoleBot(
        services, outbox, router, planned.service, alerts.watcher, pruner_for(services.database, settings)
    )


# Slack ---------------------------------------------------------------------------------------------------------


def chart_links(services: Services) -> ChartLinks | None:
    """Links for posted charts on the bot's public URL (BOT_PUBLIC_URL, or SLACK_REDIRECT_URI's origin); None when
    it has none."""
    public_url = services.settings.public_url
    return None if public_url is None else ChartLinks(ChartLinkStore(services.database), public_url)


async def slack_bot(services: Services, work: BackgroundWork) -> SlackBot:
    """The bot on Slack, in the mode the settings call for; `await bot.slack.close()` after `bot.stop()`."""
    settings = services.settings
    links = chart_links(services)
    connection = await connect_slack(settings, services.database, links)
    workspaces = connection.workspaces
    people = People(connection.client, clients=workspaces.client, language=settings.workspace_language)
    policy = access_policy(settings, connection.membership, connection.workspace_url)
    planned = scheduling(
        services, lambda workspace: workspaces.outbox(workspace, scheduled=True), policy, people.language
    )
    parts = alert_parts(services)
    alerts = alerting(services, policy, parts, slack_announcer(services, connection, parts), present=workspaces.present)
    actions = chat_actions(services, policy, schedules=planned.commands, alerts=alerts.commands)
    router = Router(actions, policy, services.metrics)
    ledger = EventLedger(services.database)
    orphan_age = settings.request_orphan_age
    listeners = SlackListeners(
        router=router,
        policy=policy,
        maker=services.maker,
        schedules=planned.commands,
        accounts=services.accounts,
        people=people,
        ledger=ledger,
        clicks=ChartClicks(services.database),
        saved=services.saved,
        work=work,
        command=settings.bot_command,
        bot_user_id=connection.bot_user_id,
        bot_name=connection.bot_name,
        default_window=format_duration(settings.chart_default_window),
        pending=PendingRequests(
            services.database, holder=replica_name(), lease=orphan_age, sealer=request_sealer(settings)
        ),
        orphan_age=orphan_age,
        workspaces=workspaces,
        incidents=parts.incidents,
        links=links,
    )
    slack = SlackApp(connection, listeners)
    schedules = planned.service
    readiness = Readiness(
        {
            "slack": from_state(lambda: slack.access.problem),
            "database": database_check(services.database),
            "scheduler": from_state(lambda: schedules.not_running),
            "servicewatch": from_state(lambda: services.servicewatch.keys_refused),
        },
        registry=services.metrics.registry,
    )
    return SlackBot(
        settings,
        slack,
        schedules=schedules,
        alerts=alerts.watcher,
        pruner=pruner_for(services.database, settings),
        readiness=readiness,
        metrics=services.metrics,
        work=work,
        actions=actions,
        chart_pages=None
        if links is None
        else ChartLinkPages(links, workspaces, kept_days=settings.retention_chart_links.days),
    )
