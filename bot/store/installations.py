"""The Slack app's installations (OAuth) in the bot's own database: one per workspace key (bot/workspace_keys.py: the
team id, or the enterprise id of an org-wide install), every token sealed with SECRETS_KEYS (bot/store/sealing.py).
`SlackInstallations` is slack_sdk's `AsyncInstallationStore`; `OAuthStates` its `AsyncOAuthStateStore`."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import ColumnElement, Select, Table, delete, or_, select

from bot.store.db import Database, as_utc, insert_unless_present
from bot.store.sealing import Sealer, sealed_column
from bot.store.tables import InstallationRow, OAuthStateRow
from bot.workspace_keys import workspace_key

log = logging.getLogger(__name__)

SEALED = {
    "bot_token": "A Slack bot token",
    "bot_refresh_token": "A Slack refresh token",
    "user_token": "A Slack user token",
    "user_refresh_token": "A Slack user refresh token",
}
for _name, _what in SEALED.items():
    sealed_column(InstallationRow.__table__, _name, _what)  # type: ignore[arg-type]

Hook = Callable[[str], Awaitable[None]]
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def _key_of(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None) -> str:
    return workspace_key(enterprise_id, team_id, is_enterprise_install)


def _scopes(scopes: Sequence[str] | str | None) -> str:
    return scopes if isinstance(scopes, str) else ",".join(scopes or ())


class SlackInstallations(AsyncInstallationStore):
    """Installations kept by workspace key, tokens sealed. `listen` lets the app react to installs and uninstalls."""

    def __init__(self, database: Database, sealer: Sealer, *, clock: Clock = _now) -> None:
        self._sessions = database.sessions
        self._sealer = sealer
        self._clock = clock
        self._installed: list[Hook] = []
        self._uninstalled: list[Hook] = []

    @property
    def logger(self) -> logging.Logger:
        return log

    def listen(self, *, on_installed: Hook | None = None, on_uninstalled: Hook | None = None) -> None:
        """Call `on_installed(key)` after an install is saved, `on_uninstalled(key)` after its tokens are deleted."""
        if on_installed is not None:
            self._installed.append(on_installed)
        if on_uninstalled is not None:
            self._uninstalled.append(on_uninstalled)

    # Saving -------------------------------------------------------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        """Keep the workspace's newest installation (a reinstall replaces the tokens)."""
        key = _key_of(installation.enterprise_id, installation.team_id, installation.is_enterprise_install)
        async with self._sessions.begin() as session:
            row = await session.get(InstallationRow, key) or InstallationRow(workspace=key)
            row.enterprise_id, row.enterprise_name = installation.enterprise_id, installation.enterprise_name
            row.enterprise_url, row.team_id = installation.enterprise_url, installation.team_id
            row.team_name, row.app_id = installation.team_name, installation.app_id
            row.is_enterprise_install = bool(installation.is_enterprise_install)
            row.bot_id, row.bot_user_id = installation.bot_id, installation.bot_user_id
            row.bot_scopes = _scopes(installation.bot_scopes)
            row.bot_token = self._seal(installation.bot_token, "bot_token")
            row.bot_refresh_token = self._seal(installation.bot_refresh_token, "bot_refresh_token")
            row.bot_token_expires_at = installation.bot_token_expires_at
            row.user_id, row.user_scopes = installation.user_id, _scopes(installation.user_scopes)
            row.user_token = self._seal(installation.user_token, "user_token")
            row.user_refresh_token = self._seal(installation.user_refresh_token, "user_refresh_token")
            row.user_token_expires_at = installation.user_token_expires_at
            row.token_type = installation.token_type
            row.installed_at = self._clock()
            session.add(row)
        for hook in self._installed:
            await hook(key)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store a bot's new tokens (a rotation): only for a workspace still installed."""
        key = _key_of(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        async with self._sessions.begin() as session:
            row = await session.get(InstallationRow, key)
            if row is None:
                return
            row.bot_token = self._seal(bot.bot_token, "bot_token")
            row.bot_refresh_token = self._seal(bot.bot_refresh_token, "bot_refresh_token")
            row.bot_token_expires_at = bot.bot_token_expires_at

    # Finding ------------------------------------------------------------------------------------------------------

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The workspace's bot with its token opened, or None when the app is not installed there (or revoked)."""
        row = await self._row(enterprise_id, team_id, is_enterprise_install)
        if row is None or row.bot_token is None:
            return None
        return Bot(**self._bot_fields(row))

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The workspace's installation; asked for another user than the installer, without user tokens."""
        row = await self._row(enterprise_id, team_id, is_enterprise_install)
        if row is None or row.bot_token is None:
            return None
        installer = user_id is None or user_id == row.user_id
        return Installation(
            **self._bot_fields(row),
            enterprise_url=row.enterprise_url,
            user_id=(user_id or row.user_id or ""),
            user_token=self._open(row.user_token, "user_token") if installer else None,
            user_scopes=row.user_scopes if installer else "",
            user_refresh_token=self._open(row.user_refresh_token, "user_refresh_token") if installer else None,
            user_token_expires_at=row.user_token_expires_at if installer else None,
            token_type=row.token_type,
        )

    async def installed(self) -> list[str]:
        """The keys of every workspace the app is installed in."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(InstallationRow.workspace).where(InstallationRow.bot_token.is_not(None))
            )
            return sorted(rows)

    # Deleting -----------------------------------------------------------------------------------------------------

    async def async_delete_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> None:
        """The bot's tokens were revoked: the workspace is no longer installed."""
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> None:
        """A user's tokens were revoked (their token only), or, without `user_id`, the whole installation."""
        if user_id is None:
            await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
            return
        async with self._sessions.begin() as session:
            for row in await session.scalars(self._matching(enterprise_id, team_id)):
                if row.user_id == user_id:
                    row.user_token = row.user_refresh_token = row.user_token_expires_at = None

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The app was uninstalled: forget the installation and every token of it."""
        async with self._sessions.begin() as session:
            keys = list(
                await session.scalars(
                    self._matching(enterprise_id, team_id).with_only_columns(InstallationRow.workspace)
                )
            )
            if keys:
                await session.execute(delete(InstallationRow).where(InstallationRow.workspace.in_(keys)))
        for key in keys:
            for hook in self._uninstalled:
                await hook(key)

    # Inside -------------------------------------------------------------------------------------------------------

    async def _row(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> InstallationRow | None:
        async with self._sessions() as session:
            row = await session.get(InstallationRow, _key_of(enterprise_id, team_id, is_enterprise_install))
            if row is None and enterprise_id:  # a workspace of an org the app is installed in org-wide
                found = await session.get(InstallationRow, enterprise_id)
                row = found if found is not None and found.is_enterprise_install else None
            return row

    @staticmethod
    def _matching(enterprise_id: str | None, team_id: str | None) -> Select[InstallationRow]:
        """The installations an uninstall or revocation names: the team's own, or the org's org-wide one."""
        keys = [key for key in (team_id,) if key]
        where: list[ColumnElement[bool]] = [InstallationRow.workspace.in_(keys)] if keys else []
        if enterprise_id:
            where.append((InstallationRow.workspace == enterprise_id) & InstallationRow.is_enterprise_install.is_(True))
        if not where:
            return select(InstallationRow).where(InstallationRow.workspace.is_(None))
        return select(InstallationRow).where(or_(*where))

    def _bot_fields(self, row: InstallationRow) -> dict[str, Any]:
        """What a Bot and an Installation share, the bot's tokens opened."""
        return {
            "app_id": row.app_id,
            "enterprise_id": row.enterprise_id,
            "enterprise_name": row.enterprise_name,
            "team_id": row.team_id,
            "team_name": row.team_name,
            "bot_token": self._open(row.bot_token, "bot_token") or "",
            "bot_id": row.bot_id or "",
            "bot_user_id": row.bot_user_id or "",
            "bot_scopes": row.bot_scopes,
            "bot_refresh_token": self._open(row.bot_refresh_token, "bot_refresh_token"),
            "bot_token_expires_at": row.bot_token_expires_at,
            "is_enterprise_install": row.is_enterprise_install,
            "installed_at": as_utc(row.installed_at).timestamp(),
        }

    def _seal(self, token: str | None, column: str) -> str | None:
        return None if token is None else self._sealer.seal(token, what=SEALED[column])

    def _open(self, sealed: str | None, column: str) -> str | None:
        return None if sealed is None else self._sealer.open(sealed, what=SEALED[column])


STATES = cast(Table, OAuthStateRow.__table__)


class OAuthStates(AsyncOAuthStateStore):
    """The states /slack/install hands out, each good once, for `expires_in` seconds. A state is signed (its expiry,
    a nonce and an HMAC under `key`), so handing one out writes nothing: anyone may ask /slack/install as often as
    they like without growing the database. Only a state used by a callback is noted (its digest, until it would
    have expired), so it cannot be used twice."""

    def __init__(self, database: Database, key: str, *, expires_in: int = 600, clock: Clock = _now) -> None:
        self._sessions = database.sessions
        self._key = hashlib.sha256(b"oauth-state:" + key.encode()).digest()  # never the key itself
        self.expiration_seconds = expires_in
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        """A new state, good for `expires_in` seconds."""
        expires = int(self._clock().timestamp()) + self.expiration_seconds
        signed = f"{expires}.{secrets.token_urlsafe(16)}"
        return f"{signed}.{self._mac(signed)}"

    async def async_consume(self, state: str) -> bool:
        """Whether `state` is one this bot handed out, has not expired and was not used before; it cannot be used
        again. Used states are swept once they would have expired."""
        expires = self._expiry(state)
        now = self._clock()
        if expires is None or expires < now:
            return False
        async with self._sessions.begin() as session:
            await session.execute(delete(OAuthStateRow).where(OAuthStateRow.expires_at < now))
            used = insert_unless_present(session.get_bind().dialect.name, STATES).values(
                digest=_digest(state), expires_at=expires
            )
            taken = await session.execute(used.returning(STATES.c.digest))
            return taken.first() is not None

    def _mac(self, signed: str) -> str:
        return hmac.new(self._key, signed.encode(), hashlib.sha256).hexdigest()[:32]

    def _expiry(self, state: str) -> datetime | None:
        signed, _dot, mac = state.rpartition(".")
        stamp = signed.partition(".")[0]
        if not (mac and stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            return None
        if not hmac.compare_digest(self._mac(signed), mac):
            return None
        return datetime.fromtimestamp(int(stamp), UTC)


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()
