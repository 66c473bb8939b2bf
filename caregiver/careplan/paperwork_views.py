"""Insurance and paperwork: plan details, the calls log and the documents checklist."""

from operator import attrgetter

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from caregiver.careplan import forms, pages, services
from caregiver.careplan.models import InsuranceCall, PaperworkDocument
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.security import get_own_or_404

bp = Blueprint("careplan_paperwork", __name__, url_prefix="/careplan/insurance")


def _page(document_form=None, status=200):
    return render_template(
        "careplan/paperwork.html",
        plan=services.plan_of(current_user.id),
        calls=services.items(InsuranceCall, current_user.id),
        documents=services.items(PaperworkDocument, current_user.id),
        document_form=document_form or forms.DocumentForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/")
@login_required
def index():
    return _page()


@bp.route("/plan", methods=["GET", "POST"])
@login_required
def plan():
    form = forms.PlanForm(data=vars(services.plan_of(current_user.id)))
    if form.validate_on_submit():
        try:
            services.save_plan(current_user, form.values())
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash("Insurance details saved.", "success")
            return redirect(url_for("careplan_paperwork.index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "careplan/form.html",
        form=form,
        title="Insurance details",
        back=url_for("careplan_paperwork.index"),
    ), status


def _next_step_from_call(values: dict) -> None:
    # A call's next step becomes the one on the home page.
    if (values.get("next_step") or "").strip():
        services.set_next_step(current_user, values["next_step"], None)


@bp.route("/documents", methods=["POST"])
@login_required
def add_document():
    form = forms.DocumentForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    services.create(PaperworkDocument, current_user, form.values(), services.today(current_user))
    flash("Document added.", "success")
    return redirect(url_for("careplan_paperwork.index", _anchor="documents"))


@bp.route("/documents/suggested", methods=["POST"])
@login_required
def add_suggested():
    if not ActionForm().validate_on_submit():
        abort(400)
    added = services.add_suggested_documents(current_user)
    flash(f"{added} document{'s' if added != 1 else ''} added.", "success")
    return redirect(url_for("careplan_paperwork.index", _anchor="documents"))


@bp.route("/documents/<int:document_id>/toggle", methods=["POST"])
@login_required
def toggle_document(document_id):
    row = get_own_or_404(PaperworkDocument, document_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.toggle_document(row)
    return redirect(url_for("careplan_paperwork.index", _anchor=f"document-{document_id}"))


@bp.route("/calls/new", methods=["GET", "POST"])
@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def edit_call(call_id=None):
    return pages.edit_page(
        InsuranceCall, forms.CallForm, call_id, noun="call", then=_next_step_from_call
    )


@bp.route("/calls/<int:call_id>/delete", methods=["GET", "POST"])
@login_required
def delete_call(call_id):
    return pages.delete_page(InsuranceCall, call_id, noun="call", describe=attrgetter("who"))


@bp.route("/documents/<int:document_id>/delete", methods=["GET", "POST"])
@login_required
def delete_document(document_id):
    return pages.delete_page(
        PaperworkDocument, document_id, noun="document", describe=attrgetter("name")
    )
