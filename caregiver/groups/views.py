"""Support groups and their meetings (facilitators' pages)."""

from flask import Blueprint, render_template

from caregiver.security import facilitator_required

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/manage")
@facilitator_required
def manage():
    return render_template("groups/manage.html")
