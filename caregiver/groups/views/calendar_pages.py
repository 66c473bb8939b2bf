"""iCalendar downloads: one meeting's series, and a person's private feed."""

from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from caregiver.forms import ActionForm
from caregiver.groups import calendar_feed, ical
from caregiver.groups.access import meeting_or_404
from caregiver.groups.changes import changes_for
from caregiver.groups.models import Meeting
from caregiver.groups.services import slugify
from caregiver.groups.views.blueprint import bp
from caregiver.i18n import gettext
from caregiver.mail import absolute_url


def _page_url(meeting: Meeting) -> str:
    return absolute_url("groups.meeting", meeting_id=meeting.id)


def _host() -> str:
    # Event UIDs name the site they come from, so two sites' meetings never collide.
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def _ics(calendar, filename: str) -> Response:
    response = Response(calendar.to_ical(), content_type=ical.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # Calendar apps poll: a few minutes of private caching spares the server, and no shared
    # cache keeps a copy. (A signed-in browser still gets the app's no-store on top.)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    changes = changes_for([meeting.id]).get(meeting.id, {})
    show_link = meeting.link_public or current_user.is_authenticated
    calendar = ical.meeting_calendar(meeting, changes, show_link, _page_url, _host())
    return _ics(calendar, f"{slugify(meeting.name)}.ics")


@bp.get("/calendar/<token>.ics")
def subscribed_calendar(token: str):
    user_id = calendar_feed.feed_owner(token)
    if user_id is None:
        abort(404)
    meetings = calendar_feed.feed_meetings(user_id)
    changes = changes_for([meeting.id for meeting in meetings])
    return _ics(ical.feed_calendar(meetings, changes, _page_url, _host()), "caregiver-meetings.ics")


@bp.get("/calendar/")
@login_required
def calendar_settings():
    token = calendar_feed.feed_token(current_user.id)
    feed_url = absolute_url("groups.subscribed_calendar", token=token) if token else None
    return render_template(
        "groups/calendar.html",
        feed_url=feed_url,
        webcal_url="webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        meeting_count=len(calendar_feed.feed_meetings(current_user.id)),
        form=ActionForm(),
    )


@bp.post("/calendar/new")
@login_required
def new_calendar_link():
    if ActionForm().validate_on_submit():
        had_one = calendar_feed.feed_token(current_user.id) is not None
        calendar_feed.new_feed(current_user.id)
        if had_one:
            flash(
                gettext("Here is your new calendar link. The old one no longer works."), "success"
            )
        else:
            flash(gettext("Your calendar link is ready."), "success")
    return redirect(url_for("groups.calendar_settings"))


@bp.post("/calendar/revoke")
@login_required
def revoke_calendar_link():
    if ActionForm().validate_on_submit():
        calendar_feed.revoke_feed(current_user.id)
        flash(
            gettext("Your calendar link is turned off. Calendars using it will stop updating."),
            "success",
        )
    return redirect(url_for("groups.calendar_settings"))
