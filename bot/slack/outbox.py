"""Delivering in Slack: a chart into the right channel and thread (joining a public channel when it must), in place
of a chart message after a click, or privately; notes and questions to the person who asked; messages everyone sees.
What a message holds is made in bot/slack/messages.py; charts are uploaded by bot/slack/uploads.py, each in its turn
(bot/slack/turns.py); Slack's refusals become UserErrors that say what to do."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from aiohttp import ClientError
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts.service import RenderedChart
from bot.chat import Asker
from bot.errors import UserError
from bot.i18n import _
from bot.language.answers import Pick
from bot.router import Destination, Turn
from bot.slack import messages
from bot.slack.access import SlackAccess, UnsharedFileRefused, refusal, refuses_unshared_file, slack_error
from bot.slack.limits import MESSAGE_TEXT
from bot.slack.links import ChartLinks
from bot.slack.messages import Message
from bot.slack.native_chart import drawn_at_once
from bot.slack.turns import UploadTurns
from bot.slack.uploads import Uploads

log = logging.getLogger(__name__)
T = TypeVar("T")

NOT_THERE = ("user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived")


class SlackOutbox:
    """The Outbox of the Slack surfaces. `respond` (a slash command's response_url) carries notes when there is one;
    `scheduled` outboxes let people waiting on a chart upload first."""

    surface = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        bot_name: str = "ServiceWatch",
        respond: AsyncRespond | None = None,
        access: SlackAccess | None = None,
        scheduled: bool = False,
        links: ChartLinks | None = None,
    ):
        self._client = client
        self._links = links
        self.posted: list[tuple[str, str]] = []  # (channel, ts) of each chart message it posted, in order
        self._bot_name = bot_name
        self._respond = respond
        self.access = access or SlackAccess(confirm=client.auth_test)
        self._turns = UploadTurns(self.access.pacer, scheduled=scheduled)
        self._uploads = Uploads(client, self.access, self._turns)

    def ready(self) -> bool:
        """False once Slack refused the token: callers stop trying instead of spinning."""
        return self.access.lost is None

    async def turn(self) -> Turn:
        """Wait for an upload turn under Slack's limit, for the `post_chart` it is given (scheduled runs take it
        before they are marked posting, so one stopped while waiting is taken over, not reported as maybe-posted)."""
        return await self._turns.take()

    def shows_at_once(self, chart: RenderedChart) -> bool:
        """Whether `post_chart` posts the chart's message before its upload (the chart Slack draws, its numbers and
        its controls), so the message waits for no upload turn; only its image does."""
        return chart.view is not None and self.access.native_charts and drawn_at_once(chart)

    async def post_chart(
        self,
        destination: Destination,
        chart: RenderedChart,
        turn: Turn | None = None,
        *,
        delivered: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        """Post the chart once (in `turn` when given); on not_in_channel join a public channel and try once more.
        Returns the file id ("" when the message stands without its image). `delivered` is awaited once the chart's
        message is in Slack, before its image joins it (a request is then answered, whatever happens to the image).

        A chart with a view (`bot.charts.steering`) becomes a message with its controls. When it has numbers, the
        message comes at once with the chart Slack's clients draw (even before its image is in: `chart.later`), and
        the ServiceWatch image joins it once Slack has processed the upload (`_numbers_first`). Without numbers, the
        image is uploaded unshared and the message shows it once processed; when Slack has not processed it within
        `file_wait` (or refuses an unshared file in a message), it is shared as a plain upload instead, without
        controls: never held back for its buttons.
        With chart links (bot/slack/links.py), the chart gets its link first and the message carries it."""
        self.access.check()
        chart = await self._linked(destination, chart)
        try:
            if chart.view is not None:
                if self.shows_at_once(chart):
                    _ts, file_id = await self._numbers_first(
                        destination, chart, turn, delivered=delivered, unfurl_links=False
                    )
                    return file_id or ""
                chart = await chart.finished()
                file_id = await self.upload_unshared(chart, turn)
                if self.access.unshared_files and await self.processed(file_id):
                    shown = messages.chart_message(chart, file_id)
                    with contextlib.suppress(UnsharedFileRefused):
                        posted = await self._joining(
                            destination, lambda: self._post(destination, shown, unfurl_links=False)
                        )
                        await self._posted(chart, posted, destination, file_id)
                        return file_id
                else:
                    log.info("chart %s not shown in a message within %.0f s", file_id, self.access.file_wait)
                await self.delete(file_id)
            return await self.post_file(destination, await chart.finished(), turn)
        except (ClientError, OSError) as exc:
            # Slack may have posted before the connection broke; a second upload could double it, so ask instead.
            log.warning("upload to %s broke off (%s); not retried", destination.channel_id, type(exc).__name__)
            raise UserError(
                _(
                    "The connection to Slack broke while your chart was being posted. It may still appear here; if it "
                    "doesn't within a minute, ask again."
                )
            ) from exc

    async def _numbers_first(
        self,
        destination: Destination,
        chart: RenderedChart,
        turn: Turn | None = None,
        *,
        above: Sequence[Block] = (),
        below: Sequence[Block] = (),
        text: str = "",
        delivered: Callable[[], Awaitable[None]] | None = None,
        **options: Any,
    ) -> tuple[str, str | None]:
        """The chart's message at once, with the chart Slack's clients draw, its numbers and its controls; then the
        image, uploaded and shown in it once processed (else shared in the message's thread). (ts, file id or None).
        A refusal of the image (the upload, the update) is raised as any refusal is: the message stays, with its
        numbers."""
        first = messages.chart_message(chart, None, above=above, below=below, text=text)
        posted = await self._joining(destination, lambda: self._post(destination, first, **options))
        if delivered is not None:
            await delivered()
        await self._posted(chart, posted, destination)
        ts, channel = str(posted.get("ts") or ""), str(posted.get("channel") or destination.channel_id)
        thread = Destination(channel, destination.thread_ts or ts, destination.workspace)
        chart = await chart.finished()  # its image, when it was still on its way as the message went
        file_id = await self.upload_unshared(chart, turn)
        if await self.processed(file_id):
            shown = await self.replace_chart(
                channel, ts, chart, file_id, above=above, below=below, text=text, thread_ts=thread.thread_ts
            )
            return ts, file_id if shown else None
        await self.delete(file_id)
        await self._shared_beside(channel, ts, chart, thread)
        return ts, None

    async def post_file(self, destination: Destination, chart: RenderedChart, turn: Turn | None = None) -> str:
        """The chart as a plain file share (no controls), joining a public channel when needed."""
        comment = messages.upload_comment(chart)
        return await self._joining(destination, lambda: self._uploads.shared(destination, chart, comment, turn))

    async def upload_unshared(self, chart: RenderedChart, turn: Turn | None = None) -> str:
        """Upload the chart's image into no channel (nobody sees it until a message shows it); the file id."""
        self.access.check()
        try:
            return await self._uploads.unshared(chart, turn)
        except SlackApiError as exc:
            error = slack_error(exc)
            await self.access.note(error)
            raise refusal(error, "", bot_name=self._bot_name, access=self.access) from exc

    async def processed(self, file_id: str) -> bool:
        """Whether Slack has processed the upload `file_id` within `file_wait`: an image block may show it only
        then. False too when files.info cannot tell: the caller shows the chart another way."""
        return await self._uploads.processed(file_id)

    async def replace_chart(
        self,
        channel_id: str,
        ts: str,
        chart: RenderedChart,
        file_id: str,
        changed_by: str = "",
        *,
        above: Sequence[Block] = (),
        below: Sequence[Block] = (),
        text: str = "",
        thread_ts: str | None = None,
    ) -> bool:
        """Show `chart` (its file processed) in place of the chart message `ts`, saying who changed it, with the
        message's own blocks `above` and `below` it (and `text` for notifications: else the chart's comment).
        Where Slack does not let a message show an unshared file, the message is updated without the image and the
        image is shared in its thread (`thread_ts`, else its own): False then."""
        if self.access.unshared_files:
            shown = messages.chart_message(chart, file_id, changed_by=changed_by, above=above, below=below, text=text)
            try:
                await self._call(partial(self._send, self._client.chat_update, shown), channel=channel_id, ts=ts)
            except UnsharedFileRefused:
                pass
            else:
                if self._links is not None:
                    await self._links.drawn(channel_id, ts, chart, file_id)
                return True
        await self.retitle(channel_id, ts, chart, changed_by=changed_by, above=above, below=below, text=text)
        await self.delete(file_id)
        await self._shared_beside(channel_id, ts, chart, Destination(channel_id, thread_ts or ts))
        return False

    async def retitle(
        self,
        channel_id: str,
        ts: str,
        chart: RenderedChart,
        *,
        changed_by: str = "",
        above: Sequence[Block] = (),
        below: Sequence[Block] = (),
        text: str = "",
    ) -> None:
        """The chart message `ts` edited to `chart`'s words, numbers and controls, without its image (one it cannot
        show: the caller shares that in the thread)."""
        without = messages.chart_message(chart, None, changed_by=changed_by, above=above, below=below, text=text)
        await self._call(partial(self._send, self._client.chat_update, without), channel=channel_id, ts=ts)

    async def _shared_beside(self, channel_id: str, ts: str, chart: RenderedChart, thread: Destination) -> None:
        """The image of the chart message `ts` shared in `thread` as a plain upload; the message's link shows it."""
        shared = await self.post_file(thread, replace(chart, link=""))
        if self._links is not None:
            await self._links.drawn(channel_id, ts, chart, shared or None)

    async def _linked(self, destination: Destination, chart: RenderedChart) -> RenderedChart:
        """`chart` with its own link, when the bot makes chart links and it has none yet."""
        if self._links is None or chart.link:
            return chart
        return await self._links.mint(chart, destination)

    async def _posted(
        self, chart: RenderedChart, posted: Any, destination: Destination, file_id: str | None = None
    ) -> None:
        """The chart's message is in Slack (its answer `posted`): noted, and the chart's link points at it."""
        channel, ts = str(posted.get("channel") or destination.channel_id), str(posted.get("ts") or "")
        self.posted.append((channel, ts))
        if self._links is not None and chart.link:
            await self._links.posted(chart, channel, ts, file_id)

    async def post_chart_message(
        self,
        destination: Destination,
        chart: RenderedChart,
        *,
        text: str,
        above: Sequence[Block] = (),
        below: Sequence[Block] = (),
    ) -> tuple[str, str | None]:
        """A message whose own blocks (`above`, `below`; `text` for notifications) come with the chart and its
        controls; (its ts, the chart's file id). A chart with numbers comes at once and its image joins it
        (`_numbers_first`). Otherwise, when Slack has not processed the chart within `file_wait` (or refuses an
        unshared file in a message), the message comes without it and the chart follows in its thread as a plain
        upload (file id None)."""
        self.access.check()
        chart = await self._linked(destination, chart)
        if self.access.native_charts and drawn_at_once(chart):
            return await self._numbers_first(destination, chart, above=above, below=below, text=text)
        chart = await chart.finished()
        uploaded = await self.upload_unshared(chart)
        if self.access.unshared_files and await self.processed(uploaded):
            shown = messages.chart_message(chart, uploaded, above=above, below=below, text=text)
            with contextlib.suppress(UnsharedFileRefused):
                posted = await self._joining(destination, lambda: self._post(destination, shown))
                await self._posted(chart, posted, destination, uploaded)
                return str(posted.get("ts") or ""), uploaded
        await self.delete(uploaded)
        posted = await self._joining(
            destination, lambda: self._post(destination, messages.without_chart(text, above, below))
        )
        await self._posted(chart, posted, destination)
        ts = str(posted.get("ts") or "")
        await self.post_file(Destination(destination.channel_id, destination.thread_ts or ts), chart)
        return ts, None

    async def show_file(self, destination: Destination, chart: RenderedChart, file_id: str) -> None:
        """A message showing an already processed chart file `file_id` again (no controls), e.g. in a thread."""
        shown = messages.chart_again(chart, file_id)
        if self.access.unshared_files:
            with contextlib.suppress(UnsharedFileRefused):
                await self._joining(destination, lambda: self._post(destination, shown))
                return
        await self.post_file(destination, chart)

    async def show_privately(self, asker: Asker, destination: Destination, chart: RenderedChart, file_id: str) -> bool:
        """The chart (its file processed) in a message only the asker sees, without controls; False when Slack does
        not let a message show an unshared file (the caller shows it another way)."""
        if not self.access.unshared_files:
            return False
        shown = messages.private_chart(chart, file_id)
        try:
            await self._call(
                partial(self._send, self._client.chat_postEphemeral, shown),
                channel=destination.channel_id,
                user=asker.user_id,
                thread_ts=destination.thread_ts,
            )
        except UnsharedFileRefused:
            return False
        return True

    async def send_directly(self, user_id: str, chart: RenderedChart) -> None:
        """The chart as a file in the bot's direct messages with `user_id` (the bot opens the conversation)."""
        self.access.check()
        words = messages.words(chart.comment, MESSAGE_TEXT)
        opened = await self._client.chat_postMessage(channel=user_id, **words.sent())
        await self.post_file(Destination(str(opened.get("channel") or user_id)), replace(chart, comment=""))

    async def _post(self, destination: Destination, message: Message, **options: Any) -> Any:
        return await self._send(
            self._client.chat_postMessage,
            message,
            channel=destination.channel_id,
            thread_ts=destination.thread_ts,
            **options,
        )

    async def _send(self, method: Callable[..., Awaitable[Any]], message: Message, **arguments: Any) -> Any:
        """`method` with `message`. A chart drawn by Slack's clients that Slack refuses (`invalid_blocks`: an older
        Slack, a workspace without it) is left out and the message sent again: the chart is never lost for it."""
        native = message.has_native and self.access.native_charts
        try:
            return await method(**arguments, **message.sent(native=native))
        except SlackApiError as exc:
            if slack_error(exc) == "invalid_blocks" and refuses_unshared_file(exc):
                self.access.refuse_unshared_files()
                raise UnsharedFileRefused() from exc
            if not native or slack_error(exc) != "invalid_blocks":
                raise
        answer = await method(**arguments, **message.sent(native=False))
        self.access.refuse_native()
        return answer

    async def delete(self, file_id: str) -> None:
        """Delete an upload the bot made and never showed (nobody saw it); a failure is only logged."""
        try:
            await self._client.files_delete(file=file_id)
        except (SlackApiError, ClientError, OSError) as exc:
            log.info("could not delete the unshown upload %s (%s)", file_id, exc)

    async def _joining(self, destination: Destination, send: Callable[[], Awaitable[T]]) -> T:
        """`send`; on not_in_channel join a public channel and send once more. Slack's refusals become UserErrors
        that say what to do."""
        try:
            return await send()
        except SlackApiError as exc:
            error = slack_error(exc)
            await self.access.note(error)
            if error == "not_in_channel" and await self._join(destination.channel_id):
                try:
                    return await send()
                except SlackApiError as again:
                    error = slack_error(again)
                    await self.access.note(error)
                    raise refusal(error, destination.channel_id, bot_name=self._bot_name, access=self.access) from again
            raise refusal(error, destination.channel_id, bot_name=self._bot_name, access=self.access) from exc

    async def _join(self, channel_id: str) -> bool:
        try:
            await self._client.conversations_join(channel=channel_id)
        except SlackApiError as exc:
            log.info("could not join %s: %s", channel_id, slack_error(exc))
            return False
        log.info("joined %s to post a chart", channel_id)
        return True

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        """A note only the asker sees: through the response_url when there is one, else chat.postEphemeral."""
        await self._privately(asker, destination, messages.words(text))

    async def ask(self, asker: Asker, destination: Destination, text: str, choices: Sequence[Pick]) -> None:
        """A question only the asker sees, a button for each reading (`bot.slack.question`)."""
        await self._privately(asker, destination, messages.question(text, choices, asker.user_id, destination))

    async def _privately(self, asker: Asker, destination: Destination, message: Message) -> None:
        if self._respond is not None and await self._responded(message):  # the response_url needs no token
            return
        try:
            await self._call(
                self._client.chat_postEphemeral,
                channel=destination.channel_id,
                user=asker.user_id,
                thread_ts=destination.thread_ts,
                **message.sent(),
            )
        except SlackApiError as exc:
            if slack_error(exc) not in NOT_THERE:
                raise
            # They are not in that channel (a shortcut on a channel they only view), or it is gone: a DM reaches them.
            await self._call(self._client.chat_postMessage, channel=asker.user_id, **message.sent())

    async def _responded(self, message: Message) -> bool:
        """Whether the response_url took the note; when it did not (expired, used up, Slack down), the note goes by
        chat.postEphemeral instead, so no failure goes untold."""
        assert self._respond is not None
        try:
            answer = await self._respond(**message.sent(), response_type="ephemeral", replace_original=False)
        except (TimeoutError, ClientError, OSError) as exc:
            log.warning("a response_url could not be reached (%s); telling the asker another way", type(exc).__name__)
            return False
        if answer.status_code != 200:
            log.warning("a response_url answered %s; telling the asker another way", answer.status_code)
            return False
        return True

    async def say(self, destination: Destination, text: str) -> None:
        """A message everyone in the channel (or thread) sees (joining a public channel first, as a chart does)."""
        self.access.check()
        said = messages.words(text)
        await self._joining(destination, lambda: self._post(destination, said))

    async def notify(self, user_id: str, text: str) -> None:
        """A direct message from the bot (its Messages tab)."""
        await self._call(self._client.chat_postMessage, channel=user_id, **messages.words(text).sent())

    async def _call(self, method: Callable[..., Awaitable[Any]], **arguments: Any) -> None:
        self.access.check()
        try:
            await method(**arguments)
        except SlackApiError as exc:
            await self.access.note(slack_error(exc))
            raise
