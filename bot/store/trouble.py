"""A database that fails loudly: a SQLite file that is deleted, replaced, read-only or on a full disk is found before
anything is written to it (a file deleted under the bot would take every later write with it at restart), and a
failure of the database is named in a few words, for `/readyz` and for the asker."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

FULL_BELOW = 16 * 1024 * 1024  # bytes free under which the disk counts as full (SQLite needs room for its WAL)

GONE, REPLACED, READ_ONLY, FULL, BUSY, UNREACHABLE, REFUSED = (
    "gone",
    "replaced",
    "read-only",
    "full",
    "busy",
    "unreachable",
    "refused",
)


class DatabaseTrouble(Exception):
    """The database cannot be trusted with a write; `kind` is one of the names above, the text says which file."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


class SqliteFile:
    """The file a SQLite database was opened on, checked before every transaction (a few system calls)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity: tuple[int, int] | None = None

    def check(self) -> None:
        """Raise DatabaseTrouble when the file is gone, replaced, read-only or its disk is full."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            if self._identity is None:
                return  # not made yet: the first connection makes it
            raise DatabaseTrouble(GONE, f"{self.path} was deleted while the bot runs") from None
        identity = (status.st_dev, status.st_ino)
        if self._identity is None:
            self._identity = identity
        elif identity != self._identity:
            raise DatabaseTrouble(REPLACED, f"{self.path} was replaced by another file while the bot runs")
        disk = os.statvfs(self.path.parent)
        if disk.f_flag & os.ST_RDONLY or not os.access(self.path, os.W_OK):
            raise DatabaseTrouble(READ_ONLY, f"{self.path} is read-only")
        if disk.f_bavail * disk.f_frsize < FULL_BELOW:
            raise DatabaseTrouble(FULL, f"the disk of {self.path} is full")


def trouble_of(error: BaseException) -> str | None:
    """The kind of database trouble `error` is (see the names above), or None when it is not the database's."""
    for cause in _chain(error):
        if isinstance(cause, DatabaseTrouble):
            return cause.kind
        if isinstance(cause, PoolTimeout):
            return BUSY
        if isinstance(cause, ConnectionError | socket.gaierror):
            return UNREACHABLE
        text = str(cause).lower()
        if isinstance(cause, DBAPIError) or type(cause).__module__.startswith(("sqlite3", "asyncpg", "aiosqlite")):
            for words, kind in _WORDS:
                if any(word in text for word in words):
                    return kind
            return REFUSED
    return None


_WORDS = (
    (("disk is full", "no space left", "disk i/o error"), FULL),
    (("readonly", "read-only", "read only"), READ_ONLY),
    (("unable to open database", "no such table"), GONE),
    (("database is locked", "too many clients", "timeout"), BUSY),
    (("connection refused", "connection was closed", "cannot connect", "connection reset"), UNREACHABLE),
)


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen
