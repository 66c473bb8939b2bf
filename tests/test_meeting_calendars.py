"""Meeting calendars: .ics downloads and the private feed, checked against our own schedule.

Every file is read back with icalendar and expanded with recurring-ical-events, an independent
RFC 5545 implementation, and must give the same start and end instants as ``recurrence``.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import sqlalchemy as sa
from group_helpers import make_group, make_meeting
from helpers import log_in, raw_values, submit, today
from icalendar import Calendar
from pinned_clock import clock_change_day

from caregiver import clock
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.groups import attendance, recurrence
from caregiver.groups import changes as date_changes
from caregiver.groups.models import CalendarFeed

CHICAGO = ZoneInfo("America/Chicago")

pytestmark = pytest.mark.time_dependent
FEED_RE = re.compile(r"/calendar/([0-9a-f]{32})\.ics")
ONLINE = {
    "mode": "hybrid",
    "conference_url": "https://zoom.us/j/secret-room-8841",
    "conference_phone": "+1 312 555 0199",
    "conference_notes": "Passcode 4242",
}
PRIVATE_PARTS = (b"secret-room-8841", b"555 0199", b"Passcode 4242")


def unfolded(raw: bytes) -> bytes:
    """The file with RFC 5545 line folding undone, so a long value can be searched whole."""
    return raw.replace(b"\r\n ", b"")


def uid_of(client, meeting) -> str:
    """The UID a meeting's events share: tied to the host of the app's own address."""
    return f"meeting-{meeting.id}@{urlsplit(client.application.config['BASE_URL']).hostname}"


def download(client, url: str) -> tuple[bytes, Calendar]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.content_type == "text/calendar; charset=utf-8"
    return unfolded(response.data), Calendar.from_ical(response.data)


def expanded(calendar: Calendar, start: datetime, end: datetime) -> list[tuple]:
    """(start, end) in UTC of every occurrence a calendar app would show starting in the window."""
    found = recurring_ical_events.of(calendar).between(start - timedelta(days=2), end)
    spans = sorted((e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in found)
    return [span for span in spans if start <= span[0] < end]


def ours(meeting, start: datetime, end: datetime) -> list[tuple]:
    """(start, end) in UTC of the meeting's occurrences by our own rules, cancelled left out."""
    changes = date_changes.changes_for([meeting.id]).get(meeting.id, {})
    rule = recurrence.Rule.of(meeting)
    return [
        (o.start.astimezone(UTC), o.end.astimezone(UTC))
        for o in recurrence.occurrences(meeting.id, rule, changes, start, end)
        if o.status != "cancelled"
    ]


def make_link(client, flash="Your calendar link is ready.") -> str:
    """Press "Make a new link" on the calendar page; returns the token the page then shows."""
    response = submit(client, "/calendar/new", page="/calendar/")
    assert response.status_code == 302 and response.location.endswith("/calendar/")
    page = client.get("/calendar/").get_data(as_text=True)
    assert flash in page
    token = FEED_RE.search(page).group(1)
    base = client.application.config["BASE_URL"]  # links are on the app's own address
    assert f"webcal://{base.removeprefix('http://')}/calendar/{token}.ics" in page
    assert f"{base}/calendar/{token}.ics" in page
    return token


def next_day_of(meeting, after: date) -> date:
    return recurrence.next_day(recurrence.Rule.of(meeting), after)


def window() -> tuple[datetime, datetime]:
    """Twenty-six weeks from noon UTC on the pinned today."""
    start = datetime.combine(today(), time(12), UTC)
    return start, start + timedelta(weeks=26)


def weekday_after(weekday: int, day: date | None = None) -> date:
    """The first date after ``day`` (the pinned today) falling on ``weekday`` (0 = Monday)."""
    day = day or today()
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def eighth_of_next_month() -> date:
    """A first day that a monthly "first" or "last" weekday pattern can never fall on."""
    return (today().replace(day=1) + timedelta(days=32)).replace(day=8)


# Built when a test runs (the clock is pinned then), not when the module is imported.
SCHEDULES = {
    "weekly for a year": lambda: {},
    "Tuesday and Thursday": lambda: {"weekdays": (1, 3), "first_day": weekday_after(2)},
    # A first day off the pattern: a DTSTART on it would add an occurrence there.
    "last Friday monthly": lambda: {
        "repeat": "monthly",
        "month_week": -1,
        "month_weekday": 4,
        "first_day": eighth_of_next_month(),
    },
    "first Tuesday monthly": lambda: {
        "repeat": "monthly",
        "month_week": 1,
        "month_weekday": 1,
        "first_day": eighth_of_next_month(),
    },
    "ends on a last day": lambda: {
        "first_day": weekday_after(1),
        "last_day": weekday_after(1) + timedelta(weeks=11),
    },
    "one time": lambda: {"repeat": "once", "first_day": today() + timedelta(days=45)},
    "Saturday morning in New York": lambda: {
        "timezone": "America/New_York",
        "weekdays": (5,),
        "start_time": time(9, 30),
        "end_time": time(11, 0),
    },
}


