"""The benches. Each starts what it needs, drives the bot, and returns its figures beside their goals."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import os
import re
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import processes
from bench.load import (
    INCIDENT,
    PERSON,
    Seed,
    chart_click,
    distinct_chart,
    fire_commands,
    fire_spread,
    message_of,
    modal_submission,
    post_signed,
    sandbox_stats,
    seed_schedules,
    slack_stats,
    slash_command,
    type_ahead,
    wait_for_posts,
    wait_for_schedules,
)
from bench.slack import bench_teams, team_channel, team_token
from bench.week import FULL_LOAD, TICK, simulate_week
from bot.charts.steering import PRESETS, decode_view
from bot.config import load_settings
from bot.durations import format_duration
from bot.slack.modal import chart_modal
from bot.store import Database
from bot.store.installations import SlackInstallations
from bot.store.retention import rules_from
from bot.store.sealing import Sealer, new_key


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: str
    goal: str
    limit: str
    met: bool | None  # None: reported, no goal


@dataclass
class Knobs:
    """What the workload and the bot are set to; quick mode shrinks the counts, not the rules."""

    quick: bool = False
    concurrency: int = 8  # SERVICEWATCH_MAX_CONCURRENCY (C)
    uploads_per_minute: float = 100.0  # Slack's Tier 4, enforced by the fake Slack and paced by the bot (R)
    profile: bool = False
    workdir: Path = field(default_factory=Path)
    postgres: str | None = None  # a PostgreSQL URL: each bench gets a fresh database there (default: SQLite)
    database_url: str | None = None  # the current bench's database
    created: list[str] = field(default_factory=list)  # databases to drop at the end
    misses: bool = False  # the language bench rewrites tests/language/corpus/misses.txt

    def scaled(self, full: int, quick: int) -> int:
        return quick if self.quick else full


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def _bot_with(
    knobs: Knobs,
    name: str,
    *,
    latency: float,
    seeds: list[Seed] | None = None,
    sandbox_alerts: int = 0,
    **settings: str,
) -> tuple[processes.Process, processes.Process, processes.Process]:
    workdir = knobs.workdir / name
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = knobs.database_url = await _fresh_database(knobs, name, workdir)
    if seeds:
        await seed_schedules(database_url, seeds)
    servicewatch = processes.sandbox(workdir, latency=latency, alerts=sandbox_alerts)
    slack = processes.fake_slack(workdir, uploads_per_minute=knobs.uploads_per_minute)
    bot = processes.bot(
        workdir,
        slack=slack,
        servicewatch=servicewatch,
        database_url=database_url,
        profile=knobs.profile,
        SERVICEWATCH_MAX_CONCURRENCY=str(knobs.concurrency),
        SLACK_UPLOADS_PER_MINUTE=str(knobs.uploads_per_minute),
        **settings,
    )
    return servicewatch, slack, bot


async def _fresh_database(knobs: Knobs, name: str, workdir: Path) -> str:
    if knobs.postgres is None:
        return f"sqlite+aiosqlite:///{workdir / 'bot.db'}"
    database = f"bench_{name}_{secrets.token_hex(3)}"
    admin = create_async_engine(knobs.postgres, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{database}"'))
    await admin.dispose()
    knobs.created.append(database)
    return knobs.postgres.rsplit("/", 1)[0] + f"/{database}"


async def drop_databases(knobs: Knobs) -> None:
    """Drop the databases the benches made on PostgreSQL."""
    if knobs.postgres is None or not knobs.created:
        return
    admin = create_async_engine(knobs.postgres, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        for database in knobs.created:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    await admin.dispose()


async def ack(knobs: Knobs) -> list[Figure]:
    """200 signed /chart commands at once, ServiceWatch answering in 2 s."""
    count, latency = knobs.scaled(200, 50), 2.0
    servicewatch, slack, bot = await _bot_with(knobs, "ack", latency=latency)
    with processes.running(bot, slack, servicewatch):
        await fire_commands(bot.url, slack.url, 1, users=1, channel="C0WARM")  # the first request warms caches
        await wait_for_posts(slack.url, 1, within=30)
        await _reset(slack.url)
        cpu = bot.cpu_seconds()
        started = time.time()
        acks = await fire_commands(bot.url, slack.url, count, users=20, channel="C0INCIDENT")
        floor = max(2 * count * latency / knobs.concurrency, count / knobs.uploads_per_minute * 60)
        stats = await wait_for_posts(slack.url, count, within=floor * 1.5 + 60)
        used = bot.cpu_seconds() - cpu
        _profile_stop(knobs, bot)
    posts = stats["posts"]
    delivered = len(posts)
    last = max((p["at"] for p in posts), default=started) - started
    p99 = _percentile(acks, 99)
    return [
        Figure("ack", "acknowledgement p50", _ms(statistics.median(acks)), "", "Slack's 3 s", None),
        Figure("ack", "acknowledgement p99", _ms(p99), "≤ 150 ms", "Slack's 3 s", p99 <= 0.150),
        Figure("ack", "acknowledgement max", _ms(max(acks)), "", "Slack's 3 s", None),
        Figure("ack", "charts delivered", f"{delivered}/{count}", f"{count}/{count}", "", delivered == count),
        Figure("ack", "all delivered after", f"{last:.1f} s", "", f"{floor:.1f} s = max(2N×{latency:g}s/C, N/R)", None),
        Figure("ack", "429s from Slack", str(sum(stats["ratelimited"].values())), "", "", None),
        Figure("ack", "bot CPU per chart", _ms(used / max(delivered, 1)), "", "", None),
    ]


async def _messages_in(slack_url: str, channel: str) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{slack_url}/_fake/messages", params={"channel": channel}) as response,
    ):
        return list((await response.json())["messages"])


def _first_with(message: dict[str, Any], kind: str) -> float | None:
    """When the message first showed a block of `kind`: as posted, or at the edit that brought it."""
    times = [message["posted_at"], *message["edited_at"]]
    return next((at for at, kinds in zip(times, message["kinds"], strict=False) if kind in kinds), None)


async def pixels(knobs: Knobs) -> list[Figure]:
    """50 different /chart commands at once, ServiceWatch answering in 300 ms: how soon each asker sees a chart (the
    one Slack draws, in the first message) and its ServiceWatch image (joining that message)."""
    count, latency = knobs.scaled(50, 10), 0.3
    servicewatch, slack, bot = await _bot_with(knobs, "pixels", latency=latency)
    with processes.running(bot, slack, servicewatch):
        await fire_commands(bot.url, slack.url, 1, users=1, channel="C0WARM")  # the first request warms caches
        await wait_for_posts(slack.url, 1, within=30)
        await _reset(slack.url)
        started = time.time()
        await fire_commands(bot.url, slack.url, count, users=20, channel="C0INCIDENT")
        uploads_floor = count / knobs.uploads_per_minute * 60
        await wait_for_posts(
            slack.url, count, within=2 * count * latency / knobs.concurrency + uploads_floor * 1.5 + 60
        )
        messages = [m for m in await _messages_in(slack.url, "C0INCIDENT") if m["thread_ts"] is None]
        _profile_stop(knobs, bot)
    native = [at - started for m in messages if (at := _first_with(m, "data_visualization")) is not None]
    images = [at - started for m in messages if (at := _first_with(m, "image")) is not None]
    # A chart's message waits for its numbers (ListMetricData) alone, and those calls go before the images, C at a
    # time: N of them take ⌈N/C⌉ rounds.
    floor = math.ceil(count / knobs.concurrency) * latency
    p99 = _percentile(native, 99) if native else math.inf
    figures = [
        Figure(
            "pixels",
            "charts drawn by Slack at once",
            f"{len(native)}/{count}",
            f"{count}/{count}",
            "",
            len(native) == count,
        ),
        Figure("pixels", "first pixels p50", _ms(statistics.median(native)) if native else "–", "", "", None),
        Figure(
            "pixels",
            "first pixels p99",
            _ms(p99) if native else "–",
            f"≤ floor + 300 ms = {_ms(floor + 0.3)}",
            f"floor {_ms(floor)} = ⌈N/C⌉ × {latency:g} s",
            p99 <= floor + 0.3,
        ),
    ]
    if images:
        figures += [
            Figure("pixels", "image shown p50", _ms(statistics.median(images)), "", "", None),
            Figure(
                "pixels",
                "image shown p99",
                _ms(_percentile(images, 99)),
                "",
                f"+ N uploads at R: {uploads_floor:.1f} s",
                None,
            ),
        ]
    return figures


def _soon(after: float) -> datetime:
    """The whole second `after` seconds from now: time for the bot to start and load its schedules."""
    return (datetime.now(UTC) + timedelta(seconds=after)).replace(microsecond=0)


async def _until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


async def storm(knobs: Knobs) -> list[Figure]:
    """1,000 distinct scheduled charts due at the same moment (the worst second of the minute); ServiceWatch
    300 ms; C and R as set. While they go out, people use the shortcut form: type-ahead keystrokes and form
    submissions (each a chart into a thread), whose acknowledgements are timed."""
    count, latency = knobs.scaled(1000, 100), 0.3
    keystrokes, submissions, over = knobs.scaled(300, 60), knobs.scaled(60, 12), knobs.scaled(10, 3)
    due = _soon(after=12)
    seeds = [Seed(distinct_chart(n), f"C{n // 25:04d}", due) for n in range(count)]
    servicewatch, slack, bot = await _bot_with(knobs, "storm", latency=latency, seeds=seeds)
    view = chart_modal([], channel_id=INCIDENT, thread_ts="1700000000.000100", default_window="3h").to_dict()
    typed = [type_ahead(n, view) for n in range(keystrokes + 1)]
    sent = [modal_submission(n, view, user=PERSON) for n in range(submissions)]
    with processes.running(bot, slack, servicewatch):
        await fire_spread(bot.url, typed[-1:], over=0)  # someone typed before: the catalog is held (its wait: 2.5 s)
        await _until(due)
        cpu = [p.cpu_seconds() for p in (bot, servicewatch, slack)]
        bound = max(count * latency / knobs.concurrency, count / knobs.uploads_per_minute * 60)
        typed_acks, sent_acks = await asyncio.gather(
            fire_spread(bot.url, typed[:-1], over=over), fire_spread(bot.url, sent, over=over)
        )
        stats = await wait_for_posts(slack.url, count + submissions, within=bound * 1.5 + 60)
        used, upstream_cpu, slack_cpu = (
            p.cpu_seconds() - c for p, c in zip((bot, servicewatch, slack), cpu, strict=True)
        )
        upstream = await sandbox_stats(servicewatch.url)
        _profile_stop(knobs, bot)
        floor = await _library_floor(servicewatch.url, slack.url, knobs.database_url)
    posts = [p for p in stats["posts"] if p["schedule"] is not None]
    per_schedule = Counter(p["schedule"] for p in posts)
    doubled = sum(n - 1 for n in per_schedule.values() if n > 1)
    lost = count - len(per_schedule)
    threaded = len(stats["posts"]) - len(posts)
    last = max((p["at"] for p in posts), default=due.timestamp()) - due.timestamp()
    typed_p99, sent_p99 = _percentile(typed_acks, 99), _percentile(sent_acks, 99)
    goal = 1.15 * bound
    per_chart = used / max(len(posts), 1)
    image_calls = upstream["calls"].get("/v1/metrics/data/download/image", 0)
    return [
        Figure(
            "storm",
            "all delivered after they fell due",
            f"{last:.1f} s",
            f"≤ {goal:.1f} s",
            f"{bound:.1f} s = max(N×{latency:g} s/C, N/R), C={knobs.concurrency}, R={knobs.uploads_per_minute:g}/min",
            last <= goal and lost == 0,
        ),
        Figure("storm", "lost", str(lost), "0", "", lost == 0),
        Figure("storm", f"type-ahead ack p50 ({keystrokes})", _ms(statistics.median(typed_acks)), "", "", None),
        Figure(
            "storm", f"type-ahead ack p99 ({keystrokes})", _ms(typed_p99), "≤ 300 ms", "Slack's 3 s", typed_p99 <= 0.3
        ),
        Figure(
            "storm",
            f"form submission ack p99 ({submissions})",
            _ms(sent_p99),
            "≤ 300 ms",
            "Slack's 3 s",
            sent_p99 <= 0.3,
        ),
        Figure(
            "storm",
            "form charts delivered",
            f"{threaded}/{submissions}",
            f"{submissions}/{submissions}",
            "",
            threaded == submissions,
        ),
        Figure("storm", "doubled", str(doubled), "0", "", doubled == 0),
        Figure("storm", "upstream image calls", str(image_calls), "", f"{count}", None),
        Figure("storm", "429s from Slack", str(sum(stats["ratelimited"].values())), "", "", None),
        Figure("storm", "CPU of the sandbox / fake Slack", f"{upstream_cpu:.1f} s / {slack_cpu:.1f} s", "", "", None),
        Figure("storm", "CPU of the bot", f"{used:.1f} s in {last:.1f} s", "", "", None),
        Figure("cost", "bot CPU per scheduled chart", _ms(per_chart), "≤ 5 ms", _floor_text(floor), per_chart <= 0.005),
    ]


def busiest_minute(times: list[float]) -> int:
    """The most of `times` (seconds) in any 60 s window."""
    ordered = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 60.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def replicas(knobs: Knobs) -> list[Figure]:
    """300 scheduled charts due at once in one workspace, taken by 2 bot processes on one PostgreSQL, which share
    the workspace's upload pace through the database: together under Slack's R, every chart once."""
    if knobs.postgres is None:  # SQLite runs one process
        return [Figure("replicas", "not run", "needs PostgreSQL", "", "python -m bench replicas --postgres URL", None)]
    count, latency, replicas = knobs.scaled(300, 60), 0.3, 2
    workdir = knobs.workdir / "replicas"
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = knobs.database_url = await _fresh_database(knobs, "replicas", workdir)
    due = _soon(after=15)
    await seed_schedules(database_url, [Seed(distinct_chart(n), f"C{n // 25:04d}", due) for n in range(count)])
    servicewatch = processes.sandbox(workdir, latency=latency)
    slack = processes.fake_slack(workdir, uploads_per_minute=knobs.uploads_per_minute)
    bots = []
    try:
        for n in range(replicas):
            bots.append(
                processes.bot(
                    workdir,
                    name=f"bot{n + 1}",
                    slack=slack,
                    servicewatch=servicewatch,
                    database_url=database_url,
                    SERVICEWATCH_MAX_CONCURRENCY=str(knobs.concurrency),
                    SLACK_UPLOADS_PER_MINUTE=str(knobs.uploads_per_minute),
                )
            )
        await _until(due)
        bound = max(count * latency / (replicas * knobs.concurrency), count / knobs.uploads_per_minute * 60)
        stats = await wait_for_posts(slack.url, count, within=bound * 1.5 + 60)
    finally:
        for process in (*bots, slack, servicewatch):
            process.stop()
    shares = await _runs_per_holder(database_url)
    posts = [p for p in stats["posts"] if p["schedule"] is not None]
    per_schedule = Counter(p["schedule"] for p in posts)
    doubled = sum(n - 1 for n in per_schedule.values() if n > 1)
    lost = count - len(per_schedule)
    first = min((p["at"] for p in posts), default=due.timestamp()) - due.timestamp()
    last = max((p["at"] for p in posts), default=due.timestamp()) - due.timestamp()
    busiest = busiest_minute([p["at"] for p in posts])
    ceiling = math.ceil(knobs.uploads_per_minute) + 3  # R a minute, and the fake Slack's burst of 3
    refused = sum(stats["ratelimited"].values())
    rate, most = f"R={knobs.uploads_per_minute:g}/min", "most uploads in any 60 s"
    return [
        Figure("replicas", "delivered", f"{len(per_schedule)}/{count}", f"{count}/{count}", "", lost == 0),
        Figure("replicas", "lost", str(lost), "0", "", lost == 0),
        Figure("replicas", "doubled", str(doubled), "0", "", doubled == 0),
        Figure("replicas", "429s from Slack", str(refused), "0", "", refused == 0),
        Figure("replicas", most, str(busiest), f"≤ {ceiling}", f"{rate}, burst 3", busiest <= ceiling),
        Figure("replicas", "runs taken by each replica", " / ".join(map(str, shares)), "", "", None),
        Figure("replicas", "first delivered after they fell due", f"{first:.1f} s", "", "", None),
        Figure(
            "replicas",
            "all delivered after they fell due",
            f"{last:.1f} s",
            f"≤ {1.15 * bound:.1f} s",
            f"{bound:.1f} s = max(N×{latency:g} s/(2C), N/R), {rate}, {replicas} replicas",
            last <= 1.15 * bound and lost == 0,
        ),
    ]


BENCH_CLIENT_ID, BENCH_CLIENT_SECRET = "0000000001.0000000001", "bench-client-secret"


async def _install(database_url: str, teams: list[str], secrets_key: str) -> None:
    """The app installed in every team, as OAuth would have left it: one installation each, its token sealed."""
    database = Database(database_url)
    try:
        await database.migrate()
        store = SlackInstallations(database, Sealer([secrets_key]))
        for n, team in enumerate(teams):
            await store.async_save(
                Installation(
                    app_id="A0BENCH", team_id=team, team_name=f"Team {n}", user_id="U0000", bot_token=team_token(team),
                    bot_id=f"B{n + 2:04d}", bot_user_id=f"UBOT{n + 2:04d}", bot_scopes="chat:write,files:write",
                )
            )  # fmt: skip
    finally:
        await database.dispose()


async def workspaces(knobs: Knobs) -> list[Figure]:
    """100 workspaces × 50 scheduled charts due at the same second, 2 replicas on one PostgreSQL, ServiceWatch 300 ms;
    Slack's upload limit R applies to each workspace (the fake Slack enforces it per team) and the replicas share each
    workspace's pace through the database."""
    if knobs.postgres is None:  # SQLite runs one process
        return [
            Figure("workspaces", "not run", "needs PostgreSQL", "", "python -m bench workspaces --postgres URL", None)
        ]
    teams = bench_teams(knobs.scaled(100, 10))
    per_team, latency, replicas = knobs.scaled(50, 10), 0.3, 2
    count = len(teams) * per_team
    workdir = knobs.workdir / "workspaces"
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = knobs.database_url = await _fresh_database(knobs, "workspaces", workdir)
    key = new_key()
    await _install(database_url, teams, key)
    # Time to start four processes and load the schedules. The quick run gets the same minute: on a busy machine
    # 20 s was not enough (a loaded CI run), and a late start is refused rather than measured.
    due = _soon(after=60)
    seeds = [
        Seed(distinct_chart(t * per_team + k), team_channel(team, k), due, workspace=team)
        for t, team in enumerate(teams)
        for k in range(per_team)
    ]
    await seed_schedules(database_url, seeds)
    servicewatch = processes.sandbox(workdir, latency=latency)
    slack = processes.fake_slack(workdir, uploads_per_minute=knobs.uploads_per_minute, teams=len(teams))
    bots: list[processes.Process] = []
    try:
        for n in range(replicas):
            bots.append(
                processes.bot(
                    workdir,
                    name=f"bot{n + 1}",
                    slack=slack,
                    servicewatch=servicewatch,
                    database_url=database_url,
                    installable=True,
                    SLACK_CLIENT_ID=BENCH_CLIENT_ID,
                    SLACK_CLIENT_SECRET=BENCH_CLIENT_SECRET,
                    SECRETS_KEYS=key,
                    SERVICEWATCH_MAX_CONCURRENCY=str(knobs.concurrency),
                    SLACK_UPLOADS_PER_MINUTE=str(knobs.uploads_per_minute),
                )
            )
        if datetime.now(UTC) >= due:
            raise RuntimeError(f"the bots were up only after the charts fell due ({due:%H:%M:%S}); allow more time")
        await _until(due)
        others = (servicewatch, slack)
        cpu = [p.cpu_seconds() for p in (*bots, *others)]
        pace_bound = (per_team - 3) / knobs.uploads_per_minute * 60  # a workspace's charts after its burst of 3
        # two ServiceWatch calls a chart (the image, and ListMetricData for its numbers), C at once in each replica
        servicewatch_bound = 2 * count * latency / (replicas * knobs.concurrency)
        bound = max(pace_bound, servicewatch_bound)
        stats = await wait_for_posts(slack.url, count, within=bound * 3 + 120)
        spent = [p.cpu_seconds() - c for p, c in zip((*bots, *others), cpu, strict=True)]
        used, (upstream_cpu, slack_cpu) = sum(spent[:replicas]), spent[replicas:]
        upstream = (await sandbox_stats(servicewatch.url))["calls"]
    finally:
        for process in (*bots, slack, servicewatch):
            process.stop()
    shares = await _runs_per_holder(database_url)
    posts = [p for p in stats["posts"] if p["schedule"] is not None]
    per_schedule = Counter(p["schedule"] for p in posts)
    doubled = sum(n - 1 for n in per_schedule.values() if n > 1)
    lost = count - len(per_schedule)
    last = max((p["at"] for p in posts), default=due.timestamp()) - due.timestamp()
    after = sorted(p["at"] - due.timestamp() for p in posts) or [0.0]
    curve = " / ".join(f"{after[min(len(after) - 1, len(after) * q // 100)]:.0f}" for q in (10, 50, 90))
    (workdir / "posts.json").write_text(json.dumps(posts))  # for a closer look (--keep)
    by_team: dict[str, list[float]] = {}
    for post in posts:
        by_team.setdefault(post["team"], []).append(post["at"])
    busiest = max((busiest_minute(times) for times in by_team.values()), default=0)
    wrong_team = sum(1 for p in posts if p["channel"] != team_channel(p["team"], int(p["channel"][-1])))
    ceiling = math.ceil(knobs.uploads_per_minute) + 3  # R a minute, and the fake Slack's burst of 3
    refused = sum(stats["ratelimited"].values())
    per_chart = used / max(len(posts), 1)
    cores = os.cpu_count() or 1
    cpu_bound = used / cores
    rate = f"R={knobs.uploads_per_minute:g}/min per workspace"
    return [
        Figure("workspaces", "delivered", f"{len(per_schedule)}/{count}", f"{count}/{count}", "", lost == 0),
        Figure("workspaces", "lost", str(lost), "0", "", lost == 0),
        Figure("workspaces", "doubled", str(doubled), "0", "", doubled == 0),
        Figure("workspaces", "posted in another workspace", str(wrong_team), "0", "", wrong_team == 0),
        Figure("workspaces", "429s from Slack", str(refused), "0", "", refused == 0),
        Figure(
            "workspaces",
            "most uploads of one workspace in any 60 s",
            str(busiest),
            f"≤ {ceiling}",
            rate,
            busiest <= ceiling,
        ),
        Figure("workspaces", "runs taken by each replica", " / ".join(map(str, shares)), "", "", None),
        Figure("workspaces", "10 % / half / 90 % delivered after (s)", curve, "", "", None),
        Figure(
            "workspaces", "CPU of the sandbox / fake Slack", f"{upstream_cpu:.1f} s / {slack_cpu:.1f} s", "", "", None
        ),
        Figure(
            "workspaces", "ServiceWatch calls", ", ".join(f"{k} {v}" for k, v in upstream.items() if v), "", "", None
        ),
        Figure(
            "workspaces",
            "all delivered after they fell due",
            f"{last:.1f} s",
            f"≤ {1.15 * max(bound, cpu_bound):.1f} s",
            f"max(ServiceWatch 2N×{latency:g} s/(2C) = {servicewatch_bound:.1f} s, pace {pace_bound:.1f} s, "
            f"CPU {used:.1f} s/{cores} cores = {cpu_bound:.1f} s)",
            last <= 1.15 * max(bound, cpu_bound) and lost == 0,
        ),
        Figure(
            "cost",
            "bot CPU per scheduled chart (2 replicas, 100 workspaces)",
            _ms(per_chart),
            "≤ 5 ms",
            "",
            per_chart <= 0.005,
        ),
    ]


