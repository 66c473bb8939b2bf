"""The open feed measured against the Meeting Guide spec's rules (tests/meeting_guide_spec.json),
and what an imported feed keeps: its type codes, slugs, group, pages and times of update."""

import json
import re
from dataclasses import replace
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from group_helpers import make_group, make_meeting
from helpers import log_in, submit

from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import conference, meeting_services, type_codes
from caregiver.groups.feed_address import split_address
from caregiver.groups.meeting_services import MeetingData
from caregiver.groups.models import Meeting

pytestmark = pytest.mark.time_dependent

SPEC = json.loads((Path(__file__).parent / "meeting_guide_spec.json").read_text())
SCHEMA = json.loads((Path(__file__).parent / "meeting_guide_schema.json").read_text())
ONLINE = {"mode": "online", "venue": "", "address": "", "postal_code": "", "location_notes": ""}
# A Zoom room on one of Zoom's own hosts, with a phone number written as people write them.
ZOOM = {"conference_url": "https://us02web.zoom.us/j/5550100", "link_public": True,
        "conference_phone": "+1 (312) 555-0100"}  # fmt: skip


def conformance_problems(entries: list[dict]) -> list[str]:
    """Every way ``entries`` break a rule of the spec fixture, in words."""
    problems, slugs = [], set()
    for number, entry in enumerate(entries):
        where = f"entry {number} ({entry.get('name')})"
        problems += [f"{where}: no {key}" for key in SPEC["required"] if not entry.get(key)]
        problems += [f"{where}: no {key}" for key in SPEC["weekly_requires"] if key not in entry]
        slug = str(entry.get("slug", ""))
        if len(slug) > SPEC["slug"]["max_length"] or not re.match(SPEC["slug"]["characters"], slug):
            problems.append(f"{where}: slug {slug!r}")
        if slug in slugs:
            problems.append(f"{where}: slug {slug!r} twice")
        slugs.add(slug)
        day = entry.get("day")
        if not isinstance(day, int) or not SPEC["day"]["first"] <= day <= SPEC["day"]["last"]:
            problems.append(f"{where}: day {day!r} is not one number")  # arrays are split here
        for key in ("time", "end_time"):
            if key in entry and not re.match(SPEC["time_pattern"], entry[key]):
                problems.append(f"{where}: {key} {entry[key]!r}")
        if "updated" in entry and not re.match(SPEC["updated_pattern"], entry["updated"]):
            problems.append(f"{where}: updated {entry['updated']!r}")
        if entry.get("approximate") not in SPEC["approximate"]:
            problems.append(f"{where}: approximate {entry.get('approximate')!r}")
        unknown = set(entry.get("types", [])) - set(SPEC["type_codes"])
        problems += [f"{where}: type {code}" for code in sorted(unknown)]
        if "conference_url" in entry:
            host = urlsplit(entry["conference_url"]).hostname or ""
            known = SPEC["conference_providers"]
            if not any(host == d or host.endswith("." + d) for d in known):
                problems.append(f"{where}: conference provider {host}")
        phone = entry.get("conference_phone")
        if phone is not None and not re.match(SPEC["conference_phone_pattern"], phone):
            problems.append(f"{where}: conference phone {phone!r}")
        # A place that is only approximate is an online meeting: it needs a way in.
        online = entry.get("approximate") == "yes" and "location" not in entry
        if online and not set(SPEC["online_active_needs_one_of"]) & set(entry):
            problems.append(f"{where}: online with no way in (inactive)")
    return problems


def test_the_fixture_agrees_with_the_code_and_the_schema():
    assert set(SPEC["type_codes"]) == set(type_codes.SPEC_TYPES)
    assert set(SPEC["type_codes"]) == set(SCHEMA["$defs"]["type_code"]["enum"])
    assert set(SPEC["conference_providers"]) == set(conference.PROVIDERS)
    # The rule checker catches each kind of deviation it is there for.
    good = {"name": "Hope", "slug": "hope-1", "day": 2, "time": "19:00", "approximate": "no"}
    assert conformance_problems([good]) == []
    for bad in ({"day": [1, 4]}, {"day": 7}, {"time": "7:00"}, {"approximate": "no way"},
                {"types": ["O", "ONL"]}, {"slug": "x" * 65}, {"approximate": "yes"},
                {"updated": "2026-11-30T17:00:00Z"}, {"conference_url": "https://example.org/r"},
                {"conference_phone": "+1 (312) 555-0100"}):  # fmt: skip
        assert conformance_problems([{**good, **bad}]), bad
    assert conformance_problems([good, good])  # the same slug twice


