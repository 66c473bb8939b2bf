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


def log_in(page, live_server, email, role="caregiver", create=True):
    if create:
        with live_server.app_context():
            auth_services.create_user(email, email.split("@")[0].title(), PASSWORD, ZONE,
                                      role=role, verified=True)  # fmt: skip
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


def small_phone(browser, browser_context_args, **options):
    """A page on a 320 px wide phone, the narrowest the app is laid out for."""
    small = {**browser_context_args, "viewport": {"width": 320, "height": 640}, **options}
    return browser.new_context(**small).new_page()


def page_loads(page) -> list[str]:
    """Every address the page's top frame loads from now on: a reload would show twice."""
    loads = []
    page.on("framenavigated", lambda frame: frame.parent_frame or loads.append(frame.url))
    return loads


def meeting_in_chicago(live_server, runner_email="kim@example.org"):
    """A facilitator and a daily 19:00 meeting in Chicago: (meeting id, group slug)."""
    from group_helpers import make_group, make_meeting

    with live_server.app_context():
        runner = auth_services.create_user(
            runner_email, "Kim", PASSWORD, ZONE, role="facilitator", verified=True
        )
        group = make_group(runner, name="Valley Parents")
        meeting = make_meeting(
            group, weekdays=tuple(range(7)), timezone="America/Chicago",
            first_day=clock.today_in(ZONE) - timedelta(days=3),
        )  # fmt: skip
        return meeting.id, group.slug


def test_caregiver_ticks_dates_in_one_form_and_the_facilitator_sees_who_comes(
    page, browser, browser_context_args, live_server, check
):
    base = live_server.config["BASE_URL"]
    meeting_id, slug = meeting_in_chicago(live_server)
    phone = small_phone(browser, browser_context_args)
    log_in(phone, live_server, "sam@example.org")
    phone.goto(base + f"/meetings/{meeting_id}")
    # One list of dates to tick and one button, not a button for every date.
    expect(phone.get_by_role("button", name="I'll come")).to_have_count(1)
    dates = phone.locator("input[name='on_day']")
    # Five dates are listed; one under way (19:00-20:30 in Chicago) is shown but can't be ticked.
    chicago_now = clock.now().astimezone(ZoneInfo("America/Chicago")).time()
    under_way = time(19, 0) <= chicago_now < time(20, 30)
    expect(dates).to_have_count(4 if under_way else 5)
    check(phone, "meeting-page-caregiver-320")
    dates.nth(0).check()
    dates.nth(2).check()
    phone.get_by_label("Let the facilitator see my name").check()
    phone.get_by_role("button", name="I'll come").click()
    expect(
        phone.get_by_text(re.compile(r"^Noted: you plan to come on \w+, .* and "))
    ).to_be_visible()
    expect(phone.get_by_text("You plan to go")).to_have_count(2)
    expect(dates.nth(0)).to_be_checked()
    check(phone, "meeting-page-two-dates-320")

    # The facilitator sees who comes on which date.
    log_in(page, live_server, "kim@example.org", create=False)
    page.goto(base + f"/meetings/{meeting_id}")
    expect(page.get_by_text("1 plans to come: Sam")).to_have_count(2)
    check(page, "meeting-page-facilitator-counts")

    # Unticking a date and saving takes it back, in the same one form.
    dates.nth(0).uncheck()
    phone.get_by_role("button", name="Save my dates").click()
    expect(phone.get_by_text(re.compile(r"^Taken off your plans: "))).to_be_visible()
    expect(phone.get_by_text("You plan to go")).to_have_count(1)
    page.reload()
    expect(page.get_by_text("1 plans to come: Sam")).to_have_count(1)

    phone.get_by_role("button", name="Follow Valley Parents").click()
    expect(phone).to_have_url(re.compile(rf"/groups/{slug}$"))
    expect(phone.get_by_role("heading", name="You follow this group")).to_be_visible()
    check(phone, "group-followed")
    phone.goto(base + "/meetings/?when=weekend")
    check(phone, "meetings-weekend")
    phone.context.close()


def test_a_visitor_sees_their_own_times_on_a_first_visit_without_a_reload(
    page, browser, browser_context_args, live_server, check
):
    base = live_server.config["BASE_URL"]
    meeting_id, _slug = meeting_in_chicago(live_server)
    phone = small_phone(browser, browser_context_args)
    loads = page_loads(phone)
    phone.goto(base + "/meetings/")
    # The phone is in Los Angeles; the page came in the server's default zone and is brought
    # up to date in place.
    expect(phone.get_by_text("Times are in Los Angeles time.")).to_be_visible()
    expect(phone.locator(".meeting-time").first).to_contain_text("5:00 PM")
    assert loads == [base + "/meetings/"]

    # More filters opens full width on a 320 px phone; the search box is not squeezed.
    phone.get_by_text("More filters").click()
    expect(phone.get_by_label("Show times in")).to_have_value("America/Los_Angeles")
    check(phone, "finder-more-filters-320")
    assert phone.get_by_label("Search", exact=True).bounding_box()["width"] > 150
    for name in ("When", "Day", "Time of day", "Kind", "Language"):
        assert phone.get_by_label(name, exact=True).bounding_box()["width"] > 200, name
    phone.goto(base + "/meetings/?place=online&q=valley")
    search = phone.get_by_role("button", name="Search").bounding_box()
    clear = phone.get_by_role("link", name="Clear filters").bounding_box()
    assert (
        clear["y"] >= search["y"] + search["height"] or search["y"] >= clear["y"] + clear["height"]
    )
    check(phone, "finder-filters-active-320")

    # The next page knows the zone at once: a cookie, no script needed.
    phone.goto(base + f"/meetings/{meeting_id}")
    expect(phone.locator(".occurrence").first).to_contain_text("5:00 PM")
    check(phone, "meeting-page-visitor-320")
    phone.context.close()

    # A first visit straight to a meeting's page learns the zone the same way.
    loads = page_loads(page)
    page.goto(base + f"/meetings/{meeting_id}")
    expect(page.locator(".occurrence").first).to_contain_text("5:00 PM")
    assert loads == [base + f"/meetings/{meeting_id}"]

    # On a Pixel 7 too, the filters use the whole width.
    page.goto(base + "/meetings/")
    page.get_by_text("More filters").click()
    assert page.get_by_label("When", exact=True).bounding_box()["width"] > 150
    check(page, "finder-more-filters-412")


