"""Delivering in Slack: one upload per chart (files_upload_v2), into the right channel and thread, and
private notes to the person who asked."""

from __future__ import annotations

import logging

from aiohttp import ClientError
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts.service import RenderedChart
from bot.chat import Asker
from bot.errors import UserError
from bot.router import Destination

log = logging.getLogger(__name__)

INVITE = (
    "I'm not in <#{channel}>, and I can't join it myself (it's private). "
    "Invite me with `/invite @{bot}`, then ask again."
)


class SlackOutbox:
    """The Outbox of the Slack surfaces. `respond` (a slash command's response_url) carries notes when there is one."""

    surface = "slack"

    def __init__(self, client: AsyncWebClient, *, bot_name: str = "ServiceWatch", respond: AsyncRespond | None = None):
        self._client = client
        self._bot_name = bot_name
        self._respond = respond

    async def post_chart(self, destination: Destination, chart: RenderedChart) -> str:
        """Upload the chart once; on not_in_channel join a public channel and try once more. Returns the file id."""
        try:
            return await self._upload(destination, chart)
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if error == "not_in_channel" and await self._join(destination.channel_id):
                return await self._upload(destination, chart)
            raise self._explain(error, destination.channel_id) from exc
        except (ClientError, OSError) as exc:
            # Slack may have posted before the connection broke; a second upload could double it, so ask instead.
            log.warning("upload to %s broke off (%s); not retried", destination.channel_id, type(exc).__name__)
            raise UserError(
                "The connection to Slack broke while your chart was being posted. It may still appear here; if it "
                "doesn't within a minute, ask again."
            ) from exc

    async def _upload(self, destination: Destination, chart: RenderedChart) -> str:
        response = await self._client.files_upload_v2(
            channel=destination.channel_id,
            thread_ts=destination.thread_ts,
            file=chart.image,
            filename=chart.filename,
            title=chart.title,
            alt_txt=chart.alt_text,
            initial_comment=chart.comment,
        )
        file = response.get("file") or {}
        return str(file.get("id", "")) if isinstance(file, dict) else ""

    async def _join(self, channel_id: str) -> bool:
        try:
            await self._client.conversations_join(channel=channel_id)
        except SlackApiError as exc:
            log.info("could not join %s: %s", channel_id, exc.response.get("error"))
            return False
        log.info("joined %s to post a chart", channel_id)
        return True

    def _explain(self, error: str, channel_id: str) -> UserError:
        if error in ("not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"):
            return UserError(INVITE.format(channel=channel_id, bot=self._bot_name))
        if error == "is_archived":
            return UserError(f"<#{channel_id}> is archived, so nothing can be posted there; ask in another channel.")
        if error in ("file_uploads_disabled", "file_upload_size_restricted", "file_type_not_allowed"):
            return UserError(f"This workspace does not allow the bot's upload ({error}); ask a Slack admin.")
        return UserError(f"Slack refused the chart ({error or 'no reason given'}); try again in a minute.")

    async def tell(self, asker: Asker, destination: Destination, text: str) -> None:
        """A note only the asker sees: through the response_url when there is one, else chat.postEphemeral."""
        if self._respond is not None:
            await self._respond(text=text, response_type="ephemeral", replace_original=False)
            return
        await self._client.chat_postEphemeral(
            channel=destination.channel_id, user=asker.user_id, text=text, thread_ts=destination.thread_ts
        )

    async def say(self, destination: Destination, text: str) -> None:
        """A message everyone in the channel (or thread) sees."""
        try:
            await self._client.chat_postMessage(
                channel=destination.channel_id, thread_ts=destination.thread_ts, text=text
            )
        except SlackApiError as exc:
            raise self._explain(exc.response.get("error", ""), destination.channel_id) from exc

    async def notify(self, user_id: str, text: str) -> None:
        """A direct message from the bot (its Messages tab)."""
        await self._client.chat_postMessage(channel=user_id, text=text)
