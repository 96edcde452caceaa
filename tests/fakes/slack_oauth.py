"""The fake Slack's workspaces and app installs, as Slack documents them (docs.slack.dev/authentication/installing-with-
oauth, …/using-token-rotation, reference/methods/oauth.v2.access, reference/events/app_uninstalled and tokens_revoked):

- several teams (`add_team`), each with its own bot user and bot token; a call's token decides its team;
- a token that was never issued is `invalid_auth`, a revoked one `token_revoked`, an expired one `token_expired`;
- `oauth.v2.access` takes the app's client id and secret (HTTP Basic or form fields; wrong: `invalid_client_id` /
  `bad_client_secret`) and a code this fake issued (`approve`), once, else `invalid_code`. With rotation on, it answers
  a `refresh_token` and `expires_in`, and `grant_type=refresh_token` gives a new token and a new refresh token: the
  old refresh token is spent (`invalid_refresh_token`), the old access token lives until it expires;
- `uninstall(team)` revokes every token of the team and delivers a signed `app_uninstalled` event to the app's
  Request URL; `revoke_bot(team)` revokes the bot token and delivers `tokens_revoked`."""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

from tests.slack_payloads import signed_headers

if TYPE_CHECKING:
    from tests.fakes.slack import FakeSlack


@dataclass
class Team:
    id: str
    name: str
    bot_user: str
    bot_id: str
    domain: str


@dataclass
class Grant:
    """An access token Slack issued: its team, when it expires (the fake's clock; None: never) and whether revoked."""

    token: str
    team: str
    expires_at: float | None = None
    revoked: bool = False


