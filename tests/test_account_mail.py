"""Account-security mail goes through the outbox: a row per message, ahead of reminders, tried
at once by the request and retried by the scheduler when the mail server is away."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers import CSRF_RE, PASSWORD, link_in, log_in, submit

from caregiver import clock, outbox
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.outbox.models import (
    PENDING,
    PRIORITY_REMINDER,
    PRIORITY_SECURITY,
    SENT,
    SKIPPED,
    OutboxMessage,
)
from caregiver.reminders import jobs, services
from caregiver.reminders.models import ReminderSettings

pytestmark = pytest.mark.time_dependent


def rows_of(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


def test_a_reset_request_writes_a_security_row_and_the_mail_arrives_at_once(
    client, make_user, mailbox
):
    person = make_user(email="reset.me@example.org")
    response = submit(client, "/auth/reset", {"email": person.email})
    assert response.status_code == 302
    (row,) = rows_of("reset_password")
    # Written for the address: the account is looked up when the mail is sent, not in the request.
    assert (row.user_id, row.to_address, row.priority, row.status, row.attempts) == (
        None,
        person.email,
        PRIORITY_SECURITY,
        SENT,
        1,
    )
    message = mailbox.last_to(person.email)
    assert message["Message-ID"] == row.message_id
    # Security mail is not a list a person subscribes to: no unsubscribe headers.
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message
    path = link_in(message, "/auth/reset/")
    assert client.get(path).status_code == 200


def test_mail_server_down_during_sign_up_then_the_scheduler_delivers_it_once(app, client, own_smtp):
    controller, inbox = own_smtp
    app.config["BASE_URL"] = "http://localhost"  # the scheduler's links, outside a request
    response = submit(
        client,
        "/auth/register",
        {
            "display_name": "Sam",
            "email": "sam@example.org",
            "password": PASSWORD,
            "timezone": "Europe/London",
        },
    )
    # The page answers as usual; the mail waits in the outbox.
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/check-email")
    (row,) = rows_of("verify_email")
    assert (row.status, row.attempts) == (PENDING, 1)
    assert row.last_error and row.next_attempt_at > row.created_at

    controller.start()
    jobs.deliver_all(row.next_attempt_at + timedelta(seconds=1))
    jobs.deliver_all(row.next_attempt_at + timedelta(minutes=5))  # nothing left to send
    assert [rcpts for rcpts, _message in inbox.messages] == [["sam@example.org"]]
    (row,) = rows_of("verify_email")
    assert (row.status, row.attempts) == (SENT, 2)
    # The link was made when the mail went out, and it works.
    path = link_in(inbox.messages[0][1], "/auth/verify/")
    token = CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)
    assert client.post(path, data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(sa.select(User).where(User.email == "sam@example.org")).is_verified


def test_account_mail_is_claimed_before_reminders_that_were_due_earlier(app, make_user):
    person = make_user()
    earlier = clock.now() - timedelta(minutes=10)
    outbox.enqueue("journal", person.id, local_date=earlier.date(), now=earlier)
    outbox.enqueue("password_changed", person.id, priority=PRIORITY_SECURITY, key="pc:1")
    db.session.commit()
    first = outbox.claim(clock.now(), "test-worker", limit=1)
    claimed = db.session.get(OutboxMessage, first[0])
    assert (claimed.kind, claimed.priority) == ("password_changed", PRIORITY_SECURITY)
    second = db.session.get(OutboxMessage, outbox.claim(clock.now(), "test-worker", limit=1)[0])
    assert (second.kind, second.priority) == ("journal", PRIORITY_REMINDER)


def test_a_new_address_is_confirmed_at_that_address(app, client, make_user, mailbox):
    person = make_user(email="old@example.org")
    log_in(client, person)
    response = submit(
        client, "/account/email", {"email": "new@example.org", "password": PASSWORD}, "/account"
    )
    assert response.status_code == 302
    (row,) = rows_of("confirm_new_email")
    assert (row.to_address, row.status) == ("new@example.org", SENT)
    assert mailbox.to("old@example.org") == []
    assert link_in(mailbox.last_to("new@example.org"), "/auth/verify/")


def test_late_or_pointless_account_mail_is_skipped_with_a_reason(app, make_user, mailbox):
    app.config["BASE_URL"] = "http://localhost"
    verified = make_user(email="done@example.org")
    waiting = make_user(email="waiting@example.org", verified=False)
    now = clock.now()
    long_ago = now - timedelta(hours=2)
    outbox.enqueue(
        "verify_email", verified.id, priority=PRIORITY_SECURITY, key="v:1", now=now
    )  # verified since it was asked for
    outbox.enqueue(
        "reset_password", waiting.id, priority=PRIORITY_SECURITY, key="r:1", now=long_ago
    )  # a reset link is not worth sending two hours late
    outbox.enqueue("verify_email", waiting.id, priority=PRIORITY_SECURITY, key="v:2", now=long_ago)
    db.session.commit()
    result = jobs.deliver_all(now)
    assert result.skip_reasons == {"already verified": 1, "expired": 1}
    assert result.sent == 1
    assert [rcpts for rcpts, _m in mailbox.messages] == [["waiting@example.org"]]
    reasons = {
        row.idempotency_key: (row.status, row.skip_reason) for row in rows_of("verify_email")
    }
    assert reasons["v:1"] == (SKIPPED, "already verified")
    assert rows_of("reset_password")[0].skip_reason == "expired"


def test_account_mail_skips_the_reminder_checks(app, make_user, mailbox):
    # No reminder turned on, and the address paused for reminders after a bounce: a reset
    # link still goes out (the person may have just fixed their mailbox).
    person = make_user(email="quiet@example.org")
    db.session.add(ReminderSettings(user_id=person.id, bounced_at=clock.now(), bounce_reason="550"))
    db.session.commit()
    assert services.preference(person.id, "journal") is None
    client = app.test_client()
    submit(client, "/auth/reset", {"email": person.email})
    assert link_in(mailbox.last_to(person.email), "/auth/reset/")
