"""The decisions admins make on facilitator requests."""

from sqlalchemy import select

from caregiver import clock
from caregiver.auth import account_mail
from caregiver.auth.facilitator_requests import RequestError, note_of
from caregiver.auth.models import FacilitatorRequest, User
from caregiver.extensions import db
from caregiver.i18n import gettext


def pending_requests() -> list[tuple[FacilitatorRequest, str]]:
    """Every undecided request with its note opened, oldest first."""
    rows = db.session.scalars(
        select(FacilitatorRequest)
        .where(FacilitatorRequest.status == "pending")
        .order_by(FacilitatorRequest.created_at)
    )
    return [(row, note_of(row)) for row in rows]


def decide(request_id: int, admin: User, approve: bool) -> FacilitatorRequest:
    """Approve (the person becomes a facilitator) or decline a request, and tell them."""
    decided = db.session.get(FacilitatorRequest, request_id)
    if decided is None or decided.status != "pending":
        raise RequestError(gettext("That request has already been decided or no longer exists."))
    decided.status = "approved" if approve else "declined"
    decided.decided_at = clock.now()
    decided.decided_by_id = admin.id
    person = decided.user
    if approve and not person.has_role("facilitator"):
        person.role = "facilitator"
    db.session.commit()
    account_mail.send("facilitator_approved" if approve else "facilitator_declined", person)
    return decided
