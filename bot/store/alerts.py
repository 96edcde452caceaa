"""Alert watches and what each channel is told of its alerts, exactly once.

A poll that sees an alert's state differ from what a channel was last told records a change in the same statement
that moves the channel's state on (`observe`: a conditional update, so two replicas seeing the same change make one);
the change is then claimed with a lease by the replica that announces it, marked posting just before it is posted
(a claim whose holder died is taken over; one cut off while posting is never posted again), and done with the
message it made. Changes of one alert in one channel are announced in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts.alerts import SILENT, is_firing, state_kind
from bot.errors import UserError
from bot.i18n import _
from bot.markup import marked
from bot.store.db import Database, as_utc, insert_unless_present, lock_for_writing
from bot.store.effects import once
from bot.store.tables import AlertChangeRow, AlertIncidentRow, AlertWatchItemRow, AlertWatchRow

PENDING, CLAIMED, POSTING, DONE, UNKNOWN = "pending", "claimed", "posting", "done", "unknown"
INCIDENTS = cast(Table, AlertIncidentRow.__table__)
CHANGES = cast(Table, AlertChangeRow.__table__)


class AlertSource(NamedTuple):
    """Whose alerts: the Slack workspace a watch posts into, and the SCP account its alerts are read with ("": the
    environment's keys or the sandbox)."""

    workspace: str = ""
    account: str = ""


OWN_KEYS = AlertSource()  # the single-workspace setup, read with the environment's keys (or the sandbox)


@dataclass(frozen=True)
class Watched:
    """A watched alert: the channels watching it, the account it is read with (its first watch's), and the channels
    of those that asked to be told when it has no data."""

    channels: list[str]
    source: AlertSource
    no_data: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Watch:
    id: int
    channel_id: str
    owner_id: str
    level: str | None
    words: str
    alerts: tuple[tuple[str, str], ...]  # (id, name) of each alert still watched
    created_at: datetime
    no_data: bool = False  # the channel is told when an alert has no data (INSUFFICIENT_DATA)


@dataclass(frozen=True)
class Change:
    """A state change of `alert_id` to announce in `channel_id`; `from_state` "" when the channel saw it first."""

    id: int
    channel_id: str
    alert_id: str
    seq: int
    from_state: str
    to_state: str
    seen_at: datetime
    late: bool


@dataclass(frozen=True)
class Incident:
    """What `channel_id` was last told of `alert_id`, and the message of its current (or last) incident."""

    channel_id: str
    alert_id: str
    state: str
    seq: int
    message_ts: str | None
    fired_at: datetime | None
    cleared_at: datetime | None
    muted_until: datetime | None = None  # the channel muted the alert's firings until then

    def muted(self, at: datetime) -> bool:
        """Whether the channel has muted the alert's firings at `at`."""
        return self.muted_until is not None and at < self.muted_until


@dataclass(frozen=True)
class Dropped:
    """An alert taken off a watch (deleted, or no longer readable): who to tell, and whether the watch ended."""

    watch_id: int
    channel_id: str
    owner_id: str
    alert_name: str
    watch_ended: bool


class AlertWatches:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = database.sessions
        self._clock = clock

    async def create(
        self,
        *,
        channel_id: str,
        owner_id: str,
        level: str | None,
        words: str,
        alerts: Sequence[tuple[str, str]],
        request_key: str | None = None,
        source: AlertSource = OWN_KEYS,
        no_data: bool = False,
        max_per_channel: int | None = None,
    ) -> Watch:
        """A watch of `alerts` (id, name) for the channel, read with `source`'s account and posted into its workspace
        (`no_data`: also told when an alert has no data), made at most once per request; UserError when the channel
        has `max_per_channel` already (counted under a lock on the channel, so racing creates do not both get its last
        place)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            await lock_for_writing(session, f"alert watches in {channel_id}")  # first: SQLite's BEGIN IMMEDIATE
            await once(session, request_key, now)
            if max_per_channel is not None:
                await _refuse_past_cap(session, channel_id, max_per_channel)
            row = AlertWatchRow(
                channel_id=channel_id,
                owner_id=owner_id,
                level=level,
                words=words,
                created_at=now,
                workspace=source.workspace,
                account=source.account,
                no_data=no_data,
            )
            session.add(row)
            await session.flush()
            for alert_id, name in dict(alerts).items():
                session.add(AlertWatchItemRow(watch_id=row.id, alert_id=alert_id, alert_name=name[:200]))
            return Watch(row.id, channel_id, owner_id, level, words, tuple(dict(alerts).items()), now, no_data)

    async def workspace_of(self, channel_id: str) -> str:
        """The workspace a channel's watches post into ("" for the single-workspace setup, or when none is left)."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(AlertWatchRow.workspace).where(AlertWatchRow.channel_id == channel_id).limit(1)
            )
            return found or ""

    async def refuse_past_cap(self, channel_id: str, most: int) -> None:
        """The refusal `create` would give now (early, before the alerts are looked for; `create` counts again)."""
        async with self._sessions() as session:
            await _refuse_past_cap(session, channel_id, most)

    async def in_channel(self, channel_id: str) -> list[Watch]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(AlertWatchRow).where(AlertWatchRow.channel_id == channel_id).order_by(AlertWatchRow.id)
                )
            ).scalars()
            return [await self._watch(session, row) for row in rows]

    async def end(
        self, watch_id: int, channel_id: str, user_id: str, *, is_admin: bool, request_key: str | None = None
    ) -> Watch:
        """Stop watch `watch_id` of this channel (its owner, or an admin); UserError naming what to do when not."""
        async with self._sessions.begin() as session:
            row = await session.get(AlertWatchRow, watch_id)
            if row is None or row.channel_id != channel_id:
                raise UserError(_("This channel has no alert watch #{id}; `watches` lists them.").format(id=watch_id))
            if row.owner_id != user_id and not is_admin:
                raise UserError(
                    _("Watch #{id} is <@{owner}>'s; only they or an admin can stop it.").format(
                        id=watch_id, owner=marked(row.owner_id)
                    )
                )
            await once(session, request_key, self._clock())
            watch = await self._watch(session, row)
            await session.delete(row)
            return watch

    async def watched(self) -> dict[str, Watched]:
        """Every watched alert id: the channels watching it, the account it is read with, and the channels told when
        it has no data."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(
                    AlertWatchItemRow.alert_id,
                    AlertWatchRow.channel_id,
                    AlertWatchRow.workspace,
                    AlertWatchRow.account,
                    AlertWatchRow.no_data,
                )
                .join(AlertWatchRow, AlertWatchRow.id == AlertWatchItemRow.watch_id)
                .distinct()
                .order_by(AlertWatchItemRow.alert_id, AlertWatchRow.channel_id)
            )
            found: dict[str, Watched] = {}
            for alert_id, channel_id, workspace, account, no_data in rows:
                watched = found.setdefault(alert_id, Watched([], AlertSource(workspace, account)))
                if channel_id not in watched.channels:
                    watched.channels.append(channel_id)
                if no_data:
                    watched.no_data.add(channel_id)
            return found

    async def tells_no_data(self, channel_id: str, alert_id: str) -> bool:
        """Whether a watch of the channel watching the alert asked to be told when it has no data."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(AlertWatchRow.id)
                .join(AlertWatchItemRow, AlertWatchRow.id == AlertWatchItemRow.watch_id)
                .where(
                    AlertWatchRow.channel_id == channel_id,
                    AlertWatchItemRow.alert_id == alert_id,
                    AlertWatchRow.no_data.is_(True),
                )
                .limit(1)
            )
            return found is not None

    async def source_of(self, alert_id: str) -> AlertSource | None:
        """The account an alert is read with (its first watch's); None when nothing watches it any more."""
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(AlertWatchRow.workspace, AlertWatchRow.account)
                    .join(AlertWatchItemRow, AlertWatchRow.id == AlertWatchItemRow.watch_id)
                    .where(AlertWatchItemRow.alert_id == alert_id)
                    .order_by(AlertWatchRow.channel_id)
                    .limit(1)
                )
            ).first()
            return AlertSource(found[0], found[1]) if found is not None else None

    async def drop_alert(self, alert_id: str) -> list[Dropped]:
        """Take `alert_id` off every watch (it was deleted, or is no longer readable); a watch left with no alert
        ends. Each one is returned once, to whichever replica removed it, so its subscriber is told once."""
        dropped: list[Dropped] = []
        async with self._sessions.begin() as session:
            items = (
                await session.execute(
                    select(AlertWatchItemRow, AlertWatchRow)
                    .join(AlertWatchRow, AlertWatchRow.id == AlertWatchItemRow.watch_id)
                    .where(AlertWatchItemRow.alert_id == alert_id)
                )
            ).all()
            for item, watch in items:
                gone = await session.execute(
                    delete(AlertWatchItemRow).where(
                        AlertWatchItemRow.watch_id == item.watch_id, AlertWatchItemRow.alert_id == alert_id
                    )
                )
                if not _count(gone):
                    continue  # another replica took it off first: it tells
                left = await session.scalar(
                    select(func.count()).select_from(AlertWatchItemRow).where(AlertWatchItemRow.watch_id == watch.id)
                )
                if not left:
                    await session.execute(delete(AlertWatchRow).where(AlertWatchRow.id == watch.id))
                dropped.append(Dropped(watch.id, watch.channel_id, watch.owner_id, item.alert_name, not left))
        return dropped

    async def _watch(self, session: AsyncSession, row: AlertWatchRow) -> Watch:
        items = (
            await session.execute(
                select(AlertWatchItemRow.alert_id, AlertWatchItemRow.alert_name)
                .where(AlertWatchItemRow.watch_id == row.id)
                .order_by(AlertWatchItemRow.alert_name)
            )
        ).all()
        alerts = tuple((str(alert_id), str(name)) for alert_id, name in items)
        created = as_utc(row.created_at)
        return Watch(row.id, row.channel_id, row.owner_id, row.level, row.words, alerts, created, bool(row.no_data))


