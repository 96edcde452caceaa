"""The tables, as SQLAlchemy declares them (Alembic migrations create them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
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
