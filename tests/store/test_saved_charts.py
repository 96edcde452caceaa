"""Saved charts on SQLite and PostgreSQL: round trip, ownership, channel scope, migrations."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from bot.errors import UserError
from bot.markup import mention
from bot.store import Database, SavedCharts

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def store(db: Database, now: list[datetime]) -> SavedCharts:
    return SavedCharts(db, clock=lambda: now[0])


async def test_round_trip(database: Database) -> None:
    now = [T0]
    charts = store(database, now)
    saved, created = await charts.save("C1", "web-cpu", '"CPU Usage/Core[Basic]" last 3h', "U1", is_admin=False)
    assert created
    got = await charts.get("C1", "web-cpu")
    assert got == saved
    assert got is not None
    assert got.text == '"CPU Usage/Core[Basic]" last 3h'
    assert (got.owner_id, got.created_at, got.updated_at) == ("U1", T0, T0)
    assert await charts.get("C2", "web-cpu") is None  # another channel's


async def test_owner_or_admin_change_and_forget(database: Database) -> None:
    now = [T0]
    charts = store(database, now)
    await charts.save("C1", "web-cpu", "cpu 3h", "U1", is_admin=False)
    with pytest.raises(
        UserError, match=re.escape(f"`web-cpu` is {mention('U1')}'s saved chart; only they or an admin can change it")
    ):
        await charts.save("C1", "web-cpu", "cpu 6h", "U2", is_admin=False)
    now[0] = T0 + timedelta(minutes=5)
    updated, created = await charts.save("C1", "web-cpu", "cpu 6h", "U1", is_admin=False)
    assert not created
    assert (updated.text, updated.created_at, updated.updated_at, updated.owner_id) == ("cpu 6h", T0, now[0], "U1")
    by_admin, _ = await charts.save("C1", "web-cpu", "cpu 12h", "U9", is_admin=True)
    assert (by_admin.text, by_admin.owner_id) == ("cpu 12h", "U1")  # an admin's edit keeps the owner
    with pytest.raises(UserError, match="only they or an admin can forget it"):
        await charts.forget("C1", "web-cpu", "U2", is_admin=False)
    gone = await charts.forget("C1", "web-cpu", "U9", is_admin=True)
    assert gone.name == "web-cpu"
    with pytest.raises(UserError, match="There is no saved chart `web-cpu` in this channel"):
        await charts.forget("C1", "web-cpu", "U1", is_admin=False)


async def test_listing_is_per_channel_and_sorted(database: Database) -> None:
    charts = store(database, [T0])
    for name in ("zeta", "alpha", "mid"):
        await charts.save("C1", name, "cpu", "U1", is_admin=False)
    await charts.save("C2", "other", "cpu", "U1", is_admin=False)
    assert [c.name for c in await charts.in_channel("C1")] == ["alpha", "mid", "zeta"]
    assert [c.name for c in await charts.in_channel("C3")] == []


async def test_migrations_are_idempotent(database: Database) -> None:
    await database.migrate()
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert {"saved_charts", "alembic_version"} <= set(tables)


async def test_a_channel_keeps_at_most_its_cap_of_saved_charts(database: Database) -> None:
    charts = SavedCharts(database, clock=lambda: T0, max_per_channel=3)
    for name in ("a", "b", "c"):
        await charts.save("C1", name, "cpu 3h", "U1", is_admin=False)
    with pytest.raises(UserError) as refused:
        await charts.save("C1", "d", "cpu 3h", "U1", is_admin=False)
    assert str(refused.value).startswith(
        "This channel has 3 saved charts, the most it keeps (SAVED_CHART_MAX_PER_CHANNEL); forget one first with "
        "`forget NAME` (`saved` lists them)"
    )
    assert (await charts.save("C1", "b", "cpu 6h", "U1", is_admin=False))[1] is False  # a replacement is no new one
    await charts.save("C2", "d", "cpu 3h", "U1", is_admin=False)  # another channel's count
    await charts.forget("C1", "a", "U1", is_admin=False)
    await charts.save("C1", "d", "cpu 3h", "U1", is_admin=False)


async def test_saves_racing_for_the_last_places_stop_exactly_at_the_cap(database: Database) -> None:
    charts = SavedCharts(database, clock=lambda: T0, max_per_channel=4)
    await charts.save("C1", "first", "cpu 3h", "U1", is_admin=False)
    results = await asyncio.gather(
        *(charts.save("C1", f"n{n}", "cpu 3h", "U1", is_admin=False) for n in range(12)), return_exceptions=True
    )
    refused = [result for result in results if isinstance(result, UserError)]
    assert len(refused) == 9, results
    assert all("This channel has 4 saved charts, the most it keeps" in str(error) for error in refused)
    assert len(await charts.in_channel("C1")) == 4
