"""Nights the clocks change: one rule for meeting times, the same on every page, calendar file,
reminder and feed, in three zones (one that shifts by half an hour); and .ics files that
calendar apps replace when a meeting's time changes.

Expected instants are worked out here from the zone's offsets, not from the app's own rule.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from group_helpers import make_group, make_meeting
from helpers import log_in, submit, today
from icalendar import Calendar
from pinned_clock import clock_change_day

from caregiver import clock
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import attendance, feed, meeting_services, recurrence, wall_clock
from caregiver.groups import changes as date_changes
from caregiver.groups.meeting_services import MeetingData
from caregiver.reminders import meeting_reminders
from caregiver.reminders.models import ReminderSettings

# A time each zone's spring-forward night skips, and one its autumn night has twice.
ZONES = {
    "America/New_York": (time(2, 30), time(1, 30)),  # 02:00 -> 03:00, 02:00 -> 01:00
    "Europe/London": (time(1, 30), time(1, 30)),  # 01:00 -> 02:00, 02:00 -> 01:00
    "Australia/Lord_Howe": (time(2, 15), time(1, 45)),  # 02:00 -> 02:30, 02:00 -> 01:30
}
HOUR = timedelta(hours=1)


def at_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The wall time read with the offset the day starts with (before the change, RFC 5545)."""
    offset = datetime.combine(day, time(), zone).utcoffset()
    return (datetime.combine(day, wall) - offset).replace(tzinfo=UTC)


def after_change(day: date, zone: ZoneInfo) -> timedelta:
    return datetime.combine(day + timedelta(days=1), time(), zone).utcoffset()


def plus_hour(wall: time) -> time:
    return (datetime.combine(date.min, wall) + HOUR).time()


