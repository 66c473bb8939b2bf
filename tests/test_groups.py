"""Groups and meetings through the pages: facilitators post, caregivers find and attend."""

import re
from datetime import date, datetime, time, timedelta
from functools import partial
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from group_helpers import WEEKLY_CHICAGO, make_group, make_meeting
from helpers import (
    PinnedDay,
    count_queries,
    count_statements,
    log_in,
    resolve_days,
    submit,
    today,
)
from sqlalchemy import func, select

from caregiver import clock
from caregiver.extensions import db
from caregiver.groups import alerts, attendance, meeting_services, services
from caregiver.groups import changes as date_changes
from caregiver.groups.models import (
    Attendance,
    GroupFollow,
    GroupNotice,
    Meeting,
    MeetingChange,
    SupportGroup,
)
from caregiver.outbox.models import OutboxMessage
from caregiver.reminders import jobs
from caregiver.reminders.messages import unsubscribe_token

pytestmark = pytest.mark.time_dependent

CHICAGO = ZoneInfo("America/Chicago")
EVERY_DAY = tuple(range(7))
FIRST_OF_NEXT_MONTH = PinnedDay(
    lambda day: (day.replace(day=1) + timedelta(days=32)).replace(day=1)
)
TWENTY_SEVENTH_OF_NEXT_MONTH = PinnedDay(
    lambda day: (day.replace(day=1) + timedelta(days=32)).replace(day=27)
)


def daily(group, **values):
    """A meeting every day at 19:00 Chicago, started a month ago: always one tomorrow."""
    values.setdefault("first_day", today() - timedelta(days=30))
    return make_meeting(group, weekdays=EVERY_DAY, **values)


def meeting_form(**changes):
    """The new-meeting form filled in as a facilitator would, with ``changes``."""
    data = {
        "name": "Thursday family circle",
        "repeat": "weekly",
        "weekdays": ["3"],
        "month_week": "1",
        "month_weekday": "1",
        "first_day": today().isoformat(),
        "last_day": "",
        "start_time": "19:00",
        "end_time": "20:30",
        "timezone": "America/Chicago",
        "mode": "in_person",
        "venue": "Library community room",
        "address": "12 Elm St",
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "country": "US",
        "location_notes": "Side door, room 4",
        "open_to_all": "yes",
        "language": "en",
    }
    data.update(changes)
    return data


def send_queued_mail(app):
    """What the scheduler does within half a minute: deliver what the requests queued."""
    app.config["BASE_URL"] = "http://localhost"  # the scheduler's links, outside a request
    return jobs.deliver_all()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def facilitator(make_user):
    return make_user(role="facilitator", name="Dana Facilitator")


@pytest.fixture
def group(facilitator):
    return make_group(facilitator, description="Parents and partners, all welcome.")


# Facilitators post meetings ---------------------------------------------------------------------


