"""Account security: the same work for every address, and mail sent only after the response."""

import sys
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import request_finished, request_started
from helpers import PASSWORD, link_in, log_in, make_test_app, submit, text_of

from caregiver.auth import security_log, sign_in_throttle
from caregiver.auth import services as auth_services
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.reminders import jobs

# Functions that render or send mail: none may run while a request is being answered.
MAILING = {
    ("caregiver.mail", "render_message"),
    ("caregiver.mail", "prepare"),
    ("caregiver.outbox", "Sender.deliver"),
    ("caregiver.auth.account_mail", "render"),
}


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


# -- Per-account protection -------------------------------------------------------------------


def wrong_password(client, email, address):
    """One log-in with a wrong password, from one client address."""
    return submit(
        client,
        "/auth/login",
        {"email": email, "password": "not the password at all"},
        environ_base={"REMOTE_ADDR": address},
    )


def guess_until_locked(client, email, pinned_clock):
    """Ten wrong passwords, each from another client address, waiting out each pause."""
    for failures in range(1, sign_in_throttle.LOCK_AT + 1):
        page = wrong_password(client, email, f"10.0.{failures}.7").get_data(as_text=True)
        assert "match an account" in page
        if failures < sign_in_throttle.LOCK_AT:
            pinned_clock.shift(sign_in_throttle.wait_after(failures) + timedelta(seconds=1))


def test_growing_waits_then_a_lock_however_many_addresses_the_guesses_come_from(
    app, client, make_user, mailbox, pinned_clock
):
    person = make_user(email="guarded@example.org")
    nobody = "nobody@example.org"
    for email in (person.email, nobody):
        for attempt in range(sign_in_throttle.FREE_TRIES):
            wrong_password(client, email, f"10.1.{attempt}.1")
        wrong_password(client, email, "10.2.0.1")  # the sixth: from now on, waits
        soon = wrong_password(client, email, "10.2.0.2").get_data(as_text=True)
        assert "Please wait 2 seconds" in soon
    # Waiting it out, the guesses go on until sign-in pauses, for any address alike.
    pinned_clock.shift(timedelta(seconds=3))
    for failures in range(7, sign_in_throttle.LOCK_AT + 1):
        for email in (person.email, nobody):
            wrong_password(client, email, f"10.3.{failures}.1")
        if failures < sign_in_throttle.LOCK_AT:
            pinned_clock.shift(sign_in_throttle.wait_after(failures) + timedelta(seconds=1))
    assert mailbox.to(nobody) == []
    (notice,) = mailbox.to(person.email)
    assert "paused" in notice["Subject"]
    pinned_clock.shift(timedelta(minutes=59))  # the lock lasts an hour
    for email, password in ((person.email, PASSWORD), (nobody, PASSWORD)):
        answer = submit(client, "/auth/login", {"email": email, "password": password})
        assert answer.status_code == 200
        assert "paused for an hour" in answer.get_data(as_text=True)
    kinds = [event.kind for event in security_log.events_of(person.id)]
    assert kinds.count("sign_in_failed") == sign_in_throttle.LOCK_AT and "locked" in kinds


def test_the_emailed_unlock_link_lets_the_owner_back_in_once(
    app, client, make_user, mailbox, pinned_clock
):
    person = make_user(email="locked.out@example.org")
    guess_until_locked(client, person.email, pinned_clock)
    notice = mailbox.last_to(person.email)
    unlock = link_in(notice, "/auth/unlock/")
    assert "Unlock sign-in" in client.get(unlock).get_data(as_text=True)  # a button, not the GET
    assert submit(client, unlock).status_code == 302
    log_in(client, person)
    again = submit(app.test_client(), unlock)
    assert again.status_code == 400 and "already unlocked" in again.get_data(as_text=True)
    assert "unlocked" in [event.kind for event in security_log.events_of(person.id)]


def test_a_new_password_from_the_lock_mail_lifts_the_lock(
    app, client, make_user, mailbox, pinned_clock
):
    person = make_user(email="wasnt.me@example.org")
    guess_until_locked(client, person.email, pinned_clock)
    reset = link_in(mailbox.last_to(person.email), "/auth/reset/")
    new_password = "a brand new long passphrase"
    assert submit(client, reset, {"password": new_password}).status_code == 302
    log_in(app.test_client(), person, password=new_password)


