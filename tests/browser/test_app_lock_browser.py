"""The app lock on a phone: set up with a PIN, "Lock now", the unlock page in place of a private
page, back with the PIN or the phone's passkey, and the open page locking itself when idle.

The idle minutes pass on the page's own clock (Playwright's fake timers); the server learns of
them from the page's "Lock now" post, as it would on a phone left on the table.
"""

import re

import pytest
from playwright.sync_api import expect
from test_security_browser import (
    check_narrow,
    log_in_with_password,
    make_person,
    on_localhost,
    phone_with_fingerprint,
)

pytestmark = pytest.mark.one_instant  # what these pages do holds at any date; browsers are slow

PIN = "4826"
WORDS = "The spare key is back in the drawer"


def write_entry(page, base):
    page.goto(base + "/journal/new")
    page.get_by_label("What's on your mind?").fill(WORDS)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text(WORDS)).to_be_visible()


def add_passkey(page, base):
    page.goto(base + "/account/passkeys")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Passkey added.")).to_be_visible()


def set_up_lock(page, base, check):
    page.goto(base + "/account")
    page.get_by_role("link", name="Set up an app lock").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("App lock")
    expect(page.get_by_label("5 minutes", exact=True)).to_be_checked()
    check(page, "app-lock-setup")
    page.get_by_label("Choose a PIN").fill("12")
    page.get_by_label("Type the PIN again").fill("21")
    page.get_by_role("button", name="Turn on the app lock").click()
    expect(page.get_by_text("Use 4 to 6 digits, numbers only.")).to_be_visible()
    expect(page.get_by_label("Choose a PIN")).to_have_attribute("aria-invalid", "true")
    check(page, "app-lock-setup-mistakes")
    check_narrow(page, check, "app-lock-setup-mistakes")
    page.get_by_label("1 minute", exact=True).check()
    page.get_by_label("Choose a PIN").fill(PIN)
    page.get_by_label("Type the PIN again").fill(PIN)
    page.get_by_role("button", name="Turn on the app lock").click()
    expect(page.get_by_text("The app lock is on.")).to_be_visible()
    check(page, "account-app-lock-on")


def expect_locked(page):
    expect(page.get_by_role("heading", level=1)).to_have_text("Locked")
    expect(page).to_have_title("Locked · Caregiver")
    expect(page.get_by_text(WORDS)).to_have_count(0)
    expect(page.get_by_text("Jo", exact=True)).to_have_count(0)


def test_lock_now_then_open_with_the_pin_or_the_passkey(page, live_server, check):
    make_person(live_server)
    base = on_localhost(live_server)
    phone_with_fingerprint(page)
    log_in_with_password(page, base)
    expect(page).to_have_url(base + "/dashboard")
    add_passkey(page, base)
    write_entry(page, base)
    set_up_lock(page, base, check)

    page.goto(base + "/journal/")
    page.locator("footer").get_by_role("button", name="Lock now").click()
    expect(page).to_have_url(base + "/auth/locked")
    expect_locked(page)
    expect(page.get_by_role("button", name="Unlock with a passkey")).to_be_visible()
    check(page, "unlock")
    check_narrow(page, check, "unlock")

    # A private page asked for while locked answers with the lock, at its own address.
    page.goto(base + "/journal/")
    expect_locked(page)
    page.get_by_label("Your PIN", exact=True).fill("0000")
    page.get_by_role("button", name="Unlock", exact=True).click()
    expect(page.get_by_text("That isn't the PIN. You have 4 more tries")).to_be_visible()
    check(page, "unlock-wrong-pin")
    page.get_by_label("Your PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Unlock", exact=True).click()
    expect(page).to_have_url(base + "/journal/")
    expect(page.get_by_text(WORDS)).to_be_visible()

    page.goto(base + "/goals/")
    page.locator("footer").get_by_role("button", name="Lock now").click()
    page.goto(base + "/goals/")
    expect_locked(page)
    page.get_by_role("button", name="Unlock with a passkey").click()
    expect(page).to_have_url(base + "/goals/")
    expect(page.locator("footer").get_by_role("button", name="Lock now")).to_be_visible()


def test_an_open_page_locks_itself_after_the_idle_minutes(page, live_server, check):
    make_person(live_server)
    base = live_server.config["BASE_URL"]
    page.clock.install()
    log_in_with_password(page, base)
    write_entry(page, base)
    set_up_lock(page, base, check)

    page.goto(base + "/journal/?q=spare")
    expect(page.get_by_text(WORDS).first).to_be_visible()
    page.clock.fast_forward("00:50")
    page.keyboard.press("Tab")  # someone is still there: the minute starts again
    page.clock.fast_forward("00:50")
    expect(page).to_have_url(re.compile(r"/journal/\?q=spare$"))
    page.clock.fast_forward("00:15")
    expect(page).to_have_url(re.compile(r"/auth/locked\?next="))
    expect_locked(page)
    check(page, "locked-by-idle")
    # Back does not bring the private page back: the lock page replaced it.
    page.get_by_label("Your PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Unlock", exact=True).click()
    expect(page).to_have_url(base + "/journal/?q=spare")
    expect(page.get_by_text(WORDS).first).to_be_visible()