class AlertIncidents:
    """Each channel's view of its watched alerts, and the changes to announce in it."""

    def __init__(
        self, database: Database, *, holder: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = database.sessions
        self.holder = holder
        self._clock = clock

    async def observe(
        self, channel_id: str, alert_id: str, state: str, *, late: bool = False, no_data: bool = False
    ) -> Change | None:
        """A poll saw `alert_id` in `state`: when the channel was last told another state, move it on and return the
        change to announce (None when nothing changed, or another replica recorded the same change first). A first
        sight records the state, and is a change only when the alert is firing then (or, with `no_data`, has no
        data)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            first = await session.execute(
                insert_unless_present(dialect, INCIDENTS).values(
                    channel_id=channel_id, alert_id=alert_id, state=state, seq=0, updated_at=now
                )
            )
            if _count(first):
                if not firing(state) and not (no_data and state_kind(state) == SILENT):
                    return None
                from_state, seq = "", 1
                await session.execute(
                    update(INCIDENTS)
                    .where(INCIDENTS.c.channel_id == channel_id, INCIDENTS.c.alert_id == alert_id)
                    .values(seq=1)
                )
            else:
                found = (
                    await session.execute(
                        select(INCIDENTS.c.state, INCIDENTS.c.seq).where(
                            INCIDENTS.c.channel_id == channel_id, INCIDENTS.c.alert_id == alert_id
                        )
                    )
                ).one()
                from_state, seq = str(found.state), int(found.seq) + 1
                if from_state == state:
                    return None
                moved = await session.execute(
                    update(INCIDENTS)
                    .where(
                        INCIDENTS.c.channel_id == channel_id,
                        INCIDENTS.c.alert_id == alert_id,
                        INCIDENTS.c.seq == seq - 1,  # nobody moved it meanwhile
                    )
                    .values(state=state, seq=seq, updated_at=now)
                )
                if not _count(moved):
                    return None  # another replica recorded this change
            row = AlertChangeRow(
                channel_id=channel_id,
                alert_id=alert_id,
                seq=seq,
                from_state=from_state,
                to_state=state,
                seen_at=now,
                late=late,
                status=PENDING,
            )
            session.add(row)
            await session.flush()
            return Change(row.id, channel_id, alert_id, seq, from_state, state, now, late)

    async def claim(self, lease: timedelta, *, limit: int = 50) -> list[Change]:
        """Claim changes to announce: pending ones, and claims whose holder's lease ran out; of each alert in each
        channel only the earliest not yet announced, so they are announced in order."""
        now = self._clock()
        claimed: list[Change] = []
        async with self._sessions() as session:
            open_ = CHANGES.alias("earlier")
            earlier_open = (
                select(open_.c.id)
                .where(
                    open_.c.channel_id == CHANGES.c.channel_id,
                    open_.c.alert_id == CHANGES.c.alert_id,
                    open_.c.seq < CHANGES.c.seq,
                    open_.c.status.in_((PENDING, CLAIMED, POSTING)),
                )
                .exists()
            )
            candidates = (
                await session.execute(
                    select(CHANGES).where(_claimable(now), ~earlier_open).order_by(CHANGES.c.id).limit(limit)
                )
            ).all()
        for row in candidates:
            async with self._sessions.begin() as session:
                taken = await session.execute(
                    update(CHANGES)
                    .where(CHANGES.c.id == row.id, _claimable(now))
                    .values(status=CLAIMED, holder=self.holder, lease_until=now + lease)
                )
            if _count(taken):
                claimed.append(_change(row))
        return claimed

    async def posting(self, change_id: int) -> bool:
        """Just before posting: True when this replica still holds the claim (it may post), else False."""
        async with self._sessions.begin() as session:
            moved = await session.execute(
                update(CHANGES)
                .where(CHANGES.c.id == change_id, CHANGES.c.status == CLAIMED, CHANGES.c.holder == self.holder)
                .values(status=POSTING)
            )
            return bool(_count(moved))

    async def done(
        self, change: Change, *, message_ts: str | None = None, fired_at: datetime | None = None, cleared: bool = False
    ) -> None:
        """The change was announced: its message (a firing's) and times are kept on the channel's incident."""
        now = self._clock()
        async with self._sessions.begin() as session:
            await session.execute(update(CHANGES).where(CHANGES.c.id == change.id).values(status=DONE, done_at=now))
            values: dict[str, Any] = {}
            if message_ts is not None:
                values["message_ts"] = message_ts
            if fired_at is not None:
                values |= {"fired_at": fired_at, "cleared_at": None}
            if cleared:
                values["cleared_at"] = change.seen_at
            if values:
                await session.execute(
                    update(INCIDENTS)
                    .where(INCIDENTS.c.channel_id == change.channel_id, INCIDENTS.c.alert_id == change.alert_id)
                    .values(**values)
                )

    async def forsake(self, lease: timedelta) -> list[Change]:
        """Changes whose holder died while posting them: they may have been posted, so they are never posted again;
        marked unknown (so later changes of the alert go on) and returned, to be logged."""
        now = self._clock()
        async with self._sessions.begin() as session:
            rows = (
                await session.execute(
                    select(CHANGES).where(CHANGES.c.status == POSTING, CHANGES.c.lease_until < now - lease)
                )
            ).all()
            for row in rows:
                await session.execute(update(CHANGES).where(CHANGES.c.id == row.id).values(status=UNKNOWN, done_at=now))
            return [_change(row) for row in rows]

    async def incident(self, channel_id: str, alert_id: str) -> Incident | None:
        async with self._sessions() as session:
            row = await session.get(AlertIncidentRow, (channel_id, alert_id))
            if row is None:
                return None
            return Incident(
                row.channel_id,
                row.alert_id,
                row.state,
                row.seq,
                row.message_ts,
                as_utc(row.fired_at) if row.fired_at else None,
                as_utc(row.cleared_at) if row.cleared_at else None,
                as_utc(row.muted_until) if row.muted_until else None,
            )

    async def mute(self, channel_id: str, alert_id: str, until: datetime) -> bool:
        """Mute the alert's firings in the channel until `until` (the watch stays); False when the channel has never
        been told of the alert (nothing to mute there)."""
        async with self._sessions.begin() as session:
            moved = await session.execute(
                update(INCIDENTS)
                .where(INCIDENTS.c.channel_id == channel_id, INCIDENTS.c.alert_id == alert_id)
                .values(muted_until=until)
            )
            return bool(_count(moved))


async def _refuse_past_cap(session: AsyncSession, channel_id: str, most: int) -> None:
    count = await session.scalar(
        select(func.count()).select_from(AlertWatchRow).where(AlertWatchRow.channel_id == channel_id)
    )
    if (count or 0) >= most:
        raise UserError(
            _(
                "This channel has {count} alert watches, the most it keeps (ALERT_WATCH_MAX_PER_CHANNEL); stop one "
                "first with `unwatch ID` (`watches` lists them)."
            ).format(count=count)
        )


def firing(state: str) -> bool:
    """Only `ALERT` is firing: `NORMAL`, `INSUFFICIENT_DATA` (no data) and unknown states are not."""
    return is_firing(state)


def _claimable(now: datetime) -> Any:
    return or_(CHANGES.c.status == PENDING, and_(CHANGES.c.status == CLAIMED, CHANGES.c.lease_until < now))


def _change(row: Any) -> Change:
    return Change(
        int(row.id),
        str(row.channel_id),
        str(row.alert_id),
        int(row.seq),
        str(row.from_state),
        str(row.to_state),
        as_utc(row.seen_at),
        bool(row.late),
    )


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
