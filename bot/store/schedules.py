"""Schedules and their run log. A run is claimed by (schedule id, scheduled time) under a unique constraint
before anything is called; a claim carries a lease its holder renews, so a dead holder's run can be taken
over; only the holder of a live claim may start posting it, so a run is posted at most once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.errors import UserError
from bot.store.db import Database, as_utc, lock_for_writing
from bot.store.effects import once
from bot.store.run_steps import (
    CLAIMED,
    FAILED,
    FINISH,
    NOTE,
    POSTED,
    POSTING,
    RUNS,
    SCHEDULE,
    SCHEDULES,
    SKIPPED,
    START_POSTING,
    TAKE_OVER,
    UNKNOWN,
    finish_and_note,
    new_claim,
)
from bot.store.tables import ScheduleRow, ScheduleRunRow

__all__ = [  # the run statuses (from run_steps) are this module's too
    "CLAIMED", "FAILED", "POSTED", "POSTING", "SKIPPED", "UNKNOWN", "NewSchedule", "Run", "RunLog", "Schedule",
    "Schedules",
]  # fmt: skip


@dataclass(frozen=True)
class Schedule:
    id: int
    channel_id: str
    thread_ts: str | None
    owner_id: str
    label: str
    chart_text: str
    when_text: str
    interval_seconds: int | None
    cron: str | None
    timezone: str
    anchor: datetime
    ends_at: datetime | None
    paused: bool
    paused_reason: str | None
    consecutive_failures: int
    last_run_at: datetime | None
    last_status: str | None
    last_detail: str | None
    version: int
    workspace: str = ""  # the Slack workspace posted into (bot/slack/workspaces.py)

    @property
    def is_follow(self) -> bool:
        return self.thread_ts is not None and self.ends_at is not None


@dataclass(frozen=True)
class NewSchedule:
    channel_id: str
    owner_id: str
    label: str
    chart_text: str
    when_text: str
    interval_seconds: int | None
    cron: str | None
    timezone: str
    thread_ts: str | None = None
    ends_at: datetime | None = None
    workspace: str = ""


@dataclass(frozen=True)
class Run:
    schedule_id: int
    scheduled_for: datetime
    status: str
    holder: str
    file_id: str | None
    detail: str | None


def _schedule(row: Any) -> Schedule:
    """A Schedule from an ORM row or a Core row (both have the columns as attributes)."""
    values = {field.name: getattr(row, field.name) for field in fields(Schedule)}
    for key in ("anchor", "ends_at", "last_run_at"):
        values[key] = as_utc(values[key]) if values[key] is not None else None
    return Schedule(**values)


def _run(row: ScheduleRunRow) -> Run:
    return Run(row.schedule_id, as_utc(row.scheduled_for), row.status, row.holder, row.file_id, row.detail)


class AlreadyScheduled(Exception):
    """The schedule asked for is the channel's `schedule` already."""

    def __init__(self, schedule: Schedule) -> None:
        super().__init__(f"already schedule #{schedule.id}")
        self.schedule = schedule


