"""The Slack listeners: `/chart`, mentions, the "Chart in thread" shortcut and its modal. Parse first,
acknowledge at once, work after the acknowledgement, and post exactly once."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.context.respond.async_respond import AsyncRespond as Respond
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts.parse import ChartUsageError, parse_chart, parse_request
from bot.charts.service import RenderedChart
from bot.charts.spec import ChartRequest, ScheduleRequest
from bot.chat import Asker
from bot.errors import UserError
from bot.router import BackgroundWork, Destination, Router, Superseded
from bot.scheduling.actions import ScheduleActions
from bot.slack.home import ACTIONS, home_view
from bot.slack.modal import CALLBACK_ID, METRIC_ACTION, SHORTCUT_ID, chart_modal, chart_words, metric_options
from bot.slack.outbox import SlackAccess, SlackOutbox
from bot.slack.people import People
from bot.store import SavedCharts
from bot.store.events import EventLedger
from bot.store.pending import PendingRequests

log = logging.getLogger(__name__)
TYPE_AHEAD_WAIT = 2.5  # seconds the metric type-ahead may wait on a catalog it does not hold yet


class _Tracked:
    """An outbox that notes, just before posting, that the request may now have reached Slack."""

    surface = "slack"

    def __init__(self, inner: SlackOutbox, pending: PendingRequests, request_id: int) -> None:
        self._inner, self._pending, self._id = inner, pending, request_id

    async def post_chart(self, destination: Destination, chart: RenderedChart) -> str:
        await self._inner.turn()  # Slack's upload limit: waiting here, the request can still be finished elsewhere
        if not await self._pending.posting(self._id):
            raise Superseded(f"request {self._id}")
        return await self._inner.post_chart(destination, chart)

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        await self._inner.tell(asker, destination, text)


class SlackListeners:
    """Everything the listeners share; `register` attaches them to a Bolt app."""

    def __init__(
        self,
        *,
        router: Router,
        people: People,
        ledger: EventLedger,
        saved: SavedCharts,
        work: BackgroundWork,
        command: str,
        bot_user_id: str,
        bot_name: str,
        default_window: str,
        workspace_url: str = "",
        pending: PendingRequests | None = None,
        orphan_age: timedelta = timedelta(minutes=2),
        access: SlackAccess | None = None,
    ) -> None:
        self.router = router
        self.people = people
        self.ledger = ledger
        self.saved = saved
        self.work = work
        self.command = command
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.default_window = default_window
        self.workspace_host = urlparse(workspace_url).hostname or ""
        self.access = access or SlackAccess()
        self.pending = pending
        self.orphan_age = orphan_age
        self._mention = re.compile(rf"^\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>\s*")

    def register(self, app: AsyncApp) -> None:
        app.command(self.command)(self.on_command)
        app.event("app_mention")(self.on_mention)
        app.shortcut(SHORTCUT_ID)(self.on_shortcut)
        app.view(CALLBACK_ID)(self.on_modal_submit)
        app.options(METRIC_ACTION)(self.on_metric_options)
        app.event("app_home_opened")(self.on_home_opened)
        for action in ACTIONS:
            app.action(f"home_{action}")(self.on_home_button)

    async def asker(self, user_id: str, destination: Destination) -> Asker:
        return Asker(
            user_id=user_id,
            channel_id=destination.channel_id,
            mention=f"<@{user_id}>",
            timezone=await self.people.timezone(user_id),
            is_admin=self.router.policy.is_admin(user_id),
            thread_ts=destination.thread_ts,
        )

    def outbox(self, client: AsyncWebClient, respond: AsyncRespond | None = None) -> SlackOutbox:
        return SlackOutbox(client, bot_name=self.bot_name, respond=respond, access=self.access)

    async def _run(
        self, text: str, user_id: str, destination: Destination, outbox: SlackOutbox, request_id: int | None = None
    ) -> None:
        cut_off = False
        try:
            asker = await self.asker(user_id, destination)
            tracked = _Tracked(outbox, self.pending, request_id) if self.pending and request_id else outbox
            await self.router.run(text, asker, destination, tracked)
        except asyncio.CancelledError:
            cut_off = True  # a shutdown stopped it: its note stays, so it is taken over (or its asker told) later
            raise
        finally:
            if not cut_off and self.pending is not None and request_id is not None:
                await self.pending.done(request_id)

    async def _start(
        self, text: str, user_id: str, destination: Destination, outbox: SlackOutbox, response_url: str | None = None
    ) -> None:
        """After the acknowledgement: note the request (so a restart can finish it), then work in the background."""
        request_id = None
        if self.pending is not None:
            request_id = await self.pending.add(
                text=text,
                user_id=user_id,
                channel_id=destination.channel_id,
                thread_ts=destination.thread_ts,
                response_url=response_url,
            )
        self.work.spawn(self._run(text, user_id, destination, outbox, request_id))

    async def sweep(self, client: AsyncWebClient) -> int:
        """Finish requests a dead process acknowledged: re-run those that never reached Slack; tell the askers of
        those cut off while posting (they may have arrived, so they are not sent twice). Returns how many."""
        if self.pending is None:
            return 0
        orphans = await self.pending.orphans(self.orphan_age)
        for orphan in orphans:
            destination = Destination(orphan.channel_id, orphan.thread_ts)
            fresh = orphan.response_url and (self.pending.now() - orphan.received_at).total_seconds() < 25 * 60
            respond = Respond(response_url=orphan.response_url) if fresh and orphan.response_url else None
            outbox = self.outbox(client, respond)
            if orphan.status == "posting":
                asker = await self.asker(orphan.user_id, destination)
                note = (
                    f"The bot restarted while posting your chart (“{orphan.text[:80]}”); it may not have arrived. "
                    "If it isn't here, ask again."
                )
                try:
                    await outbox.tell(asker, destination, note)
                except Exception:
                    log.exception("could not tell %s about an interrupted request", orphan.user_id)
                await self.pending.done(orphan.id)
            else:
                self.work.spawn(self._finish_orphan(orphan.id, orphan.text, orphan.user_id, destination, outbox))
        return len(orphans)

    async def keep_sweeping(self, client: AsyncWebClient) -> None:
        """Renew this process's requests and sweep others' orphans, at start and then every third of the orphan
        age (at most every 30 s), until cancelled."""
        while True:
            try:
                if self.pending is not None:
                    await self.pending.renew_all()
                found = await self.sweep(client)
                if found:
                    log.warning("took over %d requests a stopped process had acknowledged", found)
            except Exception:
                log.exception("sweeping unanswered requests failed; trying again later")
            await asyncio.sleep(min(30.0, self.orphan_age.total_seconds() / 3))

    async def _finish_orphan(
        self, orphan_id: int, text: str, user_id: str, destination: Destination, outbox: SlackOutbox
    ) -> None:
        assert self.pending is not None
        await self._run(text, user_id, destination, outbox, orphan_id)

    # /chart ---------------------------------------------------------------------------------------------------

    async def on_command(
        self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        refusal = self.command_refusal(command.get("text") or "")
        if refusal is not None:
            await ack(response_type="ephemeral", text=refusal)
            return
        await ack()
        await self.start_command(command, client, respond)

    def command_refusal(self, text: str) -> str | None:
        """What the acknowledgement says when a command is refused at once (a usage error, a link into another
        workspace); None when it is taken. Pure and fast: it runs before Slack's three seconds are up."""
        try:
            request = parse_request(text, command=self.command)
        except ChartUsageError as exc:
            return str(exc)
        return self._foreign_thread(request)

    async def start_command(
        self, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        """After the acknowledgement: the command's work, in the background."""
        destination = Destination(command["channel_id"])
        await self._start(
            command.get("text") or "",
            command["user_id"],
            destination,
            self.outbox(client, respond),
            command.get("response_url"),
        )

    def _foreign_thread(self, request: object) -> str | None:
        """A `thread` link into another workspace is refused: the bot posts only where it is installed."""
        if not isinstance(request, ChartRequest) or request.spec.thread is None or not self.workspace_host:
            return None
        host = urlparse(request.spec.thread.permalink).hostname or ""
        if host == self.workspace_host:
            return None
        return (
            f"That message link is from {host or 'somewhere else'}, not this workspace ({self.workspace_host}); "
            "copy the link of a message here."
        )

    # @bot … -----------------------------------------------------------------------------------------------------

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        event_id = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
        if not await self.ledger.claim(f"event:{event_id}"):
            log.info("event %s delivered again; already handled", event_id)
            return
        text = self._mention.sub("", event.get("text") or "", count=1).strip()
        text = text.removeprefix(self.command).strip()
        # In a thread: that thread. At top level: a new thread under the mention.
        destination = Destination(event["channel"], event.get("thread_ts") or event["ts"])
        await self._start(text, event["user"], destination, self.outbox(client))

    # Chart in thread ------------------------------------------------------------------------------------------

    async def on_shortcut(self, ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        channel_id = shortcut["channel"]["id"]
        message = shortcut.get("message") or {}
        thread_ts = message.get("thread_ts") or message["ts"]
        refusal = self.router.policy.refusal(channel_id)
        saved = [] if refusal else await self.saved.in_channel(channel_id)
        view = chart_modal(saved, channel_id=channel_id, thread_ts=thread_ts, default_window=self.default_window)
        await client.views_open(trigger_id=shortcut["trigger_id"], view=view)

    async def on_modal_submit(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        text, missing = chart_words(view["state"]["values"])
        if missing:
            await ack(response_action="errors", errors={missing: "Pick a saved chart or a metric."})
            return
        try:
            parse_chart(text, command=self.command)
        except ChartUsageError as exc:
            await ack(response_action="errors", errors={"window": str(exc).splitlines()[0][:150]})
            return
        await ack()
        where = json.loads(view.get("private_metadata") or "{}")
        destination = Destination(where["channel_id"], where["thread_ts"])
        await self._start(text, body["user"]["id"], destination, self.outbox(client))

    # App Home -------------------------------------------------------------------------------------------------

    async def publish_home(self, client: AsyncWebClient, user_id: str) -> None:
        handler = self.router.actions.schedule_handler
        if not isinstance(handler, ScheduleActions):
            return
        schedules = await handler.schedules.owned_by(user_id)
        saved = await self.saved.owned_by(user_id)
        await client.views_publish(user_id=user_id, view=home_view(schedules, saved, handler, self.command))

    async def on_home_opened(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") == "home":
            await self.publish_home(client, event["user"])

    async def on_home_button(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        verb = action["action_id"].removeprefix("home_")
        request = ScheduleRequest(action=verb, words=(action["value"],))
        asker = Asker(
            user_id=user_id, channel_id="", mention=f"<@{user_id}>", is_admin=self.router.policy.is_admin(user_id)
        )
        handler = self.router.actions.schedule_handler
        assert handler is not None
        try:
            text = await handler.handle(request, asker)
        except UserError as exc:
            text = str(exc)
        await client.chat_postMessage(channel=user_id, text=text)
        await self.publish_home(client, user_id)

    async def on_metric_options(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        # Slack drops an answer after 3 s: never wait on a cold or failing catalog past TYPE_AHEAD_WAIT.
        catalog = await self.router.actions.charts.catalog_within(TYPE_AHEAD_WAIT)
        references = [m.reference for m in catalog.metrics] if catalog is not None else []
        await ack(options=metric_options(references, body.get("value") or ""))
