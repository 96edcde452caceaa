"""Chart links: every chart posted into a channel gets a link on the bot's own host (`<public URL>/charts/<token>`,
a random token), carried by its message. The link remembers where the chart was posted and what it showed
(bot/store/chart_links.py), so pasted anywhere in the workspace it unfurls as a Work Object (bot/slack/unfurls.py),
and opened in a browser it leads to the chart's message (bot/slack/link_pages.py). A link that cannot be made never
holds a chart back: the chart goes without it."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import replace
from urllib.parse import urlparse

from sqlalchemy.exc import SQLAlchemyError

from bot.charts.facts import ChartFacts, facts_of
from bot.charts.service import RenderedChart
from bot.router import Destination
from bot.store.chart_links import ChartLink, ChartLinkStore

log = logging.getLogger(__name__)

PATH = "/charts/"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,32}")


class ChartLinks:
    """Links on `public_url` (an origin: `https://charts.example.com`) for posted charts, kept in `store`."""

    def __init__(self, store: ChartLinkStore, public_url: str) -> None:
        self._store = store
        self.public_url = public_url.rstrip("/")
        self.host = (urlparse(self.public_url).hostname or "").lower()

    def url(self, token: str) -> str:
        return f"{self.public_url}{PATH}{token}"

    def token_in(self, url: str) -> str | None:
        """The token of a chart link of this host (`https://charts.example.com/charts/abc…`), else None."""
        parsed = urlparse(url.strip().strip("<>").split("|")[0])
        if (parsed.hostname or "").lower() != self.host or not parsed.path.startswith(PATH):
            return None
        token = parsed.path.removeprefix(PATH).rstrip("/")
        return token if _TOKEN.fullmatch(token) else None

    async def mint(self, chart: RenderedChart, destination: Destination) -> RenderedChart:
        """`chart` with a new link of its own, for a post into `destination` (unchanged when it cannot be kept)."""
        token = secrets.token_urlsafe(16)
        try:
            await self._store.add(token, destination.workspace, destination.channel_id, facts_of(chart).dumps())
        except (SQLAlchemyError, OSError) as exc:
            log.warning("a chart went without its link: the database did not keep it (%s)", type(exc).__name__)
            return chart
        return replace(chart, link=self.url(token))

    async def posted(self, chart: RenderedChart, channel_id: str, ts: str, file_id: str | None = None) -> None:
        """`chart` (one `mint` gave a link) is Slack's message `ts` in `channel_id`, showing `file_id` when given."""
        token = self.token_in(chart.link) if chart.link else None
        if token is None or not ts:
            return
        try:
            await self._store.posted(token, channel_id, ts, file_id)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("a chart link could not be pointed at its message (%s)", type(exc).__name__)

    async def drawn(self, channel_id: str, ts: str, chart: RenderedChart, file_id: str | None) -> None:
        """The chart message `ts` now shows `chart` (its image joined it, a click redrew it): its link says so."""
        try:
            await self._store.drawn(channel_id, ts, facts_of(chart).dumps(), file_id)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("a chart link kept the chart's earlier numbers (%s)", type(exc).__name__)

    async def find(self, token: str) -> tuple[ChartLink, ChartFacts] | None:
        """The link `token` and its chart's facts; None for a token never made, or pruned."""
        link = await self._store.find(token)
        return None if link is None else (link, ChartFacts.loads(link.facts))
