"""Wiring the factory does once: log-in loading, blueprints, template helpers, headers."""

from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_login import current_user

from caregiver import auth, guidance, mail, reminders
from caregiver.extensions import login_manager

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")

# Navigation: (endpoint, label, icon). An entry shows only once its feature's blueprint exists,
# so each feature lights up its own tab as it lands.
NAV_ITEMS = [
    ("main.dashboard", "Home", "home"),
    ("journal.index", "Journal", "journal"),
    ("goals.today", "Goals", "goals"),
    ("meetings.index", "Meetings", "meetings"),
    ("guidance.index", "Guidance", "guidance"),
    ("careplan.index", "Care plan", "careplan"),
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_login(app: Flask) -> None:
    from caregiver.auth import services

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(services.load_session_user)


def register_blueprints(app: Flask) -> None:
    from caregiver.admin.views import bp as admin_bp
    from caregiver.auth.account import bp as account_bp
    from caregiver.auth.views import bp as auth_bp
    from caregiver.careplan import contact_views, journey_views, paperwork_views, program_views
    from caregiver.careplan.views import bp as careplan_bp
    from caregiver.careplan.views import next_step_card
    from caregiver.goals.boundary_views import bp as boundaries_bp
    from caregiver.goals.progress_views import bp as progress_bp
    from caregiver.goals.views import bp as goals_bp
    from caregiver.goals.views import goals_card
    from caregiver.groups.calendar_views import bp as calendars_bp
    from caregiver.groups.feed_views import bp as feeds_bp
    from caregiver.groups.meeting_admin_views import bp as meeting_admin_bp
    from caregiver.groups.meeting_views import bp as meetings_bp
    from caregiver.groups.meeting_views import meetings_card
    from caregiver.groups.views import bp as groups_bp
    from caregiver.guidance.planner_views import bp as planner_bp
    from caregiver.guidance.views import bp as guidance_bp
    from caregiver.guidance.views import reading_card
    from caregiver.journal.views import bp as journal_bp
    from caregiver.journal.views import prompt_card
    from caregiver.main.views import bp as main_bp
    from caregiver.reminders.views import bp as reminders_bp

    blueprints = (main_bp, auth_bp, account_bp, admin_bp, groups_bp, journal_bp)
    features = (goals_bp, boundaries_bp, progress_bp, meetings_bp, meeting_admin_bp)
    extras = (calendars_bp, feeds_bp, guidance_bp, planner_bp, reminders_bp)
    careplan = (careplan_bp, journey_views.bp, program_views.bp, paperwork_views.bp)
    for blueprint in (*blueprints, *features, *extras, *careplan, contact_views.bp):
        app.register_blueprint(blueprint)
    auth.init_app(app)
    guidance.init_app(app)
    reminders.init_app(app)
    # The home page's cards, top to bottom: each feature's card maker, person -> dict | None.
    app.extensions["dashboard_cards"] = (
        goals_card,
        meetings_card,
        reading_card,
        prompt_card,
        next_step_card,
    )


def init_templates(app: Flask) -> None:
    from caregiver.forms import ActionForm

    @app.context_processor
    def navigation():
        items = [item for item in NAV_ITEMS if item[0] in app.view_functions]
        return {"nav_items": items, "logout_form": ActionForm}

    @app.template_filter("localtime")
    def localtime(moment, fmt="%b %-d, %Y at %-I:%M %p"):
        """Show a UTC instant in the signed-in person's own timezone."""
        if moment is None:
            return ""
        zone = app.config["DEFAULT_TIMEZONE"]
        if current_user.is_authenticated:
            zone = current_user.timezone
        return moment.astimezone(ZoneInfo(zone)).strftime(fmt)

    app.jinja_env.globals["nav_active"] = _nav_active
    app.jinja_env.globals["absolute_url"] = mail.absolute_url


# Blueprints whose pages belong under another one's tab.
NAV_SECTIONS = {
    "boundaries": "goals",
    "progress": "goals",
    "groups": "meetings",
    "calendars": "meetings",
    "feeds": "meetings",
    "meeting_admin": "meetings",
    "planner": "guidance",
    "reminders": "main",
    "careplan_journey": "careplan",
    "careplan_programs": "careplan",
    "careplan_paperwork": "careplan",
    "careplan_contacts": "careplan",
}


def _nav_active(endpoint: str) -> bool:
    current = request.endpoint or ""
    section = current.split(".")[0]
    section = NAV_SECTIONS.get(section, section)
    return current == endpoint or section == endpoint.split(".")[0] != "main"


def init_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["CAREGIVER_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # On a shared family device the back button must not bring a private page back
        # after log-out, so nothing personal is kept in the browser's cache.
        if (
            current_user.is_authenticated
            or request.endpoint
            and request.endpoint.startswith(("auth.", "account."))
        ):
            headers["Cache-Control"] = "no-store"
        return response
