"""The tables, as SQLAlchemy declares them (Alembic migrations create them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SavedChartRow(Base):
    """A chart saved under a name for one channel: the words that were typed, re-read on every run."""

    __tablename__ = "saved_charts"
    __table_args__ = (UniqueConstraint("channel_id", "name", name="uq_saved_charts_channel_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    owner_id: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class HandledEventRow(Base):
    """A Slack event (or other delivery) already taken, keyed by its id."""

    __tablename__ = "handled_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class ScheduleRow(Base):
    """A chart posted on a schedule (or, with `thread_ts` and `ends_at`, an incident follow)."""

    __tablename__ = "schedules"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy's declarative attribute)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    chart_text: Mapped[str] = mapped_column(Text, nullable=False)
    when_text: Mapped[str] = mapped_column(String(200), nullable=False)
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    cron: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    anchor: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The Slack workspace (bot/slack/workspaces.py: team id, or enterprise id of an org-wide install; "" for the
    # single-workspace setup) whose token it is posted with.
    workspace: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="", index=True)
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_detail: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ScheduleRunRow(Base):
    """One run of a schedule, claimed by (schedule, scheduled time) before anything is called."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "scheduled_for", name="uq_schedule_runs_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    schedule_id: Mapped[int] = mapped_column(Integer, ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False)
    scheduled_for: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    holder: Mapped[str] = mapped_column(String(64), nullable=False)
    lease_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    file_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class PendingRequestRow(Base):
    """A request acknowledged to Slack and not yet answered (deleted once it is)."""

    __tablename__ = "pending_requests"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy's declarative attribute)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    user_id: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False)
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    response_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    holder: Mapped[str] = mapped_column(String(64), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # renewed while its process lives
    asked_from: Mapped[str | None] = mapped_column(String(32))  # the channel asked in; None: a shortcut, App Home
    workspace: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")


class RequestEffectRow(Base):
    """A request whose change (a schedule made, a chart saved…) is done, written in the same transaction as the
    change, with the answer it got: a takeover of the same request finds it and only sends the answer again."""

    __tablename__ = "request_effects"

    request_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    answer: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class ChartClickRow(Base):
    """The latest click on the controls of a posted chart (a message), numbered across replicas: a redraw shows only
    if no later click came meanwhile."""

    __tablename__ = "chart_clicks"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    latest: Mapped[int] = mapped_column(Integer, nullable=False)
    clicked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class ChartLinkRow(Base):
    """A posted chart's link on the bot's own host (`/charts/<token>`): where the chart was posted, in which workspace,
    and what it showed (its facts, JSON: title, window, metric, numbers), for its unfurl and its flexpane."""

    __tablename__ = "chart_links"
    __table_args__ = (Index("ix_chart_links_message", "channel_id", "message_ts"),)

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    facts: Mapped[str] = mapped_column(Text, nullable=False)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class AlertWatchRow(Base):
    """A channel watching ServiceWatch alert policies: those that matched its words and level when it was made."""

    __tablename__ = "alert_watches"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy's declarative attribute)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    owner_id: Mapped[str] = mapped_column(String(32), nullable=False)
    level: Mapped[str | None] = mapped_column(String(16))  # the lowest level watched; None: every level
    words: Mapped[str] = mapped_column(Text, nullable=False)  # as typed: what the alerts were matched against
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    workspace: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    # The SCP account (bot/accounts.py) its alerts are read and drawn with; "": the environment's keys or the sandbox.
    account: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    # Whether the channel is told when an alert has no data (INSUFFICIENT_DATA): the `nodata` of `watch alerts`.
    no_data: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())


class AlertWatchItemRow(Base):
    """One alert policy of a watch (gone when the alert is deleted or no longer readable)."""

    __tablename__ = "alert_watch_items"

    watch_id: Mapped[int] = mapped_column(Integer, ForeignKey("alert_watches.id", ondelete="CASCADE"), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    alert_name: Mapped[str] = mapped_column(String(200), nullable=False)


class AlertIncidentRow(Base):
    """What a channel has been told of an alert: its last state, how many changes it has seen (`seq`), and the
    message of the current (or last) incident."""

    __tablename__ = "alert_incidents"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str] = mapped_column(String(64), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    muted_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # firings not announced until


class AlertChangeRow(Base):
    """A state change of an alert, to announce in a channel exactly once: made by the poll that saw it (unique per
    channel, alert and `seq`), claimed with a lease by the replica that announces it."""

    __tablename__ = "alert_changes"
    __table_args__ = (UniqueConstraint("channel_id", "alert_id", "seq"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False)
    alert_id: Mapped[str] = mapped_column(String(128), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    from_state: Mapped[str] = mapped_column(String(64), nullable=False)
    to_state: Mapped[str] = mapped_column(String(64), nullable=False)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    holder: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class ScpAccountRow(Base):
    """An SCP account of a workspace: its keys (the secret key only sealed), region and environment."""

    __tablename__ = "scp_accounts"
    __table_args__ = (UniqueConstraint("workspace", "name", name="uq_scp_accounts_workspace_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    access_key: Mapped[str] = mapped_column(String(200), nullable=False)
    secret_key: Mapped[str] = mapped_column(Text, nullable=False)  # sealed (bot/store/sealing.py), never plain
    region: Mapped[str] = mapped_column(String(32), nullable=False)
    environment: Mapped[str] = mapped_column(String(8), nullable=False)
    account_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    added_by: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ChannelAccountRow(Base):
    """The SCP account a channel's charts use when a line names none (`/chart use NAME`)."""

    __tablename__ = "channel_accounts"

    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account: Mapped[str] = mapped_column(String(40), nullable=False)
    set_by: Mapped[str] = mapped_column(String(32), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class UploadPaceRow(Base):
    """A workspace's upload bucket, shared by the replicas (bot/store/pace.py); times in epoch seconds."""

    __tablename__ = "upload_pace"

    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[float] = mapped_column(Double, nullable=False)
    filled_at: Mapped[float] = mapped_column(Double, nullable=False)
    held_until: Mapped[float] = mapped_column(Double, nullable=False, default=0.0)


class InstallationRow(Base):
    """The Slack app's installation in one workspace (or one Enterprise Grid org): its tokens only sealed."""

    __tablename__ = "slack_installations"

    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)  # bot/workspace_keys.py
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_url: Mapped[str | None] = mapped_column(String(300))
    team_id: Mapped[str | None] = mapped_column(String(32))
    team_name: Mapped[str | None] = mapped_column(String(200))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    app_id: Mapped[str | None] = mapped_column(String(32))
    bot_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_scopes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    bot_token: Mapped[str | None] = mapped_column(Text)  # sealed (bot/store/sealing.py), never plain
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)  # sealed
    bot_token_expires_at: Mapped[int | None] = mapped_column(Integer)  # epoch seconds
    user_id: Mapped[str | None] = mapped_column(String(32))
    user_scopes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    user_token: Mapped[str | None] = mapped_column(Text)  # sealed
    user_refresh_token: Mapped[str | None] = mapped_column(Text)  # sealed
    user_token_expires_at: Mapped[int | None] = mapped_column(Integer)
    token_type: Mapped[str | None] = mapped_column(String(16))
    installed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class OAuthStateRow(Base):
    """An OAuth state a callback used (its SHA-256 only), kept until it would have expired, so it is used once."""

    __tablename__ = "slack_oauth_states"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
