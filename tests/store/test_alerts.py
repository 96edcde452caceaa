"""Alert watches and their changes on SQLite and PostgreSQL: a change is recorded once however many replicas see
it, claimed by one, announced in order, and never posted twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import AlreadyDone, UserError
from bot.store import Database
from bot.store.alerts import AlertIncidents, AlertSource, AlertWatches, Watched, firing

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize(
    ("state", "is_firing"),
    [
        ("NORMAL", False),
        ("normal", False),
        ("", False),
        ("ALERT", True),
        ("alert", True),
        ("INSUFFICIENT_DATA", False),  # no data: its own state
        ("INSUFFICIENT", False),  # unknown: shown, never firing
        ("ALARM", False),
    ],
)
def test_only_alert_is_firing(state: str, is_firing: bool) -> None:
    assert firing(state) is is_firing


async def test_a_watch_lists_its_alerts_and_ends_once(database: Database) -> None:
    watches = AlertWatches(database)
    made = await watches.create(
        channel_id="C1", owner_id="U1", level="HIGH", words="cpu", alerts=[("a1", "CPU high"), ("a2", "Mem")],
        request_key="request:1",
    )  # fmt: skip
    with pytest.raises(AlreadyDone):
        await watches.create(channel_id="C1", owner_id="U1", level=None, words="", alerts=[], request_key="request:1")
    (listed,) = await watches.in_channel("C1")
    assert (listed.id, listed.level, listed.alerts) == (made.id, "HIGH", (("a1", "CPU high"), ("a2", "Mem")))
    assert await watches.watched() == {"a1": Watched(["C1"], AlertSource()), "a2": Watched(["C1"], AlertSource())}
    with pytest.raises(UserError, match="only they or an admin"):
        await watches.end(made.id, "C1", "U2", is_admin=False)
    with pytest.raises(UserError, match="no alert watch #99"):
        await watches.end(99, "C1", "U1", is_admin=False)
    await watches.end(made.id, "C1", "U2", is_admin=True)
    assert await watches.in_channel("C1") == []
    assert await watches.watched() == {}


async def test_a_dropped_alert_is_told_once_and_an_empty_watch_ends(database: Database) -> None:
    watches = AlertWatches(database)
    one = await watches.create(channel_id="C1", owner_id="U1", level=None, words="", alerts=[("a1", "CPU")])
    two = await watches.create(
        channel_id="C2", owner_id="U2", level=None, words="", alerts=[("a1", "CPU"), ("a2", "M")]
    )
    results = await asyncio.gather(watches.drop_alert("a1"), watches.drop_alert("a1"))
    dropped = sorted((d.watch_id, d.watch_ended) for result in results for d in result)
    assert dropped == [(one.id, True), (two.id, False)]  # each told once, whichever replica removed it
    assert await watches.watched() == {"a2": Watched(["C2"], AlertSource())}


async def test_a_watch_remembers_the_account_its_alerts_are_read_with(database: Database) -> None:
    watches = AlertWatches(database)
    staging = AlertSource("T2", "staging")
    await watches.create(channel_id="C1", owner_id="U1", level=None, words="", alerts=[("a1", "CPU")], source=staging)
    await watches.create(channel_id="C9", owner_id="U1", level=None, words="", alerts=[("a1", "CPU"), ("a2", "M")])
    assert await watches.watched() == {"a1": Watched(["C1", "C9"], staging), "a2": Watched(["C9"], AlertSource())}
    assert await watches.source_of("a1") == staging
    assert await watches.source_of("a2") == AlertSource()
    assert await watches.source_of("a3") is None


async def test_a_change_is_recorded_once_and_announced_in_order(database: Database) -> None:
    clock = Clock()
    replicas = [AlertIncidents(database, holder=name, clock=clock) for name in ("a", "b")]
    assert await replicas[0].observe("C1", "a1", "NORMAL") is None  # first sight, normal: nothing to say
    seen = await asyncio.gather(*(replica.observe("C1", "a1", "ALERT") for replica in replicas))
    (fired,) = [change for change in seen if change is not None]  # two replicas saw it: one change
    assert (fired.from_state, fired.to_state, fired.seq) == ("NORMAL", "ALERT", 1)
    clock.now += timedelta(minutes=5)
    cleared = await replicas[1].observe("C1", "a1", "NORMAL")
    assert cleared is not None
    assert cleared.seq == 2
    claims = await asyncio.gather(*(replica.claim(LEASE) for replica in replicas))
    assert [c.id for claim in claims for c in claim] == [fired.id]  # the clear waits for the firing
    holder = replicas[0] if claims[0] else replicas[1]
    assert await holder.posting(fired.id)
    await holder.done(fired, message_ts="111.000100", fired_at=fired.seen_at)
    (next_,) = await replicas[0].claim(LEASE)
    assert next_.id == cleared.id
    incident = await replicas[0].incident("C1", "a1")
    assert incident is not None
    assert (incident.state, incident.message_ts, incident.fired_at) == ("NORMAL", "111.000100", fired.seen_at)


async def test_first_sight_of_a_firing_alert_is_a_change(database: Database) -> None:
    incidents = AlertIncidents(database, holder="a")
    change = await incidents.observe("C1", "a1", "ALERT", late=True)
    assert change is not None
    assert (change.from_state, change.to_state, change.late) == ("", "ALERT", True)


async def test_a_dead_holders_claim_is_taken_over_and_a_posting_one_never_posted_again(database: Database) -> None:
    clock = Clock()
    dead = AlertIncidents(database, holder="dead", clock=clock)
    alive = AlertIncidents(database, holder="alive", clock=clock)
    first = await dead.observe("C1", "a1", "ALERT")
    second = await dead.observe("C1", "a2", "ALERT")
    assert first is not None
    assert second is not None
    assert len(await dead.claim(LEASE)) == 2
    assert await dead.posting(second.id)  # it died while posting the second
    assert await alive.claim(LEASE) == []  # leases still run
    clock.now += LEASE + timedelta(seconds=1)
    (taken,) = await alive.claim(LEASE)
    assert taken.id == first.id  # the claimed one is taken over …
    assert not await dead.posting(first.id)  # … and the dead holder may no longer post it
    clock.now += LEASE + timedelta(seconds=1)
    (forsaken,) = await alive.forsake(timedelta(0))
    assert forsaken.id == second.id  # … the posting one is never posted again


async def test_a_watch_may_ask_to_hear_of_no_data(database: Database) -> None:
    watches = AlertWatches(database)
    told = await watches.create(
        channel_id="C1", owner_id="U1", level=None, words="", alerts=[("a1", "CPU")], no_data=True
    )
    await watches.create(channel_id="C2", owner_id="U1", level=None, words="", alerts=[("a1", "CPU")])
    assert told.no_data
    assert [w.no_data for w in await watches.in_channel("C1")] == [True]
    assert await watches.watched() == {"a1": Watched(["C1", "C2"], AlertSource(), {"C1"})}
    assert (await watches.tells_no_data("C1", "a1"), await watches.tells_no_data("C2", "a1")) == (True, False)
    incidents = AlertIncidents(database, holder="a", clock=Clock())
    first = await incidents.observe("C1", "a1", "INSUFFICIENT_DATA", no_data=True)
    assert first is not None  # a first sight with no data is said where it was asked for
    assert (first.from_state, first.to_state) == ("", "INSUFFICIENT_DATA")
    assert await incidents.observe("C2", "a1", "INSUFFICIENT_DATA") is None  # and nowhere else
    assert await incidents.observe("C3", "a1", "ALARM", no_data=True) is None  # an unknown state is no firing


async def test_a_channel_keeps_at_most_its_cap_of_watches(database: Database) -> None:
    watches = AlertWatches(database)

    async def make(channel: str) -> object:
        return await watches.create(
            channel_id=channel, owner_id="U1", level=None, words="", alerts=[("a1", "CPU")], max_per_channel=2
        )

    await make("C1")
    results = await asyncio.gather(*(make("C1") for _ in range(6)), return_exceptions=True)
    refused = [result for result in results if isinstance(result, UserError)]
    assert len(refused) == 5, results
    assert "This channel has 2 alert watches, the most it keeps (ALERT_WATCH_MAX_PER_CHANNEL)" in str(refused[0])
    assert len(await watches.in_channel("C1")) == 2
    await make("C2")
