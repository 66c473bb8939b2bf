"""The journal on a phone: write, read, find, delete and restore; drafts that survive a crash."""

import re

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, shown_text
from playwright.sync_api import expect

from caregiver import clock
from caregiver.auth import services as auth_services
from caregiver.auth.models import LoginSession
from caregiver.extensions import db

pytestmark = pytest.mark.time_dependent

EMAIL = "robin@example.org"
ZONE = "America/Los_Angeles"
DRAFT_KEYS = "Object.keys(localStorage).filter((name) => name.startsWith('caregiver-draft:'))"


def log_in_as_new_person(page, live_server, email=EMAIL):
    """Create a verified person and log in through the page; returns the person's id."""

    with live_server.app_context():
        user_id = auth_services.create_user(email, "Robin", PASSWORD, ZONE, verified=True).id
    page.goto(live_server.config["BASE_URL"] + "/auth/login")
    fill_login(page, email)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(live_server.config["BASE_URL"] + "/dashboard")
    return user_id


def fill_login(page, email=EMAIL):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)


def body_field(page):
    return page.get_by_label("What's on your mind?")


def pick_mood(page, label):
    page.locator("label.scale-step").filter(has_text=re.compile(rf"^\s*{label}\s*$")).click()
    expect(page.get_by_label(label, exact=True)).to_be_checked()


def save_entry(page):
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()


def today():
    return clock.today_in(ZONE)


def test_write_read_search_delete_restore_on_a_phone(page, live_server, check):
    base = live_server.config["BASE_URL"]
    log_in_as_new_person(page, live_server)
    day = today()

    page.goto(base + "/journal/")
    expect(page.get_by_role("heading", name="Your journal is empty")).to_be_visible()
    check(page, "journal-empty")

    page.get_by_role("link", name="Write your first entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New entry")
    prompt = page.locator(".prompt-text")
    expect(prompt).to_be_visible()
    first_prompt = prompt.inner_text()
    check(page, "new-entry")

    page.get_by_role("link", name="Show another prompt").click()
    expect(prompt).not_to_have_text(first_prompt)
    expect(prompt).not_to_be_empty()

    body = "Paid the pharmacy bill, zucchini soup for dinner.\n<b>not bold</b>\nSlept at last."
    body_field(page).fill(body)
    pick_mood(page, "Good")
    page.get_by_label("Tags (optional)").fill("money, sleep")
    check(page, "new-entry-filled")
    save_entry(page)

    entry_url = page.url
    assert re.search(r"/journal/\d+$", entry_url), entry_url
    entry_body = page.locator(".entry-body")
    expect(entry_body).to_contain_text("<b>not bold</b>")  # shown as typed, not as markup
    expect(entry_body.locator("b")).to_have_count(0)
    text = shown_text(entry_body)
    assert "dinner.\n<b>not bold</b>\nSlept" in text, repr(text)  # line breaks kept
    expect(page.get_by_text("Mood: Good")).to_be_visible()
    tags = page.get_by_role("list", name="Tags")
    expect(tags.get_by_role("link")).to_have_text(["money", "sleep"])
    check(page, "entry")

    page.get_by_role("link", name="← All entries").click()
    expect(page.get_by_role("heading", level=2, name=day.strftime("%B %Y"))).to_be_visible()
    card = page.locator("article.entry-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("zucchini soup")
    expect(card.get_by_role("list", name="Tags").get_by_role("link")).to_have_text(
        ["money", "sleep"]
    )
    check(page, "journal-list")

    card.get_by_role("link", name="money").click()
    expect(page).to_have_url(re.compile(r"/journal/\?tag=\d+$"))
    expect(page.locator("details.filters summary")).to_have_text("Filter entries (filtered)")
    expect(page.get_by_label("Tag", exact=True)).to_have_value(re.compile(r"^\d+$"))
    expect(page.locator("article.entry-card")).to_have_count(1)
    check(page, "journal-list-by-tag")

    subnav = page.get_by_role("navigation", name="Journal")
    subnav.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=2, name=day.strftime("%B %Y"))).to_be_visible()
    today_cell = page.locator("td.is-today")
    expect(today_cell).to_have_class(re.compile(r"\bhas-entry\b"))
    expect(today_cell.get_by_role("link")).to_contain_text("1 entry, mood Good")
    check(page, "calendar")

    page.get_by_role("navigation", name="Journal").get_by_role("link", name="Search").click()
    page.get_by_label("Search your journal").fill("zucchini")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="1 entry matches")).to_be_visible()
    expect(page.locator("article.entry-card mark")).to_have_text("zucchini")
    check(page, "search-results")

    page.goto(entry_url)
    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this entry?")
    check(page, "delete-confirm")
    page.get_by_role("button", name="Delete entry").click()
    expect(page.get_by_text("Entry moved to Recently deleted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your journal is empty")).to_be_visible()
    check(page, "journal-after-delete")

    page.get_by_role("link", name="Recently deleted").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recently deleted")
    expect(page.locator("article.entry-card")).to_contain_text("zucchini soup")
    check(page, "recently-deleted")
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Entry restored.")).to_be_visible()
    expect(page).to_have_url(entry_url)
    expect(page.locator(".entry-body")).to_contain_text("zucchini soup")
    check(page, "entry-restored")

    page.get_by_role("link", name="← All entries").click()
    expect(page.locator("article.entry-card")).to_contain_text("zucchini soup")


