"""Finding meetings: the upcoming list, a meeting's page, "I'll come"."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver import clock, timezones
from caregiver.errors import FieldError
from caregiver.forms import ActionForm
from caregiver.groups import attendance, finder, recurrence, services
from caregiver.groups.access import meeting_or_404
from caregiver.groups.changes import changes_for
from caregiver.groups.forms import AttendForm, FinderForm
from caregiver.groups.models import LANGUAGES
from caregiver.groups.views.blueprint import bp
from caregiver.groups.words import and_list
from caregiver.i18n import format_when, gettext

NEXT_COUNT = 5
# A visitor's timezone, as their browser reported it or as they picked it: read by every
# meeting page so times agree from page to page. It says nothing about who they are.
ZONE_COOKIE = "caregiver_zone"
ZONE_COOKIE_AGE = 400 * 24 * 3600


def viewer_zone_name(chosen: str | None = None) -> str:
    """The timezone times are shown in: the person's own; for a visitor the one they picked,
    the one their browser reported, or the default."""
    if current_user.is_authenticated:
        return current_user.timezone
    return (
        timezones.known(chosen or request.args.get("tz"))
        or timezones.known(request.cookies.get(ZONE_COOKIE))
        or current_app.config["DEFAULT_TIMEZONE"]
    )


def zone_is_a_guess() -> bool:
    """Whether a visitor's times are in the default zone only because nothing told us theirs:
    the page's script then asks the browser, in the background."""
    return not (
        current_user.is_authenticated
        or timezones.known(request.args.get("tz"))
        or timezones.known(request.cookies.get(ZONE_COOKIE))
    )


@bp.route("/meetings/")
def find_meetings():
    form = FinderForm(request.args)
    form.validate()
    chosen = None if form.tz.errors else form.tz.data
    zone_name = viewer_zone_name(chosen)
    if not form.tz.errors:
        form.tz.data = zone_name
    zone = ZoneInfo(zone_name)
    now = clock.now()
    filters = form.filters() if not form.q.errors else finder.Filters()
    found = finder.upcoming(filters, zone, now)
    shown, page, pages = finder.page_of(found, request.args.get("page", 1, type=int))
    # Worked out on every page, so a page costs the same statements; shown after the last.
    later = finder.later(filters, zone, now, {occurrence.meeting_id for occurrence in found})
    meeting_ids = {occurrence.meeting_id for occurrence in shown}
    mine = (
        attendance.my_attendance(current_user.id, meeting_ids)
        if current_user.is_authenticated
        else set()
    )
    html = render_template(
        "groups/meetings.html",
        form=form,
        filters=filters,
        listings=finder.listings(shown, zone),
        later=finder.listings(later, zone) if page == pages else [],
        now=now,
        total=len(found),
        page=page,
        pages=pages,
        args={key: value for key, value in request.args.items() if key != "page" and value},
        mine=mine,
        zone_name=zone_name,
        zone_guessed=zone_is_a_guess(),
        today=now.astimezone(zone).date(),
        day_label=finder.day_label,
    )
    return remember_zone(make_response(html), chosen)


def remember_zone(response, chosen: str | None):
    """Keep the zone a visitor picked, so the meeting pages they open next agree."""
    if chosen and not current_user.is_authenticated:
        response.set_cookie(
            ZONE_COOKIE, chosen, max_age=ZONE_COOKIE_AGE, samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )  # fmt: skip
    return response


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    meeting = meeting_or_404(meeting_id)
    now = clock.now()
    changes = changes_for([meeting.id]).get(meeting.id, {})
    rule = recurrence.Rule.of(meeting)
    upcoming = recurrence.next_occurrences(
        meeting.id, rule, changes, now, NEXT_COUNT, under_way=True
    )  # the same dates attendance.next_dates gives the form's answer
    soon = recurrence.occurrences(meeting.id, rule, changes, now, now + timedelta(days=42))
    signed_in = current_user.is_authenticated
    runs_it = services.facilitates(current_user, meeting.group_id)
    days = [o.on_day for o in upcoming]
    people = attendance.attendees([meeting.id], min(days), max(days)) if days and runs_it else {}
    plans = attendance.my_plans(current_user.id, meeting.id) if signed_in else {}
    return render_template(
        "groups/meeting.html",
        meeting=meeting,
        group=meeting.group,
        rule_text=recurrence.describe(rule),
        upcoming=upcoming,
        open_days=attendance.open_days(upcoming, now) if signed_in else [],
        notices=[o for o in soon if o.status != "scheduled"],
        plans=plans,
        following=attendance.following(current_user, meeting.group_id),
        runs_it=runs_it,
        people=people,
        show_link=meeting.link_public or signed_in,
        attend_form=AttendForm(share_name=any(plans.values())),
        action_form=ActionForm(),
        zone=ZoneInfo(viewer_zone_name()),
        zone_guessed=zone_is_a_guess(),
        languages=LANGUAGES,
        now=now,
    )


@bp.post("/meetings/<int:meeting_id>/attend")
@login_required
def attend(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = AttendForm()
    if not form.validate():
        flash(gettext("Those dates could not be read. Try again."), "error")
        return redirect(url_for("groups.meeting", meeting_id=meeting.id))
    now = clock.now()
    offered = attendance.open_days(attendance.next_dates(meeting, now, NEXT_COUNT), now)
    try:
        added, taken_back = attendance.set_plans(
            current_user, meeting, form.on_day.data, offered, form.share_name.data, now
        )
    except FieldError as error:
        flash(error.message, "error")
    else:
        category = "success" if added or taken_back else "info"
        flash(plans_message(added, taken_back, bool(form.on_day.data)), category)
    return redirect(url_for("groups.meeting", meeting_id=meeting.id))


def plans_message(added, taken_back, any_chosen: bool) -> str:
    """What changed, in a line: the dates added and the ones taken back."""
    parts = []
    if added:
        parts.append(gettext("Noted: you plan to come on %(days)s.", days=_days(added)))
    if taken_back:
        parts.append(gettext("Taken off your plans: %(days)s.", days=_days(taken_back)))
    if not parts:
        parts.append(
            gettext("Your plans are saved.")
            if any_chosen
            else gettext("Tick the dates you plan to come to.")
        )
    return " ".join(parts)


def _days(days) -> str:
    names = [format_when(day, "day") for day in days]
    return and_list(names)


def meetings_card(user) -> dict:
    """The dashboard card: the next meetings the person plans to attend."""
    now = clock.now()
    return {
        "template": "groups/_dashboard_card.html",
        "plans": attendance.plans_of(user.id, now),
        "zone": ZoneInfo(user.timezone),
        "now": now,
    }
