"""The alert commands: `alerts [TEXT]` lists the alert policies of the catalog with their state; `watch alerts …`
subscribes a channel (`nodata`: told of no data too); `watches` lists a channel's watches; `unwatch ID` stops one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from bot.access import AccessPolicy
from bot.charts.alerts import AlertLine, alerts_text, at_least, condition_text, level_label, matches
from bot.chat import Asker
from bot.durations import format_duration
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.language.spec import AlertsRequest, UnwatchRequest, WatchesRequest, WatchRequest
from bot.markup import marked, slack_escape
from bot.paging import page_text
from bot.servicewatch.catalog import Catalog, CatalogAlert
from bot.servicewatch.errors import ServiceWatchError
from bot.servicewatch.models import AlertDetail
from bot.store.alerts import AlertSource, AlertWatches, Watch

AlertRequest = AlertsRequest | WatchRequest | WatchesRequest | UnwatchRequest
MOST_LISTED = 200  # ShowAlert calls `alerts` may make; beyond it the text must be narrowed (40 lines show anyway)


class AlertReader(Protocol):
    """What the alert commands read from one SCP account's ServiceWatch (a ChartService does)."""

    async def catalog(self) -> Catalog: ...

    async def show_alert(self, alert_id: str) -> AlertDetail: ...


# The account a channel's alerts are read with (the channel's default, the workspace's only one, or the environment's
# keys) and its reader; a UserError names what to do when none applies.
ReaderOf = Callable[[str, str], Awaitable[tuple[AlertSource, AlertReader]]]  # (workspace, channel) → …


class AlertCommands:
    def __init__(
        self,
        reader_of: ReaderOf,
        watches: AlertWatches,
        policy: AccessPolicy,
        *,
        interval: int,
        concurrency: int = 8,
        command: str = "/chart",
        max_per_channel: int | None = None,
    ) -> None:
        self._reader_of = reader_of
        self.watches, self.policy = watches, policy
        self.interval, self.command = interval, command
        self.max_per_channel = max_per_channel  # watches a channel keeps (ALERT_WATCH_MAX_PER_CHANNEL); None: no cap
        self._gate = asyncio.Semaphore(concurrency)

    async def handle(self, request: AlertRequest, asker: Asker) -> str:
        if isinstance(request, AlertsRequest):
            _source, reader = await self._reader_of(asker.workspace, asker.channel_id)
            return await self._list(reader, request.words)
        if isinstance(request, WatchRequest):
            return await self._watch(request, asker)
        if isinstance(request, WatchesRequest):
            return await self._watches(asker, request.page)
        gone = await self.watches.end(
            request.watch_id, asker.channel_id, asker.user_id, is_admin=asker.is_admin, request_key=asker.request_key
        )
        return _("Stopped watch #{id} ({count} alerts).").format(id=gone.id, count=len(gone.alerts))

    async def _candidates(self, reader: AlertReader, words: Sequence[str]) -> list[CatalogAlert]:
        catalog = await reader.catalog()
        return [
            alert
            for alert in catalog.alerts()
            if matches(
                words,
                alert_name=alert.name,
                namespace=alert.metric.namespace,
                metric_name=alert.metric.name,
                resource=alert.resource.label(),
            )
        ]

    async def _details(
        self, reader: AlertReader, alerts: Sequence[CatalogAlert]
    ) -> list[tuple[CatalogAlert, AlertDetail | None]]:
        """Each alert's ShowAlert answer, a few at a time; None for one that could not be read."""

        async def one(alert: CatalogAlert) -> tuple[CatalogAlert, AlertDetail | None]:
            async with self._gate:
                try:
                    return alert, await reader.show_alert(alert.id)
                except ServiceWatchError:
                    return alert, None

        return list(await asyncio.gather(*(one(alert) for alert in alerts)))

    async def _list(self, reader: AlertReader, words: Sequence[str]) -> str:
        candidates = await self._candidates(reader, words)
        if len(candidates) > MOST_LISTED:
            return _(
                "{count} alert policies match “{text}”, too many to ask ServiceWatch for each one's state. Narrow it "
                "down: `{command} alerts TEXT` (part of a name, a metric or a resource)."
            ).format(count=len(candidates), text=slack_escape(" ".join(words)) or "*", command=self.command)
        lines = [_line(alert, detail) for alert, detail in await self._details(reader, candidates)]
        return alerts_text(lines, words, self.command)

    async def _watch(self, request: WatchRequest, asker: Asker) -> str:
        channel = request.channel_id or asker.channel_id
        if channel != asker.channel_id or asker.asked_from is None:
            await self.policy.check_post(asker.user_id, asker.asked_from, channel, asker.workspace)
        if self.max_per_channel is not None:  # before ServiceWatch is asked anything
            await self.watches.refuse_past_cap(channel, self.max_per_channel)
        source, reader = await self._reader_of(asker.workspace, channel)  # the account of the channel it posts in
        candidates = await self._candidates(reader, request.words)
        unread = 0  # alerts whose level could not be read now: not watched, and the reply says so
        if request.level is not None:
            read = await self._details(reader, candidates)  # every one: the level is only ShowAlert's to tell
            unread = sum(detail is None for _alert, detail in read)
            candidates = [
                alert for alert, detail in read if detail is not None and at_least(detail.level, request.level)
            ]
        if not candidates and unread:
            raise UserError(
                ngettext(
                    "ServiceWatch could not be asked the level of the {count} matching alert just now, so nothing is "
                    "watched yet. Try again in a minute.",
                    "ServiceWatch could not be asked the level of the {count} matching alerts just now, so nothing is "
                    "watched yet. Try again in a minute.",
                    unread,
                ).format(count=unread)
            )
        if not candidates:
            wanted = slack_escape(" ".join(request.words)) or "*"
            if request.level:
                raise UserError(
                    _(
                        "No alert policy of level {level} or above matches “{text}”. `{command} alerts` lists them."
                    ).format(level=level_label(request.level), text=wanted, command=self.command)
                )
            raise UserError(
                _("No alert policy matches “{text}”. `{command} alerts` lists them.").format(
                    text=wanted, command=self.command
                )
            )
        watch = await self.watches.create(
            channel_id=channel,
            owner_id=asker.user_id,
            level=request.level,
            words=request.text,
            alerts=[(alert.id, alert.name) for alert in candidates],
            request_key=asker.request_key,
            source=source,
            no_data=request.no_data,
            max_per_channel=self.max_per_channel,
        )
        listed = _names(watch.alerts, 10)
        answer = ngettext(
            "Watching {count} alert in <#{channel}> (watch #{id}): {names}. ServiceWatch is asked every {interval}; "
            "when it fires, its chart comes here and its thread is the incident. `watches` lists watches, "
            "`unwatch {id}` stops this one.",
            "Watching {count} alerts in <#{channel}> (watch #{id}): {names}. ServiceWatch is asked every {interval}; "
            "when one fires, its chart comes here and its thread is the incident. `watches` lists watches, "
            "`unwatch {id}` stops this one.",
            len(watch.alerts),
        ).format(
            count=len(watch.alerts),
            channel=marked(channel),
            id=watch.id,
            names=listed,
            interval=format_duration(self.interval),
        )
        if watch.no_data:
            answer += " " + _("When one has no data (the server may be stopped), that is said here too.")
        if unread:
            answer += " " + ngettext(
                "{count} more alert could not be read from ServiceWatch just now, so its level is unknown and it is "
                "not watched; ask again later to add it.",
                "{count} more alerts could not be read from ServiceWatch just now, so their level is unknown and they "
                "are not watched; ask again later to add them.",
                unread,
            ).format(count=unread)
        return answer

    async def _watches(self, asker: Asker, page: int) -> str:
        watches = await self.watches.in_channel(asker.channel_id)
        if not watches:
            return _("No alert watches in this channel. Start one: `{command} watch alerts level high`.").format(
                command=self.command
            )
        heading = _("*Alert watches in this channel* (stop one with `{command} unwatch ID`):").format(
            command=self.command
        )
        lines = [_watch_line(watch) for watch in watches]
        return page_text(
            heading, lines, page, lambda n: _("{command} watches page {page}").format(command=self.command, page=n)
        )


