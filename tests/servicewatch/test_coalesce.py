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


class HeldCall:
    """An upstream call that waits until released, and records whether it was cancelled."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0
        self.cancelled = 0

    async def __call__(self) -> int:
        self.calls += 1
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return 7


async def test_a_waiter_that_leaves_keeps_the_call_for_the_others() -> None:
    flight: SingleFlight[int] = SingleFlight()
    call = HeldCall()
    first = asyncio.create_task(flight.run("k", 0, call))
    await call.started.wait()
    second = asyncio.create_task(flight.run("k", 0, call))
    await asyncio.sleep(0)  # the second is waiting on the call too
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert (call.calls, call.cancelled) == (1, 0)
    call.release.set()
    assert await second == 7
    assert (call.calls, call.cancelled) == (1, 0)  # the one call answered the one still waiting; none was restarted


async def test_the_last_waiter_leaving_cancels_the_call() -> None:
    flight: SingleFlight[int] = SingleFlight()
    call = HeldCall()
    waiters = [asyncio.create_task(flight.run("k", 0, call)) for _ in range(2)]
    await call.started.wait()
    for waiter in waiters:
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    assert (call.calls, call.cancelled) == (1, 1)  # ended by the time the last waiter has left, not left running
    call.release.set()
    assert await flight.run("k", 0, call) == 7  # a later caller starts afresh rather than joining the cancelled call
    assert call.calls == 2
