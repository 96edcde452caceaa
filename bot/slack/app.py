"""Building the Bolt app: the token checked once at start, listeners registered, retry handlers on its client."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import BotMode, Settings
from bot.durations import parse_duration
from bot.errors import UserError
from bot.router import BackgroundWork, Router
from bot.scheduling.setup import replica_name
from bot.slack.access import SlackAccess, slack_error
from bot.slack.client import slack_client
from bot.slack.install import (
    ROTATE_BEFORE_MINUTES,
    STATE_SECONDS,
    Installs,
    StoreAuthorize,
    ignore_uninstalled,
    oauth_settings,
)
from bot.slack.listeners import SlackListeners
from bot.slack.membership import SlackMembership
from bot.slack.pacers import pacers_for
from bot.slack.people import People
from bot.slack.workspaces import SINGLE, InstalledTokens, Workspaces
from bot.store import SavedCharts
from bot.store.clicks import ChartClicks
from bot.store.db import Database
from bot.store.events import EventLedger
from bot.store.installations import OAuthStates, SlackInstallations
from bot.store.pending import PendingRequests
from bot.store.schedules import Schedules
from bot.store.sealing import Sealer, derived_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackApp:
    bolt: AsyncApp
    client: AsyncWebClient
    listeners: SlackListeners
    bot_user_id: str
    bot_name: str
    team: str
    workspaces: Workspaces

    @property
    def access(self) -> SlackAccess:
        """The single workspace's access state (its pace, whether its token was refused)."""
        return self.workspaces.access(SINGLE)

    async def close(self) -> None:
        """Close the HTTP connections to Slack that every call shares."""
        if self.client.session is not None:
            await self.client.session.close()


async def create_slack_app(settings: Settings, *, router: Router, database: Database, work: BackgroundWork) -> SlackApp:
    """The Bolt app: one workspace's (SLACK_BOT_TOKEN; Socket Mode or HTTP mode), or the installable app's (OAuth,
    HTTP mode: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), each workspace's token from the installation store."""
    # One connection pool for every call (slack_sdk otherwise opens a session and a connection per call).
    session = aiohttp.ClientSession()
    if settings.installable:
        return _installable_app(settings, session, router=router, database=database, work=work)
    return await _single_workspace_app(settings, session, router=router, database=database, work=work)


async def _single_workspace_app(
    settings: Settings, session: aiohttp.ClientSession, *, router: Router, database: Database, work: BackgroundWork
) -> SlackApp:
    """Checks the token once (auth.test) before taking any request, so a burst of first requests never each ask
    Slack who the bot is."""
    assert settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()
    # Each workspace's upload pace: shared by the replicas on PostgreSQL, this process's own on SQLite.
    pacers = pacers_for(settings, database)
    pacer = pacers.of(SINGLE)
    client = slack_client(token, settings.slack_api_url, pacer=pacer, session=session)
    # A refused token is believed once auth.test agrees.
    access = SlackAccess(pacer, confirm=client.auth_test, file_wait=parse_duration(settings.slack_file_wait))
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        await session.close()
        raise UserError(
            f"Slack refused SLACK_BOT_TOKEN ({slack_error(exc)}): copy the Bot User OAuth Token again from "
            "the app's OAuth & Permissions page, and reinstall the app if its scopes changed."
        ) from None
    except (SlackClientError, OSError) as exc:
        await session.close()
        raise UserError(
            f"Cannot reach Slack at {settings.slack_api_url} ({type(exc).__name__}); check the network."
        ) from None
    result = AuthorizeResult(
        enterprise_id=auth.get("enterprise_id"),
        team_id=auth.get("team_id"),
        bot_user_id=auth.get("user_id"),
        bot_id=auth.get("bot_id"),
        bot_token=token,
    )

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return result

    http = settings.resolved_mode is BotMode.HTTP
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    bolt = AsyncApp(
        name="servicewatch-charts",  # named, so Bolt does not walk the call stack (inspect.stack) to make one up
        # The token comes from `authorize`, per request.
        client=slack_client(None, settings.slack_api_url, pacer=access.pacer, session=session),
        authorize=authorize,
        signing_secret=secret if http else "socket-mode-has-no-signing-secret",
        request_verification_enabled=http,
        logger=logging.getLogger("slack_bolt"),
    )
    workspaces = Workspaces(
        api_url=settings.slack_api_url,
        session=session,
        uploads_per_minute=settings.slack_uploads_per_minute,
        file_wait=access.file_wait,
        bot_name=str(auth.get("user") or "ServiceWatch"),
        home=(client, access),
        pacers=pacers,
    )
    listeners = _listeners(
        settings, router, database, work, client, workspaces, auth={key: auth.get(key) for key in ("user_id", "user")}
    )
    router.policy.within_workspace(SlackMembership(client, bot_name=listeners.bot_name), str(auth.get("url") or ""))
    listeners.register(bolt)
    return SlackApp(
        bolt,
        client,
        listeners,
        listeners.bot_user_id,
        listeners.bot_name,
        str(auth.get("team") or ""),
        workspaces,
    )


