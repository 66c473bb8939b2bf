"""The open meeting feed (Meeting Guide format) and importing one into a group through the pages."""

import io
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import sqlalchemy as sa
from group_helpers import a_year_ago, make_group, make_meeting
from helpers import log_in, post_multipart, submit, today
from markupsafe import escape
from werkzeug.datastructures import FileStorage

from caregiver import clock
from caregiver.extensions import db
from caregiver.groups import feed_import
from caregiver.groups.models import Attendance, Meeting

pytestmark = pytest.mark.time_dependent

SCHEMA = json.loads((Path(__file__).parent / "meeting_guide_schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
SECRET_LINK = "https://meet.example.org/private-room-4417"
SECRET_PHONE = "+1 555 0100 4417"
SECRET_NOTES = "Passcode 4417"
# What a round trip must bring back unchanged.
COMPARED = (
    "name", "weekday_list", "start_time", "end_time", "timezone", "mode", "venue", "address",
    "city", "region", "postal_code", "country", "location_notes", "latitude", "longitude",
    "conference_url", "conference_phone", "conference_notes", "link_public", "open_to_all",
    "wheelchair", "childcare", "beginners", "language", "notes",
)  # fmt: skip


def add_mix(group) -> dict[str, Meeting]:
    """In person, online (public and private link) and hybrid meetings, and ones the feed omits."""
    return {
        "in_person": make_meeting(
            group,
            latitude=39.7817,
            longitude=-89.6501,
            wheelchair=True,
            childcare=True,
            notes="Coffee from 6:45.",
        ),  # fmt: skip
        "online": make_meeting(
            group,
            name="Lunchtime online circle",
            weekdays=(0, 3),
            mode="online",
            start_time=time(12, 0),
            end_time=time(13, 0),
            venue="",
            address="",
            postal_code="",
            location_notes="",
            city="Chicago",
            conference_url="https://zoom.us/j/5550100",
            conference_phone="+13125550100",
            conference_notes="Meeting ID 555 0100",
            link_public=True,
            open_to_all=False,
            beginners=True,
            language="es",
        ),  # fmt: skip
        "private": make_meeting(
            group,
            name="Late night online",
            weekdays=(4,),
            mode="online",
            venue="",
            address="",
            postal_code="",
            location_notes="",
            conference_url=SECRET_LINK,
            conference_phone=SECRET_PHONE,
            conference_notes=SECRET_NOTES,
            language="fr",
        ),  # fmt: skip
        "hybrid": make_meeting(
            group,
            name="Sunday and Wednesday hybrid",
            weekdays=(6, 2),
            mode="hybrid",
            timezone="America/Los_Angeles",
            venue="Harbor Library",
            address="1 Bay Rd",
            city="Oakland",
            region="CA",
            postal_code="94607",
            country="US",
            latitude=37.8044,
            longitude=-122.2712,
            conference_url="https://meet.jit.si/harbor",
            conference_notes="Camera optional",
            link_public=True,
            language="pt",
        ),  # fmt: skip
        "monthly": make_meeting(
            group, name="First Tuesday monthly", repeat="monthly", month_week=1, month_weekday=1
        ),
        "once": make_meeting(group, name="One-time workshop", repeat="once"),
    }


def feed(client) -> list[dict]:
    response = client.get("/meetings.json")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def count_meetings(group) -> int:
    query = sa.select(sa.func.count()).select_from(Meeting).where(Meeting.group_id == group.id)
    return db.session.scalar(query)


def import_page(client, group, text: str, step="preview", **fields):
    data = {"text": text, "timezone": "America/Chicago", "step": step, **fields}
    url = f"/groups/{group.slug}/import"
    return submit(client, url, data, content_type="multipart/form-data")


def test_the_feed_follows_the_meeting_guide_format(app, client, make_user):
    assert jsonschema.Draft202012Validator.check_schema(SCHEMA) is None
    group = make_group(make_user(role="facilitator"), languages=("en", "es"))
    meetings = add_mix(group)
    response = client.get("/meetings.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.cache_control.public and 0 < response.cache_control.max_age <= 3600
    entries = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(entries)]
    assert errors == []
    by_name = {entry["name"]: entry for entry in entries}
    # The online meeting with a private link has no way in to publish (see the next tests).
    assert set(by_name) == {meetings[key].name for key in ("in_person", "online", "hybrid")}
    assert len({entry["slug"] for entry in entries}) == len(entries) == 5
    # One entry per weekday; days count from Sunday in the format and from Monday in Python.
    days = {(entry["name"], entry["day"]) for entry in entries}
    assert days == {
        (meetings["in_person"].name, 2),  # Tuesday
        ("Lunchtime online circle", 1),  # Monday
        ("Lunchtime online circle", 4),  # Thursday
        ("Sunday and Wednesday hybrid", 0),
        ("Sunday and Wednesday hybrid", 3),
    }
    in_person = by_name[meetings["in_person"].name]
    assert in_person["time"] == "19:00" and in_person["end_time"] == "20:30"
    assert set(in_person["types"]) == {"O", "X", "BA", "EN"}
    assert in_person["location"] == "St. Mark's Hall" and in_person["state"] == "IL"
    assert in_person["formatted_address"] == "100 Main St, Springfield, IL 62701, US"
    assert (in_person["latitude"], in_person["longitude"]) == (39.7817, -89.6501)
    assert in_person["group"] == group.name and in_person["notes"] == "Coffee from 6:45."
    assert urlsplit(in_person["url"]).path == f"/meetings/{meetings['in_person'].id}"
    assert in_person["approximate"] == "no" and in_person["slug"].endswith(
        f"-{meetings['in_person'].id}"
    )
    assert set(by_name["Lunchtime online circle"]["types"]) == {"C", "BE", "S"}
    assert "POR" in by_name["Sunday and Wednesday hybrid"]["types"]
    # An online meeting gives an approximate place, never a street address.
    online = by_name["Lunchtime online circle"]
    assert online["formatted_address"] == "Chicago, IL, US" and online["approximate"] == "yes"
    assert "address" not in online and "location" not in online and "latitude" not in online
    assert online["conference_url"] == "https://zoom.us/j/5550100"
    assert online["conference_url_notes"] == "Meeting ID 555 0100"


def test_the_schema_rejects_what_the_format_does_not_allow():
    good = {"name": "Hope", "slug": "hope-1", "day": [0, 6], "time": "07:05", "types": ["O"]}
    assert VALIDATOR.is_valid([good])
    for bad in (
        {"day": 7},
        {"day": []},
        {"time": "7:05 PM"},
        {"end_time": "24:00"},
        {"types": ["ONL"]},
        {"types": ["O", "O"]},
        {"slug": "has spaces"},
        {"updated": "2026-01-02T03:04:05Z"},
        {"conference_phone": "+1 (312) 555-0100"},
        {"conference_notes": "not a field of the format"},
        {"latitude": 91},
    ):
        assert not VALIDATOR.is_valid([{**good, **bad}]), bad
    assert not VALIDATOR.is_valid([{"name": "No slug"}])
    assert not VALIDATOR.is_valid({"name": "Hope", "slug": "hope"})
    assert not VALIDATOR.is_valid([{"name": "Hope", "slug": "hope", "day": 1}])  # no time


def test_private_links_unlisted_groups_other_repeats_and_attendees_stay_out(app, client, make_user):
    facilitator = make_user(role="facilitator")
    meetings = add_mix(make_group(facilitator))
    hidden = make_group(facilitator, name="Invite-only circle", listed=False)
    make_meeting(hidden, name="Unlisted Thursday meeting")
    attendee = make_user(name="Zebediah Quillfeather")
    db.session.add(
        Attendance(
            user_id=attendee.id,
            meeting_id=meetings["in_person"].id,
            on_day=today() - timedelta(days=(today().weekday() - 1) % 7),  # a Tuesday
            share_name=True,
        )
    )
    db.session.commit()
    text = client.get("/meetings.json").get_data(as_text=True)
    entries = json.loads(text)
    for secret in (SECRET_LINK, "private-room", "0100 4417", "15550100", SECRET_NOTES):
        assert secret not in text
    # The spec counts an online meeting with no link and no phone as inactive, and nothing honest
    # can stand in for a private link, so that meeting is left out of the feed altogether.
    assert "Late night online" not in {entry["name"] for entry in entries}
    for absent in ("Unlisted Thursday meeting", "Invite-only circle", "First Tuesday monthly",
                   "One-time workshop", "Zebediah", "Quillfeather", attendee.email):  # fmt: skip
        assert absent not in text
    assert len(entries) == 5


def test_the_feed_needs_no_log_in_and_ends_no_series_early(app, client, make_user):
    group = make_group(make_user(role="facilitator"))
    long_ago = a_year_ago() - timedelta(weeks=52)
    make_meeting(group, name="Ended long ago", first_day=long_ago, last_day=long_ago)
    make_meeting(group, name="Still going")
    names = [entry["name"] for entry in feed(client)]
    assert names == ["Still going"]


def test_round_trip_through_the_import_pages(app, client, make_user):
    source = make_group(make_user(role="facilitator"), name="Springfield Families")
    meetings = add_mix(source)
    exported = client.get("/meetings.json").get_data(as_text=True)
    today = clock.now().date()
    importer = make_user(role="facilitator")
    target = make_group(importer, name="Empty group")
    log_in(client, importer)
    assert client.get(f"/groups/{target.slug}/import").status_code == 200

    preview = import_page(client, target, exported)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    # The entries of one meeting, one per weekday, come back together as that meeting.
    assert "Import 3 meetings" in html and "Every Wednesday and Sunday" in html
    assert count_meetings(target) == 0  # a preview saves nothing

    done = import_page(client, target, exported, step="import")
    assert done.status_code == 302
    assert "Imported 3 meetings." in client.get(done.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    copies = {
        m.name: m for m in db.session.scalars(sa.select(Meeting).filter_by(group_id=target.id))
    }
    assert set(copies) == {meetings[key].name for key in ("in_person", "online", "hybrid")}
    for key in ("in_person", "online", "hybrid"):
        original, copy = meetings[key], copies[meetings[key].name]
        for name in COMPARED:
            assert getattr(copy, name) == getattr(original, name), (key, name)
        assert copy.repeat == "weekly" and abs(copy.first_day - today) <= timedelta(days=1)
    # Ours, imported, then ours again: the same feed, slugs, pages and times of update included.
    source.listed = False
    db.session.commit()
    assert json.loads(client.get("/meetings.json").get_data(as_text=True)) == json.loads(exported)

    # The same feed again adds nothing: each meeting is already there, day by day.
    again = import_page(client, target, exported)
    html = again.get_data(as_text=True)
    assert html.count("It is already in this group.") == 5 and "Import 0" not in html
    import_page(client, target, exported, step="import")
    assert count_meetings(target) == 3


def test_import_from_an_uploaded_file_and_a_plain_feed(app, client, make_user):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator, languages=("es",))
    log_in(client, facilitator)
    # Fields another site may send: day as text, no timezone or end time, one address line.
    outside = [
        {"name": "Martes en familia", "slug": 17, "day": "2", "time": "18:30",
         "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA", "types": ["O", "D"]},
        {"name": "Martes en familia", "slug": "dup", "day": 2, "time": "18:30",
         "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA"},
        {"name": "By appointment", "slug": "appt", "city": "Chicago", "address": "1 Main St"},
    ]  # fmt: skip
    upload = {"file": (io.BytesIO(json.dumps(outside).encode()), "meetings.json")}
    preview = import_page(client, group, "", **upload)
    html = preview.get_data(as_text=True)
    assert "Import 1 meeting<" in html and "It is listed twice." in html
    assert "no day of the week" in html
    done = import_page(client, group, json.dumps(outside), step="import")
    assert done.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting).filter_by(group_id=group.id))
    assert (meeting.address, meeting.city, meeting.region) == ("4953 W Addison St", "Chicago", "IL")
    assert (meeting.postal_code, meeting.country, meeting.mode) == ("60641", "USA", "in_person")
    assert meeting.weekday_list == [1] and meeting.timezone == "America/Chicago"
    assert (meeting.start_time, meeting.end_time) == (time(18, 30), time(19, 30))
    assert meeting.language == "es" and meeting.open_to_all


