"""Requests people make in Slack, from their acknowledgement to their answer: noted before the work starts (so a
restart finishes them), run in the background, fenced while posting, and taken over when their process died."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_bolt.context.respond.async_respond import AsyncRespond as Respond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.charts.service import RenderedChart
from bot.chat import Asker, error_text
from bot.i18n import _, speaking
from bot.language.answers import Pick
from bot.language.spec import Request
from bot.markup import mention
from bot.router import BackgroundWork, Destination, Router, Superseded
from bot.slack.outbox import SlackOutbox
from bot.slack.people import People
from bot.slack.workspaces import Workspaces
from bot.store.events import EventLedger, signature_claim
from bot.store.pending import POSTING, PendingRequest, PendingRequests

log = logging.getLogger(__name__)
Settle = Callable[[], Awaitable[None]]  # what a request's work waits for before it takes the CPU
RESPONSE_URL_LIFE = 25 * 60  # seconds: Slack's response_url works for 30 minutes


class TrackedOutbox:
    """An outbox that notes, just before posting, that the request may now have reached Slack."""

    surface = "slack"

    def __init__(self, inner: SlackOutbox, pending: PendingRequests, request_id: int) -> None:
        self._inner, self._pending, self._id = inner, pending, request_id

    async def post_chart(self, destination: Destination, chart: RenderedChart) -> str:
        if self._inner.shows_at_once(chart):  # its message needs no upload: only its image waits for a turn
            if not await self._pending.posting(self._id):
                raise Superseded(f"request {self._id}")
            # answered once its message is in Slack: a stop while the image joins it leaves nothing to retell
            return await self._inner.post_chart(destination, chart, delivered=lambda: self._pending.done(self._id))
        turn = await self._inner.turn()  # Slack's upload limit: waiting here, the request can be finished elsewhere
        if not await self._pending.posting(self._id):
            raise Superseded(f"request {self._id}")
        return await self._inner.post_chart(destination, chart, turn)

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        await self._inner.tell(asker, destination, text)

    async def ask(self, asker: Asker, destination: Destination, text: str, choices: Sequence[Pick]) -> None:
        await self._inner.ask(asker, destination, text, choices)


class SlackRequests:
    """Starts, runs and takes over the requests of every Slack surface."""

    def __init__(
        self,
        *,
        router: Router,
        policy: AccessPolicy,
        people: People,
        work: BackgroundWork,
        workspaces: Workspaces,
        bot_name: str,
        pending: PendingRequests | None = None,
        orphan_age: timedelta = timedelta(minutes=2),
    ) -> None:
        self.router = router
        self.policy = policy
        self.people = people
        self.work = work
        self.workspaces = workspaces
        self.bot_name = bot_name
        self.pending = pending
        self.orphan_age = orphan_age

    def outbox(
        self, client: AsyncWebClient, respond: AsyncRespond | None = None, *, workspace: str = ""
    ) -> SlackOutbox:
        """How a request of `workspace` is answered: with `client` (the request's, carrying the workspace's token) and
        the workspace's pace and access state."""
        return self.workspaces.outbox(workspace, client=client, respond=respond)

    async def asker(
        self,
        user_id: str,
        destination: Destination,
        *,
        asked_from: str | None,
        request_id: int | None = None,
        asked_at: datetime | None = None,
    ) -> Asker:
        return Asker(
            user_id=user_id,
            channel_id=destination.channel_id,
            mention=mention(user_id),
            timezone=await self.people.timezone(user_id, destination.workspace),
            language=await self.people.language(user_id, destination.workspace),
            is_admin=self.policy.is_admin(user_id),
            thread_ts=destination.thread_ts,
            request_key=f"request:{request_id}" if request_id is not None else None,
            asked_at=asked_at,
            asked_from=asked_from,
            workspace=destination.workspace,
        )

    async def start(
        self,
        text: str,
        user_id: str,
        destination: Destination,
        outbox: SlackOutbox,
        *,
        asked_from: str | None,
        response_url: str | None = None,
        noted: int | None = None,
        settle: Settle | None = None,
        read: Request | None = None,
    ) -> None:
        """After the acknowledgement: note the request (so a restart can finish it; `noted` when it already is),
        then work in the background, after `settle`. A request that cannot be noted (the database is down) is still
        answered, only not taken over."""
        request_id, received_at = noted, None
        if self.pending is not None:
            received_at = self.pending.now()
        if self.pending is not None and noted is None:
            try:
                request_id = await self.pending.add(
                    text=text,
                    user_id=user_id,
                    channel_id=destination.channel_id,
                    thread_ts=destination.thread_ts,
                    response_url=response_url,
                    asked_from=asked_from,
                    received_at=received_at,
                    workspace=destination.workspace,
                )
            except Exception:
                log.exception("could not note a request of %s; answering it without a note to take over", user_id)
        self.work.spawn(
            self.run(text, user_id, destination, outbox, asked_from, request_id, received_at, settle=settle, read=read),
            name=f"request {request_id or '(not noted)'} of {user_id}",
        )

    async def run(
        self,
        text: str,
        user_id: str,
        destination: Destination,
        outbox: SlackOutbox,
        asked_from: str | None,
        request_id: int | None = None,
        asked_at: datetime | None = None,
        *,
        settle: Settle | None = None,
        read: Request | None = None,
    ) -> None:
        """Answer one request (`read`: its line as the reader read it already, else it is read here). Never raises but
        for cancellation: every failure is logged with the request and its asker told, in the words of any failure. A
        request cut off by a shutdown keeps its note, so it is taken over (or its asker told) later."""
        cut_off = False
        asker = Asker(
            user_id=user_id,
            channel_id=destination.channel_id,
            mention=mention(user_id),
            language=self.people.known_language(user_id),
            workspace=destination.workspace,
        )
        try:
            if settle is not None:
                await settle()
            asker = await self.asker(
                user_id, destination, asked_from=asked_from, request_id=request_id, asked_at=asked_at
            )
            tracked = TrackedOutbox(outbox, self.pending, request_id) if self.pending and request_id else outbox
            with speaking(asker.language):  # every message of the work, however deep, in the asker's language
                await self.router.run(text, asker, destination, tracked, read=read)
        except asyncio.CancelledError:
            cut_off = True
            raise
        except Exception as exc:
            with speaking(asker.language):
                message, _reference = error_text(exc)  # logs the detail with a reference
            log.error("request %s of %s failed: %s", request_id or "(not noted)", user_id, message)
            try:
                await outbox.tell(asker, destination, message)
            except Exception:
                log.exception("could not tell %s that their request failed", user_id)
        finally:
            if not cut_off and self.pending is not None and request_id is not None:
                try:
                    await self.pending.done(request_id)
                except Exception:
                    log.exception("could not mark request %s done; another process may answer it again", request_id)

    async def sweep(self) -> int:
        """Finish requests a dead process acknowledged: re-run those that never reached Slack (a change they made
        is not made twice: its answer is sent again); tell the askers of those cut off while posting (they may have
        arrived, so they are not sent twice). Returns how many."""
        if self.pending is None:
            return 0
        orphans = await self.pending.orphans(self.orphan_age)
        for orphan in orphans:
            destination = Destination(orphan.channel_id, orphan.thread_ts, orphan.workspace)
            client = self.workspaces.client(orphan.workspace)
            outbox = self.outbox(client, self._respond(orphan), workspace=orphan.workspace)
            if orphan.status == POSTING:
                await self._tell_maybe_posted(orphan, destination, outbox)
            else:
                self.work.spawn(
                    self.run(
                        orphan.text,
                        orphan.user_id,
                        destination,
                        outbox,
                        orphan.asked_from,
                        orphan.id,
                        orphan.received_at,
                    ),
                    name=f"request {orphan.id} (taken over) of {orphan.user_id}",
                )
        return len(orphans)

    def _respond(self, orphan: PendingRequest) -> AsyncRespond | None:
        assert self.pending is not None
        fresh = (self.pending.now() - orphan.received_at).total_seconds() < RESPONSE_URL_LIFE
        return Respond(response_url=orphan.response_url) if fresh and orphan.response_url else None

    async def _tell_maybe_posted(self, orphan: PendingRequest, destination: Destination, outbox: SlackOutbox) -> None:
        assert self.pending is not None
        asker = await self.asker(orphan.user_id, destination, asked_from=orphan.asked_from)
        with speaking(asker.language):
            note = _(
                "The bot restarted while posting your chart (“{text}”); it may not have arrived. If it isn't here, "
                "ask again."
            ).format(text=orphan.text[:80])
        try:
            await outbox.tell(asker, destination, note)
        except Exception:
            log.exception("could not tell %s about an interrupted request", orphan.user_id)
        await self.pending.done(orphan.id)

    async def keep_sweeping(self) -> None:
        """Renew this process's requests and sweep others' orphans, at start and then every third of the orphan
        age (at most every 30 s), until cancelled."""
        while True:
            try:
                if self.pending is not None:
                    await self.pending.renew_all()
                found = await self.sweep()
                if found:
                    log.warning("took over %d requests a stopped process had acknowledged", found)
            except Exception:
                log.exception("sweeping unanswered requests failed; trying again later")
            await asyncio.sleep(min(30.0, self.orphan_age.total_seconds() / 3))