def _installable_app(
    settings: Settings, session: aiohttp.ClientSession, *, router: Router, database: Database, work: BackgroundWork
) -> SlackApp:
    """The app anyone installs: no token to check at start; each request's and each post's token comes from the
    installation store (rotated before it lapses), and the app's removal from a workspace is heard."""
    assert settings.slack_client_id is not None
    assert settings.slack_client_secret is not None
    installations = SlackInstallations(database, Sealer(settings.sealing_keys))
    rotator = AsyncTokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=slack_client(None, settings.slack_api_url, session=session),
    )
    tokens = InstalledTokens(installations, rotator, refresh_before_minutes=ROTATE_BEFORE_MINUTES)
    # Each workspace's upload pace: shared by the replicas on PostgreSQL, this process's own on SQLite.
    pacers = pacers_for(settings, database)
    client = slack_client(None, settings.slack_api_url, pacer=pacers.of(SINGLE), session=session)  # no token of its own
    assert settings.slack_signing_secret is not None
    assert settings.slack_client_secret is not None  # the installable app has one: its states are signed with it
    states = OAuthStates(database, settings.slack_client_secret.get_secret_value(), expires_in=STATE_SECONDS)
    bolt = AsyncApp(
        name="servicewatch-charts",
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        oauth_settings=oauth_settings(settings, installations, states),
        authorize=StoreAuthorize(tokens),  # type: ignore[arg-type] # Bolt takes an AsyncAuthorize as it is
        before_authorize=ignore_uninstalled(tokens),
        logger=logging.getLogger("slack_bolt"),
    )
    workspaces = Workspaces(
        api_url=settings.slack_api_url,
        session=session,
        uploads_per_minute=settings.slack_uploads_per_minute,
        file_wait=parse_duration(settings.slack_file_wait),
        tokens=tokens,
        pacers=pacers,
    )
    installs = Installs(installations, tokens, workspaces, Schedules(database))
    installs.listen()
    installs.register(bolt)
    listeners = _listeners(settings, router, database, work, client, workspaces, auth={})
    # Each workspace's members through its own token; message links from any workspace the app is in.
    router.policy.within_workspace(SlackMembership(clients=workspaces.client, bot_name=listeners.bot_name), "")
    listeners.register(bolt)
    return SlackApp(bolt, client, listeners, "", listeners.bot_name, "", workspaces)


def request_sealer(settings: Settings) -> Sealer:
    """What seals a noted request's response_url: SECRETS_KEYS when set, else a key derived from the Slack secret
    that every replica shares (so any of them can take the request over)."""
    if settings.sealing_keys:
        return Sealer(settings.sealing_keys)
    shared = settings.slack_signing_secret or settings.slack_app_token or settings.slack_bot_token
    return Sealer([derived_key(shared.get_secret_value(), "response_url")] if shared is not None else [])


def _listeners(
    settings: Settings,
    router: Router,
    database: Database,
    work: BackgroundWork,
    client: AsyncWebClient,
    workspaces: Workspaces,
    *,
    auth: Mapping[str, Any],
) -> SlackListeners:
    orphan_age = timedelta(seconds=parse_duration(settings.request_orphan_age))
    return SlackListeners(
        router=router,
        people=People(client, clients=workspaces.client, language=settings.workspace_language),
        ledger=EventLedger(database),
        clicks=ChartClicks(database),
        saved=SavedCharts(database),
        work=work,
        command=settings.bot_command,
        bot_user_id=str(auth.get("user_id") or ""),
        bot_name=str(auth.get("user") or "ServiceWatch"),
        default_window=settings.chart_default_window,
        pending=PendingRequests(database, holder=replica_name(), lease=orphan_age, sealer=request_sealer(settings)),
        orphan_age=orphan_age,
        workspaces=workspaces,
    )
