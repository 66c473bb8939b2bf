"""One date of a meeting: cancelling it, moving it, putting it back, and reading the changes."""

from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caregiver import clock, events
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import recurrence, wall_clock
from caregiver.groups.models import Meeting, MeetingChange
from caregiver.i18n import format_when, gettext

NOTE_MAX = 300


def changes_for(meeting_ids) -> dict[int, dict[date, recurrence.Change]]:
    """Every one-date change of these meetings (a list or a subquery), by meeting and date."""
    found: dict[int, dict[date, recurrence.Change]] = {}
    rows = db.session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id.in_(meeting_ids))
    )
    for row in rows:
        found.setdefault(row.meeting_id, {})[row.on_day] = recurrence.Change(
            row.on_day, row.status, row.new_day, row.new_start, row.new_end, row.note
        )
    return found


def _check_change_day(meeting: Meeting, on_day: date | None) -> date:
    if on_day is None:
        raise FieldError("on_day", gettext("Choose the date to change."))
    if not recurrence.has_day(recurrence.Rule.of(meeting), on_day):
        raise FieldError(
            "on_day",
            gettext("This meeting has no occurrence on %(day)s.", day=format_when(on_day, "day")),
        )
    return on_day


def _change_row(meeting: Meeting, on_day: date) -> MeetingChange | None:
    return db.session.scalar(
        select(MeetingChange).where(
            MeetingChange.meeting_id == meeting.id, MeetingChange.on_day == on_day
        )
    )


def _save_change(meeting: Meeting, on_day: date, **values) -> MeetingChange:
    change = _change_row(meeting, on_day) or MeetingChange(meeting_id=meeting.id, on_day=on_day)
    for name, value in values.items():
        setattr(change, name, value)
    revised(meeting)
    db.session.add(change)
    db.session.commit()
    events.meeting_changed.send(meeting.id)
    return change


def revised(meeting: Meeting) -> None:
    """Mark a change to when a meeting happens, so calendars replace what they hold."""
    # RFC 5545 calendars keep the event with the highest SEQUENCE, then the latest stamp.
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = clock.now()


def refuse_missing_time(field: str, day: date, at: time, timezone: str) -> None:
    """FieldError on ``field`` when ``at`` is a time the clocks skip on that day."""
    if message := wall_clock.missing_time(day, at, timezone):
        raise FieldError(field, message)


def _check_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise FieldError(
            "note", gettext("Keep the note to %(limit)s characters or fewer.", limit=NOTE_MAX)
        )
    return note


def cancel_occurrence(meeting: Meeting, on_day: date | None, note: str) -> MeetingChange:
    """Cancel one date of a meeting, with a note people will see."""
    on_day = _check_change_day(meeting, on_day)
    return _save_change(
        meeting,
        on_day,
        status="cancelled",
        new_day=None,
        new_start=None,
        new_end=None,
        note=_check_note(note),
    )


def move_occurrence(
    meeting: Meeting,
    on_day: date | None,
    new_day: date | None,
    new_start: time | None,
    new_end: time | None,
    note: str,
) -> MeetingChange:
    """Move one date of a meeting to another day or time (in the meeting's timezone)."""
    on_day = _check_change_day(meeting, on_day)
    new_day = new_day or on_day
    new_start = new_start or meeting.start_time
    new_end = new_end or meeting.end_time
    if new_end <= new_start:
        raise FieldError("new_end", gettext("The meeting must end after it starts."))
    refuse_missing_time("new_start", new_day, new_start, meeting.timezone)
    refuse_missing_time("new_end", new_day, new_end, meeting.timezone)
    zone = ZoneInfo(meeting.timezone)
    if wall_clock.local_moment(new_day, new_start, zone) < clock.now():
        raise FieldError("new_day", gettext("Choose a new date and time that has not passed."))
    if (new_day, new_start, new_end) == (on_day, meeting.start_time, meeting.end_time):
        raise FieldError("new_day", gettext("Choose a different date or time to move it to."))
    return _save_change(
        meeting,
        on_day,
        status="moved",
        new_day=new_day,
        new_start=new_start,
        new_end=new_end,
        note=_check_note(note),
    )


def restore_occurrence(meeting: Meeting, on_day: date) -> bool:
    """Undo a cancellation or move: the date goes back to the series' own time."""
    change = _change_row(meeting, on_day)
    if change is None:
        return False
    db.session.delete(change)
    revised(meeting)
    db.session.commit()
    events.meeting_changed.send(meeting.id)
    return True