def entry(**changes) -> dict:
    base = {
        "name": "Tuesday family group", "slug": "tuesday", "day": 2, "time": "19:00",
        "end_time": "20:00", "timezone": "America/Chicago", "location": "Hall",
        "address": "1 Main St", "city": "Springfield",
    }  # fmt: skip
    return {**base, **changes}


@pytest.mark.parametrize(
    ("text", "message", "status"),
    [
        ("meetings: tuesday 7pm", "This isn&#39;t valid JSON (line 1, column 1", 400),
        (json.dumps({"name": "x", "slug": "x"}), "This JSON is a single object.", 400),
        (json.dumps([entry(), {"slug": "a"}]), "Meeting 2 in the list has no name.", 400),
        (json.dumps([entry(slug=None)]), "Meeting 1 in the list has no slug.", 400),
        (json.dumps([entry(), "Tuesday"]), "Item 2 in the list isn&#39;t a meeting", 400),
        (json.dumps([]), "there are no meetings in it", 400),
        (json.dumps([entry(timezone="Mars/Olympus")]), "“Mars/Olympus” isn&#39;t one we know", 200),
        (json.dumps([entry(end_time="18:00")]), "The meeting must end after it starts.", 200),
        (json.dumps([entry(time="7pm")]), "should be a 24-hour time like 19:00.", 200),
        (json.dumps([entry(day=9)]), "from 0 (Sunday) to 6 (Saturday)", 200),
    ],
)
def test_bad_feeds_say_why_keep_the_text_and_save_nothing(
    app, client, make_user, text, message, status
):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator)
    log_in(client, facilitator)
    for step in ("preview", "import"):
        response = import_page(client, group, text, step=step)
        html = response.get_data(as_text=True)
        assert response.status_code == status and message in html, html[:4000]
        assert f">\r\n{escape(text)}</textarea>" in html
        assert "Import 1 meeting" not in html
    assert count_meetings(group) == 0