@pytest.mark.parametrize("schedule", SCHEDULES.values(), ids=SCHEDULES.keys())
def test_calendar_apps_see_the_same_occurrences_we_do(client, make_user, schedule):
    meeting = make_meeting(make_group(make_user(role="facilitator")), **schedule())
    raw, calendar = download(client, f"/meetings/{meeting.id}.ics")
    start, end = window()
    expected = ours(meeting, start, end)
    assert expected, "the schedule should have occurrences in the window"
    assert expanded(calendar, start, end) == expected
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == meeting.timezone
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [meeting.timezone]
    if meeting.repeat == "once":
        assert b"RRULE" not in raw and "STATUS" not in event
    else:
        first = next_day_of(meeting, meeting.first_day)
        assert event.start == datetime.combine(
            first, meeting.start_time, ZoneInfo(meeting.timezone)
        )


def test_rrules_and_until_are_written_as_rfc_5545_wants(client, make_user):
    group = make_group(make_user(role="facilitator"))
    cases = [
        ({"weekdays": (1, 3)}, b"RRULE:FREQ=WEEKLY;BYDAY=TU,TH\r\n"),
        ({"repeat": "monthly", "month_week": 1, "month_weekday": 1}, b"BYDAY=1TU"),
        ({"repeat": "monthly", "month_week": -1, "month_weekday": 4}, b"BYDAY=-1FR"),
    ]
    # The end of the last day in Chicago, written in UTC: 05:59:59 (CST) or 04:59:59 (CDT) the
    # next morning.
    last = weekday_after(1, today() + timedelta(weeks=10))
    end = datetime.combine(last + timedelta(days=1), time(), CHICAGO) - timedelta(seconds=1)
    cases.append(({"last_day": last}, f"UNTIL={end.astimezone(UTC):%Y%m%dT%H%M%SZ}".encode()))
    for changes, expected in cases:
        raw, _calendar = download(client, f"/meetings/{make_meeting(group, **changes).id}.ics")
        assert expected in raw, raw.decode()


def test_a_weekly_meeting_stays_at_seven_pm_local_on_both_sides_of_dst(client, make_user):
    meeting = make_meeting(make_group(make_user(role="facilitator")))
    raw, calendar = download(client, f"/meetings/{meeting.id}.ics")
    assert f"DTSTART;TZID=America/Chicago:{meeting.first_day:%Y%m%d}T190000\r\n".encode() in raw
    # One exact length for every date, where a DTEND would be read on each date's wall clock.
    assert b"DURATION:PT1H30M\r\n" in raw and b"DTEND" not in raw
    # Thirteen weeks each side of the next time Chicago's clocks spring forward (a Sunday).
    change = clock_change_day(clock.now(), CHICAGO, forward=True)
    start = datetime.combine(change - timedelta(weeks=13), time(), UTC)
    spans = expanded(calendar, start, start + timedelta(weeks=26))
    assert {start.astimezone(CHICAGO).time() for start, _end in spans} == {time(19)}
    # 19:00 CST is 01:00 UTC the next day; 19:00 CDT is 00:00 UTC.
    before, after = change - timedelta(days=5), change + timedelta(days=2)  # the Tuesdays
    utc = [datetime.combine(day + timedelta(days=1), at, UTC) for day, at in
           ((before, time(1)), (after, time(0)))]  # fmt: skip
    assert (utc[0], utc[0] + timedelta(minutes=90)) in spans
    assert (utc[1], utc[1] + timedelta(minutes=90)) in spans
    # The VTIMEZONE itself, read without the IANA name, knows both offsets.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    zone = vtimezone.to_tz(lookup_tzid=False)
    assert datetime.combine(before, time(19), zone).utcoffset() == timedelta(hours=-6)
    assert datetime.combine(after, time(19), zone).utcoffset() == timedelta(hours=-5)


