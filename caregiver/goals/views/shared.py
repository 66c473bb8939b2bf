"""What the goal and boundary pages share: the today list's check-ins, archiving, deleting."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from caregiver import encouragement
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.goals import boundaries, forms, progress, services, tallies
from caregiver.goals.models import BoundaryCheckin, GoalCheckin
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.refused_forms import token_refused

PAGE_WAS_OPEN = _l(
    "This page was open for a long time, so this wasn't saved yet. Please press again."
)


def parse_day(raw: str | None, today: date) -> tuple[date, str | None]:
    """The day a today list is for (``?day=``), and a message when the one asked for won't do."""
    if not raw:
        return today, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return today, gettext("That date wasn't clear, so here is today.")
    if day > today:
        return today, gettext(
            "You can't check in for a day that hasn't come yet, so here is today."
        )
    return day, None


def is_fetch() -> bool:
    """The page's script sent this and wants just the card back."""
    return request.headers.get("X-Requested-With") == "fetch"


def today_context(day: date, today: date) -> dict:
    """Everything the today list shows: goals with their progress, boundaries, the day's taps."""
    uid = current_user.id
    return {
        "day": day,
        "today": today,
        "goals": progress.goal_progress(uid, today, archived=False, reach=tallies.THIS_WEEK),
        "goal_checkins": services.day_checkins(GoalCheckin, uid, day),
        "boundaries": boundaries.boundaries_of(uid),
        "boundary_checkins": services.day_checkins(BoundaryCheckin, uid, day),
    }


def handle_checkin(kind: str, row, record, build_card, messages: dict, cheers: dict):
    """The one check-in flow of goals and boundaries: check, record, answer the tap.

    A script's tap gets the card back (with the problem, if any); a plain form post gets a
    redirect to the today list, or the list again with the problem on that card. A value in
    ``cheers`` (value -> warm lines) is answered with its message and one of those lines.
    """
    form = forms.CheckinForm()
    current = services.today(current_user)
    day = form.day.data if form.day.data and form.day.data <= current else current
    problem = None
    try:
        if not form.validate():
            raise FieldError("day", first_error(form))
        record(row, form.day.data, form.value.data, form.note.data, current)
    except FieldError as error:
        problem = {"kind": kind, "id": row.id, "message": error.message, "note": form.note.data}
        problem["archived"] = row.archived_at is not None  # no card for it on the today list
    message = str(messages.get(form.value.data) or gettext("Saved."))
    cheer = None
    if not problem and form.value.data in cheers:
        line = encouragement.pick(cheers[form.value.data], row.id + day.toordinal())
        cheer = f"{message} {line}"
    if is_fetch():
        card = build_card(row, day, current)
        return render_template(f"goals/_{kind}_card.html", problem=problem, cheer=cheer, **card), (
            400 if problem else 200
        )
    if problem:
        return render_template(
            "goals/today.html", problem=problem, **today_context(day, current)
        ), 400
    flash(cheer or message, encouragement.CELEBRATE if cheer else "success")
    return redirect(today_url(day, current, f"{kind}-{row.id}"))


def saved(form, save):
    """Run a service on a checked form: its result, or None with the FieldError on its field."""
    try:
        return save() or True
    except FieldError as error:
        show_field_error(form, error)
        return None


def before_arg() -> date | None:
    """The ``?before=`` day of a history page; a bad one starts from the newest."""
    try:
        return date.fromisoformat(request.args.get("before", ""))
    except ValueError:
        return None


def first_error(form) -> str:
    if token_refused():  # the library's words about tokens would mean nothing to a person
        return str(PAGE_WAS_OPEN)
    return next(iter(error for errors in form.errors.values() for error in errors))


def today_url(day: date | None, current: date, anchor: str) -> str:
    if day is None or day == current:
        return url_for("goals.today", _anchor=anchor)
    return url_for("goals.today", day=day.isoformat(), _anchor=anchor)


# Whole sentences for each kind of item, so each language can say them its own way.
NOUNS = {"goal": _l("goal"), "boundary": _l("boundary")}
ARCHIVE_MESSAGES = {
    ("goal", "archive"): _l("Goal archived. Its history is kept; restore it any time."),
    ("goal", "restore"): _l("Goal restored to your today list."),
    ("boundary", "archive"): _l("Boundary archived. Its history is kept; restore it any time."),
    ("boundary", "restore"): _l("Boundary restored to your today list."),
}
DELETED_MESSAGES = {
    "goal": _l("Goal deleted, with its check-ins."),
    "boundary": _l("Boundary deleted, with its check-ins."),
}


def toggle_archived(noun: str, action: str, change, show_url: str):
    """Archive or restore a goal or boundary once the button's CSRF token checks out."""
    if not ActionForm().validate_on_submit():
        abort(400)
    change()
    flash(str(ARCHIVE_MESSAGES[noun, action]), "success")
    return redirect(show_url)


def confirm_delete(noun: str, text: str, remove, archived: bool, pages: tuple, **ids):
    """Ask before deleting a goal or boundary (GET), then delete it and its check-ins (POST).

    ``pages`` names the endpoints of the list to go to after, the item's own page and its
    archive button; ``ids`` fill the last two. An item not yet archived is offered that instead.
    """
    after, show, archive = pages
    archive_url = None if archived else url_for(archive, action="archive", **ids)
    form = ActionForm()
    if form.validate_on_submit():
        remove()
        flash(str(DELETED_MESSAGES[noun]), "success")
        return redirect(url_for(after))
    instead = gettext(
        "If you just want it off your today list, archive it instead: its history stays."
    )
    return render_template(
        "confirm_delete.html",
        form=form,
        noun=NOUNS[noun],
        text=text,
        consequence=gettext("Its check-ins and notes are deleted with it."),
        alternative=instead if archive_url else "",
        back=url_for(show, **ids),
        archive_url=archive_url,
    )
