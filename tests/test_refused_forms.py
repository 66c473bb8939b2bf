"""A form sent with a missing, stale or foreign CSRF token: the same form again, with the words.

Each representative form is posted as if its page had been open for hours (no token, or the
token of a session that is gone): nothing is saved, the page comes back with what was typed, a
fresh token and a word on what to do, and pressing the button again with that token saves.
"""

import re

import pytest
import sqlalchemy as sa
from group_helpers import make_group
from helpers import CSRF_RE, PASSWORD, csrf_token, log_in, raw_values, submit, today
from markupsafe import escape
from test_groups import meeting_form
from test_journal import form as journal_form
from xss_payloads import PAYLOADS

from caregiver import refused_forms
from caregiver.errors import CSRF_MESSAGE
from caregiver.extensions import db
from caregiver.goals.models import GoalCheckin
from caregiver.goals.views.shared import PAGE_WAS_OPEN
from caregiver.journal.models import JournalEntry

pytestmark = pytest.mark.one_instant  # what a stale token does holds at any date

KEPT = str(escape(refused_forms.KEPT))
KEPT_SIGNED_OUT = str(escape(refused_forms.KEPT_SIGNED_OUT))
PASSWORDS_NOT_KEPT = str(escape(refused_forms.PASSWORDS_NOT_KEPT.strip()))
NEW_PASSWORD = "a brand new passphrase for the account"
CARD_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
BODY = "Long night.\nThe nurse was kind & patient <b>really</b>."


def entry_form(**fields):
    written = {"body": BODY, "title": "Hospital, again", "mood": "2", "tags": "hospital, sleep"}
    return journal_form(**written | fields)


def as_caregiver(client, make_user):
    log_in(client, make_user())


def as_facilitator(client, make_user):
    person = make_user(role="facilitator")
    log_in(client, person)
    return make_group(person)


def with_goal(client, make_user):
    log_in(client, make_user())
    assert submit(client, "/goals/new", {"title": "Walk", "per_week": "7"}).status_code == 302


# (name, who is at the page, the page, where it posts, what was typed, what must show again)
FORMS = [
    ("journal entry", as_caregiver, "/journal/new", "/journal/new", entry_form(),
     ["Long night.\nThe nurse was kind &amp; patient &lt;b&gt;really&lt;/b&gt;.",
      'value="Hospital, again"', 'value="hospital, sleep"']),
    ("boundary", as_caregiver, "/boundaries/new", "/boundaries/new",
     {"statement": "I won't lend the car.", "reason": "Safety first", "response": ""},
     ["I won&#39;t lend the car.", "Safety first"]),
    ("goal", as_caregiver, "/goals/new", "/goals/new", {"title": "Call my sister", "per_week": "3"},
     ['value="Call my sister"']),
    ("check-in note", with_goal, "/goals/", "/goals/1/check-in",
     {"day": "", "value": "done", "note": "Walked by the river."}, ["Walked by the river."]),
    ("care contact", as_caregiver, "/careplan/contacts/new", "/careplan/contacts/new",
     {"name": "Dana", "role": "sponsor", "phone": "555 201 3000", "email": "", "notes": "Evenings"},
     ['value="Dana"', 'value="555 201 3000"', "Evenings"]),
    ("reminder settings", as_caregiver, "/account/reminders", "/account/reminders",
     {"journal_on": "y", "journal_at": "21:15", "journal_days": ["0", "3"],
      "quiet_from": "22:00", "quiet_until": "07:00"},
     ['value="21:15"']),
    ("profile", as_caregiver, "/account", "/account/profile",
     {"display_name": "Robin Q.", "timezone": "America/Denver"}, ['value="Robin Q."']),
    ("meeting", as_facilitator, "/groups/{slug}/meetings/new", "/groups/{slug}/meetings/new",
     meeting_form(), ["Side door, room 4", 'value="Library community room"']),
    ("register", None, "/auth/register", "/auth/register",
     {"display_name": "Robin", "email": "robin@example.org", "password": NEW_PASSWORD,
      "timezone": "America/Denver"}, ['value="robin@example.org"', 'value="Robin"']),
]  # fmt: skip


def everything() -> list[bytes]:
    """Every value in the database, in an order that does not depend on how it was read."""
    return sorted(raw_values(db.engine).split(b"\x00"))


def other_sessions_token(app) -> str:
    """A token that is real, but belongs to another browser's session."""
    return csrf_token(app.test_client(), "/auth/login")


# Every other form is sent with no token at all, the rest with another session's.
TOKENS = ["missing", "another session's"]


@pytest.mark.parametrize(
    ("token", "setup", "page", "url", "fields", "shown"),
    [(TOKENS[n % 2], *form[1:]) for n, form in enumerate(FORMS)],
    ids=[f"{form[0]}, token {TOKENS[n % 2]}" for n, form in enumerate(FORMS)],
)
def test_a_refused_token_shows_the_form_again_with_the_words_then_saves(
    app, client, make_user, token, setup, page, url, fields, shown
):
    group = setup(client, make_user) if setup else None
    page, url = (path.format(slug=group.slug if group else "") for path in (page, url))
    fields = {**fields, "day": fields["day"] or today().isoformat()} if "day" in fields else fields
    client.get(page)  # the page is open; then the session's token changes, or was never sent
    sent = {**fields, "csrf_token": other_sessions_token(app)} if token != "missing" else fields
    before = everything()

    refused = client.post(url, data=sent)

    html = refused.get_data(as_text=True)
    assert refused.status_code == 400, html[:3000]
    assert (KEPT if setup else KEPT_SIGNED_OUT) in html
    for text in shown:
        assert text in html, text
    assert NEW_PASSWORD not in html and PASSWORD not in html
    assert everything() == before  # nothing was saved
    fresh = CSRF_RE.search(html).group(1)
    assert fresh != sent.get("csrf_token")

    again = client.post(url, data={**fields, "csrf_token": fresh})
    assert again.status_code == 302, again.get_data(as_text=True)[:3000]
    assert everything() != before
    assert KEPT not in client.get(again.location).get_data(as_text=True)  # said once, not again


