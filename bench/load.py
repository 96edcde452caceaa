"""What a bench does to the bot: signed slash commands fired at once, schedules written straight into the
database, and the fake Slack's record of what arrived."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import insert

from bench.processes import SECRET
from bot.store.db import Database
from bot.store.tables import ScheduleRow
from tests.slack_payloads import block_action

# Distinct charts: several metrics and resources, each with many windows.
CHARTS = (
    '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01',
    '"Virtual Server:Memory Usage[Basic]" resource=web-02',
    '"Load Balancer:Active Connections" resource=web-lb',
    '"PostgreSQL(DBaaS):Replication Lag" resource=orders-db',
    '"PostgreSQL(DBaaS):Transactions Per Second" resource=orders-db',
)


def distinct_chart(n: int) -> str:
    """The n-th of as many different charts as needed: a different window for each lap of CHARTS, in whole
    hours, so that aligning windows to the period never makes two of them one request."""
    return f"{CHARTS[n % len(CHARTS)]} last {1 + n // len(CHARTS)}h"


def signed(body: str, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def slash_command(text: str, *, user: str, channel: str, response_url: str, n: int) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0TEAM001",
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": "/chart",
            "text": text,
            "response_url": response_url,
            "trigger_id": f"{n}.1.bench",
            "api_app_id": "A0BENCH",
        }
    )


async def fire_commands(bot_url: str, slack_url: str, count: int, *, users: int, channel: str) -> list[float]:
    """`count` signed /chart commands sent at once, as Slack would over connections it holds open; returns each
    one's acknowledgement time (request written → answer's first line read). Raw sockets keep the client's own
    overhead out of the figure."""
    host, port = bot_url.removeprefix("http://").split(":")
    requests = []
    for n in range(count):
        body = slash_command(
            distinct_chart(n),
            user=f"U{n % users:04d}",
            channel=channel,
            response_url=f"{slack_url}/commands/T0TEAM001/{n}/bench{n:06d}",
            n=n,
        )
        headers = "".join(f"{k}: {v}\r\n" for k, v in signed(body).items())
        requests.append(
            f"POST /slack/events HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}Content-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n{body}".encode()
        )
    connections = await asyncio.gather(*(asyncio.open_connection(host, int(port)) for _ in range(count)))
    sent = [0.0] * count
    for n, (_, writer) in enumerate(connections):
        sent[n] = time.perf_counter()
        writer.write(requests[n])

    async def answer(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> float:
        status = await reader.readline()
        took = time.perf_counter() - sent[n]
        await reader.read()
        writer.close()
        if b" 200 " not in status:
            raise RuntimeError(f"the bot answered {status.decode().strip()}")
        return took

    return list(await asyncio.gather(*(answer(n, r, w) for n, (r, w) in enumerate(connections))))


INCIDENT, PERSON = "C0INCIDENT", "U0042"  # the channel of the storm's shortcut forms, and who fills them in


def _interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def type_ahead(n: int, view: dict[str, Any]) -> str:
    """A keystroke in the shortcut form's metric box (Slack asks for the options on each one)."""
    typed = ("cpu", "memory", "lag", "connections", "transactions")[n % 5]
    payload = {"type": "block_suggestion", "action_id": "metric", "block_id": "metric", "value": typed[: 1 + n % 4]}
    payload["action_ts"] = f"1700000000.{n:06d}"  # each keystroke is its own request (and signature)
    return _interaction({**payload, "team": {"id": "T0TEAM001"}, "user": {"id": "U0000"}, "view": view})


def modal_submission(n: int, view: dict[str, Any], *, user: str) -> str:
    """The shortcut form sent: a chart of CHARTS' metric for the thread the form was opened on."""
    metric = CHARTS[n % len(CHARTS)].split('" ')[0].strip('"')
    state = {
        "values": {
            "metric": {"metric": {"type": "external_select", "selected_option": {"value": metric}}},
            "window": {"window": {"type": "plain_text_input", "value": f"last {1 + n}h"}},
        }
    }
    submitted = {**view, "id": f"V{n:05d}", "state": state}
    return _interaction(
        {"type": "view_submission", "team": {"id": "T0TEAM001"}, "user": {"id": user}, "view": submitted}
    )


async def fire_spread(bot_url: str, bodies: list[str], *, over: float) -> list[float]:
    """Send the signed form `bodies` one after another, evenly spread over `over` seconds, each on its own
    connection; returns each one's acknowledgement time (request written → status line read)."""
    gap = over / max(len(bodies), 1)

    async def one(n: int, body: str) -> float:
        await asyncio.sleep(n * gap)
        _, took = await post_signed(bot_url, body)
        return took

    return list(await asyncio.gather(*(one(n, body) for n, body in enumerate(bodies))))


