"""Reading progress: read marks and bookmarks, each person's own."""

from dataclasses import dataclass

from sqlalchemy import select

from caregiver import clock
from caregiver.extensions import db
from caregiver.guidance import library
from caregiver.guidance.models import ArticleMark

MARKS = ("read", "bookmark")


@dataclass(frozen=True)
class Marks:
    """One person's marks, by slug."""

    read: frozenset[str] = frozenset()
    bookmarked: frozenset[str] = frozenset()


def marks_of(user_id: int | None) -> Marks:
    """The slugs ``user_id`` has read and bookmarked (nothing for a visitor)."""
    if user_id is None:
        return Marks()
    rows = db.session.execute(
        select(ArticleMark.slug, ArticleMark.read_at, ArticleMark.bookmarked_at).where(
            ArticleMark.user_id == user_id
        )
    ).all()
    return Marks(
        read=frozenset(slug for slug, read_at, _ in rows if read_at),
        bookmarked=frozenset(slug for slug, _, bookmarked_at in rows if bookmarked_at),
    )


def set_mark(user_id: int, slug: str, mark: str, on: bool) -> None:
    """Turn one mark on or off; rows with no mark left are removed."""
    if mark not in MARKS:
        raise ValueError(f"unknown mark {mark!r}")
    row = db.session.get(ArticleMark, (user_id, slug))
    if row is None:
        if not on:
            return
        row = ArticleMark(user_id=user_id, slug=slug)
        db.session.add(row)
    moment = clock.now() if on else None
    if mark == "read":
        row.read_at = moment
    else:
        row.bookmarked_at = moment
    if row.read_at is None and row.bookmarked_at is None:
        db.session.delete(row)
    db.session.commit()


def next_to_read(marks: Marks, articles: dict[str, library.Article]) -> library.Article | None:
    """The first article of the "start here" path not yet read, if any."""
    return next((a for a in library.start_here(articles) if a.slug not in marks.read), None)
