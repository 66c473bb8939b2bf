"""A meeting stays findable while it is going on: from its first minute to its last, in the
finder, on its group's page, on its own page and on the dashboard card, with the way in for those
allowed to see it. The clock is moved through the meeting's minutes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from group_helpers import make_group, make_meeting
from helpers import log_in, submit, today
from pinned_clock import clock_change_day

from caregiver import clock

pytestmark = pytest.mark.time_dependent

CHICAGO = ZoneInfo("America/Chicago")
ONLINE = {"mode": "hybrid", "conference_url": "https://meet.example.org/j/late-room"}
# The viewer's zone (the meeting's own) and another, nine time zones further east.
ZONES = ("America/Chicago", "Europe/Berlin")


def finder(client, zone: str, when: str = "") -> str:
    return client.get("/meetings/", query_string={"tz": zone, "when": when}).get_data(True)


def happening(html: str, name: str) -> str | None:
    """The "Happening now" line of the card for meeting ``name``, if the page lists it so."""
    for card in html.split('<li class="card meeting-card')[1:]:
        if f">{name}</a>" in card and "Happening now" in card:
            return card.split("<strong>Happening now</strong>, ")[1].split(".")[0]
    return None


def minutes_of(meeting_start: datetime, meeting_end: datetime):
    """The moments a test looks at: the first minute, the next, the middle, the last minute."""
    middle = meeting_start + (meeting_end - meeting_start) / 2
    return [
        (meeting_start, "started just now"),
        (meeting_start + timedelta(minutes=1), "started 1 min ago"),
        (middle, None),
        (meeting_end - timedelta(minutes=1), None),
    ]


def started_text(minutes: int) -> str:
    if minutes < 60:
        return f"started {minutes} min ago"
    hours, rest = divmod(minutes, 60)
    return f"started {hours} hr" + (f" {rest} min" if rest else "") + " ago"


def check_listed_throughout(client, pinned_clock, name, start, end):
    for moment, label in minutes_of(start, end):
        pinned_clock.move_to(moment)
        expected = label or started_text(int((moment - start).total_seconds() // 60))
        for zone in ZONES:
            assert happening(finder(client, zone), name) == expected, (moment, zone)
            assert happening(finder(client, zone, "tonight"), name) == expected, (moment, zone)
    pinned_clock.move_to(end)  # its last minute is over: no longer going on
    for zone in ZONES:
        assert happening(finder(client, zone), name) is None


def test_an_evening_meeting_is_listed_from_its_first_minute_to_its_last(
    client, make_user, pinned_clock
):
    group = make_group(make_user(role="facilitator"))
    make_meeting(group, name="Daily circle", weekdays=tuple(range(7)))  # 19:00-20:30 Chicago
    day = today() + timedelta(days=1)
    start = datetime.combine(day, time(19), CHICAGO)
    check_listed_throughout(
        client, pinned_clock, "Daily circle", start, start + timedelta(hours=1.5)
    )


@pytest.mark.parametrize("forward", [True, False], ids=["spring-forward", "fall-back"])
def test_a_meeting_across_a_clock_change_is_listed_for_its_real_length(
    client, make_user, pinned_clock, forward
):
    day = clock_change_day(clock.now(), CHICAGO, forward)
    make_meeting(
        make_group(make_user(role="facilitator")),
        name="Night owls",
        repeat="once",
        first_day=day,
        start_time=time(0, 30),
        end_time=time(3, 30),
    )
    # Three hours on the clock: two of real time in spring, four in the fall.
    real_start = datetime.combine(day, time(0, 30), CHICAGO).astimezone(UTC)
    real_end = datetime.combine(day, time(3, 30), CHICAGO).astimezone(UTC)
    assert real_end - real_start == timedelta(hours=2 if forward else 4)
    check_listed_throughout(client, pinned_clock, "Night owls", real_start, real_end)


def test_a_meeting_going_on_shows_on_every_page_with_its_way_in_for_those_allowed(
    app, client, make_user, pinned_clock
):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator, name="Harbor Families")
    meeting = make_meeting(group, name="Harbor online", weekdays=tuple(range(7)), **ONLINE)
    person = make_user()
    day = today() + timedelta(days=1)
    page = f"/meetings/{meeting.id}"
    log_in(client, person)
    submit(client, f"{page}/attend", {"on_day": day.isoformat()}, page=page)
    pinned_clock.move_to(datetime.combine(day, time(19, 25), CHICAGO))
    member = app.test_client()  # a day later, on the phone they use then
    log_in(member, person)

    visitor = app.test_client()
    for html in (finder(visitor, "America/Chicago"), visitor.get(page).get_data(True),
                 visitor.get(f"/groups/{group.slug}").get_data(True)):  # fmt: skip
        assert "<strong>Happening now</strong>, started 25 min ago" in html
        assert "late-room" not in html and "to get the link and join" in html
    member_pages = {
        "finder": finder(member, "America/Chicago"),
        "meeting": member.get(page).get_data(True),
        "group": member.get(f"/groups/{group.slug}").get_data(True),
        "dashboard": member.get("/dashboard").get_data(True),
    }
    for where, html in member_pages.items():
        assert "<strong>Happening now</strong>, started 25 min ago" in html, where
        assert 'href="https://meet.example.org/j/late-room"' in html, where
    # It can no longer be promised, and it is still the person's plan until it ends.
    assert member_pages["meeting"].count('name="on_day"') == 4  # the dates after it
    assert member_pages["meeting"].count("I'll come</button>") == 1
    assert "You plan to go" in member_pages["meeting"]
    pinned_clock.move_to(datetime.combine(day, time(20, 30), CHICAGO))
    assert "Happening now" not in member.get("/dashboard").get_data(True)
