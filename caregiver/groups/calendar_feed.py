"""A person's private calendar link: making, showing, replacing, revoking and opening it.

The token is derived from a random salt with the app's secret key, so the settings page can
show it again, while the database keeps only the salt and the token's digest.
"""

import hmac
import secrets

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from caregiver import clock
from caregiver.extensions import db
from caregiver.groups.models import Attendance, CalendarFeed, GroupFollow, Meeting
from caregiver.security import fingerprint, hash_token

PURPOSE = "calendar-feed"


def _token(user_id: int, salt: str) -> str:
    return fingerprint(PURPOSE, user_id, salt)


def feed_token(user_id: int) -> str | None:
    """The person's working calendar token, or None when they have no link."""
    row = db.session.get(CalendarFeed, user_id)
    if row is None:
        return None
    token = _token(user_id, row.salt)
    # A new secret key changes every derived token; the stored digest then opens nothing,
    # so the page must not show a link that would only answer "not found".
    return token if hmac.compare_digest(hash_token(token), row.token_hash) else None


def _store(user_id: int, salt: str, token: str) -> None:
    row = db.session.get(CalendarFeed, user_id) or CalendarFeed(user_id=user_id)
    row.salt, row.token_hash, row.created_at = salt, hash_token(token), clock.now()
    db.session.add(row)
    db.session.commit()


def new_feed(user_id: int) -> str:
    """Make the person's calendar token, replacing any old one (which stops working at once)."""
    salt = secrets.token_hex(16)
    token = _token(user_id, salt)
    try:
        _store(user_id, salt, token)
    except IntegrityError:  # a double tap made the row first: replace that one instead
        db.session.rollback()
        _store(user_id, salt, token)
    return token


def revoke_feed(user_id: int) -> None:
    """Delete the person's calendar link; calendars using it stop getting meetings."""
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    db.session.commit()


def feed_owner(token: str) -> int | None:
    """The id of the person a calendar token belongs to, or None for an unknown token."""
    return db.session.scalar(
        select(CalendarFeed.user_id).where(CalendarFeed.token_hash == hash_token(token))
    )


def feed_meetings(user_id: int) -> list[Meeting]:
    """Meetings of the groups the person follows and meetings they plan to attend, by id."""
    followed = select(GroupFollow.group_id).where(GroupFollow.user_id == user_id)
    attending = select(Attendance.meeting_id).where(Attendance.user_id == user_id)
    return list(
        db.session.scalars(
            select(Meeting)
            .where(or_(Meeting.group_id.in_(followed), Meeting.id.in_(attending)))
            .options(selectinload(Meeting.group))
            .order_by(Meeting.id)
        )
    )
