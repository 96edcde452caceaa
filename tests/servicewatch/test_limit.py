"""The ServiceWatch call limit lets the numbers go before the images (bot/servicewatch/limit.py)."""

from __future__ import annotations

import asyncio

import pytest

from bot.servicewatch.limit import IMAGES, NUMBERS, PriorityLimit


async def test_a_freed_slot_goes_to_the_numbers_before_images_that_waited_longer() -> None:
    limit = PriorityLimit(1)
    order: list[str] = []
    release = asyncio.Event()

    async def call(name: str, priority: int) -> None:
        async with limit.slot(priority):
            order.append(name)
            if name == "first":
                await release.wait()

    first = asyncio.create_task(call("first", IMAGES))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(call(name, IMAGES)) for name in ("image-1", "image-2")]
    waiting.append(asyncio.create_task(call("numbers", NUMBERS)))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, *waiting)
    assert order == ["first", "numbers", "image-1", "image-2"]


async def test_a_waiter_cancelled_keeps_no_slot() -> None:
    limit = PriorityLimit(1)
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with limit.slot(IMAGES):
            held.set()
            await release.wait()

    async def waiter() -> None:
        async with limit.slot(NUMBERS):
            pass

    holding = asyncio.create_task(holder())
    await held.wait()
    cancelled = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    cancelled.cancel()
    release.set()
    await holding
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    for _ in range(3):  # every slot is free again: three in a row take it at once
        await asyncio.wait_for(waiter(), timeout=60)
