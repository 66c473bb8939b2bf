"""Passkeys and two-step sign-in on a phone.

Passkeys are driven for real: Chromium's virtual authenticator (through the DevTools protocol)
plays the phone's fingerprint reader. WebAuthn refuses an IP address as the site's name, so
these pages are opened at http://localhost:<port> and the app's BASE_URL says the same.
"""

import re
from datetime import timedelta

import pyotp
from helpers import PASSWORD
from playwright.sync_api import expect

from caregiver import clock
from caregiver.auth import services as auth_services

EMAIL = "jo@example.org"
ZONE = "America/Los_Angeles"
NEXT_STEP = timedelta(seconds=30)


def on_localhost(live_server) -> str:
    base = live_server.config["BASE_URL"].replace("127.0.0.1", "localhost")
    live_server.config["BASE_URL"] = base
    return base


def phone_with_fingerprint(page):
    """A platform authenticator that keeps passkeys and always recognises its owner."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, authenticator["authenticatorId"]


def log_in_with_password(page, base):
    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page):
    page.locator("footer").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()


def check_narrow(page, check, name):
    """The same page on the narrowest phone we design for."""
    wide = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    check(page, f"{name}-320")
    page.set_viewport_size(wide)


def make_person(live_server):
    with live_server.app_context():
        auth_services.create_user(EMAIL, "Jo", PASSWORD, ZONE, verified=True)


def test_add_a_passkey_then_log_in_with_it(page, live_server, check):
    make_person(live_server)
    base = on_localhost(live_server)
    cdp, authenticator_id = phone_with_fingerprint(page)
    log_in_with_password(page, base)
    expect(page).to_have_url(base + "/dashboard")

    page.goto(base + "/account")
    page.get_by_role("link", name="Your passkeys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passkeys")
    expect(page.get_by_text("No passkeys yet")).to_be_visible()
    expect(page.get_by_text("This browser can't make passkeys")).to_be_hidden()
    name = page.get_by_label("Name this passkey")
    expect(name).to_have_value("Chrome on Android")
    check(page, "passkeys-empty")

    name.fill("Jo's phone")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Passkey added.")).to_be_visible()
    expect(page.locator(".passkey-name")).to_have_text("Jo's phone")
    expect(page.get_by_text("Not used yet")).to_be_visible()
    check(page, "passkeys-one")
    check_narrow(page, check, "passkeys-one")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]

    log_out(page)
    page.goto(base + "/auth/login?next=/journal/")
    passkey_button = page.get_by_role("button", name="Log in with a passkey")
    expect(passkey_button).to_be_visible()
    check(page, "login-with-passkey")
    passkey_button.click()
    expect(page).to_have_url(base + "/journal/")

    page.goto(base + "/account/passkeys")
    expect(page.get_by_text(re.compile("^Last used "))).to_be_visible()
    page.get_by_role("link", name="Remove Jo's phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove this passkey?")
    check(page, "passkey-remove")
    page.get_by_role("button", name="Remove passkey").click()
    expect(page.get_by_text("Passkey removed.")).to_be_visible()
    expect(page.get_by_text("No passkeys yet")).to_be_visible()

    # The phone still offers the removed passkey; the app says what to do instead.
    log_out(page)
    page.goto(base + "/auth/login")
    page.get_by_role("button", name="Log in with a passkey").click()
    expect(page.get_by_text("isn't linked to an account here any more")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/auth/login"))
    check(page, "login-passkey-removed")


def test_a_refused_fingerprint_leaves_the_page_calm(page, live_server, check):
    make_person(live_server)
    base = on_localhost(live_server)
    cdp, authenticator_id = phone_with_fingerprint(page)
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": False}
    )
    page.goto(base + "/auth/login")
    page.get_by_role("button", name="Log in with a passkey").click()
    expect(page.get_by_text("No passkey was used.")).to_be_visible(timeout=70_000)
    expect(page).to_have_url(base + "/auth/login")
    check(page, "login-passkey-refused")


def test_two_step_sign_in_with_an_app_and_a_recovery_code(page, live_server, check, pinned_clock):
    make_person(live_server)
    base = live_server.config["BASE_URL"]
    log_in_with_password(page, base)
    page.goto(base + "/account")
    page.get_by_role("link", name="Two-step sign-in").click()
    check(page, "two-step-off")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    check(page, "two-step-setup")
    check_narrow(page, check, "two-step-setup")

    grouped = page.locator("[data-secret]").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", grouped), grouped
    totp = pyotp.TOTP(grouped.replace(" ", ""))
    code_field = page.get_by_label("6-digit code from your app")
    code_field.fill(str((int(totp.at(clock.now())) + 1) % 1_000_000).zfill(6))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_text("That code didn't work.")).to_be_visible()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    check(page, "two-step-setup-mistake")

    code_field.fill(totp.at(clock.now()))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    assert download.value.suggested_filename == "recovery-codes.txt"
    check(page, "recovery-codes")
    check_narrow(page, check, "recovery-codes")
    page.get_by_role("button", name="I've saved them").click()
    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()
    expect(page.get_by_text("10 of 10")).to_be_visible()
    check(page, "two-step-on")

    log_out(page)
    log_in_with_password(page, base)
    expect(page).to_have_url(base + "/auth/login/code")
    check(page, "login-code")
    check_narrow(page, check, "login-code")
    page.get_by_text("Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Log in with a recovery code").click()
    expect(page).to_have_url(base + "/dashboard")
    expect(page.get_by_text("you have 9 left")).to_be_visible()

    log_out(page)
    log_in_with_password(page, base)
    page.get_by_text("Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Log in with a recovery code").click()
    expect(page.get_by_text("That recovery code didn't work.")).to_be_visible()
    check(page, "login-code-used-recovery-code")

    pinned_clock.shift(NEXT_STEP)  # the code that turned it on is spent
    page.get_by_label("6-digit code from your app").fill(totp.at(clock.now()))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(base + "/dashboard")
