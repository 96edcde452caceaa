"""SCP accounts per workspace: the secret key stored only sealed (never in the SQLite file's bytes), listed without it,
one name per workspace, channel defaults cleared with their account; rotate-key reseals them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import load_settings
from bot.errors import UserError
from bot.servicewatch.accounts import Account
from bot.store import Database
from bot.store.accounts import ScpAccounts
from bot.store.sealing import Sealer, SealError, new_key, rotate
from bot.store.tables import ScpAccountRow
from bot.wiring import open_services

SECRET = "scp-secret-KEY-do-not-leak-0123456789"
PROD = Account(name="Prod", access_key="AK-PROD-1234", secret_key=SECRET, region="kr-west1", environment="e")
STAGING = Account(name="staging", access_key="AK-STG-9876", secret_key="stg-secret", region="kr-east1", environment="s")


async def test_an_account_is_stored_sealed_and_listed_without_its_secret(database: Database) -> None:
    accounts = ScpAccounts(database, Sealer([new_key()]))
    info = await accounts.add("T1", PROD, added_by="U1")
    assert (info.name, info.key_tail, info.region) == ("prod", "1234", "kr-west1")
    assert SECRET not in repr(info)
    assert SECRET not in repr(PROD)
    async with database.sessions() as session:
        stored = await session.scalar(select(ScpAccountRow.secret_key))
    assert stored is not None
    assert SECRET not in stored
    assert stored.startswith("fernet:")
    opened = await accounts.get("T1", "PROD")
    assert opened is not None
    assert opened.secret_key == SECRET
    assert opened.name == "prod"
    assert await accounts.get("T2", "prod") is None  # another workspace's account is not this one's
    assert [a.name for a in await accounts.listed("T1")] == ["prod"]


async def test_one_name_per_workspace(database: Database) -> None:
    accounts = ScpAccounts(database, Sealer([new_key()]))
    await accounts.add("T1", PROD, added_by="U1")
    await accounts.add("T2", PROD, added_by="U1")  # the same name in another workspace is another account
    with pytest.raises(UserError, match="already an SCP account named `prod`"):
        await accounts.add("T1", PROD, added_by="U2")
    assert await accounts.names("T1") == ["prod"]


async def test_channel_defaults_follow_their_account(database: Database) -> None:
    accounts = ScpAccounts(database, Sealer([new_key()]))
    await accounts.add("T1", PROD, added_by="U1")
    await accounts.add("T1", STAGING, added_by="U1")
    assert await accounts.channel_default("T1", "C1") is None
    await accounts.set_channel_default("T1", "C1", "staging", set_by="U1")
    await accounts.set_channel_default("T1", "C1", "prod", set_by="U1")
    await accounts.set_channel_default("T1", "C2", "staging", set_by="U1")
    assert await accounts.channel_default("T1", "C1") == "prod"
    assert await accounts.channel_default("T2", "C1") is None
    assert await accounts.remove("T1", "staging") is True
    assert await accounts.remove("T1", "staging") is False
    assert await accounts.channel_default("T1", "C2") is None  # its default went with it
    assert await accounts.channel_default("T1", "C1") == "prod"


async def test_without_secrets_keys_nothing_is_stored(database: Database) -> None:
    accounts = ScpAccounts(database, Sealer([]))
    with pytest.raises(SealError, match="SECRETS_KEYS"):
        await accounts.add("T1", PROD, added_by="U1")
    assert await accounts.listed("T1") == []


async def test_rotate_key_reseals_account_secrets(database: Database) -> None:
    old, new = new_key(), new_key()
    await ScpAccounts(database, Sealer([old])).add("T1", PROD, added_by="U1")
    async with database.sessions.begin() as session:
        assert await rotate(session, Sealer([new, old])) == 1
    opened = await ScpAccounts(database, Sealer([new])).get("T1", "prod")
    assert opened is not None
    assert opened.secret_key == SECRET


async def test_the_secret_is_not_in_the_sqlite_file(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}")
    await database.migrate()
    try:
        await ScpAccounts(database, Sealer([new_key()])).add("T1", PROD, added_by="U1")
    finally:
        await database.dispose()
    data = _file_bytes(tmp_path, "plain.db*")
    assert b"AK-PROD-1234" in data  # the row is there …
    assert SECRET.encode() not in data  # … its secret is not


def _file_bytes(folder: Path, pattern: str) -> bytes:
    """The database file and its journals, as on disk."""
    return b"".join(path.read_bytes() for path in folder.glob(pattern))


@pytest.mark.parametrize(
    ("keys", "refusal"),
    [
        ([], "holds sealed secrets .* and SECRETS_KEYS is not set"),
        ([new_key()], "sealed with a key that is not in SECRETS_KEYS"),
    ],
)
async def test_the_bot_stops_at_start_when_no_key_opens_the_secrets(
    tmp_path: Path, keys: list[str], refusal: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    database = Database(url)
    await database.migrate()
    try:
        await ScpAccounts(database, Sealer([new_key()])).add("T1", PROD, added_by="U1")
    finally:
        await database.dispose()
    settings = load_settings(
        _env_file=None, servicewatch_sandbox=True, database_url=url, secrets_keys=",".join(keys) or None
    )
    with pytest.raises(SealError, match=refusal):
        async with open_services(settings):
            pass
