"""Stand-ins for time, so that tests wait on events and never on the machine's speed."""

from __future__ import annotations


class RecordedSleep:
    """Stands in for asyncio.sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
