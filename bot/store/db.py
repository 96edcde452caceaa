"""Opening the database and bringing its schema up to date with Alembic."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.i18n import _
from bot.store.trouble import DatabaseTrouble, SqliteFile, trouble_of

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Alembic's configuration for `url`, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def as_utc(moment: datetime) -> datetime:
    """Datetimes are stored in UTC; SQLite gives them back without a zone, so put it back."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_WRITE_LOCKS = 72657302  # the advisory lock space of `lock_for_writing` (the migrations' lock is another space)


async def lock_for_writing(session: AsyncSession, name: str) -> None:
    """Hold off other writers of `name` until this transaction ends, so what it read stays true until it writes (a
    count, then an insert). PostgreSQL: an advisory lock on `name`. SQLite: the database's write lock (its only
    lock), which must be the transaction's first statement."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:name))"), {"space": _WRITE_LOCKS, "name": name}
        )
    else:
        await session.execute(text("BEGIN IMMEDIATE"))


def insert_unless_present(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """`INSERT … ON CONFLICT DO NOTHING` in `dialect`: a row whose key is taken is skipped instead of raising. Claims
    collide by design, and PostgreSQL writes every unique violation to its server log as an ERROR."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


class Database:
    """The engine and session factory for one database URL."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        parsed = make_url(url)
        self.file: SqliteFile | None = None
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
                self.file = SqliteFile(Path(database).resolve())
        self.engine: AsyncEngine = create_async_engine(url, **engine_options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        if self.file is not None:  # nothing is written to a file that is gone, replaced, read-only or full
            checked = self.file
            event.listen(self.engine.sync_engine, "begin", lambda _connection: checked.check())
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(self.engine, expire_on_commit=False)
        # For statements that need no transaction around them: on PostgreSQL each commits by itself, sparing the BEGIN
        # and COMMIT round trips; on SQLite the engine (switching its driver's mode is a call to its thread each way).
        self.single_statements: AsyncEngine = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if parsed.get_backend_name() == "postgresql"
            else self.engine
        )

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    async def migrate(self) -> None:
        """Apply every migration not yet applied."""
        async with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # replicas starting together migrate one at a time
                await connection.execute(text("SELECT pg_advisory_xact_lock(72657301)"))
            await connection.run_sync(_upgrade, self.url)

    async def ping(self) -> None:
        """One `SELECT 1`; raises when the database cannot be reached."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def checkpoint(self) -> None:
        """SQLite: move the WAL into the database file and empty it (`wal_checkpoint(TRUNCATE)`); PostgreSQL: no-op."""
        if self.engine.dialect.name != "sqlite":
            return
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def problem(self) -> str | None:
        """Why the database cannot be trusted with a write now, in words for `/readyz`; None when it can."""
        try:
            if self.file is not None:
                self.file.check()
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
                if connection.dialect.name == "postgresql":
                    read_only = await connection.scalar(text("SHOW transaction_read_only"))
                    if read_only == "on":
                        return "read-only (transaction_read_only is on: a standby, or a read-only default)"
        except DatabaseTrouble as trouble:
            return str(trouble)
        except Exception as error:  # whatever the driver raises, the database is not usable
            kind = trouble_of(error)
            return f"SELECT 1 failed ({type(error).__name__})" + (f": {kind}" if kind else "")
        return None

    async def dispose(self) -> None:
        await self.engine.dispose()


def _upgrade(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL is still safe against the process crashing; only a power cut can undo the last commits.
    # FULL would wait for the disk on every commit, and a burst of requests queues behind those waits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def cannot_migrate(url: str, error: Exception) -> str:
    """What to do when the database at `url` cannot be brought up to date (its password hidden)."""
    shown = make_url(url).render_as_string(hide_password=True)
    return _("Could not migrate {url}: {error}. Check DATABASE_URL and that the server runs.").format(
        url=shown, error=error
    )


async def migrate(url: str) -> None:
    """Bring the database at `url` up to date (what `python -m bot migrate` does)."""
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.dispose()
