"""One router for every surface (Slack's slash command, mentions, the shortcut, and the console): who may ask
where, running a line of the chat language, and delivering the answer through the surface's outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.access import AccessPolicy
from bot.charts.service import RenderedChart
from bot.chat import Asker, ChartReply, ChatActions, DryRunReply, TextReply, error_text
from bot.errors import ChartQuestion, UserError
from bot.language.answers import Pick, picks
from bot.language.spec import Request
from bot.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Destination:
    """Where a chart goes: a channel, and a thread in it when `thread_ts` is set."""

    channel_id: str
    thread_ts: str | None = None
    workspace: str = ""  # the Slack workspace of the channel (bot/slack/workspaces.py); "" for a single workspace


class Outbox(Protocol):
    """How a surface delivers: a chart to a place, and a private note to the person who asked."""

    surface: str

    async def post_chart(self, destination: Destination, chart: RenderedChart) -> str:
        """Post the chart once; returns the posted file's id (Slack's file id, the console's path)."""
        ...

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        """A note only the asker sees."""
        ...

    async def ask(self, asker: Asker, destination: Destination, text: str, choices: Sequence[Pick]) -> None:
        """A question only the asker sees, with its readings to pick from (each runs its line as if typed)."""
        ...


class Turn:
    """One chart's turn under the platform's rate limit: taken with `Poster.turn`, and given to the `post_chart` of
    that chart, which then goes at once. It is used once: a post given a used turn waits for one of its own."""

    def __init__(self) -> None:
        self._used = False

    def use(self) -> bool:
        """Whether the turn was still unused (it is used now)."""
        unused, self._used = not self._used, True
        return unused


class Poster(Outbox, Protocol):
    """What scheduled runs need besides posting: a turn to post in, a message everyone in the place sees, and a DM."""

    async def post_chart(self, destination: Destination, chart: RenderedChart, turn: Turn | None = None) -> str:
        """Post the chart once, in `turn` (taken with `turn()`) when given, else in a turn it waits for."""
        ...

    async def say(self, destination: Destination, text: str) -> None: ...

    async def notify(self, user_id: str, text: str) -> None: ...

    def ready(self) -> bool:
        """Whether posting can work at all (False once the platform refused the bot's credentials)."""
        ...

    async def turn(self) -> Turn:
        """Wait until the platform's rate limit allows one more chart: the turn to give that chart's `post_chart`."""
        ...


class Superseded(Exception):
    """Raised by an outbox when the request is no longer this process's to answer (another replica took it over):
    the run stops without a word, since the new holder answers."""


class Router:
    """Runs one line for someone and delivers the result; never raises (failures are told to the asker)."""

    def __init__(self, actions: ChatActions, policy: AccessPolicy, metrics: Metrics | None = None) -> None:
        self.actions = actions
        self.policy = policy
        self.metrics = metrics or Metrics()

    async def run(
        self, text: str, asker: Asker, destination: Destination, outbox: Outbox, *, read: Request | None = None
    ) -> None:
        """Run `text` (read as `read` when the reader has read it already) and deliver its answer."""
        self.metrics.requests.labels(outbox.surface).inc()
        started = time.monotonic()
        try:
            await self._run(text, asker, destination, outbox, started, read)
        except Superseded:
            log.info("a request was taken over by another process; it answers, not this one")
        except Exception as exc:  # the one place every failure of a request ends up
            self.metrics.failures.labels("user" if isinstance(exc, UserError) else "error").inc()
            message, reference = error_text(exc)
            if reference:
                log.error(
                    "request %s of %s in %s failed (ref %s)",
                    asker.request_key or "(not noted)",
                    asker.user_id,
                    destination.channel_id,
                    reference,
                )
            try:
                if isinstance(exc, ChartQuestion):
                    await outbox.ask(asker, destination, message, picks(exc, text))
                else:
                    await outbox.tell(asker, destination, message)
            except Exception:
                log.exception("could not tell %s about a failed request", asker.user_id)

    async def _run(
        self, text: str, asker: Asker, destination: Destination, outbox: Outbox, started: float, read: Request | None
    ) -> None:
        await self.policy.check_post(asker.user_id, asker.asked_from, destination.channel_id, asker.workspace)
        reply = await self.actions.handle(text, asker, read=read)
        if isinstance(reply, TextReply):
            await outbox.tell(asker, destination, reply.text)
        elif isinstance(reply, DryRunReply):
            await outbox.tell(asker, destination, f"{reply.summary}:\n```{reply.body}```")
        elif isinstance(reply, ChartReply):
            target = destination  # a `thread` link was checked before the chart was drawn
            if reply.thread is not None:
                target = Destination(reply.thread.channel_id, reply.thread.thread_ts)
            await outbox.post_chart(target, reply.chart)
            self.metrics.charts.labels("bot" if reply.chart.drawn_by_bot else "servicewatch").inc()
            self.metrics.chart_seconds.observe(time.monotonic() - started)


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` and wait until it has ended. Only cancelling would leave it mid-query while the database it
    uses is closed, and then the event loop's own shutdown would wait for it for ever."""
    if task is None or task.done():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class BackgroundWork:
    """Work started after an acknowledgement: tracked, so a shutdown waits for it instead of dropping it."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
        """Run `work` in the background; a failure it lets out is logged with `name` (never left unretrieved)."""
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work %r failed", task.get_name(), exc_info=task.exception())

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float) -> int:
        """Wait up to `grace` seconds for work under way, and for the work it starts meanwhile (a command's run, a
        pick's request); returns how many were still running (then cancelled)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._tasks and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=left)
        pending = set(self._tasks)
        for task in pending:
            task.cancel()
        if pending:  # let them end before what they use (the database, the clients) is closed
            await asyncio.wait(pending, timeout=grace)
        return len(pending)
