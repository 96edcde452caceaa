"""The run log's statements, built once with their values bound at execution: a storm of runs executes them
thousands of times a minute, and building a statement (and its cache key) anew each time cost more than running it."""

from __future__ import annotations

from typing import cast

from sqlalchemy import BindParameter, Column, Insert, Select, Table, Update, bindparam, literal, select, update

from bot.store.db import insert_unless_present
from bot.store.tables import ScheduleRow, ScheduleRunRow

CLAIMED, POSTING, POSTED, FAILED, UNKNOWN, SKIPPED = "claimed", "posting", "posted", "failed", "unknown", "skipped"
# The declarative classes' tables, for Core statements.
RUNS = cast(Table, ScheduleRunRow.__table__)
SCHEDULES = cast(Table, ScheduleRow.__table__)


def _value(name: str, column: Column[object]) -> BindParameter[object]:
    """A value given at execution (`name`: p_…, apart from any column's name), typed as `column` (SQLite stores
    datetimes as text)."""
    return bindparam(name, type_=column.type)


def new_claim(dialect: str) -> Insert:
    """A new run's row, only while its schedule exists and kept from being deleted until the statement commits (a
    replica may fire a schedule deleted elsewhere before it syncs: taken or gone, the insert adds nothing and is no
    error); returns the new row's id. Parameters: id, slot, holder, lease, now."""
    values = select(
        SCHEDULES.c.id,
        _value("p_slot", RUNS.c.scheduled_for),
        literal(CLAIMED, RUNS.c.status.type),
        _value("p_holder", RUNS.c.holder),
        _value("p_lease", RUNS.c.lease_until),
        _value("p_now", RUNS.c.started_at),
    ).where(SCHEDULES.c.id == bindparam("p_id"))
    columns = ["schedule_id", "scheduled_for", "status", "holder", "lease_until", "started_at"]
    inserted = insert_unless_present(dialect, RUNS).from_select(
        columns, values.with_for_update(read=True, key_share=True)
    )
    return inserted.returning(RUNS.c.id)


def _the_run(*statuses: str) -> Update:
    """An update of the run (id, slot) while it is in one of `statuses`."""
    return update(RUNS).where(
        RUNS.c.schedule_id == bindparam("p_id"),
        RUNS.c.scheduled_for == bindparam("p_slot"),
        RUNS.c.status.in_(statuses),
    )


# A claim whose holder stopped renewing before posting (it died) passes to this holder. Parameters: id, slot, holder,
# lease, now.
TAKE_OVER: Update = (
    _the_run(CLAIMED)
    .where(RUNS.c.lease_until < bindparam("p_now"))
    .values(
        holder=_value("p_holder", RUNS.c.holder),
        lease_until=_value("p_lease", RUNS.c.lease_until),
        started_at=_value("p_now", RUNS.c.started_at),
    )
)
# The schedule as it is now. Parameter: id.
SCHEDULE: Select[tuple[object, ...]] = select(SCHEDULES).where(SCHEDULES.c.id == bindparam("p_id"))
# The one step after which a run is never taken over. Parameters: id, slot, holder, lease.
START_POSTING: Update = (
    _the_run(CLAIMED)
    .where(RUNS.c.holder == bindparam("p_holder"))
    .values(status=POSTING, lease_until=_value("p_lease", RUNS.c.lease_until))
)
# The run's result, if the run is still the holder's. Parameters: id, slot, holder, status, file_id, detail, now.
FINISH: Update = (
    _the_run(CLAIMED, POSTING)
    .where(RUNS.c.holder == bindparam("p_holder"))
    .values(
        status=_value("p_status", RUNS.c.status),
        file_id=_value("p_file_id", RUNS.c.file_id),
        detail=_value("p_detail", RUNS.c.detail),
        finished_at=_value("p_now", RUNS.c.finished_at),
    )
)
# A run that went well, on its schedule (failures go through `Schedules.record`). Parameters: id, slot, status,
# detail, now.
NOTE: Update = (
    update(SCHEDULES)
    .where(SCHEDULES.c.id == bindparam("p_id"))
    .values(
        last_run_at=_value("p_slot", SCHEDULES.c.last_run_at),
        last_status=_value("p_status", SCHEDULES.c.last_status),
        last_detail=_value("p_detail", SCHEDULES.c.last_detail),
        consecutive_failures=0,
        updated_at=_value("p_now", SCHEDULES.c.updated_at),
    )
)


def finish_and_note(dialect: str) -> Update | None:
    """FINISH and, when it matched, NOTE, as one statement returning the schedule's id: on PostgreSQL (a data-changing
    WITH); None elsewhere (SQLite runs the two in a transaction). Parameters: those of FINISH."""
    if dialect != "postgresql":
        return None
    finished = FINISH.returning(RUNS.c.schedule_id).cte("finished")
    return NOTE.where(SCHEDULES.c.id == finished.c.schedule_id).returning(SCHEDULES.c.id)
