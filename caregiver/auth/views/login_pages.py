"""Register, confirm an address, log in and out, reset a forgotten password."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from caregiver.auth import forms, services
from caregiver.auth.sign_in import AUTH_LIMIT, MISMATCH, sign_in_or_ask_for_code
from caregiver.auth.views.blueprint import bp
from caregiver.errors import FieldError
from caregiver.extensions import limiter
from caregiver.forms import ActionForm, show_field_error
from caregiver.security import TokenError, safe_next


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
        try:
            user = services.find_by_email(services.normalize_email(form.email.data))
        except FieldError:
            user = None
        if user is not None and not user.is_verified:
            services.send_verification(user)
    return redirect(url_for("auth.check_email", reason="register"))


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = forms.LoginForm()
    unverified = False
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.UnverifiedEmail:
            unverified = True
        else:
            if user is not None:
                target = safe_next(request.args.get("next")) or url_for("main.dashboard")
                return redirect(sign_in_or_ask_for_code(user, target, form.remember.data))
            form.form_errors.append(MISMATCH)
    return render_template("auth/login.html", form=form, unverified=unverified)


@bp.route("/auth/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.current_session)
    logout_user()
    session.clear()
    flash("You have logged out.", "success")
    return redirect(url_for("main.index"))


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
            flash("Your password is changed. Every other device has been logged out.", "success")
            return redirect(target)
    return render_template("auth/reset_password.html", form=form)


def _link_problem(kind: str, reason: str):
    form = forms.EmailOnlyForm()
    page = render_template("auth/link_problem.html", kind=kind, reason=reason, form=form)
    return page, 400
