"""The console's outbox: charts become PNG files (their path, words and numbered controls printed); notes are
printed, Slack's markup as a terminal shows it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.charts.service import RenderedChart
from bot.chat import Asker
from bot.console.choices import choice_lines
from bot.i18n import _
from bot.language.answers import Pick
from bot.markup import unmarked
from bot.router import Destination, Turn

CHANNEL = "console"
_MENTIONS = re.compile(r"<([@#])([A-Z0-9a-z_.-]+)(?:\|([^>]*))?>")


def plain(text: str) -> str:
    """Slack's `<@U1>` / `<#C1|ops>` (the bot's own too, `bot.markup`) as a terminal shows them: `@U1`, `#ops`; its
    escaped `&lt;`, `&gt;` and `&amp;` as `<`, `>` and `&`."""
    text = _MENTIONS.sub(lambda m: f"{m.group(1)}{m.group(3) or m.group(2)}", unmarked(text))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class Asked:
    """The last question printed: who was asked, where, and its readings (a bare number picks one)."""

    asker: Asker
    destination: Destination
    choices: tuple[Pick, ...]


class ConsoleOutbox:
    """Charts become PNG files (their path, words and numbered controls printed); notes are printed."""

    surface = "console"

    def __init__(self, out: TextIO, charts_dir: Path) -> None:
        self.out = out
        self._charts_dir = charts_dir
        self.last: tuple[Destination, RenderedChart] | None = None  # the last chart with choices, where it went
        self.asked: Asked | None = None  # the last question, until a chart is shown: numbers pick its readings

    async def post_chart(self, destination: Destination, chart: RenderedChart, turn: Turn | None = None) -> str:
        return await self.show(destination, chart)

    async def show(self, destination: Destination, chart: RenderedChart, *, changed_by: str = "") -> str:
        """Write the chart's PNG and print its path, words, what changed (after a numbered choice, by
        `changed_by`) and its controls as numbered choices; the last chart with choices is the one numbers click."""
        chart = await chart.finished()
        self._charts_dir.mkdir(parents=True, exist_ok=True)
        path = self._charts_dir / chart.filename
        path.write_bytes(chart.image)
        head = _("chart (in the thread): {path}") if destination.thread_ts else _("chart: {path}")
        lines = [head.format(path=path), plain(chart.comment)]
        lines += [f"  {summary.describe()}" for summary in chart.summaries]
        if chart.view is not None and changed_by:
            lines.append(_("{change} — changed by {who}").format(change=chart.view.change(), who=changed_by))
        self.asked = None
        numbered = choice_lines(chart)
        if numbered:
            lines += numbered
            self.last = (destination, chart)
        self._print("\n".join(lines))
        return str(path)

    def write(self, text: str) -> None:
        """Print a note (Slack's mentions as a terminal shows them)."""
        self._print(plain(text))

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        self.write(text)

    async def ask(self, asker: Asker, destination: Destination, text: str, choices: Sequence[Pick]) -> None:
        """Print the question and its readings numbered from 1; a bare number typed next picks one."""
        self.write(text)
        if choices:
            self.write("  " + "  ".join(f"[{n}] {choice.label}" for n, choice in enumerate(choices, start=1)))
            self.asked = Asked(asker, destination, tuple(choices))

    async def say(self, destination: Destination, text: str) -> None:
        self.write(text)

    async def turn(self) -> Turn:
        """The console has no rate limit: a turn at once."""
        return Turn()

    def ready(self) -> bool:
        return True

    async def notify(self, user_id: str, text: str) -> None:
        self._print(_("(a direct message to @{user}) {text}").format(user=user_id, text=plain(text)))

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
