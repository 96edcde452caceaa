"""A database that fails loudly (issue 26, item 9): a SQLite file deleted, replaced, read-only or on a full disk
makes /readyz fail naming it, nothing is accepted that cannot be stored, and the asker is told in words."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.chat import error_text
from bot.store import trouble
from bot.store.trouble import BUSY, FULL, GONE, READ_ONLY, REFUSED, REPLACED, DatabaseTrouble, SqliteFile, trouble_of
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'


def _delete(folder: Path) -> None:
    for path in folder.glob("bot.db*"):
        path.unlink()


def _made(path: Path) -> SqliteFile:
    path.write_bytes(b"")
    file = SqliteFile(path)
    file.check()  # its identity, as first opened
    return file


def test_a_file_that_is_there_and_writable_passes(tmp_path: Path) -> None:
    _made(tmp_path / "bot.db").check()


def test_a_deleted_file(tmp_path: Path) -> None:
    file = _made(tmp_path / "bot.db")
    (tmp_path / "bot.db").unlink()
    with pytest.raises(DatabaseTrouble) as raised:
        file.check()
    assert raised.value.kind == GONE
    assert "bot.db was deleted" in str(raised.value)


def test_a_replaced_file(tmp_path: Path) -> None:
    file = _made(tmp_path / "bot.db")
    (tmp_path / "other.db").write_bytes(b"")
    os.replace(tmp_path / "other.db", tmp_path / "bot.db")
    with pytest.raises(DatabaseTrouble) as raised:
        file.check()
    assert raised.value.kind == REPLACED


@pytest.mark.parametrize(
    ("read_only_mount", "writable", "free", "kind"),
    [
        (True, True, 10**9, READ_ONLY),
        (False, False, 10**9, READ_ONLY),
        (False, True, 1024, FULL),
        (False, True, 10**9, None),
    ],
)
def test_read_only_and_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only_mount: bool, writable: bool, free: int, kind: str | None
) -> None:
    file = _made(tmp_path / "bot.db")

    class Disk:
        f_flag = os.ST_RDONLY if read_only_mount else 0
        f_bavail, f_frsize = free, 1

    monkeypatch.setattr(trouble.os, "statvfs", lambda _path: Disk())
    monkeypatch.setattr(trouble.os, "access", lambda _path, _mode: writable)
    if kind is None:
        file.check()
        return
    with pytest.raises(DatabaseTrouble) as raised:
        file.check()
    assert raised.value.kind == kind


def _wrapped(message: str) -> OperationalError:
    try:
        raise sqlite3.OperationalError(message)
    except sqlite3.OperationalError as error:
        return OperationalError("INSERT …", {}, error)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_wrapped("database or disk is full"), FULL),
        (_wrapped("attempt to write a readonly database"), READ_ONLY),
        (_wrapped("unable to open database file"), GONE),
        (_wrapped("database is locked"), BUSY),
        (_wrapped("something else entirely"), REFUSED),
        (PoolTimeout("QueuePool limit of size 1 overflow 0 reached"), BUSY),
        (DatabaseTrouble(REPLACED, "x"), REPLACED),
        (ValueError("not the database's"), None),
    ],
)
def test_what_went_wrong_is_named(error: BaseException, kind: str | None) -> None:
    assert trouble_of(error) == kind


def test_the_asker_is_told_in_words() -> None:
    text, reference = error_text(_wrapped("database or disk is full"))
    assert "database disk is full" in text
    assert "nothing was changed" in text
    assert reference is not None
    assert reference in text


@pytest.mark.slow
async def test_a_database_file_deleted_under_the_bot(stack: BotStack, tmp_path: Path) -> None:
    assert (await stack.http.get(f"{stack.url}/readyz")).status_code == 200
    await asyncio.to_thread(_delete, tmp_path)
    ready: Any = None
    for _ in range(100):  # the readiness answer is kept a few seconds
        ready = await stack.http.get(f"{stack.url}/readyz")
        if ready.status_code == 503:
            break
        await asyncio.sleep(0.1)
    assert ready.status_code == 503
    assert "bot.db was deleted" in ready.json()["failing"]["database"]
    command = await stack.post_command(f"{CPU} last 1h")
    assert command.json()["response_type"] == "ephemeral"  # not taken: it could not be stored
    assert "not taken" in command.json()["text"]
    await stack.work.drain(5)
    assert stack.fake.posts == []