def _watch_line(watch: Watch) -> str:
    """One watch in the `watches` listing: its number, owner, alerts, level and whether it hears of no data."""
    line = _("• #{id} by <@{owner}>: {count} alerts ({names})").format(
        id=watch.id, owner=marked(watch.owner_id), count=len(watch.alerts), names=_names(watch.alerts, 5)
    )
    if watch.level:
        line += " · " + _("level {level} and above").format(level=level_label(watch.level))
    if watch.no_data:
        line += " · " + _("told of no data")
    return line


def _names(alerts: Sequence[tuple[str, str]], most: int) -> str:
    """The first `most` alerts' names, and how many more."""
    names = ", ".join(slack_escape(name) for _id, name in alerts[:most])
    more = len(alerts) - most
    return _("{names} and {count} more").format(names=names, count=more) if more > 0 else names


def _line(alert: CatalogAlert, detail: AlertDetail | None) -> AlertLine:
    if detail is None:
        return AlertLine(
            alert.id,
            alert.name,
            "",
            _("unknown"),
            "",
            alert.resource.label(),
            alert.metric.namespace,
            alert.metric.name,
        )
    condition = condition_text(
        statistic=detail.statistic,
        metric_name=detail.metric_name or alert.metric.name,
        unit=detail.metric_unit or alert.metric.unit,
        operator=detail.operator,
        threshold=detail.threshold,
        lower_bound=detail.lower_bound,
        upper_bound=detail.upper_bound,
        violation_count=detail.violation_count,
        evaluation_count=detail.evaluation_count,
        period=detail.period,
    )
    return AlertLine(
        alert.id,
        alert.name,
        detail.level,
        detail.state,
        condition,
        alert.resource.label(),
        alert.metric.namespace,
        alert.metric.name,
    )
