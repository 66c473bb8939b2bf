"""Asking to become a facilitator: one open request at a time, which an admin then decides."""

from sqlalchemy import select

from caregiver import crypto
from caregiver.auth.models import FacilitatorRequest, User
from caregiver.extensions import db
from caregiver.i18n import gettext
from caregiver.sealed import open_text, save_sealed
from caregiver.text import clean_text


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
        raise RequestError(gettext("You can already post and run meetings."))
    if pending_request(user):
        raise RequestError(gettext("Your request is already waiting for an admin."))
    request = FacilitatorRequest(user_id=user.id, note_sealed=b"")
    save_sealed(request, lambda row: _seal_note(row, note))
    return request


def _seal_note(request: FacilitatorRequest, note: str) -> None:
    request.note_sealed = crypto.seal_field(request, "note_sealed", clean_text(note).strip())


def note_of(request: FacilitatorRequest) -> str:
    """What the person wrote with their request, for the admins who decide it."""
    return open_text(request, "note_sealed")
