"""Building the Bolt app: the token checked once at start, listeners registered, retry handlers on its client."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import BotMode, Settings
from bot.errors import UserError
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
from bot.slack.links import ChartLinks
from bot.slack.listeners import SlackListeners
from bot.slack.membership import SlackMembership
from bot.slack.pacers import pacers_for
from bot.slack.workspaces import SINGLE, InstalledTokens, Workspaces
from bot.store.db import Database
from bot.store.installations import OAuthStates, SlackInstallations
from bot.store.schedules import Schedules
from bot.store.sealing import Sealer, derived_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackConnection:
    """Slack, reached: the Bolt app (its listeners registered later, by `SlackApp`), the client every call shares,
    every workspace's pace and outboxes, and who the bot is."""

    bolt: AsyncApp
    client: AsyncWebClient
    workspaces: Workspaces
    membership: SlackMembership
    bot_user_id: str
    bot_name: str
    team: str
    workspace_url: str  # the single workspace's (message links must point into it); "" for the installable app

    async def close(self) -> None:
        """Close the HTTP connections to Slack that every call shares."""
        if self.client.session is not None:
            await self.client.session.close()


@dataclass(frozen=True)
class SlackApp:
    """The Bolt app with every listener registered."""

    connection: SlackConnection
    listeners: SlackListeners

    def __post_init__(self) -> None:
        self.listeners.register(self.connection.bolt)

    @property
    def bolt(self) -> AsyncApp:
        return self.connection.bolt

    @property
    def client(self) -> AsyncWebClient:
        return self.connection.client

    @property
    def workspaces(self) -> Workspaces:
        return self.connection.workspaces

    @property
    def bot_user_id(self) -> str:
        return self.connection.bot_user_id

    @property
    def team(self) -> str:
        return self.connection.team

    @property
    def access(self) -> SlackAccess:
        """The single workspace's access state (its pace, whether its token was refused)."""
        return self.workspaces.access(SINGLE)

    async def close(self) -> None:
        await self.connection.close()


async def connect_slack(settings: Settings, database: Database, links: ChartLinks | None = None) -> SlackConnection:
    """Slack for one workspace (SLACK_BOT_TOKEN; Socket Mode or HTTP mode), or for the installable app (OAuth, HTTP
    mode: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), each workspace's token from the installation store. With `links`,
    every chart posted gets its link."""
    # One connection pool for every call (slack_sdk otherwise opens a session and a connection per call).
    session = aiohttp.ClientSession()
    if settings.installable:
        return _installable_app(settings, session, database, links)
    return await _single_workspace_app(settings, session, database, links)


async def _single_workspace_app(
    settings: Settings, session: aiohttp.ClientSession, database: Database, links: ChartLinks | None
) -> SlackConnection:
    """Checks the token once (auth.test) before taking any request, so a burst of first requests never each ask
    Slack who the bot is."""
    assert settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()
    # Each workspace's upload pace: shared by the replicas on PostgreSQL, this process's own on SQLite.
    pacers = pacers_for(settings, database)
    pacer = pacers.of(SINGLE)
    client = slack_client(token, settings.slack_api_url, pacer=pacer, session=session)
    # A refused token is believed once auth.test agrees.
    access = SlackAccess(pacer, confirm=client.auth_test, file_wait=settings.slack_file_wait.total_seconds())
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
        links=links,
    )
    bot_name = str(auth.get("user") or "ServiceWatch")
    return SlackConnection(
        bolt,
        client,
        workspaces,
        SlackMembership(client, bot_name=bot_name),
        str(auth.get("user_id") or ""),
        bot_name,
        str(auth.get("team") or ""),
        str(auth.get("url") or ""),
    )


def _installable_app(
    settings: Settings, session: aiohttp.ClientSession, database: Database, links: ChartLinks | None
) -> SlackConnection:
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
        file_wait=settings.slack_file_wait.total_seconds(),
        tokens=tokens,
        pacers=pacers,
        links=links,
    )
    installs = Installs(installations, tokens, workspaces, Schedules(database))
    installs.listen()
    installs.register(bolt)
    bot_name = "ServiceWatch"
    # Each workspace's members through its own token; message links from any workspace the app is in.
    membership = SlackMembership(clients=workspaces.client, bot_name=bot_name)
    return SlackConnection(bolt, client, workspaces, membership, "", bot_name, "", "")


def request_sealer(settings: Settings) -> Sealer:
    """What seals a noted request's response_url: SECRETS_KEYS when set, else a key derived from the Slack secret
    that every replica shares (so any of them can take the request over)."""
    if settings.sealing_keys:
        return Sealer(settings.sealing_keys)
    shared = settings.slack_signing_secret or settings.slack_app_token or settings.slack_bot_token
    return Sealer([derived_key(shared.get_secret_value(), "response_url")] if shared is not None else [])