def add_every_kind(group) -> dict[str, Meeting]:
    return {
        "street": make_meeting(group, wheelchair=True),
        "no_street": make_meeting(group, name="At the library", address="", weekdays=(3,)),
        "days": make_meeting(group, name="Twice a week", weekdays=(0, 3)),
        "online": make_meeting(group, name="Online circle", city="Chicago", **ONLINE, **ZOOM),
        "phone_only": make_meeting(
            group, name="Call-in", conference_phone="+1 312 555 0111", link_public=True, **ONLINE
        ),
        "private_online": make_meeting(
            group, name="Members' room", conference_url="https://meet.example.org/r", **ONLINE
        ),
        "private_hybrid": make_meeting(
            group,
            name="Hall and a private room",
            mode="hybrid",
            conference_url="https://meet.example.org/hall",
            conference_phone="+13125550122",
        ),  # fmt: skip
    }


def test_our_feed_keeps_every_rule_of_the_spec(client, make_user):
    meetings = add_every_kind(make_group(make_user(role="facilitator")))
    entries = client.get("/meetings.json").get_json()
    assert conformance_problems(entries) == []
    by_slug = {entry["slug"]: entry for entry in entries}
    names = [entry["name"] for entry in entries]
    # An online meeting with a private link has no way in that the spec counts: it stays out.
    assert "Members' room" not in names
    hall = next(entry for entry in entries if entry["name"] == "Hall and a private room")
    assert hall["approximate"] == "no" and not {"conference_url", "conference_phone"} & set(hall)
    # A place with a name but no street is not a point on a map.
    library = next(entry for entry in entries if entry["name"] == "At the library")
    assert library["approximate"] == "yes" and library["location"] == "St. Mark's Hall"
    assert next(e for e in entries if e["name"] == "Call-in")["conference_phone"] == "+13125550111"
    # One entry per weekday, slugged the way importers split a list of days.
    twice = meetings["days"]
    assert {slug for slug in by_slug if by_slug[slug]["name"] == "Twice a week"} == {
        f"twice-a-week-{twice.id}-1",
        f"twice-a-week-{twice.id}-4",
    }
    assert f"tuesday-evening-family-group-{meetings['street'].id}" in by_slug


def test_slugs_stay_when_a_meeting_is_saved_again(client, make_user):
    group = make_group(make_user(role="facilitator"))
    meeting = make_meeting(group, name="Twice a week", weekdays=(0, 3))
    before = {e["slug"] for e in client.get("/meetings.json").get_json()}
    meeting_services.update_meeting(meeting, replace(MeetingData.of(meeting), notes="Tea"))
    after = client.get("/meetings.json").get_json()
    assert {e["slug"] for e in after} == before and {e["notes"] for e in after} == {"Tea"}


@pytest.mark.parametrize(
    ("link", "public", "accepted"),
    [
        ("https://zoom.us/j/5550100", True, True),
        ("https://us02web.zoom.us/j/5550100", True, True),
        ("https://teams.microsoft.com/l/meetup-join/x", True, True),
        ("https://meet.google.com/abc-defg-hij", True, True),
        ("https://meet.example.org/r", True, False),
        ("https://zoom.us.example.org/j/1", True, False),
        ("https://notzoom.us/j/1", True, False),
        ("https://meet.example.org/r", False, True),  # kept for signed-in people: never published
    ],
)
def test_a_public_link_must_be_on_a_service_meeting_apps_accept(make_user, link, public, accepted):
    group = make_group(make_user(role="facilitator"))
    save = lambda: make_meeting(group, conference_url=link, link_public=public, **ONLINE)  # noqa: E731
    if accepted:
        assert save().conference_url == link
        return
    with pytest.raises(FieldError) as refused:
        save()
    assert refused.value.field == "conference_url"
    assert all(name in refused.value.message for name in ("Zoom", "Google Meet", "Microsoft Teams"))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("London, UK", {"city": "London", "country": "UK"}),
        ("123 Main St, Springfield, IL 62701, USA",
         {"address": "123 Main St", "city": "Springfield", "region": "IL",
          "postal_code": "62701", "country": "USA"}),
        ("Chicago, IL, USA", {"city": "Chicago", "region": "IL", "country": "USA"}),
        ("10 Downing St, London SW1A 2AA, UK",
         {"address": "10 Downing St", "city": "London", "postal_code": "SW1A 2AA",
          "country": "UK"}),
        ("Springfield", {"city": "Springfield"}),
    ],
)  # fmt: skip
def test_one_line_addresses_are_read_into_their_parts(text, parts):
    assert split_address(text) == parts


