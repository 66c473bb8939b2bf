"""Making groups and meetings in tests through the real services."""

from dataclasses import replace
from datetime import date, time, timedelta

from helpers import today

from caregiver.groups import meeting_services
from caregiver.groups import services as group_services
from caregiver.groups.meeting_services import MeetingData

WEEKLY_CHICAGO = MeetingData(
    name="Tuesday evening family group",
    repeat="weekly",
    weekdays=(1,),
    first_day=date.min,  # made a year before the pinned today by make_meeting
    start_time=time(19, 0),
    end_time=time(20, 30),
    timezone="America/Chicago",
    mode="in_person",
    venue="St. Mark's Hall",
    address="100 Main St",
    city="Springfield",
    region="IL",
    postal_code="62701",
    country="US",
    location_notes="Side door, room 4",
)


def make_group(facilitator, name="Springfield Families", **values):
    """A group run by ``facilitator`` (values: description, kind, languages, listed...)."""
    return group_services.create_group(facilitator, group_services.GroupData(name=name, **values))


def a_year_ago() -> date:
    """The Tuesday 52 weeks before the pinned today, or before that (a series' first day)."""
    day = today() - timedelta(weeks=52)
    return day - timedelta(days=(day.weekday() - 1) % 7)


def make_meeting(group, data: MeetingData = WEEKLY_CHICAGO, **changes):
    """A meeting of ``group``: the weekly Chicago meeting, held for a year now, unless changed."""
    if data.first_day == date.min:
        data = replace(data, first_day=a_year_ago())
    return meeting_services.create_meeting(group, replace(data, **changes))
