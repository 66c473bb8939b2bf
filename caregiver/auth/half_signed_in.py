"""The moment between a right password and the second step of signing in.

It lives in the session (signed, so nobody can forge it) for five minutes at most, and it signs
nobody in: until a code matches there is no sign-in session and no log-in. It dies early when the
password changes or two-step sign-in is turned off meanwhile.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import session

from caregiver import clock, security
from caregiver.auth import two_step
from caregiver.auth.models import User
from caregiver.extensions import db

KEY = "half_signed_in"
LASTS = timedelta(minutes=5)


@dataclass(frozen=True)
class HalfSignedIn:
    user: User
    remember: bool
    next_url: str | None


def begin(user: User, remember: bool, next_url: str | None) -> None:
    """Remember, for five minutes, who typed a right password and where they were going."""
    session.clear()  # nothing from before carries over, as at a full sign-in
    session[KEY] = {
        "uid": user.id,
        "at": clock.now().timestamp(),
        "remember": bool(remember),
        "next": next_url,
        "fp": _fingerprint(user),
    }


def current() -> HalfSignedIn | None:
    """Who is between the two steps on this device, or None (never started, or lapsed)."""
    state = session.get(KEY)
    if not isinstance(state, dict):
        return None
    age = clock.now().timestamp() - float(state.get("at", 0))
    user = db.session.get(User, state.get("uid")) if 0 <= age <= LASTS.total_seconds() else None
    if user is None or state.get("fp") != _fingerprint(user) or not two_step.is_on(user.id):
        forget()
        return None
    return HalfSignedIn(user, bool(state.get("remember")), state.get("next"))


def forget() -> None:
    session.pop(KEY, None)


def _fingerprint(user: User) -> str:
    return security.fingerprint("half-signed-in", user.id, user.password_hash)
