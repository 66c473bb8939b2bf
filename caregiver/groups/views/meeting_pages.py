"""Finding meetings: the upcoming list, a meeting's page, "I'll be there"."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver import clock
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, all_timezones, timezone_choices
from caregiver.groups import attendance, finder, recurrence, services
from caregiver.groups.access import meeting_or_404
from caregiver.groups.changes import changes_for
from caregiver.groups.forms import AttendForm, FinderForm
from caregiver.groups.models import LANGUAGES
from caregiver.groups.views.blueprint import bp

NEXT_COUNT = 5


def viewer_zone_name() -> str:
    """The timezone times are shown in: the person's own, or the one a visitor picked."""
    if current_user.is_authenticated:
        return current_user.timezone
    chosen = request.args.get("tz", "")
    return chosen if chosen in all_timezones() else current_app.config["DEFAULT_TIMEZONE"]


@bp.route("/meetings/")
def find_meetings():
    form = FinderForm(request.args)
    form.validate()
    zone_name = viewer_zone_name()
    zone = ZoneInfo(zone_name)
    now = clock.now()
    filters = form.filters() if not form.q.errors else finder.Filters()
    found = finder.upcoming(filters, zone, now)
    shown, page, pages = finder.page_of(found, request.args.get("page", 1, type=int))
    meeting_ids = {occurrence.meeting_id for occurrence in shown}
    mine = (
        attendance.my_attendance(current_user.id, meeting_ids)
        if current_user.is_authenticated
        else set()
    )
    return render_template(
        "groups/meetings.html",
        form=form,
        filters=filters,
        listings=finder.listings(shown, zone),
        now=now,
        total=len(found),
        page=page,
        pages=pages,
        args={key: value for key, value in request.args.items() if key != "page" and value},
        timezone_groups=timezone_choices(),
        mine=mine,
        zone_name=zone_name,
        today=now.astimezone(zone).date(),
        day_label=finder.day_label,
    )


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    meeting = meeting_or_404(meeting_id)
    now = clock.now()
    changes = changes_for([meeting.id]).get(meeting.id, {})
    rule = recurrence.Rule.of(meeting)
    upcoming = recurrence.next_occurrences(
        meeting.id, rule, changes, now, NEXT_COUNT, under_way=True
    )
    soon = recurrence.occurrences(meeting.id, rule, changes, now, now + timedelta(days=42))
    notices = [o for o in soon if o.status != "scheduled"]
    signed_in = current_user.is_authenticated
    runs_it = services.facilitates(current_user, meeting.group_id)
    days = [o.on_day for o in upcoming]
    people = attendance.attendees([meeting.id], min(days), max(days)) if days and runs_it else {}
    return render_template(
        "groups/meeting.html",
        meeting=meeting,
        group=meeting.group,
        rule_text=recurrence.describe(rule),
        upcoming=upcoming,
        notices=notices,
        mine=attendance.my_attendance(current_user.id, [meeting.id]) if signed_in else set(),
        following=attendance.following(current_user, meeting.group_id),
        runs_it=runs_it,
        people=people,
        show_link=meeting.link_public or signed_in,
        attend_form=AttendForm(),
        action_form=ActionForm(),
        zone=ZoneInfo(viewer_zone_name()),
        languages=LANGUAGES,
        now=now,
    )


@bp.post("/meetings/<int:meeting_id>/attend")
@login_required
def attend(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = AttendForm()
    if form.validate():
        try:
            attendance.attend(
                current_user, meeting, form.on_day.data, form.share_name.data, clock.now()
            )
        except FieldError as error:
            flash(error.message, "error")
        else:
            flash(f"Noted: you plan to be there on {form.on_day.data:%A, %B %-d}.", "success")
    else:
        flash("That date could not be read. Try again from the meeting's page.", "error")
    return redirect(url_for("groups.meeting", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/attend/<on_day>/remove")
@login_required
def unattend(meeting_id, on_day):
    meeting = meeting_or_404(meeting_id)
    form = ActionForm()
    try:
        day = date.fromisoformat(on_day)
    except ValueError:
        day = None
    if form.validate() and day is not None:
        attendance.unattend(current_user, meeting, day)
        flash("Taken off your plans.", "success")
    return redirect(url_for("groups.meeting", meeting_id=meeting.id))


def meetings_card(user) -> dict:
    """The dashboard card: the next meetings the person plans to attend."""
    now = clock.now()
    return {
        "template": "groups/_dashboard_card.html",
        "plans": attendance.plans_of(user.id, now),
        "zone": ZoneInfo(user.timezone),
        "now": now,
    }
