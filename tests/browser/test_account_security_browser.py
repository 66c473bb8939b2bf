"""Sign-in and security on a phone: the device list and log, and the password asked again before
private data leaves the app."""

from datetime import timedelta

from helpers import PASSWORD, log_in_on_page
from playwright.sync_api import expect

from caregiver import security
from caregiver.auth import services as auth_services
from caregiver.auth import sign_in_throttle

EMAIL = "sam.secure@example.org"


def log_in(page, base):
    log_in_on_page(page, base, EMAIL)


def test_the_security_page_and_the_password_asked_again_before_an_export(
    page, live_server, check, pinned_clock
):
    base = live_server.config["BASE_URL"]
    with live_server.app_context():
        auth_services.create_user(EMAIL, "Sam", PASSWORD, "America/Chicago", verified=True)
    log_in(page, base)

    page.goto(base + "/account")
    page.get_by_role("link", name="Open sign-in and security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in and security")
    expect(page.get_by_text("This device")).to_be_visible()
    expect(page.get_by_role("list").get_by_text("Signed in", exact=True)).to_be_visible()
    check(page, "security")

    # A while later (a phone left on the table), taking the journal away asks who it is.
    pinned_clock.shift(timedelta(minutes=10))
    page.goto(base + "/journal/export")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it's you")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That isn't your password.")).to_be_visible()
    check(page, "confirm-password")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(base + "/journal/export")


def test_the_unlock_and_undo_links_show_a_button_then_say_when_they_are_used(
    page, live_server, check
):
    base = live_server.config["BASE_URL"]
    with live_server.app_context():
        person = auth_services.create_user(EMAIL, "Sam", PASSWORD, "America/Chicago", verified=True)
        for _ in range(sign_in_throttle.LOCK_AT):
            sign_in_throttle.failed(person.email, person)
        unlock = security.make_token(
            "unlock", {"uid": person.id, "fp": sign_in_throttle.lock_state(person)}
        )
    page.goto(f"{base}/auth/unlock/{unlock}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unlock sign-in")
    check(page, "unlock")
    page.get_by_role("button", name="Unlock sign-in").click()
    expect(page.get_by_text("Sign-in is unlocked. You can log in now.")).to_be_visible()
    page.goto(f"{base}/auth/unlock/{unlock}")
    page.get_by_role("button", name="Unlock sign-in").click()
    expect(page.get_by_text("Sign-in is already unlocked")).to_be_visible()
    check(page, "unlock-used")
