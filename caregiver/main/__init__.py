"""Landing page, dashboard, crisis help, health check, the app shell."""

from flask import Flask
from flask_login import current_user

from caregiver import crisis
from caregiver.i18n import current_language
from caregiver.main import services


def init_app(app: Flask) -> None:
    """Read and check every country's crisis help now, so a broken file stops start-up, and give
    every page the crisis help of the person's country in the page's language (the header, footer
    and cards use it)."""
    crisis.for_app(app.config)
    crisis.deployment_country(app.config)

    @app.context_processor
    def crisis_help():
        def crisis_help_for(country: str | None = None) -> dict:
            return services.crisis_resources(
                country or services.country_for(current_user), current_language()
            )

        return {"crisis_help": crisis_help_for}