class Schedules:
    """Schedules, one row each; `version` grows with every change so replicas see what changed."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = database.engine
        self._sessions = database.sessions
        self._clock = clock

    async def create(
        self,
        new: NewSchedule,
        *,
        max_per_channel: int,
        request_key: str | None = None,
        twin: Callable[[list[Schedule]], Schedule | None] | None = None,
    ) -> Schedule:
        """Add a schedule; UserError when the channel already has `max_per_channel`, AlreadyScheduled when `twin`
        finds the same one among the channel's. Both are asked under a lock on the channel, so creates racing for its
        last place, or the same schedule asked for at once, do not both get it. With `request_key`, at most once for
        that request."""
        now = self._clock()
        async with self._sessions.begin() as session:
            await lock_for_writing(session, f"schedules in {new.channel_id}")  # first: SQLite's BEGIN IMMEDIATE
            await once(session, request_key, now)
            rows = await session.scalars(
                select(ScheduleRow).where(ScheduleRow.channel_id == new.channel_id).order_by(ScheduleRow.id)
            )
            here = [_schedule(r) for r in rows]
            found = twin(here) if twin is not None else None
            if found is not None:
                raise AlreadyScheduled(found)
            count = len(here)
            if (count or 0) >= max_per_channel:
                raise UserError(
                    f"This channel has {count} schedules, the most allowed (SCHEDULE_MAX_PER_CHANNEL); "
                    "delete one first (`schedules` lists them)."
                )
            row = ScheduleRow(
                **vars(new), anchor=now.replace(microsecond=0), paused=False, consecutive_failures=0, version=1,
                created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(row)
            await session.flush()
            return _schedule(row)

    async def get(self, schedule_id: int) -> Schedule | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(SCHEDULES).where(SCHEDULES.c.id == schedule_id))).first()
            return _schedule(row) if row else None

    async def all(self) -> list[Schedule]:
        async with self._engine.connect() as connection:
            return [_schedule(row) for row in await connection.execute(select(SCHEDULES).order_by(SCHEDULES.c.id))]

    async def signature(self) -> tuple[int, int, int]:
        """(count, sum of versions, highest id): changes whenever a schedule is created, changed or deleted
        (versions only grow and ids are never reused), so a replica can tell with one row whether to re-read."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(
                        func.count(),
                        func.coalesce(func.sum(SCHEDULES.c.version), 0),
                        func.coalesce(func.max(SCHEDULES.c.id), 0),
                    )
                )
            ).one()
            return int(row[0]), int(row[1]), int(row[2])

    async def versions(self) -> dict[int, int]:
        """Every schedule's id and version."""
        async with self._engine.connect() as connection:
            rows = await connection.execute(select(SCHEDULES.c.id, SCHEDULES.c.version))
            return {int(row[0]): int(row[1]) for row in rows}

    async def many(self, ids: list[int]) -> list[Schedule]:
        """The schedules with these ids (in chunks: databases limit how many values one statement may carry)."""
        found: list[Schedule] = []
        async with self._engine.connect() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = await connection.execute(select(SCHEDULES).where(SCHEDULES.c.id.in_(chunk)))
                found.extend(_schedule(row) for row in rows)
        return sorted(found, key=lambda schedule: schedule.id)

    async def in_channel(self, channel_id: str) -> list[Schedule]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ScheduleRow).where(ScheduleRow.channel_id == channel_id).order_by(ScheduleRow.id)
            )
            return [_schedule(r) for r in rows]

    async def owned_by(self, user_id: str) -> list[Schedule]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ScheduleRow).where(ScheduleRow.owner_id == user_id).order_by(ScheduleRow.id)
            )
            return [_schedule(r) for r in rows]

    async def _change(self, schedule_id: int, request_key: str | None = None, **values: object) -> Schedule | None:
        async with self._sessions.begin() as session:
            await once(session, request_key, self._clock())
            row = await session.get(ScheduleRow, schedule_id, with_for_update=True)
            if row is None:
                return None
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            row.updated_at = self._clock()
            await session.flush()
            return _schedule(row)

    async def set_paused(
        self, schedule_id: int, paused: bool, reason: str | None = None, *, request_key: str | None = None
    ) -> Schedule | None:
        """Pause or resume; with `request_key`, at most once for that request."""
        values: dict[str, object] = {"paused": paused, "paused_reason": reason if paused else None}
        if not paused:
            values["consecutive_failures"] = 0
        return await self._change(schedule_id, request_key, **values)

    async def pause_workspace(self, workspace: str, reason: str) -> int:
        """Pause every running schedule of a workspace (its app was uninstalled); returns how many. `reason` marks
        them, so `resume_workspace` resumes those and not the ones people paused."""
        return await self._set_workspace_paused(workspace, reason, paused=True)

    async def resume_workspace(self, workspace: str, reason: str) -> int:
        """Resume the schedules `pause_workspace` paused with `reason` (the app was installed again)."""
        return await self._set_workspace_paused(workspace, reason, paused=False)

    async def _set_workspace_paused(self, workspace: str, reason: str, *, paused: bool) -> int:
        now = self._clock()
        which = (
            ScheduleRow.paused.is_(False)
            if paused
            else (ScheduleRow.paused.is_(True) & (ScheduleRow.paused_reason == reason))
        )
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(ScheduleRow)
                .where(ScheduleRow.workspace == workspace, which)
                .values(
                    paused=paused,
                    paused_reason=reason if paused else None,
                    version=ScheduleRow.version + 1,
                    updated_at=now,
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def delete(self, *schedule_ids: int, request_key: str | None = None) -> int:
        """Delete these schedules in one transaction; with `request_key`, at most once for that request. Returns
        how many there were."""
        async with self._sessions.begin() as session:
            await once(session, request_key, self._clock())
            result = await session.execute(delete(ScheduleRow).where(ScheduleRow.id.in_(schedule_ids)))
            return int(getattr(result, "rowcount", 0) or 0)

    async def follows_in_thread(self, channel_id: str, thread_ts: str) -> list[Schedule]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ScheduleRow).where(
                    ScheduleRow.channel_id == channel_id,
                    ScheduleRow.thread_ts == thread_ts,
                    ScheduleRow.ends_at.is_not(None),
                )
            )
            return [_schedule(r) for r in rows]

    async def record(
        self, schedule_id: int, slot: datetime, status: str, detail: str | None, *, pause_after: int
    ) -> Schedule | None:
        """Note a run's result; the `pause_after`-th failure in a row pauses the schedule (returned paused)."""
        async with self._sessions.begin() as session:
            row = await session.get(ScheduleRow, schedule_id, with_for_update=True)
            if row is None:
                return None
            row.last_run_at, row.last_status, row.last_detail = slot.astimezone(UTC), status, detail
            row.consecutive_failures = row.consecutive_failures + 1 if status == FAILED else 0
            if status == FAILED and row.consecutive_failures >= pause_after and not row.paused:
                row.paused = True
                row.paused_reason = f"{row.consecutive_failures} failed runs in a row; the last: {detail}"
                row.version += 1
            row.updated_at = self._clock()
            await session.flush()
            return _schedule(row)


