"""Reminder settings and an unsubscribe link, on a phone."""

import re

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect
from sqlalchemy import select

from caregiver.auth import services as auth_services
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.reminders import services
from caregiver.reminders.messages import unsubscribe_token

pytestmark = pytest.mark.time_dependent

EMAIL = "sam@example.org"
MIN_TAP = 44


def test_choose_reminders_and_stop_them_from_a_link(page, live_server, check):
    base = live_server.config["BASE_URL"]
    with live_server.app_context():
        auth_services.create_user(EMAIL, "Sam", PASSWORD, "America/Los_Angeles", verified=True)
    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(base + "/dashboard")

    page.goto(base + "/account")
    page.get_by_role("link", name="Choose your reminder emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminder emails")
    days = page.get_by_role("group", name="On these days")
    for box in days.locator("label.choice").all():
        size = box.bounding_box()
        assert size["height"] >= MIN_TAP, size
    check(page, "reminders-start")

    # A mistake is explained next to its field, and nothing typed is lost.
    page.get_by_label("Email me a daily journal nudge").check()
    page.get_by_label("Time", exact=True).fill("07:15")
    for day in ("Saturday", "Sunday"):
        days.get_by_label(day).uncheck()
    page.get_by_label("From").fill("21:00")
    page.get_by_label("Until").fill("21:00")
    page.get_by_role("button", name="Save reminder settings").click()
    mistake = "Quiet hours need an end time different from the start time."
    expect(page.get_by_text(mistake)).to_be_visible()
    expect(page.get_by_label("Until")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Time", exact=True)).to_have_value("07:15")
    expect(days.get_by_label("Sunday")).not_to_be_checked()
    check(page, "reminders-mistake")

    page.get_by_label("Until").fill("06:30")
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.get_by_text("Your reminder settings are saved.")).to_be_visible()
    expect(page.get_by_label("Email me a daily journal nudge")).to_be_checked()
    expect(days.get_by_label("Friday")).to_be_checked()
    expect(days.get_by_label("Saturday")).not_to_be_checked()
    check(page, "reminders-saved")

    with live_server.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == EMAIL))
        token = unsubscribe_token(user_id, "journal")
    page.goto(f"{base}/unsubscribe/{token}")
    expect(page.get_by_text(re.compile("This link turns off: Daily journal nudge"))).to_be_visible()
    check(page, "unsubscribe-ask")
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Done: no more of these emails")
    check(page, "unsubscribe-done")
    with live_server.app_context():
        assert services.journal_nudge(user_id).on is False

    page.goto(f"{base}/unsubscribe/{token[:-4]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link doesn't work")
    check(page, "unsubscribe-broken")
