"""Register, confirm an address, log in and out, reset a forgotten password."""

from functools import partial

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from caregiver.auth import app_lock, forms, services
from caregiver.auth.sign_in import (
    AUTH_LIMIT,
    UNVERIFIED,
    checked_user,
    paused_message,
    sign_in_or_ask_for_code,
)
from caregiver.auth.sign_in_throttle import SignInPaused
from caregiver.auth.views.blueprint import bp
from caregiver.errors import FieldError
from caregiver.extensions import limiter
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext
from caregiver.security import TokenError, note_proof, safe_next


# Per address of the requester: slows password guessing without locking anyone's account.
@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register():
    form = forms.RegisterForm()
    if request.method == "GET":
        form.timezone.data = current_app.config["DEFAULT_TIMEZONE"]
    else:
        form.timezone.render_kw = {}  # keep the person's own choice; no browser guess
    if form.validate_on_submit():
        try:
            services.register(
                form.email.data,
                form.display_name.data,
                form.password.data,
                form.timezone.data,
                daily_nudge=form.daily_nudge.data,
            )
        except FieldError as error:
            show_field_error(form, error)
        else:
            return redirect(url_for("auth.check_email", reason="register"))
    return render_template("auth/register.html", form=form)


@bp.route("/auth/check-email")
def check_email():
    reason = request.args.get("reason", "register")
    return render_template("auth/check_email.html", reason=reason)


@bp.route("/auth/verify/<token>", methods=["GET", "POST"])
def verify_email(token):
    # Opening the link shows a button; mail scanners that prefetch links never press it,
    # so they cannot use up the single-use link before the person does.
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = services.verify_email(token)
        except TokenError as error:
            return _link_problem("verify", error.reason)
        return redirect(sign_in_or_ask_for_code(user, url_for("main.welcome")))
    if request.method == "POST":
        return _link_problem("verify", "invalid")
    return render_template("auth/verify.html", form=form)


@bp.route("/auth/resend", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def resend_verification():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
    return redirect(url_for("auth.check_email", reason="register"))


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = forms.LoginForm()
    user = checked_user(form)
    if user is not None:
        target = safe_next(request.args.get("next")) or url_for("main.dashboard")
        return redirect(sign_in_or_ask_for_code(user, target, form.remember.data))
    unverified = UNVERIFIED in form.form_errors
    if unverified:  # said in the notice above the form instead
        form.form_errors.remove(UNVERIFIED)
    return render_template("auth/login.html", form=form, unverified=unverified)


def _end_this_session() -> None:
    if current_user.is_authenticated:
        services.end_session(current_user.current_session)
    logout_user()
    session.clear()


@bp.route("/auth/logout", methods=["POST"])
def logout():
    _end_this_session()
    flash(gettext("You have logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/auth/leave", methods=["POST"])
def leave():
    # "Leave quickly" sends this in the background as the page goes: whoever picks the phone up
    # next finds the app locked (when this device has a lock) or signed out, whatever the back
    # button brings up.
    row = current_user.current_session if current_user.is_authenticated else None
    if app_lock.is_on(row):
        app_lock.lock_now(row)
    else:
        _end_this_session()
    return "", 204


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def request_reset():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return redirect(url_for("auth.check_email", reason="reset"))
    return render_template("auth/request_reset.html", form=form)


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_password(token):
    try:
        services.user_for_reset(token)
    except TokenError as error:
        return _link_problem("reset", error.reason)
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except FieldError as error:
            show_field_error(form, error)
        except TokenError as error:
            return _link_problem("reset", error.reason)
        else:
            target = sign_in_or_ask_for_code(user, url_for("main.dashboard"))
            flash(
                gettext("Your password is changed. Every other device has been logged out."),
                "success",
            )
            return redirect(target)
    return render_template("auth/reset_password.html", form=form)


@bp.route("/auth/unlock/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def unlock(token):
    def unlocked():
        flash(gettext("Sign-in is unlocked. You can log in now."), "success")
        return redirect(url_for("auth.login"))

    return _button_link("unlock", partial(services.unlock, token), unlocked)


@bp.route("/auth/undo-email/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def undo_email_change(token):
    def undone():
        logout_user()
        session.clear()
        flash(
            gettext(
                "Your email address is back, and every device is signed out. We've sent it a link "
                "to choose a new password."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))

    return _button_link("undo-email", partial(services.undo_email_change, token), undone)


def _button_link(kind: str, act, then):
    """An emailed link that acts only when its page's button is pressed: mail scanners open
    links, and must not use this one up."""
    form = ActionForm()
    if request.method == "GET":
        return render_template("auth/link_button.html", form=form, kind=kind)
    if not form.validate_on_submit():
        return _link_problem(kind, "invalid")
    try:
        act()
    except TokenError as error:
        return _link_problem(kind, error.reason)
    return then()


@bp.route("/auth/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def confirm_password():
    form = forms.ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            matches = services.check_password_again(current_user, form.password.data)
        except SignInPaused as paused:
            form.form_errors.append(str(paused_message(paused)))
        else:
            if matches:
                note_proof()
                return redirect(safe_next(request.args.get("next")) or url_for("auth.account"))
            form.password.errors.append(gettext("That isn't your password."))
    return render_template("auth/confirm_password.html", form=form), 400 if form.errors else 200


def _link_problem(kind: str, reason: str):
    form = forms.EmailOnlyForm()
    page = render_template("auth/link_problem.html", kind=kind, reason=reason, form=form)
    return page, 400