def test_a_cancelled_date_is_gone_and_a_moved_one_shows_at_its_new_time(client, make_user):
    meeting = make_meeting(make_group(make_user(role="facilitator")))
    # move_occurrence refuses a time that has passed, so the dates follow the pinned clock.
    cancelled = next_day_of(meeting, today() + timedelta(days=14))
    moved = next_day_of(meeting, cancelled + timedelta(days=14))
    date_changes.cancel_occurrence(meeting, cancelled, "Closed for the holiday")
    date_changes.move_occurrence(
        meeting, moved, moved + timedelta(days=2), time(18), time(19, 30), "Room 4 is painted"
    )
    start = datetime.combine(today(), time(), UTC)
    end = start + timedelta(weeks=26)
    raw, calendar = download(client, f"/meetings/{meeting.id}.ics")
    spans = expanded(calendar, start, end)
    assert spans == ours(meeting, start, end)

    starts = [s.astimezone(CHICAGO) for s, _e in spans]
    assert datetime.combine(cancelled, time(19), CHICAGO) not in starts
    assert datetime.combine(moved, time(19), CHICAGO) not in starts
    assert datetime.combine(moved + timedelta(days=2), time(18), CHICAGO) in starts
    series, override = calendar.walk("VEVENT")
    assert series["UID"] == override["UID"] == uid_of(client, meeting)
    assert [d.dt for d in series["EXDATE"].dts] == [datetime.combine(cancelled, time(19), CHICAGO)]
    assert override["RECURRENCE-ID"].dt == datetime.combine(moved, time(19), CHICAGO)
    assert override["RECURRENCE-ID"].params["TZID"] == "America/Chicago"
    assert "Room 4 is painted" in override["DESCRIPTION"]
    assert "RRULE" not in override


def test_a_cancelled_one_time_meeting_says_so(client, make_user):
    day = today() + timedelta(days=20)
    meeting = make_meeting(make_group(make_user(role="facilitator")), repeat="once", first_day=day)
    date_changes.cancel_occurrence(meeting, day, "The hall flooded")
    raw, calendar = download(client, f"/meetings/{meeting.id}.ics")
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and "The hall flooded" in event["DESCRIPTION"]
    assert b"RRULE" not in raw and b"EXDATE" not in raw


def test_a_moved_one_time_meeting_is_one_event_at_its_new_time(client, make_user):
    day = today() + timedelta(days=20)
    meeting = make_meeting(make_group(make_user(role="facilitator")), repeat="once", first_day=day)
    new_day = day + timedelta(days=1)
    date_changes.move_occurrence(meeting, day, new_day, time(10), time(11), "Morning instead")
    _raw, calendar = download(client, f"/meetings/{meeting.id}.ics")
    (event,) = calendar.walk("VEVENT")
    assert event.start == datetime.combine(new_day, time(10), CHICAGO)
    assert "RECURRENCE-ID" not in event and "Morning instead" in event["DESCRIPTION"]
    start = datetime.combine(today(), time(), UTC)
    end = start + timedelta(weeks=8)
    assert expanded(calendar, start, end) == ours(meeting, start, end)


def test_the_file_describes_the_meeting_and_its_place(client, make_user):
    group = make_group(make_user(role="facilitator"), "Springfield Families", listed=False)
    meeting = make_meeting(group, notes="Bring a friend.", latitude=39.8, longitude=-89.65)
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'inline; filename="tuesday-evening-family-group.ics"'
    )
    assert response.headers["Cache-Control"] == "private, max-age=300"
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] and calendar["X-WR-CALNAME"] == meeting.name
    (event,) = calendar.walk("VEVENT")
    assert event["SUMMARY"] == meeting.name
    assert event["DTSTAMP"].dt == meeting.updated_at.replace(microsecond=0)
    assert event["LOCATION"] == "St. Mark's Hall, 100 Main St, Springfield, IL 62701, US"
    text = event["DESCRIPTION"]
    assert "Springfield Families" in text and "Bring a friend." in text
    page_url = f"{client.application.config['BASE_URL']}/meetings/{meeting.id}"
    assert "Side door, room 4" in text and page_url in text
    # A calendar app asking again gets "not modified" while nothing changed.
    again = client.get(
        f"/meetings/{meeting.id}.ics", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get(f"/meetings/{meeting.id + 1000}.ics").status_code == 404


@pytest.mark.parametrize("link_public", [False, True])
def test_the_joining_link_is_for_signed_in_people_unless_made_public(
    app, client, make_user, link_public
):
    meeting = make_meeting(
        make_group(make_user(role="facilitator")), link_public=link_public, **ONLINE
    )
    url = f"/meetings/{meeting.id}.ics"
    visitor, _calendar = download(app.test_client(), url)
    for part in PRIVATE_PARTS:
        assert (part in visitor) is link_public
    if not link_public:
        assert b"log in to Caregiver" in visitor
    log_in(client, make_user())
    member, _calendar = download(client, url)
    assert all(part in member for part in PRIVATE_PARTS)


def test_the_feed_has_followed_groups_and_attended_meetings_and_nothing_else(
    app, client, make_user
):
    facilitator = make_user(role="facilitator")
    followed = make_group(facilitator, "Followed Families", listed=False)
    other = make_group(facilitator, "Other Families")
    weekly = make_meeting(followed, name="Followed weekly")
    monthly = make_meeting(
        followed,
        name="Followed monthly",
        repeat="monthly",
        month_week=-1,
        month_weekday=4,
        timezone="America/New_York",
    )
    attended = make_meeting(other, name="Attended Thursday", weekdays=(3,), **ONLINE)
    not_mine = make_meeting(other, name="Not mine")
    me, someone = make_user(), make_user()
    attendance.follow(me, followed)
    on_day = next_day_of(attended, today() + timedelta(days=7))
    attendance.attend(me, attended, on_day, False, clock.now())
    attendance.follow(someone, other)
    date_changes.cancel_occurrence(weekly, next_day_of(weekly, today() + timedelta(days=30)), "")

    log_in(client, me)
    assert "Right now that's 3 meetings." in client.get("/calendar/").get_data(as_text=True)
    token = make_link(client)
    calendar_app = app.test_client()  # it has no log-in cookie
    response = calendar_app.get(f"/calendar/{token}.ics")
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers
    raw, calendar = download(calendar_app, f"/calendar/{token}.ics")
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert uids == {uid_of(client, m) for m in (weekly, monthly, attended)}
    assert not_mine.name.encode() not in raw
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "America/Chicago",
        "America/New_York",
    }
    # The feed is the person's own: joining links are in it.
    assert all(part in raw for part in PRIVATE_PARTS)
    assert calendar["X-WR-CALNAME"] == "Caregiver meetings"
    start, end = window()
    expected = sorted(span for m in (weekly, monthly, attended) for span in ours(m, start, end))
    assert expanded(calendar, start, end) == expected


