"""Facilitator requests and the decisions admins make on them."""

from sqlalchemy import select

from caregiver import clock
from caregiver.auth import account_mail
from caregiver.auth.models import FacilitatorRequest, User
from caregiver.extensions import db


class RequestError(Exception):
    """A facilitator request cannot be made or decided; the message says why."""


def pending_request(user: User) -> FacilitatorRequest | None:
    """The person's undecided request, if any."""
    return db.session.scalar(
        select(FacilitatorRequest).where(
            FacilitatorRequest.user_id == user.id, FacilitatorRequest.status == "pending"
        )
    )


def request_facilitator(user: User, note: str) -> FacilitatorRequest:
    """Ask to become a facilitator; one open request at a time."""
    if user.has_role("facilitator"):
        raise RequestError("You can already post and run meetings.")
    if pending_request(user):
        raise RequestError("Your request is already waiting for an admin.")
    request = FacilitatorRequest(user_id=user.id, note=note.strip())
    db.session.add(request)
    db.session.commit()
    return request


def pending_requests() -> list[FacilitatorRequest]:
    """Every undecided request, oldest first."""
    return list(
        db.session.scalars(
            select(FacilitatorRequest)
            .where(FacilitatorRequest.status == "pending")
            .order_by(FacilitatorRequest.created_at)
        )
    )


def decide(request_id: int, admin: User, approve: bool) -> FacilitatorRequest:
    """Approve (the person becomes a facilitator) or decline a request, and tell them."""
    request = db.session.get(FacilitatorRequest, request_id)
    if request is None or request.status != "pending":
        raise RequestError("That request has already been decided or no longer exists.")
    request.status = "approved" if approve else "declined"
    request.decided_at = clock.now()
    request.decided_by_id = admin.id
    person = request.user
    if approve and not person.has_role("facilitator"):
        person.role = "facilitator"
    db.session.commit()
    account_mail.send("facilitator_approved" if approve else "facilitator_declined", person)
    return request
