"""Accounts: registration, verification, log-in sessions, passwords, email changes."""

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from caregiver import clock, crisis, crypto, events, i18n, security
from caregiver.auth import account_mail, security_log, sign_in_throttle
from caregiver.auth.models import LoginSession, User
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import gettext

REMEMBER_FOR = timedelta(days=30)
IDLE_SESSION_FOR = timedelta(hours=24)
TOUCH_EVERY = timedelta(minutes=5)
UNDO_EMAIL_FOR = timedelta(days=7)


class UnverifiedEmail(Exception):
    """The password was right but the address is not confirmed yet (a new link was sent)."""


def normalize_email(raw: str) -> str:
    """Return the canonical, lower-cased form of an address or raise FieldError."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise FieldError(
            "email",
            gettext("That email address doesn't look right: %(problem)s", problem=str(error)),
        ) from error
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    """The person with this (already normalized) address, if any."""
    return db.session.scalar(select(User).where(User.email == email))


def _check_password(password: str, field: str = "password") -> None:
    problem = security.password_problem(password)
    if problem:
        raise FieldError(field, problem)


def create_user(
    email: str,
    display_name: str,
    password: str,
    timezone: str,
    role: str = "caregiver",
    verified: bool = False,
) -> User:
    """Create a person; raise FieldError when the address is taken or the password weak."""
    email = normalize_email(email)
    _check_password(password)
    if find_by_email(email):
        raise FieldError("email", gettext("An account with that email address already exists."))
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=security.hash_password(password),
        timezone=timezone,
        role=role,
        email_verified_at=clock.now() if verified else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def register(
    email: str, display_name: str, password: str, timezone: str, daily_nudge: bool = False
) -> None:
    """Start a registration; answers the same way whether or not the address is known.

    A known address gets a "you already have an account" mail instead of a new account, so
    nobody can learn from the page who has an account here (nor change that account's mail).
    ``daily_nudge`` turns on the evening journal nudge the sign-up page offers; it waits, like
    every reminder, until the address is confirmed.
    """
    email = normalize_email(email)
    _check_password(password)
    existing = find_by_email(email)
    if existing is None:
        user = create_user(email, display_name, password, timezone)
        events.registered.send(user, daily_nudge=daily_nudge)
        send_verification(user)
        return
    security.hash_password(password)  # same work either way, so timing tells nothing
    if existing.is_verified:
        account_mail.send("account_exists", existing)
    else:
        send_verification(existing)


def send_verification(user: User, new_email: str | None = None) -> None:
    """Mail a 48-hour link that confirms ``new_email`` (or the current address)."""
    if new_email:
        account_mail.send("confirm_new_email", user, to_address=new_email)
    else:
        account_mail.send("verify_email", user)


def _token_user(purpose: str, token: str, max_age: int) -> tuple[User, dict]:
    """The person an emailed link's token names, and its payload; raise TokenError otherwise."""
    payload = security.read_token(purpose, token, max_age)
    user = db.session.get(User, payload.get("uid"))
    if user is None:
        raise security.TokenError("invalid")
    return user, payload


def verify_email(token: str) -> User:
    """Confirm the address a link was sent to; single use. Raise TokenError otherwise."""
    user, payload = _token_user("verify", token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    email = payload.get("email", "")
    if payload.get("fp") != account_mail.verify_state(user, email):
        raise security.TokenError("used")
    old_email = user.email
    if email != old_email:
        if find_by_email(email):
            raise security.TokenError("taken")
        user.email = email
        security_log.record(user.id, "email_changed")
    user.email_verified_at = clock.now()
    db.session.commit()
    if email != old_email:
        account_mail.send("email_changed", user, to_address=old_email)
    events.address_confirmed.send(user.id)
    return user


def unlock(token: str) -> User:
    """Lift a sign-in lock from the owner's emailed link; single use."""
    user, payload = _token_user("unlock", token, int(sign_in_throttle.LOCK_FOR.total_seconds()))
    if payload.get("fp") != sign_in_throttle.lock_state(user):
        raise security.TokenError("used")
    sign_in_throttle.clear(user.email)
    security_log.record(user.id, "unlocked")
    db.session.commit()
    return user


def undo_email_change(token: str) -> User:
    """Put back the address an account had, sign out every device and mail that address a
    reset link: the way back for an owner whose address someone else changed."""
    user, payload = _token_user("undo-email", token, int(UNDO_EMAIL_FOR.total_seconds()))
    old_email = payload.get("old", "")
    if payload.get("fp") != account_mail.undo_email_state(user, old_email):
        raise security.TokenError("used")
    if find_by_email(old_email) is not None:
        raise security.TokenError("taken")
    user.email = old_email
    user.email_verified_at = clock.now()
    security_log.record(user.id, "email_change_undone")
    db.session.commit()
    end_sessions(user)
    account_mail.send("reset_password", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The person for these credentials, or None. Raise UnverifiedEmail when unconfirmed, and
    SignInPaused when the address has had too many wrong passwords."""
    try:
        email = normalize_email(email)
    except FieldError:
        security.verify_password(None, password)
        return None
    sign_in_throttle.check(email)  # raises SignInPaused, the same for any address
    user = find_by_email(email)
    if not security.verify_password(user.password_hash if user else None, password):
        if sign_in_throttle.failed(email, user) and user is not None:
            account_mail.send("sign_in_locked", user)
        return None
    sign_in_throttle.clear(email)
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    if not user.is_verified:
        db.session.commit()
        send_verification(user)
        raise UnverifiedEmail()
    user.last_login_at = clock.now()
    db.session.commit()
    return user


def check_password_again(user: User, password: str) -> bool:
    """Whether ``password`` is the signed-in person's own (to confirm it is still them); wrong
    ones count towards the same pause as at log-in. Raise SignInPaused while paused."""
    sign_in_throttle.check(user.email)
    if security.verify_password(user.password_hash, password):
        sign_in_throttle.clear(user.email)
        db.session.commit()
        return True
    if sign_in_throttle.failed(user.email, user):
        account_mail.send("sign_in_locked", user)
    return False


def start_session(user: User, remember: bool, device: str, network: str = "") -> LoginSession:
    """Open a new sign-in session for one device, log it, and tell the owner when the device
    or network is new to the account (never on a person's very first sign-in)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    familiar = security_log.seen_before(user.id, device, network)
    first = not security_log.signed_in_before(user.id)
    row = LoginSession(
        user_id=user.id,
        token_hash=security.hash_token(token),
        remember=remember,
        device=device[:120],
        network=network,
        created_at=now,
        last_seen_at=now,
        expires_at=now + (REMEMBER_FOR if remember else IDLE_SESSION_FOR),
    )
    db.session.add(row)
    event = security_log.record(user.id, "sign_in")
    db.session.commit()
    if not familiar and not first:
        account_mail.send("new_sign_in", user, object_id=event.id)
    row.token = token
    user.current_session = row
    return row


# Every signed-in request starts here: one statement for the session and its person, built once.
_SESSION_BY_TOKEN = (
    select(LoginSession)
    .options(joinedload(LoginSession.user, innerjoin=True))
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def load_session(token: str) -> LoginSession | None:
    """The live sign-in session a cookie's token names (its person as ``row.user``), if any."""
    row = db.session.scalar(_SESSION_BY_TOKEN, {"token_hash": security.hash_token(token)})
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        if not row.remember:
            row.expires_at = now + IDLE_SESSION_FOR
        db.session.commit()
    row.token = token
    row.user.current_session = row
    return row


def end_session(row: LoginSession | None) -> None:
    """Revoke one sign-in session (log out)."""
    if row is not None:
        row.revoked_at = clock.now()
        db.session.commit()


def end_sessions(user: User, keep: LoginSession | None = None) -> int:
    """Revoke every live session of a person except ``keep``; return how many."""
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    count = db.session.execute(query.values(revoked_at=clock.now())).rowcount
    db.session.commit()
    return count


def end_other_sessions(user: User) -> int:
    """Sign out every device but this one, from the security page; how many."""
    count = end_sessions(user, keep=user.current_session)
    security_log.record(user.id, "sessions_ended")
    db.session.commit()
    return count


def end_one_session(user: User, session_id: int) -> bool:
    """Sign out one of the person's other devices; False when there is no such live session."""
    row = db.session.get(LoginSession, session_id)
    current = user.current_session
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return False
    if current is not None and row.id == current.id:
        return False
    row.revoked_at = clock.now()
    security_log.record(user.id, "session_ended")
    db.session.commit()
    return True


def live_sessions(user: User) -> list[LoginSession]:
    """A person's signed-in devices, most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.revoked_at.is_(None),
                LoginSession.expires_at > clock.now(),
            )
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


def request_password_reset(email: str) -> None:
    """Mail a one-hour reset link if the address has an account; the same work either way."""
    try:
        email = normalize_email(email)
    except FieldError:
        return
    account_mail.send_to_address("reset_password", email)


def resend_verification(email: str) -> None:
    """Mail a new confirmation link if the address has an unconfirmed account; the same work
    either way."""
    try:
        email = normalize_email(email)
    except FieldError:
        return
    account_mail.send_to_address("verify_email", email)


def user_for_reset(token: str) -> User:
    """The person a reset link belongs to; raise TokenError when it is expired or used."""
    user, payload = _token_user("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    if payload.get("fp") != account_mail.reset_state(user):
        raise security.TokenError("used")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link and sign out every device."""
    user = user_for_reset(token)
    _set_password(user, new_password, "password")
    # Whoever could open the mail has shown they own the address.
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
    sign_in_throttle.clear(user.email)
    security_log.record(user.id, "password_reset")
    db.session.commit()
    end_sessions(user)
    return user


def _set_password(user: User, new_password: str, field: str) -> None:
    _check_password(new_password, field)
    user.password_hash = security.hash_password(new_password)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password (the current one is required) and sign out every session."""
    if not security.verify_password(user.password_hash, current_password):
        raise FieldError("current_password", gettext("That isn't your current password."))
    _set_password(user, new_password, "new_password")
    security_log.record(user.id, "password_changed")
    db.session.commit()
    end_sessions(user)
    account_mail.send("password_changed", user)


def request_email_change(user: User, new_email: str, password: str) -> str:
    """Send a confirmation link to a new address; the change happens when it is opened."""
    if not security.verify_password(user.password_hash, password):
        raise FieldError("password", gettext("That isn't your current password."))
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise FieldError("email", gettext("That is already your email address."))
    # A taken address gets the same answer as a free one; the link then explains.
    security_log.record(user.id, "email_change_asked")
    send_verification(user, new_email=new_email)
    return new_email


def update_profile(user: User, display_name: str, timezone: str) -> None:
    """Change the name shown to others and the timezone used for every date and time."""
    moved = user.timezone != timezone
    user.display_name = display_name.strip()
    user.timezone = timezone
    db.session.commit()
    if moved:
        events.timezone_changed.send(user)


def choose_country(user: User, country: str | None) -> None:
    """Show this person the crisis help of ``country`` (a code with crisis help), or of the
    deployment's country when None."""
    if country is not None and country not in crisis.for_app(current_app.config):
        raise FieldError("country", gettext("Choose one of the countries in the list."))
    user.country = country
    db.session.commit()


def choose_language(user: User, language: str | None) -> None:
    """Speak ``language`` (a supported code) to this person on every page and in every
    message, or follow their browser when None."""
    if language is not None and language not in i18n.LANGUAGES:
        raise FieldError("language", gettext("Choose one of the languages in the list."))
    user.language = language
    db.session.commit()


def delete_account(user: User, password: str) -> None:
    """Erase a person and everything they stored; their data key goes first."""
    if not security.verify_password(user.password_hash, password):
        raise FieldError("password", gettext("That isn't your current password."))
    # Without the data key, any copy of their sealed text (a backup, say) can never be read.
    crypto.forget_data_keys(user.id)
    db.session.delete(user)
    db.session.commit()