def test_no_names_of_people_appear_in_any_calendar_file(app, client, make_user):
    facilitator = make_user(role="facilitator", name="Fiona Facilitatorname")
    meeting = make_meeting(make_group(facilitator), **ONLINE)
    attendee = make_user(name="Rosalind Quietname")
    on_day = next_day_of(meeting, today() + timedelta(days=1))
    attendance.attend(attendee, meeting, on_day, True, clock.now())
    attendance.follow(attendee, meeting.group)

    log_in(client, facilitator)  # the facilitator sees shared names on the meeting's page
    files = [download(client, f"/meetings/{meeting.id}.ics")[0]]
    files.append(download(app.test_client(), f"/meetings/{meeting.id}.ics")[0])
    attendee_client = app.test_client()
    log_in(attendee_client, attendee)
    token = make_link(attendee_client)
    files.append(download(app.test_client(), f"/calendar/{token}.ics")[0])
    names = db.session.scalars(sa.select(User.display_name)).all()
    assert "Rosalind Quietname" in names
    for raw in files:
        for name in names:
            assert name.encode() not in raw
        assert b"ATTENDEE" not in raw and b"ORGANIZER" not in raw


def test_a_new_link_replaces_the_old_one_and_revoking_ends_it(app, client, make_user):
    me = make_user()
    log_in(client, me)
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Make my calendar link" in page and not FEED_RE.search(page)
    calendar_app = app.test_client()

    old = make_link(client)
    assert calendar_app.get(f"/calendar/{old}.ics").status_code == 200
    # Only a digest is stored: the database alone cannot open the feed.
    assert old.encode() not in raw_values(db.engine)

    new = make_link(client, flash="The old one no longer works.")
    assert new != old
    assert calendar_app.get(f"/calendar/{old}.ics").status_code == 404
    assert calendar_app.get(f"/calendar/{new}.ics").status_code == 200

    page = client.get("/calendar/").get_data(as_text=True)
    assert 'data-confirm="Turn off your calendar link?' in page
    response = submit(client, "/calendar/revoke", page="/calendar/")
    assert response.status_code == 302
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Your calendar link is turned off." in page and not FEED_RE.search(page)
    assert calendar_app.get(f"/calendar/{new}.ics").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_unknown_tokens_answer_not_found(client):
    assert client.get(f"/calendar/{'0' * 32}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_calendar_page_needs_log_in_and_shows_only_my_own_link(app, client, make_user):
    response = client.get("/calendar/")
    assert response.status_code == 302 and "/auth/login" in response.location
    response = submit(client, "/calendar/new", page="/auth/login")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0

    alice, bob = make_user(), make_user()
    alice_client, bob_client = app.test_client(), app.test_client()
    log_in(alice_client, alice)
    log_in(bob_client, bob)
    alice_token, bob_token = make_link(alice_client), make_link(bob_client)
    alice_page = alice_client.get("/calendar/").get_data(as_text=True)
    bob_page = bob_client.get("/calendar/").get_data(as_text=True)
    assert FEED_RE.findall(alice_page) == [alice_token, alice_token]
    assert FEED_RE.findall(bob_page) == [bob_token, bob_token]


def test_the_account_page_links_to_the_calendar_page(client, login):
    login()
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/calendar/"' in page
