"""App Home: the tab of your schedules and saved charts, and its buttons (pause, resume, run now, delete)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.chat import Asker, error_text
from bot.i18n import speaking
from bot.language.spec import ScheduleRequest
from bot.markup import for_slack, mention
from bot.router import BackgroundWork
from bot.scheduling.actions import ScheduleActions
from bot.slack.home import ACTIONS, home_view
from bot.slack.people import People
from bot.slack.requests import first_delivery, signature_of
from bot.store import SavedCharts
from bot.store.events import EventLedger

log = logging.getLogger(__name__)


class HomeTab:
    def __init__(
        self,
        schedules: ScheduleActions | None,
        policy: AccessPolicy,
        saved: SavedCharts,
        ledger: EventLedger,
        command: str,
        people: People,
        work: BackgroundWork,
        key_of: Callable[[dict[str, Any]], str],
        accounts_part: Callable[[AsyncWebClient, str, str], Awaitable[list[Block]]] | None = None,
    ) -> None:
        self.schedules, self.policy, self.saved, self.ledger, self.command = schedules, policy, saved, ledger, command
        self.people, self.work = people, work
        self.key_of = key_of  # a payload's workspace
        # (client, workspace, user) → the blocks of App Home's *SCP accounts* part (empty for non-admins)
        self.accounts_part = accounts_part

    def register(self, app: AsyncApp) -> None:
        for action in ACTIONS:
            app.action(f"home_{action}")(self.on_button)

    async def publish(self, client: AsyncWebClient, user_id: str, workspace: str = "") -> None:
        with speaking(await self.people.language(user_id)):
            await self._publish(client, user_id, workspace)

    async def _publish(self, client: AsyncWebClient, user_id: str, workspace: str = "") -> None:
        handler = self.schedules
        if handler is None:
            return
        schedules = await handler.schedules.owned_by(user_id)
        saved = await self.saved.owned_by(user_id)
        accounts = await self.accounts_part(client, workspace, user_id) if self.accounts_part is not None else []
        view = home_view(schedules, saved, handler, self.command, below=accounts)
        await client.views_publish(user_id=user_id, view=view.to_dict())

    async def on_button(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        await ack()
        self.work.spawn(self._clicked(body, action, client, signature_of(request)), name="an App Home button")

    async def _clicked(
        self, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, signature: str
    ) -> None:
        user_id = body["user"]["id"]
        if not await first_delivery(
            self.ledger, signature, lambda text: client.chat_postMessage(channel=user_id, text=text)
        ):
            return
        verb = action["action_id"].removeprefix("home_")
        language = await self.people.language(user_id)
        # Asked from App Home, not from a channel: posting anywhere (`run`) needs the clicker in that channel.
        asker = Asker(
            user_id=user_id,
            channel_id="",
            mention=mention(user_id),
            is_admin=self.policy.is_admin(user_id),
            language=language,
        )
        handler = self.schedules
        if handler is None:
            return
        with speaking(language):
            try:
                text = await handler.handle(ScheduleRequest(action=verb, words=(str(action.get("value", "")),)), asker)
            except Exception as exc:
                text, _reference = error_text(exc)
                log.info("App Home %s by %s refused or failed: %s", verb, user_id, text)
            await client.chat_postMessage(channel=user_id, text=for_slack(text))
            await self._publish(client, user_id, self.key_of(body))
