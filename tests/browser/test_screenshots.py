"""The main screens on a phone, light and dark, with the demo data and a demo caregiver a few
weeks in: each one renders its heading, passes axe and fits the screen.

``make screenshots`` sets CAREGIVER_SCREENSHOTS to docs/screenshots, and then each screen is
also saved there as ``<screen>-<light|dark>.png`` for the README: what fits on the phone's
screen, at one pixel per CSS pixel, so the files stay small.
"""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from bench.sample_caregiver import PASSWORD, demo_caregiver
from caregiver.extensions import db
from caregiver.groups.models import Meeting

pytestmark = pytest.mark.one_instant

SAVE_TO = os.environ.get("CAREGIVER_SCREENSHOTS", "")
MEETING = "Tuesday evening family circle"
# (screen, page, its heading); the first screens are a visitor's, the rest need an account.
VISITOR_SCREENS = (
    ("landing", "/", "You don't have to carry this alone"),
    ("help", "/help", "Get help now"),
    ("meetings", "/meetings/", "Find a family meeting"),
    ("meeting", None, MEETING),
)
CAREGIVER_SCREENS = (
    ("dashboard", "/dashboard", re.compile(r"^Hello, ")),
    ("journal-entry", "/journal/new", "New entry"),
    ("progress", "/progress", "Your progress"),
)


def show(page, check, screen: str, scheme: str, heading) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("networkidle")  # the meeting list reloads in the phone's timezone
    check(page, f"{screen}-{scheme}")
    if SAVE_TO:
        folder = Path(SAVE_TO)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(folder / f"{screen}-{scheme}.png"),
            scale="css",
            animations="disabled",
            caret="hide",
        )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_screens_on_a_phone(page, live_server, check, scheme):
    email = demo_caregiver(live_server)
    with live_server.app_context():
        meeting_id = db.session.scalar(sa.select(Meeting.id).where(Meeting.name == MEETING))
    base = live_server.config["BASE_URL"]
    page.emulate_media(color_scheme=scheme)

    for screen, path, heading in VISITOR_SCREENS:
        page.goto(base + (path or f"/meetings/{meeting_id}"))
        show(page, check, screen, scheme, heading)

    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(base + "/dashboard")
    for screen, path, heading in CAREGIVER_SCREENS:
        page.goto(base + path)
        show(page, check, screen, scheme, heading)
