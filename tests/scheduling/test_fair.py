"""Places shared in turn between workspaces: a workspace with many runs due never keeps another's waiting behind
all of them; a waiter that gives up passes its place on."""

from __future__ import annotations

import asyncio

from bot.scheduling.fair import FairPlaces


async def served(places: FairPlaces, due: list[str], rounds: int) -> list[str]:
    """The order in which runs of the workspaces in `due` (in the order they fell due) get a place."""
    order: list[str] = []

    async def run(key: str) -> None:
        await places.take(key)
        order.append(key)

    tasks = [asyncio.create_task(run(key)) for key in due]
    await asyncio.sleep(0)
    for _ in range(rounds):
        places.give_back()
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    return order


async def test_workspaces_take_places_in_turn() -> None:
    places = FairPlaces(2)
    order = await served(places, ["A"] * 5 + ["B"] * 2 + ["C"], rounds=6)
    assert order == ["A", "A", "A", "B", "C", "A", "B", "A"]  # two free at once, then one each in turn


async def test_one_workspace_alone_is_first_come_first_served() -> None:
    assert await served(FairPlaces(1), ["A", "A", "A"], rounds=2) == ["A", "A", "A"]


async def test_a_waiter_that_gives_up_passes_its_place_on() -> None:
    places = FairPlaces(1)
    await places.take("A")
    gives_up = asyncio.create_task(places.take("B"))
    waits = asyncio.create_task(places.take("C"))
    await asyncio.sleep(0)
    gives_up.cancel()
    places.give_back()
    await asyncio.wait_for(waits, timeout=5)  # not a measure: a regression fails instead of hanging
    assert places.waiting == 0


async def test_a_place_given_as_its_waiter_is_cancelled_goes_to_the_next() -> None:
    places = FairPlaces(1)
    await places.take("A")
    first = asyncio.create_task(places.take("B"))
    second = asyncio.create_task(places.take("C"))
    await asyncio.sleep(0)
    places.give_back()  # B's waiter has its place, but B is cancelled before it runs
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.wait_for(second, timeout=5)
