"""Wiring the factory does once: log-in loading, blueprints, template helpers, headers."""

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from caregiver import auth, guidance, i18n, mail, main, reminders, timezones
from caregiver.admin import views as admin_views
from caregiver.auth import device_lock
from caregiver.auth import views as auth_views
from caregiver.auth.discreet import is_discreet
from caregiver.auth.views import lock_pages
from caregiver.careplan import views as careplan_views
from caregiver.careplan.views import overview_pages
from caregiver.extensions import login_manager
from caregiver.goals import views as goals_views
from caregiver.goals.views import goal_pages
from caregiver.groups import views as groups_views
from caregiver.groups.views import meeting_pages
from caregiver.guidance import views as guidance_views
from caregiver.guidance.views import article_pages
from caregiver.i18n import lazy_gettext as _l
from caregiver.journal import views as journal_views
from caregiver.main import views as main_views
from caregiver.reminders import views as reminders_views

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
STATIC_MAX_AGE = 365 * 24 * 3600
ICON = Markup(
    '<svg class="icon" aria-hidden="true" focusable="false" width="24" height="24"'
    ' viewBox="0 0 24 24"><use href="{sprite}#{name}"></use></svg>'
)


class NavItem(NamedTuple):
    """A tab of the bottom bar: current on its own page and on every page of ``sections``."""

    endpoint: str
    label: str
    icon: str
    sections: tuple[str, ...] = ()


# What the page's script writes itself, in the page's language ({time} is its to fill).
SCRIPT_WORDS = {
    "show": _l("Show"),
    "hide": _l("Hide"),
    "show password": _l("Show password"),
    "show PIN": _l("Show PIN"),
    "draft from": _l("You have an unsaved draft from %(time)s.", time="{time}"),
    "restore draft": _l("Restore draft"),
    "discard draft": _l("Discard draft"),
    "draft kept": _l("Draft kept on this device at %(time)s.", time="{time}"),
    "no passkey": _l("No passkey was used. You can try again when you're ready."),
    "passkey here": _l("This device already has a passkey for your account."),
    "try again": _l("That didn't work. Please try again."),
}
script_words = i18n.once_per_language(SCRIPT_WORDS)

# The bottom bar: five tabs at most, so each keeps one short word and fits a 320 px phone. An
# entry shows only once its endpoint exists; "More" leads to every other section.
NAV_ITEMS = [
    NavItem("main.dashboard", _l("Home"), "home"),
    NavItem("journal.index", _l("Journal"), "journal", ("journal",)),
    NavItem("goals.today", _l("Goals"), "goals", ("goals",)),
    NavItem("groups.find_meetings", _l("Meetings"), "meetings", ("groups",)),
    NavItem("main.more", _l("More"), "more", ("guidance", "careplan", "reminders", "admin")),
]


class MoreItem(NamedTuple):
    """A row of the "More" page; ``role`` limits it to the people who have that role."""

    endpoint: str
    label: str
    icon: str
    note: str
    role: str | None = None


