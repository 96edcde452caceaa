"""A chart link opened in a browser (`GET /charts/<token>` in HTTP mode): it leads to the chart's message in Slack,
where Slack itself decides who may see it; a link the bot no longer knows says so, and what to do."""

from __future__ import annotations

import html
import logging
from urllib.parse import urlencode

from aiohttp import ClientError, web
from slack_sdk.errors import SlackApiError

from bot.i18n import _
from bot.slack.links import PATH, ChartLinks
from bot.slack.workspaces import Workspaces
from bot.store.chart_links import ChartLink

log = logging.getLogger(__name__)
ROUTE = PATH + "{token}"


class ChartLinkPages:
    def __init__(self, links: ChartLinks, workspaces: Workspaces, *, kept_days: int) -> None:
        self.links, self.workspaces, self.kept_days = links, workspaces, kept_days

    async def open(self, request: web.Request) -> web.StreamResponse:
        """A redirect to the chart's message (or its channel), or a short page saying the link is unknown."""
        token = request.match_info.get("token", "")
        found = await self.links.find(token) if self.links.token_in(self.links.url(token)) else None
        if found is None:
            return _page(
                404,
                _("This chart link is unknown"),
                _(
                    "Chart links work for {days} days after their chart is posted. Ask the bot for the chart again "
                    "in Slack."
                ).format(days=self.kept_days),
            )
        link, _facts = found
        raise web.HTTPFound(await self._where(link))

    async def _where(self, link: ChartLink) -> str:
        """The message's permalink (Slack's chat.getPermalink); else Slack's link to the channel."""
        if link.message_ts:
            try:
                client = self.workspaces.client(link.workspace)
                answer = await client.chat_getPermalink(channel=link.channel_id, message_ts=link.message_ts)
                if answer.get("permalink"):
                    return str(answer["permalink"])
            except (SlackApiError, ClientError, OSError) as exc:
                log.info("no permalink for a chart link's message (%s)", type(exc).__name__)
        place = {"channel": link.channel_id}
        if link.workspace:
            place["team"] = link.workspace
        return "https://slack.com/app_redirect?" + urlencode(place)


def _page(status: int, title: str, text: str) -> web.Response:
    body = (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return web.Response(status=status, text=body, content_type="text/html")
