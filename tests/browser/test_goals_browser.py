"""Self-care goals and boundaries on a phone: one-tap check-ins, notes, progress charts."""

import re
from datetime import timedelta

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from caregiver import clock
from caregiver.auth import services as auth_services

pytestmark = pytest.mark.time_dependent

EMAIL = "sam@example.org"
ZONE = "America/Los_Angeles"
MONEY = "I will not give you cash. I will pay for treatment or a bill directly."
HOME = "There is no drug use in this house."
MIN_TAP = 44


def log_in_as_new_person(page, live_server, email=EMAIL):
    """Create a verified person and log in through the page."""

    with live_server.app_context():
        auth_services.create_user(email, "Sam", PASSWORD, ZONE, verified=True)
    page.goto(live_server.config["BASE_URL"] + "/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(live_server.config["BASE_URL"] + "/dashboard")


def today():
    return clock.today_in(ZONE)


def add_suggested_goal(page, base, title):
    page.goto(base + "/goals/new")
    page.get_by_role("button", name=re.compile(rf"^{re.escape(title)}(\s|$)")).click()
    expect(page.get_by_text("Goal added.")).to_be_visible()
    expect(goal_card(page, title)).to_be_visible()


def add_own_goal(page, base, title, how_often="Every day"):
    page.goto(base + "/goals/new")
    page.get_by_label("What will you do for yourself?").fill(title)
    page.get_by_label("How often?").select_option(label=how_often)
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Goal added. Check it in from your today list.")).to_be_visible()
    expect(goal_card(page, title)).to_be_visible()


def write_boundary(page, base, example, statement):
    page.goto(base + f"/boundaries/new?example={example}")
    expect(page.get_by_label("My boundary")).to_have_value(statement)
    page.get_by_role("button", name="Save boundary").click()
    expect(page.get_by_text("Boundary saved.")).to_be_visible()


def goal_card(page, title):
    heading = page.get_by_role("heading", level=3, name=title, exact=True)
    return page.locator("article[data-checkin-card][id^='goal-']").filter(has=heading)


def boundary_card(page, statement):
    heading = page.get_by_role("heading", level=3, name=statement, exact=True)
    return page.locator("article[data-checkin-card][id^='boundary-']").filter(has=heading)


def tap(card, name, pressed):
    """Tap a check-in button and wait for the card to show it pressed (or not)."""
    card.get_by_role("button", name=name, exact=True).click()
    expect(card.get_by_role("button", name=name, exact=True)).to_have_attribute(
        "aria-pressed", "true" if pressed else "false"
    )


def open_day(page, day):
    page.get_by_label("Check in for another day").fill(day.isoformat())
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]day={day.isoformat()}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{day:%A, %B} {day.day}")


