"""Boundary pages: write one (from an example if wanted), read, edit, archive, check in."""

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver import encouragement
from caregiver.forms import ActionForm
from caregiver.goals import boundaries, forms, services
from caregiver.goals.models import Boundary, BoundaryCheckin
from caregiver.goals.views.blueprint import bp
from caregiver.goals.views.shared import (
    before_arg,
    confirm_delete,
    handle_checkin,
    saved,
    toggle_archived,
)
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.security import get_own_or_404

OUTCOME_MESSAGES = {
    "held": _l("Held."),
    "tested": _l("Tested, and you kept it."),
    "crossed": _l("Marked as crossed. Tomorrow is a fresh start."),
    "clear": _l("Cleared."),
}
CHEERS = {"held": encouragement.BOUNDARY, "tested": encouragement.BOUNDARY}


@bp.route("/boundaries/")
@login_required
def boundary_list():
    return render_template(
        "goals/boundaries.html",
        active=boundaries.boundaries_of(current_user.id),
        archived=boundaries.boundaries_of(current_user.id, archived=True),
        examples=services.examples()["boundaries"].values(),
    )


@bp.route("/boundaries/new", methods=["GET", "POST"])
@login_required
def new_boundary():
    form = forms.BoundaryForm()
    example = services.examples()["boundaries"].get(request.args.get("example", ""))
    if request.method == "GET" and example:
        form.fill_from(example)
    save = partial(boundaries.create_boundary, current_user, form.boundary_data())
    if form.validate_on_submit() and (boundary := saved(form, save)):
        flash(gettext("Boundary saved. Check in on it from your today list."), "success")
        return redirect(url_for("goals.boundary", boundary_id=boundary.id))
    status = 400 if form.errors else 200
    return render_template(
        "goals/boundary_edit.html",
        form=form,
        boundary=None,
        example=example,
        examples=services.examples()["boundaries"].values(),
    ), status


@bp.route("/boundaries/<int:boundary_id>")
@login_required
def boundary(boundary_id):
    row = get_own_or_404(Boundary, boundary_id)
    history, older = services.recent_checkins(BoundaryCheckin, row.id, before_arg())
    return render_template(
        "goals/boundary.html",
        boundary=boundaries.open_boundary(row),
        history=history,
        older=older,
        labels=boundaries.OUTCOME_LABELS,
        form=ActionForm(),
    )


@bp.route("/boundaries/<int:boundary_id>/edit", methods=["GET", "POST"])
@login_required
def edit_boundary(boundary_id):
    row = get_own_or_404(Boundary, boundary_id)
    boundary = boundaries.open_boundary(row)
    form = forms.BoundaryForm()
    if request.method == "GET":
        form.fill_from(vars(boundary))
    elif form.validate_on_submit() and saved(
        form, partial(boundaries.update_boundary, row, form.boundary_data())
    ):
        flash(gettext("Boundary saved."), "success")
        return redirect(url_for("goals.boundary", boundary_id=boundary_id))
    status = 400 if form.errors else 200
    return render_template(
        "goals/boundary_edit.html", form=form, boundary=boundary, example=None, examples=()
    ), status


@bp.route("/boundaries/<int:boundary_id>/<any(archive, restore):action>", methods=["POST"])
@login_required
def archive_boundary(boundary_id, action):
    row = get_own_or_404(Boundary, boundary_id)
    change = partial(boundaries.set_archived, row, action == "archive")
    show = url_for("goals.boundary", boundary_id=boundary_id)
    return toggle_archived("boundary", action, change, show)


@bp.route("/boundaries/<int:boundary_id>/delete", methods=["GET", "POST"])
@login_required
def delete_boundary(boundary_id):
    row = get_own_or_404(Boundary, boundary_id)
    boundary = boundaries.open_boundary(row)
    remove = partial(boundaries.delete_boundary, row)
    pages = ("goals.boundary_list", "goals.boundary", "goals.archive_boundary")
    return confirm_delete(
        "boundary", boundary.statement, remove, boundary.archived, pages, boundary_id=boundary_id
    )


@bp.route("/boundaries/<int:boundary_id>/check-in", methods=["POST"])
@login_required
def boundary_check_in(boundary_id):
    row = get_own_or_404(Boundary, boundary_id)
    record = boundaries.check_in_boundary
    return handle_checkin("boundary", row, record, boundary_card, OUTCOME_MESSAGES, CHEERS)


def boundary_card(row: Boundary, day, current) -> dict:
    """What one boundary's card on the today list needs, after a tap."""
    checkin = services.checkin_for(BoundaryCheckin, row.id, day)
    boundary = boundaries.open_boundary(row)
    return {"boundary": boundary, "day": day, "today": current, "checkin": checkin}