def with_raw(item: dict, key: str, raw: str) -> str:
    """A feed of one entry whose ``key`` is written as ``raw`` JSON (a number too long for
    json.dumps to write)."""
    return json.dumps([{**item, key: "RAW"}]).replace('"RAW"', raw)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (with_raw(entry(longitude=1), "latitude", "9" * 400), "latitude is a number 400 digits"),
        (with_raw(entry(), "day", "9" * 5_000), "day is a number 5,000 digits long"),
        (with_raw(entry(), "day", "[2, " + "1" * 5_000 + "]"), "day is a number 5,000 digits"),
        (with_raw(entry(), "postal_code", "-" + "6" * 900), "postal code is a number 900 digits"),
        (json.dumps([entry(day="9" * 5_000)]), "from 0 (Sunday) to 6 (Saturday)"),
        (json.dumps([entry(day="²")]), "from 0 (Sunday) to 6 (Saturday)"),
    ],
)
def test_a_number_too_long_to_be_right_skips_its_meeting_naming_the_field(
    app, client, make_user, text, message
):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator)
    log_in(client, facilitator)
    second = json.dumps(entry(name="Thursday group", day=4))
    html = import_page(client, group, text[:-1] + ", " + second + "]").get_data(as_text=True)
    assert "Meeting 1 in the feed" in html and message in html, html[:4000]
    assert "Import 1 meeting" in html  # the other meeting can still come in
    assert count_meetings(group) == 0


