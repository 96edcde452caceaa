"""Events: `@bot …` mentions (a chart in the thread), and App Home opened."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.router import Destination
from bot.slack.listeners.actions import HomeTab
from bot.slack.requests import SlackRequests
from bot.store.events import EventLedger

log = logging.getLogger(__name__)


class EventListeners:
    def __init__(
        self, requests: SlackRequests, ledger: EventLedger, home: HomeTab, *, bot_user_id: str, command: str
    ) -> None:
        self.requests, self.ledger, self.home, self.command = requests, ledger, home, command
        self.bot_user_id = bot_user_id

    def bot_in(self, body: dict[str, Any]) -> str:
        """The bot's user id in the event's workspace: the installation's (each workspace's bot user differs), as
        the event's `authorizations` say; else the single workspace's."""
        for authorization in body.get("authorizations") or ():
            if authorization.get("is_bot") and authorization.get("user_id"):
                return str(authorization["user_id"])
        return self.bot_user_id

    def register(self, app: AsyncApp) -> None:
        app.event("app_mention")(self.on_mention)
        app.event("app_home_opened")(self.on_home_opened)

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        # After Slack's acknowledgement, as the process's own work: a shutdown waits for it (Bolt's task it would not).
        self.requests.work.spawn(self._mention_work(body, event, client), name="a mention")

    async def _mention_work(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        user_id = event.get("user")
        bot_user_id = self.bot_in(body)
        if not user_id or event.get("bot_id") or user_id == bot_user_id:
            log.info("ignored a mention posted by a bot (%s)", event.get("bot_id") or user_id or "no user")
            return
        event_id = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
        if not await self.ledger.claim(f"event:{event_id}"):
            log.info("event %s delivered again; already handled", event_id)
            return
        mention = re.compile(rf"^\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>\s*")
        text = mention.sub("", event.get("text") or "", count=1).strip()
        text = text.removeprefix(self.command).strip()
        # In a thread: that thread. At top level: a new thread under the mention.
        workspace = self.requests.workspaces.key_of(body)
        destination = Destination(event["channel"], event.get("thread_ts") or event["ts"], workspace)
        outbox = self.requests.outbox(client, workspace=workspace)
        await self.requests.start(text, str(user_id), destination, outbox, asked_from=event["channel"])

    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") == "home":
            workspace = self.requests.workspaces.key_of(body)
            self.requests.work.spawn(self.home.publish(client, event["user"], workspace), name="App Home")
