"""The app lock of one device: after some idle minutes (or "Lock now") the sign-in session on
that device shows only the unlock page until its PIN, or the person's passkey, is given.

It lives on the device's LoginSession, so another phone signed in to the same account is never
locked by this one, and a PIN guessed on one device opens nothing anywhere else. Five wrong PINs
end the session: the password is then the only way back.
"""

import re
from datetime import timedelta

from caregiver import clock, security
from caregiver.auth import security_log
from caregiver.auth.models import LoginSession
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l

MINUTES = (1, 5, 15, 30)
DEFAULT_MINUTES = 5
WRONG_PINS_ALLOWED = 5
PIN_RE = re.compile(r"[0-9]{4,6}")
PIN_RULE = _l("Use 4 to 6 digits, numbers only.")
# A request within this long of the last one noted changes nothing worth a write.
NOTE_EVERY = timedelta(seconds=5)


class PinsUsedUp(Exception):
    """The last wrong PIN allowed was typed; the session has been ended."""


def is_on(row: LoginSession | None) -> bool:
    """Whether this device's session has a lock set up."""
    return row is not None and row.lock_minutes is not None and row.lock_pin_hash is not None


def check_pin(pin: str) -> str:
    """A new PIN as typed, or FieldError("pin") when it is not 4 to 6 digits."""
    if not PIN_RE.fullmatch(pin or ""):
        raise FieldError("pin", PIN_RULE)
    return pin


def set_up(row: LoginSession, minutes: int, pin: str) -> None:
    """Turn this device's lock on (or change it) with its idle minutes and a new PIN."""
    if minutes not in MINUTES:
        raise FieldError("minutes", gettext("Choose one of the times shown."))
    kind = "app_lock_changed" if is_on(row) else "app_lock_on"
    row.lock_pin_hash = security.hash_password(check_pin(pin))
    row.lock_minutes = minutes
    row.lock_failures = 0
    row.locked = False
    row.last_active_at = clock.now()
    security_log.record(row.user_id, kind)
    db.session.commit()


def turn_off(row: LoginSession) -> None:
    """Take this device's lock away, PIN and all."""
    if not is_on(row):
        return
    row.lock_minutes = row.lock_pin_hash = row.last_active_at = None
    row.lock_failures = 0
    row.locked = False
    security_log.record(row.user_id, "app_lock_off")
    db.session.commit()


def lock_now(row: LoginSession) -> None:
    """Lock this device at once ("Lock now", or the open page saw no one for a while)."""
    if is_on(row) and not row.locked:
        row.locked = True
        db.session.commit()


def is_locked(row: LoginSession) -> bool:
    """Whether this device must be unlocked first: locked already, or idle longer than its
    minutes (which locks it, so later activity cannot undo that)."""
    if not is_on(row):
        return False
    if not row.locked:
        since = row.last_active_at or row.created_at
        if clock.now() - since < timedelta(minutes=row.lock_minutes):
            return False
        row.locked = True
        db.session.commit()
    return True


def note_activity(row: LoginSession) -> None:
    """A request from this device's person: the idle minutes start again."""
    now = clock.now()
    if is_on(row) and (row.last_active_at is None or now - row.last_active_at >= NOTE_EVERY):
        row.last_active_at = now
        db.session.commit()


def unlock_with_pin(row: LoginSession, pin: str) -> bool:
    """Unlock with the PIN; False when it is wrong. Raise PinsUsedUp (after ending the
    session) when that was the last wrong PIN allowed."""
    if security.verify_password(row.lock_pin_hash, pin or ""):
        unlock(row)
        return True
    row.lock_failures += 1
    if row.lock_failures >= WRONG_PINS_ALLOWED:
        row.revoked_at = clock.now()
        security_log.record(row.user_id, "app_lock_pins_used_up")
        db.session.commit()
        raise PinsUsedUp()
    db.session.commit()
    return False


def tries_left(row: LoginSession) -> int:
    """How many more wrong PINs this device may take before it is logged out."""
    return max(0, WRONG_PINS_ALLOWED - row.lock_failures)


def unlock(row: LoginSession) -> None:
    """Open this device again (after the PIN or the person's own passkey)."""
    row.locked = False
    row.lock_failures = 0
    row.last_active_at = clock.now()
    db.session.commit()


def give_up(row: LoginSession) -> None:
    """End a locked session from its lock page ("Forgot your PIN?")."""
    row.revoked_at = clock.now()
    security_log.record(row.user_id, "session_ended")
    db.session.commit()