def test_a_file_that_is_not_text_or_not_json(app, client, make_user):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator)
    log_in(client, facilitator)
    binary = {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\xff\xfe"), "meetings.json")}
    html = import_page(client, group, "", **binary).get_data(as_text=True)
    assert "This file isn&#39;t a text file." in html
    wrong = {"file": (io.BytesIO(b"[]"), "meetings.csv")}
    html = import_page(client, group, "", **wrong).get_data(as_text=True)
    assert "Choose a file whose name ends in .json." in html
    assert count_meetings(group) == 0


def test_only_the_groups_facilitators_may_import(app, client, make_user):
    owner = make_user(role="facilitator")
    listed, unlisted = make_group(owner), make_group(owner, name="Quiet group", listed=False)
    text = json.dumps([entry()])
    assert client.get(f"/groups/{listed.slug}/import").status_code == 302  # to log in
    for role in ("caregiver", "facilitator"):
        other = app.test_client()
        log_in(other, make_user(role=role))
        for group, expected in ((listed, 403), (unlisted, 404)):
            url = f"/groups/{group.slug}/import"
            data = {"text": text, "timezone": "America/Chicago", "step": "import"}
            posted = submit(other, url, data, page="/account", content_type="multipart/form-data")
            assert posted.status_code == expected
            assert other.get(url).status_code == expected
    assert count_meetings(listed) == 0 and count_meetings(unlisted) == 0


def test_the_import_needs_its_csrf_token(app, client, make_user):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator)
    log_in(client, facilitator)
    data = {"text": json.dumps([entry()]), "timezone": "America/Chicago", "step": "import"}
    response = client.post(f"/groups/{group.slug}/import", data=data)
    assert response.status_code == 400 and count_meetings(group) == 0


