"""The one container of long-lived services, built from settings."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.access import AccessPolicy
from bot.accounts import AccountChooser
from bot.charts.plan import ChartDefaults
from bot.charts.service import ChartService
from bot.chat import ChatActions
from bot.config import Settings
from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.accounts import AccountRegistry, ClientOptions
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.servicewatch.models import SizeLimits
from bot.servicewatch.reading import MB
from bot.store import Database, SavedCharts
from bot.store.accounts import ScpAccounts
from bot.store.effects import RequestEffects
from bot.store.sealing import Sealer, check_keys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What every part of the bot shares for its whole life."""

    settings: Settings
    servicewatch: ServiceWatchClient
    database: Database
    charts: ChartService
    actions: ChatActions
    policy: AccessPolicy
    sandbox: Sandbox | None = None
    accounts: AccountChooser | None = None  # the SCP accounts added in App Home, and which one draws a chart

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


def account_chooser(settings: Settings, database: Database, fallback: ChartService) -> AccountChooser:
    """The SCP accounts of every workspace, each drawn by its own client, coalescing and ChartService."""
    defaults = dataclasses.replace(chart_defaults(settings), sandbox=False)

    def build(client: ServiceWatchClient) -> ChartService:
        coalesced = CoalescingServiceWatch(
            client, max_concurrency=settings.servicewatch_max_concurrency, max_entries=settings.chart_cache_entries
        )
        return ChartService(coalesced, defaults)

    return AccountChooser(
        ScpAccounts(database, Sealer(settings.sealing_keys)),
        AccountRegistry(client_options(settings), build),
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
    return ServiceWatchClient(
        base_url,
        ServiceWatchAuth(access, secret, account_id=settings.scp_account_id),
        api_version=settings.servicewatch_api_version,
        timeout=settings.servicewatch_timeout,
        max_retries=settings.servicewatch_max_retries,
        catalog_ttl=settings.servicewatch_catalog_ttl,
        max_answer_bytes=settings.servicewatch_max_answer_mb * MB,
        max_image_bytes=settings.servicewatch_max_image_mb * MB,
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
    # Connections kept open for every run under way (2 × C, bot/scheduling/setup.py) and a few requests beside:
    # beyond the pool, each is opened and closed for one step (SQLAlchemy's default keeps 5).
    database = Database(settings.database_url, pool_size=2 * settings.servicewatch_max_concurrency + 8)
    accounts: AccountChooser | None = None
    try:
        if migrate:
            await database.migrate()
            async with database.sessions() as session:  # secrets no key opens stop the bot here, naming the setting
                await check_keys(session, Sealer(settings.sealing_keys))
        coalesced = CoalescingServiceWatch(
            client, max_concurrency=settings.servicewatch_max_concurrency, max_entries=settings.chart_cache_entries
        )
        charts = ChartService(coalesced, chart_defaults(settings))
        policy = AccessPolicy(settings.allowed_channel_ids, settings.admin_user_ids)
        actions = ChatActions(
            charts,
            SavedCharts(database, max_per_channel=settings.saved_chart_max_per_channel),
            command=settings.bot_command,
            default_timezone=settings.bot_timezone,
            policy=policy,
            answers=RequestEffects(database),
        )
        accounts = account_chooser(settings, database, charts)
        actions.accounts = accounts
        yield Services(settings, client, database, charts, actions, policy, sandbox, accounts)
    finally:
        if accounts is not None:
            await accounts.registry.aclose()
        await client.aclose()
        await database.dispose()
        if sandbox is not None:
            await sandbox.stop()
