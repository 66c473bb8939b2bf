"""Account security: the same work for every address, and mail sent only after the response."""

import sys
from contextlib import contextmanager

import pytest
from flask import request_finished, request_started
from helpers import PASSWORD, submit

# Functions that render or send mail: none may run while a request is being answered.
MAILING = {
    ("caregiver.mail", "render_message"),
    ("caregiver.mail", "prepare"),
    ("caregiver.outbox", "Sender.deliver"),
    ("caregiver.auth.account_mail", "render"),
}

pytestmark = pytest.mark.time_dependent


@contextmanager
def calls_while_answering(app):
    """Every function called (module, qualified name) between a request's start and the moment
    its response is ready; what runs after the response has gone out is not counted."""
    called: set[tuple[str, str]] = set()

    def profile(frame, event, _arg):
        if event == "call":
            called.add((frame.f_globals.get("__name__", ""), frame.f_code.co_qualname))

    def started(_sender, **_extra):
        sys.setprofile(profile)

    def finished(_sender, **_extra):
        sys.setprofile(None)

    request_started.connect(started, app)
    request_finished.connect(finished, app)
    try:
        yield called
    finally:
        request_started.disconnect(started, app)
        request_finished.disconnect(finished, app)
        sys.setprofile(None)


def ours(calls) -> set[tuple[str, str]]:
    return {call for call in calls if call[0].startswith("caregiver")}


@pytest.mark.parametrize(
    ("path", "form_page", "verified"),
    [("/auth/reset", "/auth/reset", True), ("/auth/resend", "/auth/login", False)],
)
def test_asking_by_address_is_the_same_work_for_any_address_and_mails_after_the_response(
    app, client, make_user, mailbox, path, form_page, verified
):
    person = make_user(email="has.account@example.org", verified=verified)
    for email in (person.email, "warm.up@example.org"):  # fill the connection pool first
        submit(client, path, {"email": email}, page=form_page)
    mailbox.clear()
    work = {}
    for email in (person.email, "no.account@example.org"):
        with calls_while_answering(app) as called:
            response = submit(client, path, {"email": email}, page=form_page)
        assert response.status_code == 302
        work[email] = ours(called)
        assert not work[email] & MAILING, sorted(work[email] & MAILING)
    # Not one function more or less for the address that has an account.
    assert work[person.email] == work["no.account@example.org"]
    assert ("caregiver.outbox", "deliver_soon") in work[person.email]
    # Sent once the response had gone out: it is in the inbox when the client has its answer.
    assert len(mailbox.to(person.email)) == 1
    assert mailbox.to("no.account@example.org") == []


def test_sign_up_renders_and_sends_nothing_while_answering(app, client, make_user, mailbox):
    taken = make_user(email="taken@example.org")
    fields = {"display_name": "Sam", "password": PASSWORD, "timezone": "America/Chicago"}
    for email in (taken.email, "fresh@example.org"):
        with calls_while_answering(app) as called:
            response = submit(client, "/auth/register", {**fields, "email": email})
        assert response.status_code == 302
        assert not ours(called) & MAILING
        assert len(mailbox.to(email)) == 1  # "you already have an account", or the link
