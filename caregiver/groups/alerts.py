"""Mail about a group: its facilitators' messages and changes to its meetings.

Subjects and senders stay discreet (families share inboxes and lock screens), and the mail
says nothing about why a person follows a group.
"""

from datetime import date

from sqlalchemy import select

from caregiver import mail
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.groups.models import Attendance, GroupFollow, Meeting, SupportGroup

BODY_MAX = 2000


def group_recipients(group_id: int) -> list[User]:
    """Verified followers of a group who want its mail."""
    return list(
        db.session.scalars(
            select(User)
            .join(GroupFollow, GroupFollow.user_id == User.id)
            .where(
                GroupFollow.group_id == group_id,
                GroupFollow.change_mail,
                User.email_verified_at.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _attendees(meeting_id: int, on_days: set[date] | None, today: date) -> list[User]:
    query = (
        select(User)
        .join(Attendance, Attendance.user_id == User.id)
        .where(Attendance.meeting_id == meeting_id, User.email_verified_at.is_not(None))
    )
    if on_days is None:
        query = query.where(Attendance.on_day >= today)
    else:
        query = query.where(Attendance.on_day.in_(on_days))
    return list(db.session.scalars(query.distinct()))


def change_recipients(meeting: Meeting, on_days: set[date] | None, today: date) -> list[User]:
    """Who hears about a change: the group's followers (unless they turned it off) and the
    people who said they will come on the dates concerned (all dates to come for a series)."""
    followers = db.session.execute(
        select(GroupFollow.user_id, GroupFollow.change_mail).where(
            GroupFollow.group_id == meeting.group_id
        )
    ).all()
    opted_out = {user_id for user_id, wants in followers if not wants}
    people = {user.id: user for user in group_recipients(meeting.group_id)}
    for user in _attendees(meeting.id, on_days, today):
        if user.id not in opted_out:
            people.setdefault(user.id, user)
    return sorted(people.values(), key=lambda user: user.id)


def _send_each(template: str, people: list[User], **context) -> int:
    for person in people:
        mail.send(mail.render_message(template, person.email, person=person, **context))
    return len(people)


def message_followers(group: SupportGroup, sender: User, body: str) -> int:
    """Mail a facilitator's note to every follower who wants group mail; returns how many."""
    text = body.strip()[:BODY_MAX]
    return _send_each(
        "group_message", group_recipients(group.id), group=group, sender=sender, body=text
    )


def meeting_changed(
    meeting: Meeting, what: str, on_days: set[date] | None, today: date, note: str = ""
) -> int:
    """Tell people about a cancelled or moved date, or a new time or place for the series."""
    people = change_recipients(meeting, on_days, today)
    return _send_each("meeting_changed", people, meeting=meeting, what=what, note=note)