async def post_signed(bot_url: str, body: str) -> tuple[float, float]:
    """Send one signed form `body` to the bot on its own connection; returns when it was sent (time.time()) and
    its acknowledgement time (request written → status line read)."""
    host, port = bot_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    headers = "".join(f"{k}: {v}\r\n" for k, v in signed(body).items())
    sent_at, started = time.time(), time.perf_counter()
    writer.write(
        f"POST /slack/events HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}Content-Length: {len(body.encode())}\r\n"
        f"Connection: close\r\n\r\n{body}".encode()
    )
    status = await reader.readline()
    took = time.perf_counter() - started
    await reader.read()
    writer.close()
    if b" 200 " not in status:
        raise RuntimeError(f"the bot answered {status.decode().strip()}")
    return sent_at, took


def chart_click(
    n: int, message: dict[str, Any], channel: str, action_id: str, value: str | None, *, user: str, slack_url: str
) -> str:
    """`user`'s click on the control `action_id` (a menu: its option `value`) of the chart `message` in `channel`
    (as the fake Slack shows it): the form body of Slack's block_actions request."""
    response_url = f"{slack_url}/commands/T0TEAM001/{n}/click{n:06d}"
    return _interaction(block_action(message, action_id, value, user=user, channel=channel, response_url=response_url))


async def message_of(
    slack_url: str, channel: str, ts: str, *, after_edits: int = -1, within: float = 0
) -> dict[str, Any]:
    """The fake Slack's message `ts` in `channel` (`message`, `edits`, `edited_at`); with `after_edits`, once it
    has more edits than that (or `within` seconds have passed)."""
    query: dict[str, str | int | float] = {"channel": channel, "ts": ts, "edits": after_edits, "within": within}
    timeout = aiohttp.ClientTimeout(total=within + 30)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"{slack_url}/_fake/message", params=query) as response,
    ):
        return dict(await response.json())


async def slack_stats(slack_url: str, *, brief: bool = False) -> dict[str, Any]:
    query = "?brief=1" if brief else ""
    async with aiohttp.ClientSession() as session, session.get(f"{slack_url}/_fake/stats{query}") as response:
        return dict(await response.json())


async def sandbox_stats(sandbox_url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(f"{sandbox_url}/_sandbox/stats") as response:
        return dict(await response.json())


async def wait_for_posts(slack_url: str, count: int, *, within: float) -> dict[str, Any]:
    """Poll the fake Slack until `count` posts arrived (or `within` seconds passed); returns its stats."""
    deadline = time.monotonic() + within
    while True:
        arrived = (await slack_stats(slack_url, brief=True))["count"]
        if arrived >= count or time.monotonic() > deadline:
            return await slack_stats(slack_url)
        await asyncio.sleep(0.25)


async def wait_for_schedules(bot_url: str, count: int, *, within: float) -> bool:
    """Poll the bot's /readyz until its `process` says `count` schedules are loaded."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.get(f"{bot_url}/readyz") as response:
                if (await response.json()).get("process", {}).get("schedules") == count:
                    return True
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)


@dataclass(frozen=True)
class Seed:
    chart_text: str
    channel_id: str
    at: datetime  # its first run; then every day at that time
    workspace: str = ""  # the Slack workspace it posts into ("": the single-workspace setup)


async def seed_schedules(database_url: str, seeds: list[Seed]) -> None:
    """Write schedules straight into a migrated database, as many users' `schedule` commands would have."""
    database = Database(database_url)
    try:
        await database.migrate()
        created = datetime.now(UTC) - timedelta(days=1)
        # `every 1d` anchored a day before `at`: the first run falls at `at` to the second, for all of them.
        rows = [
            {
                "channel_id": seed.channel_id,
                "owner_id": f"U{n % 97:04d}",
                "label": seed.chart_text.split(" last ")[0].replace('"', "")[:200],
                "chart_text": seed.chart_text,
                "when_text": "every 1d",
                "interval_seconds": 86400,
                "cron": None,
                "timezone": "UTC",
                "anchor": seed.at - timedelta(days=1),
                "paused": False,
                "consecutive_failures": 0,
                "version": 1,
                "created_at": created,
                "updated_at": created,
                "workspace": seed.workspace,
            }
            for n, seed in enumerate(seeds)
        ]
        async with database.engine.begin() as connection:
            for start in range(0, len(rows), 1000):
                await connection.execute(insert(ScheduleRow), rows[start : start + 1000])
    finally:
        await database.dispose()
