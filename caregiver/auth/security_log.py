"""A person's security log: sign-ins, wrong passwords, locks and every change to how they sign in,
with the device and the network (never the whole address), kept 90 days and shown only to them.
Nothing they wrote ever goes in it."""

import ipaddress
from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import delete, exists, select

from caregiver import clock
from caregiver.auth.models import SecurityEvent
from caregiver.extensions import db
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l

KEEP_FOR = timedelta(days=90)

# What each kind of entry says on the "Sign-in and security" page.
LABELS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Wrong password"),
    "locked": _l("Sign-in paused after too many wrong passwords"),
    "unlocked": _l("Sign-in unlocked from the emailed link"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset from an emailed link"),
    "email_change_asked": _l("Asked to change the email address"),
    "email_changed": _l("Email address changed"),
    "email_change_undone": _l("Email address change undone"),
    "session_ended": _l("Signed out of one device"),
    "sessions_ended": _l("Signed out of every other device"),
    "passkey_added": _l("Passkey added"),
    "passkey_removed": _l("Passkey removed"),
    "two_step_on": _l("Two-step sign-in turned on"),
    "two_step_off": _l("Two-step sign-in turned off"),
    "recovery_codes_new": _l("New recovery codes made"),
    "recovery_code_used": _l("Signed in with a recovery code"),
    "app_lock_on": _l("App lock turned on for one device"),
    "app_lock_changed": _l("App lock changed for one device"),
    "app_lock_off": _l("App lock turned off for one device"),
    "app_lock_pins_used_up": _l("Logged out of one device after five wrong PINs"),
}


def describe_device(user_agent: str) -> str:
    """A short, human name for a browser ("Chrome on Android") from its User-Agent."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "A browser",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS", "Mac"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    return f"{browser} on {system}" if system else browser


def device_name(stored: str | None) -> str:
    """A device as the log stores it ("Chrome on Android", "A browser"), in the reader's language.

    The log keeps the English name: new sign-ins are compared with it, whatever language the
    person reads."""
    if not stored:
        return ""
    browser, _on, system = stored.partition(" on ")
    if browser == "A browser":
        browser = gettext("A browser")
    if not system:
        return browser
    return gettext("%(browser)s on %(system)s", browser=browser, system=system)


def network_of(address: str | None) -> str:
    """The network an address belongs to (a /24 or a /64): enough to tell home from elsewhere,
    not enough to find anyone."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def where_from() -> tuple[str, str]:
    """This request's device and network; empty outside a request (a command, the scheduler)."""
    if not has_request_context():
        return "", ""
    return describe_device(request.headers.get("User-Agent", "")), network_of(request.remote_addr)


def record(user_id: int, kind: str) -> SecurityEvent:
    """Add one entry to a person's log (committed with the caller's change)."""
    device, network = where_from()
    event = SecurityEvent(
        user_id=user_id, kind=kind, device=device[:120], network=network, created_at=clock.now()
    )
    db.session.add(event)
    return event


def seen_before(user_id: int, device: str, network: str) -> bool:
    """Whether the person signed in from this device and network in the last 90 days."""
    return db.session.scalar(
        select(
            exists().where(
                SecurityEvent.user_id == user_id,
                SecurityEvent.kind == "sign_in",
                SecurityEvent.device == device,
                SecurityEvent.network == network,
                SecurityEvent.created_at > clock.now() - KEEP_FOR,
            )
        )
    )


def signed_in_before(user_id: int) -> bool:
    """Whether the person has any sign-in in their log (the very first one is not "new")."""
    return db.session.scalar(
        select(exists().where(SecurityEvent.user_id == user_id, SecurityEvent.kind == "sign_in"))
    )


def events_of(user_id: int, limit: int = 100) -> list[SecurityEvent]:
    """The person's log, newest first."""
    return list(
        db.session.scalars(
            select(SecurityEvent)
            .where(SecurityEvent.user_id == user_id)
            .order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
            .limit(limit)
        )
    )


def purge_old(now: datetime | None = None) -> int:
    """Erase entries older than 90 days; how many."""
    old = db.session.execute(
        delete(SecurityEvent).where(SecurityEvent.created_at < (now or clock.now()) - KEEP_FOR)
    )
    db.session.commit()
    return old.rowcount or 0
