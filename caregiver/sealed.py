"""Rows whose private text is sealed (see crypto.py): writing them, and opening them for their
owner."""

from caregiver import clock, crypto
from caregiver.extensions import db

UNREADABLE = "This cannot be read with the current keys."


def save_sealed(row, fill) -> None:
    """Write a row whose text is sealed: a new one is flushed first for the id its seal needs."""
    if row.id is None:
        db.session.add(row)
        db.session.flush()
    else:
        row.updated_at = clock.now()
    fill(row)
    db.session.commit()


def open_text(row, column: str) -> str:
    """A sealed column opened for its owner, or a notice when it cannot be read."""
    if getattr(row, column) is None:
        return ""
    try:
        return crypto.unseal_field(row, column)
    except crypto.Unreadable:
        return UNREADABLE


def seal_optional(row, column: str, text: str) -> None:
    """Seal text into a column, or clear the column when the text is empty."""
    setattr(row, column, crypto.seal_field(row, column, text) if text else None)