def signature_of(request: AsyncBoltRequest) -> str:
    """The request's Slack signature (empty in Socket Mode, where nothing is signed)."""
    return (request.headers.get("x-slack-signature") or [""])[0]


Tell = Callable[[str], Awaitable[Any]]  # how a refusal reaches the one who asked


def replied(respond: AsyncRespond | None) -> Tell | None:
    """A refusal told through the request's response_url, privately."""
    if respond is None:
        return None
    return lambda text: respond(text=text, response_type="ephemeral", replace_original=False)


async def first_delivery(
    ledger: EventLedger, signature: str, tell: Tell | None = None, *, pauses: Sequence[float] = (0.2, 1.0)
) -> bool:
    """After the acknowledgement: False when this signed request was taken before, by any replica (a replay). True
    without a signature (Socket Mode delivers each once). When the database cannot say, even after a pause or two,
    the request is refused (a replay check that cannot be made fails closed) and its asker told through `tell`."""
    if not signature:
        return True
    for pause in (*pauses, None):
        try:
            if await ledger.claim(signature_claim(signature)):
                return True
        except Exception as error:
            if pause is not None:
                await asyncio.sleep(pause)
                continue
            log.error("could not check a request's signature against other replicas; refused it: %s", error)
            if tell is not None:
                try:
                    await tell(unchecked())
                except Exception:
                    log.exception("could not tell the asker their request was refused")
            return False
        log.warning("dropped a replayed Slack request (its signature was already used)")
        return False
    return False


def unchecked() -> str:
    """What the asker of a request refused for want of a replay check is told."""
    return _(
        "The bot's database is not answering, so it could not make sure this request was not taken already; nothing "
        "was done. Try again in a minute; if it keeps happening, tell the bot's admins."
    )
