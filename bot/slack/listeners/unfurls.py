"""Chart links pasted in Slack (bot/slack/links.py): `link_shared` → `chat.unfurl` with the chart as a Work Object
everyone in the conversation sees; `entity_details_requested` (someone opened it) → `entity.presentDetails` with
the numbers for a viewer allowed to see the chart's channel, a short refusal for anyone else. A link of another
workspace, or one the bot no longer knows, is left as Slack shows any link."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import ClientError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.charts.facts import ChartFacts
from bot.errors import UserError
from bot.i18n import speaking
from bot.router import BackgroundWork
from bot.slack.access import slack_error
from bot.slack.links import ChartLinks
from bot.slack.people import People
from bot.slack.work_objects import OPEN_ACTION, chart_entity, gone_details, refused_details
from bot.slack.workspaces import Workspaces
from bot.store.chart_links import ChartLink

log = logging.getLogger(__name__)


class UnfurlListeners:
    def __init__(
        self,
        links: ChartLinks,
        policy: AccessPolicy,
        workspaces: Workspaces,
        people: People,
        work: BackgroundWork,
    ) -> None:
        self.links, self.policy, self.workspaces, self.people, self.work = links, policy, workspaces, people, work

    def register(self, app: AsyncApp) -> None:
        app.event("link_shared")(self.on_link_shared)
        app.event("entity_details_requested")(self.on_details_requested)
        app.action(OPEN_ACTION)(self.on_open)

    async def on_link_shared(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        self.work.spawn(self._unfurl(body, event, client), name="a chart link's unfurl")

    async def on_details_requested(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        self.work.spawn(self._details(body, event, client), name="a chart link's flexpane")

    async def on_open(self, ack: AsyncAck) -> None:
        await ack()  # a link button: Slack opens its URL; the click itself asks nothing of the bot

    async def _known(self, url: str, body: dict[str, Any]) -> tuple[ChartLink, ChartFacts] | None:
        """The chart link `url` when it is one of this workspace's."""
        token = self.links.token_in(url)
        found = await self.links.find(token) if token else None
        if found is None or found[0].workspace != self.workspaces.key_of(body):
            return None
        return found

    async def _unfurl(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        entities = []
        language = await self.people.language(str(event.get("user") or ""), self.workspaces.key_of(body))
        with speaking(language):
            for shared in event.get("links") or ():
                url = str(shared.get("url") or "")
                found = await self._known(url, body)
                if found is not None:
                    link, facts = found
                    entities.append(chart_entity(link, facts, self.links.url(link.token), pasted_url=url))
        if not entities:
            return
        where: dict[str, Any] = {"channel": event.get("channel"), "ts": event.get("message_ts")}
        if event.get("unfurl_id") and event.get("source"):  # the composer's preview has no message yet
            where = {"unfurl_id": event["unfurl_id"], "source": event["source"]}
        try:
            await client.chat_unfurl(**where, metadata={"entities": entities})
        except SlackApiError as exc:
            log.warning("Slack refused a chart link's unfurl (%s)", slack_error(exc))
        except (ClientError, OSError) as exc:
            log.warning("a chart link's unfurl did not reach Slack (%s)", type(exc).__name__)

    async def _details(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        trigger = str(event.get("trigger_id") or "")
        viewer = str(event.get("user") or "")
        workspace = self.workspaces.key_of(body)
        url = str(event.get("entity_url") or (event.get("link") or {}).get("url") or "")
        answer: dict[str, Any]
        with speaking(await self.people.language(viewer, workspace)):
            found = await self._known(url, body)
            if found is None:
                answer = {"error": gone_details()}
            else:
                answer = await self._shown_to(viewer, workspace, found, event, client)
        try:
            await client.entity_presentDetails(trigger_id=trigger, **answer)
        except SlackApiError as exc:
            log.warning("Slack refused a chart link's flexpane (%s)", slack_error(exc))
        except (ClientError, OSError) as exc:
            log.warning("a chart link's flexpane did not reach Slack (%s)", type(exc).__name__)

    async def _shown_to(
        self,
        viewer: str,
        workspace: str,
        found: tuple[ChartLink, ChartFacts],
        event: dict[str, Any],
        client: AsyncWebClient,
    ) -> dict[str, Any]:
        """What the flexpane shows `viewer`: the chart's numbers, or why not."""
        link, facts = found
        try:
            allowed = await self.policy.sees_charts_of(link.channel_id, viewer, workspace)
        except UserError:
            allowed = False  # Slack cannot say who is in the channel right now: nothing shown rather than too much
        if not allowed:
            return {"error": refused_details()}
        message_link = await self._message_link(link, client)
        pasted = str(event.get("app_unfurl_url") or "")
        entity = chart_entity(
            link, facts, self.links.url(link.token), pasted_url=pasted, numbers=True, message_link=message_link
        )
        return {"metadata": entity}

    async def _message_link(self, link: ChartLink, client: AsyncWebClient) -> str:
        if not link.message_ts:
            return ""
        try:
            answer = await client.chat_getPermalink(channel=link.channel_id, message_ts=link.message_ts)
        except (SlackApiError, ClientError, OSError) as exc:
            log.info("no permalink for a chart link's message (%s)", type(exc).__name__)
            return ""
        return str(answer.get("permalink") or "")
