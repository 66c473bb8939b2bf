"""Landing page, dashboard, the "More" page, crisis help, health check."""

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from caregiver.auth.discreet import is_discreet
from caregiver.i18n import current_language
from caregiver.main import app_shell, services

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/landing.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("main/dashboard.html", cards=services.cards_for(current_user))


@bp.route("/more")
@login_required
def more():
    # The bottom bar has room for five tabs; this plain list is the way to every other section.
    return render_template("main/more.html")


@bp.route("/welcome")
@login_required
def welcome():
    return render_template("main/welcome.html")


@bp.route("/help")
def crisis_help():
    return _help_page(services.country_for(current_user))


@bp.route("/help/<code>")
def crisis_help_for(code):
    if code not in dict(services.crisis_countries()):
        abort(404)
    return _help_page(code)


def _help_page(code: str):
    language = current_language()
    others = [(other, name) for other, name in services.crisis_countries(language) if other != code]
    return render_template(
        "main/help.html",
        resources=services.crisis_resources(code, language),
        other_countries=others,
    )


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/healthz")
def healthz():
    parts = services.health()
    # Web workers are healthy when the database answers; a stale scheduler is reported for
    # monitoring but must not take the web workers out of a load balancer.
    healthy = parts["database"] == "ok"
    return {"status": "ok" if healthy else "error", **parts}, 200 if healthy else 503


@bp.route("/offline")
def offline():
    # Kept on the phone by the service worker and shown to whoever holds it, so it is always in
    # discreet dress: it cannot know whether this person chose discretion.
    # Nor whose country it is: it shows the deployment's, in the language of the page.
    country = services.deployment_country()
    return render_template(
        "main/offline.html",
        resources=services.crisis_resources(country, current_language()),
        crisis_country=country,
        discreet=True,
    )


@bp.route("/manifest.webmanifest")
def manifest():
    response = current_app.json.response(app_shell.manifest(is_discreet()))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker():
    body = render_template(
        "main/sw.js",
        version=app_shell.shell_version(),
        offline_url=url_for("main.offline"),
        shell=app_shell.shell_urls(),
        static_prefix=current_app.static_url_path + "/",
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    # The browser checks for a new worker on each visit; a stale copy would keep an old shell.
    response.headers["Cache-Control"] = "no-cache"
    return response
