"""The care plan on a phone: the timeline, programs side by side, and the printable summary."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from test_journal_browser import ZONE, log_in_as_new_person

from caregiver import clock
from caregiver.auth.models import User
from caregiver.careplan import services
from caregiver.careplan.models import CareContact, JourneyEvent, Program
from caregiver.extensions import db

pytestmark = pytest.mark.time_dependent

PHONE = {"width": 390, "height": 844}


def fill_plan(live_server, user_id):
    """A few events, three programs and a contact, written through the services."""

    with live_server.app_context():
        user = db.session.get(User, user_id)
        today = clock.today_in(ZONE)
        events = [
            ("first_talk", 90, None, "", "Talked at the kitchen table."),
            ("relapse", 30, None, "", "A hard week."),
            ("back_in_treatment", 20, None, "", ""),
        ]
        for kind, days_ago, medication, dose, note in events:
            values = {"day": today - timedelta(days=days_ago), "kind": kind}
            values.update(medication=medication, dose=dose, note=note)
            services.create(JourneyEvent, user, values, today)
        for name, kind in (
            ("Harbor House", "residential"),
            ("Bay Clinic", "otp"),
            ("Dr. Oak", "prescriber"),
        ):
            values = {"name": name, "kind": kind, "cost": "Sliding scale, ask about the fund"}
            services.create(Program, user, values, today)
        contact = {"name": "Dana Lee", "role": "case_manager", "phone": "(555) 010-7788"}
        services.create(CareContact, user, contact, today)


def test_timeline_compare_and_summary_on_a_phone_and_on_paper(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.set_viewport_size(PHONE)
    user_id = log_in_as_new_person(page, live_server)
    page.get_by_role("link", name="Care plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Care plan")
    check(page, "careplan-empty")

    page.goto(base + "/careplan/journey/new")
    page.get_by_label("What happened").select_option("medication")
    page.get_by_label("Medication", exact=True).select_option("buprenorphine")
    page.get_by_label("Dose or medication name (optional)").fill("8 mg daily")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Event saved.")).to_be_visible()
    fill_plan(live_server, user_id)
    page.goto(base + "/careplan/journey/")
    expect(page.locator(".timeline-item")).to_have_count(4)
    expect(page.get_by_role("link", name="What can help now")).to_be_visible()
    check(page, "careplan-timeline")
    page.emulate_media(color_scheme="dark")
    check(page, "careplan-timeline-dark")
    page.emulate_media(color_scheme="light")

    page.goto(base + "/careplan/programs/")
    for name in ("Harbor House", "Bay Clinic", "Dr. Oak"):
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name="Compare ticked programs").click()
    expect(page.locator(".compare-table thead th")).to_have_count(3)
    check(page, "careplan-compare")

    page.goto(base + "/careplan/summary")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    summary = page.locator(".care-summary")
    expect(summary.locator("section", has=page.locator("#meds-heading"))).to_contain_text(
        "Buprenorphine: 8 mg daily"
    )
    expect(summary.get_by_role("link", name="(555) 010-7788")).to_have_attribute(
        "href", "tel:5550107788"
    )
    check(page, "careplan-summary")

    page.emulate_media(media="print")
    for chrome in (".site-header", ".app-nav", ".site-footer", ".subnav", "button", ".notice"):
        for element in page.locator(chrome).all():
            expect(element).to_be_hidden()
    for heading in ("Current medications", "Care contacts", "Timeline"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("#meds-heading + ul")).to_contain_text("Buprenorphine: 8 mg daily")
    expect(page.locator("#contacts-heading + ul")).to_contain_text("Dana Lee")
    expect(page.locator(".summary-timeline tbody tr")).to_have_count(4)
    colour = page.evaluate("getComputedStyle(document.querySelector('.care-summary')).color")
    assert colour == "rgb(0, 0, 0)"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the printed summary is wider than the page"
    page.screenshot(path=str(check.folder / "careplan-summary-print.png"), full_page=True)
