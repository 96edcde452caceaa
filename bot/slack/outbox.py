"""Delivering in Slack: one upload per chart (files_upload_v2), into the right channel and thread, and
private notes to the person who asked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from aiohttp import ClientError
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts.service import RenderedChart
from bot.chat import Asker
from bot.errors import UserError
from bot.i18n import _
from bot.language.answers import Pick
from bot.markup import blocks_for_slack, channel_link, for_slack
from bot.router import Destination
from bot.slack.chart_message import chart_blocks
from bot.slack.pacing import UploadPacer
from bot.slack.question import question_blocks

log = logging.getLogger(__name__)
T = TypeVar("T")

TEXT_LIMIT = 3000  # a message's text, as the bot cuts it
NOT_THERE = ("user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived")
AUTH_ERRORS = ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "team_disabled")


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (`not_in_channel`), or the HTTP status when the answer was not Slack's JSON (a 5xx page)."""
    data = exc.response.data
    if isinstance(data, dict):
        return str(data.get("error", ""))
    return f"HTTP {exc.response.status_code}"


def token_refused(error: str) -> str:
    return _("Slack refused the bot's token ({error}); an admin must reinstall the app.").format(error=error)


class SlackAccessLost(UserError):
    """Slack no longer accepts the bot's token: nothing more is sent until the bot is restarted with a good one."""


class SlackAccess:
    """Shared by every outbox of a process: once Slack refuses the token for good, say so loudly once and stop
    calling; and the pace of uploads, so the process stays under Slack's per-workspace limit.

    A refusal (`invalid_auth`, `token_revoked`, …) is only believed once `confirm` (the bot token's `auth.test`)
    refuses the token too: one method's odd answer, a timeout, a 5xx or a ratelimit never stops the bot. Without
    `confirm` nothing is ever declared lost."""

    def __init__(
        self,
        pacer: UploadPacer | None = None,
        *,
        confirm: Callable[[], Awaitable[Any]] | None = None,
        confirm_within: float = 10.0,
        file_wait: float = 10.0,
    ) -> None:
        self.lost: str | None = None
        self.file_wait = file_wait  # seconds an upload may take to be processed before it is shown another way
        self.pacer = pacer
        self._confirm = confirm
        self._confirm_within = confirm_within
        self._confirming: asyncio.Task[None] | None = None

    @property
    def problem(self) -> str | None:
        """Why the bot cannot reach Slack any more (readiness), or None."""
        return None if self.lost is None else f"Slack refused the bot's token ({self.lost}, confirmed by auth.test)"

    def check(self) -> None:
        if self.lost is not None:
            raise SlackAccessLost(token_refused(self.lost))

    async def note(self, error: str) -> None:
        """A Slack call answered `error`. When it refuses the token, ask auth.test (once, however many calls were
        refused together) and declare access lost only if auth.test refuses it too."""
        if error not in AUTH_ERRORS or self.lost is not None or self._confirm is None:
            return
        if self._confirming is None or self._confirming.done():
            self._confirming = asyncio.create_task(self._ask_auth_test(error))
        await asyncio.shield(self._confirming)

    async def _ask_auth_test(self, error: str) -> None:
        assert self._confirm is not None
        try:
            async with asyncio.timeout(self._confirm_within):
                await self._confirm()
        except SlackApiError as exc:
            confirmed = slack_error(exc)
            if confirmed in AUTH_ERRORS and self.lost is None:
                self.lost = confirmed
                log.critical(
                    "Slack refused the bot's token (%s): nothing more will be posted. Reinstall the app or set a new "
                    "SLACK_BOT_TOKEN, then restart the bot.",
                    confirmed,
                )
                return
            log.warning("a call said %s, but auth.test answered %s: the token is not declared lost", error, confirmed)
        except Exception as exc:  # a timeout, no connection, …: no verdict on the token
            log.warning("a call said %s, and auth.test failed (%r): the token is not declared lost", error, exc)
        else:
            log.warning("a call said %s, but auth.test accepts the token: it is not declared lost", error)