def expanded(raw: bytes, start: datetime, end: datetime) -> list[tuple]:
    """(start, end) in UTC of every event recurring-ical-events finds starting in the window."""
    found = recurring_ical_events.of(Calendar.from_ical(raw)).between(start - HOUR * 48, end)
    spans = sorted((e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in found)
    return [span for span in spans if start <= span[0] < end]


def ours(meeting, start: datetime, end: datetime) -> list[tuple]:
    changes = date_changes.changes_for([meeting.id]).get(meeting.id, {})
    found = recurrence.occurrences(meeting.id, recurrence.Rule.of(meeting), changes, start, end)
    return [(o.start.astimezone(UTC), o.end.astimezone(UTC)) for o in found]


def ics(client, meeting) -> bytes:
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    return response.data.replace(b"\r\n ", b"")


def without_quiet_hours(user) -> None:
    settings = db.session.get(ReminderSettings, user.id) or ReminderSettings(user_id=user.id)
    settings.quiet_hours = False
    db.session.add(settings)
    db.session.commit()


@pytest.mark.parametrize("forward", [True, False], ids=["spring", "autumn"])
@pytest.mark.parametrize("zone_name", ZONES)
def test_a_series_on_a_clock_change_night_is_the_same_everywhere(
    client, make_user, pinned_clock, zone_name, forward
):
    zone = ZoneInfo(zone_name)
    day = clock_change_day(clock.now(), zone, forward=forward)
    wall = ZONES[zone_name][0 if forward else 1]
    # A skipped start is read with the offset before the jump and the meeting keeps its hour; a
    # repeated one is the first of the two, and the meeting ends at its end time on the clock.
    begins = at_utc(day, wall, zone)
    ends_on_clock = datetime.combine(day, plus_hour(wall)) - after_change(day, zone)
    expected = (begins, begins + HOUR if forward else ends_on_clock.replace(tzinfo=UTC))
    facilitator = make_user(role="facilitator")
    facilitator.timezone = zone_name
    group = make_group(facilitator)
    meeting = make_meeting(
        group, timezone=zone_name, weekdays=(day.weekday(),), start_time=wall,
        end_time=plus_hour(wall), first_day=day - timedelta(weeks=30),
    )  # fmt: skip
    window = (expected[0] - timedelta(days=15), expected[0] + timedelta(days=15))

    # Pages and calendar files.
    assert expected in ours(meeting, *window)
    assert expanded(ics(client, meeting), *window) == ours(meeting, *window)

    # Reminders: an hour before the real start.
    without_quiet_hours(facilitator)
    attendance.follow(facilitator, group)
    after = expected[0] - timedelta(days=2)
    assert meeting_reminders.next_reminder(
        facilitator.id, "meeting_hour_before", meeting, zone_name, after
    ) == (expected[0] - HOUR, day)

    # The feed's times and zone, read by the same rule.
    (entry,) = [
        e for e in client.get("/meetings.json").json if e["slug"].endswith(f"-{meeting.id}")
    ]
    assert entry["day"] == feed.spec_day(day.weekday()) and entry["timezone"] == zone_name
    start, end = time.fromisoformat(entry["time"]), time.fromisoformat(entry["end_time"])
    read = wall_clock.meeting_span(day, start, end, ZoneInfo(entry["timezone"]))
    assert tuple(moment.astimezone(UTC) for moment in read) == expected

    # The meeting's page, a few days before: the real start and end on the local clock.
    pinned_clock.move_to(expected[0] - timedelta(days=3))
    log_in(client, facilitator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    shown = [moment.astimezone(zone).strftime("%-I:%M %p") for moment in expected]
    assert shown[0] != shown[1] and all(words in page for words in shown), shown


def test_a_one_time_meeting_at_a_time_that_does_not_exist_is_refused_next_to_the_field(
    client, make_user
):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator)
    zone = ZoneInfo("America/New_York")
    day = clock_change_day(clock.now(), zone, forward=True)
    log_in(client, facilitator)
    form = {
        "name": "Spring night circle", "repeat": "once", "first_day": day.isoformat(),
        "start_time": "02:30", "end_time": "04:00", "timezone": "America/New_York",
        "mode": "online", "conference_url": "https://meet.example.org/j/1", "language": "en",
        "open_to_all": "yes", "month_week": "1", "month_weekday": "1",
    }  # fmt: skip
    response = submit(client, f"/groups/{group.slug}/meetings/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="start_time-error"' in page
    assert (
        f"2:30 AM doesn't exist on {day:%B %-d} in New York: clocks jump from 2:00 to 3:00. "
        "Choose another time."
    ) in page.replace("&#39;", "'")
    # An end in the gap is refused the same way; an existing hour that night is fine.
    data = MeetingData(
        name="Spring night circle", repeat="once", first_day=day, start_time=time(1),
        end_time=time(2, 15), timezone="America/New_York", mode="online",
        conference_url="https://meet.example.org/j/1",
    )  # fmt: skip
    with pytest.raises(FieldError) as refused:
        meeting_services.create_meeting(group, data)
    assert refused.value.field == "end_time" and "2:15 AM doesn't exist" in refused.value.message
    meeting = meeting_services.create_meeting(group, replace(data, end_time=time(3, 15)))
    (occurrence,) = ours(meeting, at_utc(day, time(), zone), at_utc(day, time(12), zone))
    assert occurrence == (at_utc(day, time(1), zone), at_utc(day, time(1), zone) + 75 * HOUR / 60)


@pytest.mark.parametrize(
    ("zone_name", "words"),
    [
        ("Europe/London", "1:30 AM doesn't exist on {day:%B %-d} in London: clocks jump from "
         "1:00 to 2:00. Choose another time."),
        ("Australia/Lord_Howe", "2:15 AM doesn't exist on {day:%B %-d} in Lord Howe: clocks "
         "jump from 2:00 to 2:30. Choose another time."),
    ],
)  # fmt: skip
def test_the_message_names_the_skipped_half_hour_or_hour(zone_name, words):
    day = clock_change_day(clock.now(), ZoneInfo(zone_name), forward=True)
    wall = ZONES[zone_name][0]
    assert wall_clock.missing_time(day, wall, zone_name) == words.format(day=day)
    assert wall_clock.missing_time(day, time(3), zone_name) is None
    fall = clock_change_day(clock.now(), ZoneInfo(zone_name), forward=False)
    assert wall_clock.missing_time(fall, ZONES[zone_name][1], zone_name) is None  # twice, not never


def test_moving_a_date_into_the_skipped_hour_is_refused(make_user):
    zone = ZoneInfo("America/New_York")
    spring = clock_change_day(clock.now(), zone, forward=True)
    meeting = make_meeting(
        make_group(make_user(role="facilitator")), timezone="America/New_York",
        weekdays=(spring.weekday(),), first_day=spring - timedelta(weeks=3),
    )  # fmt: skip
    with pytest.raises(FieldError) as refused:
        date_changes.move_occurrence(meeting, spring, spring, time(2, 30), time(3, 30), "")
    assert refused.value.field == "new_start"
    assert refused.value.message.startswith(f"2:30 AM doesn't exist on {spring:%B %-d}")
    assert meeting.sequence == 0


def test_a_meeting_moved_twice_has_sequence_2_and_calendars_see_the_new_time(client, make_user):
    meeting = make_meeting(make_group(make_user(role="facilitator")))
    raw = ics(client, meeting)
    assert b"SEQUENCE:0" in raw or b"SEQUENCE" not in raw
    host = urlsplit(client.application.config["BASE_URL"]).hostname
    assert f"UID:meeting-{meeting.id}@{host}\r\n".encode() in raw
    day = recurrence.next_day(recurrence.Rule.of(meeting), today() + timedelta(days=10))
    date_changes.move_occurrence(meeting, day, day, time(18), time(19), "")
    date_changes.move_occurrence(meeting, day, day + timedelta(days=1), time(17), time(18), "")
    calendar = Calendar.from_ical(ics(client, meeting))
    events = calendar.walk("VEVENT")
    assert [event["SEQUENCE"] for event in events] == [2, 2]
    stamp = meeting.updated_at.astimezone(UTC).replace(microsecond=0)
    assert all(event["LAST-MODIFIED"].dt == stamp == event["DTSTAMP"].dt for event in events)
    chicago = ZoneInfo("America/Chicago")
    new_start = datetime.combine(day + timedelta(days=1), time(17), chicago).astimezone(UTC)
    window = (new_start - timedelta(days=3), new_start + timedelta(days=3))
    spans = expanded(ics(client, meeting), *window)
    assert (new_start, new_start + HOUR) in spans
    assert spans == ours(meeting, *window)


def test_the_sequence_counts_changes_of_time_and_not_of_place(client, make_user):
    meeting = make_meeting(make_group(make_user(role="facilitator")))
    meeting_services.update_meeting(meeting, replace(MeetingData.of(meeting), venue="Annex"))
    assert meeting.sequence == 0
    for start in (time(18), time(18, 30)):
        meeting_services.update_meeting(meeting, replace(MeetingData.of(meeting), start_time=start))
    day = recurrence.next_day(recurrence.Rule.of(meeting), today() + timedelta(days=10))
    date_changes.cancel_occurrence(meeting, day, "")
    date_changes.restore_occurrence(meeting, day)
    assert meeting.sequence == 4
    assert b"SEQUENCE:4\r\n" in ics(client, meeting)
