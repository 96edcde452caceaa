"""Group commit: writes asked for at about the same time share one transaction, so a burst of requests costs the
database a few commits instead of one each, and no write waits for a quiet moment."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """`await group(item)` returns `item`'s result once it is committed. Items asked for while a write is under way
    go together in the next one: the first item of a quiet moment is written at once, and under a burst each waits
    at most for the write before its own. `write` gets the items in order and returns one result for each; when it
    raises, every item of that write gets the error."""

    def __init__(self, write: Callable[[list[Item]], Awaitable[list[Result]]], *, most: int = 500) -> None:
        self._write, self._most = write, most
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="group commit")
        # Shielded: a caller that gives up waiting does not take the others' write down with it.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # the same moment's arrivals join the first write
        while self._waiting:
            batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                results = await self._write([item for item, _ in batch])
            except asyncio.CancelledError:
                for _, future in [*batch, *self._waiting]:
                    future.cancel()
                self._waiting = []
                raise
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
