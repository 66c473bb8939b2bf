"""Every page the app serves, on the smallest phone and on a Pixel 7, in light and in dark.

The pages come from the URL map itself: each GET rule is either visited (with real ids, as the
role that can see it, or logged out for public pages) or named below as something other than a
page, with the reason. A new route that is neither fails the walk, so none is skipped unseen.

Each page, at 320 px and 412 px wide, light and dark: no horizontal overflow, axe finds no WCAG
2.1 A/AA violation, its HTML, CSS and JS weigh at most 60 KB as sent over the wire (cache off),
and it asks nothing of any other origin.
"""

from dataclasses import dataclass, field
from datetime import time
from urllib.parse import urlsplit

import pyotp
import pytest
from careplan_helpers import add_program, fill_everything
from helpers import PASSWORD, today
from playwright.sync_api import expect
from soft_passkey import SoftPasskey

from caregiver import security
from caregiver.auth import account_mail, passkeys
from caregiver.auth import services as auth_services
from caregiver.careplan import services as careplan_services
from caregiver.careplan.models import InsuranceCall, PaperworkDocument
from caregiver.extensions import db
from caregiver.goals import boundaries
from caregiver.goals import services as goal_services
from caregiver.groups.demo import load_demo_groups
from caregiver.groups.services import groups_run_by
from caregiver.guidance import library
from caregiver.journal import services as journal_services
from caregiver.reminders import messages
from caregiver.reminders import services as reminder_services

pytestmark = pytest.mark.one_instant

WIDTHS = (412, 320)  # a Pixel 7, then the narrowest phone still in use
BUDGET = 60 * 1024  # HTML + CSS + JS as transferred
COUNTED = {"document", "stylesheet", "script"}
# Long words and addresses are what overflow a narrow screen, so the people here have them.
CAREGIVER = "jordanalexandramontgomerywhitfieldfamily@examplecaregivers.org"
CAREGIVER_NAME = "Jordan Alexandra Montgomery-Whitfield"
FACILITATOR = "danafacilitatorspringfieldfamilycircle@examplegroups.org"
ADMIN = "alex.administrator@example.org"

# The header and the tab bar on one line each: "Help now" unbroken, every tab's word inside its
# tab (overflow would not show it: the words would only run into each other).
CROWDED_CHROME = """() => {
  const found = [];
  const help = document.querySelector('.crisis-link');
  if (help && help.getBoundingClientRect().height > 48) found.push('"Help now" wraps');
  const bar = document.querySelector('.site-header .bar');
  const first = bar.firstElementChild.getBoundingClientRect();
  for (const item of bar.children) {
    if (item.getBoundingClientRect().top >= first.bottom) found.push('the header wraps');
    // A squeezed item's words spill over its neighbour.
    if (item.scrollWidth > item.clientWidth + 1) found.push(`"${item.textContent.trim()}" spills`);
  }
  for (const word of document.querySelectorAll('.app-nav a span')) {
    const tab = word.parentElement.getBoundingClientRect();
    const box = word.getBoundingClientRect();
    if (box.left < tab.left || box.right > tab.right) found.push(`the tab "${word.textContent}"`);
  }
  return found.join(', ');
}"""

# What sticks out past the screen's right edge (the innermost elements, named for reading).
WIDER_THAN = """(width) => {
  if (document.documentElement.scrollWidth <= width) return '';
  const out = [...document.querySelectorAll('body *:not(svg *)')].filter((el) => {
    return el.getBoundingClientRect().right > width + 0.5 &&
      ![...el.children].some((child) => child.getBoundingClientRect().right > width + 0.5);
  });
  const names = out.slice(0, 4).map(
    (el) => el.tagName.toLowerCase() + [...el.classList].map((name) => '.' + name).join(''));
  return `${document.documentElement.scrollWidth} px: ${names.join(', ')}`;
}"""

