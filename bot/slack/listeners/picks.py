"""The buttons under a question (a word with several readings): the asker's click runs the line of the reading they
picked, by the road a typed line takes, and the question is replaced by what was picked; anyone else's is refused."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.chat import error_text
from bot.i18n import _, speaking
from bot.markup import for_slack, marked
from bot.router import Destination
from bot.slack.listeners.clicks import Click, answered_once
from bot.slack.outbox import SlackOutbox
from bot.slack.question import PICK_PREFIX, Picked, picked
from bot.slack.requests import SlackRequests
from bot.store.events import EventLedger

log = logging.getLogger(__name__)


class PickButtons:
    def __init__(self, requests: SlackRequests, ledger: EventLedger) -> None:
        self.requests, self.ledger = requests, ledger

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(f"^{PICK_PREFIX}"))(answered_once(self.requests, self.ledger, "a pick", self.answer))

    async def answer(self, click: Click, outbox: SlackOutbox, respond: AsyncRespond | None) -> None:
        """After the acknowledgement: run the picked reading, or tell the clicker why not."""
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
                await _quietly(respond(text=for_slack(said), response_type="ephemeral", replace_original=True))
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
            return _("This question was asked of <@{user}>; ask for your own chart to choose.").format(
                user=marked(pick.asked)
            )
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
