"""The poll loop against a scripted ShowAlert and the real store (SQLite and PostgreSQL): each change announced
once across replicas and restarts, a deleted alert ends its watch once, an outage delays and marks late but loses
nothing, and the polls are spread over the interval."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.alerting.lookup import AlertLookup
from bot.alerting.watcher import AlertWatcher
from bot.servicewatch.errors import APIConnectionError, NotFoundError
from bot.store import Database
from bot.store.alerts import AlertIncidents, AlertSource, AlertWatches, Change, Dropped


@dataclass
class Detail:
    state: str


@dataclass
class Alerts:
    """ShowAlert as scripted: each alert's state, or the error it answers with."""

    states: dict[str, str] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    async def show(self, source: AlertSource, alert_id: str) -> Detail:
        self.calls.append(alert_id)
        if alert_id in self.errors:
            raise self.errors[alert_id]
        return Detail(self.states[alert_id])


@dataclass
class Announcer:
    """Says each change (posting and done, as the Slack announcer does), and each alert a watch lost."""

    incidents: AlertIncidents
    changes: list[Change] = field(default_factory=list)
    lost: list[tuple[Dropped, str]] = field(default_factory=list)

    async def announce(self, change: Change) -> None:
        if await self.incidents.posting(change.id):
            self.changes.append(change)
            await self.incidents.done(change, message_ts=f"{change.id}.000100")

    async def dropped(self, dropped: Dropped, why: str) -> None:
        self.lost.append((dropped, why))


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def watcher(database: Database, alerts: Alerts, holder: str = "a", *, clock: list[float] | None = None) -> AlertWatcher:
    incidents = AlertIncidents(database, holder=holder)
    now = clock if clock is not None else [0.0]
    watches = AlertWatches(database)
    return AlertWatcher(
        AlertLookup(alerts.show, watches),
        watches,
        incidents,
        Announcer(incidents),
        interval=60,
        sleep=Waits(),
        clock=lambda: now[0],
    )


async def watch(database: Database, channel: str, *alert_ids: str) -> None:
    await AlertWatches(database).create(
        channel_id=channel, owner_id="U1", level=None, words="", alerts=[(a, a.upper()) for a in alert_ids]
    )


async def test_a_change_is_announced_once_across_replicas(database: Database) -> None:
    await watch(database, "C1", "a1", "a2")
    await watch(database, "C2", "a1")
    alerts = Alerts({"a1": "NORMAL", "a2": "NORMAL"})
    replicas = [watcher(database, alerts, name) for name in ("a", "b")]
    await asyncio.gather(*(r.poll_once() for r in replicas))
    assert [r.announcer.changes for r in replicas] == [[], []]  # type: ignore[attr-defined]
    alerts.states["a1"] = "ALERT"
    await asyncio.gather(*(r.poll_once() for r in replicas))
    said = sorted(
        (c.channel_id, c.alert_id, c.to_state)
        for r in replicas
        for c in r.announcer.changes  # type: ignore[attr-defined]
    )
    assert said == [("C1", "a1", "ALERT"), ("C2", "a1", "ALERT")]  # one each channel, whichever replica
    alerts.states["a1"] = "NORMAL"
    restarted = watcher(database, alerts, "c")  # a new process: what it was told is in the database
    await restarted.poll_once()
    assert sorted((c.channel_id, c.to_state) for c in restarted.announcer.changes) == [  # type: ignore[attr-defined]
        ("C1", "NORMAL"),
        ("C2", "NORMAL"),
    ]
    await restarted.poll_once()
    assert len(restarted.announcer.changes) == 2  # type: ignore[attr-defined]


async def test_a_deleted_alert_ends_its_watch_and_is_told_once(database: Database) -> None:
    await watch(database, "C1", "a1")
    alerts = Alerts({"a1": "NORMAL"}, errors={"a1": NotFoundError(status_code=404, detail="gone")})
    replicas = [watcher(database, alerts, name) for name in ("a", "b")]
    await asyncio.gather(*(r.poll_once() for r in replicas))
    told = [d for r in replicas for d in r.announcer.lost]  # type: ignore[attr-defined]
    assert [(d.channel_id, d.watch_ended, why) for d, why in told] == [("C1", True, "deleted")]
    assert await AlertWatches(database).watched() == {}


