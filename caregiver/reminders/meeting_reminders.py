"""Meeting reminders: the day before and an hour before, for the meetings a person follows (all
dates of their group) or said they will attend (those dates).

A reminder's time is the app's choice, not the person's, so quiet hours apply: one that would fall
inside them moves to their end, or is dropped when that would be after the meeting has begun.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caregiver.extensions import db
from caregiver.groups import recurrence
from caregiver.groups.changes import changes_for
from caregiver.groups.models import Attendance, GroupFollow, Meeting
from caregiver.reminders import schedule
from caregiver.reminders.models import ReminderSettings

LEAD = {"meeting_day_before": timedelta(days=1), "meeting_hour_before": timedelta(hours=1)}
LOOK_AHEAD = timedelta(days=70)


def follows(user_id: int, meeting: Meeting) -> bool:
    return db.session.get(GroupFollow, (user_id, meeting.group_id)) is not None


def attending_days(user_id: int, meeting_id: int) -> set[date]:
    return set(
        db.session.scalars(
            select(Attendance.on_day).where(
                Attendance.user_id == user_id, Attendance.meeting_id == meeting_id
            )
        )
    )


def is_relevant(user_id: int, meeting: Meeting) -> bool:
    """Whether the person follows the meeting's group or plans to attend any of its dates."""
    return follows(user_id, meeting) or bool(attending_days(user_id, meeting.id))


def reminder_instant(
    start: datetime, kind: str, zone: ZoneInfo, settings: ReminderSettings | None
) -> datetime | None:
    """When to remind of a meeting starting at ``start``; None when quiet hours leave no time."""
    # Counted in real time: on the wall clock, an hour before 03:30 on a spring-forward night
    # is 02:30, a time that never comes.
    at = start.astimezone(UTC) - LEAD[kind]
    if settings is None or not settings.quiet_hours:
        return at
    local = at.astimezone(zone)
    if not schedule.in_quiet_hours(local.time(), settings.quiet_from, settings.quiet_until):
        return at
    end = schedule.local_instant(local.date(), settings.quiet_until, zone)
    if end < at:
        end = schedule.local_instant(local.date() + timedelta(days=1), settings.quiet_until, zone)
    return end if end < start else None


def next_reminder(
    user_id: int,
    kind: str,
    meeting: Meeting,
    timezone: str,
    after: datetime,
    from_day: date | None = None,
) -> tuple[datetime, date] | None:
    """The next (instant, occurrence date) to remind of after ``after``, or None."""
    every_date = follows(user_id, meeting)
    wanted = None if every_date else attending_days(user_id, meeting.id)
    if wanted is not None and not wanted:
        return None
    settings = db.session.get(ReminderSettings, user_id)
    zone = ZoneInfo(timezone)
    rule = recurrence.Rule.of(meeting)
    changes = changes_for([meeting.id]).get(meeting.id, {})
    window_end = after + LEAD[kind] + LOOK_AHEAD
    for occurrence in recurrence.occurrences(meeting.id, rule, changes, after, window_end):
        if occurrence.status == "cancelled":
            continue
        if wanted is not None and occurrence.on_day not in wanted:
            continue
        if from_day is not None and occurrence.on_day < from_day:
            continue
        at = reminder_instant(occurrence.start, kind, zone, settings)
        if at is not None and at > after:
            return at, occurrence.on_day
    return None


def occurrence_of(meeting: Meeting, on_day: date) -> recurrence.Occurrence:
    """The occurrence a reminder names, as it stands now (moved or cancelled since?)."""
    change = changes_for([meeting.id]).get(meeting.id, {}).get(on_day)
    return recurrence.occurrence_on(meeting.id, recurrence.Rule.of(meeting), on_day, change)
