"""Self-care goal pages, and the today list where goals and boundaries are checked in."""

from datetime import date
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.goals import boundaries, forms, progress, services
from caregiver.goals.models import BoundaryCheckin, Goal, GoalCheckin
from caregiver.security import get_own_or_404

bp = Blueprint("goals", __name__, url_prefix="/goals")
STATUS_MESSAGES = {"done": "Marked done.", "skip": "Marked as a skip day.", "clear": "Cleared."}


def parse_day(raw: str | None, today: date) -> tuple[date, str | None]:
    """The day a today list is for (``?day=``), and a message when the one asked for won't do."""
    if not raw:
        return today, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return today, "That date wasn't clear, so here is today."
    if day > today:
        return today, "You can't check in for a day that hasn't come yet, so here is today."
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
        "goals": progress.goal_progress(uid, today),
        "goal_checkins": services.day_checkins(GoalCheckin, uid, day),
        "boundaries": boundaries.boundaries_of(uid),
        "boundary_checkins": services.day_checkins(BoundaryCheckin, uid, day),
    }


def handle_checkin(kind: str, row, record, build_card, messages: dict):
    """The one check-in flow of goals and boundaries: check, record, answer the tap.

    A script's tap gets the card back (with the problem, if any); a plain form post gets a
    redirect to the today list, or the list again with the problem on that card.
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
    if is_fetch():
        card = build_card(row, day, current)
        return render_template(f"goals/_{kind}_card.html", problem=problem, **card), (
            400 if problem else 200
        )
    if problem:
        return render_template(
            "goals/today.html", problem=problem, **today_context(day, current)
        ), 400
    flash(messages.get(form.value.data, "Saved."), "success")
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
    return next(iter(error for errors in form.errors.values() for error in errors))


@bp.route("/")
@login_required
def today():
    current = services.today(current_user)
    day, message = parse_day(request.args.get("day"), current)
    if message:
        flash(message, "info")
    return render_template("goals/today.html", problem=None, **today_context(day, current))


@bp.route("/<int:goal_id>/check-in", methods=["POST"])
@login_required
def check_in(goal_id):
    row = get_own_or_404(Goal, goal_id)
    return handle_checkin("goal", row, services.check_in_goal, goal_card, STATUS_MESSAGES)


def goal_card(row: Goal, day: date, current: date) -> dict:
    """What one goal's card on the today list needs, after a tap."""
    item = progress.one_goal_progress(row, current)
    checkin = services.checkin_for(GoalCheckin, row.id, day)
    return {"item": item, "day": day, "today": current, "checkin": checkin}


def today_url(day: date | None, current: date, anchor: str) -> str:
    if day is None or day == current:
        return url_for("goals.today", _anchor=anchor)
    return url_for("goals.today", day=day.isoformat(), _anchor=anchor)


@bp.route("/manage")
@login_required
def manage():
    return render_template(
        "goals/manage.html",
        active=services.goals_of(current_user.id),
        archived=services.goals_of(current_user.id, archived=True),
        form=ActionForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = forms.GoalForm()
    if form.validate_on_submit() and (
        goal := saved(form, partial(services.create_goal, current_user, form.goal_data()))
    ):
        flash("Goal added. Check it in from your today list.", "success")
        return redirect(url_for("goals.today", _anchor=f"goal-{goal.id}"))
    suggestions = services.examples()["goals"].values()
    status = 400 if form.errors else 200
    return render_template(
        "goals/edit.html", form=form, goal=None, suggestions=suggestions, add_form=ActionForm()
    ), status


@bp.route("/suggested/<key>", methods=["POST"])
@login_required
def add_suggested(key):
    if key not in services.examples()["goals"] or not ActionForm().validate_on_submit():
        abort(400)
    goal = services.add_suggested_goal(current_user, key)
    flash("Goal added. You can change its name or how often on its page.", "success")
    return redirect(url_for("goals.today", _anchor=f"goal-{goal.id}"))


@bp.route("/<int:goal_id>")
@login_required
def show(goal_id):
    row = get_own_or_404(Goal, goal_id)
    history, older = services.recent_checkins(GoalCheckin, row.id, before_arg())
    return render_template(
        "goals/show.html",
        item=progress.one_goal_progress(row, services.today(current_user)),
        history=history,
        older=older,
        form=ActionForm(),
    )


@bp.route("/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(goal_id):
    row = get_own_or_404(Goal, goal_id)
    goal = services.open_goal(row)
    form = forms.GoalForm()
    if request.method == "GET":
        form.fill_from(goal)
    elif form.validate_on_submit() and saved(
        form, partial(services.update_goal, row, form.goal_data())
    ):
        flash("Goal saved.", "success")
        return redirect(url_for("goals.show", goal_id=goal_id))
    status = 400 if form.errors else 200
    return render_template("goals/edit.html", form=form, goal=goal, suggestions=()), status


@bp.route("/<int:goal_id>/<any(archive, restore):action>", methods=["POST"])
@login_required
def archive(goal_id, action):
    row = get_own_or_404(Goal, goal_id)
    if action == "archive":
        change = partial(services.archive_goal, row, services.today(current_user))
    else:
        change = partial(services.restore_goal, row)
    return toggle_archived("goal", action, change, url_for("goals.show", goal_id=goal_id))


@bp.route("/<int:goal_id>/delete", methods=["GET", "POST"])
@login_required
def delete(goal_id):
    row = get_own_or_404(Goal, goal_id)
    goal = services.open_goal(row)
    remove = partial(services.delete_goal, row)
    archived = goal.archived_day is not None
    return confirm_delete("goal", goal.title, remove, archived, "goals.manage", goal_id=goal_id)


def toggle_archived(noun: str, action: str, change, show_url: str):
    """Archive or restore a goal or boundary once the button's CSRF token checks out."""
    if not ActionForm().validate_on_submit():
        abort(400)
    change()
    if action == "archive":
        flash(f"{noun.capitalize()} archived. Its history is kept; restore it any time.", "success")
    else:
        flash(f"{noun.capitalize()} restored to your today list.", "success")
    return redirect(show_url)


def confirm_delete(noun: str, text: str, remove, archived: bool, after: str, **ids):
    """Ask before deleting a goal or boundary (GET), then delete it and its check-ins (POST).

    ``ids`` name the item for its blueprint's ``show`` and ``archive`` pages.
    """
    form = ActionForm()
    if form.validate_on_submit():
        remove()
        flash(f"{noun.capitalize()} deleted, with its check-ins.", "success")
        return redirect(url_for(after))
    archive_url = (
        None if archived else url_for(f"{request.blueprint}.archive", action="archive", **ids)
    )
    instead = "If you just want it off your today list, archive it instead: its history stays."
    return render_template(
        "confirm_delete.html",
        form=form,
        noun=noun,
        text=text,
        consequence="Its check-ins and notes are deleted with it.",
        alternative=instead if archive_url else "",
        back=url_for(f"{request.blueprint}.show", **ids),
        archive_url=archive_url,
    )


def goals_card(user) -> dict | None:
    """The dashboard card: how many of today's goals are done."""
    done, total = services.done_today(user.id, services.today(user))
    return {"template": "goals/_dashboard_card.html", "goal_count": total, "done": done}


@bp.app_template_filter("cadence")
def cadence(per_week: int) -> str:
    return services.cadence_label(per_week)
