"""The outbox table: one row per message to send, written once by its idempotency key.

No message body is stored: a row names the person, the kind and the object, and the message is
rendered when it is sent, from what is true then.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime

# Priorities: lower goes first. Account-security mail never waits behind reminders.
PRIORITY_SECURITY = 0
PRIORITY_NOTICE = 3  # a group's schedule changes and notes
PRIORITY_REMINDER = 5

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"


class OutboxMessage(db.Model):
    """A message to send once: its idempotency key makes a second planning of it a no-op."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_ready",
            "priority",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_outbox_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # None for account mail asked for by address (a reset, say): the sender finds the account,
    # if there is one, so the request does the same work either way.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(default=0)
    local_date: Mapped[date | None] = mapped_column(Date)
    # Only where the message goes elsewhere than the person's address (a new address to confirm).
    to_address: Mapped[str | None] = mapped_column(String(320))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    priority: Mapped[int] = mapped_column(SmallInteger, default=PRIORITY_REMINDER)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(200))
    skip_reason: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
