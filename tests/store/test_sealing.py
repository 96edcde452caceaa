"""Secrets sealed at rest: what is stored opens only with a key of SECRETS_KEYS, never reads as plain text, and
`rotate` reseals every value with the newest key; with no key, or a wrong one, the refusal names the setting."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from bot.store import Database
from bot.store.sealing import PREFIX, SealedColumn, Sealer, SealError, check_keys, new_key, rotate

SECRET = "xoxb-1234-5678-abcdefSECRET"

metadata = MetaData()
VAULT = Table("test_vault", metadata, Column("id", Integer, primary_key=True), Column("sealed", String(500)))
COLUMNS = [SealedColumn(VAULT, VAULT.c.sealed, "A test secret")]


async def stored(database: Database) -> list[str]:
    async with database.sessions() as session:
        return list((await session.execute(select(VAULT.c.sealed).order_by(VAULT.c.id))).scalars())


@pytest.fixture
async def vault(database: Database) -> Database:
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return database


def test_a_sealed_secret_opens_and_is_not_plain_text() -> None:
    sealer = Sealer([new_key()])
    sealed = sealer.seal(SECRET)
    assert sealed.startswith(PREFIX)
    assert SECRET not in sealed
    assert sealer.open(sealed) == SECRET


@pytest.mark.parametrize(
    ("keys", "action", "message"),
    [
        ([], "seal", "SECRETS_KEYS is not set"),
        ([], "open", "SECRETS_KEYS is not set"),
        (["not-a-key"], "build", "SECRETS_KEYS: key 1 is not a Fernet key"),
        ([new_key()], "open", "sealed with a key that is not in SECRETS_KEYS"),
    ],
)
def test_refusals_name_the_setting(keys: list[str], action: str, message: str) -> None:
    sealed = Sealer([new_key()]).seal(SECRET)

    def attempt() -> str:
        sealer = Sealer(keys)
        return sealer.seal(SECRET) if action == "seal" else sealer.open(sealed)

    with pytest.raises(SealError, match=message) as refused:
        attempt()
    assert SECRET not in str(refused.value)


def test_a_plain_value_is_never_taken_for_a_sealed_one() -> None:
    with pytest.raises(SealError, match="not sealed"):
        Sealer([new_key()]).open(SECRET)


async def test_rotation_reseals_every_value_with_the_newest_key(vault: Database) -> None:
    old, new = new_key(), new_key()
    async with vault.sessions.begin() as session:
        for n in range(3):
            await session.execute(insert(VAULT).values(sealed=Sealer([old]).seal(f"{SECRET}-{n}")))
    async with vault.sessions.begin() as session:
        assert await rotate(session, Sealer([new, old]), COLUMNS) == 3
    values = await stored(vault)
    assert [Sealer([new]).open(value) for value in values] == [f"{SECRET}-{n}" for n in range(3)]
    async with vault.sessions() as session:
        with pytest.raises(SealError, match="SECRETS_KEYS"):
            await check_keys(session, Sealer([old]), COLUMNS)  # the old key alone no longer opens them
        assert await check_keys(session, Sealer([new]), COLUMNS) == 3


async def test_rotation_with_a_missing_key_writes_nothing(vault: Database) -> None:
    lost = new_key()
    async with vault.sessions.begin() as session:
        await session.execute(insert(VAULT).values(sealed=Sealer([lost]).seal(SECRET)))
    before = await stored(vault)
    with pytest.raises(SealError, match="not in SECRETS_KEYS"):
        async with vault.sessions.begin() as session:
            await rotate(session, Sealer([new_key()]), COLUMNS)
    assert await stored(vault) == before