def test_the_lock_holds_in_every_app_sharing_the_database(
    app, client, make_user, pinned_clock, database_url, tmp_path, smtp_server
):
    person = make_user(email="two.workers@example.org")
    guess_until_locked(client, person.email, pinned_clock)
    controller, _inbox = smtp_server
    other = make_test_app(database_url, tmp_path / "other-worker", controller.port)
    try:
        answer = submit(
            other.test_client(), "/auth/login", {"email": person.email, "password": PASSWORD}
        )
        assert "paused for an hour" in answer.get_data(as_text=True)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_confirming_the_password_counts_wrong_ones_too(app, client, login, pinned_clock):
    person = login()
    pinned_clock.shift(timedelta(minutes=10))
    for _ in range(sign_in_throttle.LOCK_AT):
        page = submit(client, "/auth/confirm", {"password": "wrong wrong wrong"})
        pinned_clock.shift(timedelta(seconds=40))
    assert "paused" in submit(client, "/auth/confirm", {"password": PASSWORD}).get_data(
        as_text=True
    )
    assert page.status_code == 400
    assert "locked" in [event.kind for event in security_log.events_of(person.id)]


# -- A record the owner can read ----------------------------------------------------------------

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/120.0 Mobile Safari"


def test_the_security_page_lists_sessions_and_ends_any_one(app, make_user, mailbox):
    person = make_user()
    laptop, phone, tablet = (app.test_client() for _ in range(3))
    log_in(laptop, person)
    phone.environ_base.update({"HTTP_USER_AGENT": PHONE, "REMOTE_ADDR": "203.0.113.77"})
    log_in(phone, person)
    log_in(tablet, person)
    page = laptop.get("/account/security").get_data(as_text=True)
    assert "Chrome on Android" in page and "203.0.113.0/24" in page and "203.0.113.77" not in page
    phone_session = next(
        s for s in auth_services.live_sessions(person) if s.device == "Chrome on Android"
    )
    ended = submit(laptop, f"/account/sessions/{phone_session.id}/end", page="/account/security")
    assert ended.status_code == 302
    assert [c.get("/dashboard").status_code for c in (laptop, phone, tablet)] == [200, 302, 200]
    # Nobody ends a session that is not theirs.
    stranger = app.test_client()
    log_in(stranger, make_user())
    tablet_session = next(s for s in auth_services.live_sessions(person))
    refused = submit(
        stranger, f"/account/sessions/{tablet_session.id}/end", page="/account/security"
    )
    assert refused.status_code == 404
    log = laptop.get("/account/security").get_data(as_text=True)
    assert "Signed out of one device" in log and "Signed in" in log


def test_a_new_device_is_announced_to_the_owner_and_a_familiar_one_is_not(app, make_user, mailbox):
    person = make_user(email="watchful@example.org")
    log_in(app.test_client(), person)  # the first sign-in ever: nothing to compare with
    log_in(app.test_client(), person)  # the same browser and network again
    assert mailbox.to(person.email) == []
    phone = app.test_client()
    phone.environ_base.update({"HTTP_USER_AGENT": PHONE, "REMOTE_ADDR": "198.51.100.4"})
    log_in(phone, person)
    (notice,) = mailbox.to(person.email)
    text = text_of(notice)
    assert "Chrome on Android" in text and "198.51.100.0/24" in text
    assert "198.51.100.4" not in text


def test_an_email_change_is_told_to_the_old_address_with_a_way_back(
    app, client, make_user, mailbox
):
    person = make_user(email="first@example.org")
    log_in(client, person)
    asked = {"email": "second@example.org", "password": PASSWORD}
    submit(client, "/account/email", asked, page="/account")
    confirm = link_in(mailbox.last_to("second@example.org"), "/auth/verify/")
    submit(client, confirm)
    notice = mailbox.last_to("first@example.org")
    assert "changed" in notice["Subject"]
    undo = link_in(notice, "/auth/undo-email/")
    mailbox.clear()
    assert submit(app.test_client(), undo).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).email == "first@example.org"
    assert client.get("/dashboard").status_code == 302  # every device signed out
    assert link_in(mailbox.last_to("first@example.org"), "/auth/reset/")
    assert submit(app.test_client(), undo).status_code == 400  # once only


def test_the_log_keeps_ninety_days(app, make_user, pinned_clock):
    person = make_user()
    security_log.record(person.id, "password_changed")
    db.session.commit()
    pinned_clock.shift(timedelta(days=91))
    jobs.cleanup()
    assert security_log.events_of(person.id) == []


# -- Recent sign-in before what matters -----------------------------------------------------------


def test_exports_ask_for_the_password_again_after_a_few_minutes(client, login, pinned_clock):
    login()
    assert client.get("/journal/export").status_code == 200  # just signed in
    pinned_clock.shift(timedelta(minutes=6))
    for page in ("/journal/export", "/careplan/export"):
        asked = client.get(page)
        assert asked.status_code == 302
        assert asked.location == f"/auth/confirm?next={page}"
    wrong = submit(client, "/auth/confirm?next=/journal/export", {"password": "not it"})
    assert wrong.status_code == 400 and "isn&#39;t your password" in wrong.get_data(as_text=True)
    right = submit(client, "/auth/confirm?next=/journal/export", {"password": PASSWORD})
    assert right.location == "/journal/export"
    assert client.get("/careplan/export").status_code == 200