def test_a_check_in_tapped_from_a_stale_card_gets_the_card_back_with_its_note(client, make_user):
    with_goal(client, make_user)
    data = {"day": today().isoformat(), "value": "done", "note": "Walked <i>far</i>."}
    refused = client.post("/goals/1/check-in", data=data, headers={"X-Requested-With": "fetch"})
    card = refused.get_data(as_text=True)
    assert refused.status_code == 400 and card.lstrip().startswith("<article")
    assert "Walked &lt;i&gt;far&lt;/i&gt;." in card
    assert str(escape(PAGE_WAS_OPEN)) in card
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalCheckin)) == 0
    fresh = CARD_TOKEN.search(card).group(1)
    saved = client.post(
        "/goals/1/check-in",
        data={**data, "csrf_token": fresh},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalCheckin)) == 1
    assert KEPT not in client.get("/goals/").get_data(as_text=True)  # the card said it already


def test_logging_in_from_a_stale_page_keeps_the_address_and_never_the_password(client, make_user):
    person = make_user()
    fields = {"email": person.email, "password": PASSWORD}
    refused = client.post("/auth/login", data=fields)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert KEPT_SIGNED_OUT in html and PASSWORDS_NOT_KEPT in html
    assert f'value="{person.email}"' in html and PASSWORD not in html
    fresh = CSRF_RE.search(html).group(1)
    signed_in = client.post("/auth/login", data={**fields, "csrf_token": fresh})
    assert signed_in.status_code == 302 and signed_in.location.endswith("/dashboard")


def test_a_stale_password_change_is_not_made_and_no_password_comes_back(client, login):
    login()
    fields = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    refused = client.post("/account/password", data=fields)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and KEPT in html and PASSWORDS_NOT_KEPT in html
    assert PASSWORD not in html and NEW_PASSWORD not in html
    assert client.get("/dashboard").status_code == 200  # still signed in: nothing changed
    fresh = CSRF_RE.search(html).group(1)
    changed = client.post("/account/password", data={**fields, "csrf_token": fresh})
    assert changed.status_code == 302


def test_an_edit_from_a_stale_page_keeps_the_new_words_and_leaves_the_entry_as_it_was(
    client, login
):
    login()
    created = submit(client, "/journal/new", entry_form(body="First words."))
    entry_id = int(created.location.rsplit("/", 1)[1])
    edited = entry_form(body="Second thoughts, kept.")
    refused = client.post(f"/journal/{entry_id}/edit", data=edited)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and KEPT in html and "Second thoughts, kept." in html
    assert "First words." in client.get(f"/journal/{entry_id}").get_data(as_text=True)
    fresh = CSRF_RE.search(html).group(1)
    saved = client.post(f"/journal/{entry_id}/edit", data={**edited, "csrf_token": fresh})
    assert saved.status_code == 302
    assert "Second thoughts, kept." in client.get(saved.location).get_data(as_text=True)


def test_with_the_cookie_gone_a_journal_entry_waits_on_the_page_to_log_in_and_save(
    app, client, make_user
):
    person = make_user()
    log_in(client, person)
    old_token = csrf_token(client, "/journal/new")
    browser_without_cookies = app.test_client()
    fields = entry_form()
    asked = browser_without_cookies.post("/journal/new", data={**fields, "csrf_token": old_token})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 401
    assert "Log in to save your entry" in html and KEPT_SIGNED_OUT in html
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert hidden["body"] == str(escape(fields["body"]))
    assert hidden["title"] == "Hospital, again" and hidden["tags"] == "hospital, sleep"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 0
    kept = {name: fields.get(name, "") for name in hidden}  # as the browser sends them back
    fresh = CSRF_RE.search(html).group(1)
    log_in_and_save = {"csrf_token": fresh, "email": person.email, "password": PASSWORD}
    saved = browser_without_cookies.post("/journal/resume", data={**kept, **log_in_and_save})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    entry = browser_without_cookies.get(saved.location).get_data(as_text=True)
    assert "The nurse was kind &amp; patient &lt;b&gt;really&lt;/b&gt;." in entry


def test_hostile_words_come_back_as_plain_text(client, login):
    login()
    body = "\n".join(PAYLOADS)
    refused = client.post("/journal/new", data=entry_form(body=body, title=PAYLOADS[0]))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and KEPT in html
    assert str(escape(body)) in html and f'value="{escape(PAYLOADS[0])}"' in html
    assert "<script>alert(1)" not in html and "onerror=alert(1)>" not in html


def test_json_clients_get_a_json_error(client, login):
    login()
    response = client.post(
        "/account/passkeys/options", data={"name": "x"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["status"] == 400 and "expired" in response.get_json()["message"]


def test_a_stale_button_does_nothing_and_says_to_reload(client, login):
    login()
    created = submit(client, "/journal/new", entry_form())
    entry_id = int(created.location.rsplit("/", 1)[1])
    refused = client.post(f"/journal/{entry_id}/delete")
    assert refused.status_code == 400
    assert str(escape(CSRF_MESSAGE)) in refused.get_data(as_text=True)
    assert client.get(f"/journal/{entry_id}").status_code == 200  # not deleted
