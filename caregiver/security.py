"""Password hashing, signed single-use tokens, role guards and ownership lookups."""

import hashlib
import hmac
from datetime import datetime, timedelta
from functools import lru_cache, wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from caregiver import clock
from caregiver.extensions import db
from caregiver.i18n import gettext

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORD_COUNT = 3000

# argon2id with 46 MiB, one pass, one lane: the OWASP baseline for interactive log-in. The
# memory is a setting (PASSWORD_HASH_MEMORY_KIB) only so that the test suite, which signs
# thousands of people in, can hash with less; every deployment uses this.
PASSWORD_HASH_MEMORY_KIB = 47104


@lru_cache(maxsize=4)
def _hasher(memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=memory_kib, parallelism=1)


def _password_hasher() -> PasswordHasher:
    return _hasher(current_app.config.get("PASSWORD_HASH_MEMORY_KIB", PASSWORD_HASH_MEMORY_KIB))


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _password_hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, still spend the same time so timing reveals nothing."""
    hasher = _password_hasher()
    try:
        if password_hash is None:
            hasher.verify(_dummy_hash(hasher), password + "\x00")
            return False
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than today's."""
    return _password_hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("caregiver-timing-equaliser")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower-cased, from zxcvbn's ranked list."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"][:COMMON_PASSWORD_COUNT])


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return gettext(
            "Use at least %(least)d characters. A short phrase works well.",
            least=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return gettext("Use at most %(most)d characters.", most=MAX_PASSWORD_LENGTH)
    if password.lower() in common_passwords():
        return gettext(
            "That password is one of the most common and easy to guess. Try a short phrase."
        )
    return None


def fingerprint(*parts: object) -> str:
    """A short keyed digest of some state, so a token dies when that state changes."""
    key = current_app.config["SECRET_KEY"].encode()
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


class TokenError(Exception):
    """A link's token is broken, expired or already used; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"caregiver.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    """Sign a payload for one purpose (a reset token cannot verify an email)."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict:
    """Return a token's payload or raise TokenError('expired' | 'invalid')."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError("expired") from error
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    return payload


def hash_token(token: str) -> str:
    """Digest of a random bearer token, so the database never holds a usable one."""
    return hashlib.sha256(token.encode()).hexdigest()


ROLE_RANK = {"caregiver": 0, "facilitator": 1, "admin": 2}


def role_required(role: str):
    """Guard a view: log-in first, then 403 unless the person holds ``role`` or above."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if ROLE_RANK.get(current_user.role, -1) < ROLE_RANK[role]:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


facilitator_required = role_required("facilitator")
admin_required = role_required("admin")

# Changing how one signs in, taking private data away (an export) or deleting the account asks
# for the password (or a passkey) again when the last proof on this device is older than this:
# a phone left unlocked on the kitchen table should not be enough.
PROOF_LASTS = timedelta(minutes=5)
_PROVED_AT = "proved_at"


def note_proof() -> None:
    """The person just proved who they are (a password or a passkey) on this device."""
    session[_PROVED_AT] = clock.now().isoformat()


def forget_proof() -> None:
    """Whatever this device's person proved before no longer counts (the app was locked)."""
    session.pop(_PROVED_AT, None)


def proved_recently() -> bool:
    """Whether this device's person proved who they are within the last few minutes."""
    try:
        proved = datetime.fromisoformat(session.get(_PROVED_AT, ""))
    except (TypeError, ValueError):
        return False
    return timedelta(0) <= clock.now() - proved < PROOF_LASTS


def recent_proof_required(view):
    """Guard a view: log-in first, then the password again unless it was given moments ago."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not proved_recently():
            back = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("auth.confirm_password", next=back.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def get_own_or_404(model, object_id, *criteria, owner_field: str = "user_id"):
    """Fetch an object owned by the current person; anyone else's answers 404.

    Extra ``criteria`` narrow it further (an entry that is not deleted, say).
    """
    owner = getattr(model, owner_field)
    found = db.session.scalar(
        db.select(model).where(model.id == object_id, owner == current_user.id, *criteria)
    )
    if found is None:
        abort(404)
    return found


def safe_next(target: str | None) -> str | None:
    """A local path to go to after log-in, or None for anything that could leave the site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(c in target for c in "\\\r\n\t") or ":" in target.split("?", 1)[0]:
        return None
    return target
