"""Pending requests on SQLite and PostgreSQL: a request whose process is alive is never an orphan, however long
it waits; once its process stops renewing, another process takes it over, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import Database
from bot.store.pending import PendingRequests

AGE = timedelta(minutes=2)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_a_waiting_request_of_a_live_process_is_not_taken_over(database: Database) -> None:
    clock = Clock()
    a = PendingRequests(database, holder="a", lease=AGE, clock=clock)
    b = PendingRequests(database, holder="b", lease=AGE, clock=clock)
    request_id = await a.add(text="lag", user_id="U1", channel_id="C1", thread_ts=None, response_url=None)
    for _ in range(5):  # ten minutes in the upload queue, a renewing all along
        clock.now += timedelta(minutes=1)
        assert await a.renew_all() == 1
        clock.now += timedelta(minutes=1)
        assert await b.orphans(AGE) == []
    clock.now += AGE + timedelta(seconds=1)  # a stopped renewing: it died
    (orphan,) = await b.orphans(AGE)
    assert (orphan.id, orphan.holder, orphan.text) == (request_id, "a", "lag")
    assert await b.orphans(AGE) == []  # taken over once: b holds it now, with a fresh lease
    assert await a.renew_all() == 0  # a is no longer its holder


async def test_a_request_is_not_an_orphan_before_the_orphan_age(database: Database) -> None:
    clock = Clock()
    a = PendingRequests(database, holder="a", lease=timedelta(seconds=10), clock=clock)
    b = PendingRequests(database, holder="b", lease=timedelta(seconds=10), clock=clock)
    await a.add(text="lag", user_id="U1", channel_id="C1", thread_ts=None, response_url=None)
    clock.now += timedelta(seconds=30)  # the lease ran out, but the request is younger than the orphan age
    assert await b.orphans(AGE) == []
    clock.now += AGE
    assert len(await b.orphans(AGE)) == 1


async def test_only_the_live_holder_may_post_or_end_a_request(database: Database) -> None:
    """A replica whose request was taken over (it hung past its lease) must not post it, nor delete the new
    holder's note when it finally finishes."""
    clock = Clock()
    a = PendingRequests(database, holder="a", lease=AGE, clock=clock)
    b = PendingRequests(database, holder="b", lease=AGE, clock=clock)
    request_id = await a.add(text="lag", user_id="U1", channel_id="C1", thread_ts=None, response_url=None)
    clock.now += AGE * 2  # a hung: no renewal
    (orphan,) = await b.orphans(AGE)
    assert orphan.id == request_id
    assert not await a.posting(request_id)  # a lost it: it does not post
    await a.done(request_id)  # … and its clean-up leaves b's note alone
    clock.now += AGE * 2
    c = PendingRequests(database, holder="c", lease=AGE, clock=clock)
    assert await b.renew_all() == 1  # still there, still b's
    assert await b.posting(request_id)
    assert not await b.posting(request_id)  # once
    await b.done(request_id)
    assert await c.orphans(timedelta(0)) == []
