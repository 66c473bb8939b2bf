"""Following groups and saying "I'll be there": who plans to come, and the person's plans."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from caregiver import events
from caregiver.auth.models import User
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import recurrence
from caregiver.groups.changes import changes_for
from caregiver.groups.models import Attendance, GroupFollow, Meeting, SupportGroup
from caregiver.groups.services import meetings_of
from caregiver.i18n import gettext


def following(user, group_id: int) -> GroupFollow | None:
    """The person's follow of a group, if they follow it."""
    if not user.is_authenticated:
        return None
    return db.session.get(GroupFollow, (user.id, group_id))


def follow(user: User, group: SupportGroup, change_mail: bool = True) -> None:
    """Follow a group (again): its meetings go in the person's calendar feed."""
    row = following(user, group.id) or GroupFollow(user_id=user.id, group_id=group.id)
    row.change_mail = change_mail
    db.session.add(row)
    db.session.commit()
    events.plans_changed.send(user, meetings=meetings_of(group.id))


def stop_mail(user_id: int, group_id: int) -> bool:
    """Turn off a followed group's mail (its unsubscribe link); False when not followed."""
    row = db.session.get(GroupFollow, (user_id, group_id))
    if row is None:
        return False
    row.change_mail = False
    db.session.commit()
    return True


def unfollow(user: User, group: SupportGroup) -> None:
    """Stop following a group."""
    db.session.execute(
        delete(GroupFollow).where(GroupFollow.user_id == user.id, GroupFollow.group_id == group.id)
    )
    db.session.commit()
    events.plans_changed.send(user, meetings=meetings_of(group.id))


def follower_count(group_id: int) -> int:
    """How many people follow a group."""
    return db.session.scalar(
        select(func.count()).select_from(GroupFollow).where(GroupFollow.group_id == group_id)
    )


def next_dates(meeting: Meeting, now: datetime, count: int = 5) -> list[recurrence.Occurrence]:
    """The meeting's next dates, the one going on now first if there is one."""
    changes = changes_for([meeting.id]).get(meeting.id, {})
    rule = recurrence.Rule.of(meeting)
    return recurrence.next_occurrences(meeting.id, rule, changes, now, count, under_way=True)


def open_days(dates: list[recurrence.Occurrence], now: datetime) -> list[date]:
    """Among these dates, the ones a person can still say they will come to (or take back):
    not cancelled and not begun."""
    return [o.on_day for o in dates if o.status != "cancelled" and o.start > now]


def _check_day(meeting: Meeting, on_day: date, now: datetime) -> None:
    rule = recurrence.Rule.of(meeting)
    if not recurrence.has_day(rule, on_day):
        raise FieldError("on_day", gettext("That meeting has no occurrence on that date."))
    change = changes_for([meeting.id]).get(meeting.id, {}).get(on_day)
    if change and change.status == "cancelled":
        raise FieldError("on_day", gettext("That meeting is cancelled on that date."))
    found = recurrence.occurrences(
        meeting.id,
        rule,
        {on_day: change} if change else {},
        now,
        now + timedelta(days=recurrence.HORIZON_DAYS),
    )
    if not any(o.on_day == on_day for o in found):
        raise FieldError("on_day", gettext("That meeting has already happened."))


def attend(
    user: User, meeting: Meeting, on_day: date | None, share_name: bool, now: datetime
) -> None:
    """Say "I'll be there" for one occurrence that is still to come and not cancelled."""
    if on_day is None:
        raise FieldError("on_day", gettext("That meeting has no occurrence on that date."))
    set_plans(user, meeting, {on_day}, [], share_name, now)


