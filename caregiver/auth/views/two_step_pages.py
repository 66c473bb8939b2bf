"""Two-step sign-in: setting up an authenticator app, recovery codes and turning it off
(/account/two-step), and the code asked for after the password (/auth/login/code)."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from caregiver.auth import forms, half_signed_in, two_step
from caregiver.auth.sign_in import AUTH_LIMIT, sign_in
from caregiver.auth.views.blueprint import bp
from caregiver.errors import FieldError
from caregiver.extensions import limiter
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext
from caregiver.security import recent_proof_required

# New recovery codes wait here, in this person's own session and nowhere else in the clear,
# until they say they have saved them.
NEW_CODES = "new_recovery_codes"
# Per account as well as per address: guessing codes from many addresses gets no further.
CODE_LIMIT = "5 per minute;30 per hour"


def _account_of_half_signed_in() -> str:
    state = session.get(half_signed_in.KEY)
    if isinstance(state, dict) and state.get("uid"):
        return f"half-signed-in:{state['uid']}"
    return get_remote_address()


@bp.route("/account/two-step")
@recent_proof_required
def two_step_settings():
    row = two_step.settings(current_user.id)
    on = row is not None and row.enabled_at is not None
    return render_template(
        "auth/two_step.html",
        row=row if on else None,
        codes_left=two_step.recovery_codes_left(current_user.id) if on else 0,
        total=two_step.RECOVERY_CODE_COUNT,
        form=ActionForm(),
    )


@bp.route("/account/two-step/start", methods=["POST"])
@recent_proof_required
def start_two_step():
    if ActionForm().validate_on_submit():
        try:
            two_step.start(current_user)
        except two_step.TwoStepError as error:
            flash(str(error), "info")
            return redirect(url_for("auth.two_step_settings"))
    return redirect(url_for("auth.two_step_setup"))


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@recent_proof_required
def two_step_setup():
    setup = two_step.setup_details(current_user)
    if setup is None:
        return redirect(url_for("auth.two_step_settings"))
    form = forms.AppCodeForm()
    if form.validate_on_submit():
        try:
            session[NEW_CODES] = two_step.confirm(current_user, form.code.data)
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(gettext("Two-step sign-in is on."), "success")
            return redirect(url_for("auth.recovery_codes"))
    page = render_template("auth/two_step_setup.html", setup=setup, form=form)
    return page, 400 if form.errors else 200


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
@login_required
def recovery_codes():
    codes = session.get(NEW_CODES)
    form = ActionForm()
    if not codes:
        return redirect(url_for("auth.two_step_settings"))
    if form.validate_on_submit():
        session.pop(NEW_CODES, None)
        flash(gettext("Thank you. Keep your recovery codes somewhere safe."), "success")
        return redirect(url_for("auth.two_step_settings"))
    return render_template("auth/recovery_codes.html", codes=codes, form=form)


@bp.route("/account/two-step/recovery-codes.txt")
@login_required
def recovery_codes_file():
    codes = session.get(NEW_CODES) or abort(404)
    text = _codes_file(current_user.email, codes)
    response = current_app.response_class(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@bp.route("/account/two-step/new-codes", methods=["GET", "POST"])
@login_required
def new_recovery_codes():
    return _with_password("new-codes", two_step.new_recovery_codes, "auth.recovery_codes")


@bp.route("/account/two-step/off", methods=["GET", "POST"])
@login_required
def turn_off_two_step():
    return _with_password("off", two_step.turn_off, "auth.two_step_settings")


def _with_password(kind: str, action, then: str):
    """A change that asks for the password first: new recovery codes, or turning it off."""
    form = forms.PasswordCheckForm()
    if form.validate_on_submit():
        try:
            codes = action(current_user._get_current_object(), form.password.data)
        except FieldError as error:
            show_field_error(form, error)
        except two_step.TwoStepError as error:
            flash(str(error), "info")
            return redirect(url_for("auth.two_step_settings"))
        else:
            if codes is None:
                flash(
                    gettext("Two-step sign-in is off. Your password alone logs you in."), "success"
                )
            else:
                session[NEW_CODES] = codes
                flash(
                    gettext("Here are your new recovery codes. The old ones no longer work."),
                    "success",
                )
            return redirect(url_for(then))
    page = render_template("auth/two_step_password.html", kind=kind, form=form)
    return page, 400 if form.errors else 200


@bp.route("/auth/login/code", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"], key_func=_account_of_half_signed_in)
def login_code():
    pending = half_signed_in.current()
    if pending is None:
        flash(
            gettext("Please log in again. For your safety, the code step lasts 5 minutes."), "info"
        )
        return redirect(url_for("auth.login"))
    app_form, recovery_form = forms.AppCodeForm(), forms.RecoveryCodeForm()
    form, field = (
        (recovery_form, "recovery_code") if "recovery_code" in request.form else (app_form, "code")
    )
    if form.validate_on_submit():
        try:
            kind = two_step.check_code(pending.user.id, form[field].data)
        except FieldError as error:
            show_field_error(form, FieldError(field, error.message))
        else:
            sign_in(pending.user, remember=pending.remember)
            if kind == "recovery":
                _recovery_code_used(pending.user.id)
            return redirect(pending.next_url or url_for("main.dashboard"))
    page = render_template(
        "auth/login_code.html", app_form=app_form, recovery_form=recovery_form, chosen=field
    )
    return page, 400 if form.errors else 200


def _recovery_code_used(user_id: int) -> None:
    left = two_step.recovery_codes_left(user_id)
    flash(
        gettext(
            "You logged in with a recovery code. It won't work again; you have %(left)d left. "
            "You can make new ones from your account.",
            left=left,
        ),
        "info",
    )


def _codes_file(email: str, codes: list[str]) -> str:
    """The recovery codes as a text file to keep, in the person's language."""
    lines = [
        gettext("Recovery codes for Caregiver (%(email)s)", email=email),
        "",
        gettext("Each code lets you log in once instead of a code from your authenticator app."),
        gettext("Keep them somewhere safe, away from your phone."),
        "",
        *codes,
        "",
    ]
    return "\n".join(lines)
