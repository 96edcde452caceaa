"""The "Chart in thread" message shortcut: opens the chart modal for the message's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.errors import UserError
from bot.i18n import speaking
from bot.router import BackgroundWork
from bot.slack.modal import SHORTCUT_ID, chart_modal, notice_modal
from bot.slack.people import People
from bot.slack.workspaces import key_of_payload
from bot.store import SavedCharts


class ShortcutListener:
    def __init__(
        self, policy: AccessPolicy, saved: SavedCharts, default_window: str, people: People, work: BackgroundWork
    ) -> None:
        self.policy, self.saved, self.default_window, self.people = policy, saved, default_window, people
        self.work = work

    def register(self, app: AsyncApp) -> None:
        app.shortcut(SHORTCUT_ID)(self.on_shortcut)

    async def on_shortcut(self, ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        self.work.spawn(self._opening(shortcut, client), name="a shortcut")  # a shutdown waits for it

    async def _opening(self, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        with speaking(await self.people.language(shortcut["user"]["id"], key_of_payload(shortcut))):
            await self._open(shortcut, client)

    async def _open(self, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        channel_id = shortcut["channel"]["id"]
        message = shortcut.get("message") or {}
        thread_ts = message.get("thread_ts") or message["ts"]
        try:  # a shortcut works on any message one can see, also in channels one is not in
            await self.policy.check_post(shortcut["user"]["id"], None, channel_id, key_of_payload(shortcut))
        except UserError as refusal:
            await client.views_open(trigger_id=shortcut["trigger_id"], view=notice_modal(str(refusal)).to_dict())
            return
        saved = await self.saved.in_channel(channel_id)
        view = chart_modal(saved, channel_id=channel_id, thread_ts=thread_ts, default_window=self.default_window)
        await client.views_open(trigger_id=shortcut["trigger_id"], view=view.to_dict())
