"""The run log on SQLite and PostgreSQL: one claim per (schedule, time), leases, take-overs, posting once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import UserError
from bot.store import Database
from bot.store.schedules import FAILED, POSTED, UNKNOWN, NewSchedule, RunLog, Schedules

T0 = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


async def make_schedule(database: Database, clock: Clock, channel: str = "C1", *, cap: int = 2) -> int:
    schedules = Schedules(database, clock=clock)
    created = await schedules.create(
        NewSchedule(
            channel_id=channel,
            owner_id="U1",
            label="lag",
            chart_text="lag",
            when_text="every 15m",
            interval_seconds=900,
            cron=None,
            timezone="UTC",
        ),
        max_per_channel=cap,
    )
    return created.id


async def test_one_claim_per_slot_and_take_over_after_the_lease(database: Database) -> None:
    clock = Clock()
    schedule_id = await make_schedule(database, clock)
    a, b = RunLog(database, holder="a", clock=clock), RunLog(database, holder="b", clock=clock)
    assert await a.claim(schedule_id, SLOT, LEASE)
    assert not await b.claim(schedule_id, SLOT, LEASE)  # held
    clock.now += timedelta(seconds=20)
    assert await a.renew_all(LEASE) == 1  # a is alive: lease until +50 s
    clock.now += timedelta(seconds=25)
    assert not await b.claim(schedule_id, SLOT, LEASE)
    assert [r.holder for r in await b.stale_claims(SLOT - timedelta(minutes=15))] == []
    clock.now += timedelta(seconds=6)  # a stopped renewing
    assert [r.holder for r in await b.stale_claims(SLOT - timedelta(minutes=15))] == ["a"]
    assert await b.claim(schedule_id, SLOT, LEASE)  # taken over
    assert await a.renew_all(LEASE) == 0
    assert not await a.start_posting(schedule_id, SLOT, LEASE)  # the old holder may not post any more
    assert await b.start_posting(schedule_id, SLOT, LEASE)
    clock.now += timedelta(hours=1)
    assert not await a.claim(schedule_id, SLOT, LEASE)  # once posting started, never taken over
    assert await b.finish(schedule_id, SLOT, POSTED, file_id="F1")
    (run,) = await a.runs(schedule_id)
    assert (run.status, run.holder, run.file_id) == (POSTED, "b", "F1")


async def test_a_holder_that_died_while_posting_is_reported_not_reposted(database: Database) -> None:
    clock = Clock()
    schedule_id = await make_schedule(database, clock)
    a, b = RunLog(database, holder="a", clock=clock), RunLog(database, holder="b", clock=clock)
    assert await a.claim(schedule_id, SLOT, LEASE)
    assert await a.start_posting(schedule_id, SLOT, LEASE)
    clock.now += timedelta(minutes=1)
    assert not await b.claim(schedule_id, SLOT, LEASE)
    (lost,) = await b.abandoned_posts()
    assert (lost.schedule_id, lost.status) == (schedule_id, UNKNOWN)
    assert await b.abandoned_posts() == []  # reported once
    (run,) = await b.runs(schedule_id)
    assert run.status == UNKNOWN


async def test_results_pause_a_schedule_after_failures(database: Database) -> None:
    clock = Clock()
    schedules = Schedules(database, clock=clock)
    schedule_id = await make_schedule(database, clock)
    for i in range(2):
        recorded = await schedules.record(schedule_id, SLOT + timedelta(minutes=15 * i), FAILED, "403", pause_after=3)
        assert recorded is not None
        assert not recorded.paused
    ok = await schedules.record(schedule_id, SLOT + timedelta(minutes=30), POSTED, None, pause_after=3)
    assert ok is not None
    assert ok.consecutive_failures == 0
    for i in range(3):
        recorded = await schedules.record(
            schedule_id, SLOT + timedelta(minutes=45 + 15 * i), FAILED, "403", pause_after=3
        )
    assert recorded is not None
    assert recorded.paused
    assert recorded.paused_reason == "3 failed runs in a row; the last: 403"
    resumed = await schedules.set_paused(schedule_id, False)
    assert resumed is not None
    assert (resumed.paused, resumed.consecutive_failures) == (False, 0)
    assert resumed.version > ok.version


async def test_the_channel_cap(database: Database) -> None:
    clock = Clock()
    await make_schedule(database, clock)
    await make_schedule(database, clock)
    with pytest.raises(UserError, match="This channel has 2 schedules, the most allowed"):
        await make_schedule(database, clock)
    await make_schedule(database, clock, channel="C2")


async def test_concurrent_creates_at_the_channel_cap_stop_exactly_at_it(database: Database) -> None:
    """The cap is counted and the schedule inserted as one step: creates racing for its last places (two replicas, or
    two people at once) do not both pass the count."""
    clock = Clock()
    await make_schedule(database, clock)
    created = await asyncio.gather(*(make_schedule(database, clock, cap=4) for _ in range(12)), return_exceptions=True)
    refused = [result for result in created if isinstance(result, UserError)]
    assert len(refused) == 9, created
    assert all("This channel has 4 schedules, the most allowed" in str(error) for error in refused)
    assert len(await Schedules(database).in_channel("C1")) == 4


async def test_deleting_a_schedule_deletes_its_runs(database: Database) -> None:
    clock = Clock()
    schedule_id = await make_schedule(database, clock)
    runs = RunLog(database, holder="a", clock=clock)
    await runs.claim(schedule_id, SLOT, LEASE)
    assert await Schedules(database, clock=clock).delete(schedule_id)
    assert await runs.runs(schedule_id) == []


async def test_run_times_in_any_zone_are_one_key(database: Database) -> None:
    """Triggers give times in the schedule's zone; SQLite keeps no zone, so the log must key on UTC."""
    from zoneinfo import ZoneInfo

    clock = Clock()
    schedule_id = await make_schedule(database, clock)
    runs = RunLog(database, holder="a", clock=clock)
    new_york = SLOT.astimezone(ZoneInfo("America/New_York"))
    assert await runs.claim(schedule_id, new_york, LEASE)
    assert not await RunLog(database, holder="b", clock=clock).claim(schedule_id, SLOT, LEASE)
    clock.now += timedelta(minutes=5)
    (stale,) = await runs.stale_claims(SLOT - timedelta(minutes=15))
    assert stale.scheduled_for == SLOT