def test_check_in_on_a_phone_without_leaving_the_page(page, live_server, check):
    base = live_server.config["BASE_URL"]
    log_in_as_new_person(page, live_server)

    page.goto(base + "/goals/")
    expect(page.get_by_role("heading", name="No self-care goals yet")).to_be_visible()
    expect(page.get_by_role("heading", name="No boundaries yet")).to_be_visible()
    check(page, "goals-today-empty")

    add_suggested_goal(page, base, "Walk for 20 minutes")
    write_boundary(page, base, "money", MONEY)

    page.goto(base + "/goals/")
    today_url = page.url
    goal = goal_card(page, "Walk for 20 minutes")
    boundary = boundary_card(page, MONEY)
    expect(goal).to_have_count(1)
    expect(boundary).to_have_count(1)
    for button in goal.get_by_role("button").all() + boundary.get_by_role("button").all():
        if button.is_visible():
            expect(button).to_have_attribute("aria-pressed", "false")
    page.evaluate("window.__stay = 1")

    tap(goal, "Done", pressed=True)
    expect(goal.get_by_role("button", name="Skip day")).to_have_attribute("aria-pressed", "false")
    tap(boundary, "Tested", pressed=True)
    for other in ("Held", "Crossed"):
        expect(boundary.get_by_role("button", name=other, exact=True)).to_have_attribute(
            "aria-pressed", "false"
        )
    assert page.evaluate("window.__stay") == 1, "the page reloaded after a tap"
    assert page.url == today_url
    expect(goal).to_have_class(re.compile(r"\bis-done\b"))
    expect(boundary).to_have_class(re.compile(r"\bis-tested\b"))
    expect(goal.get_by_role("status")).to_have_text(re.compile(r"^Done for "))
    expect(boundary.get_by_role("status")).to_have_text("Marked tested.")
    check(page, "goals-today")

    page.reload()
    expect(goal.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(boundary.get_by_role("button", name="Tested", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    # A second tap on the pressed button clears the day.
    page.evaluate("window.__stay = 2")
    tap(goal, "Done", pressed=False)
    expect(goal).not_to_have_class(re.compile(r"\bis-done\b"))
    assert page.evaluate("window.__stay") == 2, "the page reloaded after clearing"
    page.reload()
    expect(goal.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )

    page.evaluate("window.__stay = 3")
    note = "Walked to the river with the dog.\nFelt lighter after."
    goal.locator("details.check-note summary").click()
    goal.get_by_label("Note for Walk for 20 minutes").fill(note)
    goal.get_by_role("button", name=re.compile(r"^Save note")).click()
    expect(goal.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(goal.locator("details.check-note summary")).to_have_text("Note")
    assert page.evaluate("window.__stay") == 3, "the page reloaded after saving a note"
    focus = goal.evaluate("card => card.contains(document.activeElement)")
    assert focus, "focus left the card after saving the note"
    page.reload()
    expect(goal.locator("details.check-note")).to_have_attribute("open", "")
    expect(goal.get_by_label("Note for Walk for 20 minutes")).to_have_value(note)
    expect(goal.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    # Big enough for a thumb, and the three boundary outcomes side by side.
    buttons = page.locator("[data-checkin-card] .check-button")
    expect(buttons).to_have_count(5)
    for button in buttons.all():
        box = button.bounding_box()
        assert box["width"] >= MIN_TAP and box["height"] >= MIN_TAP, (button.inner_text(), box)
    tops = [b.bounding_box()["y"] for b in boundary.locator(".check-button").all()]
    assert len(tops) == 3 and max(tops) - min(tops) < 1, tops
    fits = boundary.evaluate(
        "card => [...card.querySelectorAll('.check-button')].every("
        "b => b.scrollWidth <= b.clientWidth && b.getBoundingClientRect().right"
        " <= card.getBoundingClientRect().right)"
    )
    assert fits, "a boundary button's label overflows it"
    check(page, "goals-today-note")


def test_check_in_without_javascript(browser, browser_context_args, live_server):
    base = live_server.config["BASE_URL"]
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in_as_new_person(page, live_server)
        add_own_goal(page, base, "Call my sister", how_often="3 times a week")

        goal = goal_card(page, "Call my sister")
        goal.get_by_role("button", name="Done", exact=True).click()
        expect(page.locator(".flash.cheer")).to_have_text(re.compile(r"^\s*Done\. \w"))
        expect(page).to_have_url(re.compile(r"/goals/#goal-\d+$"))
        expect(goal.get_by_role("button", name="Done", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )

        goal.get_by_role("button", name="Done", exact=True).click()
        expect(page.get_by_text("Cleared.")).to_be_visible()
        expect(goal.get_by_role("button", name="Done", exact=True)).to_have_attribute(
            "aria-pressed", "false"
        )
    finally:
        context.close()


def test_progress_and_weekly_check_in_pages(page, live_server, check):
    base = live_server.config["BASE_URL"]
    log_in_as_new_person(page, live_server)
    day = today()

    page.goto(base + "/goals/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a self-care goal")
    check(page, "goal-new")
    add_suggested_goal(page, base, "In bed by 11 p.m.")
    add_own_goal(page, base, "Call my sister", how_often="3 times a week")

    page.goto(base + "/boundaries/new?example=money")
    expect(page.get_by_text("This is the “Money” example.")).to_be_visible()
    expect(page.get_by_label("Why it matters to me (optional)")).not_to_be_empty()
    expect(page.get_by_label("What I will do if it's crossed (optional)")).not_to_be_empty()
    check(page, "boundary-new")
    write_boundary(page, base, "money", MONEY)
    write_boundary(page, base, "home", HOME)

    # Oldest day first; the last one's page has every pressed state but "Tested" on it.
    page.goto(base + "/goals/")
    days = [
        (9, "Done", "Tested", "Held"),
        (2, "Done", "Tested", "Held"),
        (1, "Skip day", "Held", "Crossed"),
    ]
    for back, sister, money, home in days:
        open_day(page, day - timedelta(days=back))
        tap(goal_card(page, "In bed by 11 p.m."), "Done", pressed=True)
        tap(goal_card(page, "Call my sister"), sister, pressed=True)
        tap(boundary_card(page, MONEY), money, pressed=True)
        tap(boundary_card(page, HOME), home, pressed=True)
    check(page, "goals-another-day")

    page.goto(base + "/progress")
    expect(page.get_by_role("link", name="Do this week's check-in")).to_be_visible()
    page.get_by_role("link", name="Do this week's check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How am I doing?")
    check(page, "weekly-check-in")

    ratings = {"Sleep": "4", "Family": "7", "Time for myself": "10", "Money": "1"}
    for area, value in ratings.items():
        group = page.get_by_role("group", name=area, exact=True)
        group.locator("label.scale-step").filter(has_text=re.compile(rf"^\s*{value}\s*$")).click()
        expect(group.get_by_label(value, exact=True)).to_be_checked()
    ten = page.get_by_role("group", name="Time for myself").locator("label.scale-step").last
    box = ten.bounding_box()
    assert box["width"] >= MIN_TAP and box["height"] >= MIN_TAP, box
    check(page, "weekly-check-in-filled")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Your check-in for this week is saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/progress#wellbeing$"))

    expect(page.get_by_role("row", name=re.compile(r"^In bed by 11 p\.m\."))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Call my sister"))).to_be_visible()
    latest = page.get_by_role("table", name="Your latest ratings")
    expect(latest.get_by_role("row", name=re.compile(r"^Family 7"))).to_be_visible()

    for kind in ("heatmap", "bars", "line"):
        expect(page.locator(f"svg.chart-{kind}").first).to_be_visible()
    titles = page.locator("svg.chart").evaluate_all(
        "svgs => svgs.map(svg => (svg.querySelector(':scope > title') || {}).textContent || '')"
    )
    assert len(titles) == 3 and all(title.strip() for title in titles), titles
    # No journal moods yet: one sentence instead of two empty mood charts.
    expect(page.get_by_text("When you pick a mood as you write in your")).to_be_visible()
    heat = page.locator("svg.chart-heatmap rect.heat-cell")
    expect(heat.and_(page.locator(".heat-4"))).not_to_have_count(0)
    totals = page.locator("svg.chart-bars rect[data-series]").evaluate_all(
        "bars => bars.reduce((sum, bar) => ({...sum, [bar.dataset.series]:"
        " (sum[bar.dataset.series] || 0) + Number(bar.dataset.value)}), {})"
    )
    assert totals == {"held": 3, "tested": 2, "crossed": 1}, totals

    for chart_id in ("goal-calendar", "boundary-weeks", "wellbeing-weeks"):
        figure = page.locator(f"figure[aria-labelledby='{chart_id}-caption']")
        table = figure.get_by_role("table")
        expect(table).to_be_hidden()
        figure.get_by_text("Show the numbers").click()
        expect(table).to_be_visible()
        expect(table.locator("tbody tr")).not_to_have_count(0)
    wellbeing_rows = page.locator("figure[aria-labelledby='wellbeing-weeks-caption'] tbody tr")
    expect(wellbeing_rows).to_have_count(1)
    expect(wellbeing_rows.locator("td")).to_have_text("5.5")
    check(page, "progress")


@pytest.mark.one_instant  # looks and keys, not dates: the same at any instant
def test_goal_pages_in_dark_mode(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.emulate_media(color_scheme="dark")
    log_in_as_new_person(page, live_server)

    add_suggested_goal(page, base, "Walk for 20 minutes")
    add_suggested_goal(page, base, "In bed by 11 p.m.")
    write_boundary(page, base, "money", MONEY)
    write_boundary(page, base, "home", HOME)
    write_boundary(page, base, "car", "I will not lend you the car if I think you have used.")

    # One card in every pressed state, so each state's colours are checked.
    page.goto(base + "/goals/")
    tap(goal_card(page, "Walk for 20 minutes"), "Done", pressed=True)
    tap(goal_card(page, "In bed by 11 p.m."), "Skip day", pressed=True)
    tap(boundary_card(page, MONEY), "Held", pressed=True)
    tap(boundary_card(page, HOME), "Tested", pressed=True)
    car = boundary_card(page, "I will not lend you the car if I think you have used.")
    tap(car, "Crossed", pressed=True)
    car.locator("details.check-note summary").click()
    expect(car.get_by_label("Note about this boundary")).to_be_visible()
    check(page, "dark-goals-today")

    page.goto(base + "/progress/check-in")
    group = page.get_by_role("group", name="Sleep", exact=True)
    group.locator("label.scale-step").filter(has_text=re.compile(r"^\s*6\s*$")).click()
    expect(group.get_by_label("6", exact=True)).to_be_checked()
    check(page, "dark-weekly-check-in")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Your check-in for this week is saved.")).to_be_visible()

    for summary in page.get_by_text("Show the numbers").all():
        summary.click()
    expect(page.locator("svg.chart-heatmap")).to_be_visible()
    check(page, "dark-progress")
