"""The conversation planner: answers in, a short script in I-statements out."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from caregiver.auth.forms import LoginForm
from caregiver.auth.sign_in import AUTH_LIMIT, log_in_again
from caregiver.errors import FieldError
from caregiver.extensions import limiter
from caregiver.guidance import conversation_script, forms
from caregiver.guidance.views.blueprint import bp
from caregiver.i18n import current_language, gettext
from caregiver.journal import services as journal_services


@bp.after_request
def keep_out_of_cache(response):
    # The answers are personal even before anyone logs in (a shared family phone).
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(script_form=None, login_form=None, status=200, form=None):
    """The planner page: the answers form, or the script with the answers kept hidden."""
    form = form or forms.PlanForm(meta={"csrf": False})
    return render_template(
        "guidance/plan.html", form=form, script_form=script_form, login_form=login_form
    ), status


@bp.route("/guidance/plan-a-conversation", methods=["GET", "POST"])
def plan_conversation():
    form = forms.PlanForm()
    if request.form.get("step") == "answers":  # "Back to my answers" from the script
        return _page(form=form)
    if not form.validate_on_submit():
        return _page(form=form, status=400 if request.method == "POST" else 200)
    script = conversation_script.build_script(form.answers(), current_language())
    return _page(forms.ScriptForm(formdata=None, data={"script": script}), form=form)


@bp.route("/guidance/plan-a-conversation/save", methods=["POST"])
def save_plan():
    script_form = forms.ScriptForm()
    if not current_user.is_authenticated:
        # Logged out (or never logged in): keep the script on the page and offer to log in.
        return _page(script_form, LoginForm(formdata=None), 401)
    if not script_form.validate_on_submit():
        return _page(script_form, status=400)
    return _save(script_form)


@bp.route("/guidance/plan-a-conversation/resume", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def resume_plan():
    """Log in from the planner, then save the script that was kept on the page."""
    login_form = LoginForm()
    script_form = forms.ScriptForm(meta={"csrf": False})  # the log-in form checked the token
    if log_in_again(login_form) is None:
        return _page(script_form, login_form, 400)
    if not script_form.validate():
        return _page(script_form, status=400)
    return _save(script_form)


def _save(script_form):
    """Save the script as a new private journal entry and show it; on a rule, show the form."""
    data = conversation_script.journal_entry(script_form.script.data, current_user.timezone)
    try:
        entry = journal_services.create_entry(current_user, data)
    except FieldError as error:
        script_form.script.errors = [*script_form.script.errors, error.message]
        return _page(script_form, status=400)
    flash(gettext("Your plan is saved in your journal. Only you can read it."), "success")
    return redirect(url_for("journal.show", entry_id=entry.id))