def test_facilitator_creates_a_group_and_a_meeting_that_families_then_find(client, facilitator):
    log_in(client, facilitator)
    response = submit(
        client,
        "/groups/new",
        {"name": "Riverside Families", "kind": "parents", "languages": ["en", "es"],
         "contact_email": "hello@example.org", "listed": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    group = db.session.scalar(select(SupportGroup))
    assert (group.slug, group.kind, group.languages) == ("riverside-families", "parents", "en,es")
    assert response.location.endswith(f"/groups/{group.slug}/meetings/new")

    response = submit(client, response.location, meeting_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.weekday_list, meeting.city, meeting.group_id) == ([3], "Springfield", group.id)

    client.post("/auth/logout", data={})
    visitor = client.application.test_client()
    page = visitor.get("/meetings/?q=riverside").get_data(as_text=True)
    assert "Thursday family circle" in page
    assert "Riverside Families" in visitor.get("/groups/").get_data(as_text=True)
    show = visitor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Side door, room 4" in show and "Every Thursday" in show
    assert "hello@example.org" not in show  # contact email is for signed-in people


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "18:00"}, "end_time", "must end after it starts"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "timezone"),
        # Days 1 to 27 of a month never hold a fifth Monday.
        ({"repeat": "monthly", "month_week": "5", "month_weekday": "0",
          "first_day": FIRST_OF_NEXT_MONTH, "last_day": TWENTY_SEVENTH_OF_NEXT_MONTH},
         "month_week", "never happens"),
        ({"mode": "online", "conference_url": "http://meet.example.org/x"}, "conference_url",
         "https://"),
        ({"city": ""}, "city", "Add the city"),
        ({"weekdays": []}, "weekdays", "at least one day"),
        ({"weekdays": ["²"]}, "weekdays", "at least one day"),
        ({"weekdays": ["3", "9"]}, "weekdays", "days of the week from the list"),
        ({"repeat": "monthly", "month_week": "99"}, "month_week", "which week and day"),
        ({"repeat": "monthly", "month_weekday": "9"}, "month_weekday", "which week and day"),
        ({"start_time": "7pm"}, "start_time", "like 08:30"),
        ({"first_day": "next week"}, "first_day", "Enter a date, like"),
        ({"first_day": "9999-12-31"}, "first_day", "Choose a date from 1900 to"),
        ({"last_day": "9999-12-31"}, "last_day", "Choose a date from 1900 to"),
        ({"first_day": "0001-01-01"}, "first_day", "Choose a date from 1900 to"),
        ({"mode": "hybrid", "conference_url": "https://["}, "conference_url", "https://"),
        # A link shown to everyone reaches the open feed, whose readers drop unknown services.
        ({"mode": "online", "conference_url": "https://meet.example.org/x", "link_public": "y"},
         "conference_url", "Meeting apps only show links from BlueJeans, "),
        ({"latitude": "north"}, "latitude", "number"),
        ({"name": ""}, "name", "name"),
    ],
)  # fmt: skip
def test_bad_meeting_input_gets_a_message_saves_nothing_and_keeps_what_was_typed(
    client, facilitator, group, changes, field, message
):
    log_in(client, facilitator)
    url = f"/groups/{group.slug}/meetings/new"
    response = submit(client, url, meeting_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert f'id="{field}-error"' in page
    assert count(Meeting) == 0
    assert "Side door, room 4" in page  # what was typed is still there
    assert 'value="Library community room"' in page


def test_preview_shows_the_next_five_dates_without_saving(client, facilitator, group):
    log_in(client, facilitator)
    data = meeting_form(repeat="monthly", month_week="-1", month_weekday="4")
    response = submit(client, f"/groups/{group.slug}/meetings/new", {**data, "preview": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Meeting) == 0
    assert page.count("Friday, ") >= 5
    # The same preview as a fragment, for the page's script.
    fragment = client.get(
        "/groups/meetings/preview", query_string={**data, "weekdays": "1", "repeat": "weekly"}
    ).get_data(as_text=True)
    assert fragment.count("Tuesday, ") == 5 and "7:00 PM" in fragment
    broken = client.get("/groups/meetings/preview", query_string={**data, "end_time": "18:00"})
    assert "must end after it starts" in broken.get_data(as_text=True)


def last_year_allowed() -> int:
    # Counted from the year in UTC: a form knows no timezone, and a day either way is nothing.
    return clock.now().year + 5


@pytest.mark.parametrize(
    "first_day",
    [
        "9999-12-31",
        "0001-01-01",
        "1899-12-31",
        PinnedDay(lambda _: date(last_year_allowed() + 1, 1, 1)),
    ],
)
def test_a_meeting_date_out_of_bounds_gets_a_message_in_the_preview_too(
    client, facilitator, group, first_day
):
    log_in(client, facilitator)
    message = f"Choose a date from 1900 to {last_year_allowed()}."
    data = resolve_days(meeting_form(first_day=first_day))
    response = submit(client, f"/groups/{group.slug}/meetings/new", {**data, "preview": "1"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    fragment = client.get("/groups/meetings/preview", query_string=data)
    assert fragment.status_code == 200 and message in fragment.get_data(as_text=True)
    assert count(Meeting) == 0
    late = {**data, "first_day": date(last_year_allowed(), 12, 31).isoformat()}
    fragment = client.get("/groups/meetings/preview", query_string=late)
    assert fragment.status_code == 200 and message not in fragment.get_data(as_text=True)


def test_edit_and_copy_a_meeting(client, facilitator, group):
    meeting = make_meeting(group)
    log_in(client, facilitator)
    form_page = client.get(f"/groups/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="St. Mark&#39;s Hall"' in form_page
    response = submit(
        client, f"/groups/meetings/{meeting.id}/edit", meeting_form(name="Renamed group")
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.name, meeting.weekday_list) == ("Renamed group", [3])
    copy_page = client.get(f"/groups/{group.slug}/meetings/new?copy={meeting.id}")
    assert "Renamed group (copy)" in copy_page.get_data(as_text=True)
    # An id no meeting can have is no copy at all, like one no meeting has.
    for copy in (2**31, 2**63, 10**30):
        blank = client.get(f"/groups/{group.slug}/meetings/new?copy={copy}")
        assert blank.status_code == 200 and "(copy)" not in blank.get_data(as_text=True)


def move_to_six(client, meeting, day: date, note: str = ""):
    """The facilitator moves one date of a 19:00 meeting to 18:00-19:00 the same day."""
    return submit(
        client, f"/groups/meetings/{meeting.id}/move",
        {"on_day": day.isoformat(), "new_day": day.isoformat(), "new_start": "18:00",
         "new_end": "19:00", "note": note},
        page=f"/groups/meetings/{meeting.id}/dates",
    )  # fmt: skip


def test_cancel_and_move_one_date_show_on_the_list_the_page_and_the_group(
    client, app, facilitator, group, make_user, mailbox
):
    meeting = daily(group)
    follower, attendee, quiet = make_user(), make_user(), make_user()
    attendance.follow(follower, group)
    attendance.follow(quiet, group, change_mail=False)
    day1 = today() + timedelta(days=2)
    day2 = today() + timedelta(days=3)
    attendance.attend(attendee, meeting, day1, False, clock.now())
    log_in(client, facilitator)

    response = submit(
        client, f"/groups/meetings/{meeting.id}/cancel",
        {"on_day": day1.isoformat(), "note": "Closed for the holiday"},
        page=f"/groups/meetings/{meeting.id}/dates",
    )  # fmt: skip
    assert response.status_code == 302
    moved_to = day2 + timedelta(days=1)
    response = move_to_six(client, meeting, day2, "Earlier this week")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]

    listing = app.test_client().get("/meetings/").get_data(as_text=True)
    assert "Cancelled</strong>: Closed for the holiday" in listing
    assert "Moved</strong> from" in listing and "Earlier this week" in listing
    page = app.test_client().get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "will not take place" in page and "instead" in page
    assert "Closed for the holiday" in app.test_client().get(f"/groups/{group.slug}").text

    # Followers and the person who planned to come heard; the one who turned mail off did not.
    assert send_queued_mail(app).sent == 3
    assert len(mailbox.to(follower.email)) == 2
    assert len(mailbox.to(attendee.email)) == 1
    assert mailbox.to(quiet.email) == []
    message = mailbox.last_to(attendee.email)
    assert message["Subject"] == "A schedule change"
    assert "Closed for the holiday" in message.get_body(("plain",)).get_content()
    assert moved_to  # the move kept its own day; only the time changed

    response = submit(
        client, f"/groups/meetings/{meeting.id}/restore/{day1.isoformat()}", {},
        page=f"/groups/meetings/{meeting.id}/dates",
    )  # fmt: skip
    assert response.status_code == 302
    assert count(MeetingChange) == 1


def told_in(moment: datetime, zone: str) -> str:
    """A change alert's date and time as a reader in ``zone`` reads it."""
    local, own = moment.astimezone(ZoneInfo(zone)), moment.astimezone(CHICAGO)
    words = f"{local:%A, %B %-d at %-I:%M %p}"
    if local.utcoffset() != own.utcoffset():
        words += f" your time ({own:%-I:%M %p %Z} where it meets)"
    return words


def test_change_alerts_tell_each_reader_their_own_time_and_stop_in_one_click(
    client, app, facilitator, group, make_user, mailbox
):
    meeting = daily(group)
    west, home, attendee = make_user(), make_user(), make_user()
    west.timezone = "America/Los_Angeles"
    db.session.commit()
    attendance.follow(west, group)
    attendance.follow(home, group)
    day = today() + timedelta(days=3)
    attendance.attend(attendee, meeting, day, False, clock.now())
    log_in(client, facilitator)
    assert move_to_six(client, meeting, day).status_code == 302
    assert "3 people will get an email." in client.get(f"/groups/meetings/{meeting.id}/dates").text
    assert send_queued_mail(app).sent == 3
    was = datetime.combine(day, time(19), CHICAGO)
    now_at = datetime.combine(day, time(18), CHICAGO)
    for person in (west, home):
        text = mailbox.last_to(person.email).get_body(("plain",)).get_content()
        zone = person.timezone
        assert f"the {told_in(was, zone)} meeting moves to {told_in(now_at, zone)}." in text
    assert "where it meets" not in mailbox.last_to(home.email).get_body(("plain",)).get_content()

    # A follower's copy stops that group's mail in one click (RFC 8058); the follow stays.
    message = mailbox.last_to(west.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = urlsplit(message["List-Unsubscribe"].split(",")[0].strip(" <>")).path
    assert one_click in message.get_body(("plain",)).get_content()
    # Someone told only because they planned to come follows nothing there to stop.
    only_coming = mailbox.last_to(attendee.email)
    assert only_coming["List-Unsubscribe"] is None
    assert "said you would come" in only_coming.get_body(("plain",)).get_content()
    visitor = app.test_client()
    assert "Stop these emails?" in visitor.get(one_click).text
    done = visitor.post(one_click, data="List-Unsubscribe=One-Click",
                        content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert done.status_code == 200 and "no more of these emails" in done.text
    db.session.expire_all()
    assert attendance.following(west, group.id).change_mail is False
    assert attendance.following(home, group.id).change_mail is True
    assert alerts.message_followers(group, facilitator, "Room 4 tonight") == 1
    send_queued_mail(app)
    assert [m["Subject"] for m in mailbox.to(west.email)] == ["A schedule change"]
    assert mailbox.last_to(home.email)["Subject"] == "A note from your group"
    assert "List-Unsubscribe" in mailbox.last_to(home.email)
    # A token naming no group is refused.
    forged = unsubscribe_token(west.id, "group", 0)
    assert visitor.post(f"/unsubscribe/{forged}").status_code == 400


def test_cancelling_a_date_the_series_does_not_have_is_refused(client, facilitator, group):
    meeting = make_meeting(group)  # Tuesdays only
    wednesday = today() + timedelta(days=(2 - today().weekday()) % 7 + 7)
    log_in(client, facilitator)
    response = submit(
        client, f"/groups/meetings/{meeting.id}/cancel",
        {"on_day": wednesday.isoformat(), "note": "Keep this note"},
        page=f"/groups/meetings/{meeting.id}/dates",
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "has no occurrence on" in page and "Keep this note" in page
    assert count(MeetingChange) == 0


def test_editing_the_time_tells_followers_and_drops_changes_of_dates_it_no_longer_has(
    client, app, facilitator, group, make_user, mailbox
):
    meeting = make_meeting(group)
    follower = make_user()
    attendance.follow(follower, group)
    tuesday = today() + timedelta(days=(1 - today().weekday()) % 7 + 7)
    date_changes.cancel_occurrence(meeting, tuesday, "")
    log_in(client, facilitator)
    response = submit(client, f"/groups/meetings/{meeting.id}/edit", meeting_form())
    assert response.status_code == 302
    assert count(MeetingChange) == 0
    send_queued_mail(app)
    assert "a new day or time" in mailbox.last_to(follower.email).get_body(("plain",)).get_content()


# Access ------------------------------------------------------------------------------------------


def _manage_urls(group, meeting):
    day = meeting_services.recurrence.next_day(
        meeting_services.recurrence.Rule.of(meeting), today()
    )
    gets = [
        f"/groups/{group.slug}/manage", f"/groups/{group.slug}/edit",
        f"/groups/{group.slug}/delete", f"/groups/{group.slug}/message",
        f"/groups/{group.slug}/meetings/new", f"/groups/{group.slug}/import",
        f"/groups/meetings/{meeting.id}/edit", f"/groups/meetings/{meeting.id}/delete",
        f"/groups/meetings/{meeting.id}/dates",
    ]  # fmt: skip
    posts = gets + [
        f"/groups/{group.slug}/facilitators",
        f"/groups/{group.slug}/facilitators/1/remove",
        f"/groups/meetings/{meeting.id}/cancel",
        f"/groups/meetings/{meeting.id}/move",
        f"/groups/meetings/{meeting.id}/restore/{day.isoformat()}",
    ]
    return gets, [p for p in posts if not p.endswith(("/manage", "/dates"))]


@pytest.mark.parametrize("role", ["caregiver", "facilitator"])
def test_people_who_do_not_run_a_group_get_403_or_404_when_unlisted(
    client, app, facilitator, make_user, role
):
    listed = make_group(facilitator, name="Open Door")
    hidden = make_group(facilitator, name="Quiet Room", listed=False)
    outsider = make_user(role=role)
    log_in(client, outsider)
    token = client.get("/account").get_data(as_text=True)
    csrf = token.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    for group, status in ((listed, 403), (hidden, 404)):
        meeting = make_meeting(group)
        gets, posts = _manage_urls(group, meeting)
        for url in gets:
            assert client.get(url).status_code == status, url
        for url in posts:
            response = client.post(url, data={"csrf_token": csrf, "on_day": today().isoformat()})
            assert response.status_code == status, url
    assert count(Meeting) == 2 and db.session.scalar(select(func.count(SupportGroup.id))) == 2


def test_unlisted_groups_stay_out_of_lists_and_feeds_but_open_by_link(client, facilitator):
    hidden = make_group(facilitator, name="Quiet Room", listed=False)
    meeting = daily(hidden, name="Hidden circle")
    assert "Hidden circle" not in client.get("/meetings/").get_data(as_text=True)
    assert "Quiet Room" not in client.get("/groups/").get_data(as_text=True)
    assert "Hidden circle" not in client.get("/meetings.json").get_data(as_text=True)
    assert client.get(f"/groups/{hidden.slug}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}").status_code == 200


def test_private_link_and_attendee_names_are_for_the_right_eyes_only(
    app, facilitator, group, make_user
):
    meeting = daily(
        group, mode="online", conference_url="https://meet.example.org/secret-room",
        conference_phone="+1 555 0100", venue="", address="", city="",
    )  # fmt: skip
    day = today() + timedelta(days=1)
    sharer, private = make_user(name="Alex Sharer"), make_user(name="Robin Private")
    attendance.attend(sharer, meeting, day, True, clock.now())
    attendance.attend(private, meeting, day, False, clock.now())

    visitor = app.test_client()
    page = visitor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "secret-room" not in page and "555 0100" not in page
    assert "Log in" in page
    for url in ("/meetings/", "/meetings.json", f"/meetings/{meeting.id}.ics", "/groups/"):
        text = visitor.get(url).get_data(as_text=True)
        assert "secret-room" not in text and "Alex Sharer" not in text, url

    caregiver = app.test_client()
    log_in(caregiver, make_user())
    page = caregiver.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "https://meet.example.org/secret-room" in page
    assert "Alex Sharer" not in page and "Robin Private" not in page

    runner = app.test_client()
    log_in(runner, facilitator)
    page = runner.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "2 plan to come: Alex Sharer" in page
    assert "Robin Private" not in page
    assert "Alex Sharer" in runner.get(f"/groups/meetings/{meeting.id}/dates").text


# Finding and attending ---------------------------------------------------------------------------


def test_finder_filters_by_place_kind_language_text_and_time_of_day(client, make_user):
    runner = make_user(role="facilitator")
    parents = make_group(runner, name="Parents Together", kind="parents")
    grief = make_group(runner, name="After Loss", kind="grief")
    daily(parents, name="Evening parents", city="Springfield")
    daily(
        parents, name="Morning online", mode="online", venue="", address="", city="",
        conference_url="https://meet.example.org/a", start_time=time(8), end_time=time(9),
    )  # fmt: skip
    daily(grief, name="Grupo en español", language="es", city="Shelbyville")

    def names(**query):
        page = client.get("/meetings/", query_string=query).get_data(as_text=True)
        return {n for n in ("Evening parents", "Morning online", "Grupo en español") if n in page}

    assert names() == {"Evening parents", "Morning online", "Grupo en español"}
    assert names(place="online") == {"Morning online"}
    assert names(place="in_person") == {"Evening parents", "Grupo en español"}
    assert names(kind="grief") == {"Grupo en español"}
    assert names(language="es") == {"Grupo en español"}
    assert names(q="shelby") == {"Grupo en español"}
    assert names(q="together") == {"Evening parents", "Morning online"}
    assert names(part="morning", tz="America/Chicago") == {"Morning online"}
    assert names(q="100%_") == set()
    tomorrow = (today() + timedelta(days=1)).weekday()
    assert names(day=str(tomorrow)) == {"Evening parents", "Morning online", "Grupo en español"}
    weekend = client.get("/meetings/?when=weekend").get_data(as_text=True)
    assert "Saturday" in weekend or "Sunday" in weekend or "Today" in weekend


def test_finder_shows_times_in_the_viewers_zone_with_the_meeting_clock_beside(
    client, facilitator, group
):
    daily(group, name="Chicago evening")
    page = client.get("/meetings/?tz=Europe/Berlin").get_data(as_text=True)
    assert "Europe/Berlin" in page or "Europe/Berlin".replace("_", " ") in page
    assert "2:00 AM" in page or "1:00 AM" in page
    assert "7:00 PM Chicago time" in page
    same_zone = client.get("/meetings/?tz=America/Chicago").get_data(as_text=True)
    assert "Chicago time)" not in same_zone
    # An unknown zone falls back to the default rather than failing.
    assert client.get("/meetings/?tz=Nowhere/Land").status_code == 200


def test_a_visitors_zone_comes_from_their_pick_or_their_browser_and_pages_agree(
    client, facilitator, group
):
    meeting = daily(group, name="Chicago evening")  # 19:00 in Chicago
    first = client.get("/meetings/").text
    # Nothing says where the visitor is yet: the default zone, marked for the page's script.
    assert 'data-zone-guess="America/New_York"' in first and "8:00 PM" in first
    assert first.count("<option") < 60 and len(first) < 20_000  # no list of every zone

    # The script keeps the browser's zone in a cookie; the finder and a meeting's page read it.
    client.set_cookie("caregiver_zone", "America/Los_Angeles")
    listed = client.get("/meetings/").text
    assert "data-zone-guess" not in listed and "Times are in Los Angeles time" in listed
    assert "5:00 PM" in listed and "8:00 PM" not in listed
    assert ">Pacific time (Los Angeles)</option>" in listed.split('id="tz"')[1]
    assert "5:00 PM" in client.get(f"/meetings/{meeting.id}").text
    client.set_cookie("caregiver_zone", "Nowhere/Land")  # not a zone: the default, a guess again
    assert 'data-zone-guess="America/New_York"' in client.get("/meetings/").text

    # A zone typed by its city wins over the list, and the meeting pages follow it.
    picked = client.get("/meetings/?tz=America/Chicago&tz_other=berlin")
    assert "Times are in Berlin time" in picked.text
    assert "caregiver_zone=Europe/Berlin" in picked.headers["Set-Cookie"]
    berlin = datetime.combine(today() + timedelta(days=1), time(19), CHICAGO).astimezone(
        ZoneInfo("Europe/Berlin")
    )
    assert f"{berlin:%-I:%M %p}" in client.get(f"/meetings/{meeting.id}").text
    unknown = unescape(client.get("/meetings/?tz=America/Chicago&tz_other=Atlantis").text)
    assert '<details class="more-filters" open>' in unknown
    assert re.search(r'id="tz-error">We don\'t know a timezone called “Atlantis”', unknown)


def later_section(html: str) -> str:
    """The finder's "Later" list, or "" when the page has none."""
    found = re.search(r'<section class="later-meetings".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_a_monthly_meeting_beyond_two_weeks_is_found_at_its_next_date(client, facilitator, group):
    daily(group, name="Every evening")
    target = today() + timedelta(days=25)
    make_meeting(
        group, name="Monthly family evening", repeat="monthly", weekdays=(),
        month_week=(target.day - 1) // 7 + 1, month_weekday=target.weekday(),
        first_day=today() - timedelta(days=60),
    )  # fmt: skip
    html = client.get("/meetings/?tz=America/Chicago").get_data(as_text=True)
    later = unescape(later_section(html))
    assert "Monthly family evening" in later and f"{target:%A, %B %-d}" in later
    assert "7:00 PM" in later
    assert "Every evening" not in later  # it meets in the two weeks, so it is listed above
    assert "Monthly family evening" not in html.split('<section class="later-meetings"')[0]
    # The filters still apply, and "tonight" or "this weekend" look no further.
    assert later_section(client.get("/meetings/?place=online").get_data(as_text=True)) == ""
    found = client.get("/meetings/?q=monthly").get_data(as_text=True)
    assert "Monthly family evening" in later_section(found)
    assert "No meetings match" not in found
    assert later_section(client.get("/meetings/?when=tonight").get_data(as_text=True)) == ""


def test_finder_pages_through_many_meetings_with_a_constant_number_of_queries(
    client, facilitator, group
):
    daily(group, name="Only one")
    few = count_queries(client, "/meetings/")
    for n in range(14):
        daily(group, name=f"Meeting {n:02}")
    many = count_queries(client, "/meetings/")
    assert few == many
    page1 = client.get("/meetings/").get_data(as_text=True)
    assert "Page 1 of" in page1 and 'rel="next"' in page1
    page2 = client.get("/meetings/?page=2").get_data(as_text=True)
    assert "Page 2 of" in page2 and 'rel="prev"' in page2
    assert client.get("/meetings/?page=999").status_code == 200


def offered_days(html: str) -> list[str]:
    """The dates a meeting's page offers to tick, in page order."""
    return re.findall(r'name="on_day" value="([0-9-]+)"', html)


def test_one_form_with_a_date_list_says_which_dates_you_will_come_to(
    client, app, facilitator, group, make_user
):
    meeting = daily(group)
    person = make_user()
    log_in(client, person)
    page = f"/meetings/{meeting.id}"
    html = client.get(page).text
    offered = offered_days(html)
    assert len(offered) >= 4  # the next five dates, less one that may be going on now
    assert html.count("I'll come</button>") == 1 and html.count('class="attend-form"') == 1
    first, second, third = offered[:3]
    says = partial(submit, client, f"{page}/attend", page=page, follow_redirects=True)

    done = says({"on_day": [first, second], "share_name": "y"}).text
    names = [f"{date.fromisoformat(d):%A, %B %-d}" for d in (first, second, third)]
    assert f"Noted: you plan to come on {names[0]} and {names[1]}." in done
    assert re.findall(r'name="on_day" value="([0-9-]+)" checked', done) == [first, second]
    assert re.search(r'<input checked[^>]* name="share_name"', done)  # the choice is kept
    assert "Save my dates</button>" in done and "You plan to go" in done
    assert "You plan to go" in client.get("/meetings/").text
    says({"on_day": [first, second], "share_name": "y"})  # twice: still one row a date
    assert count(Attendance) == 2

    # Unticking a date takes it back; ticking another adds it, in the same press.
    changed = says({"on_day": [second, third]}).text
    assert f"Noted: you plan to come on {names[2]}. Taken off your plans: {names[0]}." in changed
    rows = db.session.execute(select(Attendance.on_day, Attendance.share_name)).all()
    assert sorted(rows) == [(date.fromisoformat(second), False), (date.fromisoformat(third), False)]

    # A past date, a date the series lacks and a cancelled date are refused, and nothing changes.
    date_changes.cancel_occurrence(meeting, date.fromisoformat(offered[3]), "")
    for bad, message in (
        (today() - timedelta(days=5), "already happened"),
        (date.fromisoformat(offered[3]), "cancelled on that date"),
        (today() - timedelta(days=400), "no occurrence"),
    ):
        assert message in says({"on_day": [second, bad.isoformat()]}).text
    assert "could not be read" in says({"on_day": ["not-a-date"]}).text
    assert count(Attendance) == 2
    everything_off = says({}).text
    assert "Taken off your plans" in everything_off and count(Attendance) == 0
    assert "Tick the dates you plan to come to." in says({}).text


def test_follow_unfollow_and_mail_preference(client, facilitator, group, make_user):
    person = make_user()
    log_in(client, person)
    page = f"/groups/{group.slug}"
    submit(client, f"{page}/follow", {}, page=page)
    assert attendance.following(person, group.id).change_mail is True
    assert "You follow this group" in client.get(page).get_data(as_text=True)
    submit(client, f"{page}/follow", {"change_mail": "off"}, page=page)
    assert attendance.following(person, group.id).change_mail is False
    submit(client, f"{page}/unfollow", {}, page=page)
    assert attendance.following(person, group.id) is None
    assert client.post("/groups/nope/follow").status_code in (400, 404)


# Facilitator tools -------------------------------------------------------------------------------


def test_cofacilitators_added_by_email_and_the_last_one_stays(
    client, facilitator, group, make_user
):
    colleague = make_user(role="facilitator", email="colleague@example.org", name="Kim")
    caregiver = make_user(email="family@example.org")
    log_in(client, facilitator)
    page = f"/groups/{group.slug}/manage"
    url = f"/groups/{group.slug}/facilitators"
    text = submit(client, url, {"email": "family@example.org"}, page=page, follow_redirects=True)
    assert "no approved facilitator" in text.get_data(as_text=True)
    text = submit(client, url, {"email": "Colleague@Example.org"}, page=page, follow_redirects=True)
    assert "Kim can now run" in text.get_data(as_text=True)
    assert services.facilitates(colleague, group.id) and not services.facilitates(
        caregiver, group.id
    )
    remove = f"/groups/{group.slug}/facilitators/{facilitator.id}/remove"
    assert submit(client, remove, {}, page=page).status_code == 302
    assert not services.facilitates(facilitator, group.id)
    with pytest.raises(services.FieldError):
        services.remove_facilitator(group, colleague.id)


def test_message_followers_is_discreet_and_rate_limited(
    client, app, facilitator, group, make_user, mailbox
):
    follower = make_user()
    attendance.follow(follower, group)
    log_in(client, facilitator)
    url = f"/groups/{group.slug}/message"
    for n in range(3):
        response = submit(client, url, {"body": f"Parking lot is closed, use the side door {n}"})
        assert response.status_code == 302
    # The request only queues the mail (a group can have hundreds of followers).
    assert mailbox.to(follower.email) == []
    assert send_queued_mail(app).sent == 3
    message = mailbox.last_to(follower.email)
    assert message["Subject"] == "A note from your group"
    assert facilitator.display_name in message.get_body(("plain",)).get_content()
    assert "side door 2" in message.get_body(("plain",)).get_content()
    assert submit(client, url, {"body": "one more"}).status_code == 429
    assert len(mailbox.to(follower.email)) == 3
    empty = submit(client, f"/groups/{make_group(facilitator, name='Other').slug}/message", {})
    assert empty.status_code == 400 and "Write the message" in empty.get_data(as_text=True)


def test_delete_meeting_and_group_ask_first(client, facilitator, group):
    meeting = make_meeting(group)
    log_in(client, facilitator)
    assert "can't be undone" in client.get(f"/groups/meetings/{meeting.id}/delete").text
    assert count(Meeting) == 1
    submit(client, f"/groups/meetings/{meeting.id}/delete", {})
    assert count(Meeting) == 0
    assert "can't be undone" in client.get(f"/groups/{group.slug}/delete").text
    submit(client, f"/groups/{group.slug}/delete", {})
    assert count(SupportGroup) == 0


def test_facilitator_dashboard_lists_groups_dates_and_counts(app, facilitator, group, make_user):
    meeting = daily(group, name="Daily check-in group")
    day = today() + timedelta(days=1)
    attendance.attend(make_user(), meeting, day, False, clock.now())
    client = app.test_client()
    log_in(client, facilitator)
    page = client.get("/groups/manage").get_data(as_text=True)
    assert group.name in page and "Daily check-in group" in page
    assert f"{day:%a %b %-d}: 1 coming" in page


def test_reserved_and_repeated_group_names_get_their_own_links(facilitator):
    assert make_group(facilitator, name="New").slug == "new-group"
    assert make_group(facilitator, name="Springfield Families").slug == "springfield-families"
    assert make_group(facilitator, name="Springfield Families!").slug == "springfield-families-2"
    assert WEEKLY_CHICAGO.timezone == "America/Chicago"


def test_dashboard_shows_the_next_meetings_i_plan_to_attend(app, facilitator, group, make_user):
    meeting = daily(group, name="Daily check-in group")
    person = make_user()
    client = app.test_client()
    log_in(client, person)
    assert "Meetings tonight" in client.get("/dashboard").text
    soon, later = (today() + timedelta(days=n) for n in (2, 3))
    attendance.attend(person, meeting, later, False, clock.now())
    attendance.attend(person, meeting, soon, False, clock.now())
    date_changes.cancel_occurrence(meeting, later, "Snow day")
    page = client.get("/dashboard").text
    assert "Daily check-in group" in page and "Snow day" in page
    assert page.index(f"{soon:%A, %B %-d}") < page.index(f"{later:%A, %B %-d}")


def test_a_note_is_kept_once_and_not_sent_to_who_left_before_it_went_out(
    app, facilitator, group, make_user, mailbox
):
    staying, leaving = make_user(), make_user()
    attendance.follow(staying, group)
    attendance.follow(leaving, group)
    assert alerts.message_followers(group, facilitator, "We meet in room 4 tonight") == 2
    assert count(GroupNotice) == 1 and count(OutboxMessage) == 2
    attendance.unfollow(leaving, group)
    result = send_queued_mail(app)
    assert (result.sent, result.skip_reasons) == (1, {"no longer following": 1})
    assert [rcpts for rcpts, _m in mailbox.messages] == [[staying.email]]
    # Weeks later the daily cleanup drops the note's words with its sent mail.
    assert jobs.cleanup(clock.now() + timedelta(days=31))["group_notices"] == 1
    assert count(GroupNotice) == 0


def test_sending_a_note_reads_the_same_few_rows_for_3_followers_as_for_12(
    app, facilitator, group, make_user, mailbox
):
    def statements_to_send_a_note_to(followers: int) -> int:
        for _ in range(followers):
            attendance.follow(make_user(), group)
        alerts.message_followers(group, facilitator, "Bring a friend if you like")
        count, result = count_statements(lambda: send_queued_mail(app))
        assert result.sent == followers
        for follow in db.session.scalars(select(GroupFollow)).all():
            db.session.delete(follow)
        db.session.commit()
        return count

    assert statements_to_send_a_note_to(3) == statements_to_send_a_note_to(12)
    assert len(mailbox.messages) == 15
