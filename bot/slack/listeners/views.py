"""The chart modal: its submission (the chart goes to the thread) and its metric type-ahead; and the Save… and
Schedule… forms of a posted chart: submitted, each runs the line it stands for as if typed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts.maker import ChartMaker
from bot.errors import UserError
from bot.i18n import _, speaking
from bot.language.parse import ChartUsageError, parse_chart
from bot.router import Destination
from bot.slack.modal import (
    CALLBACK_ID,
    METRIC_ACTION,
    SAVE_CALLBACK_ID,
    SCHEDULE_CALLBACK_ID,
    chart_words,
    metric_options,
    refusal,
    save_words,
    schedule_words,
)
from bot.slack.requests import SlackRequests, first_delivery, signature_of
from bot.store.events import EventLedger

# Seconds the metric type-ahead may take, from its start, when it does not hold a catalog yet. Slack drops an answer
# after 3 s, and Bolt answers 404 itself when the listener has not acked 3 s (its ack_timeout) after the app took the
# request: half of that is left for a busy machine's delays.
TYPE_AHEAD_WAIT = 1.5
# Each form's callback_id → what reads its answers into a line of the chat language (or errors by block).
FORM_WORDS: dict[str, Callable[[dict[str, dict[str, Any]]], tuple[str, dict[str, str]]]] = {
    SAVE_CALLBACK_ID: save_words,
    SCHEDULE_CALLBACK_ID: schedule_words,
}


class ModalListeners:
    def __init__(self, requests: SlackRequests, maker: ChartMaker, ledger: EventLedger, command: str) -> None:
        self.requests, self.maker, self.ledger, self.command = requests, maker, ledger, command

    def register(self, app: AsyncApp) -> None:
        app.view(CALLBACK_ID)(self.on_submit)
        for callback_id in FORM_WORDS:
            app.view(callback_id)(self.on_form_submit)
        app.options(METRIC_ACTION)(self.on_metric_options)

    async def on_submit(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        text, missing = chart_words(view["state"]["values"])
        # Answered within Slack's three seconds, so in the language known without a call (see CommandListener).
        with speaking(self.requests.people.known_language(body["user"]["id"])):
            if missing:
                await ack(response_action="errors", errors={missing: _("Pick a saved chart or a metric.")})
                return
            try:
                parse_chart(text, command=self.command)
            except ChartUsageError as exc:
                await ack(response_action="errors", errors={"window": refusal(exc)})
                return
        await ack()
        self.requests.work.spawn(self._submitted(text, body, view, client, signature_of(request)), name="a form")

    async def on_form_submit(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        """Save… or Schedule…: refused field by field within Slack's three seconds (in the clicker's language, as
        known without a call); else the line runs as if typed, where the chart was posted."""
        words = FORM_WORDS[view["callback_id"]]
        with speaking(self.requests.people.known_language(body["user"]["id"])):
            text, errors = words(view["state"]["values"])
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        await ack()
        self.requests.work.spawn(self._submitted(text, body, view, client, signature_of(request)), name="a form")

    async def _submitted(
        self, text: str, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, signature: str
    ) -> None:
        user_id = body["user"]["id"]
        if not await first_delivery(
            self.ledger, signature, lambda text: client.chat_postMessage(channel=user_id, text=text)
        ):
            return
        where = json.loads(view.get("private_metadata") or "{}")
        workspace = self.requests.workspaces.key_of(body)
        destination = Destination(where["channel_id"], where.get("thread_ts"), workspace)  # forms post in the channel
        outbox = self.requests.outbox(client, workspace=workspace)
        # asked_from None: the shortcut (or button) may be in a channel its user only views; membership is checked.
        await self.requests.start(text, body["user"]["id"], destination, outbox, asked_from=None)

    async def on_metric_options(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        # The metrics of the account the form's channel draws with (none offered when no account applies there).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TYPE_AHEAD_WAIT  # the account's lookup counts too
        where = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
        workspace = self.requests.workspaces.key_of(body)
        try:
            charts = await self.maker.charts_in(workspace, str(where.get("channel_id") or ""))
        except UserError:
            await ack(options=[])
            return
        # Slack drops an answer after 3 s: never wait on a cold or failing catalog past the deadline.
        catalog = await charts.catalog_within(max(0.0, deadline - loop.time()))
        references = [m.reference for m in catalog.metrics] if catalog is not None else []
        await ack(options=[found.to_dict() for found in metric_options(references, body.get("value") or "")])
