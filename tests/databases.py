"""Databases for tests: a fresh SQLite file, and (when TEST_DATABASE_URL is set) a fresh PostgreSQL schema."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import Database
from tests.migrated import migrated_sqlite

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
NO_PG = (
    "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test); .ci/run sets it"
)


async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(migrated_sqlite(tmp_path / "bot.db"))
    await database.migrate()
    yield database
    await database.dispose()


async def postgres_database() -> AsyncIterator[Database]:
    """A schema of its own on the test server, dropped afterwards, so tests never see each other's rows."""
    if not PG_URL:
        pytest.skip(NO_PG)
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await database.migrate()
        yield database
    finally:
        await database.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def another_replica(database: Database) -> Database:
    """A second engine on `database`'s PostgreSQL schema, as another replica of the bot would have."""
    async with database.engine.connect() as connection:
        schema = await connection.scalar(text("SELECT current_schema()"))
    return Database(database.url, connect_args={"server_settings": {"search_path": str(schema)}})


@pytest.fixture
async def postgresql() -> AsyncIterator[Database]:
    """A fresh PostgreSQL schema; the test is skipped without TEST_DATABASE_URL."""
    async for db in postgres_database():
        yield db


@pytest.fixture
async def replica(postgresql: Database) -> AsyncIterator[Database]:
    """A second replica's engine on the `postgresql` fixture's schema."""
    other = await another_replica(postgresql)
    yield other
    await other.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Each test using it runs on SQLite and on PostgreSQL."""
    source = sqlite_database(tmp_path) if request.param == "sqlite" else postgres_database()
    async for db in source:
        yield db
