"""The open meeting feed in the Meeting Guide format, and importing one into a group."""

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver import clock
from caregiver.errors import FieldError
from caregiver.forms import accepts_upload, show_field_error
from caregiver.groups import feed, feed_import
from caregiver.groups.access import managed_group
from caregiver.groups.feed_forms import ImportForm
from caregiver.groups.views.blueprint import bp
from caregiver.i18n import ngettext
from caregiver.mail import absolute_url

# Readers (apps, other sites) see a changed meeting within minutes without asking every second.
FEED_MAX_AGE = 300
# A pasted feed and an uploaded one may come in the same request, with the form around them.
IMPORT_FORM_MAX = feed.MAX_FEED_BYTES + 64 * 1024
IMPORT_REQUEST_MAX = 2 * IMPORT_FORM_MAX


@bp.get("/meetings.json")
def meeting_feed():
    entries = feed.build_feed(
        lambda meeting: absolute_url("groups.meeting", meeting_id=meeting.id),
        clock.now(),
    )
    response = current_app.response_class(
        json.dumps(entries, ensure_ascii=False), mimetype="application/json"
    )
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    # An open feed: meeting finders on other sites read it from the browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


def _after_import_url(group) -> str:
    # The group's own page once it exists; until then the list of the facilitator's groups.
    if "groups.manage_group" in current_app.view_functions:
        return url_for("groups.manage_group", slug=group.slug)
    return url_for("groups.manage")


@bp.route("/groups/<slug>/import", methods=["GET", "POST"])
@accepts_upload(IMPORT_REQUEST_MAX, IMPORT_FORM_MAX)
@login_required
def import_meetings(slug):
    group = managed_group(slug)
    form = ImportForm(timezone=current_user.timezone)
    plan = None
    if form.validate_on_submit():
        try:
            if form.file.data:
                form.text.data = feed.decode_upload(form.file.data.read())
            now = clock.now()
            plan = feed_import.plan_import(group, form.text.data or "", form.timezone.data, now)
        except FieldError as error:
            show_field_error(form, error)
        else:
            if form.confirmed and plan.ready:
                created = feed_import.run_import(group, plan)
                count = len(created)
                flash(
                    ngettext("Imported %(num)d meeting.", "Imported %(num)d meetings.", count),
                    "success",
                )
                return redirect(_after_import_url(group))
    status = 400 if form.errors else 200
    page = render_template(
        "groups/import.html", group=group, form=form, plan=plan, back_url=_after_import_url(group)
    )
    return page, status
