"""Two-step sign-in: a code from an authenticator app (TOTP) after the password, and ten
single-use recovery codes for the day the phone is lost.

The app's secret is sealed at rest like journal text. Recovery codes are shown once and kept
only as HMAC-SHA256 digests under a random salt of the person's own. A code is accepted at most
once: the 30-second step it belongs to is recorded, and that step and older ones are refused.
"""

import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from caregiver import clock, crypto, security
from caregiver.auth import account_mail
from caregiver.auth.models import User
from caregiver.auth.sign_in_models import RecoveryCode, TwoStep
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l

ISSUER = "Caregiver"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied from paper should not be misread.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
# A phone's clock may run up to one 30-second step early or late.
STEPS_OF_DRIFT = 1

WRONG_CODE = _l(
    "That code didn't work. Type the newest 6-digit code from your app; it changes every "
    "30 seconds."
)
USED_CODE = _l("That code was already used. Wait for the next one in your app, then type it.")
WRONG_RECOVERY_CODE = _l(
    "That recovery code didn't work. Check it for typing mistakes; each code works only once."
)


class TwoStepError(Exception):
    """Two-step sign-in is not in the state this action needs (already on, or off)."""


@dataclass(frozen=True)
class Setup:
    """What the set-up page shows: the secret for typing, as a link for an app on the same
    phone, and as a QR code for an app on another."""

    secret: str
    grouped: str
    uri: str
    qr_svg: Markup


def settings(user_id: int) -> TwoStep | None:
    """A person's authenticator app row, pending or on."""
    return db.session.scalar(select(TwoStep).where(TwoStep.user_id == user_id))


def is_on(user_id: int) -> bool:
    """Whether logging in with a password also asks for a code."""
    row = settings(user_id)
    return row is not None and row.enabled_at is not None


def start(user: User) -> TwoStep:
    """Make a new secret for set-up (kept until confirmed); refuse when two-step is on."""
    row = settings(user.id)
    if row is not None and row.enabled_at is not None:
        raise TwoStepError(gettext("Two-step sign-in is already on."))
    if row is None:
        row = TwoStep(user_id=user.id, secret_sealed=b"")
        db.session.add(row)
        db.session.flush()  # the row id is part of the sealed secret's place
    row.secret_sealed = crypto.seal_field(row, "secret_sealed", pyotp.random_base32())
    row.last_step = None
    db.session.commit()
    return row


def setup_details(user: User) -> Setup | None:
    """The pending secret as text and QR code, or None when set-up has not started."""
    row = settings(user.id)
    if row is None or row.enabled_at is not None:
        return None
    secret = crypto.unseal_field(row, "secret_sealed")
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Setup(secret=secret, grouped=grouped, uri=uri, qr_svg=qr_svg(uri))


def qr_svg(text: str) -> Markup:
    """``text`` as an inline SVG QR code, coloured by CSS classes (no style attributes)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        border=4,
        svgclass="qr-code",
        lineclass="qr-code-dark",
        title=gettext("QR code for your authenticator app"),
    )
    # segno's markup is only path data and the title above; the role gives it that name.
    return Markup(out.getvalue().decode().replace("<svg ", '<svg role="img" ', 1))  # noqa: S704


def confirm(user: User, code: str) -> list[str]:
    """Turn two-step on once the app's first code matches; return the new recovery codes."""
    row = settings(user.id)
    if row is None or row.enabled_at is not None:
        raise TwoStepError(gettext("There is no set-up waiting to be confirmed."))
    _accept_app_code(row, _digits(code))
    row.enabled_at = clock.now()
    codes = _replace_recovery_codes(row)
    db.session.commit()
    account_mail.tell_of_change(user, "two_step_on")
    return codes


def check_code(user_id: int, code: str) -> str:
    """Accept an app code or a recovery code at log-in, once; return which ("app" or
    "recovery"). Raise FieldError("code") when it is wrong or already used."""
    row = settings(user_id)
    if row is None or row.enabled_at is None:
        raise TwoStepError(gettext("Two-step sign-in is off."))
    typed = _normalize(code)
    if typed.isdigit() and len(typed) == 6:
        _accept_app_code(row, typed)
        db.session.commit()
        return "app"
    _use_recovery_code(row, typed)
    return "recovery"


def turn_off(user: User, password: str) -> None:
    """Stop asking for a code at log-in; the secret and recovery codes are erased."""
    _check_password(user, password)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoStep).where(TwoStep.user_id == user.id))
    db.session.commit()
    account_mail.tell_of_change(user, "two_step_off")


def new_recovery_codes(user: User, password: str) -> list[str]:
    """Replace every recovery code with ten new ones (the old ones stop working)."""
    _check_password(user, password)
    row = settings(user.id)
    if row is None or row.enabled_at is None:
        raise TwoStepError(gettext("Two-step sign-in is off."))
    codes = _replace_recovery_codes(row)
    db.session.commit()
    account_mail.tell_of_change(user, "recovery_codes_new")
    return codes


def recovery_codes_left(user_id: int) -> int:
    """How many recovery codes a person has not used yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )


def _check_password(user: User, password: str) -> None:
    if not security.verify_password(user.password_hash, password):
        raise FieldError("password", gettext("That isn't your current password."))


def _normalize(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c.isalnum())


def _digits(code: str) -> str:
    typed = _normalize(code)
    if not (typed.isdigit() and len(typed) == 6):
        raise FieldError("code", gettext("Type the 6 digits your app shows, like 123456."))
    return typed


def _accept_app_code(row: TwoStep, code: str) -> None:
    """Record the step ``code`` belongs to, or raise FieldError when it is wrong or spent."""
    totp = pyotp.TOTP(crypto.unseal_field(row, "secret_sealed"))
    now_step = totp.timecode(clock.now())
    step = next(
        (
            step
            for step in range(now_step - STEPS_OF_DRIFT, now_step + STEPS_OF_DRIFT + 1)
            if hmac.compare_digest(totp.generate_otp(step), code)
        ),
        None,
    )
    if step is None:
        raise FieldError("code", WRONG_CODE)
    # One conditional statement, so two requests racing with the same code cannot both win.
    won = db.session.execute(
        update(TwoStep)
        .where(TwoStep.id == row.id, or_(TwoStep.last_step.is_(None), TwoStep.last_step < step))
        .values(last_step=step)
    ).rowcount
    if not won:
        db.session.rollback()
        raise FieldError("code", USED_CODE)
    db.session.refresh(row)


def _use_recovery_code(row: TwoStep, typed: str) -> None:
    digest = _recovery_digest(row.recovery_salt or b"", typed)
    won = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == row.user_id,
            RecoveryCode.digest == digest,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
    ).rowcount
    db.session.commit()
    if not won:
        raise FieldError("code", WRONG_RECOVERY_CODE)
    account_mail.tell_of_change(db.session.get(User, row.user_id), "recovery_code_used")


def _recovery_digest(salt: bytes, typed: str) -> str:
    return hmac.new(salt, typed.encode(), hashlib.sha256).hexdigest()


def _replace_recovery_codes(row: TwoStep) -> list[str]:
    row.recovery_salt = secrets.token_bytes(16)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == row.user_id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(
            RecoveryCode(user_id=row.user_id, digest=_recovery_digest(row.recovery_salt, raw))
        )
    return codes
