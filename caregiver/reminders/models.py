"""Reminder preferences (what each person asked for, and when it is next due), a person's mail
settings, and the scheduler's heartbeat. The messages themselves are rows of the outbox
(``caregiver.outbox.models``)."""

from datetime import date, datetime, time

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.i18n import lazy_gettext as _l
from caregiver.models import UTCDateTime

# Kinds of mail a person can turn on or off, in the order the account page lists them.
REMINDER_KINDS = {
    "journal": "Daily journal nudge",
    "goal": "Self-care goal reminders",
    "meeting_day_before": "Meeting reminders the day before",
    "meeting_hour_before": "Meeting reminders an hour before",
    "weekly_summary": "Weekly summary",
}
# The same names as pages show them, in the reader's language (the same English words).
REMINDER_LABELS = {
    "journal": _l("Daily journal nudge"),
    "goal": _l("Self-care goal reminders"),
    "meeting_day_before": _l("Meeting reminders the day before"),
    "meeting_hour_before": _l("Meeting reminders an hour before"),
    "weekly_summary": _l("Weekly summary"),
}
MEETING_KINDS = ("meeting_day_before", "meeting_hour_before")
EVERY_DAY = "0,1,2,3,4,5,6"  # Monday = 0, as Python's date.weekday()


class ReminderSettings(db.Model):
    """A person's mail settings that apply to every kind: quiet hours, and a bouncing address."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_hours: Mapped[bool] = mapped_column(default=True)
    quiet_from: Mapped[time] = mapped_column(Time, default=time(22, 0))
    quiet_until: Mapped[time] = mapped_column(Time, default=time(7, 0))
    # Set when the mail server refused the address outright (SMTP 5xx on RCPT).
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bounce_reason: Mapped[str | None] = mapped_column(String(200))


class ReminderPreference(db.Model):
    """One kind of reminder a person turned on, and the next instant (UTC) it falls due.

    ``object_id`` is the goal for goal reminders, the meeting for meeting reminders, and 0
    otherwise (0, not NULL, so the unique constraint holds on every database). A row with object
    0 of a per-object kind is the person's switch for that kind: it is never due itself.
    """

    __tablename__ = "reminder_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "object_id", name="uq_reminder_preferences_one"),
        # The planner asks only for what is due: this index is all it reads.
        Index(
            "ix_reminder_preferences_due",
            "next_due_at",
            sqlite_where=text("next_due_at IS NOT NULL"),
            postgresql_where=text("next_due_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(default=0)
    local_time: Mapped[time | None] = mapped_column(Time)
    weekdays: Mapped[str] = mapped_column(String(20), default=EVERY_DAY)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # For meeting reminders: the local date of the occurrence the next reminder is about.
    occurrence_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.now, onupdate=clock.now
    )


class SchedulerHeartbeat(db.Model):
    """The last tick of each scheduler process, shown in /healthz and /admin."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