async def _runs_per_holder(database_url: str) -> list[int]:
    """How many schedule runs each process took (most first)."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        counts = await connection.execute(text("SELECT count(*) FROM schedule_runs GROUP BY holder ORDER BY 1 DESC"))
        shares = [int(n) for (n,) in counts]
    await engine.dispose()
    return shares


async def _library_floor(sandbox_url: str, slack_url: str, database_url: str | None) -> dict[str, float]:
    """The client libraries' own cost per call, measured with no bot code (bench/floor.py)."""
    arguments = [sandbox_url, slack_url, *([database_url] if database_url else [])]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.floor", *arguments, stdout=asyncio.subprocess.PIPE, cwd=processes.ROOT
    )
    out, _ = await process.communicate()
    return dict(json.loads(out))


def _floor_text(floor: dict[str, float]) -> str:
    """A chart's calls at the libraries' own price: 2 ServiceWatch calls, 3 Slack calls, 4 database transactions."""
    total = 2 * floor["httpx_call"] + 3 * floor["aiohttp_call"] + 4 * floor["db_transaction"]
    return (
        f"libraries alone {total * 1000:.1f} ms = 2 ServiceWatch calls × {floor['httpx_call'] * 1000:.2f} + 3 Slack "
        f"calls × {floor['aiohttp_call'] * 1000:.2f} + 4 db transactions × {floor['db_transaction'] * 1000:.2f}"
    )


