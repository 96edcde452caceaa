"""The `answers` bench (run when named): ServiceWatch answers 200 MB to a chart's ListMetricData and its image, sent
without a Content-Length (the case a length check alone misses), then the same as a gzip bomb. Measured: the bot
process's peak RSS (`VmHWM`) before and after, the slowest `/healthz` meanwhile, how much the sandbox got to write
(bytes on the wire: compressed, for the bomb), what the asker read."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import aiohttp

from bench import processes
from bench.benches import Figure, Knobs, _bot_with
from bench.load import post_signed, sandbox_stats, slack_stats, slash_command

MB = 1024 * 1024
SIZE = 200 * MB
DATA, IMAGE = "/v1/metrics/data", "/v1/metrics/data/download/image"
CHART = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last {hours}h'  # another window: not the kept chart


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set so far (`VmHWM`), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _ask(bot_url: str, slack_url: str, n: int) -> None:
    reply_to = f"{slack_url}/commands/T/{n}/a"
    body = slash_command(CHART.format(hours=n + 1), user="U0042", channel="C0000", response_url=reply_to, n=n)
    await post_signed(bot_url, body)


async def _answered(slack_url: str, before: tuple[int, int], within: float) -> tuple[int, int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        stats = await slack_stats(slack_url)
        now = (len(stats["posts"]) if isinstance(stats["posts"], list) else int(stats["posts"]), stats["responses"])
        if now != before:
            return now
        await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not answer the chart")


async def _healthz_max(bot_url: str, until: asyncio.Event) -> float:
    """The slowest `/healthz` while `until` is unset, one every 50 ms."""
    slowest = 0.0
    async with aiohttp.ClientSession() as session:
        while not until.is_set():
            started = time.perf_counter()
            async with session.get(f"{bot_url}/healthz") as response:
                await response.read()
            slowest = max(slowest, time.perf_counter() - started)
            await asyncio.sleep(0.05)
    return slowest


async def answers(knobs: Knobs) -> list[Figure]:
    """Two rounds after a usual chart: 200 MB sent plainly (chunked), then as a gzip bomb (about 200 KB on the wire)."""
    servicewatch, slack, bot = await _bot_with(knobs, "answers", latency=0.0)
    figures: list[Figure] = []
    with processes.running(bot, slack, servicewatch):
        await _ask(bot.url, slack.url, 0)  # a chart as usual first: imports, the catalog, the first image
        answered = await _answered(slack.url, (0, 0), 60)
        before = peak_rss_mb(bot.pid)
        figures.append(Figure("answers", "bot peak RSS after a usual chart", f"{before:.0f} MB", "", "", None))
        for n, how in enumerate(("plain", "gzip"), start=1):
            fault = {"kind": "oversize", "size": SIZE, "length": False, "gzip": how == "gzip", "times": 0}
            async with aiohttp.ClientSession() as session:
                await session.delete(f"{servicewatch.url}/_sandbox/faults")
                faults = [{**fault, "path": path} for path in (DATA, IMAGE)]
                await session.post(f"{servicewatch.url}/_sandbox/faults", data=json.dumps(faults))
            sent_before = (await sandbox_stats(servicewatch.url))["sent"]
            done = asyncio.Event()
            probe = asyncio.create_task(_healthz_max(bot.url, done))
            started = time.perf_counter()
            await _ask(bot.url, slack.url, n)
            answered = await _answered(slack.url, answered, 120)
            took = time.perf_counter() - started
            done.set()
            slowest = await probe
            after = peak_rss_mb(bot.pid)
            sent = (await sandbox_stats(servicewatch.url))["sent"]
            wrote = [(sent.get(p, 0) - sent_before.get(p, 0)) / 1024 for p in (DATA, IMAGE)]
            async with aiohttp.ClientSession() as session, session.get(f"{slack.url}/_fake/responses") as response:
                replies = (await response.json())["responses"]
            figures += _round(how, before, after, slowest, took, wrote, replies[-1].get("text", "") if replies else "")
    return figures


def _round(
    how: str, before: float, after: float, slowest: float, took: float, wrote: list[float], said: str
) -> list[Figure]:
    name = f"answers ({how})"
    return [
        Figure(name, "bot peak RSS after 2 × 200 MB", f"{after:.0f} MB", "", "", None),
        Figure(name, "growth of the peak", f"{after - before:.0f} MB", "≤ 50 MB", "", after - before <= 50),
        Figure(name, "/healthz slowest meanwhile", f"{slowest * 1000:.0f} ms", "≤ 250 ms", "", slowest <= 0.25),
        Figure(name, "chart asked → answered", f"{took:.2f} s", "", "", None),
        Figure(name, "KB the sandbox wrote (data / image)", f"{wrote[0]:,.0f} / {wrote[1]:,.0f}", "", "", None),
        Figure(name, "the asker read", said[:110], "", "", None),
    ]
