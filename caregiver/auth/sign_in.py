"""Starting a session, and logging in again from another feature's page.

A session can run out while someone writes; what they wrote waits on the page while they log in
again, and is saved after. The journal and the conversation planner offer that, with one rule for
both, kept here with the rest of signing in.
"""

import math

from flask import session, url_for
from flask_login import login_user

from caregiver import security
from caregiver.auth import (
    device_lock,
    half_signed_in,
    security_log,
    services,
    sign_in_throttle,
    two_step,
)
from caregiver.errors import FieldError
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l

# How often a person (or a script) may try a password, from one address.
AUTH_LIMIT = "10 per minute;60 per hour"
UNVERIFIED = _l("Please confirm your email address first. We sent you a new link.")
MISMATCH = _l("That email and password don't match an account.")
LOCKED = _l(
    "Sign-in to this account is paused for an hour after too many wrong passwords. If the "
    "address has an account, we've emailed it a link to unlock it now. You can also reset "
    "your password."
)
CODE_NEEDED = _l("You use two-step sign-in. Type your password again and the code from your app.")


def sign_in(user, remember: bool = False) -> None:
    """Start a fresh session for ``user`` on this device (used after any proof of identity)."""
    # A session this device had locked is over once the person signs in again here; left
    # alive, it would wait for its PIN on a cookie nobody uses any more.
    services.end_session(device_lock.locked_session())
    session.clear()  # rotate: nothing from before log-in carries over
    device, network = security_log.where_from()
    services.start_session(user, remember=remember, device=device, network=network)
    login_user(user, remember=remember)
    security.note_proof()


def sign_in_or_ask_for_code(user, next_url: str, remember: bool = False) -> str:
    """After a right password (or an emailed link): sign in, or, when the person has turned on
    two-step sign-in, start the second step instead. Return where to send them."""
    if two_step.is_on(user.id):
        half_signed_in.begin(user, remember, next_url)
        return url_for("auth.login_code")
    sign_in(user, remember=remember)
    return next_url


def paused_message(paused: sign_in_throttle.SignInPaused) -> str:
    """What the log-in form says when an address must wait (the same for every address)."""
    if paused.locked:
        return LOCKED
    seconds = max(1, math.ceil(paused.wait.total_seconds()))
    return gettext(
        "Too many wrong passwords. Please wait %(seconds)d seconds, then try again.",
        seconds=seconds,
    )


def checked_user(login_form):
    """Check the log-in form and the password: the person, or None with the reason added to the
    form's errors (a wrong password, an unconfirmed address, or an address that must wait)."""
    if not login_form.validate_on_submit():
        return None
    try:
        user = services.authenticate(login_form.email.data, login_form.password.data)
    except services.UnverifiedEmail:
        login_form.form_errors.append(str(UNVERIFIED))
        return None
    except sign_in_throttle.SignInPaused as paused:
        login_form.form_errors.append(str(paused_message(paused)))
        return None
    if user is None:
        login_form.form_errors.append(str(MISMATCH))
    return user


def log_in_again(login_form):
    """Log in from another feature's page (the session ran out there): the person, or None
    with the reason added to the form's errors."""
    user = checked_user(login_form)
    if user is None:
        return None
    if two_step.is_on(user.id) and not _second_step_in_place(login_form, user):
        return None
    sign_in(user)
    return user


def _second_step_in_place(login_form, user) -> bool:
    # These pages keep what the person wrote in the form, so the code is asked for right there
    # rather than on the log-in page's own second step, which would lose it.
    login_form.needs_code = True
    if not login_form.code.data:
        login_form.form_errors.append(str(CODE_NEEDED))
        return False
    try:
        two_step.check_code(user.id, login_form.code.data)
    except FieldError as error:
        login_form.code.errors = [*login_form.code.errors, str(error.message)]
        return False
    return True
