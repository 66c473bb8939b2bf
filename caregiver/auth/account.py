"""The account page: profile, email, password, signed-in devices, facilitator request."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from caregiver.admin import services as admin_services
from caregiver.auth import forms, services
from caregiver.auth.sign_in import sign_in
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status=200, **forms_in_error):
    user = current_user
    page_forms = {
        "profile_form": forms.ProfileForm(obj=user, formdata=None),
        "email_form": forms.EmailChangeForm(formdata=None),
        "password_form": forms.PasswordChangeForm(formdata=None),
        "action_form": ActionForm(),
    }
    page_forms.update(forms_in_error)
    return render_template(
        "auth/account.html",
        sessions=services.live_sessions(user),
        pending_request=admin_services.pending_request(user),
        **page_forms,
    ), status


@bp.route("")
@login_required
def index():
    return _page()


@bp.route("/profile", methods=["POST"])
@login_required
def profile():
    form = forms.ProfileForm()
    if not form.validate_on_submit():
        return _page(400, profile_form=form)
    services.update_profile(current_user, form.display_name.data, form.timezone.data)
    flash("Your details are saved.", "success")
    return redirect(url_for("account.index"))


@bp.route("/email", methods=["POST"])
@login_required
def change_email():
    form = forms.EmailChangeForm()
    if form.validate_on_submit():
        try:
            new_email = services.request_email_change(
                current_user, form.email.data, form.password.data
            )
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(f"We sent a link to {new_email}. Your address changes when you open it.", "info")
            return redirect(url_for("account.index"))
    return _page(400, email_form=form)


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = forms.PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except FieldError as error:
            show_field_error(form, error)
        else:
            sign_in(user)
            flash("Your password is changed. Every other device has been logged out.", "success")
            return redirect(url_for("account.index"))
    return _page(400, password_form=form)


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    if ActionForm().validate_on_submit():
        count = services.end_sessions(current_user, keep=current_user.current_session)
        flash(f"Logged out of {count} other device{'s' if count != 1 else ''}.", "success")
    return redirect(url_for("account.index"))


@bp.route("/facilitator", methods=["GET", "POST"])
@login_required
def request_facilitator():
    form = forms.FacilitatorRequestForm()
    if form.validate_on_submit():
        try:
            admin_services.request_facilitator(current_user, form.note.data)
        except admin_services.RequestError as error:
            flash(str(error), "info")
        else:
            flash("Thank you. An admin will read your request and email you.", "success")
        return redirect(url_for("account.index"))
    return render_template(
        "auth/request_facilitator.html",
        form=form,
        pending_request=admin_services.pending_request(current_user),
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except FieldError as error:
            show_field_error(form, error)
        else:
            logout_user()
            session.clear()
            flash("Your account and everything in it have been deleted.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/delete_account.html", form=form), 400 if form.errors else 200
