"""Wiring the factory does once: log-in loading, blueprints, template helpers, headers."""

from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_login import current_user

from caregiver import auth, guidance, mail, reminders
from caregiver.admin import views as admin_views
from caregiver.auth import device_lock
from caregiver.auth import views as auth_views
from caregiver.auth.discreet import is_discreet
from caregiver.auth.views import lock_pages
from caregiver.careplan import views as careplan_views
from caregiver.careplan.views import overview_pages
from caregiver.extensions import login_manager
from caregiver.forms import ActionForm
from caregiver.goals import views as goals_views
from caregiver.goals.views import goal_pages
from caregiver.groups import views as groups_views
from caregiver.groups.views import meeting_pages
from caregiver.guidance import views as guidance_views
from caregiver.guidance.views import article_pages
from caregiver.journal import views as journal_views
from caregiver.main import views as main_views
from caregiver.reminders import views as reminders_views

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")

# Navigation: (endpoint, label, icon). An entry shows only once its feature's blueprint exists,
# so each feature lights up its own tab as it lands.
NAV_ITEMS = [
    ("main.dashboard", "Home", "home"),
    ("journal.index", "Journal", "journal"),
    ("goals.today", "Goals", "goals"),
    ("groups.find_meetings", "Meetings", "meetings"),
    ("guidance.index", "Guidance", "guidance"),
    ("careplan.index", "Care plan", "careplan"),
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(device_lock.load_user)
    login_manager.unauthorized_handler(lock_pages.unauthorized)


def register_blueprints(app: Flask) -> None:
    """Each feature's one blueprint, then what each feature wires up beyond its pages."""
    for blueprint in (
        main_views.bp,
        auth_views.bp,
        admin_views.bp,
        journal_views.bp,
        goals_views.bp,
        groups_views.bp,
        guidance_views.bp,
        careplan_views.bp,
        reminders_views.bp,
    ):
        app.register_blueprint(blueprint)
    auth.init_app(app)
    guidance.init_app(app)
    reminders.init_app(app)
    # The home page's cards, top to bottom: each feature's card maker, person -> dict | None.
    app.extensions["dashboard_cards"] = (
        goal_pages.goals_card,
        meeting_pages.meetings_card,
        article_pages.reading_card,
        journal_views.prompt_card,
        overview_pages.next_step_card,
    )


def init_templates(app: Flask) -> None:
    @app.context_processor
    def navigation():
        items = [item for item in NAV_ITEMS if item[0] in app.view_functions]
        return {
            "nav_items": items,
            "logout_form": _logout_form,
            "discreet": is_discreet(),
            "quick_exit_url": app.config["QUICK_EXIT_URL"],
        }

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


def _logout_form() -> ActionForm:
    # Never the form that was sent, so it must not read the request: on the page that says a
    # request was too large, reading it would fail again.
    return ActionForm(formdata=None)


def _nav_active(endpoint: str) -> bool:
    """A tab is current on every page of its feature (the home tab on the home page only)."""
    current = request.endpoint or ""
    feature = endpoint.split(".")[0]
    return current == endpoint or feature != "main" and request.blueprint == feature


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
        if current_user.is_authenticated or request.blueprint == "auth":
            headers["Cache-Control"] = "no-store"
        return response
