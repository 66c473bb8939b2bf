"""Ways to prove who you are besides a password: passkeys, an authenticator app, recovery codes.

Kept apart from ``models.py`` so that each table here can be dropped with its feature; every row
belongs to one person and goes when their account does.
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime


class Passkey(db.Model):
    """A WebAuthn credential a person registered: the phone's fingerprint or face, or a key."""

    __tablename__ = "passkeys"
    __table_args__ = (Index("ix_passkeys_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    # An unsigned 32-bit counter: more than PostgreSQL's signed INTEGER holds.
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # The random account handle the authenticator keeps with the credential (never the row id,
    # which would tell how many people signed up before).
    user_handle: Mapped[bytes] = mapped_column(LargeBinary)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    transports: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SpentChallenge(db.Model):
    """A passkey challenge that has been answered once, so a copy of the answer is refused."""

    __tablename__ = "passkey_spent_challenges"
    __table_args__ = (Index("ix_passkey_spent_challenges_spent_at", "spent_at"),)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    spent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class TwoStep(db.Model):
    """A person's authenticator app: pending until a first code confirms it, then on."""

    __tablename__ = "two_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The newest 30-second step a code was accepted for: that code, and older ones, never again.
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_salt: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RecoveryCode(db.Model):
    """One single-use recovery code, kept only as a salted digest."""

    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
