"""Clicks on a chart's controls, numbered per message on SQLite and PostgreSQL: every replica agrees which is the
latest, and on PostgreSQL a redraw being shown holds off another replica's redraw of the same message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store import Database
from bot.store.clicks import ChartClicks
from bot.store.retention import Pruner, Rule

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


async def test_clicks_are_numbered_per_message(database: Database) -> None:
    clicks = ChartClicks(database)
    assert [await clicks.take("C1", "1.000100") for _ in range(3)] == [1, 2, 3]
    assert await clicks.take("C1", "1.000200") == 1  # another message starts again
    assert await clicks.take("C2", "1.000100") == 1  # the same ts in another channel is another message


async def test_clicks_at_the_same_moment_get_different_numbers(database: Database) -> None:
    replicas = [ChartClicks(database) for _ in range(4)]
    numbers = await asyncio.gather(*(replica.take("C1", "1.000100") for replica in replicas for _ in range(3)))
    assert sorted(numbers) == list(range(1, 13))


async def test_only_the_latest_click_is_shown(database: Database) -> None:
    clicks = ChartClicks(database)
    first = await clicks.take("C1", "1.000100")
    last = await clicks.take("C1", "1.000100")
    async with clicks.holding("C1", "1.000100", first) as latest:
        assert not latest
    async with clicks.holding("C1", "1.000100", last) as latest:
        assert latest
    async with clicks.holding("C9", "9.000900", 1) as latest:
        assert not latest  # a message nobody clicked


async def test_a_redraw_being_shown_holds_off_another_replicas(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        return  # SQLite runs one process: the listener's in-process lock is what serialises there
    one, two = ChartClicks(database), ChartClicks(database)
    number = await one.take("C1", "1.000100")
    order: list[str] = []

    async def second() -> None:
        async with two.holding("C1", "1.000100", number):
            order.append("second")

    async with one.holding("C1", "1.000100", number):
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.2)  # long enough for the second to reach the row lock, were it free
        order.append("first")
    await waiting
    assert order == ["first", "second"]


async def test_old_clicks_are_pruned_by_their_composite_key(database: Database) -> None:
    clock = Clock()
    clicks = ChartClicks(database, clock=clock)
    clock.now = T0 - 2 * DAY
    await clicks.take("C1", "1.000100")
    await clicks.take("C1", "1.000200")
    clock.now = T0 - timedelta(hours=1)
    await clicks.take("C1", "1.000300")
    clock.now = T0
    pruner = Pruner(database, [Rule("chart_clicks", "clicked_at", DAY)], every=timedelta(minutes=10), clock=clock)
    assert await pruner.prune() == {"chart_clicks": 2}
    assert await clicks.take("C1", "1.000300") == 2  # the young one kept its count
    assert await clicks.take("C1", "1.000100") == 1  # a pruned one starts again


async def test_a_click_that_drew_nothing_gives_its_number_back(database: Database) -> None:
    clicks = ChartClicks(database)
    first = await clicks.take("C1", "1.000100")
    second = await clicks.take("C1", "1.000100")
    await clicks.withdraw("C1", "1.000100", second)  # it failed: the first, still drawing, is shown
    async with clicks.holding("C1", "1.000100", first) as latest:
        assert latest
    third = await clicks.take("C1", "1.000100")
    await clicks.take("C1", "1.000100")
    await clicks.withdraw("C1", "1.000100", third)  # a later click came: nothing changes
    async with clicks.holding("C1", "1.000100", third) as latest:
        assert not latest