# GET routes that are not pages a person reads, each with why it is not walked.
NOT_PAGES = {
    "static": "stylesheets, scripts and icons: counted as part of every page",
    "main.healthz": "JSON for a load balancer",
    "groups.meeting_feed": "the public Meeting Guide JSON feed",
    "groups.meeting_ics": "an iCalendar file for one meeting",
    "groups.subscribed_calendar": "a person's private iCalendar feed",
    "auth.recovery_codes_file": "the recovery codes as a text file to save",
    "groups.preview_meeting": "a fragment the meeting form fetches into itself",
    "auth.login_code": "only halfway through a two-step sign-in; redirects to log in otherwise",
    "main.manifest": "the web app manifest (JSON)",
    "main.service_worker": "the service worker's script",
    "auth.still_here": "an empty answer the page's script sends while someone is active",
    "auth.unlock_app": "only on a device whose app lock has closed; redirects otherwise",
    "auth.choose_language": "the footer's switch: sets the language and goes back to the page",
}
# Pages reached by pressing a button first (they keep state in the session), in order.
TWO_STEP_PAGES = ("auth.two_step_setup", "auth.recovery_codes")
TWO_STEP_LATER = ("auth.new_recovery_codes", "auth.turn_off_two_step")


@dataclass
class Site:
    """The paths each role visits, named for the screenshots."""

    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _caregiver_pages(ids) -> list[tuple[str, str]]:
    """A person's own pages: home, account, journal, goals and boundaries."""
    entry, goal, boundary = ids["entry"], ids["goal"], ids["boundary"]
    return [
        ("dashboard", "/dashboard"),
        ("welcome", "/welcome"),
        ("more", "/more"),
        ("account", "/account"),
        ("account-security", "/account/security"),
        ("account-delete", "/account/delete"),
        ("account-facilitator", "/account/facilitator"),
        ("passkeys", "/account/passkeys"),
        ("passkey-remove", f"/account/passkeys/{ids['passkey']}/remove"),
        ("reminders", "/account/reminders"),
        ("app-lock", "/account/lock"),
        ("confirm-password", "/auth/confirm"),
        ("calendar-link", "/calendar/"),
        ("journal", "/journal/"),
        ("journal-new", "/journal/new"),
        ("journal-entry", f"/journal/{entry}"),
        ("journal-edit", f"/journal/{entry}/edit"),
        ("journal-delete", f"/journal/{entry}/delete"),
        ("journal-calendar", "/journal/calendar"),
        ("journal-deleted", "/journal/deleted"),
        ("journal-search", "/journal/search"),
        ("journal-export", "/journal/export"),
        ("journal-import", "/journal/import"),
        ("goals-today", "/goals/"),
        ("goals-manage", "/goals/manage"),
        ("goal-new", "/goals/new"),
        ("goal", f"/goals/{goal}"),
        ("goal-edit", f"/goals/{goal}/edit"),
        ("goal-delete", f"/goals/{goal}/delete"),
        ("boundaries", "/boundaries/"),
        ("boundary-new", "/boundaries/new"),
        ("boundary", f"/boundaries/{boundary}"),
        ("boundary-edit", f"/boundaries/{boundary}/edit"),
        ("boundary-delete", f"/boundaries/{boundary}/delete"),
        ("progress", "/progress"),
        ("wellbeing", "/progress/check-in"),
        ("two-step", "/account/two-step"),  # last: the two-step walk goes on from here
    ]


