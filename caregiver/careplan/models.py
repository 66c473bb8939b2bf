"""The loved one's care plan: their journey, programs looked at, insurance, calls, contacts.

Every word the person types is sealed (see ``crypto``): a column ``<name>_sealed`` holds the
field ``name`` and each model lists those fields in ``SEALED``. Dates, choices from our own
lists and ticks stay plain, because lists, filters and the summary query them.
"""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime


class _Owned:
    """The columns of every row one person owns."""

    SEALED: ClassVar[tuple[str, ...]] = ()
    PLAIN: ClassVar[tuple[str, ...]] = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class JourneyEvent(_Owned, db.Model):
    """Something that happened on the loved one's path, on a day of the caregiver's calendar."""

    __tablename__ = "careplan_events"
    __table_args__ = (Index("ix_careplan_events_owner_day", "user_id", "day", "id"),)
    SEALED = ("dose", "note")
    PLAIN = ("day", "kind", "medication")

    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(24))
    medication: Mapped[str | None] = mapped_column(String(16))
    dose_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class Program(_Owned, db.Model):
    """A treatment program or service the family is looking at."""

    __tablename__ = "careplan_programs"
    __table_args__ = (Index("ix_careplan_programs_owner", "user_id"),)
    SEALED = ("name", "phone", "website", "address", "waitlist", "cost", "notes")
    PLAIN = ("kind", "insurance", "status", "checklist")

    kind: Mapped[str] = mapped_column(String(24))
    insurance: Mapped[str] = mapped_column(String(8), default="unknown")
    status: Mapped[str] = mapped_column(String(12), default="to_call")
    # One bit per question of the fixed checklist (see rules.QUESTIONS).
    checklist: Mapped[int] = mapped_column(Integer, default=0)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    website_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    address_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    waitlist_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    cost_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    notes_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class CareContact(_Owned, db.Model):
    """Someone on the care team: a counsellor, a doctor, a sponsor, family sharing the load."""

    __tablename__ = "careplan_contacts"
    __table_args__ = (Index("ix_careplan_contacts_owner", "user_id"),)
    SEALED = ("name", "phone", "email", "notes")
    PLAIN = ("role",)

    role: Mapped[str] = mapped_column(String(16))
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    notes_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class InsuranceCall(_Owned, db.Model):
    """One call about insurance or paperwork: who, what was said, what comes next."""

    __tablename__ = "careplan_calls"
    __table_args__ = (Index("ix_careplan_calls_owner_day", "user_id", "day"),)
    SEALED = ("who", "said", "next_step")
    PLAIN = ("day",)

    day: Mapped[date] = mapped_column(Date)
    who_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    said_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    next_step_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class PaperworkDocument(_Owned, db.Model):
    """A document to gather for treatment or insurance, and whether it is in hand."""

    __tablename__ = "careplan_documents"
    __table_args__ = (Index("ix_careplan_documents_owner", "user_id"),)
    SEALED = ("name",)
    PLAIN = ("ready",)

    ready: Mapped[bool] = mapped_column(Boolean, default=False)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class CarePlan(_Owned, db.Model):
    """One per person: insurance details, the next step, and how the days-since counter shows."""

    __tablename__ = "careplan_plans"
    SEALED = (
        "their_name",
        "plan_name",
        "member_number",
        "group_number",
        "preauth",
        "next_step",
    )
    PLAIN = ("next_step_due", "show_counter", "count_from_kind")

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    their_name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    plan_name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    member_number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    group_number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    preauth_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    next_step_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    next_step_due: Mapped[date | None] = mapped_column(Date)
    # The days-since counter is off until the person turns it on; it counts from one event,
    # or from the latest event of a kind ("back in treatment").
    show_counter: Mapped[bool] = mapped_column(Boolean, default=False)
    count_from_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("careplan_events.id", ondelete="SET NULL")
    )
    count_from_kind: Mapped[str | None] = mapped_column(String(24))


# The lists a person keeps, in the order an export holds them, and then every table.
LISTS = (JourneyEvent, Program, CareContact, InsuranceCall, PaperworkDocument)
ALL_MODELS = (*LISTS, CarePlan)