async def test_the_signature_changes_with_every_create_change_and_delete(database: Database) -> None:
    clock = Clock()
    schedules = Schedules(database, clock=clock)
    empty = await schedules.signature()
    first = await make_schedule(database, clock)
    created = await schedules.signature()
    second = await make_schedule(database, clock)
    assert len({empty, created, await schedules.signature()}) == 3
    before = await schedules.signature()
    await schedules.set_paused(first, True)
    paused = await schedules.signature()
    assert paused != before
    assert await schedules.signature() == paused  # nothing changed: the same row
    await schedules.delete(second)
    third = await make_schedule(database, clock)  # one gone, one made: the count is the same, the signature not
    assert await schedules.signature() != paused
    assert await schedules.versions() == {first: 2, third: 1}
    assert [s.id for s in await schedules.many([third, first, 999])] == [first, third]


async def test_renew_all_keeps_every_run_of_the_holder_alive_and_no_other(database: Database) -> None:
    clock = Clock()
    one, two = await make_schedule(database, clock, "C1"), await make_schedule(database, clock, "C2")
    a, b = RunLog(database, holder="a", clock=clock), RunLog(database, holder="b", clock=clock)
    assert await a.claim(one, SLOT, LEASE)
    assert await a.claim(two, SLOT, LEASE)
    assert await a.start_posting(two, SLOT, LEASE)  # posting runs are kept alive too
    assert await b.claim(one, SLOT + timedelta(minutes=15), LEASE)
    clock.now += timedelta(seconds=25)
    assert await a.renew_all(LEASE) == 2
    clock.now += timedelta(seconds=25)
    # a's runs were renewed; only b's claim, never renewed, has lapsed
    assert [r.holder for r in await a.stale_claims(SLOT - timedelta(minutes=15))] == ["b"]
    assert await b.abandoned_posts() == []


async def test_a_claim_returns_the_schedule_as_it_is_now_and_the_result_notes_it_once(database: Database) -> None:
    """The claim reads the schedule in the same step (the runner checks it was not paused meanwhile); the result and
    the schedule's last run are written together, and only by the run's holder."""
    clock = Clock()
    schedules = Schedules(database, clock=clock)
    schedule_id = await make_schedule(database, clock)
    await schedules.set_paused(schedule_id, True)
    a, b = RunLog(database, holder="a", clock=clock), RunLog(database, holder="b", clock=clock)
    claimed = await a.claim(schedule_id, SLOT, LEASE)
    assert claimed is not None
    assert (claimed.id, claimed.paused, claimed.version) == (schedule_id, True, 2)
    assert await b.claim(schedule_id, SLOT, LEASE) is None  # held
    assert await a.claim(999, SLOT, LEASE) is None  # no such schedule
    assert await a.start_posting(schedule_id, SLOT, LEASE)
    assert not await b.finish_and_note(schedule_id, SLOT, POSTED, file_id="F9")  # not b's
    assert await a.finish_and_note(schedule_id, SLOT, POSTED, file_id="F1")
    assert not await a.finish_and_note(schedule_id, SLOT, POSTED, file_id="F2")  # finished already
    (run,) = await a.runs(schedule_id)
    assert (run.status, run.holder, run.file_id) == (POSTED, "a", "F1")
    noted = await schedules.get(schedule_id)
    assert noted is not None
    assert (noted.last_run_at, noted.last_status, noted.consecutive_failures) == (SLOT, POSTED, 0)