def _care_plan_pages(ids) -> list[tuple[str, str]]:
    """The care plan, and the public sections as a signed-in person sees them."""
    plan = ids["plan"]
    return [
        ("careplan", "/careplan/"),
        ("careplan-next-step", "/careplan/next-step"),
        ("careplan-summary", "/careplan/summary"),
        ("careplan-export", "/careplan/export"),
        ("careplan-import", "/careplan/import"),
        ("journey", "/careplan/journey/"),
        ("journey-new", "/careplan/journey/new"),
        ("journey-edit", f"/careplan/journey/{plan['event']}/edit"),
        ("journey-delete", f"/careplan/journey/{plan['event']}/delete"),
        ("journey-counter", "/careplan/journey/counter"),
        ("programs", "/careplan/programs/"),
        ("program-new", "/careplan/programs/new"),
        ("program", f"/careplan/programs/{plan['program']}"),
        ("program-edit", f"/careplan/programs/{plan['program']}/edit"),
        ("program-delete", f"/careplan/programs/{plan['program']}/delete"),
        (
            "programs-compare",
            f"/careplan/programs/compare?ids={plan['program']}&ids={plan['second']}",
        ),
        ("insurance", "/careplan/insurance/"),
        ("insurance-plan", "/careplan/insurance/plan"),
        ("call-new", "/careplan/insurance/calls/new"),
        ("call-edit", f"/careplan/insurance/calls/{plan['call']}/edit"),
        ("call-delete", f"/careplan/insurance/calls/{plan['call']}/delete"),
        ("document-delete", f"/careplan/insurance/documents/{plan['document']}/delete"),
        ("contacts", "/careplan/contacts/"),
        ("contact-new", "/careplan/contacts/new"),
        ("contact-edit", f"/careplan/contacts/{plan['contact']}/edit"),
        ("contact-delete", f"/careplan/contacts/{plan['contact']}/delete"),
        ("meetings-signed-in", "/meetings/"),
        ("meeting-signed-in", f"/meetings/{ids['meeting']}"),
        ("guidance-signed-in", "/guidance/"),
        ("plan-a-conversation-signed-in", "/guidance/plan-a-conversation"),
    ]


def _public_pages(ids) -> list[tuple[str, str]]:
    return [
        ("landing", "/"),
        ("help", "/help"),
        ("help-another-country", "/help/gb"),
        ("privacy", "/privacy"),
        ("offline", "/offline"),
        ("login", "/auth/login"),
        ("register", "/auth/register"),
        ("reset", "/auth/reset"),
        ("check-email", "/auth/check-email?reason=reset"),
        ("reset-link", f"/auth/reset/{ids['reset_token']}"),
        ("verify-link", "/auth/verify/an-old-link"),
        ("unlock-link", "/auth/unlock/an-old-link"),
        ("undo-email-link", "/auth/undo-email/an-old-link"),
        ("unsubscribe", f"/unsubscribe/{ids['unsubscribe_token']}"),
        ("meetings", "/meetings/"),
        ("meeting", f"/meetings/{ids['meeting']}"),
        ("groups", "/groups/"),
        ("group", f"/groups/{ids['group']}"),
        ("guidance", "/guidance/"),
        ("article", f"/guidance/{ids['article']}"),
        ("guidance-topic", f"/guidance/topics/{ids['topic']}"),
        ("guidance-search", "/guidance/search?q=sleep"),
        ("plan-a-conversation", "/guidance/plan-a-conversation"),
    ]


def _facilitator_pages(ids) -> list[tuple[str, str]]:
    slug, meeting = ids["own_group"], ids["own_meeting"]
    return [
        ("groups-i-run", "/groups/manage"),
        ("group-new", "/groups/new"),
        ("group-manage", f"/groups/{slug}/manage"),
        ("group-edit", f"/groups/{slug}/edit"),
        ("group-delete", f"/groups/{slug}/delete"),
        ("group-import", f"/groups/{slug}/import"),
        ("group-message", f"/groups/{slug}/message"),
        ("meeting-new", f"/groups/{slug}/meetings/new"),
        ("meeting-dates", f"/groups/meetings/{meeting}/dates"),
        ("meeting-edit", f"/groups/meetings/{meeting}/edit"),
        ("meeting-delete", f"/groups/meetings/{meeting}/delete"),
        ("dashboard", "/dashboard"),
    ]


ADMIN_PAGES = [("admin", "/admin/"), ("outbox", "/admin/outbox"), ("more", "/more")]