class SlackInstalls:
    """The teams, the tokens issued in them and the app's OAuth credentials."""

    def __init__(self, fake: FakeSlack, *, team: Team, token: str, app_id: str) -> None:
        self._fake = fake
        self.app_id = app_id
        self.teams: dict[str, Team] = {team.id: team}
        self.grants: dict[str, Grant] = {token: Grant(token, team.id)}
        self.client_id = ""
        self.client_secret = ""
        self.signing_secret = ""
        self.events_url = ""  # the app's Request URL: where uninstall events go
        self.lifetime: float | None = None  # with token rotation: seconds an access token lives
        self._codes: dict[str, str] = {}  # code → team, each good once
        self._refresh: dict[str, str] = {}  # live refresh token → team

    def app(
        self, client_id: str, client_secret: str, *, signing_secret: str, events_url: str = "", rotation: float = 0
    ) -> None:
        """Make the app distributable: its credentials, its Request URL, and token rotation (lifetime in seconds)."""
        self.client_id, self.client_secret, self.signing_secret = client_id, client_secret, signing_secret
        self.events_url = events_url
        self.lifetime = rotation or None

    def add_team(self, team_id: str, name: str) -> Team:
        """A workspace the app can be installed in, with its own bot user."""
        number = len(self.teams) + 1
        team = Team(team_id, name, f"UBOT{number:04d}", f"B{number:04d}", name.lower())
        self.teams[team_id] = team
        return team

    def approve(self, authorize_url: str, team_id: str, redirect_uri: str) -> str:
        """A person approves the install on Slack's authorize page: where Slack sends their browser back (the app's
        redirect URL with a fresh code and the state it was given)."""
        query = parse_qs(urlparse(authorize_url).query)
        assert query.get("client_id") == [self.client_id], "the authorize URL names another app"
        code = secrets.token_hex(12)
        self._codes[code] = team_id
        return f"{redirect_uri}?{urlencode({'code': code, 'state': query.get('state', [''])[0]})}"

    # Tokens ---------------------------------------------------------------------------------------------------------

    def team_of(self, token: str) -> str:
        """The team a call's token belongs to; Slack's error when it is not a live token."""
        from tests.fakes.slack import SlackError

        grant = self.grants.get(token)
        if grant is None:
            raise SlackError("invalid_auth")
        if grant.revoked:
            raise SlackError("token_revoked")
        if grant.expires_at is not None and self._fake.now() >= grant.expires_at:
            raise SlackError("token_expired")
        return grant.team

    def tokens_of(self, team_id: str) -> list[str]:
        return [grant.token for grant in self.grants.values() if grant.team == team_id]

    def oauth_v2_access(self, params: dict[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: a code exchanged for a bot token, or (rotation) a refresh token for a new one."""
        from tests.fakes.slack import SlackError

        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if not self.client_id or client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != self.client_secret:
            raise SlackError("bad_client_secret")
        if params.get("grant_type") == "refresh_token":
            team_id = self._refresh.pop(params.get("refresh_token") or "", None)
            if team_id is None:
                raise SlackError("invalid_refresh_token")
            team = self.teams[team_id]
            return {
                "ok": True,
                "token_type": "bot",
                "team": {"id": team.id, "name": team.name},
                **self._bot_grant(team_id),
            }
        team_id = self._codes.pop(params.get("code") or "", None)
        if team_id is None:
            raise SlackError("invalid_code")
        team = self.teams[team_id]
        return {
            "ok": True,
            "app_id": self.app_id,
            "authed_user": {"id": "U0KIM"},
            "scope": ",".join(sorted(self._fake.scopes)),
            "token_type": "bot",
            "bot_user_id": team.bot_user,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "is_enterprise_install": False,
            **self._bot_grant(team_id),
        }

    def grant(self, team_id: str) -> str:
        """A bot token of `team_id`, as an org-wide install's token serves each workspace of the org."""
        return str(self._bot_grant(team_id)["access_token"])

    def _bot_grant(self, team_id: str) -> dict[str, Any]:
        if self.lifetime is None:
            token = f"xoxb-{team_id}-{secrets.token_hex(8)}"
            self.grants[token] = Grant(token, team_id)
            return {"access_token": token}
        token = f"xoxe.xoxb-{team_id}-{secrets.token_hex(8)}"
        refresh = f"xoxe-1-{secrets.token_hex(12)}"
        self.grants[token] = Grant(token, team_id, expires_at=self._fake.now() + self.lifetime)
        self._refresh[refresh] = team_id
        return {"access_token": token, "refresh_token": refresh, "expires_in": int(self.lifetime)}

    # Removal --------------------------------------------------------------------------------------------------------

    async def uninstall(self, team_id: str) -> httpx.Response:
        """Someone removes the app from the team: every token of it is revoked, then `app_uninstalled` is sent."""
        self._revoke(team_id)
        return await self._deliver(team_id, {"type": "app_uninstalled"})

    async def revoke_bot(self, team_id: str) -> httpx.Response:
        """The team's bot token is revoked (`auth.revoke`, an admin): `tokens_revoked` is sent."""
        self._revoke(team_id)
        return await self._deliver(
            team_id, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [self.teams[team_id].bot_user]}}
        )

    async def event(self, team_id: str, event: dict[str, Any]) -> httpx.Response:
        """Deliver any event of the team to the app, signed as Slack signs it."""
        return await self._deliver(team_id, event)

    def _revoke(self, team_id: str) -> None:
        for grant in self.grants.values():
            if grant.team == team_id:
                grant.revoked = True
        self._refresh = {token: team for token, team in self._refresh.items() if team != team_id}

    async def _deliver(self, team_id: str, event: dict[str, Any]) -> httpx.Response:
        assert self.events_url, "call fake.installs.app(..., events_url=…) first"
        body = json.dumps(
            {
                "token": "verification-token-unused",
                "team_id": team_id,
                "api_app_id": self.app_id,
                "event": {**event, "event_ts": f"{time.time():.6f}"},
                "type": "event_callback",
                "event_id": f"Ev{secrets.token_hex(5).upper()}",
                "event_time": int(time.time()),
                "authorizations": [
                    {"team_id": team_id, "user_id": self.teams[team_id].bot_user, "is_bot": True, "enterprise_id": None}
                ],
            }
        )
        headers = {"Content-Type": "application/json", **signed_headers(body, self.signing_secret)}
        async with httpx.AsyncClient() as client:
            return await client.post(self.events_url, content=body, headers=headers)