def test_a_feed_over_the_size_limit_is_refused_with_a_message(app, client, make_user):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator)
    log_in(client, facilitator)
    url = f"/groups/{group.slug}/import"
    big = json.dumps([entry(notes="x" * (2 * 1024 * 1024))])
    assert len(big.encode()) > 2 * 1024 * 1024
    upload = FileStorage(io.BytesIO(big.encode()), filename="big.json")
    fields = {"text": "", "timezone": "America/Chicago", "step": "import"}
    html = post_multipart(client, url, {**fields, "file": upload}).get_data(as_text=True)
    assert "Choose a file smaller than 2 MB." in html
    html = post_multipart(client, url, {**fields, "text": big}).get_data(as_text=True)
    assert "This feed is larger than 2 MB." in html
    too_much = post_multipart(client, url, {**fields, "text": big + " " * 100_000})
    assert too_much.status_code == 413
    assert count_meetings(group) == 0


def test_reading_entries_from_other_sites(app):
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    closed_room = feed_import.entry_data(
        entry(types="TC,O", approximate=True, conference_phone="+13125550100",
              conference_phone_notes="PIN 42", time="23:30", end_time=None),
        "America/Chicago", "en", now,
    )  # fmt: skip
    assert closed_room.mode == "online" and closed_room.address == "" and closed_room.venue == ""
    assert closed_room.conference_notes == "PIN 42" and closed_room.link_public
    assert closed_room.end_time == time(23, 59)  # an hour later would be tomorrow
    hybrid = feed_import.entry_data(
        entry(conference_url="https://zoom.us/j/1", types=["C", "KOR", "X"], day=[0, 6]),
        "America/Chicago", "en", now,
    )  # fmt: skip
    assert (hybrid.mode, hybrid.language, hybrid.open_to_all) == ("hybrid", "ko", False)
    assert hybrid.weekdays == (5, 6) and hybrid.wheelchair and hybrid.first_day == date(2026, 3, 7)
    with pytest.raises(feed_import.EntryProblem, match="no street address"):
        feed_import.entry_data(entry(address="", location="", approximate="yes"), "UTC", "en", now)
