"""The local console: `/chart …` and `@bot …` lines behave as in Slack; charts are written to ./charts/."""

from __future__ import annotations

import asyncio
import getpass
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.charts.service import RenderedChart
from bot.chat import Asker
from bot.router import Destination, Router

CHANNEL = "console"
_MENTIONS = re.compile(r"<([@#])([A-Z0-9a-z_.-]+)(?:\|([^>]*))?>")


def plain(text: str) -> str:
    """Slack's `<@U1>` / `<#C1|ops>` as a terminal shows them: `@U1`, `#ops`."""
    return _MENTIONS.sub(lambda m: f"{m.group(1)}{m.group(3) or m.group(2)}", text)


class ConsoleOutbox:
    """Charts become PNG files (their path and words printed); notes are printed."""

    surface = "console"

    def __init__(self, out: TextIO, charts_dir: Path) -> None:
        self._out = out
        self._charts_dir = charts_dir

    async def post_chart(self, destination: Destination, chart: RenderedChart) -> None:
        self._charts_dir.mkdir(parents=True, exist_ok=True)
        path = self._charts_dir / chart.filename
        path.write_bytes(chart.image)
        where = " (in the thread)" if destination.thread_ts else ""
        lines = [f"chart{where}: {path}", plain(chart.comment)]
        lines += [f"  {summary.describe()}" for summary in chart.summaries]
        self._print("\n".join(lines))

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        self._print(plain(text))

    def _print(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()


async def run_console(
    router: Router,
    *,
    command: str,
    timezone: str,
    stdin: TextIO,
    stdout: TextIO,
    charts_dir: Path = Path("charts"),
    banner: Sequence[str] = (),
) -> int:
    """Read lines until `quit` or end of input; each runs exactly as it would in Slack."""
    outbox = ConsoleOutbox(stdout, charts_dir)
    user = getpass.getuser()
    asker = Asker(user_id=user, channel_id=CHANNEL, mention=f"@{user}", timezone=timezone, is_admin=True)
    for line in banner:
        stdout.write(line + "\n")
    stdout.write(
        f"Type `{command} help`, `{command} CHART [WINDOW] [OPTIONS]` or `@bot CHART …` (a thread); `quit` ends.\n"
    )
    threads = 0
    while True:
        stdout.write("chart> ")
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            stdout.write("\n")
            return 0
        line = line.strip()
        if not line:
            continue
        if line.lower() in ("quit", "exit", "q", ":q"):
            return 0
        head, _, rest = line.partition(" ")
        destination = Destination(CHANNEL)
        if head.startswith("@"):
            threads += 1
            destination = Destination(CHANNEL, thread_ts=f"thread-{threads}")
        elif head.startswith("/"):
            if head != command:
                stdout.write(f"Only {command} is a command here; try `{command} help`.\n")
                continue
        else:
            rest = line  # plain words: as if typed after the command
        await router.run(rest, asker, destination, outbox)
