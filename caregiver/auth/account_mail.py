"""Mail about the account itself (confirm an address, reset a password, "your password
changed", an admin's answer to a facilitator request), through the outbox like every other
message, ahead of the reminders.

A request writes the outbox row and commits it; the row is sent right after the response has
gone out (``outbox.deliver_soon``), and the scheduler retries it when the mail server is away.
Mail asked for by address (a reset, a new confirmation link) is written the same way whether or
not the address has an account, and the account is looked up only when it is sent: the page
does the same work, in the same time, for every address. Links are made when the mail is sent,
from the account as it is then, so a retried mail carries a fresh link.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select

from caregiver import mail, outbox, security
from caregiver.auth import security_log, sign_in_throttle
from caregiver.auth.models import SecurityEvent, User
from caregiver.extensions import db
from caregiver.i18n import DEFAULT_LANGUAGE, format_when
from caregiver.outbox import Skip
from caregiver.outbox.models import PRIORITY_SECURITY

# How long each kind is still worth sending: past that, the person has given up on it (or a
# "just changed" notice would no longer be true), and the row is skipped as expired.
ACCOUNT_KINDS = {
    "verify_email": timedelta(days=1),
    "confirm_new_email": timedelta(days=1),
    "account_exists": timedelta(days=1),
    "reset_password": timedelta(hours=1),
    "password_changed": timedelta(days=1),
    "sign_in_locked": timedelta(hours=1),
    "new_sign_in": timedelta(days=1),
    "email_changed": timedelta(days=7),
    "security_change": timedelta(days=1),
    "facilitator_approved": timedelta(days=7),
    "facilitator_declined": timedelta(days=7),
}


def verify_state(user, email: str) -> str:
    """What a confirmation link is bound to: it stops working once the account moves on."""
    return security.fingerprint("verify", user.id, email, user.email, user.email_verified_at)


def reset_state(user) -> str:
    """What a reset link is bound to: it stops working once the password changes."""
    return security.fingerprint("reset", user.id, user.password_hash)


def undo_email_state(user, old_email: str) -> str:
    """What an "undo the email change" link is bound to: the change it undoes."""
    return security.fingerprint("undo-email", user.id, old_email, user.email)


def send(kind: str, user: User, to_address: str | None = None, object_id: int = 0) -> None:
    """Queue one account mail for ``user``; it goes out as soon as the request is answered."""
    _queue(kind, user.id, to_address, object_id)


def tell_of_change(user: User, kind: str) -> None:
    """Log a change to how the account signs in and mail the owner about it (the mail names
    the change, never anything they wrote)."""
    event = security_log.record(user.id, kind)
    db.session.commit()
    send("security_change", user, object_id=event.id)


def send_to_address(kind: str, email: str) -> None:
    """Queue one account mail for whoever has the account at ``email``, if anyone does."""
    _queue(kind, None, email)


def _queue(kind: str, user_id: int | None, to_address: str | None, object_id: int = 0) -> None:
    key = f"{kind}:{user_id or '@'}:{uuid.uuid4().hex}"
    row = outbox.message_row(
        kind,
        user_id,
        priority=PRIORITY_SECURITY,
        key=key,
        to_address=to_address,
        object_id=object_id,
    )
    outbox.add([row])
    db.session.commit()
    outbox.deliver_soon(key)


class Batch:
    """Account mail in a claimed batch (registered with the outbox by ``auth.init_app``): no
    reminder checks and no unsubscribe link, and each row read at send time."""

    def __init__(self, rows, now: datetime):
        self.now = now

    def render(self, row) -> mail.Message:
        return render(row, self.now)


def render(row, now: datetime) -> mail.Message:
    """The message for an account row, or Skip with the reason it should not go out."""
    if row.user_id is None:
        user = db.session.scalar(select(User).where(User.email == row.to_address))
        if user is None:
            raise Skip("no account")
    else:
        user = db.session.get(User, row.user_id)
    if user is None:
        raise Skip("person deleted")
    if now - row.created_at > ACCOUNT_KINDS[row.kind]:
        raise Skip("expired")
    # In the person's language, the times and device names made before the templates too.
    with force_locale(user.language or DEFAULT_LANGUAGE):
        return _RENDERERS[row.kind](user, row)


def _to_person(template: str, user: User, to: str | None = None, **context) -> mail.Message:
    """Account mail for ``user``, in their language and discretion, to ``to`` or their address."""
    return mail.render_message(
        template,
        to or user.email,
        discreet=user.discreet,
        language=user.language,
        user=user,
        **context,
    )


def _confirmation(template: str, user: User, email: str) -> mail.Message:
    token = security.make_token(
        "verify", {"uid": user.id, "email": email, "fp": verify_state(user, email)}
    )
    link = mail.absolute_url("auth.verify_email", token=token)
    return _to_person(template, user, email, link=link)


def _verify_email(user: User, row) -> mail.Message:
    if user.is_verified:
        raise Skip("already verified")
    return _confirmation("verify_email", user, user.email)


def _confirm_new_email(user: User, row) -> mail.Message:
    if not row.to_address or row.to_address == user.email:
        raise Skip("already confirmed")
    return _confirmation("confirm_new_email", user, row.to_address)


def _reset_password(user: User, row) -> mail.Message:
    token = security.make_token("reset", {"uid": user.id, "fp": reset_state(user)})
    link = mail.absolute_url("auth.reset_password", token=token)
    return _to_person("reset_password", user, link=link)


def _sign_in_locked(user: User, row) -> mail.Message:
    unlock = security.make_token(
        "unlock", {"uid": user.id, "fp": sign_in_throttle.lock_state(user)}
    )
    reset = security.make_token("reset", {"uid": user.id, "fp": reset_state(user)})
    return _to_person(
        "sign_in_locked",
        user,
        tries=sign_in_throttle.LOCK_AT,
        unlock_link=mail.absolute_url("auth.unlock", token=unlock),
        reset_link=mail.absolute_url("auth.reset_password", token=reset),
    )


def _logged(template: str):
    """A notice about one entry of the security log: what, when, from which device."""

    def render_logged(user: User, row) -> mail.Message:
        event = db.session.get(SecurityEvent, row.object_id)
        if event is None:
            raise Skip("event forgotten")
        when = event.created_at.astimezone(ZoneInfo(user.timezone))
        return _to_person(
            template,
            user,
            what=security_log.LABELS.get(event.kind, event.kind),
            device=security_log.device_name(event.device),
            network=event.network,
            when=f"{format_when(when, 'day_year_at')} ({when:%Z})",
        )

    return render_logged


def _email_changed(user: User, row) -> mail.Message:
    # Sent to the address the account had: the way back for its owner if someone else moved it.
    token = security.make_token(
        "undo-email",
        {"uid": user.id, "old": row.to_address, "fp": undo_email_state(user, row.to_address)},
    )
    link = mail.absolute_url("auth.undo_email_change", token=token)
    return _to_person("email_changed", user, row.to_address, undo_link=link)


def _notice(template: str):
    def render_notice(user: User, row) -> mail.Message:
        return _to_person(template, user)

    return render_notice


_RENDERERS = {
    "verify_email": _verify_email,
    "confirm_new_email": _confirm_new_email,
    "account_exists": _notice("account_exists"),
    "reset_password": _reset_password,
    "sign_in_locked": _sign_in_locked,
    "new_sign_in": _logged("new_sign_in"),
    "security_change": _logged("security_change"),
    "email_changed": _email_changed,
    "password_changed": _notice("password_changed"),
    "facilitator_approved": _notice("facilitator_approved"),
    "facilitator_declined": _notice("facilitator_declined"),
}
