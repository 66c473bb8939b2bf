"""Self-care goal pages, and the today list where goals and boundaries are checked in."""

from datetime import date
from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver import encouragement
from caregiver.forms import ActionForm
from caregiver.goals import forms, progress, services
from caregiver.goals.models import Goal, GoalCheckin
from caregiver.goals.views.blueprint import bp
from caregiver.goals.views.shared import (
    before_arg,
    confirm_delete,
    handle_checkin,
    parse_day,
    saved,
    today_context,
    toggle_archived,
)
from caregiver.i18n import gettext, once_per_language
from caregiver.i18n import lazy_gettext as _l
from caregiver.security import get_own_or_404

STATUS_MESSAGES = {
    "done": _l("Done."),
    "skip": _l("Marked as a skip day."),
    "clear": _l("Cleared."),
}
CHEERS = {"done": encouragement.CHECK_IN}


@bp.route("/goals/")
@login_required
def today():
    current = services.today(current_user)
    day, message = parse_day(request.args.get("day"), current)
    if message:
        flash(message, "info")
    return render_template("goals/today.html", problem=None, **today_context(day, current))


@bp.route("/goals/<int:goal_id>/check-in", methods=["POST"])
@login_required
def check_in(goal_id):
    row = get_own_or_404(Goal, goal_id)
    return handle_checkin("goal", row, services.check_in_goal, goal_card, STATUS_MESSAGES, CHEERS)


def goal_card(row: Goal, day: date, current: date) -> dict:
    """What one goal's card on the today list needs, after a tap."""
    item = progress.one_goal_progress(row, current)
    checkin = services.checkin_for(GoalCheckin, row.id, day)
    return {"item": item, "day": day, "today": current, "checkin": checkin}


@bp.route("/goals/manage")
@login_required
def manage():
    return render_template(
        "goals/manage.html",
        active=services.goals_of(current_user.id),
        archived=services.goals_of(current_user.id, archived=True),
        form=ActionForm(),
    )


@bp.route("/goals/new", methods=["GET", "POST"])
@login_required
def new():
    form = forms.GoalForm()
    if form.validate_on_submit() and (
        goal := saved(form, partial(services.create_goal, current_user, form.goal_data()))
    ):
        flash(gettext("Goal added. Check it in from your today list."), "success")
        return redirect(url_for("goals.today", _anchor=f"goal-{goal.id}"))
    suggestions = services.examples()["goals"].values()
    status = 400 if form.errors else 200
    return render_template(
        "goals/edit.html", form=form, goal=None, suggestions=suggestions, add_form=ActionForm()
    ), status


@bp.route("/goals/suggested/<key>", methods=["POST"])
@login_required
def add_suggested(key):
    if key not in services.examples()["goals"] or not ActionForm().validate_on_submit():
        abort(400)
    goal = services.add_suggested_goal(current_user, key)
    flash(gettext("Goal added. You can change its name or how often on its page."), "success")
    return redirect(url_for("goals.today", _anchor=f"goal-{goal.id}"))


@bp.route("/goals/<int:goal_id>")
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


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
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
        flash(gettext("Goal saved."), "success")
        return redirect(url_for("goals.show", goal_id=goal_id))
    status = 400 if form.errors else 200
    return render_template("goals/edit.html", form=form, goal=goal, suggestions=()), status


@bp.route("/goals/<int:goal_id>/<any(archive, restore):action>", methods=["POST"])
@login_required
def archive(goal_id, action):
    row = get_own_or_404(Goal, goal_id)
    if action == "archive":
        change = partial(services.archive_goal, row, services.today(current_user))
    else:
        change = partial(services.restore_goal, row)
    return toggle_archived("goal", action, change, url_for("goals.show", goal_id=goal_id))


@bp.route("/goals/<int:goal_id>/delete", methods=["GET", "POST"])
@login_required
def delete(goal_id):
    row = get_own_or_404(Goal, goal_id)
    goal = services.open_goal(row)
    remove = partial(services.delete_goal, row)
    pages = ("goals.manage", "goals.show", "goals.archive")
    archived = goal.archived_day is not None
    return confirm_delete("goal", goal.title, remove, archived, pages, goal_id=goal_id)


def goals_card(user) -> dict | None:
    """The dashboard card: how many of today's goals are done."""
    done, total = services.done_today(user.id, services.today(user))
    return {"template": "goals/_dashboard_card.html", "goal_count": total, "done": done}


@bp.app_template_filter("cadence")
def cadence(per_week: int) -> str:
    return services.cadence_label(per_week)


# The words every check-in card repeats: a today list of fifty cards looks them up once per
# language, not fifty times a page.
CHECK_CARD_WORDS = {
    "done": _l("Done"),
    "skip": _l("Skip day"),
    "skipped": _l("Skip day."),
    "note": _l("Note"),
    "add note": _l("Add a note"),
    "save note": _l("Save note"),
    "save and mark done": _l("Save note and mark done"),
    "just started": _l("Just started"),
    # Written with the card's numbers and title by the template: % after translation, as gettext
    # would, and the result escaped on output like any other text.
    "this week": _l("This week: %(done)s of %(target)s"),
    "strength": _l("Strength %(strength)s%%"),
    "note for": _l("Note for %(goal)s"),
    "how did it go": _l("How did it go?"),
    "held": _l("Held"),
    "tested": _l("Tested"),
    "crossed": _l("Crossed"),
    "boundary note": _l("Note about this boundary"),
    "choose to save": _l("Choose held, tested or crossed to save the note."),
    "marked held": _l("Marked held."),
    "marked tested": _l("Marked tested."),
    "marked crossed": _l("Marked crossed."),
}
bp.add_app_template_global(once_per_language(CHECK_CARD_WORDS), "check_card_words")
