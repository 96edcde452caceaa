"""Posted charts' links (`/charts/<token>` on the bot's own host): where each chart was posted and what it showed,
kept RETENTION_CHART_LINKS. A link is made before its chart's message is posted (the message carries it), and
completed with the message's ts and the chart's file once Slack has them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.store.db import Database, as_utc
from bot.store.tables import ChartLinkRow


@dataclass(frozen=True)
class ChartLink:
    token: str
    workspace: str  # the Slack workspace's key ("" for the one-workspace setup)
    channel_id: str
    message_ts: str | None  # None until the chart's message is posted (or when it went as a plain upload)
    file_id: str | None  # the ServiceWatch image in Slack, once shown
    facts: str  # JSON (bot.charts.facts.ChartFacts)
    posted_at: datetime


class ChartLinkStore:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = database.sessions
        self._clock = clock

    async def add(self, token: str, workspace: str, channel_id: str, facts: str) -> None:
        async with self._sessions.begin() as session:
            session.add(
                ChartLinkRow(
                    token=token, workspace=workspace, channel_id=channel_id, facts=facts, posted_at=self._clock()
                )
            )

    async def posted(self, token: str, channel_id: str, message_ts: str, file_id: str | None = None) -> None:
        """The link's chart is in Slack: message `message_ts` of `channel_id` (the channel Slack answered with)."""
        values: dict[str, str] = {"channel_id": channel_id, "message_ts": message_ts}
        if file_id:
            values["file_id"] = file_id
        async with self._sessions.begin() as session:
            await session.execute(update(ChartLinkRow).where(ChartLinkRow.token == token).values(**values))

    async def drawn(self, channel_id: str, message_ts: str, facts: str, file_id: str | None) -> None:
        """The chart message `message_ts` now shows another drawing (its image joined it, or a click redrew it)."""
        values: dict[str, str | None] = {"facts": facts, "file_id": file_id}
        async with self._sessions.begin() as session:
            await session.execute(
                update(ChartLinkRow)
                .where(ChartLinkRow.channel_id == channel_id, ChartLinkRow.message_ts == message_ts)
                .values(**values)
            )

    async def find(self, token: str) -> ChartLink | None:
        async with self._sessions() as session:
            row = (await session.execute(select(ChartLinkRow).where(ChartLinkRow.token == token))).scalar_one_or_none()
        if row is None:
            return None
        return ChartLink(
            row.token, row.workspace, row.channel_id, row.message_ts, row.file_id, row.facts, as_utc(row.posted_at)
        )