async def coalesce(knobs: Knobs) -> list[Figure]:
    """The same chart scheduled in 100 channels at the same minute."""
    count = 100
    due = _soon(after=10)
    chart = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last 1h'
    seeds = [Seed(chart, f"C{n:04d}", due) for n in range(count)]
    servicewatch, slack, bot = await _bot_with(knobs, "coalesce", latency=0.3, seeds=seeds)
    with processes.running(bot, slack, servicewatch):
        before = (await sandbox_stats(servicewatch.url))["calls"]
        await _until(due)
        stats = await wait_for_posts(slack.url, count, within=count / knobs.uploads_per_minute * 60 * 1.5 + 60)
        after = (await sandbox_stats(servicewatch.url))["calls"]
        _profile_stop(knobs, bot)
    path = "/v1/metrics/data/download/image"
    images = after.get(path, 0) - before.get(path, 0)
    data = after.get("/v1/metrics/data", 0) - before.get("/v1/metrics/data", 0)
    posts = len(stats["posts"])
    return [
        Figure("coalesce", "upstream image calls", str(images), "1", "", images == 1),
        Figure("coalesce", "upstream data calls", str(data), "", "", None),
        Figure("coalesce", "posts", f"{posts}/{count}", f"{count}/{count}", "", posts == count),
    ]


