"""What one person has read or bookmarked in the library (theirs alone)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime


class ArticleMark(db.Model):
    """A person's marks on one article, named by its slug (articles live in files, not rows)."""

    __tablename__ = "article_marks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bookmarked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=clock.now, onupdate=clock.now
    )
