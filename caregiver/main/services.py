"""Health of the service, crisis resources, and the cards on the dashboard."""

import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from caregiver.extensions import db
from caregiver.reminders import jobs

DEFAULT_CRISIS_FILE = Path(__file__).resolve().parent.parent / "data" / "crisis.toml"


def health() -> dict[str, str]:
    """The state of each part: the database ("ok" or "error") and the reminder scheduler
    ("ok", "stale" when it missed three minutes of ticks, "never" when none has run)."""
    try:
        db.session.execute(text("SELECT 1"))
        state, _last = jobs.scheduler_state()
        return {"database": "ok", "scheduler": state}
    except SQLAlchemyError:
        db.session.rollback()
        return {"database": "error", "scheduler": "unknown"}


@lru_cache(maxsize=4)
def crisis_resources(path: str | None = None) -> dict:
    """The helplines and overdose steps, from one data file a deployment can replace."""
    with open(path or DEFAULT_CRISIS_FILE, "rb") as handle:
        data = tomllib.load(handle)
    for key in ("emergency", "lines", "overdose_steps"):
        if key not in data:
            raise ValueError(f"crisis resources file lacks '{key}'")
    return data


def cards_for(user) -> list[dict]:
    """The dashboard cards the features offer this person, in the order the app declared them
    (``web.DASHBOARD_CARDS``); a card maker returns None to stay away."""
    makers: tuple[Callable, ...] = current_app.extensions["dashboard_cards"]
    return [card for make in makers if (card := make(user))]
