"""Passkeys: the account's list (add, remove) and logging in with one (/auth/passkey).

The browser's part needs JavaScript (navigator.credentials); the pages say so without it. The
options come from a POST that keeps the challenge in the session; the answer is posted as an
ordinary form, so every outcome is a redirect with a message, as with the password form.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from caregiver.auth import forms, passkeys, security_log
from caregiver.auth.sign_in import AUTH_LIMIT, sign_in
from caregiver.auth.sign_in_models import Passkey
from caregiver.auth.views.blueprint import bp
from caregiver.errors import FieldError
from caregiver.extensions import limiter
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.security import get_own_or_404, recent_proof_required, safe_next

# Separate places in the session, so a log-in challenge can never answer for adding a passkey.
ADDING = "passkey_adding"
LOGGING_IN = "passkey_logging_in"
NO_PASSKEYS_HERE = _l(
    "This browser didn't send a passkey. Adding one needs a browser that supports passkeys, "
    "with JavaScript turned on."
)


def this_relying_party() -> passkeys.RelyingParty:
    return passkeys.relying_party(current_app.config["BASE_URL"])


def options_answer(make, state_key: str):
    """Options as JSON for the page's script; the challenge stays in this session."""
    try:
        options, state = make(this_relying_party())
    except passkeys.PasskeyError as error:
        return {"error": str(error)}, 503
    session[state_key] = state
    return current_app.response_class(options, mimetype="application/json")


def _list_page(form, status=200):
    rows = passkeys.passkeys_of(current_user.id)
    return render_template("auth/passkeys.html", rows=rows, form=form), status


@bp.route("/account/passkeys")
@recent_proof_required
def passkeys_page():
    # The suggested name is the person's own label from then on, so it is in their language.
    device = security_log.describe_device(request.headers.get("User-Agent", ""))
    return _list_page(forms.PasskeyAddForm(formdata=None, name=security_log.device_name(device)))


@bp.route("/account/passkeys/options", methods=["POST"])
@recent_proof_required
def passkey_registration_options():
    user = current_user._get_current_object()
    return options_answer(lambda rp: passkeys.registration_options(user, rp), ADDING)


@bp.route("/account/passkeys/add", methods=["POST"])
@recent_proof_required
def add_passkey():
    form = forms.PasskeyAddForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    state = session.pop(ADDING, None)
    if not form.credential.data:
        form.form_errors.append(str(NO_PASSKEYS_HERE))
        return _list_page(form, 400)
    try:
        passkeys.register(
            current_user, form.name.data, form.credential.data, state, this_relying_party()
        )
    except FieldError as error:
        show_field_error(form, error)
    except passkeys.PasskeyError as error:
        form.form_errors.append(str(error))
    else:
        flash(gettext("Passkey added. Next time, choose “Log in with a passkey”."), "success")
        return redirect(url_for("auth.passkeys_page"))
    return _list_page(form, 400)


@bp.route("/account/passkeys/<int:passkey_id>/remove", methods=["GET", "POST"])
@recent_proof_required
def remove_passkey(passkey_id):
    row = get_own_or_404(Passkey, passkey_id)
    form = ActionForm()
    if form.validate_on_submit():
        passkeys.remove(row)
        flash(gettext("Passkey removed. It can't be used to log in here any more."), "success")
        return redirect(url_for("auth.passkeys_page"))
    return render_template("auth/remove_passkey.html", name=passkeys.name_of(row), form=form)


@bp.route("/auth/passkey/options", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def passkey_login_options():
    return options_answer(passkeys.authentication_options, LOGGING_IN)


@bp.route("/auth/passkey/login", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def passkey_login():
    form = forms.PasskeyLoginForm()
    state = session.pop(LOGGING_IN, None)
    back = url_for("auth.login", next=safe_next(request.args.get("next")))
    if not form.validate_on_submit() or not form.credential.data:
        flash(gettext("That didn't work. Please try again, or log in with your password."), "error")
        return redirect(back)
    try:
        user = passkeys.authenticate(form.credential.data, state, this_relying_party())
    except passkeys.PasskeyError as error:
        flash(str(error), "error")
        return redirect(back)
    # A passkey is something you have, checked by something you are: no code is asked for.
    sign_in(user, remember=form.remember.data == "y")
    return redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
