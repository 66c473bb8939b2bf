"""Insurance and paperwork: plan details, the calls log and the documents checklist."""

from functools import partial
from operator import attrgetter

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from caregiver.careplan import forms, services
from caregiver.careplan.models import InsuranceCall, PaperworkDocument
from caregiver.careplan.views import row_pages
from caregiver.careplan.views.blueprint import bp
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext, ngettext
from caregiver.security import get_own_or_404


def _page(document_form=None, status=200):
    return render_template(
        "careplan/paperwork.html",
        plan=services.plan_of(current_user.id),
        calls=services.items(InsuranceCall, current_user.id),
        documents=services.items(PaperworkDocument, current_user.id),
        document_form=document_form or forms.DocumentForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.route("/careplan/insurance/")
@login_required
def insurance():
    return _page()


@bp.route("/careplan/insurance/plan", methods=["GET", "POST"])
@login_required
def insurance_plan():
    form = forms.PlanForm(data=vars(services.plan_of(current_user.id)))
    if form.validate_on_submit():
        try:
            services.save_plan(current_user, form.values())
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(gettext("Insurance details saved."), "success")
            return redirect(url_for("careplan.insurance"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "careplan/form.html",
        form=form,
        title=gettext("Insurance details"),
        back=url_for("careplan.insurance"),
    ), status


@bp.route("/careplan/insurance/documents", methods=["POST"])
@login_required
def add_document():
    form = forms.DocumentForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        services.create(
            PaperworkDocument, current_user, form.values(), services.today(current_user)
        )
    except FieldError as error:
        show_field_error(form, error)
        return _page(form, 400)
    flash(gettext("Document added."), "success")
    return redirect(url_for("careplan.insurance", _anchor="documents"))


@bp.route("/careplan/insurance/documents/suggested", methods=["POST"])
@login_required
def add_suggested_documents():
    if not ActionForm().validate_on_submit():
        abort(400)
    added = services.add_suggested_documents(current_user)
    flash(ngettext("%(num)d document added.", "%(num)d documents added.", added), "success")
    return redirect(url_for("careplan.insurance", _anchor="documents"))


@bp.route("/careplan/insurance/documents/<int:document_id>/toggle", methods=["POST"])
@login_required
def toggle_document(document_id):
    row = get_own_or_404(PaperworkDocument, document_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.toggle_document(row)
    return redirect(url_for("careplan.insurance", _anchor=f"document-{document_id}"))


@bp.route("/careplan/insurance/calls/new", methods=["GET", "POST"])
@bp.route("/careplan/insurance/calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def edit_call(call_id=None):
    return row_pages.edit_page(
        InsuranceCall,
        forms.CallForm,
        call_id,
        noun="call",
        then=partial(services.carry_next_step, current_user),
    )


@bp.route("/careplan/insurance/calls/<int:call_id>/delete", methods=["GET", "POST"])
@login_required
def delete_call(call_id):
    return row_pages.delete_page(InsuranceCall, call_id, noun="call", describe=attrgetter("who"))


@bp.route("/careplan/insurance/documents/<int:document_id>/delete", methods=["GET", "POST"])
@login_required
def delete_document(document_id):
    return row_pages.delete_page(
        PaperworkDocument, document_id, noun="document", describe=attrgetter("name")
    )