def test_without_javascript_the_finder_shows_the_default_zone_and_takes_a_typed_one(
    browser, browser_context_args, live_server
):
    # No axe here: it runs as a script, and this phone runs none.
    base = live_server.config["BASE_URL"]
    meeting_in_chicago(live_server)
    phone = small_phone(browser, browser_context_args, java_script_enabled=False)
    phone.goto(base + "/meetings/")
    expect(phone.get_by_text("Times are in New York time.")).to_be_visible()
    expect(phone.locator(".meeting-time").first).to_contain_text("8:00 PM")
    phone.get_by_text("More filters").click()
    phone.get_by_label("Not in the list?").fill("Atlantis")
    phone.get_by_role("button", name="Show meetings").click()
    expect(phone.get_by_text("We don't know a timezone called “Atlantis”.")).to_be_visible()
    phone.get_by_label("Not in the list?").fill("los angeles")
    phone.get_by_role("button", name="Show meetings").click()
    expect(phone.get_by_text("Times are in Los Angeles time.")).to_be_visible()
    expect(phone.locator(".meeting-time").first).to_contain_text("5:00 PM")
    phone.context.close()


@pytest.mark.one_instant  # looks and keys, not dates: the same at any instant
def test_the_meeting_form_fits_a_320_px_phone_and_takes_a_typed_zone(
    browser, browser_context_args, live_server, check
):
    from group_helpers import make_group

    base = live_server.config["BASE_URL"]
    with live_server.app_context():
        # The longest zone name, the form's first choice: it must not widen the page.
        runner = auth_services.create_user(
            "ari@example.org", "Ari", PASSWORD, "America/Argentina/ComodRivadavia",
            role="facilitator", verified=True,
        )  # fmt: skip
        slug = make_group(runner, name="Coastal Families").slug
    phone = small_phone(browser, browser_context_args)
    log_in(phone, live_server, "ari@example.org", create=False)
    phone.goto(base + f"/groups/{slug}/meetings/new")
    check(phone, "meeting-form-320")
    when = phone.locator("fieldset.form-section").first.bounding_box()
    assert when["x"] >= 0 and when["x"] + when["width"] <= 320
    phone.get_by_label("Monday", exact=True).check()
    typed = {
        "Meeting name": "Morning coffee", "Starting on": clock.today_in(ZONE).isoformat(),
        "Starts": "09:00", "Ends": "10:00", "Not in the list?": "Tokyo",
        "Place name": "Harbor library", "City": "Harbor City",
    }  # fmt: skip
    for label, value in typed.items():
        phone.get_by_label(label).fill(value)
    phone.get_by_role("button", name="Add meeting").click()
    expect(phone.get_by_text("Meeting added.")).to_be_visible()
    expect(phone.get_by_text("(Tokyo time)")).to_be_visible()
    check(phone, "meeting-added-320")
    phone.context.close()


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


def test_a_monthly_meeting_weeks_away_is_listed_under_later_on_a_small_phone(
    browser, browser_context_args, live_server, check
):
    from group_helpers import make_group, make_meeting

    target = clock.today_in("America/Chicago") + timedelta(days=25)
    with live_server.app_context():
        runner = auth_services.create_user(
            "lee@example.org", "Lee", PASSWORD, ZONE, role="facilitator", verified=True
        )
        make_meeting(
            make_group(runner, name="Lakeside Families"), name="Monthly family evening",
            repeat="monthly", weekdays=(), month_week=(target.day - 1) // 7 + 1,
            month_weekday=target.weekday(), timezone="America/Chicago",
            first_day=target - timedelta(days=60),
        )  # fmt: skip
    phone = small_phone(browser, browser_context_args, timezone_id="America/Chicago")
    phone.goto(live_server.config["BASE_URL"] + "/meetings/?tz=America/Chicago")
    later = phone.locator(".later-meetings")
    expect(later.get_by_role("heading", name="Later")).to_be_visible()
    card = later.locator(".meeting-card")
    expect(card).to_contain_text("Monthly family evening")
    expect(card.locator(".meeting-date")).to_have_text(f"{target:%A, %B %-d}")
    check(phone, "meetings-later-320")
    phone.context.close()
