"""A chart's image into Slack (files_upload_v2), each upload in its turn (bot/slack/turns.py): shared into a channel
or thread as a plain file, or unshared (in no channel: nobody sees it until a message shows it) and then waited for
until Slack has processed it, since an image block can show a file only then. Slack's refusals come out as they are
(SlackApiError) for the outbox to explain; only files.info's, which end in "not processed", are noted here."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.charts.service import RenderedChart
from bot.router import Destination, Turn
from bot.slack.access import SlackAccess, slack_error
from bot.slack.turns import UploadTurns

log = logging.getLogger(__name__)


class Uploads:
    """One outbox's uploads: with its client, in its turns, waiting for a file as long as its access says."""

    def __init__(self, client: AsyncWebClient, access: SlackAccess, turns: UploadTurns) -> None:
        self._client = client
        self._access = access
        self._turns = turns

    async def shared(self, destination: Destination, chart: RenderedChart, comment: str, turn: Turn | None) -> str:
        """The chart as a file shared in `destination`, `comment` above it; its file id."""
        chart = await chart.finished()
        await self._turns.use(turn)
        response = await self._client.files_upload_v2(
            channel=destination.channel_id,
            thread_ts=destination.thread_ts,
            file=chart.image,
            filename=chart.filename,
            title=chart.title,
            alt_txt=chart.alt_text,
            initial_comment=comment,
        )
        return _file_id(response)

    async def unshared(self, chart: RenderedChart, turn: Turn | None) -> str:
        """The chart's image uploaded into no channel; its file id. A broken connection is tried once more: nobody
        sees an unshared file, so trying again cannot double a post."""
        chart = await chart.finished()
        await self._turns.use(turn)
        try:
            response = await self._unshared(chart)
        except (ClientError, OSError) as exc:
            log.info("an unshared upload broke off (%s); trying once more", type(exc).__name__)
            response = await self._unshared(chart)
        return _file_id(response)

    async def _unshared(self, chart: RenderedChart) -> Any:
        return await self._client.files_upload_v2(
            file=chart.image, filename=chart.filename, title=chart.title, alt_txt=chart.alt_text
        )

    async def processed(self, file_id: str) -> bool:
        """Whether Slack has processed the upload `file_id` within the access's `file_wait` (files.info shows its
        type once it has). False too when files.info cannot tell (an older install without files:read): the caller
        shows the chart another way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._access.file_wait
        pause = 0.1
        while True:
            try:
                info = await self._client.files_info(file=file_id)
            except SlackApiError as exc:
                error = slack_error(exc)
                await self._access.note(error)
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


def _file_id(response: Any) -> str:
    file = response.get("file") or {}
    return str(file.get("id", "")) if isinstance(file, dict) else ""
