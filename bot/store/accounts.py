"""SCP accounts per workspace, their secret keys stored only sealed (bot/store/sealing.py), and each channel's default
account. Nothing here shows a secret: listings carry the access key's last four characters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from bot.errors import UserError
from bot.i18n import _
from bot.servicewatch.accounts import Account, check_account_name
from bot.store.db import Database, as_utc
from bot.store.sealing import Sealer, sealed_column
from bot.store.tables import ChannelAccountRow, ScpAccountRow

WHAT = "An SCP account's secret key"
sealed_column(ScpAccountRow.__table__, "secret_key", WHAT)  # type: ignore[arg-type]
_NAMES = (
    select(ScpAccountRow.name).where(ScpAccountRow.workspace == bindparam("p_workspace")).order_by(ScpAccountRow.name)
)


@dataclass(frozen=True)
class AccountInfo:
    """What may be shown of an account: never its secret key, and of its access key only the last four."""

    workspace: str
    name: str
    region: str
    environment: str
    account_id: str
    key_tail: str
    added_by: str
    created_at: datetime


def _info(row: ScpAccountRow) -> AccountInfo:
    return AccountInfo(
        row.workspace,
        row.name,
        row.region,
        row.environment,
        row.account_id,
        row.access_key[-4:],
        row.added_by,
        as_utc(row.created_at),
    )


class ScpAccounts:
    """Every workspace's SCP accounts and its channels' default accounts."""

    def __init__(
        self, database: Database, sealer: Sealer, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = database.sessions
        self._single = database.single_statements
        self._sealer = sealer
        self._clock = clock

    async def add(self, workspace: str, account: Account, *, added_by: str) -> AccountInfo:
        """Store `account` for `workspace`, its secret key sealed (SealError naming SECRETS_KEYS when no key is set);
        UserError when the workspace has an account of that name."""
        name = check_account_name(account.name)
        sealed = self._sealer.seal(account.secret_key, what=WHAT)
        row = ScpAccountRow(
            workspace=workspace,
            name=name,
            access_key=account.access_key,
            secret_key=sealed,
            region=account.region,
            environment=account.environment,
            account_id=account.account_id,
            added_by=added_by,
            created_at=self._clock(),
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            raise UserError(
                _("There is already an SCP account named `{name}`; remove it first or pick another name.").format(
                    name=name
                )
            ) from None
        return _info(row)

    async def listed(self, workspace: str | None) -> list[AccountInfo]:
        """The workspace's accounts by name (None: every workspace's, by workspace and name)."""
        query = select(ScpAccountRow).order_by(ScpAccountRow.workspace, ScpAccountRow.name)
        if workspace is not None:
            query = query.where(ScpAccountRow.workspace == workspace)
        async with self._sessions() as session:
            return [_info(row) for row in await session.scalars(query)]

    async def names(self, workspace: str) -> list[str]:
        """The workspace's account names, sorted. Asked before every chart: one statement built once, no
        transaction around it, no row objects."""
        async with self._single.connect() as connection:
            return list((await connection.scalars(_NAMES, {"p_workspace": workspace})).all())

    async def get(self, workspace: str, name: str) -> Account | None:
        """The account with its secret key opened (to build a client), or None."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(ScpAccountRow).where(ScpAccountRow.workspace == workspace, ScpAccountRow.name == name.lower())
            )
        if row is None:
            return None
        return Account(
            name=row.name,
            access_key=row.access_key,
            secret_key=self._sealer.open(row.secret_key, what=WHAT),
            region=row.region,
            environment=row.environment,
            account_id=row.account_id,
        )

    async def remove(self, workspace: str, name: str) -> bool:
        """Remove an account and every channel default naming it; False when there was none."""
        async with self._sessions.begin() as session:
            gone = await session.execute(
                delete(ScpAccountRow).where(ScpAccountRow.workspace == workspace, ScpAccountRow.name == name.lower())
            )
            await session.execute(
                delete(ChannelAccountRow).where(
                    ChannelAccountRow.workspace == workspace, ChannelAccountRow.account == name.lower()
                )
            )
        return bool(gone.rowcount)  # type: ignore[attr-defined]

    async def set_channel_default(self, workspace: str, channel_id: str, name: str, *, set_by: str = "") -> None:
        """Make `name` the account of the channel's charts that name none (the caller checked it exists)."""
        async with self._sessions.begin() as session:
            row = await session.get(ChannelAccountRow, (workspace, channel_id))
            if row is None:
                session.add(
                    ChannelAccountRow(
                        workspace=workspace,
                        channel_id=channel_id,
                        account=name.lower(),
                        set_by=set_by,
                        updated_at=self._clock(),
                    )
                )
            else:
                row.account, row.set_by, row.updated_at = name.lower(), set_by, self._clock()

    async def channel_default(self, workspace: str, channel_id: str) -> str | None:
        """The channel's default account's name, or None."""
        async with self._sessions() as session:
            row = await session.get(ChannelAccountRow, (workspace, channel_id))
            return row.account if row is not None else None