def fill_site(app) -> Site:
    """Demo groups and meetings, and people who own one of everything, made through services."""
    with app.app_context():
        facilitator = auth_services.create_user(
            FACILITATOR, "Dana", PASSWORD, "America/Chicago", role="facilitator", verified=True
        )
        person = auth_services.create_user(
            CAREGIVER, CAREGIVER_NAME, PASSWORD, "America/Chicago", verified=True
        )
        auth_services.create_user(
            ADMIN, "Alex", PASSWORD, "America/Chicago", role="admin", verified=True
        )
        load_demo_groups(facilitator, person)
        group = groups_run_by(facilitator.id)[0]
        meeting = group.meetings[0]
        ids = {"group": group.slug, "own_group": group.slug, "meeting": meeting.id}
        ids["own_meeting"] = meeting.id
        ids.update(_own_everything(person, app.config["BASE_URL"]))
        article = next(iter(library.library().values()))
        ids.update(article=article.slug, topic=article.topic)
        ids["reset_token"] = security.make_token(
            "reset", {"uid": person.id, "fp": account_mail.reset_state(person)}
        )
        ids["unsubscribe_token"] = messages.unsubscribe_token(person.id, "journal")
        db.session.commit()
        return Site(
            {
                "visitor": _public_pages(ids),
                "caregiver": _caregiver_pages(ids),
                "care-plan": _care_plan_pages(ids),
                "facilitator": _facilitator_pages(ids),
                "admin": ADMIN_PAGES,
            }
        )


def _own_everything(person, base_url) -> dict:
    day = today()
    entry = journal_services.add_entry(
        person,
        journal_services.EntryData(
            "Supercalifragilisticexpialidocious-and-then-some " * 3,
            day,
            time(21, 30),
            title="A long day at the hospital and a longer night",
            mood=3,
            tags=["hospital-visits-and-paperwork", "sleep"],
        ),
    )
    db.session.commit()
    goal = goal_services.create_goal(person, goal_services.GoalData("Walk twenty minutes", 7))
    goal_services.check_in_goal(goal, day, "done", "Felt lighter afterwards.", day)
    boundary = boundaries.create_boundary(
        person, boundaries.BoundaryData("I will not give cash, even when asked kindly.", "", "")
    )
    plan = fill_everything(person)
    second = add_program(person, "Northside Outpatient Clinic and Family Program")
    call = db.session.scalars(db.select(InsuranceCall).filter_by(user_id=person.id)).first()
    document = db.session.scalars(db.select(PaperworkDocument).filter_by(user_id=person.id)).first()
    reminder_services.set_journal_nudge(person, True, time(20, 0), frozenset(range(7)))
    rp = passkeys.relying_party(base_url)
    options, state = passkeys.registration_options(person, rp)
    passkey = passkeys.register(
        person, "My phone", SoftPasskey(origin=rp.origin).create(options), state, rp
    )
    careplan_services.today(person)  # the plan's rows are dated on the person's own day
    return {
        "entry": entry.id,
        "goal": goal.id,
        "boundary": boundary.id,
        "passkey": passkey.id,
        "plan": {
            "event": plan["event"].id,
            "program": plan["program"].id,
            "second": second.id,
            "contact": plan["contact"].id,
            "call": call.id,
            "document": document.id,
        },
    }


# Who walks each list of pages (the visitor is logged out).
EMAILS = {
    "caregiver": CAREGIVER,
    "care-plan": CAREGIVER,
    "facilitator": FACILITATOR,
    "admin": ADMIN,
}


@pytest.fixture
def site(live_server):
    return fill_site(live_server)


def visited_rules(app, site: Site) -> dict[str, str]:
    """Each visited path's rule, so a typo or a moved route cannot pass as a visit."""
    adapter = app.url_map.bind("localhost")
    found = {}
    for pages in site.pages.values():
        for _name, path in pages:
            rule, _args = adapter.match(urlsplit(path).path, method="GET", return_rule=True)
            found[rule.rule] = rule.endpoint
    return found


def test_every_get_route_is_walked_or_named_as_not_a_page(live_server, site):
    walked = visited_rules(live_server, site)
    extra = set(TWO_STEP_PAGES + TWO_STEP_LATER)
    missing = [
        rule.rule
        for rule in live_server.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.rule not in walked
        and rule.endpoint not in NOT_PAGES
        and rule.endpoint not in extra
    ]
    assert not missing, f"GET routes neither walked nor named in NOT_PAGES: {missing}"
    named_but_walked = set(NOT_PAGES) & set(walked.values())
    assert not named_but_walked, named_but_walked
    endpoints = set(live_server.view_functions)
    assert set(NOT_PAGES) | extra <= endpoints, "a named route no longer exists"


