"""The guidance library on a phone: find an article, read it, mark it, write about it."""

import re

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from caregiver.auth import services as auth_services


def sign_up_and_log_in(page, live_server, email):
    with live_server.app_context():
        auth_services.create_user(email, "Robin", PASSWORD, "America/Los_Angeles", verified=True)
    page.goto(live_server.config["BASE_URL"] + "/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/(dashboard|welcome)"))


def test_a_visitor_searches_reads_and_finds_help(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.goto(base + "/guidance/")
    expect(page.get_by_role("heading", name="New here? Start with these")).to_be_visible()
    check(page, "library")
    page.get_by_role("searchbox", name="Search the guidance").fill("naloxone")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text(re.compile(r"\d+ articles? found"))).to_be_visible()
    check(page, "search")
    page.get_by_role("link", name="Overdose signs and naloxone").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdose signs and naloxone")
    check(page, "article")
    page.get_by_role("link", name="Get help now: overdose steps and helplines").click()
    expect(page.get_by_role("heading", name="If they have overdosed")).to_be_visible()

    page.goto(base + "/guidance/no-such-page")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    check(page, "not-found")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_caregiver_marks_an_article_and_writes_about_it(page, live_server, check, scheme):
    page.emulate_media(color_scheme=scheme)
    sign_up_and_log_in(page, live_server, f"robin-{scheme}@example.org")
    page.goto(live_server.config["BASE_URL"] + "/guidance/if-you-just-found-out")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    expect(page.get_by_role("button", name="Read ✓")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Bookmark").click()
    expect(page.get_by_role("button", name="Bookmarked ✓")).to_be_visible()
    check(page, f"{scheme}-article-marked")

    page.get_by_role("link", name="Guidance", exact=True).first.click()
    expect(page.get_by_text("You have read 1 of")).to_be_visible()
    check(page, f"{scheme}-library-signed-in")

    page.goto(live_server.config["BASE_URL"] + "/guidance/if-you-just-found-out")
    prompt = page.locator(".prompt-links a").first
    prompt_text = prompt.inner_text()
    prompt.click()
    expect(page).to_have_url(re.compile(r"/journal/new\?prompt=article"))
    expect(page.get_by_text(prompt_text)).to_be_visible()
