"""`flask demo-data` loads demo groups and meetings once, and they show where they should."""

import html

from sqlalchemy import func, select

from caregiver.auth.models import User
from caregiver.cli import DEMO_PEOPLE
from caregiver.extensions import db
from caregiver.groups.demo import MEETINGS, REMEMBRANCE
from caregiver.groups.models import (
    Attendance,
    GroupFacilitator,
    GroupFollow,
    Meeting,
    MeetingChange,
    SupportGroup,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _load_twice(runner) -> str:
    first = runner.invoke(args=["demo-data", "--if-empty"])
    assert first.exit_code == 0, first.output
    # Without --if-empty the command reaches the groups again: they must not be made twice.
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    assert "already loaded (4 groups)" in second.output
    return first.output


def test_demo_data_loads_groups_and_meetings_once(app, runner):
    output = _load_twice(runner)
    assert "Demo groups: 4 groups, 12 meetings." in output
    assert _count(SupportGroup) == 4
    assert _count(Meeting) == len(MEETINGS) == 12
    facilitator = db.session.scalar(select(User).where(User.email == DEMO_PEOPLE[0][0]))
    run_by = select(func.count()).where(GroupFacilitator.user_id == facilitator.id)
    assert db.session.scalar(run_by) == 4

    meetings = db.session.scalars(select(Meeting)).all()
    assert {m.timezone for m in meetings} == {
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
    }
    assert {m.mode for m in meetings} == {"in_person", "online", "hybrid"}
    assert {m.repeat for m in meetings} == {"weekly", "monthly", "once"}
    assert any(len(m.weekday_list) > 1 for m in meetings)
    assert {m.link_public for m in meetings if m.online} == {True, False}
    assert any(m.language == "es" for m in meetings)
    assert not all(m.open_to_all for m in meetings)
    for meeting in meetings:
        # A public link must be on a service apps accept: a Zoom number too short to be real.
        fictional = (
            ("https://zoom.us/j/555",) if meeting.link_public else ("https://meet.example.org/",)
        )
        assert not meeting.conference_url or meeting.conference_url.startswith(fictional)
        assert not meeting.conference_phone or "555-01" in meeting.conference_phone
    unlisted = db.session.scalars(select(SupportGroup).where(~SupportGroup.listed)).all()
    assert [group.name for group in unlisted] == [REMEMBRANCE.name]

    assert {c.status for c in db.session.scalars(select(MeetingChange))} == {"cancelled", "moved"}
    assert _count(GroupFollow) == 1 and _count(Attendance) == 1


def test_demo_meetings_show_to_visitors_but_not_the_unlisted_group(app, runner):
    _load_twice(runner)
    client = app.test_client()
    page = html.unescape(client.get("/meetings/").get_data(as_text=True))
    # Every listed weekly meeting happens within a week, so all are on the first page.
    for name in ("Tuesday evening family circle", "Círculo familiar en español",
                 "Sunday afternoon parents' circle", "Saturday walk and talk"):  # fmt: skip
        assert name in page
    private = [data.name for group, data in MEETINGS if group is REMEMBRANCE]
    assert private and not any(name in page for name in private)

    feed = client.get("/meetings.json").get_json()
    listed_weekly = [data for group, data in MEETINGS if group.listed and data.repeat == "weekly"]
    # One entry per weekday; an online meeting whose link is for signed-in people stays out.
    in_feed = [d for d in listed_weekly if d.mode != "online" or d.link_public]
    assert sorted(entry["name"] for entry in feed) == sorted(
        d.name for d in in_feed for _ in d.weekdays
    )
    assert "Monday and Thursday parents' check-in" not in {entry["name"] for entry in feed}
    assert REMEMBRANCE.name not in {entry["group"] for entry in feed}
    by_name = {entry["name"]: entry for entry in feed}
    assert by_name["Sunday afternoon parents' circle"]["conference_url"].startswith("https://")


def test_demo_changed_dates_show_on_the_meeting_page(app, runner):
    _load_twice(runner)
    client = app.test_client()
    for change in db.session.scalars(select(MeetingChange)):
        page = html.unescape(client.get(f"/meetings/{change.meeting_id}").get_data(as_text=True))
        assert change.note in page
        assert ("Cancelled" if change.status == "cancelled" else "Moved") in page
