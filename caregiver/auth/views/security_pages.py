"""Sign-in and security: where the account is signed in (ending any one of those sessions), and
the log of what happened to it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from caregiver.auth import security_log, services
from caregiver.auth.views.blueprint import bp
from caregiver.forms import ActionForm
from caregiver.i18n import gettext, ngettext

bp.add_app_template_filter(security_log.device_name, "device_name")


@bp.route("/account/security")
@login_required
def security():
    return render_template(
        "auth/security.html",
        sessions=services.live_sessions(current_user),
        events=security_log.events_of(current_user.id),
        labels=security_log.LABELS,
        action_form=ActionForm(),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    if not services.end_one_session(current_user, session_id):
        abort(404)
    flash(gettext("That device is signed out."), "success")
    return redirect(url_for("auth.security"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    if ActionForm().validate_on_submit():
        count = services.end_other_sessions(current_user)
        flash(
            ngettext(
                "Logged out of %(num)d other device.", "Logged out of %(num)d other devices.", count
            ),
            "success",
        )
    return redirect(url_for("auth.security"))
