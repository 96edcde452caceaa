"""The `runs` bench: scheduled charts and nothing else, so the bot's CPU divided by the charts posted is the cost of
one scheduled run (claim, draw, post, record) undiluted by commands or idle waiting; with `--profile`, where it goes."""

from __future__ import annotations

import dataclasses
import pstats
from collections import Counter
from pathlib import Path

from bench import processes
from bench.benches import Figure, Knobs, _bot_with, _profile_stop, _soon, _until
from bench.load import Seed, distinct_chart, wait_for_posts

# Where a profiled function's own time is counted: the first part of its file's path that names one of these.
LAYERS = (
    ("database", ("sqlalchemy", "aiosqlite", "asyncpg", "sqlite3", "greenlet")),
    ("Slack client", ("slack_sdk", "slack_bolt")),
    ("HTTP (aiohttp, httpx, yarl, multidict)", ("aiohttp", "httpx", "httpx_aiohttp", "httpcore", "yarl", "multidict")),
    ("asyncio, sockets, threads", ("asyncio", "selectors", "ssl", "threading", "concurrent", "select", "_socket")),
    ("pydantic, json", ("pydantic", "json")),
    ("logging", ("logging",)),
    ("the bot's own code", ("bot",)),
)
IDLE = "<method 'poll' of 'select.epoll' objects>"  # the event loop waiting: wall time, not CPU


async def runs(knobs: Knobs) -> list[Figure]:
    """N distinct scheduled charts due at one second, ServiceWatch answering at once, Slack's limit out of the way."""
    count = knobs.scaled(1000, 200)
    knobs = dataclasses.replace(knobs, uploads_per_minute=10_000.0)  # the fake Slack's limit never reached
    due = _soon(after=12)
    seeds = [Seed(distinct_chart(n), f"C{n // 25:04d}", due) for n in range(count)]
    servicewatch, slack, bot = await _bot_with(knobs, "runs", latency=0.0, seeds=seeds)
    with processes.running(bot, slack, servicewatch):
        await _until(due)
        cpu = bot.cpu_seconds()
        stats = await wait_for_posts(slack.url, count, within=count * 0.1 + 60)
        used = bot.cpu_seconds() - cpu
        _profile_stop(knobs, bot)
    posts = [p for p in stats["posts"] if p["schedule"] is not None]
    per_schedule = Counter(p["schedule"] for p in posts)
    doubled = sum(n - 1 for n in per_schedule.values() if n > 1)
    figures = [
        Figure(
            "runs", "posted / doubled", f"{len(per_schedule)}/{count} / {doubled}", f"{count}/{count} / 0", "", None
        ),
        Figure("runs", "bot CPU per scheduled chart", f"{used / max(len(posts), 1) * 1000:.1f} ms", "≤ 5 ms", "", None),
    ]
    if knobs.profile:
        figures += [
            Figure("runs", f"profile: {layer}", f"{share:.0%}", "", "share of the bot's own time", None)
            for layer, share in layer_shares(knobs.workdir / "runs" / "bot.prof").items()
        ]
    return figures


def layer_shares(profile: Path) -> dict[str, float]:
    """Each layer's share of the main thread's profiled own time, over the process's whole life (start-up included;
    small beside a thousand runs). SQLite's own work is in aiosqlite's thread, which cProfile does not see."""
    stats = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    totals: Counter[str] = Counter()
    for (filename, _line, name), (_calls, _primitive, own, _cumulative, _callers) in stats.items():
        if name == IDLE:
            continue
        totals[layer_of(f"{filename}:{name}")] += own
    whole = sum(totals.values()) or 1.0
    return {layer: totals[layer] / whole for layer, _ in (*LAYERS, ("other", ()))}


def layer_of(where: str) -> str:
    """`where` is "file:function"; a built-in's file is "~", so its function's name (e.g. "<method 'execute' of
    'sqlite3.Cursor' objects>") is what names its layer."""
    for layer, marks in LAYERS:
        if any(f"/{mark}/" in where or f"/{mark}.py" in where or f"'{mark}." in where for mark in marks):
            return layer
    return "other"
