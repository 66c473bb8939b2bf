"""Admin pages: approving facilitators, and the health of outgoing mail."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caregiver import outbox
from caregiver.admin import services
from caregiver.auth.facilitator_requests import RequestError
from caregiver.forms import ActionForm
from caregiver.i18n import gettext
from caregiver.reminders import jobs
from caregiver.reminders import services as reminder_services
from caregiver.security import admin_required

bp = Blueprint("admin", __name__)


@bp.route("/admin/")
@admin_required
def index():
    return render_template(
        "admin/index.html",
        requests=services.pending_requests(),
        action_form=ActionForm(),
        scheduler=jobs.scheduler_state(),
        mail=reminder_services.outbox_health(),
    )


@bp.route("/admin/requests/<int:request_id>/<any(approve, decline):decision>", methods=["POST"])
@admin_required
def decide(request_id, decision):
    if ActionForm().validate_on_submit():
        try:
            decided = services.decide(request_id, current_user, approve=decision == "approve")
        except RequestError as error:
            flash(str(error), "info")
        else:
            name = decided.user.display_name
            if decision == "approve":
                said = gettext("%(name)s's request is approved. They have been emailed.", name=name)
            else:
                said = gettext("%(name)s's request is declined. They have been emailed.", name=name)
            flash(said, "success")
    return redirect(url_for("admin.index"))


@bp.route("/admin/outbox")
@admin_required
def outbox_page():
    page = request.args.get("page", 1, type=int)
    health = reminder_services.outbox_health(page)
    return render_template(
        "admin/outbox.html",
        mail=health,
        page=health.page,
        scheduler=jobs.scheduler_state(),
        action_form=ActionForm(),
    )


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@admin_required
def retry_message(message_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    if outbox.retry_now(message_id):
        flash(
            gettext("The message is back in the queue; the scheduler sends it on its next round."),
            "success",
        )
    else:
        flash(gettext("That message is no longer waiting for a retry."), "info")
    return redirect(url_for("admin.outbox_page"))