class Walker:
    """One browser context for one role in one colour scheme, logged in once."""

    def __init__(self, browser, context_args, base, scheme, check):
        self.base = base
        self.check = check
        # No service worker: it would answer from its own cache, and every part is to be weighed.
        self.context = browser.new_context(
            **context_args, color_scheme=scheme, service_workers="block"
        )
        self.page = self.context.new_page()
        self.page.emulate_media(color_scheme=scheme)
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # weigh every part
        self.foreign: list[str] = []
        self.problems: list[str] = []
        self.parts: list = []
        self.page.on("request", self._note_origin)
        self.page.on("requestfinished", self._note_part)

    def _note_part(self, request):
        self.parts.append(request)

    def _note_origin(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and request.url.split("/")[2:3] != [
            self.base.split("/")[2]
        ]:
            self.foreign.append(request.url)

    def log_in(self, email):
        self.page.goto(self.base + "/auth/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name="Log in", exact=True).click()
        expect(self.page).to_have_url(self.base + "/dashboard")

    def visit(self, name, path):
        self.parts.clear()
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        # Only the path: a page's script may add to the query (the finder notes the timezone).
        landed = urlsplit(self.page.url).path
        if response is None or response.status != 200 or landed != urlsplit(path).path:
            status = response.status if response else None
            self.problems.append(f"{path} answered {status} at {self.page.url}, not the page")
            return
        self.check_here(name)

    def check_here(self, name):
        """Every check on the page shown, each failure noted so one walk reports them all."""
        weight = sum(
            request.sizes()["responseBodySize"]
            for request in self.parts
            if request.resource_type in COUNTED
        )
        if weight > BUDGET:
            self.problems.append(f"{name}: {weight} bytes of HTML, CSS and JS over the wire")
        if self.foreign:
            self.problems.append(f"{name} asked other origins: {self.foreign}")
            self.foreign.clear()
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 915})
            try:
                self.check(self.page, f"{name}-{width}")
            except AssertionError as failure:
                self.problems.append(f"{name} at {width} px: {failure}")
            # A phone zooms out to show a page wider than its screen, and innerWidth grows with
            # it; so the page is measured against the screen's own width.
            wide = self.page.evaluate(WIDER_THAN, width)
            if wide:
                self.problems.append(f"{name} at {width} px is wider than the screen: {wide}")
            crowded = self.page.evaluate(CROWDED_CHROME)
            if crowded:
                self.problems.append(f"{name} at {width} px: {crowded}")
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 915})


@pytest.fixture(params=["light", "dark"])
def scheme(request):
    return request.param


def walker(browser, browser_context_args, live_server, scheme, check) -> Walker:
    base = live_server.config["BASE_URL"]
    check.scale = "css"  # some 400 screenshots: a pixel per CSS pixel takes a third of the time
    return Walker(browser, browser_context_args, base, scheme, check)


# Split in walks of similar length, so that pytest-xdist spreads them over the cores.
@pytest.mark.parametrize("role", ["visitor", "caregiver", "care-plan", "facilitator", "admin"])
def test_every_page_fits_a_phone(
    role, scheme, browser, browser_context_args, live_server, site, check
):
    walk = walker(browser, browser_context_args, live_server, scheme, check)
    if role in EMAILS:
        walk.log_in(EMAILS[role])
    for name, path in site.pages[role]:
        walk.visit(name, path)
    if role == "caregiver":
        walk_two_step(walk)
    walk.context.close()
    assert not walk.problems, "\n".join(walk.problems)


def walk_two_step(walk: Walker):
    """The two-step pages keep their state in the session, so they are reached by their buttons;
    the last two need two-step on."""
    page = walk.page
    walk.parts.clear()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page).to_have_url(walk.base + "/account/two-step/setup")
    walk.check_here("two-step-setup")
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.get_by_label("6-digit code from your app").fill(pyotp.TOTP(secret).now())
    walk.parts.clear()
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page).to_have_url(walk.base + "/account/two-step/recovery-codes")
    walk.check_here("recovery-codes")
    walk.visit("new-recovery-codes", "/account/two-step/new-codes")
    walk.visit("two-step-off", "/account/two-step/off")
