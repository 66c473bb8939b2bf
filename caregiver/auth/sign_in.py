"""Starting a session, and logging in again from another feature's page.

A session can run out while someone writes; what they wrote waits on the page while they log in
again, and is saved after. The journal and the conversation planner offer that, with one rule for
both, kept here with the rest of signing in.
"""

from flask import request, session
from flask_login import login_user

from caregiver.auth import services

# How often a person (or a script) may try a password, from one address.
AUTH_LIMIT = "10 per minute;60 per hour"
UNVERIFIED = "Please confirm your email address first. We sent you a new link."
MISMATCH = "That email and password don't match an account."


def sign_in(user, remember: bool = False) -> None:
    """Start a fresh session for ``user`` on this device (used after any proof of identity)."""
    session.clear()  # rotate: nothing from before log-in carries over
    device = services.describe_device(request.headers.get("User-Agent", ""))
    services.start_session(user, remember=remember, device=device)
    login_user(user, remember=remember)


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
    sign_in(user)
    return user
