"""The request's side of the app lock: whom the cookie signs in, unless this device is locked.

A locked session signs nobody in. Every page then renders as for a visitor (no name in the
header), and every page that needs a log-in answers with the unlock page instead (see
views/lock_pages.py); the session itself stays, waiting for its PIN.
"""

from flask import g, request
from flask_login import current_user

from caregiver import security
from caregiver.auth import app_lock, services
from caregiver.auth.models import LoginSession, User

_LOCKED = "locked_login_session"
# What the browser fetches on its own (files, the app's manifest and service worker) says
# nothing about a person being there.
NOT_ACTIVITY = {"static", "main.manifest", "main.service_worker", "main.offline"}


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the person behind the cookie's live, unlocked session."""
    row = services.load_session(token)
    if row is None:
        return None
    if app_lock.is_locked(row):
        g.setdefault(_LOCKED, row)
        # Whatever was proved before the lock is not proof now: the PIN opens the app, never
        # the pages that change how one signs in.
        security.forget_proof()
        return None
    if request.endpoint not in NOT_ACTIVITY:
        app_lock.note_activity(row)
    return row.user


def locked_session() -> LoginSession | None:
    """The locked session this request's cookie belongs to, or None."""
    if current_user.is_authenticated:  # loading the person is what finds a locked session
        return None
    return g.get(_LOCKED)
