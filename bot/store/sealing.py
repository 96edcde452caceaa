"""Secrets sealed at rest: bot tokens, refresh tokens and SCP secret keys are stored only as Fernet tokens, so a dump
of the database holds nothing usable. `SECRETS_KEYS` lists Fernet keys, newest first: the first seals, every one
opens, so a key is rotated by putting the new one first, running `python -m bot rotate-key`, then dropping the old.

There is no plain-text fallback: without a key, nothing secret can be stored (`Sealer.require` says which setting to
set), and a database whose secrets no key opens stops the bot at start (`check_keys`)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Column, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import SettingsError

SETTING = "SECRETS_KEYS"
PREFIX = "fernet:"  # what a sealed value starts with: a plain value can never be mistaken for one


class SealError(SettingsError):
    """A secret cannot be sealed or opened with the keys given; the text names the setting and what to do."""


def derived_key(secret: str, purpose: str) -> str:
    """A Fernet key derived from `secret` for one `purpose` (HKDF-SHA256): the same in every replica that shares the
    secret, and useless for anything else."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret.encode())
    return base64.urlsafe_b64encode(key).decode()


def new_key() -> str:
    """A fresh key for `SECRETS_KEYS` (what `python -m bot new-key` prints)."""
    return Fernet.generate_key().decode()


class Sealer:
    """Seals and opens secrets with the keys of `SECRETS_KEYS`; with no keys it refuses both (never plain text)."""

    def __init__(self, keys: Sequence[str]) -> None:
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError):
                raise SealError(
                    f"{SETTING}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes). Make one "
                    "with `python -m bot new-key`."
                ) from None
        self._fernet = MultiFernet(fernets) if fernets else None
        self.count = len(fernets)

    @property
    def ready(self) -> bool:
        return self._fernet is not None

    def require(self, what: str) -> MultiFernet:
        """The keys, or a refusal naming the setting: `what` is the secret that could not be stored."""
        if self._fernet is None:
            raise SealError(
                f"{what} must be stored encrypted, and {SETTING} is not set. Make a key with `python -m bot new-key` "
                f"and set {SETTING} to it (keep it outside the database: whoever has both can read the secrets)."
            )
        return self._fernet

    def seal(self, secret: str, *, what: str = "A secret") -> str:
        """`secret` encrypted with the first key, marked as sealed."""
        return PREFIX + self.require(what).encrypt(secret.encode()).decode()

    def open(self, sealed: str, *, what: str = "A secret") -> str:
        """The secret of a sealed value; SealError when no key of `SECRETS_KEYS` opens it."""
        if not sealed.startswith(PREFIX):
            raise SealError(f"{what} in the database is not sealed; it was not written by this bot.")
        try:
            return self.require(what).decrypt(sealed[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SealError(
                f"{what} in the database was sealed with a key that is not in {SETTING}. Put that key back in "
                f"{SETTING} (newest first; several are accepted, comma-separated)."
            ) from None

    def reseal(self, sealed: str, *, what: str = "A secret") -> str:
        """The same secret sealed with the first key (key rotation)."""
        try:
            return PREFIX + self.require(what).rotate(sealed[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SealError(
                f"{what} in the database was sealed with a key that is not in {SETTING}; put it back to rotate."
            ) from None


@dataclass(frozen=True)
class SealedColumn:
    """A column that holds sealed values, for `rotate` and `check_keys`; `what` names it in messages."""

    table: Table
    column: Column[str]
    what: str


SEALED: list[SealedColumn] = []  # every sealed column, registered by the store module that owns its table


def sealed_column(table: Table, name: str, what: str) -> None:
    """Register `table.name` as sealed (a store module does this once, beside its table)."""
    SEALED.append(SealedColumn(table, table.c[name], what))


async def check_keys(session: AsyncSession, sealer: Sealer, columns: Sequence[SealedColumn] = SEALED) -> int:
    """Open one value of every sealed column: raises SealError (naming the setting) when the keys cannot. Returns how
    many sealed values there are, so a bot with secrets stored and no key stops at start."""
    total = 0
    for sealed in columns:
        values = (await session.execute(select(sealed.column).where(sealed.column.is_not(None)))).scalars().all()
        total += len(values)
        if values and not sealer.ready:
            raise SealError(
                f"The database holds sealed secrets ({sealed.what.lower()}), and {SETTING} is not set: set it to the "
                "key they were sealed with. Nothing is ever stored or read in plain text."
            )
        if values:
            sealer.open(values[0], what=sealed.what)
    return total


async def rotate(session: AsyncSession, sealer: Sealer, columns: Sequence[SealedColumn] = SEALED) -> int:
    """Reseal every sealed value with the first key of `SECRETS_KEYS`; returns how many were resealed. Opens them
    all first, so one that no key opens stops it before anything is written."""
    changes: list[tuple[SealedColumn, str, str]] = []
    for sealed in columns:
        for value in (await session.execute(select(sealed.column).where(sealed.column.is_not(None)))).scalars():
            changes.append((sealed, value, sealer.reseal(value, what=sealed.what)))
    for sealed, old, new in changes:
        await session.execute(update(sealed.table).where(sealed.column == old).values({sealed.column.name: new}))
    return len(changes)
