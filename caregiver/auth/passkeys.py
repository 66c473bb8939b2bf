"""Passkeys (WebAuthn): adding one from the account, and logging in with one, no password typed.

Each ceremony has a challenge the server made; the view keeps it in the session with the time
it was made, and it is good for one answer within five minutes. Answered challenges are written
down (as digests) until they would have lapsed anyway, so a copy of an old session cookie and
its answer cannot sign anyone in a second time. A passkey asks the phone to check the person
(fingerprint, face or screen lock), so it counts as both steps of signing in.
"""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import webauthn
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from caregiver import clock, crypto
from caregiver.auth import account_mail
from caregiver.auth.models import User
from caregiver.auth.sign_in_models import Passkey, SpentChallenge
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.sealed import open_text
from caregiver.text import clean_line

RP_NAME = "Caregiver"
CHALLENGE_LASTS = timedelta(minutes=5)
NAME_MAX = 60
# Anything a browser or a forged post can make the parser or verifier raise.
BROKEN = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)

NOT_VERIFIED = _l("That passkey couldn't be checked. Please try again.")
LAPSED = _l("That took a little too long, so we stopped for your safety. Please try again.")
UNKNOWN = _l(
    "That passkey isn't linked to an account here any more. Log in with your password, then "
    "add it again from your account."
)


class PasskeyError(Exception):
    """A passkey ceremony failed; the message says what to do next."""


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkeys belong to: a host name (the RP ID) and the origin pages come from."""

    id: str
    origin: str


@dataclass(frozen=True)
class PasskeyRow:
    """One passkey as the account page lists it."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def relying_party(base_url: str) -> RelyingParty:
    """The RP from the app's BASE_URL: passkeys are bound to a host name, so it must be the
    configured one and never whatever Host header a request carries."""
    parts = urlsplit(base_url)
    return RelyingParty(id=parts.hostname or "", origin=f"{parts.scheme}://{parts.netloc}")


def registration_options(user: User, rp: RelyingParty) -> tuple[str, dict]:
    """Options for navigator.credentials.create, and the state to keep until the answer."""
    existing = _rows_of(user.id)
    handle = existing[0].user_handle if existing else secrets.token_bytes(32)
    options = webauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_id=handle,
        user_name=user.email,
        user_display_name=user.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[_descriptor(row) for row in existing],
    )
    return webauthn.options_to_json(options), _state(options.challenge, handle=handle)


def check_name(name: str) -> str:
    """A passkey's name, cleaned; raise FieldError("name") when it is empty or too long."""
    name = clean_line(name)
    if not name:
        raise FieldError("name", gettext("Give this passkey a name, like “My phone”."))
    if len(name) > NAME_MAX:
        raise FieldError("name", gettext("Use at most %(most)d characters.", most=NAME_MAX))
    return name


def register(
    user: User, name: str, credential: str, state: dict | None, rp: RelyingParty
) -> Passkey:
    """Check the browser's answer to the options and keep the new passkey under ``name``."""
    name = check_name(name)
    challenge = _fresh_challenge(state)
    if "handle" not in state:
        raise PasskeyError(LAPSED)
    verified = _checked(webauthn.verify_registration_response, credential, challenge, rp)
    row = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=_unb64(state["handle"]),
        name_sealed=b"",
        transports=_transports(credential),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()  # the row id is part of the sealed name's place
    except IntegrityError as error:
        raise PasskeyError(gettext("That passkey is already linked to an account.")) from error
    row.name_sealed = crypto.seal_field(row, "name_sealed", name)
    _spend(challenge)
    db.session.commit()
    account_mail.tell_of_change(user, "passkey_added")
    return row


def authentication_options(rp: RelyingParty) -> tuple[str, dict]:
    """Options for navigator.credentials.get with no account named: the phone offers its own
    passkeys for this site (discoverable credentials)."""
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, user_verification=UserVerificationRequirement.REQUIRED
    )
    return webauthn.options_to_json(options), _state(options.challenge)


