"""Boundary decisions: writing, keeping, archiving, and checking in on a person's boundaries."""

from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlalchemy import select

from caregiver import clock, crypto
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.goals import rules
from caregiver.goals.models import Boundary, BoundaryCheckin
from caregiver.goals.services import check_day, check_note, clear_checkin, owned, record_checkin
from caregiver.i18n import format_count, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.sealed import open_text, save_sealed, seal_optional
from caregiver.text import clean_line, clean_text

STATEMENT_MAX = 300
DETAIL_MAX = 1000
OUTCOME_LABELS = {"held": _l("Held"), "tested": _l("Tested"), "crossed": _l("Crossed")}


@dataclass
class BoundaryData:
    """What a person typed, already checked by the form."""

    statement: str
    reason: str = ""
    response: str = ""


@dataclass
class BoundaryItem:
    """A boundary opened for its owner."""

    id: int
    statement: str
    reason: str
    response: str
    archived: bool


def check_boundary(data: BoundaryData) -> BoundaryData:
    """The boundary with its text cleaned, or FieldError for the first rule it breaks."""
    statement = clean_line(data.statement)
    reason = clean_text(data.reason or "").strip()
    response = clean_text(data.response or "").strip()
    if not statement:
        raise FieldError("statement", gettext("Write the boundary, like “I will not give cash”."))
    if len(statement) > STATEMENT_MAX:
        raise FieldError(
            "statement",
            gettext("Keep the boundary to %(most)s characters or fewer.", most=STATEMENT_MAX),
        )
    for name, text in (("reason", reason), ("response", response)):
        if len(text) > DETAIL_MAX:
            raise FieldError(
                name,
                gettext(
                    "Keep this to %(most)s characters or fewer.", most=format_count(DETAIL_MAX)
                ),
            )
    return BoundaryData(statement, reason, response)


def create_boundary(user, data: BoundaryData) -> Boundary:
    """Save a new boundary for ``user``."""
    boundary = Boundary(user_id=user.id, statement_sealed=b"")
    save_sealed(boundary, partial(_fill, data=check_boundary(data)))
    return boundary


def update_boundary(boundary: Boundary, data: BoundaryData) -> None:
    """Change a boundary's wording, reason or planned response."""
    save_sealed(boundary, partial(_fill, data=check_boundary(data)))


def _fill(boundary: Boundary, data: BoundaryData) -> None:
    boundary.statement_sealed = crypto.seal_field(boundary, "statement_sealed", data.statement)
    seal_optional(boundary, "reason_sealed", data.reason)
    seal_optional(boundary, "response_sealed", data.response)


def set_archived(boundary: Boundary, archived: bool) -> None:
    """Archive a boundary (it leaves the today list) or bring it back."""
    boundary.archived_at = clock.now() if archived else None
    db.session.commit()


def delete_boundary(boundary: Boundary) -> None:
    """Delete a boundary and every check-in it has."""
    db.session.delete(boundary)
    db.session.commit()


def check_in_boundary(
    boundary: Boundary, day: date | None, outcome: str, note: str, today: date
) -> None:
    """Record how a boundary went on a day (or clear it); FieldError when it can't be."""
    check_day(day, today, boundary.archived_at is not None, "boundary")
    note = check_note(note)
    if outcome == "clear":
        clear_checkin(BoundaryCheckin, boundary, day)
    elif outcome in rules.OUTCOMES:
        record_checkin(BoundaryCheckin, boundary, day, outcome, note)
    else:
        raise FieldError("outcome", gettext("Choose held, tested or crossed."))
    db.session.commit()


def open_boundary(row: Boundary) -> BoundaryItem:
    """Decrypt a boundary for its owner; never raises on a damaged row."""
    return BoundaryItem(
        id=row.id,
        statement=open_text(row, "statement_sealed"),
        reason=open_text(row, "reason_sealed"),
        response=open_text(row, "response_sealed"),
        archived=row.archived_at is not None,
    )


def boundaries_of(user_id: int, archived: bool | None = False) -> list[BoundaryItem]:
    """A person's active or archived boundaries (``None``: all), oldest first."""
    rows = db.session.scalars(owned(Boundary, user_id, archived))
    return [open_boundary(row) for row in rows]


def outcomes_since(user_id: int, first: date) -> list[tuple[int, date, str]]:
    """(boundary id, day, outcome) for every check-in from ``first`` on."""
    query = select(BoundaryCheckin.boundary_id, BoundaryCheckin.day, BoundaryCheckin.outcome)
    query = query.where(BoundaryCheckin.user_id == user_id, BoundaryCheckin.day >= first)
    return [tuple(row) for row in db.session.execute(query)]
