"""The Slack workspaces the bot posts into, each with its own token, upload pace and access state, so one workspace's
429s or revoked token never hold up another's charts.

The single-workspace setup (SLACK_BOT_TOKEN) is one workspace under the key "". An OAuth install keys a workspace by
its team id, or by its enterprise id when installed org-wide (`workspace_key`), and its token is looked up, per call,
in the installation store: a rotated token is used at once, an uninstalled workspace's calls fail as Slack fails
them (`account_inactive`), and that workspace alone stops posting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import ClientSession
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack.access import SlackAccess
from bot.slack.client import retry_handlers
from bot.slack.links import ChartLinks
from bot.slack.outbox import SlackOutbox
from bot.slack.pacers import Pacers, local_pacers
from bot.workspace_keys import SINGLE, workspace_key

__all__ = ["SINGLE", "InstalledClient", "InstalledTokens", "Workspaces", "key_of_payload", "workspace_key"]

TokenLookup = Callable[[str], Awaitable[str | None]]


def key_of_payload(payload: Mapping[str, Any]) -> str:
    """The workspace key of a Slack payload (a command's form, an event's or an action's body)."""
    team = payload.get("team")
    enterprise = payload.get("enterprise")
    team_id = payload.get("team_id") or (team.get("id") if isinstance(team, Mapping) else team)
    enterprise_id = payload.get("enterprise_id") or (
        enterprise.get("id") if isinstance(enterprise, Mapping) else enterprise
    )
    installed_org_wide = payload.get("is_enterprise_install") in (True, "true")
    return workspace_key(enterprise_id, team_id, installed_org_wide)


class InstalledClient(AsyncWebClient):
    """A workspace's client whose token is read from the installation store before every call (cached there), so a
    rotated token is picked up and an uninstalled workspace gets Slack's own answer without a call going out."""

    def __init__(self, key: str, tokens: TokenLookup, **options: Any) -> None:
        super().__init__(**options)
        self.workspace = key
        self._tokens = tokens

    async def api_call(self, api_method: str, **arguments: Any) -> AsyncSlackResponse:
        token = await self._tokens(self.workspace)
        if token is None:
            response = {"ok": False, "error": "account_inactive"}
            raise SlackApiError(f"the app is not installed in workspace {self.workspace}", response)  # type: ignore[no-untyped-call]
        self.token = token
        return await super().api_call(api_method, **arguments)


class Workspaces:
    """Each workspace's client, pace and access state, made on first use and kept. `home` is the single-workspace
    setup's; `tokens` (an installation store lookup) serves every other key; `pacers` (bot/slack/pacers.py) gives
    each workspace's upload pace (default: this process's own, at `uploads_per_minute`)."""

    def __init__(
        self,
        *,
        api_url: str,
        session: ClientSession | None,
        uploads_per_minute: float,
        file_wait: float,
        bot_name: str = "ServiceWatch",
        home: tuple[AsyncWebClient, SlackAccess] | None = None,
        tokens: TokenLookup | None = None,
        pacers: Pacers | None = None,
        links: ChartLinks | None = None,
    ) -> None:
        self._api_url, self._session = api_url, session
        self.links = links  # each chart posted gets its link (bot/slack/links.py); None: no chart links
        self._file_wait = file_wait
        self._pacers = pacers if pacers is not None else local_pacers(uploads_per_minute)
        self.bot_name = bot_name
        self._tokens = tokens
        self._known: dict[str, tuple[AsyncWebClient, SlackAccess]] = {}
        if home is not None:
            self._known[SINGLE] = home

    @property
    def installed(self) -> bool:
        """Whether workspaces come from installations (OAuth), not one token."""
        return self._tokens is not None

    async def present(self, key: str) -> bool:
        """Whether the app is installed in `key`'s workspace (always, for the single-workspace setup)."""
        return self._tokens is None or await self._tokens(key) is not None

    def key_of(self, payload: Mapping[str, Any]) -> str:
        """The key a payload's workspace is kept under: always "" for the single-workspace setup."""
        return key_of_payload(payload) if self.installed else SINGLE

    def client(self, key: str) -> AsyncWebClient:
        return self._workspace(key)[0]

    def access(self, key: str) -> SlackAccess:
        return self._workspace(key)[1]

    def outbox(
        self,
        key: str,
        *,
        scheduled: bool = False,
        client: AsyncWebClient | None = None,
        respond: AsyncRespond | None = None,
    ) -> SlackOutbox:
        """A poster for `key` (scheduled runs, alert announcements; a request's, with its `client` and `respond`)."""
        own, access = self._workspace(key)
        return SlackOutbox(
            client or own, bot_name=self.bot_name, respond=respond, access=access, scheduled=scheduled, links=self.links
        )

    def forget(self, key: str) -> None:
        """An uninstalled workspace: its access state starts afresh if it is installed again."""
        if key != SINGLE or self.installed:
            self._known.pop(key, None)

    def lost(self) -> dict[str, str]:
        """The workspaces whose token Slack refused (confirmed by auth.test), with the reason."""
        return {key: access.lost for key, (_client, access) in self._known.items() if access.lost is not None}

    def _workspace(self, key: str) -> tuple[AsyncWebClient, SlackAccess]:
        found = self._known.get(key)
        if found is not None:
            return found
        if self._tokens is None:  # one token: every key is the home workspace
            return self._known[SINGLE]
        pacer = self._pacers.of(key)
        client = InstalledClient(
            key,
            self._tokens,
            base_url=self._api_url,
            session=self._session,
            timeout=30,
            retry_handlers=retry_handlers(pacer),
        )
        access = SlackAccess(pacer, confirm=client.auth_test, file_wait=self._file_wait)
        self._known[key] = (client, access)
        return client, access


class InstalledTokens:
    """A workspace key → its bot token, from the installation store: rotated (refreshed and saved) before it expires,
    and kept in memory for `keep` seconds so a storm of posts does not read the store for each call. `forget` drops a
    workspace at once (uninstalled, tokens revoked)."""

    def __init__(
        self,
        store: AsyncInstallationStore,
        rotator: AsyncTokenRotator | None = None,
        *,
        keep: float = 60.0,
        refresh_before_minutes: int = 120,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store, self._rotator = store, rotator
        self._keep, self._refresh_before = keep, refresh_before_minutes
        self._clock = clock
        self._known: dict[str, tuple[float, Bot | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def __call__(self, key: str) -> str | None:
        bot = await self.bot(key)
        return bot.bot_token if bot is not None else None

    async def bot(self, key: str) -> Bot | None:
        """The workspace's installed bot (its token fresh), or None when the app is not installed there."""
        found = self._known.get(key)
        if found is not None and self._clock() - found[0] < self._keep and _fresh(found[1]):
            return found[1]
        async with self._locks.setdefault(key, asyncio.Lock()):  # one refresh per workspace, however many calls wait
            found = self._known.get(key)
            if found is not None and self._clock() - found[0] < self._keep and _fresh(found[1]):
                return found[1]
            bot = await self._find(key)
            if bot is not None and self._rotator is not None and bot.bot_refresh_token:
                rotated = await self._rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=self._refresh_before
                )
                if rotated is not None:
                    await self._store.async_save_bot(rotated)
                    bot = rotated
            self._known[key] = (self._clock(), bot)
            return bot

    def forget(self, key: str) -> None:
        self._known.pop(key, None)

    async def _find(self, key: str) -> Bot | None:
        if key.startswith("E"):  # an enterprise id: an org-wide install
            return await self._store.async_find_bot(enterprise_id=key, team_id=None, is_enterprise_install=True)
        return await self._store.async_find_bot(enterprise_id=None, team_id=key)


def _fresh(bot: Bot | None) -> bool:
    """Whether a kept bot's token is still good for a while (a rotating token is refreshed before it lapses)."""
    expires = bot.bot_token_expires_at if bot is not None else None
    return expires is None or expires - time.time() > 60
