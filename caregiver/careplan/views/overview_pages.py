"""The care plan's front page, the next step, the printable summary, export and import."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from caregiver.careplan import forms, journey, rules, services, transfer
from caregiver.careplan.models import LISTS, CareContact, InsuranceCall, Program
from caregiver.careplan.views.blueprint import bp
from caregiver.forms import ActionForm, accepts_upload
from caregiver.i18n import gettext
from caregiver.security import recent_proof_required
from caregiver.transfer import ImportReport, NotAnExport

IMPORT_MAX_BYTES = 5 * 1024 * 1024


@bp.app_context_processor
def careplan_labels():
    return {"plan_rules": rules}


@bp.route("/careplan/")
@login_required
def index():
    events = journey.timeline(current_user.id)
    return render_template(
        "careplan/index.html",
        plan=services.plan_of(current_user.id),
        events=events[:3],
        counter=journey.counter(current_user.id, services.today(current_user), events),
        counts={
            "programs": services.count(Program, current_user.id),
            "contacts": services.count(CareContact, current_user.id),
            "calls": services.count(InsuranceCall, current_user.id),
        },
        form=ActionForm(),
    )


@bp.route("/careplan/next-step", methods=["GET", "POST"])
@login_required
def next_step():
    form = forms.NextStepForm(data=vars(services.plan_of(current_user.id)))
    if form.validate_on_submit():
        services.set_next_step(current_user, form.next_step.data, form.next_step_due.data)
        flash(gettext("Next step saved. It shows on your home page."), "success")
        return redirect(url_for("main.dashboard"))
    status = 400 if form.errors else 200
    return render_template(
        "careplan/form.html",
        form=form,
        title=gettext("Next step"),
        button=gettext("Save next step"),
        intro=gettext(
            "The one next thing to do for their care. It shows on your home page until you "
            "mark it done."
        ),
        back=url_for("careplan.index"),
    ), status


@bp.route("/careplan/next-step/done", methods=["POST"])
@login_required
def next_step_done():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_next_step(current_user, "", None)
    flash(gettext("Marked done. Well handled."), "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/careplan/summary")
@login_required
def summary():
    notes = request.args.get("notes") != "off"
    today = services.today(current_user)
    context = journey.summary(current_user.id)
    return render_template("careplan/summary.html", notes=notes, today=today, **context)


@bp.route("/careplan/export", methods=["GET", "POST"])
@recent_proof_required
def export():
    form = ActionForm()
    if form.validate_on_submit():
        return send_file(
            io.BytesIO(transfer.export_json(current_user)),
            mimetype="application/json",
            as_attachment=True,
            download_name=f"caregiver-careplan-{services.today(current_user).isoformat()}.json",
        )
    count = sum(services.count(model, current_user.id) for model in LISTS)
    return render_template("careplan/export.html", form=form, count=count)


@bp.route("/careplan/import", methods=["GET", "POST"])
@accepts_upload(IMPORT_MAX_BYTES)
@login_required
def import_plan():
    form = forms.ImportForm()
    report = _imported(form) if form.validate_on_submit() else None
    if report is not None:
        return render_template("careplan/imported.html", report=report)
    return render_template("careplan/import.html", form=form), 400 if form.errors else 200


def _imported(form) -> ImportReport | None:
    """Import the uploaded file, or None with the reason on the file field."""
    try:
        data = transfer.read_upload(form.file.data.read())
    except NotAnExport as error:
        form.file.errors.append(str(error))
        return None
    return transfer.import_data(current_user, data)


def next_step_card(user) -> dict:
    """The dashboard card: the next step the person wrote down for the care plan."""
    plan = services.plan_of(user.id)
    return {"template": "careplan/_dashboard_card.html", "plan": plan, "form": ActionForm()}
