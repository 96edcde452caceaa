"""The buttons under a question (a word with several readings): the asker's click runs the line of the reading they
picked, by the road a typed line takes, and the question is replaced by what was picked; anyone else's is refused."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import error_text
from bot.i18n import _, speaking
from bot.router import Destination
from bot.slack.listeners.chart_buttons import Click
from bot.slack.question import PICK_PREFIX, Picked, picked
from bot.slack.requests import SlackRequests, first_delivery, signature_of
from bot.store.events import EventLedger

log = logging.getLogger(__name__)


class PickButtons:
    def __init__(self, requests: SlackRequests, ledger: EventLedger) -> None:
        self.requests, self.ledger = requests, ledger

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(f"^{PICK_PREFIX}"))(self.on_pick)

    async def on_pick(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        await ack()
        click = Click.of(body, action, self.requests.workspaces.key_of(body))
        self.requests.work.spawn(self.answer(click, client, signature_of(request)), name=f"a pick of {click.user_id}")

    async def answer(self, click: Click, client: AsyncWebClient, signature: str) -> None:
        """After the acknowledgement: run the picked reading, or tell the clicker why not."""
        if not await first_delivery(self.ledger, signature):
            return
        respond = AsyncRespond(response_url=click.response_url) if click.response_url else None
        outbox = self.requests.outbox(client, respond, workspace=click.workspace)
        here = Destination(click.channel_id, click.thread_ts, click.workspace)
        asker = await self.requests.asker(click.user_id, here, asked_from=None)
        with speaking(asker.language):
            try:
                pick = picked(click.action)
                refusal = await self._refusal(click, pick)
            except Exception as exc:
                refusal, _reference = error_text(exc)
            if refusal is not None:
                log.info("a pick of %s in %s: %s", click.user_id, click.channel_id, refusal)
                await _quietly(outbox.tell(asker, here, refusal))
                return
            if respond is not None:  # the question's buttons go: what was picked stands in their place
                said = _("Drawing {label}: `{line}`").format(label=pick.label, line=pick.line)
                await _quietly(respond(text=said, response_type="ephemeral", replace_original=True))
        # Typed in that channel when the question came there; else (a direct message) the clicker must be a member.
        asked_from = pick.channel_id if click.channel_id == pick.channel_id else None
        await self.requests.start(
            pick.line,
            click.user_id,
            Destination(pick.channel_id, pick.thread_ts, click.workspace),
            outbox,
            asked_from=asked_from,
            response_url=click.response_url,
        )

    async def _refusal(self, click: Click, pick: Picked) -> str | None:
        """Why this click runs nothing: another person's, or a question already answered; None when it runs."""
        if click.user_id != pick.asked:
            return _("This question was asked of <@{user}>; ask for your own chart to choose.").format(user=pick.asked)
        if not await self._first_pick(pick):
            return _("This question is answered already; type the chart again to draw another reading.")
        return None

    async def _first_pick(self, pick: Picked) -> bool:
        """Whether this is the question's first pick, by any replica (a double click draws one chart); True when
        the database cannot say, so a pick is answered rather than lost."""
        try:
            return await self.ledger.claim(f"pick:{pick.question}")
        except Exception:
            log.exception("could not check a pick against other replicas; answering it")
            return True


async def _quietly(sending: Awaitable[Any]) -> None:
    try:
        await sending
    except Exception:
        log.exception("could not answer a pick")