async def scale(knobs: Knobs) -> list[Figure]:
    """10,000 schedules in the database: start-up, memory, and CPU while nothing is due."""
    count = knobs.scaled(10_000, 2_000)
    idle = 10.0 if knobs.quick else 30.0
    now = datetime.now(UTC)
    # Spread over the day, but none due in the next hour or in the catch-up window behind us.
    times = [now + timedelta(minutes=60 + (n * 1237) % (22 * 60)) for n in range(count)]
    seeds = [Seed(distinct_chart(n), f"C{n // 25:04d}", moment) for n, moment in enumerate(times)]
    servicewatch, slack, bot = await _bot_with(knobs, "scale", latency=0.0, seeds=seeds)
    with processes.running(bot, slack, servicewatch):
        ready = bot.ready
        loaded = await wait_for_schedules(bot.url, count, within=60)
        loaded_after = time.monotonic() - bot.started
        rss_ready = bot.rss_mb()
        await asyncio.sleep(2.0)  # let start-up work (the first sweep) pass
        cpu, started = bot.cpu_seconds(), time.monotonic()
        await asyncio.sleep(idle)
        idle_cpu = (bot.cpu_seconds() - cpu) / (time.monotonic() - started)
        rss = bot.rss_mb()
        _profile_stop(knobs, bot)
    return [
        Figure("scale", f"start to ready, {count:,} schedules", f"{ready:.2f} s", "≤ 3 s", "", ready <= 3.0),
        Figure(
            "scale",
            "start to all schedules loaded",
            f"{loaded_after:.2f} s" if loaded else "not within 60 s",
            "",
            "runs due meanwhile are caught up",
            None if loaded else False,
        ),
        Figure("scale", "RSS when loaded", f"{rss_ready:.0f} MB", "", "", None),
        Figure("scale", f"RSS after {idle:.0f} s idle", f"{rss:.0f} MB", "≤ 200 MB", "", rss <= 200),
        Figure("scale", "idle CPU", f"{idle_cpu * 100:.2f} % of a core", "≈ 0 (≤ 1 %)", "", idle_cpu <= 0.01),
        *await _week(knobs),
    ]


