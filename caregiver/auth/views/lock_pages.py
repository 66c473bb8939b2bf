"""The app lock: setting it up for this device (/account/lock), "Lock now", and the unlock page
every private page answers with while this device is locked (/auth/locked)."""

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_url, logout_user

from caregiver.auth import app_lock, device_lock, forms, passkeys
from caregiver.auth.sign_in import AUTH_LIMIT
from caregiver.auth.views.blueprint import bp
from caregiver.auth.views.passkey_pages import options_answer, this_relying_party
from caregiver.errors import FieldError, wants_json
from caregiver.extensions import limiter, login_manager
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext, ngettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.security import note_proof, recent_proof_required, safe_next

UNLOCKING = "passkey_unlocking"  # its own place in the session, like the other ceremonies
LOCKED_JSON = _l("This app is locked on this device. Open it again with your PIN.")
PINS_USED_UP = _l(
    "For your safety, we logged you out after five wrong PINs. "
    "Log in with your password to carry on."
)
GAVE_UP = _l("You're logged out on this device. Log in with your password to carry on.")


def unauthorized():
    """Flask-Login's answer to a page that needs a log-in: the unlock page when this device is
    locked (a JSON error for JSON clients), else the log-in page, as Flask-Login would."""
    if device_lock.locked_session() is None:
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=request.url))
    if wants_json():
        return {"error": "Locked", "message": str(LOCKED_JSON), "status": 401}, 401
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return _unlock_page(forms.UnlockForm(formdata=None), back, 401)


def _unlock_page(form, back, status):
    row = device_lock.locked_session()
    page = render_template(
        "auth/unlock.html",
        form=form,
        back=back,
        has_passkey=passkeys.has_passkeys(row.user_id),
        action_form=ActionForm(),
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _logged_out(message: str):
    logout_user()
    session.clear()
    flash(str(message), "info")
    return redirect(url_for("auth.login"))


@bp.route("/auth/locked", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def unlock_app():
    row = device_lock.locked_session()
    back = safe_next(request.args.get("next"))
    if row is None:  # open already, or nobody signed in (the page asked for says which)
        return redirect(back or url_for("main.dashboard"))
    form = forms.UnlockForm()
    if form.validate_on_submit():
        try:
            opened = app_lock.unlock_with_pin(row, form.pin.data)
        except app_lock.PinsUsedUp:
            return _logged_out(PINS_USED_UP)
        if opened:
            return redirect(back or url_for("main.dashboard"))
        left = app_lock.tries_left(row)
        form.pin.errors.append(
            ngettext(
                "That isn't the PIN. You have %(num)d more try before we log you out on this "
                "device.",
                "That isn't the PIN. You have %(num)d more tries before we log you out on this "
                "device.",
                left,
            )
        )
    return _unlock_page(form, back, 400 if form.errors else 200)


@bp.route("/auth/locked/passkey/options", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def unlock_passkey_options():
    row = device_lock.locked_session()
    if row is None:
        return {
            "error": "Not locked",
            "message": gettext("This device isn't locked."),
            "status": 409,
        }, 409
    return options_answer(lambda rp: passkeys.own_options(row.user_id, rp), UNLOCKING)


@bp.route("/auth/locked/passkey", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def unlock_with_passkey():
    row = device_lock.locked_session()
    state = session.pop(UNLOCKING, None)
    back = safe_next(request.args.get("next"))
    if row is None:
        return redirect(back or url_for("main.dashboard"))
    form = forms.PasskeyLoginForm()
    try:
        if not form.validate_on_submit() or not form.credential.data:
            raise passkeys.PasskeyError(
                gettext("That didn't work. Please try again, or use your PIN.")
            )
        user = passkeys.authenticate(form.credential.data, state, this_relying_party())
        if user.id != row.user_id:
            raise passkeys.PasskeyError(
                gettext("That passkey is for another account. Use your PIN.")
            )
    except passkeys.PasskeyError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.unlock_app", next=back))
    app_lock.unlock(row)
    note_proof()  # a passkey is the person, checked by their phone: as good as the password
    return redirect(back or url_for("main.dashboard"))


@bp.route("/auth/locked/forgot", methods=["POST"])
def forgot_pin():
    row = device_lock.locked_session()
    if row is not None and ActionForm().validate_on_submit():
        app_lock.give_up(row)
        return _logged_out(GAVE_UP)
    return redirect(url_for("auth.unlock_app"))


@bp.route("/account/lock", methods=["GET", "POST"])
@recent_proof_required
def app_lock_settings():
    row = current_user.current_session
    form = forms.AppLockForm(minutes=row.lock_minutes or app_lock.DEFAULT_MINUTES)
    if form.validate_on_submit():
        try:
            app_lock.set_up(row, form.minutes.data, form.pin.data)
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(
                ngettext(
                    "The app lock is on. After %(num)d minute without use, this device asks "
                    "for your PIN.",
                    "The app lock is on. After %(num)d minutes without use, this device asks "
                    "for your PIN.",
                    row.lock_minutes,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    page = render_template(
        "auth/app_lock.html", form=form, on=app_lock.is_on(row), action_form=ActionForm()
    )
    return page, 400 if form.errors else 200


@bp.route("/account/lock/off", methods=["POST"])
@recent_proof_required
def turn_off_app_lock():
    if ActionForm().validate_on_submit():
        app_lock.turn_off(current_user.current_session)
        flash(gettext("The app lock is off on this device."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/lock/now", methods=["POST"])
@login_required
def lock_now():
    if ActionForm().validate_on_submit():
        app_lock.lock_now(current_user.current_session)
    return redirect(url_for("auth.unlock_app"))


@bp.route("/account/lock/still-here")
@login_required
def still_here():
    # The open page's script calls this while someone types or taps, which is activity the
    # server would not otherwise see: the idle minutes start again, as on any request.
    return "", 204
