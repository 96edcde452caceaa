"""The local console: `/chart …` and `@bot …` lines behave as in Slack; charts are written to ./charts/, with their
controls as numbered choices (`bot.console.controls`): a bare number clicks one."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from bot.charts.maker import ChartMaker
from bot.chat import Asker
from bot.console.controls import choose
from bot.console.outbox import CHANNEL, ConsoleOutbox
from bot.i18n import ENGLISH, _, speaking
from bot.router import Destination, Router


async def run_console(
    router: Router,
    maker: ChartMaker,
    *,
    command: str,
    timezone: str,
    stdin: TextIO,
    outbox: ConsoleOutbox,
    banner: Sequence[str] = (),
    language: str = ENGLISH,
) -> int:
    """Read lines until `quit` or end of input; each runs exactly as it would in Slack, in `language`."""
    with speaking(language):
        return await _read_lines(router, maker, command, timezone, stdin, outbox, banner, language)


async def _read_lines(
    router: Router,
    maker: ChartMaker,
    command: str,
    timezone: str,
    stdin: TextIO,
    outbox: ConsoleOutbox,
    banner: Sequence[str],
    language: str,
) -> int:
    stdout = outbox.out
    user = getpass.getuser()
    asker = Asker(
        user_id=user,
        channel_id=CHANNEL,
        mention=f"@{user}",
        timezone=timezone,
        is_admin=True,
        asked_from=CHANNEL,
        language=language,
    )
    for line in banner:
        stdout.write(line + "\n")
    stdout.write(
        _(
            "Type `{command} help`, `{command} CHART [WINDOW] [OPTIONS]` or `@bot CHART …` (a thread); `quit` ends."
        ).format(command=command)
        + "\n"
    )
    thread = Destination(CHANNEL, thread_ts="thread-1")  # the console's one incident thread
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
        if line.isdecimal():  # a reading of the last question, or a numbered choice under the last chart
            await choose(int(line), router, maker, asker, outbox, command=command)
            continue
        outbox.asked = None  # a new line: an earlier question is no longer the one numbers answer
        head, _space, rest = line.partition(" ")
        destination = Destination(CHANNEL)
        speaker = asker
        if head.startswith("@"):
            destination = thread
            speaker = replace(asker, thread_ts=thread.thread_ts)
        elif head.startswith("/"):
            if head != command:
                stdout.write(
                    _("Only {command} is a command here; try `{command} help`.").format(command=command) + "\n"
                )
                continue
        else:
            rest = line  # plain words: as if typed after the command
        await router.run(rest, speaker, destination, outbox)
