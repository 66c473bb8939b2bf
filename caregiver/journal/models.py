"""Journal entries and tags. Titles, bodies and tag names are sealed (see ``crypto``)."""

from datetime import date, datetime, time

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime

# Entries not in "recently deleted": the list, its count, the search scan and the dashboard read
# only these, so their indexes leave deleted rows out and cover these reads alone.
LIVE = "deleted_at IS NULL"
ANSWERED = "deleted_at IS NULL AND prompt_key IS NOT NULL"

entry_tags = Table(
    "journal_entry_tags",
    db.metadata,
    Column("entry_id", ForeignKey("journal_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("journal_tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_journal_entry_tags_tag_id", "tag_id"),
)


class JournalEntry(db.Model):
    __tablename__ = "journal_entries"
    __table_args__ = (
        # Serves the owner's list newest first (keyset on written_at, id), the search scan in
        # that order, and counting live entries. deleted_at (always NULL here) is a column too,
        # so SQLite knows the index alone answers those reads.
        Index(
            "ix_journal_entries_live_owner_written",
            "user_id",
            "written_at",
            "id",
            "deleted_at",
            sqlite_where=text(LIVE),
            postgresql_where=text(LIVE),
        ),
        # The prompt answered last (not offered again): the newest answered entry by creation,
        # without walking unanswered ones. Its order (id) is one the live index cannot serve,
        # so SQLite never takes that one and walks every live entry instead.
        Index(
            "ix_journal_entries_answered_owner",
            "user_id",
            "id",
            sqlite_where=text(ANSWERED),
            postgresql_where=text(ANSWERED),
        ),
        Index("ix_journal_entries_owner_date", "user_id", "entry_date"),
        Index("ix_journal_entries_deleted_at", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The date and time the person gave, on their own clock; written_at is that moment in UTC
    # and only orders the list.
    entry_date: Mapped[date] = mapped_column(Date)
    entry_time: Mapped[time] = mapped_column(Time)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    prompt_key: Mapped[str | None] = mapped_column(String(80))
    title_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tags: Mapped[list["JournalTag"]] = relationship(secondary=entry_tags, lazy="raise")


class JournalTag(db.Model):
    """A person's tag. ``lookup`` is a keyed digest of the name, so the same tag is found
    again without storing its name in the clear."""

    __tablename__ = "journal_tags"
    __table_args__ = (UniqueConstraint("user_id", "lookup", name="uq_journal_tags_user_lookup"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lookup: Mapped[str] = mapped_column(String(64))
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
