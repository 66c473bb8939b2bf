"""Every page the app serves, with the people and the things that fill them.

The list comes from the URL map's GET rules: each is either a page here (with real ids, for the
role that can see it, or for a visitor) or named in NOT_PAGES with the reason. The browser walk
and the every-page language check both read it.
"""

from dataclasses import dataclass, field
from datetime import time
from urllib.parse import urlsplit

from careplan_helpers import add_program, fill_everything
from helpers import PASSWORD, today
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

# Long words and addresses are what overflow a narrow screen, so the people here have them.
CAREGIVER = "jordanalexandramontgomerywhitfieldfamily@examplecaregivers.org"
CAREGIVER_NAME = "Jordan Alexandra Montgomery-Whitfield"
FACILITATOR = "danafacilitatorspringfieldfamilycircle@examplegroups.org"
ADMIN = "alex.administrator@example.org"

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
    """Lists of paths by the name of their walk (see WALKS), each path named for the
    screenshots."""

    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _caregiver_pages(ids) -> list[tuple[str, str]]:
    """A person's home and account pages; the two-step walk goes on from the last."""
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
        ("two-step", "/account/two-step"),  # last: the two-step walk goes on from here
    ]


def _journal_and_goal_pages(ids) -> list[tuple[str, str]]:
    """A person's journal, goals, boundaries and progress."""
    entry, goal, boundary = ids["entry"], ids["goal"], ids["boundary"]
    return [
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
    ]


def _care_plan_pages(ids) -> list[tuple[str, str]]:
    """The care plan's overview, journey and contacts."""
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
        ("contacts", "/careplan/contacts/"),
        ("contact-new", "/careplan/contacts/new"),
        ("contact-edit", f"/careplan/contacts/{plan['contact']}/edit"),
        ("contact-delete", f"/careplan/contacts/{plan['contact']}/delete"),
    ]


def _programs_and_insurance_pages(ids) -> list[tuple[str, str]]:
    """The care plan's programs and insurance, and the public sections as a signed-in person
    sees them."""
    plan = ids["plan"]
    return [
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
        ("meetings-signed-in", "/meetings/"),
        ("meeting-signed-in", f"/meetings/{ids['meeting']}"),
        ("guidance-signed-in", "/guidance/"),
        ("plan-a-conversation-signed-in", "/guidance/plan-a-conversation"),
    ]


def _visitor_pages(ids) -> list[tuple[str, str]]:
    """What a visitor reads: help, meetings, groups and guidance."""
    return [
        ("landing", "/"),
        ("help", "/help"),
        ("help-another-country", "/help/gb"),
        ("privacy", "/privacy"),
        ("offline", "/offline"),
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


def _sign_in_pages(ids) -> list[tuple[str, str]]:
    """Logging in, making an account, and the pages the links in mail open, as a visitor."""
    return [
        ("login", "/auth/login"),
        ("register", "/auth/register"),
        ("reset", "/auth/reset"),
        ("check-email", "/auth/check-email?reason=reset"),
        ("reset-link", f"/auth/reset/{ids['reset_token']}"),
        ("verify-link", "/auth/verify/an-old-link"),
        ("unlock-link", "/auth/unlock/an-old-link"),
        ("undo-email-link", "/auth/undo-email/an-old-link"),
        ("unsubscribe", f"/unsubscribe/{ids['unsubscribe_token']}"),
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
                "visitor": _visitor_pages(ids),
                "signing-in": _sign_in_pages(ids),
                "caregiver": _caregiver_pages(ids),
                "journal-and-goals": _journal_and_goal_pages(ids),
                "care-plan": _care_plan_pages(ids),
                "programs-and-insurance": _programs_and_insurance_pages(ids),
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


# The lists of pages, each walked by one test: split so that the walks take about as long, and
# pytest-xdist spreads them over the cores.
WALKS = (
    "visitor",
    "signing-in",
    "caregiver",
    "journal-and-goals",
    "care-plan",
    "programs-and-insurance",
    "facilitator",
    "admin",
)
# Who walks each list of pages (the visitor's lists, logged out, are not here).
EMAILS = {
    "caregiver": CAREGIVER,
    "journal-and-goals": CAREGIVER,
    "care-plan": CAREGIVER,
    "programs-and-insurance": CAREGIVER,
    "facilitator": FACILITATOR,
    "admin": ADMIN,
}


def visited_rules(app, site: Site) -> dict[str, str]:
    """Each visited path's rule, so a typo or a moved route cannot pass as a visit."""
    adapter = app.url_map.bind("localhost")
    found = {}
    for pages in site.pages.values():
        for _name, path in pages:
            rule, _args = adapter.match(urlsplit(path).path, method="GET", return_rule=True)
            found[rule.rule] = rule.endpoint
    return found
