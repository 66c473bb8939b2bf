"""Meetings on a phone: a facilitator posts one with a live preview; a family finds it tonight.

Chromium keeps the real clock: the server side runs in this process, at the test's pinned instant
(tests/pinned_clock.py), and every date a page shows or takes comes from the server."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from caregiver import clock
from caregiver.auth import services as auth_services

pytestmark = pytest.mark.time_dependent

ZONE = "America/Los_Angeles"


def log_in(page, live_server, email, role="caregiver"):
    with live_server.app_context():
        auth_services.create_user(email, email.split("@")[0].title(), PASSWORD, ZONE, role=role,
                                  verified=True)  # fmt: skip
    page.goto(live_server.config["BASE_URL"] + "/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/(dashboard|welcome)"))


def test_facilitator_posts_a_meeting_and_a_visitor_finds_it_tonight(
    page, browser, browser_context_args, live_server, check, pinned_clock
):
    # 23:45 in Los Angeles on the pinned day: the 23:30 meeting has begun and can still be joined.
    pinned_clock.move_to(datetime.combine(clock.today_in(ZONE), time(23, 45), ZoneInfo(ZONE)))
    base = live_server.config["BASE_URL"]
    log_in(page, live_server, "dana@example.org", role="facilitator")
    page.goto(base + "/groups/new")
    check(page, "group-new")
    page.get_by_label("Group name").fill("Harbor Families")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_text("Group created.")).to_be_visible()

    # The schedule parts follow the choice of repeat and place; the preview follows the typing.
    expect(page.get_by_label("Week of the month")).to_be_hidden()
    page.get_by_label("Meeting name").fill("Late evening circle")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.locator("#weekdays").get_by_label(day, exact=True).check()
    page.get_by_label("Starting on").fill((clock.today_in(ZONE) - timedelta(days=7)).isoformat())
    page.get_by_label("Starts").fill("23:30")
    page.get_by_label("Ends").fill("23:59")
    page.get_by_label("Timezone of the meeting").select_option(ZONE)
    preview = page.locator("#meeting-preview li")
    expect(preview).to_have_count(5)
    expect(preview.first).to_contain_text("11:30 PM")
    page.get_by_text("In person and online", exact=True).click()
    expect(page.get_by_label("Meeting link")).to_be_visible()
    page.get_by_label("Place name").fill("Harbor library")
    page.get_by_label("Street address").fill("1 Pier Rd")
    page.get_by_label("City").fill("Harbor City")
    page.get_by_label("Meeting link").fill("http://meet.example.org/harbor")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.get_by_text("Use a secure link that starts with https://.")).to_be_visible()
    expect(page.get_by_label("City")).to_have_value("Harbor City")
    check(page, "meeting-form-error")
    page.get_by_label("Meeting link").fill("https://meet.example.org/harbor")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.get_by_text("Meeting added.")).to_be_visible()
    check(page, "meeting-page-facilitator")

    # A visitor on another phone: two taps to tonight's meeting, the private link held back.
    visitor = browser.new_context(**browser_context_args).new_page()
    visitor.goto(base + "/")
    visitor.get_by_role("link", name="Find a family meeting").click()
    visitor.get_by_role("link", name="Tonight").click()
    expect(visitor.get_by_role("link", name="Late evening circle")).to_be_visible()
    expect(visitor.get_by_text("Happening now, started 15 min ago.")).to_be_visible()
    expect(visitor.locator("a[href*='meet.example.org']")).to_have_count(0)  # not for visitors
    check(visitor, "meetings-tonight")
    visitor.get_by_role("link", name="Late evening circle").click()
    expect(visitor.get_by_text("shared with signed-in people only")).to_be_visible()
    expect(visitor.locator("a[href*='meet.example.org']")).to_have_count(0)
    check(visitor, "meeting-page-visitor")
    visitor.context.close()
    page.goto(base + "/meetings/?when=tonight")  # signed in: the way in, one tap away
    join = page.get_by_role("link", name=re.compile(r"^Join now"))
    expect(join).to_have_attribute("href", "https://meet.example.org/harbor")
    check(page, "meetings-tonight-signed-in")


def test_caregiver_says_they_will_come_and_follows_the_group(page, live_server, check):
    from group_helpers import make_group, make_meeting

    base = live_server.config["BASE_URL"]
    with live_server.app_context():
        runner = auth_services.create_user(
            "kim@example.org", "Kim", PASSWORD, ZONE, role="facilitator", verified=True
        )
        group = make_group(runner, name="Valley Parents")
        meeting = make_meeting(
            group, weekdays=tuple(range(7)), timezone="America/Chicago",
            first_day=clock.today_in(ZONE) - timedelta(days=3),
        )  # fmt: skip
        meeting_id, slug = meeting.id, group.slug
    log_in(page, live_server, "sam@example.org")
    page.goto(base + f"/meetings/{meeting_id}")
    check(page, "meeting-page-caregiver")
    page.get_by_role("button", name="I'll be there").first.click()
    expect(page.get_by_text("Noted: you plan to be there")).to_be_visible()
    expect(page.get_by_text("You plan to go").first).to_be_visible()
    page.get_by_role("button", name="Follow Valley Parents").click()
    expect(page).to_have_url(re.compile(rf"/groups/{slug}$"))
    expect(page.get_by_role("heading", name="You follow this group")).to_be_visible()
    check(page, "group-followed")
    page.goto(base + "/meetings/?when=weekend")
    check(page, "meetings-weekend")


def test_facilitator_cancels_and_moves_a_date_from_a_phone(page, live_server, check):
    from group_helpers import make_group, make_meeting

    base = live_server.config["BASE_URL"]
    today = clock.today_in("America/Chicago")
    with live_server.app_context():
        runner = auth_services.create_user(
            "lee@example.org", "Lee", PASSWORD, ZONE, role="facilitator", verified=True
        )
        meeting = make_meeting(
            make_group(runner, name="Hillside Families"), weekdays=tuple(range(7)),
            first_day=today - timedelta(days=3),
        )  # fmt: skip
        meeting_id = meeting.id
    page.emulate_media(color_scheme="dark")
    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill("lee@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.goto(base + f"/groups/meetings/{meeting_id}/dates")
    check(page, "dates-dark")
    cards = page.locator("li.occurrence")
    second, third = cards.nth(1), cards.nth(2)
    second.get_by_text("Cancel this date").click()
    second.get_by_label("Note about the cancellation (optional)").fill("Closed for the holiday")
    second.get_by_role("button", name=re.compile(r"^Cancel ")).click()
    expect(page.get_by_text(re.compile(r"^Cancelled on .*no one was emailed"))).to_be_visible()
    expect(page.locator("li.occurrence").nth(1)).to_contain_text("Closed for the holiday")
    third = page.locator("li.occurrence").nth(2)
    third.get_by_text("Move this date").click()
    third.get_by_label("Starts").fill("18:00")
    third.get_by_label("Ends").fill("19:00")
    third.get_by_role("button", name="Move").click()
    expect(page.get_by_text(re.compile(r"^Moved\."))).to_be_visible()
    check(page, "dates-changed-dark")
    page.goto(base + f"/meetings/{meeting_id}")
    expect(page.get_by_text("will not take place")).to_be_visible()
    expect(page.get_by_text(re.compile("instead"))).to_be_visible()
    check(page, "meeting-changes-dark")