async def _week(knobs: Knobs) -> list[Figure]:
    """A simulated week of load on a fresh database, pruned as the bot prunes (bench/week.py): rows left per table
    beside what the week wrote, and the bound the keep times set."""
    share = 0.01 if knobs.quick else 0.1
    load = FULL_LOAD.scaled(share)
    workdir = knobs.workdir / "week"
    workdir.mkdir(parents=True, exist_ok=True)
    result = await simulate_week(await _fresh_database(knobs, "week", workdir), load)
    settings = load_settings(_env_file=None)
    interval = settings.retention_interval
    figures = []
    for rule in rules_from(settings):
        if rule.table not in load.per_day():  # a table the week does not write
            continue
        per_day = load.per_day()[rule.table]
        bound = math.ceil(per_day * (rule.keep + interval + TICK) / timedelta(days=1))
        left, written = result.left[rule.table], result.written[rule.table]
        figures.append(
            Figure(
                "scale",
                f"{rule.table} after a week ({per_day:,.0f} a day)",
                f"{left:,} rows",
                f"≤ {bound:,} (kept {format_duration(int(rule.keep.total_seconds()))})",
                f"{written:,} without pruning",
                left <= bound,
            )
        )
    deletes = sorted(result.statements)
    figures.append(
        Figure(
            "scale",
            "longest prune statement",
            _ms(deletes[-1] if deletes else 0.0),
            "",
            f"{len(deletes):,} statements, p99 {_ms(_percentile(deletes, 99)) if deletes else '-'}; "
            f"the week at {share:.0%} of {FULL_LOAD.schedules:,} schedules in {result.seconds:.0f} s",
            None,
        )
    )
    return figures


# A chart's clicks, in runs that leave it steerable for the next: the kind of each control, chosen on the message
# as it then stands (a preset or statistic other than the one shown, so every click changes the chart).
CLICK_RUNS = (
    ("preset",),
    ("earlier", "later"),
    ("stat",),
    ("compare", "compare"),
    ("preset",),
    ("earlier", "refresh"),
    ("stat",),
    ("earlier", "earlier", "later"),
)
REDRAW_WAIT = 20.0  # seconds a click's chart may take before the click counts as not redrawn


@dataclass(frozen=True)
class ClickResult:
    control: str  # its kind (CLICK_RUNS)
    ack: float  # request written → status line read
    redrawn: float | None  # request written → the fake Slack applied the chat.update; None: no edit within REDRAW_WAIT


