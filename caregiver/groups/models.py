"""Support groups, their meetings, one-occurrence changes, follows, RSVPs and calendar feeds.

Occurrences are never stored: they are computed from a meeting's rule (see ``recurrence``) and
the changes a facilitator made to single dates.
"""

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caregiver import clock
from caregiver.extensions import db
from caregiver.groups import type_codes
from caregiver.i18n import lazy_gettext as _l
from caregiver.models import UTCDateTime

GROUP_KINDS = {
    "family": _l("Family support group"),
    "parents": _l("Parents' group"),
    "partners": _l("Partners' group"),
    "craft": _l("CRAFT skills group"),
    "grief": _l("Grief and loss"),
    "other": _l("Other"),
}

# The languages a group or meeting can be held in: ISO 639-1 code and name.
LANGUAGES = {
    "en": _l("English"),
    "es": _l("Spanish"),
    "fr": _l("French"),
    "pt": _l("Portuguese"),
    "zh": _l("Chinese"),
    "vi": _l("Vietnamese"),
    "ko": _l("Korean"),
    "tl": _l("Tagalog"),
    "ar": _l("Arabic"),
    "ru": _l("Russian"),
    "pl": _l("Polish"),
    "de": _l("German"),
    "it": _l("Italian"),
    "ht": _l("Haitian Creole"),
    "hi": _l("Hindi"),
    "ja": _l("Japanese"),
    "asl": _l("American Sign Language"),
}

MODES = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("In person and online")}
REPEATS = {"weekly": _l("Weekly"), "monthly": _l("Monthly"), "once": _l("One time")}


class SupportGroup(db.Model):
    __tablename__ = "support_groups"
    __table_args__ = (Index("ix_support_groups_listed", "listed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="family")
    # ISO 639-1 codes, comma-separated ("en,es").
    languages: Mapped[str] = mapped_column(String(60), default="en")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # Unlisted groups are reachable by their link only: never in lists or feeds.
    listed: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class GroupFacilitator(db.Model):
    __tablename__ = "group_facilitators"
    __table_args__ = (Index("ix_group_facilitators_user", "user_id"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("support_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_group", "group_id"),
        CheckConstraint("repeat IN ('weekly', 'monthly', 'once')", name="repeat_known"),
        CheckConstraint("mode IN ('in_person', 'online', 'hybrid')", name="mode_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("support_groups.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    notes: Mapped[str] = mapped_column(Text, default="")

    # When: a rule in the meeting's own timezone, so 19:00 stays 19:00 local across DST.
    repeat: Mapped[str] = mapped_column(String(10), default="weekly")
    weekdays: Mapped[str] = mapped_column(String(20), default="")  # "0,3": Monday and Thursday
    month_week: Mapped[int | None] = mapped_column(SmallInteger)  # 1..5, or -1 for the last
    month_weekday: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = Monday
    first_day: Mapped[date] = mapped_column(Date)  # the series' first day, or the one-off date
    last_day: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    # Counts changes to when it happens (the schedule, a date cancelled, moved or put back):
    # the SEQUENCE calendar apps compare to know which copy of an event is newer.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    # Where.
    mode: Mapped[str] = mapped_column(String(10), default="in_person")
    venue: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    region: Mapped[str] = mapped_column(String(80), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    location_notes: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    conference_url: Mapped[str] = mapped_column(String(500), default="")
    conference_phone: Mapped[str] = mapped_column(String(60), default="")
    conference_notes: Mapped[str] = mapped_column(Text, default="")
    # Open links invite disruption, so a link is for signed-in people unless the facilitator says.
    link_public: Mapped[bool] = mapped_column(default=False)

    # Who it is for.
    open_to_all: Mapped[bool] = mapped_column(default=True)
    wheelchair: Mapped[bool] = mapped_column(default=False)
    childcare: Mapped[bool] = mapped_column(default=False)
    beginners: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(10), default="en")

    # What a Meeting Guide feed said about a meeting read from it, so the open feed gives it back
    # as it came (see ``feed``). feed_types is None for a meeting made here: its codes follow
    # from its settings; for a feed's meeting it holds the codes the feed gave ("O,T,LGBTQ").
    feed_types: Mapped[str | None] = mapped_column(String(300))
    source_slug: Mapped[str] = mapped_column(String(64), default="")
    source_group: Mapped[str] = mapped_column(String(255), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_updated: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    group: Mapped[SupportGroup] = relationship(back_populates="meetings")

    @property
    def weekday_list(self) -> list[int]:
        return [int(day) for day in self.weekdays.split(",") if day]

    @property
    def in_person(self) -> bool:
        return self.mode in ("in_person", "hybrid")

    @property
    def online(self) -> bool:
        return self.mode in ("online", "hybrid")

    @property
    def more_types(self) -> list[str]:
        """What a source feed said about the meeting beyond its settings ("Transgender")."""
        return type_codes.extra_names(self)


class MeetingChange(db.Model):
    """One occurrence cancelled or moved, named by the local date it was due on."""

    __tablename__ = "meeting_changes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "on_day", name="uq_meeting_changes_meeting_day"),
        CheckConstraint("status IN ('cancelled', 'moved')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    on_day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    new_day: Mapped[date | None] = mapped_column(Date)
    new_start: Mapped[time | None] = mapped_column(Time)
    new_end: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class GroupFollow(db.Model):
    __tablename__ = "group_follows"
    __table_args__ = (Index("ix_group_follows_group", "group_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("support_groups.id", ondelete="CASCADE"), primary_key=True
    )
    change_mail: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class GroupNotice(db.Model):
    """A facilitator's note to a group, or a schedule change, told to many people: its words
    are kept once here, and each person's outbox row renders them when it is sent."""

    __tablename__ = "group_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # group_message or meeting_changed
    group_id: Mapped[int] = mapped_column(ForeignKey("support_groups.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(300), default="")
    # A single date's change ("cancelled", "moved", "restored"), told in each reader's zone:
    # the date's usual start and, for a move, its new one; or "series", with what changed in
    # ``what`` ("time place"), told in each reader's language.
    change: Mapped[str] = mapped_column(String(20), default="")
    was_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    now_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Attendance(db.Model):
    """ "I'll be there" for one occurrence, named by the local date it was due on."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        UniqueConstraint("user_id", "meeting_id", "on_day", name="uq_meeting_attendance_once"),
        Index("ix_meeting_attendance_meeting_day", "meeting_id", "on_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    on_day: Mapped[date] = mapped_column(Date)
    share_name: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class CalendarFeed(db.Model):
    """A person's private calendar link. The token is derived from the salt with the app's key,
    so it can be shown again, while the database alone holds nothing that opens the feed."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    salt: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