def set_plans(
    user: User,
    meeting: Meeting,
    chosen: set[date],
    offered: list[date],
    share_name: bool,
    now: datetime,
) -> tuple[list[date], list[date]]:
    """Make the person's plans for this meeting match what they ticked: each chosen date is
    checked and kept (with the name choice), each offered date left unticked is taken back.
    Returns the dates added and the dates taken back."""
    for on_day in sorted(chosen):
        _check_day(meeting, on_day, now)
    had = set(my_plans(user.id, meeting.id))
    taken_back = sorted((set(offered) - chosen) & had)
    for on_day in chosen:
        row = db.session.scalar(
            select(Attendance).where(
                Attendance.user_id == user.id,
                Attendance.meeting_id == meeting.id,
                Attendance.on_day == on_day,
            )
        ) or Attendance(user_id=user.id, meeting_id=meeting.id, on_day=on_day)
        row.share_name = share_name
        db.session.add(row)
    if taken_back:
        _take_back(user.id, meeting.id, taken_back)
    try:
        db.session.commit()
    except IntegrityError:  # the same tap arrived twice at once: one row is enough
        db.session.rollback()
    events.plans_changed.send(user, meetings=[meeting])
    return sorted(chosen - had), taken_back


def unattend(user: User, meeting: Meeting, on_day: date) -> None:
    """Take back an "I'll be there"."""
    _take_back(user.id, meeting.id, [on_day])
    db.session.commit()
    events.plans_changed.send(user, meetings=[meeting])


def _take_back(user_id: int, meeting_id: int, days: list[date]) -> None:
    db.session.execute(
        delete(Attendance).where(
            Attendance.user_id == user_id,
            Attendance.meeting_id == meeting_id,
            Attendance.on_day.in_(days),
        )
    )


def my_plans(user_id: int, meeting_id: int) -> dict[date, bool]:
    """The dates the person said they will come to this meeting, each with whether they let
    the facilitator see their name."""
    rows = db.session.execute(
        select(Attendance.on_day, Attendance.share_name).where(
            Attendance.user_id == user_id, Attendance.meeting_id == meeting_id
        )
    )
    return {on_day: share_name for on_day, share_name in rows}


def my_attendance(user_id: int, meeting_ids) -> set[tuple[int, date]]:
    """The (meeting, date) pairs the person said they will attend, among these meetings."""
    rows = db.session.execute(
        select(Attendance.meeting_id, Attendance.on_day).where(
            Attendance.user_id == user_id, Attendance.meeting_id.in_(meeting_ids)
        )
    )
    return {(meeting_id, on_day) for meeting_id, on_day in rows}


@dataclass
class Attendees:
    count: int = 0
    names: list[str] | None = None


def attendees(meeting_ids, first: date, last: date) -> dict[tuple[int, date], Attendees]:
    """Who plans to come, per (meeting, date): a count, and the names shared with facilitators."""
    rows = db.session.execute(
        select(Attendance.meeting_id, Attendance.on_day, Attendance.share_name, User.display_name)
        .join(User, User.id == Attendance.user_id)
        .where(
            and_(
                Attendance.meeting_id.in_(meeting_ids),
                Attendance.on_day >= first,
                Attendance.on_day <= last,
            )
        )
        .order_by(User.display_name)
    )
    found: dict[tuple[int, date], Attendees] = {}
    for meeting_id, on_day, share_name, name in rows:
        entry = found.setdefault((meeting_id, on_day), Attendees(names=[]))
        entry.count += 1
        if share_name:
            entry.names.append(name)
    return found


# The dashboard's meetings card asks on every visit: built once.
_PLANNED = (
    select(Attendance.on_day, Meeting)
    .join(Meeting, Meeting.id == Attendance.meeting_id)
    .where(Attendance.user_id == bindparam("user_id"), Attendance.on_day >= bindparam("since"))
    .order_by(Attendance.on_day)
    .limit(bindparam("rows"))
)


def plans_of(
    user_id: int, now: datetime, limit: int = 3
) -> list[tuple[Meeting, recurrence.Occurrence]]:
    """The next dates the person said they will attend, soonest first (cancelled ones marked)."""
    since = (now - timedelta(days=2)).date()
    rows = db.session.execute(
        _PLANNED, {"user_id": user_id, "since": since, "rows": limit * 4}
    ).all()
    changes = changes_for([meeting.id for _day, meeting in rows]) if rows else {}
    found = []
    for on_day, meeting in rows:
        change = changes.get(meeting.id, {}).get(on_day)
        occurrence = recurrence.occurrence_on(
            meeting.id, recurrence.Rule.of(meeting), on_day, change
        )
        if occurrence.end > now:
            found.append((meeting, occurrence))
    return sorted(found, key=lambda pair: pair[1].start)[:limit]
