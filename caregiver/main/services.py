"""Health of the service, crisis resources, and the cards on the dashboard."""

from collections.abc import Callable

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from caregiver import crisis
from caregiver.extensions import db
from caregiver.reminders import jobs


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


def crisis_resources(country: str, language: str = "en") -> dict:
    """The helplines and overdose steps of one country (by code), texts in ``language``;
    KeyError for a country this deployment does not offer."""
    return crisis.page(current_app.config.get("CRISIS_RESOURCES_FILE"), country, language)


def crisis_countries(language: str = "en") -> list[tuple[str, str]]:
    """(code, name) of every country with crisis help, by name."""
    return crisis.country_names(current_app.config, language)


def deployment_country() -> str:
    """The country shown to visitors and to people who have not chosen one."""
    return crisis.deployment_country(current_app.config)


def country_for(user) -> str:
    """The person's own choice of country for crisis help, else the deployment's."""
    chosen = user.country if user.is_authenticated else None
    if chosen and chosen in crisis.for_app(current_app.config):
        return chosen
    return deployment_country()


def cards_for(user) -> list[dict]:
    """The dashboard cards the features offer this person, in the order the app declared them
    (``web.DASHBOARD_CARDS``); a card maker returns None to stay away."""
    makers: tuple[Callable, ...] = current_app.extensions["dashboard_cards"]
    return [card for make in makers if (card := make(user))]
