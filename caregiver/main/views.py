"""Landing page, dashboard, the "More" page, crisis help, health check."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from caregiver.main import services

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
    resources = services.crisis_resources(current_app.config.get("CRISIS_RESOURCES_FILE"))
    return render_template("main/help.html", resources=resources)


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
