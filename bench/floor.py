"""`python -m bench.floor SANDBOX_URL SLACK_URL [DATABASE_URL]`: what the client libraries alone cost per call on
this machine, as the bot uses them (httpx over httpx-aiohttp's transport for ServiceWatch, aiohttp for Slack, the bot's
database settings), measured in a process of its own with no bot code: the floor under the CPU per chart."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, update

from bot.store.db import Database

ROUNDS = 400


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _per_call(call: Callable[[], Awaitable[object]], rounds: int = ROUNDS) -> float:
    for _ in range(20):  # warm connections and caches
        await call()
    started = _cpu()
    for _ in range(rounds):
        await call()
    return (_cpu() - started) / rounds


async def measure(sandbox_url: str, slack_url: str, database_url: str | None) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=sandbox_url, transport=AiohttpTransport()) as client:
        httpx_call = await _per_call(lambda: client.get("/_sandbox/health"))
    async with aiohttp.ClientSession() as session:

        async def get() -> object:
            async with session.get(f"{slack_url}/_fake/stats?brief=1") as response:
                return await response.read()

        aiohttp_call = await _per_call(get)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(database_url or f"sqlite+aiosqlite:///{Path(folder) / 'floor.db'}")  # the bot's settings
        engine = database.engine
        table = Table(
            f"floor_{os.getpid()}", MetaData(), Column("id", Integer, primary_key=True), Column("status", String(16))
        )
        async with engine.begin() as connection:
            await connection.run_sync(table.metadata.create_all)
        count = 0

        async def transaction() -> object:
            nonlocal count
            count += 1
            async with engine.begin() as connection:
                await connection.execute(insert(table).values(id=count, status="claimed"))
                return await connection.execute(update(table).where(table.c.id == count).values(status="posted"))

        db_transaction = await _per_call(transaction)
        async with engine.begin() as connection:
            await connection.run_sync(table.drop)
        await database.dispose()
    return {"httpx_call": httpx_call, "aiohttp_call": aiohttp_call, "db_transaction": db_transaction}


def main() -> None:
    figures = asyncio.run(measure(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
