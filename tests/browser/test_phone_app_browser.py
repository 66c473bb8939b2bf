"""The app on a phone: installable, an offline page with the help numbers, nothing private kept
by the service worker, and a quick exit that leaves nothing behind the back button.

Chromium runs on its real clock here; only the server's clock is pinned (by the suite), and no
assertion depends on the hour.
"""

import json
import threading
from datetime import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, log_in_on_page
from playwright.sync_api import expect

from caregiver import clock
from caregiver.auth import services as auth_services
from caregiver.auth.models import LoginSession
from caregiver.extensions import db
from caregiver.journal import services as journal_services

pytestmark = pytest.mark.one_instant  # what these pages do holds at any date; browsers are slow

EMAIL = "sam@example.org"
ZONE = "America/Los_Angeles"
SECRET = "Marmalade-Lighthouse-2291"
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


class NeutralSite(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        body = b"<!doctype html><title>Weather</title><h1>Sunny, 21 degrees</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def neutral_site():
    """An ordinary site on another origin, standing in for the one "Leave quickly" opens."""
    server = HTTPServer(("127.0.0.1", 0), NeutralSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def person_with_an_entry(live_server) -> tuple[int, int]:
    with live_server.app_context():
        person = auth_services.create_user(EMAIL, "Sam", PASSWORD, ZONE, verified=True)
        entry = journal_services.create_entry(
            person,
            journal_services.EntryData(
                body=f"{SECRET} is what I could not say out loud.",
                title=f"{SECRET} tonight",
                entry_date=clock.today_in(ZONE),
                entry_time=time(8, 0),
            ),
        )
        return person.id, entry.id


def log_in(page, base):
    log_in_on_page(page, base, EMAIL)


def wait_for_worker(page):
    """The service worker installed, active and in charge of this page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


@pytest.fixture
def profile_page(playwright, browser_type_launch_args, browser_context_args, tmp_path):
    """A page in a browser profile kept on disk: Chromium installs no app from a private window."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args, **browser_context_args
    )
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def test_chromium_can_install_the_app_and_offline_it_shows_the_help_numbers(
    profile_page, live_server, check
):
    page = profile_page
    base = live_server.config["BASE_URL"]
    person_with_an_entry(live_server)
    page.goto(base + "/")
    wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert json.loads(manifest["data"])["display"] == "standalone"

    log_in(page, base)
    for path in ("/journal/", "/account", "/goals/", "/progress"):
        page.goto(base + path)
    page.context.set_offline(True)
    page.goto(base + "/journal/")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    expect(page.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    expect(page.get_by_role("link", name="Call 988").first).to_have_attribute("href", "tel:988")
    assert SECRET not in page.content()
    check(page, "offline")
    page.context.set_offline(False)


def test_the_worker_never_keeps_a_private_page(page, live_server):
    base = live_server.config["BASE_URL"]
    _person, entry_id = person_with_an_entry(live_server)
    log_in(page, base)
    wait_for_worker(page)
    for path in (f"/journal/{entry_id}", "/journal/", "/account", "/dashboard", "/help"):
        page.goto(base + path)
        expect(page.locator("main")).to_be_visible()
    kept = page.evaluate(CACHED_URLS)
    assert "/offline" in kept
    assert [url for url in kept if url != "/offline" and not url.startswith("/static/")] == []


@pytest.mark.parametrize("how", ["escape three times", "the leave quickly link"])
def test_quick_exit_from_a_journal_entry_leaves_nothing_behind(
    page, live_server, neutral_site, how
):
    live_server.config["QUICK_EXIT_URL"] = neutral_site
    base = live_server.config["BASE_URL"]
    person_id, entry_id = person_with_an_entry(live_server)
    log_in(page, base)
    page.goto(base + "/journal/")
    page.get_by_role("link", name=f"{SECRET} tonight").click()
    expect(page).to_have_url(base + f"/journal/{entry_id}")
    expect(page.get_by_text(SECRET).first).to_be_visible()

    if how == "escape three times":
        for _ in range(3):
            page.keyboard.press("Escape")
    else:
        page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(neutral_site)
    expect(page.get_by_role("heading", name="Sunny, 21 degrees")).to_be_visible()
    signed_out(live_server, person_id)

    page.reload()
    expect(page).to_have_url(neutral_site)
    page.go_back()
    # The entry's page was replaced, not left behind; the page before it asks for a log-in.
    assert page.url != base + f"/journal/{entry_id}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert SECRET not in page.content()
    page.reload()
    assert SECRET not in page.content()


def signed_out(live_server, person_id, tries=200):
    """Wait (on the condition, not on a timer) for the beacon to end the session."""
    with live_server.app_context():
        query = sa.select(LoginSession.revoked_at).where(LoginSession.user_id == person_id)
        for _ in range(tries):
            if db.session.scalar(query) is not None:
                return
            db.session.rollback()
            threading.Event().wait(0.05)
    raise AssertionError("the session is still open after leaving quickly")


def test_quick_exit_works_without_javascript_as_a_plain_link(browser, live_server, neutral_site):
    live_server.config["QUICK_EXIT_URL"] = neutral_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.config["BASE_URL"] + "/help")
    page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(neutral_site)
    context.close()
