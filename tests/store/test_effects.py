"""Changes keyed by their request, on SQLite and PostgreSQL: the change and its key commit together or not at all,
and the second attempt of the same request (even at the same moment, on another replica) changes nothing."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import AlreadyDone
from bot.store import Database, SavedCharts
from bot.store.effects import RequestEffects
from bot.store.schedules import AlreadyScheduled, NewSchedule, Schedule, Schedules


def new_schedule(channel: str = "C1") -> NewSchedule:
    return NewSchedule(
        channel_id=channel,
        owner_id="U1",
        label="cpu",
        chart_text="cpu",
        when_text="every 1h",
        interval_seconds=3600,
        cron=None,
        timezone="UTC",
        thread_ts=None,
        ends_at=None,
    )


async def test_a_request_creates_at_most_one_schedule_even_at_the_same_moment(database: Database) -> None:
    schedules = Schedules(database)
    outcomes = await asyncio.gather(
        *(schedules.create(new_schedule(), max_per_channel=25, request_key="request:1") for _ in range(4)),
        return_exceptions=True,
    )
    made = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(made) == 1
    assert all(isinstance(o, AlreadyDone) for o in outcomes if isinstance(o, BaseException))
    assert len(await schedules.all()) == 1


async def test_a_refused_change_leaves_no_key_behind(database: Database) -> None:
    """The key is written in the change's transaction: when the change is refused, the request may try again."""
    saved = SavedCharts(database)
    await saved.save("C1", "web", "cpu", "U1", is_admin=False)
    with pytest.raises(Exception, match="only they or an admin"):
        await saved.save("C1", "web", "lag", "U2", is_admin=False, request_key="request:2")
    assert await RequestEffects(database).earlier("request:2") is None


async def test_the_answer_is_kept_with_the_key(database: Database) -> None:
    effects = RequestEffects(database)
    await SavedCharts(database).save("C1", "web", "cpu", "U1", is_admin=False, request_key="request:3")
    earlier = await effects.earlier("request:3")
    assert earlier is not None
    assert earlier.answer is None
    await effects.answered("request:3", "Saved `web`.")
    earlier = await effects.earlier("request:3")
    assert earlier is not None
    assert earlier.answer == "Saved `web`."
    await effects.answered("request:4", "nothing")  # a request that changed nothing leaves nothing
    assert await effects.earlier("request:4") is None


async def test_the_same_schedule_asked_for_30_times_at_once_is_made_once(database: Database) -> None:
    """The duplicate check and the insert are one step under the channel's lock (issue 26): different requests
    for the same schedule at the same moment make one, and the others are told which it is."""
    schedules = Schedules(database)

    def twin(here: list[Schedule]) -> Schedule | None:
        return next((s for s in here if s.chart_text == new_schedule().chart_text), None)

    outcomes = await asyncio.gather(
        *(
            schedules.create(new_schedule(), max_per_channel=25, request_key=f"request:{n}", twin=twin)
            for n in range(30)
        ),
        return_exceptions=True,
    )
    made = [o for o in outcomes if isinstance(o, Schedule)]
    assert len(made) == 1
    assert [o.schedule.id for o in outcomes if isinstance(o, AlreadyScheduled)] == [made[0].id] * 29
    assert len(await schedules.all()) == 1
