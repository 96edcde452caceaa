"""The controls under a posted chart: a click is acknowledged at once, then the chart is drawn again as asked and
shown in place of the old one (or only to the clicker), by the rules of a typed request."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.charts.maker import ChartMaker
from bot.charts.service import RenderedChart
from bot.charts.steering import form_line, steer
from bot.chat import Asker, error_text
from bot.durations import format_duration
from bot.i18n import _, speaking
from bot.markup import mention
from bot.router import Destination
from bot.slack.alerts import FOLLOW_ACTION
from bot.slack.chart_message import ACTION_PREFIX, SAVE, SCHEDULE, clicked, kept_blocks
from bot.slack.listeners.clicks import Click, answered_once
from bot.slack.modal import open_chart_form
from bot.slack.outbox import SlackOutbox
from bot.slack.requests import SlackRequests, first_delivery, replied, signature_of
from bot.store.clicks import ChartClicks
from bot.store.events import EventLedger

log = logging.getLogger(__name__)


class MessageLocks:
    """One redraw of a message at a time in this process (the database row holds off other replicas; SQLite, which
    has no row locks, runs one process)."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def holding(self, channel_id: str, ts: str) -> AsyncIterator[None]:
        key = (channel_id, ts)
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class ChartButtons:
    def __init__(
        self,
        requests: SlackRequests,
        maker: ChartMaker,
        policy: AccessPolicy,
        ledger: EventLedger,
        clicks: ChartClicks,
        command: str,
    ) -> None:
        self.requests, self.maker, self.policy = requests, maker, policy
        self.ledger, self.clicks, self.command = ledger, clicks, command
        self.locks = MessageLocks()

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(f"^{ACTION_PREFIX}"))(self.on_click)
        app.action(FOLLOW_ACTION)(answered_once(self.requests, self.ledger, "a follow", self._follow))

    async def _follow(self, click: Click, outbox: SlackOutbox, respond: AsyncRespond | None) -> None:
        """An alert's *Follow in the thread*: its `follow …` line, run as if typed in the incident's thread."""
        line = str(click.action.get("value") or "")
        thread = Destination(click.channel_id, click.thread_ts or click.message_ts, click.workspace)
        if not line.startswith("follow "):  # a value edited by hand: never run as another command
            asker = await self.requests.asker(click.user_id, thread, asked_from=None)
            with speaking(asker.language):
                await outbox.tell(
                    asker, thread, _("This button carries something the bot cannot read; nothing was done.")
                )
            return
        # asked_from None: whoever clicks must be a member of the channel the follow posts into.
        await self.requests.start(line, click.user_id, thread, outbox, asked_from=None, response_url=click.response_url)

    async def on_click(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        await ack()
        click = Click.of(body, action, self.requests.workspaces.key_of(body))
        if click.action.get("action_id") in (SAVE, SCHEDULE):  # a form's trigger lasts 3 s: opened first of all
            self.requests.work.spawn(self.open_form(click, client), name=f"a chart form of {click.user_id}")
            return
        self.requests.work.spawn(
            self.answer(click, client, signature_of(request)), name=f"a chart control of {click.user_id}"
        )

    async def open_form(self, click: Click, client: AsyncWebClient) -> None:
        """Save… or Schedule…: the form, pre-filled with the chart as shown. What it submits is a typed request,
        checked as one (so nothing is checked here that needs a call: the trigger would expire)."""
        language = self.requests.people.known_language(click.user_id)
        with speaking(language):
            try:
                control, view = clicked(click.action, click.message)
                await open_chart_form(client, click.trigger_id, control, form_line(view), click.channel_id)
            except Exception as exc:
                message, _reference = error_text(exc)
                log.info("a chart form of %s: %s", click.user_id, message)
                if click.response_url:
                    await AsyncRespond(response_url=click.response_url)(
                        text=message, response_type="ephemeral", replace_original=False
                    )

    async def answer(self, click: Click, client: AsyncWebClient, signature: str) -> None:
        """After the acknowledgement: draw and show what the click asked, or tell the clicker why not."""
        respond = AsyncRespond(response_url=click.response_url) if click.response_url else None
        if not await first_delivery(self.ledger, signature, replied(respond)):
            return
        outbox = self.requests.outbox(client, respond, workspace=click.workspace)
        here = Destination(click.channel_id, click.thread_ts, click.workspace)
        asker = Asker(
            user_id=click.user_id,
            channel_id=click.channel_id,
            mention=mention(click.user_id),
            workspace=click.workspace,
        )
        try:
            asker = await self.requests.asker(click.user_id, here, asked_from=None)
            with speaking(asker.language):
                await self._answer(click, outbox, asker, here)
        except Exception as exc:
            with speaking(asker.language):
                message, _reference = error_text(exc)
            log.info("a chart control of %s in %s: %s", click.user_id, click.channel_id, message)
            try:
                await outbox.tell(asker, here, message)
            except Exception:
                log.exception("could not tell %s why their click did nothing", click.user_id)

    async def _answer(self, click: Click, outbox: SlackOutbox, asker: Asker, here: Destination) -> None:
        control, view = clicked(click.action, click.message)
        # The clicker sees the message, but must be one who may post here (allowed channel, a member).
        await self.policy.check_post(click.user_id, None, click.channel_id, asker.workspace)
        if control.startswith("private:"):
            chart = await self.maker.redraw(
                steer(view, control.removeprefix("private:"), now=_now()), asker.workspace, click.channel_id
            )
            await self._show_privately(outbox, asker, here, chart)
            return
        steered = steer(view, control, now=_now())  # a control that cannot go there takes no number
        number = await self.clicks.take(click.channel_id, click.message_ts)  # the last click to arrive wins
        try:
            chart = await self.maker.redraw(steered, asker.workspace, click.channel_id)
            assert chart.view is not None
            if chart.view == view:  # the same request over the same data: nothing to draw again
                await self.clicks.withdraw(click.channel_id, click.message_ts, number)
                await outbox.tell(
                    asker,
                    here,
                    _("This chart is up to date: ServiceWatch has no newer point yet (one every {period}).").format(
                        period=format_duration(chart.plan.period)
                    ),
                )
                return
            file_id = await outbox.upload_unshared(chart)  # unshared: nobody sees it unless it is shown below
            ready = await outbox.processed(file_id)
        except Exception:
            await self.clicks.withdraw(click.channel_id, click.message_ts, number)  # an earlier click may show
            raise
        async with (
            self.locks.holding(click.channel_id, click.message_ts),
            self.clicks.holding(click.channel_id, click.message_ts, number) as latest,
        ):
            if not latest:
                await outbox.tell(
                    asker, here, _("Someone changed this chart again before yours was drawn; theirs is shown.")
                )
            elif ready:
                above, below = kept_blocks(click.message)  # an alert's heading, its follow button: kept
                await outbox.replace_chart(
                    click.channel_id,
                    click.message_ts,
                    chart,
                    file_id,
                    asker.mention,
                    above=above,
                    below=below,
                    thread_ts=click.thread_ts,
                )
            else:
                await outbox.post_file(
                    Destination(click.channel_id, click.thread_ts or click.message_ts, click.workspace), chart
                )
                await outbox.tell(
                    asker,
                    here,
                    _("Slack was still processing the new chart, so it was posted in the chart's thread instead."),
                )

    async def _show_privately(self, outbox: SlackOutbox, asker: Asker, here: Destination, chart: RenderedChart) -> None:
        file_id = await outbox.upload_unshared(chart)
        if await outbox.processed(file_id) and await outbox.show_privately(asker, here, chart, file_id):
            return
        await outbox.delete(file_id)
        await outbox.send_directly(asker.user_id, chart)
        await outbox.tell(asker, here, _("Slack was still processing your chart, so it was sent to you directly."))


def _now() -> datetime:
    return datetime.now(UTC)
