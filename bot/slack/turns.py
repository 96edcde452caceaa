"""An outbox's upload turns under Slack's limit, as tickets (`bot.router.Turn`): `take` waits for one of the pacer
(bot/slack/pacing.py) and hands it over, and the upload it is given goes at once (`use`); an upload given none, or
one used already, waits for its own. A scheduled run takes its turn before it is marked posting, so a run stopped
while it waits is taken over, never reported as maybe-posted."""

from __future__ import annotations

from bot.router import Turn
from bot.slack.pacing import UploadPacer


class UploadTurns:
    """The turns of one outbox: of its workspace's pacer (none: no pacing), scheduled or not (scheduled uploads let
    people waiting on a chart go first)."""

    def __init__(self, pacer: UploadPacer | None, *, scheduled: bool = False) -> None:
        self._pacer = pacer
        self._scheduled = scheduled

    async def take(self) -> Turn:
        """Wait for a turn, for the upload it is then given."""
        if self._pacer is not None:
            await self._pacer.wait(scheduled=self._scheduled)
        return Turn()

    async def use(self, turn: Turn | None) -> None:
        """Just before an upload: its `turn` when that is still unused, else one waited for now."""
        if turn is None or not turn.use():
            await self.take()