OUTSIDE = [
    {"name": "Trans and friends", "slug": "trans-and-friends", "day": 3, "time": "18:00",
     "end_time": "19:00", "timezone": "Europe/London", "location": "Hope Centre",
     "formatted_address": "London, UK", "types": ["T", "LGBTQ", "D", "NOPE"],
     "group": "The Thursday Group", "url": "https://district.example.org/meetings/tf",
     "updated": "2026-05-31 14:32:23"},
    {"name": "Open discussion", "slug": "open-discussion", "day": [1, 4], "time": "12:00",
     "end_time": "13:00", "timezone": "America/Chicago",
     "formatted_address": "123 Main St, Springfield, IL 62701, USA", "types": ["O", "D", "EN"]},
]  # fmt: skip


def import_outside(client, make_user):
    facilitator = make_user(role="facilitator")
    group = make_group(facilitator, name="Imported meetings")
    log_in(client, facilitator)
    data = {"text": json.dumps(OUTSIDE), "timezone": "America/Chicago", "step": "import"}
    url = f"/groups/{group.slug}/import"
    done = submit(client, url, data, content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    meetings = db.session.scalars(sa.select(Meeting).filter_by(group_id=group.id)).all()
    return {meeting.name: meeting for meeting in meetings}


def test_an_import_keeps_what_the_feed_said_and_invents_nothing(client, make_user):
    meetings = import_outside(client, make_user)
    trans = meetings["Trans and friends"]
    assert (trans.venue, trans.address, trans.city, trans.country) == (
        "Hope Centre",
        "",
        "London",
        "UK",
    )
    assert trans.feed_types == "T,LGBTQ,D"  # a code the spec doesn't have is left out
    assert (trans.source_slug, trans.source_group) == ("trans-and-friends", "The Thursday Group")
    main_st = meetings["Open discussion"]
    assert (main_st.address, main_st.city, main_st.region) == ("123 Main St", "Springfield", "IL")
    assert (main_st.postal_code, main_st.country) == ("62701", "USA")

    entries = {entry["slug"]: entry for entry in client.get("/meetings.json").get_json()}
    assert conformance_problems(list(entries.values())) == []
    back = entries["trans-and-friends"]
    assert back["types"] == ["T", "LGBTQ", "D"]  # no O or EN the source never said
    assert back["group"] == "The Thursday Group" and back["updated"] == "2026-05-31 14:32:23"
    assert back["url"] == "https://district.example.org/meetings/tf"
    assert back["approximate"] == "yes" and back["formatted_address"] == "London, UK"
    # A list of days comes back as one entry per day, slugged as importers already named them.
    assert entries["open-discussion-1"]["types"] == ["O", "D", "EN"]
    assert entries["open-discussion-1"]["day"] == 1 and entries["open-discussion-4"]["day"] == 4
    assert entries["open-discussion-1"]["address"] == "123 Main St"

    page = client.get(f"/meetings/{trans.id}").get_data(as_text=True)
    assert all(
        f'<li class="tag">{name}</li>' in page for name in ("Transgender", "LGBTQ", "Discussion")
    )


def test_editing_an_imported_meeting_says_what_changed_and_keeps_the_rest(client, make_user):
    trans = import_outside(client, make_user)["Trans and friends"]
    meeting_services.update_meeting(trans, replace(MeetingData.of(trans), open_to_all=False))
    entry = next(e for e in client.get("/meetings.json").get_json() if e["name"] == trans.name)
    assert entry["types"] == ["T", "LGBTQ", "D", "C"]
    assert entry["slug"] == "trans-and-friends" and entry["updated"] != "2026-05-31 14:32:23"


def test_meeting_pages_point_to_the_feed(client, make_user):
    group = make_group(make_user(role="facilitator"))
    meeting = make_meeting(group, start_time=time(9), end_time=time(10))
    link = re.compile(
        r'<link rel="alternate" type="application/json" title="Meetings Feed" '
        r'href="http://localhost/meetings.json">'
    )
    for url in ("/meetings/", f"/groups/{group.slug}", f"/meetings/{meeting.id}"):
        assert link.search(client.get(url).get_data(as_text=True)), url