@pytest.mark.one_instant  # looks and keys, not dates: the same at any instant
def test_a_draft_survives_a_crash_and_is_cleared_after_saving(page, live_server, check):
    base = live_server.config["BASE_URL"]
    log_in_as_new_person(page, live_server)
    context = page.context
    draft = "Mum didn't recognise me today.\nI sat with her anyway."

    page.goto(base + "/journal/new")
    body_field(page).fill(draft)
    expect(page.get_by_text("Draft kept on this device")).to_be_visible()
    check(page, "draft-kept")
    assert len(page.evaluate(DRAFT_KEYS)) == 1

    page.close()  # the browser tab crashes before the entry is saved
    page = context.new_page()
    page.goto(base + "/journal/new")
    expect(page.get_by_text("You have an unsaved draft")).to_be_visible()
    expect(body_field(page)).to_have_value("")
    check(page, "draft-offered")
    page.get_by_role("button", name="Restore draft").click()
    expect(body_field(page)).to_have_value(draft)
    expect(page.get_by_text("You have an unsaved draft")).to_have_count(0)
    save_entry(page)
    expect(page.locator(".entry-body")).to_contain_text("I sat with her anyway.")
    # The saved page's script drops the draft; it runs after the text is parsed, before "load".
    page.wait_for_load_state("load")
    assert page.evaluate(DRAFT_KEYS) == []
    check(page, "draft-saved")

    page.goto(base + "/journal/new")  # scripts run before goto() returns (load event)
    expect(page.get_by_role("heading", level=1)).to_have_text("New entry")
    expect(page.get_by_text("You have an unsaved draft")).to_have_count(0)
    expect(body_field(page)).to_have_value("")

    # Logging out on a shared device leaves no private text behind, and nothing else is touched.
    body_field(page).fill("Private words for nobody else.")
    expect(page.get_by_text("Draft kept on this device")).to_be_visible()
    page.evaluate(
        "localStorage.setItem('caregiver-draft:0000000000000000:edit-1', '{}');"
        "localStorage.setItem('not-a-draft', 'keep me');"
    )
    assert len(page.evaluate(DRAFT_KEYS)) == 2
    page.locator("footer").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    keys = page.evaluate("Object.keys(localStorage)")
    assert [key for key in keys if key.startswith("caregiver-draft:")] == [], keys
    assert "not-a-draft" in keys


