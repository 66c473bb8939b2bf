"""Options researched: programs and services the family is looking at, their checklists, and
two or three of them side by side."""

from operator import attrgetter

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver.careplan import forms, rules, services
from caregiver.careplan.models import Program
from caregiver.careplan.views import row_pages
from caregiver.careplan.views.blueprint import bp
from caregiver.i18n import gettext
from caregiver.security import get_own_or_404

COMPARE_MIN, COMPARE_MAX = 2, 3


@bp.route("/careplan/programs/new", methods=["GET", "POST"])
@bp.route("/careplan/programs/<int:program_id>/edit", methods=["GET", "POST"])
@login_required
def edit_program(program_id=None):
    return row_pages.edit_page(Program, forms.ProgramForm, program_id, noun="program")


@bp.route("/careplan/programs/<int:program_id>/delete", methods=["GET", "POST"])
@login_required
def delete_program(program_id):
    return row_pages.delete_page(Program, program_id, noun="program", describe=attrgetter("name"))


@bp.route("/careplan/programs/")
@login_required
def programs():
    programs = services.items(Program, current_user.id)
    return render_template("careplan/programs.html", programs=programs, problem=None)


@bp.route("/careplan/programs/<int:program_id>")
@login_required
def program(program_id):
    program = services.open_row(get_own_or_404(Program, program_id))
    form = forms.ChecklistForm(data={"questions": rules.ticked(program.checklist)})
    return render_template("careplan/program.html", program=program, form=form)


@bp.route("/careplan/programs/<int:program_id>/checklist", methods=["POST"])
@login_required
def program_checklist(program_id):
    row = get_own_or_404(Program, program_id)
    form = forms.ChecklistForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_checklist(row, form.questions.data or [])
    flash(gettext("Checklist saved."), "success")
    return redirect(url_for("careplan.program", program_id=program_id, _anchor="checklist"))


@bp.route("/careplan/programs/compare")
@login_required
def compare_programs():
    raw = request.args.getlist("ids")
    ids = list(dict.fromkeys(int(i) for i in raw if i.isdigit() and len(i) < 12))
    if not COMPARE_MIN <= len(ids) <= COMPARE_MAX or len(ids) != len(raw):
        problem = gettext("Tick two or three programs to compare them side by side.")
        programs = services.items(Program, current_user.id)
        return render_template("careplan/programs.html", programs=programs, problem=problem), 400
    rows = services.owned_rows(Program, current_user.id, ids)
    if len(rows) != len(ids):
        abort(404)
    programs = [services.open_row(row) for row in rows]
    return render_template("careplan/compare.html", programs=programs)
