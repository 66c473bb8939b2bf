"""What facilitators and group pages show: each meeting with its next dates and RSVP counts.

A fixed number of SQL statements however many groups and meetings: meetings, their changes,
then RSVPs in the dates shown.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from caregiver.extensions import db
from caregiver.groups import attendance, recurrence, services
from caregiver.groups.changes import changes_for
from caregiver.groups.models import GroupFacilitator, Meeting, SupportGroup

SHOWN_DATES = 3


@dataclass
class MeetingSummary:
    meeting: Meeting
    rule_text: str
    upcoming: list[recurrence.Occurrence]
    attendees: dict = field(default_factory=dict)  # on_day -> attendance.Attendees


@dataclass
class GroupSummary:
    group: SupportGroup
    meetings: list[MeetingSummary]


def _summaries(meetings: list[Meeting], now: datetime, with_counts: bool) -> list[MeetingSummary]:
    changes = changes_for([m.id for m in meetings]) if meetings else {}
    found = []
    for meeting in meetings:
        rule = recurrence.Rule.of(meeting)
        upcoming = recurrence.next_occurrences(
            meeting.id, rule, changes.get(meeting.id, {}), now, SHOWN_DATES, under_way=True
        )
        found.append(MeetingSummary(meeting, recurrence.describe(rule), upcoming))
    days = [o.on_day for summary in found for o in summary.upcoming]
    if with_counts and days:
        people = attendance.attendees([m.id for m in meetings], min(days), max(days))
        for summary in found:
            summary.attendees = {
                o.on_day: people[(summary.meeting.id, o.on_day)]
                for o in summary.upcoming
                if (summary.meeting.id, o.on_day) in people
            }
    return found


def next_of_each(group: SupportGroup, now: datetime, with_counts: bool = False):
    """A group's meetings, each with its next few dates (and RSVPs, for its facilitators)."""
    return _summaries(services.meetings_of(group.id), now, with_counts)


def facilitator_dashboard(user_id: int, now: datetime) -> list[GroupSummary]:
    """Every group a facilitator runs, with its meetings' next dates and RSVP counts."""
    groups = services.groups_run_by(user_id)
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .join(GroupFacilitator, GroupFacilitator.group_id == Meeting.group_id)
            .where(GroupFacilitator.user_id == user_id)
            .order_by(Meeting.name)
        )
    )
    summaries = _summaries(meetings, now, with_counts=True)
    return [
        GroupSummary(group, [s for s in summaries if s.meeting.group_id == group.id])
        for group in groups
    ]