def _click_plan(chart: int, count: int) -> list[str]:
    """`count` clicks for the chart numbered `chart`: CLICK_RUNS from its own starting run, so the charts' clicks
    at any moment are on different controls."""
    runs = CLICK_RUNS[chart % len(CLICK_RUNS) :] + CLICK_RUNS[: chart % len(CLICK_RUNS)]
    plan: list[str] = []
    while len(plan) < count:
        plan += [kind for run in runs for kind in run]
    return plan[:count]


def _elements(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        element["action_id"]: element
        for block in message.get("blocks", [])
        for element in block.get("elements", [])
        if "action_id" in element
    }


def _control(kind: str, message: dict[str, Any], k: int) -> tuple[str, str | None]:
    """The element (action_id) to click for `kind` on `message`, and a menu's option value."""
    elements = _elements(message)
    view = decode_view(elements["chart_refresh"]["value"])
    if kind == "preset":
        names = list(PRESETS)
        names = names[k % len(names) :] + names[: k % len(names)]
        chosen = next(p for p in names if PRESETS[p] != view.span or view.end is not None)
        return f"chart_{chosen}", None
    if kind == "stat":
        options = [o["value"] for o in elements["chart_stat"]["options"] if o["value"] != f"stat:{view.stat}"]
        return "chart_stat", options[k % len(options)]
    return f"chart_{kind}", None


async def _click_through(
    bot_url: str, slack_url: str, channel: str, ts: str, *, chart: int, count: int, pause: float, offset: float
) -> list[ClickResult]:
    """Click `count` controls of one chart message, one at a time: each once the message shows the last one's
    chart (or REDRAW_WAIT has passed), after a person's `pause`; the first `offset` seconds later than the other
    charts' (first clicks all at once would queue for Slack's upload limit, not for the bot)."""
    await asyncio.sleep(offset)
    current = await message_of(slack_url, channel, ts)
    results = []
    for k, kind in enumerate(_click_plan(chart, count)):
        await asyncio.sleep(pause)
        action_id, value = _control(kind, current["message"], k)
        user = f"U{(chart * 7 + k) % 100:04d}"
        body = chart_click(
            chart * 1000 + k, current["message"], channel, action_id, value, user=user, slack_url=slack_url
        )
        sent_at, ack = await post_signed(bot_url, body)
        after = await message_of(slack_url, channel, ts, after_edits=current["edits"], within=REDRAW_WAIT)
        redrawn = after["edited_at"][-1] - sent_at if after["edits"] > current["edits"] else None
        results.append(ClickResult(kind, ack, redrawn))
        current = after
    return results


async def clicks(knobs: Knobs) -> list[Figure]:
    """5 charts posted by /chart, then 12 clicks on each one's controls (presets, ◀ ▶, ↻, the statistic menu,
    compare), ServiceWatch answering in 300 ms: one click at a time on a chart (the next once the message shows
    the last one's chart), the charts at once. People pause between clicks (charts × 60 s / R), and the charts'
    first clicks are spread over one pause, so the redraws together stay under Slack's upload limit R: the figures
    are the bot's, not the limit's."""
    charts, per_chart, latency = knobs.scaled(5, 2), knobs.scaled(12, 6), 0.3
    pause = charts * 60 / knobs.uploads_per_minute
    servicewatch, slack, bot = await _bot_with(knobs, "clicks", latency=latency)
    with processes.running(bot, slack, servicewatch):
        await fire_commands(bot.url, slack.url, charts, users=charts, channel=INCIDENT)
        posted = [(p["channel"], p["ts"]) for p in (await wait_for_posts(slack.url, charts, within=60))["posts"]]
        if len(posted) < charts or not all(ts for _, ts in posted):
            raise RuntimeError(f"{len(posted)}/{charts} charts posted as messages; see {knobs.workdir / 'clicks'}")
        upstream, shown = (await sandbox_stats(servicewatch.url))["calls"], await slack_stats(slack.url)
        cpu = bot.cpu_seconds()
        started = time.monotonic()
        found = await asyncio.gather(
            *(
                _click_through(
                    bot.url, slack.url, channel, ts, chart=m, count=per_chart, pause=pause, offset=m * pause / charts
                )
                for m, (channel, ts) in enumerate(posted)
            )
        )
        took = time.monotonic() - started
        used = bot.cpu_seconds() - cpu
        upstream_after, shown_after = (await sandbox_stats(servicewatch.url))["calls"], await slack_stats(slack.url)
        _profile_stop(knobs, bot)
    results = [r for chart in found for r in chart]
    record = [[dataclasses.asdict(r) for r in chart] for chart in found]
    (knobs.workdir / "clicks" / "clicks.json").write_text(json.dumps(record, indent=1))  # each chart's clicks
    acks = [r.ack for r in results]
    redraws = [r.redrawn for r in results if r.redrawn is not None]
    count, done = len(results), len(redraws)
    image = "/v1/metrics/data/download/image"
    images = upstream_after.get(image, 0) - upstream.get(image, 0)
    data = upstream_after.get("/v1/metrics/data", 0) - upstream.get("/v1/metrics/data", 0)
    slack_calls = {
        method: shown_after["calls"].get(method, 0) - shown["calls"].get(method, 0)
        for method in ("files.getUploadURLExternal", "files.info", "chat.update", "chat.postEphemeral")
    }
    notes = shown_after["responses"] - shown["responses"] + slack_calls["chat.postEphemeral"]
    refused = sum(shown_after["ratelimited"].values()) - sum(shown["ratelimited"].values())
    compares = sum(1 for r in results if r.control == "compare" and r.redrawn is not None)
    p99, p90 = _percentile(acks, 99), _percentile(redraws, 90) if redraws else math.inf
    by_control = {
        kind: statistics.median(times)
        for kind in dict.fromkeys(r.control for r in results)
        if (times := [r.redrawn for r in results if r.control == kind and r.redrawn is not None])
    }
    per = max(done, 1)
    slowest = max((r for r in results if r.redrawn is not None), key=lambda r: r.redrawn or 0.0, default=None)
    return [
        Figure("clicks", f"click acknowledgement p50 ({count})", _ms(statistics.median(acks)), "", "Slack's 3 s", None),
        Figure("clicks", f"click acknowledgement p99 ({count})", _ms(p99), "≤ 150 ms", "Slack's 3 s", p99 <= 0.150),
        Figure("clicks", "click acknowledgement max", _ms(max(acks)), "", "Slack's 3 s", None),
        Figure("clicks", "redrawn in place", f"{done}/{count}", f"{count}/{count}", "", done == count),
        Figure("clicks", "notes instead of a redraw", str(notes), "0", "", notes == 0),
        Figure(
            "clicks",
            "click → redrawn p50",
            _ms(statistics.median(redraws)) if redraws else "-",
            "",
            f"ServiceWatch {latency:g} s",
            None,
        ),
        Figure("clicks", "click → redrawn p90", _ms(p90), "≤ 1 s", f"ServiceWatch {latency:g} s", p90 <= 1.0),
        Figure(
            "clicks",
            "click → redrawn max",
            _ms(slowest.redrawn or 0.0) if slowest else "-",
            "",
            f"{slowest.control} click" if slowest else "",
            None,
        ),
        Figure(
            "clicks",
            "click → redrawn p50 by control",
            ", ".join(f"{kind} {_ms(t)}" for kind, t in by_control.items()),
            "",
            "",
            None,
        ),
        Figure(
            "clicks",
            "upstream image calls per redraw",
            f"{images / per:.2f} ({images}/{done})",
            "≤ 1",
            f"compare draws from data: {compares} of the redraws",
            images <= done,
        ),
        Figure("clicks", "upstream data calls per redraw", f"{data / per:.2f} ({data}/{done})", "", "", None),
        Figure(
            "clicks",
            "Slack calls per redraw",
            ", ".join(f"{m.split('.')[-1]} {n / per:.2f}" for m, n in slack_calls.items() if m != "chat.postEphemeral"),
            "",
            "",
            None,
        ),
        Figure("clicks", "429s from Slack", str(refused), "", f"R = {knobs.uploads_per_minute:g}/min", None),
        Figure("clicks", "bot CPU per click (ack + redraw)", _ms(used / per), "", f"{took:.0f} s of clicking", None),
    ]