async def test_an_outage_delays_a_change_and_marks_it_late(database: Database) -> None:
    await watch(database, "C1", "a1")
    alerts = Alerts({"a1": "NORMAL"})
    now = [0.0]
    poller = watcher(database, alerts, clock=now)
    await poller.poll_once()
    alerts.errors["a1"] = APIConnectionError("down")
    alerts.states["a1"] = "ALERT"
    for _round in range(3):
        now[0] += 60
        await poller.poll_once()
    assert poller.announcer.changes == []  # type: ignore[attr-defined]
    del alerts.errors["a1"]
    now[0] += 60
    await poller.poll_once()
    (change,) = poller.announcer.changes  # type: ignore[attr-defined]
    assert (change.to_state, change.late) == ("ALERT", True)


async def test_polls_are_spread_over_the_interval(database: Database) -> None:
    await watch(database, "C1", *(f"a{n}" for n in range(4)))
    alerts = Alerts({f"a{n}": "NORMAL" for n in range(4)})
    poller = watcher(database, alerts)
    await poller.poll_once()
    assert sorted(poller._sleep.seconds) == [15.0, 30.0, 45.0]  # type: ignore[attr-defined]
    assert sorted(alerts.calls) == ["a0", "a1", "a2", "a3"]


class Held:
    """A sleep that never ends until released: a round that is still going."""

    def __init__(self) -> None:
        self.released = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        await self.released.wait()


@dataclass
class Told(Announcer):
    told: asyncio.Event = field(default_factory=asyncio.Event)

    async def announce(self, change: Change) -> None:
        await super().announce(change)
        self.told.set()


async def test_a_change_is_announced_while_the_round_is_still_going(database: Database) -> None:
    await watch(database, "C1", "a0", "a1")  # a0 is asked at once, a1 half an interval later
    alerts = Alerts({"a0": "ALERT", "a1": "NORMAL"})
    incidents = AlertIncidents(database, holder="a")
    announcer = Told(incidents)
    held = Held()
    watches = AlertWatches(database)
    poller = AlertWatcher(AlertLookup(alerts.show, watches), watches, incidents, announcer, interval=3600, sleep=held)
    running = asyncio.create_task(poller.run())
    try:
        async with asyncio.timeout(10):
            await announcer.told.wait()
        assert [(c.alert_id, c.to_state) for c in announcer.changes] == [("a0", "ALERT")]
        assert alerts.calls == ["a0"]  # the round has not reached a1: it is announced mid-round
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_more_changes_than_one_claim_are_all_announced(database: Database) -> None:
    ids = [f"a{n:03}" for n in range(120)]  # claims come 50 at a time
    await watch(database, "C1", *ids)
    alerts = Alerts(dict.fromkeys(ids, "ALERT"))
    poller = watcher(database, alerts)
    await poller.poll_once()
    assert sorted(c.alert_id for c in poller.announcer.changes) == ids  # type: ignore[attr-defined]


async def test_alerts_of_a_workspace_the_app_left_are_not_asked_about(database: Database) -> None:
    alerts = Alerts(states={"a1": "NORMAL", "a2": "NORMAL"})
    installed = {"T1"}

    async def present(workspace: str) -> bool:
        return workspace in installed

    incidents = AlertIncidents(database, holder="a")
    watches = AlertWatches(database)
    poller = AlertWatcher(
        AlertLookup(alerts.show, watches), watches, incidents, Announcer(incidents), interval=60, sleep=Waits(),
        present=present,
    )  # fmt: skip
    for team, alert_id in (("T1", "a1"), ("T2", "a2")):
        await AlertWatches(database).create(
            channel_id=f"C{team}", owner_id="U1", level=None, words="", alerts=[(alert_id, "A")],
            source=AlertSource(team),
        )  # fmt: skip
    await poller.poll_once()
    assert alerts.calls == ["a1"]
    installed.add("T2")  # installed again: its alerts are asked about at the next round
    await poller.poll_once()
    assert sorted(alerts.calls) == ["a1", "a1", "a2"]
