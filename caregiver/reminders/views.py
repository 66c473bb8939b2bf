"""Reminder settings on the account page, and one-click unsubscribe links from the mail."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver.extensions import csrf
from caregiver.groups import attendance
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.reminders import choices, services
from caregiver.reminders.forms import ReminderSettingsForm
from caregiver.reminders.messages import GROUP_MAIL, read_unsubscribe_token
from caregiver.reminders.models import REMINDER_LABELS
from caregiver.security import TokenError

bp = Blueprint("reminders", __name__)
# Discreet: the page opens from a link alone, on a device others may share.
GROUP_MAIL_LABEL = _l("Email from a group you follow (its notes and schedule changes)")


@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def settings():
    user = current_user._get_current_object()
    before = choices.current(user)
    form = ReminderSettingsForm()
    if request.method == "GET":
        form.fill_from(before)
    elif form.validate_on_submit():
        choices.save(user, form.choices(before), before)
        flash(gettext("Your reminder settings are saved."), "success")
        return redirect(url_for("reminders.settings"))
    page = render_template(
        "reminders/settings.html",
        form=form,
        kinds=REMINDER_LABELS,
        problem=services.why_no_mail(user),
    )
    return page, 400 if form.errors else 200


# RFC 8058: a mail provider's "Unsubscribe" button POSTs here with no cookies and no CSRF token.
# The signed token in the link is the proof, and stopping mail is all it can do.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    try:
        user_id, kind, group_id = read_unsubscribe_token(token)
    except TokenError as error:
        return _unsubscribe_page(400, state="invalid", reason=error.reason)
    label = GROUP_MAIL_LABEL if kind == GROUP_MAIL else REMINDER_LABELS[kind]
    if request.method == "POST":
        # A second press finds nothing left to turn off: still done.
        if kind == GROUP_MAIL:
            attendance.stop_mail(user_id, group_id)
        else:
            services.turn_off(user_id, kind)
        return _unsubscribe_page(200, state="done", kind=label, group_mail=kind == GROUP_MAIL)
    return _unsubscribe_page(200, state="confirm", kind=label, group_mail=kind == GROUP_MAIL)


def _unsubscribe_page(status: int, **context):
    response = make_response(render_template("reminders/unsubscribe.html", **context), status)
    # The page answers to a link that works without logging in: keep it out of shared caches
    # and out of the browser's history cache.
    response.headers["Cache-Control"] = "no-store"
    return response