def _profile_stop(knobs: Knobs, bot: processes.Process) -> None:
    if knobs.profile:
        bot.stop()  # cProfile writes its file when the bot exits


async def _reset(slack_url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.delete(f"{slack_url}/_fake/stats") as response:
        return dict(await response.json())


ALERT_LATENCY = 0.2  # seconds every ServiceWatch call (ShowAlert among them) takes in the alerts bench
WATCH_WORDS = "synthetic"  # what the bench's watch asks for: every generated policy (bot/sandbox/alerts.py)
LEVEL_CHANNEL = "C0000"  # where the bench's last watch, `level high`, is made


@dataclass(frozen=True)
class Flip:
    """One alert flipped to ALERT and back: the sandbox's `changed_at` of each change, and when the fake Slack got
    its message (posted) and the clear's edit (chat.update); None: not within the wait."""

    alert: str  # its name's token, `synthetic-0007`
    fired: float
    posted: float | None = None
    cleared: float | None = None
    edited: float | None = None


class ChannelWatch:
    """The fake Slack's messages of one channel, read every quarter second while the bench waits on them."""

    def __init__(self, slack_url: str, channel: str) -> None:
        self.slack_url, self.channel = slack_url, channel
        self.messages: list[dict[str, Any]] = []

    async def run(self) -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                query = {"channel": self.channel}
                async with session.get(f"{self.slack_url}/_fake/messages", params=query) as response:
                    self.messages = (await response.json())["messages"]
                await asyncio.sleep(0.25)

    def of(self, token: str) -> list[dict[str, Any]]:
        """The channel's top-level messages that name the alert `token`."""
        return [m for m in self.messages if m["thread_ts"] is None and f"{token} " in m["text"]]

    async def wait(self, token: str, *, edited: bool, within: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = [m for m in self.of(token) if m["edits"] > 0 or not edited]
            if found:
                return found[0]
            await asyncio.sleep(0.25)
        return None


async def _set_alert(sandbox_url: str, alert_id: str, state: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.put(f"{sandbox_url}/_sandbox/alerts/{alert_id}", json={"state": state}) as response,
    ):
        return dict(await response.json())


async def _sandbox_alerts(sandbox_url: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(f"{sandbox_url}/_sandbox/alerts") as response:
        return list((await response.json())["alerts"])


async def _alert_calls(sandbox_url: str) -> int:
    return int((await sandbox_stats(sandbox_url))["calls"]["/v1/alerts"])


async def _watch_alerts(
    bot_url: str, slack_url: str, words: str, n: int, *, channel: str = INCIDENT, within: float = 60
) -> tuple[float, str]:
    """Send the `n`-th `/chart watch alerts WORDS` (from `channel`); its acknowledgement time and the answer the
    bot sent to the command's response_url."""
    url = f"{slack_url}/commands/T0TEAM001/{n}/watch{n:06d}"
    body = slash_command(f"watch alerts {words}", user=PERSON, channel=channel, response_url=url, n=n)
    _, ack = await post_signed(bot_url, body)
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.get(f"{slack_url}/_fake/responses") as response:
                answers = (await response.json())["responses"]
            if len(answers) >= n:
                return ack, str(answers[n - 1].get("text", answers[n - 1]))
            await asyncio.sleep(0.25)
    return ack, ""


async def alerts(knobs: Knobs) -> list[Figure]:
    """500 watched alerts at a 60 s interval (quick: 50 at 10 s), every ServiceWatch call 200 ms: one
    `/chart watch alerts` subscribes a channel to all of them; then ShowAlert calls a minute and the bot's CPU over
    one interval of polling; then 20 (quick: 5) alerts flipped to ALERT, spread over half an interval, each flipped
    back to NORMAL once its message is in Slack: state change (the sandbox's `changed_at`) → message posted, and
    clear → message edited."""
    count, interval, flips = knobs.scaled(500, 50), knobs.scaled(60, 10), knobs.scaled(20, 5)
    goal, wait = interval + 5.0, 2 * interval + 30.0
    servicewatch, slack, bot = await _bot_with(
        knobs, "alerts", latency=ALERT_LATENCY, sandbox_alerts=count, ALERT_POLL_INTERVAL=f"{interval}s"
    )
    with processes.running(bot, slack, servicewatch):
        generated = [a for a in await _sandbox_alerts(servicewatch.url) if a["name"].startswith(WATCH_WORDS)]
        ack, answer = await _watch_alerts(bot.url, slack.url, WATCH_WORDS, 1)
        found = re.search(r"Watching (\d+) alert", answer)
        watched = int(found.group(1)) if found else 0
        if not watched:
            raise RuntimeError(f"the watch was not made: {answer!r}; see {knobs.workdir / 'alerts'}")
        deadline = time.monotonic() + interval + 30
        while await _alert_calls(servicewatch.url) == 0:  # the watcher takes the watch up at its next round
            if time.monotonic() > deadline:
                raise RuntimeError(f"no ShowAlert call within {interval + 30} s; see {knobs.workdir / 'alerts'}")
            await asyncio.sleep(0.1)
        calls, cpu, started = await _alert_calls(servicewatch.url), bot.cpu_seconds(), time.monotonic()
        await asyncio.sleep(interval)
        took = time.monotonic() - started
        per_minute = (await _alert_calls(servicewatch.url) - calls) / took * 60
        poll_cpu = (bot.cpu_seconds() - cpu) / took  # of a core

        channel = ChannelWatch(slack.url, INCIDENT)
        reading = asyncio.create_task(channel.run())
        chosen = generated[:: max(1, len(generated) // flips)][:flips]
        spread = interval / 2

        async def flip(k: int, alert: dict[str, Any]) -> Flip:
            await asyncio.sleep(k * spread / flips)
            token = alert["name"].split()[0]
            result = Flip(token, (await _set_alert(servicewatch.url, alert["id"], "ALERT"))["changed_at"])
            posted = await channel.wait(token, edited=False, within=wait)
            if posted is None:
                return result
            result = dataclasses.replace(result, posted=posted["posted_at"])
            cleared = (await _set_alert(servicewatch.url, alert["id"], "NORMAL"))["changed_at"]
            edited = await channel.wait(token, edited=True, within=wait)
            return dataclasses.replace(result, cleared=cleared, edited=edited["edited_at"][0] if edited else None)

        cpu, started = bot.cpu_seconds(), time.monotonic()
        results = await asyncio.gather(*(flip(k, alert) for k, alert in enumerate(chosen)))
        await asyncio.sleep(2.0)  # a doubled post or edit would come right after the first
        flipping_cpu, flipping = bot.cpu_seconds() - cpu, time.monotonic() - started
        reading.cancel()
        messages = channel.messages
        # Last, a watch with a level in another channel: the bot reads each candidate's level with ShowAlert.
        high = sum(1 for a in generated if a["level"] == "HIGH")
        _, answer = await _watch_alerts(bot.url, slack.url, f"level high {WATCH_WORDS}", 2, channel=LEVEL_CHANNEL)
        found = re.search(r"Watching (\d+) alert", answer)
        watched_high = int(found.group(1)) if found else 0
        _profile_stop(knobs, bot)
    (knobs.workdir / "alerts" / "flips.json").write_text(json.dumps([dataclasses.asdict(r) for r in results], indent=1))
    tokens = {a["name"].split()[0] for a in generated}
    per_alert = Counter(
        token for m in messages if m["thread_ts"] is None for token in tokens if f"{token} " in m["text"]
    )
    flipped = {r.alert for r in results}
    doubled = sum(n - 1 for n in per_alert.values() if n > 1)
    stray = sum(n for token, n in per_alert.items() if token not in flipped)
    edits = Counter(
        token
        for m in messages
        if m["thread_ts"] is None
        for token in flipped
        if f"{token} " in m["text"]
        for _ in range(m["edits"])
    )
    double_edits = sum(n - 1 for n in edits.values() if n > 1)
    fired = [r.posted - r.fired for r in results if r.posted is not None]
    clears = [r.edited - r.cleared for r in results if r.edited is not None and r.cleared is not None]
    lost = flips - len(fired) + (len(fired) - len(clears))
    expected = count / interval * 60
    extra_cpu = flipping_cpu - poll_cpu * flipping
    announced = max(len(fired) + len(clears), 1)

    def spread_of(values: list[float], what: str) -> list[Figure]:
        if not values:
            return [Figure("alerts", f"{what} (none seen)", "-", f"≤ {goal:g} s", "", False)]
        p50, p90, top = statistics.median(values), _percentile(values, 90), max(values)
        limit = f"interval {interval} s + 5 s"
        return [
            Figure("alerts", f"{what} p50 ({len(values)})", f"{p50:.1f} s", "", limit, None),
            Figure("alerts", f"{what} p90", f"{p90:.1f} s", "", limit, None),
            Figure("alerts", f"{what} max", f"{top:.1f} s", f"≤ {goal:g} s", limit, top <= goal),
        ]

    return [
        Figure(
            "alerts",
            f"one watch of {count} alerts",
            f"{watched} watched, ack {_ms(ack)}",
            f"{count}",
            "",
            watched == count,
        ),
        Figure(
            "alerts",
            "ShowAlert calls a minute",
            f"{per_minute:.0f}",
            f"≈ {expected:.0f} (±10 %)",
            f"N / interval; ServiceWatch {ALERT_LATENCY:g} s",
            abs(per_minute - expected) <= 0.1 * expected,
        ),
        Figure(
            "alerts",
            "bot CPU while polling",
            f"{poll_cpu * 60:.2f} s a minute ({poll_cpu * 100:.1f} % of a core)",
            "",
            f"{poll_cpu * took / max(per_minute * took / 60, 1) * 1000:.2f} ms a ShowAlert",
            None,
        ),
        *spread_of(fired, "state change → message"),
        *spread_of(clears, "clear → message edited"),
        Figure(
            "alerts",
            f"a `level high` watch of the {count}",
            f"{watched_high} watched",
            f"{high} (every HIGH one)",
            "each one's level from ShowAlert",
            watched_high == high,
        ),
        Figure("alerts", "lost (no message or no edit)", str(lost), "0", f"waited {wait:g} s each", lost == 0),
        Figure(
            "alerts",
            "doubled (messages / edits)",
            f"{doubled} / {double_edits}",
            "0 / 0",
            f"messages for alerts not flipped: {stray}",
            doubled == double_edits == stray == 0,
        ),
        Figure("alerts", "bot CPU per announcement", _ms(max(extra_cpu, 0.0) / announced), "", "beyond polling", None),
    ]


BENCHES: dict[str, Callable[[Knobs], Awaitable[list[Figure]]]] = {
    "ack": ack,
    "pixels": pixels,
    "storm": storm,
    "coalesce": coalesce,
    "scale": scale,
    "clicks": clicks,
    "alerts": alerts,
    "replicas": replicas,
    "workspaces": workspaces,
}
