"""A newcomer's first visit on a phone: register, confirm by email, log in, log out."""

import re

from helpers import PASSWORD, link_in
from playwright.sync_api import expect

EMAIL = "jordan@example.org"


def test_register_verify_login_logout(page, live_server, mailbox, check):
    base = live_server.config["BASE_URL"]
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("carry this alone")
    check(page, "landing")

    page.get_by_role("link", name="Help now", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    expect(page.locator("a[href='tel:911']").first).to_be_visible()
    check(page, "help")

    page.goto(base + "/")
    page.get_by_role("link", name="Create a free account").click()
    # The browser's own timezone is offered (the phone is set to Los Angeles).
    expect(page.get_by_label("Timezone")).to_have_value("America/Los_Angeles")
    check(page, "register")

    page.get_by_label("Your name").fill("Jordan")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Use 10 to 256 characters.")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value(EMAIL)  # nothing typed is lost
    check(page, "register-error")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Show password").click()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check(page, "check-email")

    page.goto(base + link_in(mailbox.last_to(EMAIL), "/auth/verify/"))
    check(page, "confirm")
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Jordan")
    check(page, "welcome")

    page.get_by_role("link", name="Go to your home page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Jordan")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    check(page, "dashboard")

    page.get_by_role("link", name="Account").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check(page, "account")

    page.locator("footer").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    check(page, "logged-out")
    # The back button cannot bring the private page back on a shared device.
    page.goto(base + "/dashboard")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fdashboard$"))
    check(page, "login")

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(base + "/dashboard")
    check(page, "dashboard-again")


def test_pages_pass_accessibility_checks_in_dark_mode(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.emulate_media(color_scheme="dark")
    for path, name in [
        ("/", "landing"),
        ("/help", "help"),
        ("/auth/login", "login"),
        ("/no-such-page", "not-found"),
    ]:
        page.goto(base + path)
        check(page, f"dark-{name}")


def test_pages_work_without_javascript(browser, browser_context_args, live_server, mailbox):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    base = live_server.config["BASE_URL"]
    page.goto(base + "/auth/register")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(base + link_in(mailbox.last_to("sam@example.org"), "/auth/verify/"))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam")
    context.close()
