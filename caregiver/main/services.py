"""Health of the service, crisis resources, and the cards on the dashboard."""

import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from caregiver.extensions import db

DEFAULT_CRISIS_FILE = Path(__file__).resolve().parent.parent / "data" / "crisis.toml"

# Features add a card at import time (``add_card``): a callable person -> dict | None, and the
# card's place on the page, which stays the same whatever order the features are imported in.
dashboard_cards: list[tuple[int, Callable]] = []


def add_card(place: int, make: Callable) -> None:
    """Offer a dashboard card; lower places come first."""
    dashboard_cards.append((place, make))
    dashboard_cards.sort(key=lambda card: card[0])


def health() -> dict[str, str]:
    """The state of each part: the database ("ok" or "error") and the reminder scheduler
    ("ok", "stale" when it missed three minutes of ticks, "never" when none has run)."""
    from caregiver.reminders import jobs

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
    """The dashboard cards the installed features offer this person."""
    return [card for _place, make in dashboard_cards if (card := make(user))]
