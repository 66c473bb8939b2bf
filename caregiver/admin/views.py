"""Admin pages: approving facilitators."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from caregiver.admin import services
from caregiver.forms import ActionForm
from caregiver.security import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_required
def index():
    return render_template(
        "admin/index.html", requests=services.pending_requests(), action_form=ActionForm()
    )


@bp.route("/requests/<int:request_id>/<any(approve, decline):decision>", methods=["POST"])
@admin_required
def decide(request_id, decision):
    if ActionForm().validate_on_submit():
        try:
            request = services.decide(request_id, current_user, approve=decision == "approve")
        except services.RequestError as error:
            flash(str(error), "info")
        else:
            verb = "approved" if decision == "approve" else "declined"
            flash(
                f"{request.user.display_name}'s request is {verb}. They have been emailed.",
                "success",
            )
    return redirect(url_for("admin.index"))
