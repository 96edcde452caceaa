"""Benches of a bad day (issue 26), run when named: `python -m bench crash flood stalled`.

- crash: 50 signed /chart commands, SIGKILL 0.02 s, 0.3 s and 1 s after their acknowledgements (and SIGTERM 0.02 s
  after), a restart on the same database; how many were answered (posted, or their asker told).
- flood: 1,000 signed /chart commands at once on SQLite; every one answered, none left noted, no
  `database is locked` in the bot's log.
- stalled: 1,000 clients that send a header byte now and then; the bot's open descriptors while they hold on and
  after its idle timeout, and a signed command answered meanwhile."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import resource
import signal
import time

import aiohttp
from sqlalchemy import func, select

from bench import processes
from bench.benches import Figure, Knobs, _bot_with, _fresh_database, _reset
from bench.load import fire_commands, slack_stats, wait_for_posts
from bot.store import Database
from bot.store.tables import PendingRequestRow

BURST = 50
FAST_TAKEOVER = {"REQUEST_ORPHAN_AGE": "5s", "RETENTION_PENDING_REQUESTS": "1h"}


def _more_descriptors(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def _descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def _still_noted(database_url: str) -> int:
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(PendingRequestRow)) or 0)
    finally:
        await database.dispose()


async def _answered(slack_url: str) -> tuple[int, int]:
    stats = await slack_stats(slack_url)
    told = stats["responses"] + stats["calls"].get("chat.postEphemeral", 0)
    return len(stats["posts"]), told


async def _went_wrong(slack_url: str) -> int:
    """Answers that were an unexpected error ("Something went wrong (ref …)")."""
    async with aiohttp.ClientSession() as session, session.get(f"{slack_url}/_fake/responses") as response:
        answers = (await response.json())["responses"]
    return sum("Something went wrong" in str(answer.get("text", "")) for answer in answers)


CRASHES = [(signal.SIGKILL, delay, latency) for delay in (0.02, 0.3, 1.0) for latency in (0.05, 2.0)] + [
    (signal.SIGTERM, 0.02, latency) for latency in (0.05, 2.0)
]


async def crash(knobs: Knobs) -> list[Figure]:
    return [await _crash(knobs, stop, delay, latency) for stop, delay, latency in CRASHES]


async def _crash(knobs: Knobs, stop: signal.Signals, delay: float, latency: float) -> Figure:
    name = f"crash-{stop.name}-{delay:g}s-{latency:g}"
    workdir = knobs.workdir / name
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = await _fresh_database(knobs, name, workdir)
    servicewatch = processes.sandbox(workdir, latency=latency)
    slack = processes.fake_slack(workdir, uploads_per_minute=6000)
    settings = {**FAST_TAKEOVER, "SLACK_UPLOADS_PER_MINUTE": "6000"}
    bot = processes.bot(workdir, slack=slack, servicewatch=servicewatch, database_url=database_url, **settings)
    with processes.running(slack, servicewatch):
        with processes.running(bot):
            await fire_commands(bot.url, slack.url, BURST, users=BURST, channel="C0INCIDENT")
            await asyncio.sleep(delay)
            bot.popen.send_signal(stop)
            bot.popen.wait()
        before = await _answered(slack.url)
        again = processes.bot(
            workdir, slack=slack, servicewatch=servicewatch, database_url=database_url, name="restarted",
            **settings,
        )  # fmt: skip
        with processes.running(again):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                posted, told = await _answered(slack.url)
                if posted + told >= BURST and await _still_noted(database_url) == 0:
                    break
                await asyncio.sleep(0.5)
        posted, told = await _answered(slack.url)
        wrong = await _went_wrong(slack.url)
    unanswered = max(0, BURST - posted - told)
    return Figure(
        "crash",
        f"{stop.name} {delay:g} s after {BURST}, ServiceWatch {latency:g} s",
        f"{posted} posted, {told} told ({wrong} 'went wrong'), {unanswered} unanswered; {before[0]} posted before",
        "0 unanswered, 0 wrong",
        "",
        unanswered == 0 and wrong == 0,
    )


async def flood(knobs: Knobs) -> list[Figure]:
    count = knobs.scaled(1000, 200)
    _more_descriptors(count + 256)
    paced = dataclasses.replace(knobs, uploads_per_minute=10000)  # the database's pace, not Slack's, is measured
    servicewatch, slack, bot = await _bot_with(paced, "flood", latency=0.2, BOT_HTTP_MAX_CONNECTIONS=str(count + 100))
    with processes.running(bot, slack, servicewatch):
        await _reset(slack.url)
        started = time.monotonic()
        acks = await fire_commands(bot.url, slack.url, count, users=50, channel="C0INCIDENT")
        stats = await wait_for_posts(slack.url, count, within=600)
        took = time.monotonic() - started
        await asyncio.sleep(1)
    delivered = len(stats["posts"])
    assert paced.database_url is not None
    left = await _still_noted(paced.database_url)
    locked = bot.log.read_text().count("database is locked")
    return [
        Figure(
            "flood",
            f"{count} commands at once on SQLite: charts",
            f"{delivered}/{count}",
            "all",
            "",
            delivered == count,
        ),
        Figure("flood", "acknowledgement max", f"{max(acks) * 1000:.0f} ms", "", "Slack's 3 s", max(acks) < 3),
        Figure("flood", "all posted after", f"{took:.1f} s", "", "", None),
        Figure("flood", "left noted after all were answered", str(left), "0", "", left == 0),
        Figure("flood", "`database is locked` in the log", str(locked), "0", "", locked == 0),
    ]


async def _trickle(host: str, port: int, until: asyncio.Event) -> bool:
    """A client sending a header byte every second; True when the bot closed it."""
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return True
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    try:
        while not until.is_set():
            if reader.at_eof():
                return True
            writer.write(b"X")
            await writer.drain()
            try:
                await asyncio.wait_for(reader.read(1), 1.0)
            except TimeoutError:
                continue
            return True
    except (ConnectionError, OSError):
        return True
    finally:
        writer.close()
    return False


async def stalled(knobs: Knobs) -> list[Figure]:
    count = knobs.scaled(1000, 200)
    _more_descriptors(count + 256)
    servicewatch, slack, bot = await _bot_with(
        dataclasses.replace(knobs, uploads_per_minute=6000), "stalled", latency=0.05
    )
    with processes.running(bot, slack, servicewatch):
        host, port = bot.url.removeprefix("http://").split(":")
        idle = _descriptors(bot.pid)
        until = asyncio.Event()
        clients = [asyncio.create_task(_trickle(host, int(port), until)) for _ in range(count)]
        await asyncio.sleep(3)
        holding = _descriptors(bot.pid)
        acks = await fire_commands(bot.url, slack.url, 1, users=1, channel="C0WARM")
        posted = await wait_for_posts(slack.url, 1, within=60)
        await asyncio.sleep(20)  # past the idle timeout (15 s)
        after = _descriptors(bot.pid)
        until.set()
        closed = sum(await asyncio.gather(*clients))
    return [
        Figure("stalled", "bot descriptors, idle", str(idle), "", "", None),
        Figure("stalled", f"bot descriptors, {count} stalled clients holding on", str(holding), "", "", None),
        Figure(
            "stalled",
            "a signed /chart meanwhile",
            f"ack {acks[0] * 1000:.0f} ms, {len(posted['posts'])} posted",
            "posted",
            "",
            bool(posted["posts"]),
        ),
        Figure("stalled", "bot descriptors 20 s later", str(after), f"≤ {idle + 10}", "", after <= idle + 10),
        Figure("stalled", "clients closed by the bot", f"{closed}/{count}", "all", "", closed == count),
    ]


BAD_DAY = {"crash": crash, "flood": flood, "stalled": stalled}
