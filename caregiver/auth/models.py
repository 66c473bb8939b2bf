"""People, their sign-in sessions and their requests to facilitate groups."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime

ROLES = ("caregiver", "facilitator", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalized and lower-cased, so uniqueness is case-insensitive everywhere.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20), default="caregiver")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Neutral titles, app name and mail subjects (see auth/discreet.py).
    discreet: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Whose crisis help /help shows; None follows the deployment's country (CRISIS_COUNTRY).
    country: Mapped[str | None] = mapped_column(String(2))
    # The language of pages, mail and reminders; None follows the browser (see i18n.py).
    language: Mapped[str | None] = mapped_column(String(8))

    sessions: Mapped[list["LoginSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The sign-in session this request runs under; set by the user loader and at log-in.
    current_session = None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the cookie: a random per-device token, not the person's id,
        # so revoking the row on the server refuses a replayed cookie.
        return self.current_session.token if self.current_session else None

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class LoginSession(db.Model):
    """One signed-in device. The cookie holds a random token; only its digest is stored."""

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    device: Mapped[str] = mapped_column(String(120), default="")
    # Where from, roughly: the network, never the whole address (see security_log.network_of).
    network: Mapped[str] = mapped_column(String(48), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The app lock of this device (see app_lock.py): none until the person sets one here. The
    # PIN belongs to this device alone, so it is hashed with this row, never with the account.
    lock_minutes: Mapped[int | None] = mapped_column()
    lock_pin_hash: Mapped[str | None] = mapped_column(String(255))
    lock_failures: Mapped[int] = mapped_column(default=0)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="sessions")

    # The raw token exists only in memory, for the request that created or loaded the row.
    token = None


class FacilitatorRequest(db.Model):
    """A caregiver's request to post and run meetings; an admin decides."""

    __tablename__ = "facilitator_requests"
    __table_args__ = (Index("ix_facilitator_requests_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What the person wrote about their group, sealed: it is written to admins, and no one else.
    note_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SignInThrottle(db.Model):
    """Wrong passwords for one address, counted across every worker and client address.

    Keyed by a keyed digest of the address, so an address nobody has an account for is throttled
    exactly like one that has (the page must not tell them apart) and is never stored as typed.
    """

    __tablename__ = "sign_in_throttles"

    address_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    retry_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SecurityEvent(db.Model):
    """One entry of a person's security log: what happened to the account, when and from where
    (device and network), kept 90 days. Never anything they wrote."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    device: Mapped[str] = mapped_column(String(120), default="")
    network: Mapped[str] = mapped_column(String(48), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
