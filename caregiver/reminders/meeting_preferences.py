"""Meeting reminders as preferences: one row per person, kind and meeting they go to, kept in
step with their follows and RSVPs and with the meeting's schedule."""

from datetime import datetime

from sqlalchemy import delete, select

from caregiver import clock
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.groups.models import Attendance, GroupFollow, Meeting
from caregiver.reminders import meeting_reminders, services
from caregiver.reminders.models import EVERY_DAY, MEETING_KINDS, ReminderPreference


def meeting_reminders_on(user_id: int) -> set[str]:
    """The meeting reminder kinds the person turned on."""
    return {kind for kind in MEETING_KINDS if services.preference(user_id, kind) is not None}


def set_meeting_reminders(user, kinds: set[str], now=None) -> None:
    """Turn on exactly these meeting reminder kinds, for every meeting the person goes to."""
    now = now or clock.now()
    for kind in MEETING_KINDS:
        services.remove(user.id, kind)
        if kind in kinds:
            services.upsert(user, kind, 0, None, EVERY_DAY, now)
    db.session.flush()
    for meeting in _meetings_of_interest(user.id):
        _sync_meeting(user, meeting, now)
    db.session.commit()


def _meetings_of_interest(user_id: int) -> list[Meeting]:
    followed = select(GroupFollow.group_id).where(GroupFollow.user_id == user_id)
    attended = select(Attendance.meeting_id).where(Attendance.user_id == user_id)
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.group_id.in_(followed) | Meeting.id.in_(attended))
        )
    )


def _sync_meeting(user, meeting: Meeting, now: datetime) -> None:
    for kind in MEETING_KINDS:
        switched_on = services.preference(user.id, kind) is not None
        if switched_on and meeting_reminders.is_relevant(user.id, meeting):
            services.upsert(user, kind, meeting.id, None, EVERY_DAY, now)
        else:
            db.session.execute(
                delete(ReminderPreference).where(
                    ReminderPreference.user_id == user.id,
                    ReminderPreference.kind == kind,
                    ReminderPreference.object_id == meeting.id,
                )
            )


def plans_changed(user, meetings: list[Meeting], now=None) -> None:
    """Follow a person's new follows, unfollows and RSVPs with their meeting reminders."""
    if not meeting_reminders_on(user.id):
        return
    for meeting in meetings:
        _sync_meeting(user, meeting, now or clock.now())
    db.session.commit()


def meeting_changed(meeting_id: int, now=None) -> None:
    """Recompute everyone's reminders of a meeting after its schedule changed or it went away."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        db.session.execute(
            delete(ReminderPreference).where(
                ReminderPreference.kind.in_(MEETING_KINDS),
                ReminderPreference.object_id == meeting_id,
            )
        )
        db.session.commit()
        return
    # Only people with meeting reminders on who follow the group or go to one of its dates.
    going = (
        select(GroupFollow.user_id)
        .where(GroupFollow.group_id == meeting.group_id)
        .union(select(Attendance.user_id).where(Attendance.meeting_id == meeting_id))
    )
    switched_on = select(ReminderPreference.user_id).where(
        ReminderPreference.kind.in_(MEETING_KINDS),
        ReminderPreference.object_id == 0,
        ReminderPreference.user_id.in_(going),
    )
    for user in db.session.scalars(select(User).where(User.id.in_(switched_on))):
        _sync_meeting(user, meeting, now or clock.now())
    db.session.commit()