def own_options(user_id: int, rp: RelyingParty) -> tuple[str, dict]:
    """Options for navigator.credentials.get that name this person's own passkeys (to unlock
    the app on a device they are signed in on), or PasskeyError when they have none."""
    rows = _rows_of(user_id)
    if not rows:
        raise PasskeyError(UNKNOWN)
    options = webauthn.generate_authentication_options(
        rp_id=rp.id,
        allow_credentials=[_descriptor(row) for row in rows],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return webauthn.options_to_json(options), _state(options.challenge)


def has_passkeys(user_id: int) -> bool:
    """Whether the person has any passkey."""
    return (
        db.session.scalar(select(Passkey.id).where(Passkey.user_id == user_id).limit(1)) is not None
    )


def authenticate(credential: str, state: dict | None, rp: RelyingParty) -> User:
    """The person whose passkey signed the challenge; raise PasskeyError otherwise."""
    challenge = _fresh_challenge(state)
    try:
        parsed = parse_authentication_credential_json(credential)
    except BROKEN as error:
        raise PasskeyError(NOT_VERIFIED) from error
    row = db.session.scalar(select(Passkey).where(Passkey.credential_id == parsed.raw_id))
    handle = parsed.response.user_handle
    if row is None or (handle is not None and handle != row.user_handle):
        raise PasskeyError(UNKNOWN)
    verified = _checked(
        webauthn.verify_authentication_response,
        parsed,
        challenge,
        rp,
        credential_public_key=row.public_key,
        credential_current_sign_count=row.sign_count,
    )
    _spend(challenge)
    now = clock.now()
    row.sign_count = verified.new_sign_count
    row.last_used_at = now
    user = db.session.get(User, row.user_id)
    user.last_login_at = now
    db.session.commit()
    return user


def passkeys_of(user_id: int) -> list[PasskeyRow]:
    """A person's passkeys with their names opened, newest first."""
    return [
        PasskeyRow(row.id, open_text(row, "name_sealed"), row.created_at, row.last_used_at)
        for row in _rows_of(user_id)
    ]


def name_of(row: Passkey) -> str:
    """A passkey's name, opened for its owner."""
    return open_text(row, "name_sealed")


def remove(row: Passkey) -> None:
    """Forget a passkey: it can no longer sign anyone in (the phone may still list it)."""
    owner = db.session.get(User, row.user_id)
    db.session.delete(row)
    db.session.commit()
    account_mail.tell_of_change(owner, "passkey_removed")


def _rows_of(user_id: int) -> list[Passkey]:
    query = select(Passkey).where(Passkey.user_id == user_id)
    return list(db.session.scalars(query.order_by(Passkey.created_at.desc(), Passkey.id.desc())))


def _descriptor(row: Passkey) -> PublicKeyCredentialDescriptor:
    known = {t.value for t in AuthenticatorTransport}
    transports = [AuthenticatorTransport(t) for t in row.transports.split(",") if t in known]
    return PublicKeyCredentialDescriptor(id=row.credential_id, transports=transports or None)


def _checked(check, credential, challenge: bytes, rp: RelyingParty, **known):
    """One of webauthn's checks against this site, the person verified by their device."""
    try:
        return check(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
            **known,
        )
    except BROKEN as error:
        raise PasskeyError(NOT_VERIFIED) from error


def _transports(credential: str) -> str:
    """How the browser says it reaches the passkey ("internal", "hybrid"), for later hints."""
    listed = json.loads(credential).get("response", {}).get("transports")
    return ",".join(t for t in listed or [] if isinstance(t, str))[:120]


def _state(challenge: bytes, handle: bytes | None = None) -> dict:
    state = {"challenge": _b64(challenge), "at": clock.now().timestamp()}
    if handle is not None:
        state["handle"] = _b64(handle)
    return state


def _fresh_challenge(state: dict | None) -> bytes:
    if not isinstance(state, dict) or "challenge" not in state:
        raise PasskeyError(LAPSED)
    age = clock.now().timestamp() - float(state.get("at", 0))
    if not 0 <= age <= CHALLENGE_LASTS.total_seconds():
        raise PasskeyError(LAPSED)
    return _unb64(state["challenge"])


def _spend(challenge: bytes) -> None:
    """Write the challenge down as answered; a second answer to it is refused."""
    now = clock.now()
    db.session.execute(
        delete(SpentChallenge).where(SpentChallenge.spent_at < now - 2 * CHALLENGE_LASTS)
    )
    try:
        with db.session.begin_nested():
            db.session.add(
                SpentChallenge(digest=hashlib.sha256(challenge).hexdigest(), spent_at=now)
            )
    except IntegrityError as error:
        db.session.rollback()
        raise PasskeyError(LAPSED) from error


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text)
