"""The Workflow Builder step "Post a ServiceWatch chart" (`app.function`, the manifests' `functions.post_chart`):
its inputs (a channel, chart words in either language, a window, the person it runs for) are read as `/chart` reads
a line and go the same road as a typed request, with the same access rules (the channel must be one the bot answers
in, and the person a member of it). The step completes with the chart message's link, or fails with what the
person would have been told."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import Asker
from bot.i18n import _, speaking
from bot.language.answers import Pick
from bot.language.spec import ChartRequest
from bot.markup import unmarked
from bot.router import Destination
from bot.slack.access import slack_error
from bot.slack.listeners.commands import CommandListener
from bot.slack.outbox import SlackOutbox
from bot.slack.requests import SlackRequests

log = logging.getLogger(__name__)

CALLBACK = "post_chart"  # the manifests' functions.post_chart
OUTPUT = "message_link"


class StepOutbox(SlackOutbox):
    """A step's outbox: charts are posted as any request's; what would be told to the person (an error, a question)
    is kept for the step's failure instead, since nobody watches a workflow's run for a private note."""

    def __init__(self, client: AsyncWebClient, **options: Any) -> None:
        super().__init__(client, **options)
        self.told: list[str] = []

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        self.told.append(unmarked(text))

    async def ask(self, asker: Asker, destination: Destination, text: str, choices: Sequence[Pick]) -> None:
        lines = "; ".join(f"`{choice.line}`" for choice in choices)
        self.told.append(
            unmarked(f"{text} " + _("Write one of these in the step's chart words: {lines}").format(lines=lines))
        )


@dataclass(frozen=True)
class StepRun:
    """One run of the step, as Bolt hands it over: the event's body, its inputs, and how to end it."""

    body: dict[str, Any]
    inputs: dict[str, Any]
    complete: AsyncComplete
    fail: AsyncFail
    client: AsyncWebClient


class ChartStep:
    def __init__(self, requests: SlackRequests, commands: CommandListener) -> None:
        self.requests, self.commands = requests, commands

    def register(self, app: AsyncApp) -> None:
        app.function(CALLBACK)(self.on_step)

    async def on_step(
        self,
        body: dict[str, Any],
        inputs: dict[str, Any],
        complete: AsyncComplete,
        fail: AsyncFail,
        client: AsyncWebClient,
    ) -> None:
        # Acknowledged by Bolt; the chart is drawn as the process's own work (a shutdown waits for it).
        self.requests.work.spawn(self._run(StepRun(body, inputs, complete, fail, client)), name="a workflow step")

    async def _run(self, step: StepRun) -> None:
        body, inputs, complete, fail, client = step.body, step.inputs, step.complete, step.fail, step.client
        user = str(inputs.get("user_id") or "")
        channel = str(inputs.get("channel_id") or "")
        words = " ".join(str(inputs.get(name) or "").strip() for name in ("chart", "window")).strip()
        workspace = self.requests.workspaces.key_of(body)
        with speaking(await self.requests.people.language(user, workspace) if user else "en"):
            problem = self._problem(user, channel, words)
            read = self.commands.read(words, user) if problem is None else None
            if read is not None and read.refusal is not None:
                problem = unmarked(read.refusal)
            elif read is not None and not isinstance(read.request, ChartRequest):
                problem = _(
                    "This step posts charts; “{words}” is not a chart. Write a metric or a saved chart."
                ).format(words=words)
            if problem is not None or read is None:
                await self._failed(fail, problem or "")
                return
        outbox = StepOutbox(
            client,
            bot_name=self.requests.bot_name,
            access=self.requests.workspaces.access(workspace),
            links=self.requests.workspaces.links,
        )
        destination = Destination(channel, None, workspace)
        await self.requests.run(words, user, destination, outbox, asked_from=None, read=read.request)
        if outbox.told and not outbox.posted:
            await self._failed(fail, " ".join(outbox.told))
            return
        link = await self._link(client, outbox.posted, channel)
        try:
            await complete(outputs={OUTPUT: link})
        except (SlackApiError, ClientError, OSError) as exc:
            log.warning("could not complete a workflow step (%s)", _why(exc))

    def _problem(self, user: str, channel: str, words: str) -> str | None:
        if not user:
            return _("The step needs the person it runs for (its “Run by” input), to check their access.")
        if not channel:
            return _("The step needs a channel to post the chart in.")
        if not words:
            return _("The step needs chart words, e.g. `web-cpu` or `CPU Usage web-01 last 3h`.")
        return None

    async def _link(self, client: AsyncWebClient, posted: list[tuple[str, str]], channel: str) -> str:
        """The posted chart message's permalink; Slack's link to the channel when there is no message to link."""
        if posted:
            where, ts = posted[0]
            try:
                answer = await client.chat_getPermalink(channel=where, message_ts=ts)
                if answer.get("permalink"):
                    return str(answer["permalink"])
            except (SlackApiError, ClientError, OSError) as exc:
                log.info("no permalink for a workflow step's chart (%s)", _why(exc))
        return f"https://slack.com/app_redirect?channel={channel}"

    async def _failed(self, fail: AsyncFail, error: str) -> None:
        try:
            await fail(error=error or _("The chart could not be posted."))
        except (SlackApiError, ClientError, OSError) as exc:
            log.warning("could not fail a workflow step (%s)", _why(exc))


def _why(exc: Exception) -> str:
    return slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
