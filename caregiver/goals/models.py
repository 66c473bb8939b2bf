"""Boundaries, self-care goals, their check-ins, and the weekly "how am I doing" ratings.

Statements, titles and notes are sealed (see ``crypto``); days are the person's own calendar days.
"""

from datetime import date, datetime, time
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.i18n import lazy_gettext as _l
from caregiver.models import UTCDateTime

# The areas of life the weekly check-in asks about, in the order it asks.
WELLBEING_AREAS = {
    "sleep": _l("Sleep"),
    "health": _l("Health"),
    "work": _l("Work or daily tasks"),
    "money": _l("Money"),
    "family": _l("Family"),
    "friends": _l("Friends"),
    "emotional": _l("Emotional life"),
    "own_time": _l("Time for myself"),
}


class _Owned:
    """The columns of every row one person owns."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class _Checkin(_Owned):
    """A check-in: one per item per day, with an optional sealed note.

    ``item_column`` names the column pointing at the goal or boundary, ``value_column`` the one
    holding what happened that day, so the shared check-in services need only the class.
    """

    item_column: ClassVar[str]
    value_column: ClassVar[str]

    day: Mapped[date] = mapped_column(Date)
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class Boundary(_Owned, db.Model):
    __tablename__ = "boundaries"
    __table_args__ = (Index("ix_boundaries_owner", "user_id", "archived_at"),)

    statement_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BoundaryCheckin(_Checkin, db.Model):
    __tablename__ = "boundary_checkins"
    __table_args__ = (
        UniqueConstraint("boundary_id", "day", name="uq_boundary_checkins_boundary_day"),
        Index("ix_boundary_checkins_owner_day", "user_id", "day"),
        CheckConstraint("outcome IN ('held', 'tested', 'crossed')", name="outcome_known"),
    )

    item_column, value_column = "boundary_id", "outcome"
    boundary_id: Mapped[int] = mapped_column(ForeignKey("boundaries.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(8))


class Goal(_Owned, db.Model):
    __tablename__ = "goals"
    __table_args__ = (
        Index("ix_goals_owner", "user_id", "archived_at"),
        CheckConstraint("per_week BETWEEN 1 AND 7", name="per_week_range"),
    )

    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    per_week: Mapped[int] = mapped_column(SmallInteger)  # 7 means every day
    reminder_time: Mapped[time | None] = mapped_column(Time)
    # The person's own dates: when the goal started counting, and when it was put away.
    start_day: Mapped[date] = mapped_column(Date)
    archived_day: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the statistics walk stood at the end of tally_day, before the twelve weeks /progress
    # shows, and at the end of recent_day, before this week (see tallies.Tally), so pages walk
    # only the days after one; no day: walk from the first day. history_version counts the
    # check-ins and changes: a tally is stored only over the version it was read with, so one
    # worked out from check-ins read before a change never lands after it.
    history_version: Mapped[int] = mapped_column(default=0, server_default="0")
    tally_day: Mapped[date | None] = mapped_column(Date)
    tally_first: Mapped[date | None] = mapped_column(Date)
    tally_score: Mapped[float | None] = mapped_column(Double)
    tally_ring: Mapped[int | None] = mapped_column(SmallInteger)
    tally_run: Mapped[int | None]
    tally_best: Mapped[int | None]
    recent_day: Mapped[date | None] = mapped_column(Date)
    recent_first: Mapped[date | None] = mapped_column(Date)
    recent_score: Mapped[float | None] = mapped_column(Double)
    recent_ring: Mapped[int | None] = mapped_column(SmallInteger)
    recent_run: Mapped[int | None]
    recent_best: Mapped[int | None]


class GoalCheckin(_Checkin, db.Model):
    __tablename__ = "goal_checkins"
    __table_args__ = (
        UniqueConstraint("goal_id", "day", name="uq_goal_checkins_goal_day"),
        # Covering: the weeks /progress shows are read from the index alone.
        Index("ix_goal_checkins_owner_day_status", "user_id", "day", "goal_id", "status"),
        CheckConstraint("status IN ('done', 'skip')", name="status_known"),
    )

    item_column, value_column = "goal_id", "status"
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(4))


class WellbeingCheckin(_Owned, db.Model):
    """One week's ratings, 1 to 10, of areas of the person's own life (any may be left out)."""

    __tablename__ = "wellbeing_checkins"
    __table_args__ = (UniqueConstraint("user_id", "week", name="uq_wellbeing_checkins_user_week"),)

    week: Mapped[date] = mapped_column(Date)  # the Monday
    sleep: Mapped[int | None] = mapped_column(SmallInteger)
    health: Mapped[int | None] = mapped_column(SmallInteger)
    work: Mapped[int | None] = mapped_column(SmallInteger)
    money: Mapped[int | None] = mapped_column(SmallInteger)
    family: Mapped[int | None] = mapped_column(SmallInteger)
    friends: Mapped[int | None] = mapped_column(SmallInteger)
    emotional: Mapped[int | None] = mapped_column(SmallInteger)
    own_time: Mapped[int | None] = mapped_column(SmallInteger)
