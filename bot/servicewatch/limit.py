"""How many ServiceWatch calls run at once, the numbers first: a ListMetricData call waiting for a slot goes before
every image call waiting, since a chart's first message waits only for its numbers (the image joins it later)."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator

NUMBERS, IMAGES = 0, 1  # priorities: lower goes first


class PriorityLimit:
    """At most `most` holders at once; a freed slot goes to the waiter of the lowest priority, first come first."""

    def __init__(self, most: int) -> None:
        self._free = most
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def slot(self, priority: int) -> AsyncIterator[None]:
        """Hold a slot for the body; waits (in `priority` order) while all are taken."""
        await self._take(priority)
        try:
            yield
        finally:
            self._give_back()

    async def _take(self, priority: int) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # the slot was handed over as it was cancelled: pass it on
                self._give_back()
            else:
                self._waiting = [entry for entry in self._waiting if entry[2] is not turn]
                heapq.heapify(self._waiting)
            raise

    def _give_back(self) -> None:
        while self._waiting:
            _priority, _order, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)  # the slot passes straight to the waiter: no one can take it in between
                return
        self._free += 1