# The "More" page, top to bottom: the sections without a tab of their own, then the account.
MORE_ITEMS = [
    MoreItem(
        "guidance.index", _l("Guidance"), "guidance", _l("Short reads, and help planning a talk")
    ),
    MoreItem("careplan.index", _l("Care plan"), "careplan", _l("Treatment, programs, insurance")),
    MoreItem(
        "groups.manage",
        _l("Groups I run"),
        "meetings",
        _l("Your groups and meetings"),
        "facilitator",
    ),
    MoreItem("admin.index", _l("Admin"), "shield", _l("Requests and the outbox"), "admin"),
    MoreItem("auth.account", _l("Your account"), "user", _l("Name, email, password, timezone")),
    MoreItem("reminders.settings", _l("Reminders"), "bell", _l("Which emails you get, and when")),
    MoreItem(
        "auth.security", _l("Sign-in and security"), "shield", _l("Devices and recent sign-ins")
    ),
    MoreItem("main.crisis_help", _l("Help now"), "phone", _l("Crisis lines and overdose steps")),
    MoreItem("main.privacy", _l("Privacy"), "heart", _l("What we keep, and who can see it")),
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(device_lock.load_user)
    login_manager.unauthorized_handler(lock_pages.unauthorized)
    # Sessions are rows checked on every request, and recent proof is our own (security.py):
    # Flask-Login's freshness is never asked. Its "basic" protection would only mark the session
    # stale, rewriting the cookie from a request whose network or browser string changed (a phone
    # moving to Wi-Fi, a service worker's update check); sent beside a form's answer, that old
    # cookie can land last and erase the message the form just flashed.
    login_manager.session_protection = None


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
    main.init_app(app)
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
        items = [item for item in NAV_ITEMS if item.endpoint in app.view_functions]
        return {
            "nav_items": items,
            "more_items": _more_items,
            "discreet": is_discreet(),
            "quick_exit_url": app.config["QUICK_EXIT_URL"],
            "script_words": script_words,
        }

    @app.template_filter("localtime")
    def localtime(moment, shape="date_at"):
        """Show a UTC instant in the signed-in person's own timezone (``shape``: see i18n)."""
        if moment is None:
            return ""
        zone = app.config["DEFAULT_TIMEZONE"]
        if current_user.is_authenticated:
            zone = current_user.timezone
        return i18n.format_when(moment.astimezone(ZoneInfo(zone)), shape)

    app.add_template_filter(timezones.label, "zone_label")
    app.add_template_filter(timezones.city, "zone_city")
    app.jinja_env.globals["nav_active"] = _nav_active
    app.jinja_env.globals["absolute_url"] = mail.absolute_url
    app.jinja_env.globals["app_name_for"] = mail.app_name


def _nav_active(item: NavItem) -> bool:
    """A tab is current on its own page and on every page of the sections it stands for."""
    return request.endpoint == item.endpoint or request.blueprint in item.sections


def _more_items() -> list[MoreItem]:
    """The "More" page's rows this person may open."""
    return [
        item
        for item in MORE_ITEMS
        if item.endpoint in current_app.view_functions
        and (item.role is None or current_user.has_role(item.role))
    ]


def init_static_versions(app: Flask) -> None:
    """Static links carry a digest of the file, so browsers may keep a file for a year: a
    changed file has a new address."""

    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint == "static" and "filename" in values:
            version = static_digest(app, values["filename"])
            if version:
                values["v"] = version

    built: dict[tuple[str, str], str] = {}

    def static_url(filename: str) -> str:
        """``url_for("static", ...)`` for the pages' own files, built once per file: a page
        names the icon sprite many times."""
        key = (request.script_root, filename)
        if app.debug or key not in built:
            built[key] = url_for("static", filename=filename)
        return built[key]

    drawn: dict[tuple[str, str], Markup] = {}

    def icon(name: str) -> Markup:
        """A drawing from the icon sprite, written once per name: a list of cards draws one
        per card, and a template macro cost three times as much a call."""
        key = (request.script_root, name)
        if app.debug or key not in drawn:
            drawn[key] = ICON.format(sprite=static_url("icons/sprite.svg"), name=name)
        return drawn[key]

    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["icon"] = icon


def static_digest(app: Flask, filename: str) -> str | None:
    """A short digest of a static file's content, or None when there is no such file.

    In development an edited file gets a new digest at once; otherwise files do not change
    while the app runs, so each is read once."""
    path = Path(app.static_folder) / filename
    if not app.debug:
        return _digest_once(str(path))
    if not path.is_file():
        return None
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _digest_once(path: str) -> str | None:
    if not Path(path).is_file():
        return None
    return _digest(path, 0, 0)


@lru_cache(maxsize=64)
def _digest(path: str, _mtime_ns: int, _size: int) -> str:
    # Keyed by the file's time and size too, so an edited file gets a new digest at once.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _static_headers(response):
    # Read the (small) file now, so the compressor sees a body rather than an open stream; the
    # file is closed with the response.
    response.direct_passthrough = False
    response.make_sequence()
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if response.status_code == 200 and version and version == static_digest(current_app, filename):
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


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
        if request.endpoint == "static":
            # The same files for everyone, so they may be kept; and no need to load who asks.
            return _static_headers(response)
        # On a shared family device the back button must not bring a private page back
        # after log-out, so nothing personal is kept in the browser's cache.
        if current_user.is_authenticated or request.blueprint == "auth":
            headers["Cache-Control"] = "no-store"
        return response
