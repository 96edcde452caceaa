"""A fixed number of places shared fairly between workspaces: when a place frees, it goes to the next workspace in
turn (each waiting in its own line), so 50 runs of one workspace due before 50 of another's do not all go first."""

from __future__ import annotations

import asyncio
from collections import deque


class FairPlaces:
    """`places` places; `take(key)` waits for one, `give_back()` frees one. Waiting workspaces are served in rotation,
    each one's own waiters in the order they came."""

    def __init__(self, places: int) -> None:
        self._free = places
        self._lines: dict[str, deque[asyncio.Future[None]]] = {}
        self._turns: deque[str] = deque()  # the workspaces with someone waiting, next first

    @property
    def waiting(self) -> int:
        return sum(not waiter.done() for line in self._lines.values() for waiter in line)

    async def take(self, key: str) -> None:
        """Wait for a place for a run of workspace `key`."""
        if self._free > 0 and not self._turns:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = deque()
            self._turns.append(key)
        line.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # given a place just as it was cancelled: pass it on
                self.give_back()
            raise

    def give_back(self) -> None:
        """Free a place: to the first waiter of the next workspace in turn, or kept free."""
        while self._turns:
            key = self._turns.popleft()
            line = self._lines[key]
            waiter = line.popleft()
            if line:
                self._turns.append(key)
            else:
                del self._lines[key]
            if not waiter.done():  # one that gave up (cancelled) is passed over
                waiter.set_result(None)
                return
        self._free += 1
