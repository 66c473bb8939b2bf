"""Wrong passwords counted per address (shared by every worker through the database), with
growing waits and then a lock that the owner can lift from an emailed link.

Every address is treated alike, whether or not it has an account, so the page never tells
which addresses do; only a real account's owner is mailed (by ``services.authenticate``). The
count is per address, not per client, so spreading guesses over many machines does not help.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from caregiver import clock, security
from caregiver.auth import security_log
from caregiver.auth.models import SignInThrottle, User
from caregiver.extensions import db
from caregiver.models import dialect_insert

FREE_TRIES = 5  # wrong passwords before any wait: people mistype
LOCK_AT = 10  # then sign-in pauses for LOCK_FOR, and the owner is mailed a way back in
LOCK_FOR = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=24)  # a quiet day starts the count again


@dataclass
class SignInPaused(Exception):  # noqa: N818 - reads as "raise SignInPaused(...)"
    """Sign-in for this address waits ``wait`` longer; ``locked`` after too many tries."""

    wait: timedelta
    locked: bool


def digest(email: str) -> str:
    return security.fingerprint("sign-in throttle", email)


def wait_after(failures: int) -> timedelta:
    """How long the next try must wait after this many wrong passwords in a row."""
    if failures >= LOCK_AT:
        return LOCK_FOR
    if failures <= FREE_TRIES:
        return timedelta(0)
    return timedelta(seconds=2 ** (failures - FREE_TRIES))


def check(email: str, now: datetime | None = None) -> None:
    """Raise SignInPaused when this address may not try a password yet."""
    now = now or clock.now()
    row = db.session.get(SignInThrottle, digest(email))
    if row is None:
        return
    if row.locked_until is not None and now < row.locked_until:
        raise SignInPaused(row.locked_until - now, locked=True)
    if row.retry_after is not None and now < row.retry_after:
        raise SignInPaused(row.retry_after - now, locked=False)


def failed(email: str, user: User | None, now: datetime | None = None) -> bool:
    """Count one wrong password for ``email``; True when that one locked it (the caller then
    mails the owner a way back in)."""
    now = now or clock.now()
    table = SignInThrottle.__table__
    insert = dialect_insert(db.session, table)
    stale = table.c.last_failure_at < now - FORGET_AFTER
    # One statement, so two workers counting at once both count.
    counted = insert.values(address_digest=digest(email), failures=1, last_failure_at=now)
    counted = counted.on_conflict_do_update(
        index_elements=[table.c.address_digest],
        set_={
            "failures": sa.case((stale, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
        },
    ).returning(table.c.failures)
    failures = db.session.execute(counted).scalar_one()
    values = {"retry_after": now + wait_after(failures)}
    if failures >= LOCK_AT:
        values["locked_until"] = now + LOCK_FOR
    db.session.execute(
        sa.update(table).where(table.c.address_digest == digest(email)).values(**values)
    )
    if user is not None:
        security_log.record(user.id, "sign_in_failed")
        if failures == LOCK_AT:
            security_log.record(user.id, "locked")
    db.session.commit()
    return failures == LOCK_AT


def clear(email: str) -> None:
    """Forget the wrong passwords for ``email`` (a right one, an unlock, a new password)."""
    db.session.execute(
        sa.delete(SignInThrottle).where(SignInThrottle.address_digest == digest(email))
    )


def lock_state(user: User) -> str:
    """What an unlock link is bound to: it stops working once this lock is lifted or replaced."""
    row = db.session.get(SignInThrottle, digest(user.email))
    locked_until = row.locked_until if row is not None else None
    return security.fingerprint("unlock", user.id, locked_until)


def purge_old(now: datetime | None = None) -> int:
    """Erase counts nobody has added to for a day (and no lock is on); how many."""
    now = now or clock.now()
    gone = db.session.execute(
        sa.delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < now - FORGET_AFTER,
            sa.or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now),
        )
    )
    db.session.commit()
    return gone.rowcount or 0
