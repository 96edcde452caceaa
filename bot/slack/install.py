"""The installable app (OAuth, HTTP mode): `/slack/install` and `/slack/oauth_redirect` through Bolt's OAuth flow with
our installation and state stores, each request authorized from the store (tokens rotated before they lapse), and the
app's removal heard: `app_uninstalled` and `tokens_revoked` delete the tokens, pause the workspace's schedules and
forget its client; installing again resumes them. Events of a workspace the app is not installed in are dropped
quietly."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.config import Settings
from bot.i18n import _, language_of, speaking
from bot.slack.workspaces import InstalledTokens, Workspaces
from bot.store.installations import OAuthStates, SlackInstallations
from bot.store.schedules import Schedules
from bot.workspace_keys import SINGLE, workspace_key

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
ROTATE_BEFORE_MINUTES = 120  # Slack's tokens live 12 h; refresh when less than this is left
STATE_SECONDS = 600
# The bot scopes of manifest.oauth.yaml (tests/slack/test_install.py checks they agree): SLACK_SCOPES overrides.
DEFAULT_SCOPES = (
    "commands",
    "app_mentions:read",
    "chat:write",
    "files:write",
    "files:read",
    "users:read",
    "channels:join",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "links:read",
    "links:write",
)
UNINSTALLED = "the app was uninstalled from this workspace"  # marks the schedules an uninstall paused


def scopes_of(settings: Settings) -> list[str]:
    """The bot scopes asked for at install: SLACK_SCOPES (comma-separated), else the manifest's."""
    asked = [scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip()]
    return asked or list(DEFAULT_SCOPES)


def authorization_url(api_url: str) -> str:
    """Slack's authorize page beside its Web API (`https://slack.com/oauth/v2/authorize`; a fake Slack's in tests)."""
    return api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"


def oauth_settings(settings: Settings, installations: SlackInstallations, states: OAuthStates) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: our stores, our pages, token rotation on."""
    assert settings.slack_client_id is not None
    assert settings.slack_client_secret is not None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=scopes_of(settings),
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,  # /slack/install sends the browser straight on to Slack
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings.slack_api_url),
        installation_store=installations,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=states,
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=installed_page, failure=refused_page),
        logger=logging.getLogger("slack_bolt.oauth"),
    )


class StoreAuthorize(AsyncAuthorize):
    """Each request's bot token from the installation store, through `InstalledTokens` (which rotates it): one place
    refreshes a workspace's token, so Bolt and the scheduled posts never race for it."""

    def __init__(self, tokens: InstalledTokens) -> None:
        self._tokens = tokens

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        bot = await self._tokens.bot(workspace_key(enterprise_id, team_id, context.is_enterprise_install))
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def ignore_uninstalled(tokens: InstalledTokens) -> Callable[..., Awaitable[BoltResponse | None]]:
    """A middleware before authorize: a request from a workspace the app is not installed in (uninstalled, revoked)
    is acknowledged and dropped, without Bolt's error log."""

    async def middleware(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        key = workspace_key(context.enterprise_id, context.team_id, context.is_enterprise_install)
        if key != SINGLE and await tokens(key) is None:
            log.debug("a request of workspace %s, where the app is not installed, was dropped", key)
            return BoltResponse(status=200, body="")
        await next()
        return None

    return middleware


@dataclass
class Installs:
    """What an install or an uninstall changes besides the store: the workspace's schedules, cached token and client."""

    installations: SlackInstallations
    tokens: InstalledTokens
    workspaces: Workspaces
    schedules: Schedules

    def listen(self) -> None:
        self.installations.listen(on_installed=self.installed, on_uninstalled=self.uninstalled)

    async def installed(self, key: str) -> None:
        """A (re)install: the new token is used at once, and schedules an uninstall paused run again."""
        self.tokens.forget(key)
        self.workspaces.forget(key)
        resumed = await self.schedules.resume_workspace(key, UNINSTALLED)
        log.info("installed in workspace %s; %d paused schedules resumed", key, resumed)

    async def uninstalled(self, key: str) -> None:
        """Tokens gone: no call goes to Slack for the workspace any more, and its schedules wait for a reinstall."""
        self.tokens.forget(key)
        self.workspaces.forget(key)
        paused = await self.schedules.pause_workspace(key, UNINSTALLED)
        log.info("uninstalled from workspace %s; %d schedules paused", key, paused)

    def register(self, bolt: AsyncApp) -> None:
        """Listen for the app's removal from a workspace."""
        bolt.event("app_uninstalled")(self.on_app_uninstalled)
        bolt.event("tokens_revoked")(self.on_tokens_revoked)

    async def on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        await self.installations.async_delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            await self.installations.async_delete_bot(enterprise_id=context.enterprise_id, team_id=context.team_id)
        for user_id in tokens.get("oauth") or ():
            await self.installations.async_delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )


# The pages people see at the end of an install ---------------------------------------------------------------------


def _page_language(request: AsyncBoltRequest) -> str:
    accepted = request.headers.get("accept-language") or [""]
    return language_of(accepted[0].split(",")[0].strip())


def _page(status: int, title: str, text: str) -> BoltResponse:
    body = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return BoltResponse(status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"})


async def installed_page(args: AsyncSuccessArgs) -> BoltResponse:
    """Installed: what to type first."""
    installation = args.installation
    where = installation.enterprise_name if installation.is_enterprise_install else installation.team_name
    log.info("the app was installed in %s", installation.enterprise_id or installation.team_id)
    with speaking(_page_language(args.request)):
        return _page(
            200,
            _("ServiceWatch is installed"),
            _(
                "ServiceWatch charts are ready in {workspace}. Type `/chart help` in a channel to start; in a private "
                "channel, invite the bot first with `/invite @ServiceWatch`. You can close this page."
            ).format(workspace=where or _("your workspace")),
        )


async def refused_page(args: AsyncFailureArgs) -> BoltResponse:
    """Not installed: what happened and what to do next."""
    reason = error_code(args.reason)
    log.info("an install was refused: %s", reason)
    with speaking(_page_language(args.request)):
        return _page(args.suggested_status_code, _("ServiceWatch was not installed"), _why_refused(reason))


_ERROR_CODE = re.compile(r"[a-z0-9_.]{1,40}")


def error_code(reason: str) -> str:
    """The reason of a refused install as an error code, the only shape Slack gives one (`access_denied`): the
    `error=` of the callback is anyone's text, so anything else is neither logged nor shown."""
    return reason if _ERROR_CODE.fullmatch(reason) else "unreadable_error"


def _why_refused(reason: str) -> str:
    again = _("Start again at {path}.").format(path=INSTALL_PATH)
    if reason == "access_denied":
        return _("You cancelled the installation, so nothing was installed.") + " " + again
    if reason == "invalid_browser":
        return (
            _(
                "This install link was not started in this browser (its state is missing or does not match), so it was "
                "refused. Open the install page in the browser you finish it in."
            )
            + " "
            + again
        )
    if reason == "invalid_state":
        return (
            _(
                "This install link has expired or was used already (each is good once, for 10 minutes), so it was "
                "refused."
            )
            + " "
            + again
        )
    if reason in ("missing_code", "invalid_code"):
        return (
            _(
                "Slack did not confirm the installation (its code was missing or refused). If it fails again, ask the "
                "bot's operator to check the app's client ID and secret."
            )
            + " "
            + again
        )
    if reason == "storage_error":
        return _(
            "Slack confirmed the installation but the bot could not save it. Try again in a minute; if it fails again, "
            "tell the bot's operator (the bot's log says why)."
        )
    return _("Slack ended the installation ({reason}).").format(reason=reason) + " " + again
