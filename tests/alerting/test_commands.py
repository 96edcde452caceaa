"""The alert commands over many alerts: `watch alerts level …` reads every matching alert's level (not only the first
few hundred), says how many it could not read, and `alerts` over too many asks for narrower words."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.access import AccessPolicy
from bot.alerting.commands import MOST_LISTED, AlertCommands
from bot.chat import Asker
from bot.errors import UserError
from bot.language.spec import AlertsRequest, WatchesRequest, WatchRequest
from bot.servicewatch.catalog import Catalog, CatalogMetric, CatalogResource
from bot.servicewatch.errors import APIConnectionError
from bot.servicewatch.models import AlertDetail, AlertRef, Dimension
from bot.store import Database
from bot.store.alerts import AlertSource, AlertWatches

LEVELS = ("HIGH", "MIDDLE", "LOW")


def catalog_of(count: int) -> Catalog:
    """`count` servers with one CPU alert each, `alert-0000 …`."""
    resources = tuple(
        CatalogResource(
            (Dimension(key="resource_id", value=f"server-{n:04}"),),
            f"web-{n:04}",
            (AlertRef(id=f"alert-{n:04}", name=f"cpu high {n:04}"),),
        )
        for n in range(count)
    )
    return Catalog((CatalogMetric("Virtual Server", "CPU Usage", ("resource_id",), "%", resources=resources),))


class ServiceWatch:
    """The catalog and ShowAlert: alert n has level LEVELS[n % 3]; `failing` alerts answer with an outage."""

    def __init__(self, count: int, failing: frozenset[str] = frozenset()) -> None:
        self._catalog = catalog_of(count)
        self.failing = failing
        self.asked: list[str] = []

    async def catalog(self) -> Catalog:
        return self._catalog

    async def show_alert(self, alert_id: str) -> AlertDetail:
        self.asked.append(alert_id)
        if alert_id in self.failing:
            raise APIConnectionError("down")
        n = int(alert_id.rsplit("-", 1)[1])
        return AlertDetail(id=alert_id, name=f"cpu high {n:04}", level=LEVELS[n % 3], state="NORMAL")


def commands(database: Database, servicewatch: ServiceWatch, *, most: int | None = None) -> AlertCommands:
    async def reader_of(workspace: str, channel_id: str) -> tuple[AlertSource, ServiceWatch]:
        return AlertSource(workspace), servicewatch

    return AlertCommands(reader_of, AlertWatches(database), AccessPolicy([], []), interval=60, max_per_channel=most)


ASKER = Asker(user_id="U1", channel_id="C1", asked_from="C1")


async def test_a_level_watch_reads_every_matching_alert(database: Database) -> None:
    servicewatch = ServiceWatch(500)
    await commands(database, servicewatch).handle(
        WatchRequest(level="HIGH", words=("cpu",), channel_id=None, text="level high cpu"), ASKER
    )
    assert len(servicewatch.asked) == 500
    (watch,) = await AlertWatches(database).in_channel("C1")
    assert len(watch.alerts) == 167  # every third of 500, not a third of the first 200


async def test_a_level_watch_says_how_many_it_could_not_read(database: Database) -> None:
    servicewatch = ServiceWatch(9, failing=frozenset({"alert-0000", "alert-0004"}))
    answer = await commands(database, servicewatch).handle(
        WatchRequest(level="HIGH", words=(), channel_id=None, text="level high"), ASKER
    )
    (watch,) = await AlertWatches(database).in_channel("C1")
    assert [alert_id for alert_id, _name in watch.alerts] == ["alert-0003", "alert-0006"]
    assert "2 more alerts could not be read" in answer


async def test_a_level_watch_with_nothing_readable_says_so(database: Database) -> None:
    servicewatch = ServiceWatch(3, failing=frozenset({"alert-0000", "alert-0001", "alert-0002"}))
    with pytest.raises(UserError, match="could not be asked the level of the 3 matching alerts"):
        await commands(database, servicewatch).handle(
            WatchRequest(level="LOW", words=(), channel_id=None, text="level low"), ASKER
        )
    assert await AlertWatches(database).in_channel("C1") == []


async def test_listing_too_many_alerts_asks_for_narrower_words(database: Database) -> None:
    servicewatch = ServiceWatch(MOST_LISTED + 1)
    answer = await commands(database, servicewatch).handle(AlertsRequest(words=("cpu",)), ASKER)
    assert f"{MOST_LISTED + 1} alert policies match “cpu”" in answer
    assert servicewatch.asked == []
    narrowed = await commands(database, servicewatch).handle(AlertsRequest(words=("cpu", "high", "0042")), ASKER)
    assert "cpu high 0042" in narrowed
    assert servicewatch.asked == ["alert-0042"]


def watch_request(words: tuple[str, ...]) -> WatchRequest:
    return WatchRequest(level=None, words=words, channel_id=None, text=" ".join(words))


async def test_a_channel_keeps_at_most_its_cap_of_watches(database: Database) -> None:
    servicewatch = ServiceWatch(10)
    alerts = commands(database, servicewatch, most=3)
    for n in range(3):
        await alerts.handle(watch_request((f"{n:04}",)), ASKER)
    asked = len(servicewatch.asked)
    with pytest.raises(UserError) as refused:
        await alerts.handle(WatchRequest(level="LOW", words=(), channel_id=None, text="level low"), ASKER)
    assert len(servicewatch.asked) == asked  # refused before any level was asked
    assert str(refused.value) == (
        "This channel has 3 alert watches, the most it keeps (ALERT_WATCH_MAX_PER_CHANNEL); stop one first with "
        "`unwatch ID` (`watches` lists them)."
    )
    racing = await asyncio.gather(
        *(
            alerts.handle(watch_request((f"{n:04}",)), Asker(user_id="U1", channel_id="C2", asked_from="C2"))
            for n in range(8)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(result, UserError) for result in racing) == 5, racing
    assert len(await AlertWatches(database).in_channel("C2")) == 3


async def test_many_watches_are_listed_in_pages_within_slacks_limits(database: Database) -> None:
    servicewatch = ServiceWatch(300)
    alerts = commands(database, servicewatch)
    for _n in range(60):  # before the cap, or under a higher one
        await alerts.handle(watch_request(("cpu", "high")), ASKER)
    seen: list[str] = []
    page, pages = 1, 1
    while page <= pages:
        text = await alerts.handle(WatchesRequest(page), ASKER)
        assert len(text) <= 3000
        seen += re.findall(r"^• #(\d+) by", text, flags=re.MULTILINE)
        if found := re.search(r"_Page \d+ of (\d+)_", text):
            pages = int(found.group(1))
        page += 1
    assert pages > 1
    assert seen == [str(n) for n in range(1, 61)]
    assert "next: `/chart watches page 2`" in await alerts.handle(WatchesRequest(), ASKER)
