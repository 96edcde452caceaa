"""Single flight: one call per key in flight, answers kept for their TTL, failures never kept."""

from __future__ import annotations

import asyncio

import pytest

from bot.servicewatch.coalesce import SingleFlight, canonical_key


def test_canonical_key_ignores_field_order() -> None:
    assert canonical_key("image", {"a": 1, "b": [1, 2]}) == canonical_key("image", {"b": [1, 2], "a": 1})
    assert canonical_key("image", {"a": 1}) != canonical_key("data", {"a": 1})


async def test_callers_in_flight_share_one_call() -> None:
    flight: SingleFlight[int] = SingleFlight()
    calls = 0
    gate = asyncio.Event()

    async def call() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return 42

    tasks = [asyncio.create_task(flight.run("k", 0, call)) for _ in range(10)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*tasks) == [42] * 10
    assert calls == 1
    assert (flight.misses, flight.hits) == (1, 9)


async def test_answers_are_kept_for_their_ttl_and_bounded() -> None:
    now = [0.0]
    flight: SingleFlight[str] = SingleFlight(max_entries=2, clock=lambda: now[0])
    calls: list[str] = []

    async def call_for(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert await flight.run("a", 10, lambda: call_for("a")) == "A"
    now[0] = 9.9
    assert await flight.run("a", 10, lambda: call_for("a")) == "A"
    assert calls == ["a"]
    now[0] = 10.1
    await flight.run("a", 10, lambda: call_for("a"))
    assert calls == ["a", "a"]
    await flight.run("b", 10, lambda: call_for("b"))
    await flight.run("c", 10, lambda: call_for("c"))  # pushes out the oldest (a)
    await flight.run("a", 10, lambda: call_for("a"))
    assert calls == ["a", "a", "b", "c", "a"]


async def test_failures_reach_every_waiter_and_are_not_kept() -> None:
    flight: SingleFlight[int] = SingleFlight()
    gate = asyncio.Event()
    calls = 0

    async def failing() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise RuntimeError("upstream broke")

    tasks = [asyncio.create_task(flight.run("k", 60, failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert calls == 1
    with pytest.raises(RuntimeError):
        await flight.run("k", 60, failing)
    assert calls == 2


async def test_a_cancelled_leader_does_not_fail_the_others() -> None:
    flight: SingleFlight[int] = SingleFlight()
    started = asyncio.Event()
    calls = 0

    async def slow() -> int:
        nonlocal calls
        calls += 1
        started.set()
        await asyncio.sleep(0.05)
        return 7

    leader = asyncio.create_task(flight.run("k", 0, slow))
    await started.wait()
    follower = asyncio.create_task(flight.run("k", 0, slow))
    await asyncio.sleep(0)
    leader.cancel()
    assert await follower == 7
    assert calls == 2
    with pytest.raises(asyncio.CancelledError):
        await leader