class RunLog:
    """Claims, leases and results of runs. The steps of a run are statements built once (bot/store/run_steps.py): a
    storm of runs is thousands of them a minute, and the ORM's unit of work would cost more than the statements."""

    def __init__(
        self, database: Database, *, holder: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._engine = database.engine
        self._single = database.single_statements
        self._sessions = database.sessions
        self._new_claim = new_claim(database.engine.dialect.name)
        self._finish_and_note = finish_and_note(database.engine.dialect.name)
        self.holder = holder
        self._clock = clock

    async def claim(self, schedule_id: int, slot: datetime, lease: timedelta) -> Schedule | None:
        """Take the run (schedule, slot) and read its schedule as it is now: the schedule when this holder now has
        the run, new or taken over from a holder whose lease ran out before it started posting; None when not (held,
        posted, or the schedule is gone). Each statement is atomic by itself, so none needs a transaction around it."""
        now = self._clock()
        run = {"p_id": schedule_id, "p_slot": slot.astimezone(UTC), "p_holder": self.holder, "p_lease": now + lease}
        async with self._single.begin() as connection:
            taken = (await connection.execute(self._new_claim, {**run, "p_now": now})).first() is not None
            if not taken:
                taken = bool((await connection.execute(TAKE_OVER, {**run, "p_now": now})).rowcount)
            row = (await connection.execute(SCHEDULE, {"p_id": schedule_id})).first() if taken else None
            return _schedule(row) if row is not None else None

    async def renew_all(self, lease: timedelta) -> int:
        """Extend the lease of every run this holder is drawing or posting (one statement however many: a storm
        of runs waiting for Slack costs one write per renewal). Returns how many are still ours."""
        async with self._single.begin() as connection:
            result = await connection.execute(
                update(RUNS)
                .where(RUNS.c.holder == self.holder, RUNS.c.status.in_((CLAIMED, POSTING)))
                .values(lease_until=self._clock() + lease)
            )
            return int(result.rowcount)

    async def start_posting(self, schedule_id: int, slot: datetime, lease: timedelta) -> bool:
        """The one step after which a run is never taken over: only the live claim's holder gets True."""
        run = {"p_id": schedule_id, "p_slot": slot.astimezone(UTC), "p_holder": self.holder}
        async with self._single.begin() as connection:
            return bool((await connection.execute(START_POSTING, {**run, "p_lease": self._clock() + lease})).rowcount)

    async def finish(
        self, schedule_id: int, slot: datetime, status: str, *, file_id: str | None = None, detail: str | None = None
    ) -> bool:
        """Record the run's result, if the run is still this holder's."""
        async with self._single.begin() as connection:
            return bool(
                (await connection.execute(FINISH, self._result(schedule_id, slot, status, file_id, detail))).rowcount
            )

    async def finish_and_note(
        self, schedule_id: int, slot: datetime, status: str, *, file_id: str | None = None, detail: str | None = None
    ) -> bool:
        """`finish`, and in the same transaction the schedule's last result, when it went well (a failure goes
        through `Schedules.record`, which counts failures in a row and may pause the schedule)."""
        result = self._result(schedule_id, slot, status, file_id, detail)
        if self._finish_and_note is not None:  # one statement: no transaction needed around it
            async with self._single.begin() as connection:
                return (await connection.execute(self._finish_and_note, result)).first() is not None
        async with self._engine.begin() as connection:
            if not (await connection.execute(FINISH, result)).rowcount:
                return False
            await connection.execute(NOTE, result)
            return True

    def _result(
        self, schedule_id: int, slot: datetime, status: str, file_id: str | None, detail: str | None
    ) -> dict[str, object]:
        """The parameters of FINISH and NOTE."""
        return {
            "p_id": schedule_id, "p_slot": slot.astimezone(UTC), "p_holder": self.holder, "p_status": status,
            "p_file_id": file_id, "p_detail": detail, "p_now": self._clock(),
        }  # fmt: skip

    async def stale_claims(self, since: datetime) -> list[Run]:
        """Claims whose holder stopped renewing before posting (it died), for runs scheduled after `since`."""
        now = self._clock()
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ScheduleRunRow).where(
                    ScheduleRunRow.status == CLAIMED,
                    ScheduleRunRow.lease_until < now,
                    ScheduleRunRow.scheduled_for >= since,
                )
            )
            return [_run(row) for row in rows]

    async def abandoned_posts(self) -> list[Run]:
        """Runs whose holder died while posting: marked `unknown` (never posted again) and returned once."""
        now = self._clock()
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(ScheduleRunRow)
                    .where(ScheduleRunRow.status == POSTING, ScheduleRunRow.lease_until < now)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.status, row.finished_at = UNKNOWN, now
                row.detail = "the bot stopped while posting; the chart may or may not be there"
            return [_run(row) for row in rows]

    async def runs(self, schedule_id: int | None = None) -> list[Run]:
        async with self._sessions() as session:
            query = select(ScheduleRunRow).order_by(ScheduleRunRow.schedule_id, ScheduleRunRow.scheduled_for)
            if schedule_id is not None:
                query = query.where(ScheduleRunRow.schedule_id == schedule_id)
            return [_run(row) for row in await session.scalars(query)]