def test_an_expired_session_keeps_the_entry_and_saves_it_after_logging_in_again(
    page, live_server, check
):
    base = live_server.config["BASE_URL"]
    user_id = log_in_as_new_person(page, live_server)
    body = "Long night at the hospital.\nThe nurse was kind.\n<i>Still here.</i>"

    page.goto(base + "/journal/new")
    body_field(page).fill(body)
    pick_mood(page, "Low")
    page.get_by_label("Tags (optional)").fill("hospital")
    check(page, "new-entry")

    # The session ends on the server (timed out, or logged out elsewhere); the page stays open.
    with live_server.app_context():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        )
        db.session.commit()

    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to save your entry")
    expect(page.get_by_text("Your entry is kept on this page.")).to_be_visible()
    check(page, "resume-login")

    fill_login(page)
    page.get_by_role("button", name="Log in and save").click()
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/journal/\d+$"))
    entry_body = page.locator(".entry-body")
    expect(entry_body).to_contain_text("The nurse was kind.")
    assert shown_text(entry_body) == body  # every line, kept exactly as typed
    expect(page.get_by_text("Mood: Low")).to_be_visible()
    expect(page.get_by_role("list", name="Tags").get_by_role("link")).to_have_text(["hospital"])
    assert page.evaluate(DRAFT_KEYS) == []  # saved, so the browser's copy is dropped
    check(page, "resume-saved")


@pytest.mark.one_instant  # looks and keys, not dates: the same at any instant
def test_with_the_cookies_cleared_the_words_stay_on_the_page_to_log_in_and_save(
    page, live_server, check
):
    log_in_as_new_person(page, live_server)
    body = "Cleared everything by mistake.\n<b>Still</b> want this kept."

    page.goto(live_server.config["BASE_URL"] + "/journal/new")
    body_field(page).fill(body)
    page.get_by_label("Tags (optional)").fill("kept")
    page.context.clear_cookies()  # closed the browser, cleared its data, or an old tab
    page.get_by_role("button", name="Save entry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to save your entry")
    expect(page.get_by_text("This page was open for a long time")).to_be_visible()
    expect(page.locator("input[name='body']")).to_have_value(body)
    expect(page.locator("input[name='tags']")).to_have_value("kept")
    check(page, "cookies-cleared-login")

    fill_login(page)
    page.get_by_role("button", name="Log in and save").click()
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()
    assert shown_text(page.locator(".entry-body")) == body
    expect(page.get_by_role("list", name="Tags").get_by_role("link")).to_have_text(["kept"])


@pytest.mark.one_instant  # looks and keys, not dates: the same at any instant
def test_journal_pages_in_dark_mode(page, live_server, check):
    base = live_server.config["BASE_URL"]
    log_in_as_new_person(page, live_server)
    page.emulate_media(color_scheme="dark")

    # Two entries: one to read and find, one to delete so Recently deleted has a card.
    entries = [("Tea with Dad on the porch.", "Very good"), ("A hard day.", "Very low")]
    for words, mood in entries:
        page.goto(base + "/journal/new")
        body_field(page).fill(words)
        pick_mood(page, mood)
        page.get_by_label("Tags (optional)").fill("family")
        if mood == "Very low":
            check(page, "dark-new-entry")
        save_entry(page)
    page.get_by_role("link", name="Delete", exact=True).click()
    check(page, "dark-delete-confirm")
    page.get_by_role("button", name="Delete entry").click()
    expect(page.get_by_text("Entry moved to Recently deleted.")).to_be_visible()

    page.locator("article.entry-card").get_by_role("link").first.click()
    expect(page.locator(".entry-body")).to_have_text("Tea with Dad on the porch.")
    check(page, "dark-entry")

    for path, name in [
        ("/journal/", "list"),
        ("/journal/calendar", "calendar"),
        ("/journal/search", "search"),
        ("/journal/export", "export"),
        ("/journal/deleted", "deleted"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check(page, f"dark-{name}")

    page.goto(base + "/journal/search")
    page.get_by_label("Search your journal").fill("porch")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article.entry-card mark")).to_have_text("porch")
    check(page, "dark-search-results")
