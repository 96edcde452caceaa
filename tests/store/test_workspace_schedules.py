"""A workspace's schedules paused together when its app is uninstalled, and only those resumed when it comes back:
another workspace's, and the ones people paused themselves, are left as they were; a sync sees the change."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store import Database
from bot.store.schedules import NewSchedule, Schedules

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
UNINSTALLED = "the app was uninstalled from this workspace"


async def make(schedules: Schedules, workspace: str, label: str) -> int:
    new = NewSchedule(
        channel_id=f"C{workspace}", owner_id="U1", label=label, chart_text="lag", when_text="every 15m",
        interval_seconds=900, cron=None, timezone="UTC", workspace=workspace,
    )  # fmt: skip
    return (await schedules.create(new, max_per_channel=5)).id


async def test_uninstall_pauses_one_workspace_and_reinstall_resumes_what_it_paused(database: Database) -> None:
    schedules = Schedules(database, clock=lambda: NOW)
    first, second = await make(schedules, "T1", "a"), await make(schedules, "T1", "b")
    other = await make(schedules, "T2", "c")
    await schedules.set_paused(second, True, "paused by someone")
    before = await schedules.signature()
    assert await schedules.pause_workspace("T1", UNINSTALLED) == 1  # the one not paused already
    assert await schedules.signature() != before  # replicas' syncs see it
    states = {s.id: (s.paused, s.paused_reason, s.workspace) for s in await schedules.all()}
    assert states == {
        first: (True, UNINSTALLED, "T1"),
        second: (True, "paused by someone", "T1"),
        other: (False, None, "T2"),
    }
    assert await schedules.resume_workspace("T1", UNINSTALLED) == 1
    states = {s.id: (s.paused, s.paused_reason) for s in await schedules.all()}
    assert states == {first: (False, None), second: (True, "paused by someone"), other: (False, None)}
