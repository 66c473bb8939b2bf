"""The conversation planner on a phone: answer, read the script, change it, save it privately."""

import re

from helpers import PASSWORD, shown_text
from playwright.sync_api import expect

from caregiver.auth import services as auth_services

EMAIL = "jo@example.org"
ZONE = "America/Los_Angeles"
PLAN = "/guidance/plan-a-conversation"
MIN_TAP = 44


def make_person(live_server, email=EMAIL):
    with live_server.app_context():
        auth_services.create_user(email, "Jo", PASSWORD, ZONE, verified=True)


def log_in(page, live_server, email=EMAIL):
    page.goto(live_server.config["BASE_URL"] + "/auth/login")
    fill_login(page, email)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(live_server.config["BASE_URL"] + "/dashboard")


def fill_login(page, email=EMAIL):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)


def answer(page, skip_feeling=False):
    page.get_by_label("1. What I noticed").fill("You missed dinner with us three times this week.")
    if not skip_feeling:
        page.get_by_label("2. How I feel").fill("I'm worried")
    page.get_by_label("3. What I would like").fill("come to dinner with us on Sunday")
    page.get_by_label("4. How I can help (optional)").fill("pick you up at five")
    page.get_by_label("5. When and where to talk (optional)").fill("Sunday morning, on a walk")
    page.get_by_label("6. What I will do if it goes badly (optional)").fill("leave the room")


def script_field(page):
    return page.get_by_label("Your script")


def assert_big_enough(page):
    for button in page.locator("main .button").all():
        box = button.bounding_box()
        assert box["height"] >= MIN_TAP, (button.inner_text(), box)


def test_plan_change_and_save_a_conversation_on_a_phone(page, live_server, check):
    base = live_server.config["BASE_URL"]
    make_person(live_server)
    log_in(page, live_server)

    page.goto(base + PLAN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a conversation")
    expect(page.get_by_role("link", name="If anyone is in danger, get help now")).to_be_visible()
    check(page, "planner-form")

    answer(page, skip_feeling=True)
    page.get_by_role("button", name="Make my script").click()
    expect(page.get_by_text("Write how you feel. One word is enough.")).to_be_visible()
    expect(page.get_by_label("2. How I feel")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("1. What I noticed")).to_have_value(
        "You missed dinner with us three times this week."
    )
    check(page, "planner-missing-feeling")

    page.get_by_label("2. How I feel").fill("I'm worried")
    page.get_by_role("button", name="Make my script").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your script")
    script = script_field(page).input_value()
    assert "I noticed you missed dinner with us three times this week." in script
    assert "I feel worried when that happens." in script
    assert "I would like you to come to dinner with us on Sunday." in script
    assert_big_enough(page)
    check(page, "planner-script")

    page.get_by_role("button", name="Back to my answers").click()
    expect(page.get_by_label("4. How I can help (optional)")).to_have_value("pick you up at five")
    page.get_by_role("button", name="Make my script").click()

    mine = script_field(page).input_value().replace("at five", "at five, and bring lunch")
    script_field(page).fill(mine)
    page.get_by_role("button", name="Save to my journal").click()
    expect(page).to_have_url(re.compile(r"/journal/\d+$"))
    expect(page.get_by_text("Your plan is saved in your journal.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conversation plan")
    assert shown_text(page.locator(".entry-body")) == mine
    check(page, "planner-saved")


def test_a_visitor_plans_in_dark_mode_then_logs_in_to_save(page, live_server, check):
    base = live_server.config["BASE_URL"]
    make_person(live_server)
    page.emulate_media(color_scheme="dark")

    page.goto(base + PLAN)
    check(page, "dark-planner-form")
    answer(page)
    page.get_by_role("button", name="Make my script").click()
    expect(page.get_by_role("button", name="Save to my journal")).to_have_count(0)
    expect(page.get_by_role("link", name="Create a free account")).to_be_visible()
    check(page, "dark-planner-script")

    page.get_by_role("button", name="Log in to save it").click()
    expect(page.get_by_text("Your script is still here.")).to_be_visible()
    expect(script_field(page)).to_contain_text("I feel worried when that happens.")
    check(page, "dark-planner-log-in")

    fill_login(page)
    page.get_by_role("button", name="Log in and save").click()
    expect(page).to_have_url(re.compile(r"/journal/\d+$"))
    expect(page.locator(".entry-body")).to_contain_text("I can pick you up at five.")
    check(page, "dark-planner-saved")


def test_the_planner_works_without_javascript(browser, browser_context_args, live_server):
    base = live_server.config["BASE_URL"]
    make_person(live_server)
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.goto(base + PLAN)
        answer(page)
        page.get_by_role("button", name="Make my script").click()
        expect(script_field(page)).to_contain_text("I can pick you up at five.")
        page.get_by_role("button", name="Back to my answers").click()
        expect(page.get_by_label("2. How I feel")).to_have_value("I'm worried")
        page.get_by_role("button", name="Make my script").click()
        page.get_by_role("button", name="Save to my journal").click()
        expect(page.get_by_text("Your plan is saved in your journal.")).to_be_visible()
    finally:
        context.close()