class SlackOutbox:
    """The Outbox of the Slack surfaces. `respond` (a slash command's response_url) carries notes when there is one."""

    surface = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        bot_name: str = "ServiceWatch",
        respond: AsyncRespond | None = None,
        access: SlackAccess | None = None,
        scheduled: bool = False,
    ):
        self._client = client
        self._bot_name = bot_name
        self._respond = respond
        self.access = access or SlackAccess(confirm=client.auth_test)
        self._scheduled = scheduled  # scheduled posts let people waiting on a chart go first
        self._turns = 0  # taken with turn(), not yet used

    def ready(self) -> bool:
        """False once Slack refused the token: callers stop trying instead of spinning."""
        return self.access.lost is None

    async def post_chart(self, destination: Destination, chart: RenderedChart) -> str:
        """Post the chart once; on not_in_channel join a public channel and try once more. Returns the file id.

        A chart with a view (`bot.charts.steering`) becomes a message with its controls: uploaded unshared, shown
        by an image block once Slack has processed the file, so a click can replace it in place (`replace_chart`).
        When Slack has not processed it within `file_wait`, it is shared as a plain upload instead (without
        controls): the chart is never held back for its buttons."""
        self.access.check()
        try:
            if chart.view is not None:
                file_id = await self.upload_unshared(chart)
                if await self.processed(file_id):
                    await self._joining(destination, lambda: self._post_blocks(destination, chart, file_id))
                    return file_id
                log.info(
                    "chart %s was not processed within %.0f s; shared as a plain upload", file_id, self.access.file_wait
                )
            return await self.post_file(destination, chart)
        except (ClientError, OSError) as exc:
            # Slack may have posted before the connection broke; a second upload could double it, so ask instead.
            log.warning("upload to %s broke off (%s); not retried", destination.channel_id, type(exc).__name__)
            raise UserError(
                _(
                    "The connection to Slack broke while your chart was being posted. It may still appear here; if it "
                    "doesn't within a minute, ask again."
                )
            ) from exc

    async def post_file(self, destination: Destination, chart: RenderedChart) -> str:
        """The chart as a plain file share (no controls), joining a public channel when needed."""
        return await self._joining(destination, lambda: self._upload(destination, chart))

    async def upload_unshared(self, chart: RenderedChart) -> str:
        """Upload the chart's image into no channel (nobody sees it until a message shows it); the file id."""
        self.access.check()
        if self._turns:
            self._turns -= 1
        elif self.access.pacer is not None:
            await self.access.pacer.wait(scheduled=self._scheduled)
        try:
            try:
                response = await self._unshared(chart)
            except (ClientError, OSError) as exc:  # nobody sees an unshared file: trying again cannot double a post
                log.info("an unshared upload broke off (%s); trying once more", type(exc).__name__)
                response = await self._unshared(chart)
        except SlackApiError as exc:
            error = slack_error(exc)
            await self.access.note(error)
            raise self._explain(error, "") from exc
        file = response.get("file") or {}
        return str(file.get("id", "")) if isinstance(file, dict) else ""

    async def _unshared(self, chart: RenderedChart) -> Any:
        return await self._client.files_upload_v2(
            file=chart.image, filename=chart.filename, title=chart.title, alt_txt=chart.alt_text
        )

    async def processed(self, file_id: str) -> bool:
        """Whether Slack has processed the upload `file_id` within `file_wait` (files.info shows its type once it
        has; an image block may show it only then). False too when files.info cannot tell (an older install
        without files:read): the caller shows the chart another way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.access.file_wait
        pause = 0.1
        while True:
            try:
                info = await self._client.files_info(file=file_id)
            except SlackApiError as exc:
                error = slack_error(exc)
                await self.access.note(error)
                log.warning("files.info on a chart said %s; showing the chart another way", error)
                return False
            file = info.get("file") or {}
            if isinstance(file, dict) and file.get("mimetype"):
                return True
            left = deadline - loop.time()
            if left <= 0:
                return False
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, 1.0)

    async def _post_blocks(self, destination: Destination, chart: RenderedChart, file_id: str) -> Any:
        return await self._client.chat_postMessage(
            channel=destination.channel_id,
            thread_ts=destination.thread_ts,
            text=for_slack(chart.comment, TEXT_LIMIT),
            blocks=chart_blocks(chart, file_id),
            unfurl_links=False,
        )

    async def replace_chart(
        self,
        channel_id: str,
        ts: str,
        chart: RenderedChart,
        file_id: str,
        changed_by: str = "",
        *,
        above: Sequence[dict[str, Any]] = (),
        below: Sequence[dict[str, Any]] = (),
        text: str = "",
    ) -> None:
        """Show `chart` (its file processed) in place of the chart message `ts`, saying who changed it, with the
        message's own blocks `above` and `below` it (and `text` for notifications: else the chart's comment)."""
        await self._call(
            self._client.chat_update,
            channel=channel_id,
            ts=ts,
            text=for_slack(text or chart.comment, TEXT_LIMIT),
            blocks=chart_blocks(chart, file_id, changed_by=changed_by, above=above, below=below),
        )

    async def post_chart_message(
        self,
        destination: Destination,
        chart: RenderedChart,
        *,
        text: str,
        above: Sequence[dict[str, Any]] = (),
        below: Sequence[dict[str, Any]] = (),
    ) -> tuple[str, str | None]:
        """A message whose own blocks (`above`, `below`; `text` for notifications) come with the chart and its
        controls; (its ts, the chart's file id). When Slack has not processed the chart within `file_wait`, the
        message comes without it and the chart follows in its thread as a plain upload (file id None)."""
        self.access.check()
        uploaded = await self.upload_unshared(chart)
        file_id: str | None = uploaded if await self.processed(uploaded) else None
        blocks = chart_blocks(chart, file_id, above=above, below=below) if file_id else [*above, *below]
        posted = await self._joining(
            destination,
            lambda: self._client.chat_postMessage(
                channel=destination.channel_id,
                thread_ts=destination.thread_ts,
                text=for_slack(text, TEXT_LIMIT),
                blocks=blocks,
            ),
        )
        ts = str(posted.get("ts") or "")
        if file_id is None:
            await self.post_file(Destination(destination.channel_id, destination.thread_ts or ts), chart)
        return ts, file_id

    async def show_file(self, destination: Destination, chart: RenderedChart, file_id: str) -> None:
        """A message showing an already processed chart file `file_id` again (no controls), e.g. in a thread."""
        await self._joining(
            destination,
            lambda: self._client.chat_postMessage(
                channel=destination.channel_id,
                thread_ts=destination.thread_ts,
                text=for_slack(chart.comment, TEXT_LIMIT),
                blocks=chart_blocks(replace(chart, view=None), file_id),
            ),
        )

    async def show_privately(self, asker: Asker, destination: Destination, chart: RenderedChart, file_id: str) -> None:
        """The chart (its file processed) in a message only the asker sees, without controls."""
        blocks = chart_blocks(replace(chart, view=None), file_id)
        note = _("Only you can see this chart; the buttons stay on the shared one.")
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
        await self._call(
            self._client.chat_postEphemeral,
            channel=destination.channel_id,
            user=asker.user_id,
            thread_ts=destination.thread_ts,
            text=for_slack(chart.comment, TEXT_LIMIT),
            blocks=blocks,
        )

    async def send_directly(self, user_id: str, chart: RenderedChart) -> None:
        """The chart as a file in the bot's direct messages with `user_id` (the bot opens the conversation)."""
        self.access.check()
        opened = await self._client.chat_postMessage(channel=user_id, text=for_slack(chart.comment, TEXT_LIMIT))
        await self.post_file(Destination(str(opened.get("channel") or user_id)), replace(chart, comment=""))

    async def turn(self) -> None:
        """Wait for an upload slot under Slack's limit (scheduled runs take it before they are marked posting, so
        one stopped while waiting is taken over, not reported as maybe-posted)."""
        if self.access.pacer is not None:
            await self.access.pacer.wait(scheduled=self._scheduled)
            self._turns += 1

    async def _upload(self, destination: Destination, chart: RenderedChart) -> str:
        if self._turns:
            self._turns -= 1
        elif self.access.pacer is not None:
            await self.access.pacer.wait(scheduled=self._scheduled)
        response = await self._client.files_upload_v2(
            channel=destination.channel_id,
            thread_ts=destination.thread_ts,
            file=chart.image,
            filename=chart.filename,
            title=chart.title,
            alt_txt=chart.alt_text,
            initial_comment=for_slack(chart.comment),
        )
        file = response.get("file") or {}
        return str(file.get("id", "")) if isinstance(file, dict) else ""

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
                    raise self._explain(error, destination.channel_id) from again
            raise self._explain(error, destination.channel_id) from exc

    async def _join(self, channel_id: str) -> bool:
        try:
            await self._client.conversations_join(channel=channel_id)
        except SlackApiError as exc:
            log.info("could not join %s: %s", channel_id, slack_error(exc))
            return False
        log.info("joined %s to post a chart", channel_id)
        return True

    def _explain(self, error: str, channel_id: str) -> UserError:
        if error in AUTH_ERRORS and self.access.lost is not None:
            return SlackAccessLost(token_refused(error))
        where = channel_link(channel_id)
        if error in ("not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"):
            return UserError(
                _(
                    "I'm not in {channel} and couldn't join it myself. Invite me with `/invite @{bot}`, then ask again."
                ).format(channel=where, bot=self._bot_name)
            )
        if error == "is_archived":
            return UserError(
                _("{channel} is archived, so nothing can be posted there; ask in another channel.").format(
                    channel=where
                )
            )
        if error in ("file_uploads_disabled", "file_upload_size_restricted", "file_type_not_allowed"):
            return UserError(
                _("This workspace does not allow the bot's upload ({error}); ask a Slack admin.").format(error=error)
            )
        return UserError(
            _("Slack refused the chart ({error}); try again in a minute.").format(error=error or _("no reason given"))
        )

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        """A note only the asker sees: through the response_url when there is one, else chat.postEphemeral."""
        await self._privately(asker, destination, text, None)

    async def ask(self, asker: Asker, destination: Destination, text: str, choices: Sequence[Pick]) -> None:
        """A question only the asker sees, a button for each reading (`bot.slack.question`)."""
        await self._privately(asker, destination, text, question_blocks(text, choices, asker.user_id, destination))

    async def _privately(
        self, asker: Asker, destination: Destination, text: str, blocks: list[dict[str, Any]] | None
    ) -> None:
        text, blocks = for_slack(text), blocks_for_slack(blocks)
        if self._respond is not None and await self._responded(text, blocks):  # the response_url needs no token
            return
        try:
            await self._call(
                self._client.chat_postEphemeral,
                channel=destination.channel_id,
                user=asker.user_id,
                text=text,
                blocks=blocks,
                thread_ts=destination.thread_ts,
            )
        except SlackApiError as exc:
            if slack_error(exc) not in NOT_THERE:
                raise
            # They are not in that channel (a shortcut on a channel they only view), or it is gone: a DM reaches them.
            await self._call(self._client.chat_postMessage, channel=asker.user_id, text=text, blocks=blocks)

    async def _responded(self, text: str, blocks: list[dict[str, Any]] | None) -> bool:
        """Whether the response_url took the note; when it did not (expired, used up, Slack down), the note goes by
        chat.postEphemeral instead, so no failure goes untold."""
        assert self._respond is not None
        try:
            answer = await self._respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
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
        await self._joining(
            destination,
            lambda: self._client.chat_postMessage(
                channel=destination.channel_id, thread_ts=destination.thread_ts, text=for_slack(text)
            ),
        )

    async def notify(self, user_id: str, text: str) -> None:
        """A direct message from the bot (its Messages tab)."""
        await self._call(self._client.chat_postMessage, channel=user_id, text=for_slack(text))

    async def _call(self, method: Callable[..., Awaitable[Any]], **arguments: Any) -> None:
        self.access.check()
        try:
            await method(**arguments)
        except SlackApiError as exc:
            await self.access.note(slack_error(exc))
            raise
