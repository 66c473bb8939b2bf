"""Facilitators' meeting tools: create, edit, copy, delete, and change single dates."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from caregiver import clock
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.groups import alerts, attendance, meeting_services, recurrence
from caregiver.groups import changes as date_changes
from caregiver.groups.access import managed_group, managed_meeting
from caregiver.groups.changes import changes_for
from caregiver.groups.forms import CancelForm, MeetingForm, MoveForm
from caregiver.groups.views.blueprint import bp
from caregiver.i18n import format_when, gettext, ngettext
from caregiver.routing import row_id

PREVIEW_COUNT = 5
DATES_SHOWN = 12


def preview_of(form: MeetingForm) -> tuple[list, str]:
    """The next dates the form's schedule gives, or the reason it gives none yet."""
    for name in ("first_day", "last_day"):
        if form[name].errors:  # a date that doesn't read, or is out of bounds, gives none
            return [], form[name].errors[0]
    try:
        data = meeting_services.check_schedule(form.meeting_data())
    except FieldError as error:
        return [], error.message
    except (TypeError, ValueError):
        return [], gettext("Fill in the days, dates and times to see the next meetings.")
    now = clock.now()
    return recurrence.next_occurrences(0, data.rule, {}, now, PREVIEW_COUNT), ""


def _render_form(form, group, meeting=None, status=200):
    upcoming, reason = preview_of(form) if form.start_time.data else ([], "")
    return render_template(
        "groups/meeting_form.html",
        form=form,
        group=group,
        meeting=meeting,
        preview=upcoming,
        preview_reason=reason,
    ), status


@bp.route("/groups/<slug>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(slug):
    group = managed_group(slug)
    form = MeetingForm()
    if request.method == "GET":
        form.timezone.data = current_user.timezone
        source = request.args.get("copy", type=row_id)
        if source:
            original = managed_meeting(source)
            form.fill_from(meeting_services.copy_data(original))
    if form.validate_on_submit() and "preview" not in request.form:
        try:
            meeting = meeting_services.create_meeting(group, form.meeting_data())
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(gettext("Meeting added. It now shows in the meeting list."), "success")
            return redirect(url_for("groups.meeting", meeting_id=meeting.id))
    return _render_form(form, group, status=400 if form.errors else 200)


@bp.route("/groups/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = MeetingForm()
    if request.method == "GET":
        form.fill_from(meeting_services.MeetingData.of(meeting))
    if form.validate_on_submit() and "preview" not in request.form:
        try:
            changed = meeting_services.update_meeting(meeting, form.meeting_data())
        except FieldError as error:
            show_field_error(form, error)
        else:
            told = _announce_series_change(meeting, changed)
            flash(gettext("Meeting saved.") + (f" {_told(told)}" if told else ""), "success")
            return redirect(url_for("groups.meeting", meeting_id=meeting.id))
    return _render_form(form, meeting.group, meeting, status=400 if form.errors else 200)


def _announce_series_change(meeting, changed: list[str]) -> int:
    if not changed:
        return 0
    today = clock.today_in(meeting.timezone)
    return alerts.meeting_changed(meeting, changed, None, today)


@bp.route("/groups/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
@login_required
def delete_meeting(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = ActionForm()
    if form.validate_on_submit():
        slug = meeting.group.slug
        meeting_services.delete_meeting(meeting)
        flash(gettext("Meeting deleted."), "success")
        return redirect(url_for("groups.manage_group", slug=slug))
    dates_url = url_for("groups.meeting_dates", meeting_id=meeting.id)
    return render_template(
        "confirm_delete.html",
        noun=gettext("meeting"),
        name=meeting.name,
        consequence=gettext("All its dates and RSVPs go with it."),
        # The translation is our own catalog's text; the link's address is escaped by %.
        alternative=Markup(  # noqa: S704
            gettext('To skip one date, <a href="%(url)s">cancel that date</a> instead.')
        )
        % {"url": dates_url},
        back=url_for("groups.meeting", meeting_id=meeting.id),
        form=form,
    )


@bp.route("/groups/meetings/preview")
@login_required
def preview_meeting():
    if not current_user.has_role("facilitator"):
        abort(403)
    form = MeetingForm(request.args, meta={"csrf": False})
    form.validate()  # for the dates' own messages; a missing name does not stop a preview
    upcoming, reason = preview_of(form)
    return render_template(
        "groups/_preview.html", preview=upcoming, preview_reason=reason, zone=form.timezone.data
    )


# Single dates -----------------------------------------------------------------------------------


@bp.route("/groups/meetings/<int:meeting_id>/dates")
@login_required
def meeting_dates(meeting_id):
    meeting = managed_meeting(meeting_id)
    return _render_dates(meeting, CancelForm(), MoveForm())


def _render_dates(meeting, cancel_form, move_form, status=200):
    now = clock.now()
    rule = recurrence.Rule.of(meeting)
    changes = changes_for([meeting.id]).get(meeting.id, {})
    upcoming = recurrence.next_occurrences(meeting.id, rule, changes, now, DATES_SHOWN)
    days = [o.on_day for o in upcoming]
    people = attendance.attendees([meeting.id], min(days), max(days)) if days else {}
    return render_template(
        "groups/dates.html",
        meeting=meeting,
        upcoming=upcoming,
        people=people,
        cancel_form=cancel_form,
        move_form=move_form,
        action_form=ActionForm(),
    ), status


@bp.post("/groups/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_date(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = CancelForm()
    if form.validate():
        try:
            change = date_changes.cancel_occurrence(meeting, form.on_day.data, form.note.data)
        except FieldError as error:
            show_field_error(form, error)
        else:
            told = alerts.date_changed(meeting, "cancelled", change.on_day, change.note)
            flash(
                gettext("Cancelled on %(day)s.", day=format_when(change.on_day, "day"))
                + f" {_told(told)}",
                "success",
            )
            return redirect(url_for("groups.meeting_dates", meeting_id=meeting.id))
    return _render_dates(meeting, form, MoveForm(formdata=None), status=400)


@bp.post("/groups/meetings/<int:meeting_id>/move")
@login_required
def move_date(meeting_id):
    meeting = managed_meeting(meeting_id)
    form = MoveForm()
    if form.validate():
        try:
            change = date_changes.move_occurrence(
                meeting, form.on_day.data, form.new_day.data, form.new_start.data,
                form.new_end.data, form.note.data,
            )  # fmt: skip
        except FieldError as error:
            show_field_error(form, error)
        else:
            told = alerts.date_changed(
                meeting, "moved", change.on_day, change.note, change.new_day, change.new_start
            )
            flash(gettext("Moved.") + f" {_told(told)}", "success")
            return redirect(url_for("groups.meeting_dates", meeting_id=meeting.id))
    return _render_dates(meeting, CancelForm(formdata=None), form, status=400)


def _told(count: int) -> str:
    if not count:
        return gettext("Nobody follows it yet, so no one was emailed.")
    return ngettext("%(num)d person will get an email.", "%(num)d people will get an email.", count)


@bp.post("/groups/meetings/<int:meeting_id>/restore/<on_day>")
@login_required
def restore_date(meeting_id, on_day):
    meeting = managed_meeting(meeting_id)
    try:
        day = date.fromisoformat(on_day)
    except ValueError:
        abort(404)
    if ActionForm().validate() and date_changes.restore_occurrence(meeting, day):
        told = alerts.date_changed(meeting, "restored", day)
        flash(
            gettext("%(day)s is back on its usual time.", day=format_when(day, "day"))
            + f" {_told(told)}",
            "success",
        )
    return redirect(url_for("groups.meeting_dates", meeting_id=meeting.id))
