"""Starting a session, and logging in again from another feature's page.

A session can run out while someone writes; what they wrote waits on the page while they log in
again, and is saved after. The journal and the conversation planner offer that, with one rule for
both, kept here with the rest of signing in.
"""

from flask import request, session, url_for
from flask_login import login_user

from caregiver.auth import half_signed_in, services, two_step
from caregiver.errors import FieldError

# How often a person (or a script) may try a password, from one address.
AUTH_LIMIT = "10 per minute;60 per hour"
UNVERIFIED = "Please confirm your email address first. We sent you a new link."
MISMATCH = "That email and password don't match an account."
CODE_NEEDED = "You use two-step sign-in. Type your password again and the code from your app."


def sign_in(user, remember: bool = False) -> None:
    """Start a fresh session for ``user`` on this device (used after any proof of identity)."""
    session.clear()  # rotate: nothing from before log-in carries over
    device = services.describe_device(request.headers.get("User-Agent", ""))
    services.start_session(user, remember=remember, device=device)
    login_user(user, remember=remember)


def sign_in_or_ask_for_code(user, next_url: str, remember: bool = False) -> str:
    """After a right password (or an emailed link): sign in, or, when the person has turned on
    two-step sign-in, start the second step instead. Return where to send them."""
    if two_step.is_on(user.id):
        half_signed_in.begin(user, remember, next_url)
        return url_for("auth.login_code")
    sign_in(user, remember=remember)
    return next_url


def log_in_again(login_form):
    """Check the log-in form and the password, then sign in: the person, or None with the
    reason added to the form's errors."""
    if not login_form.validate_on_submit():
        return None
    try:
        user = services.authenticate(login_form.email.data, login_form.password.data)
    except services.UnverifiedEmail:
        login_form.form_errors.append(UNVERIFIED)
        return None
    if user is None:
        login_form.form_errors.append(MISMATCH)
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
        login_form.form_errors.append(CODE_NEEDED)
        return False
    try:
        two_step.check_code(user.id, login_form.code.data)
    except FieldError as error:
        login_form.code.errors = [*login_form.code.errors, error.message]
        return False
    return True
