"""The account page: profile, email, password, facilitator request, deleting the account."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from caregiver import crisis, i18n
from caregiver.auth import discreet, facilitator_requests, forms, services
from caregiver.auth.sign_in import sign_in
from caregiver.auth.views.blueprint import bp
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext
from caregiver.security import safe_next


def _country_form(**kwargs) -> forms.CountryForm:
    form = forms.CountryForm(**kwargs)
    config = current_app.config
    own = dict(crisis.country_names(config))[crisis.deployment_country(config)]
    form.country.choices = [
        ("", gettext("This site's country (%(name)s)", name=own)),
        *crisis.country_names(config),
    ]
    return form


def _language_form(**kwargs) -> forms.LanguageForm:
    form = forms.LanguageForm(**kwargs)
    form.language.choices = [("", gettext("Your browser's language")), *i18n.LANGUAGE_NAMES.items()]
    return form


def _save_choice(form, field: str, choose, saved: str):
    """Save one of the account's choices whose empty answer means "the default"."""
    if form.validate_on_submit():
        try:
            choose(current_user, form[field].data or None)
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(saved, "success")
            return redirect(url_for("auth.account"))
    return _page(400, **{f"{field}_form": form})


def _page(status=200, **forms_in_error):
    user = current_user
    page_forms = {
        "profile_form": forms.ProfileForm(obj=user, formdata=None),
        "country_form": _country_form(formdata=None, data={"country": user.country or ""}),
        "language_form": _language_form(formdata=None, data={"language": user.language or ""}),
        "discreet_form": forms.DiscreetForm(obj=user, formdata=None),
        "email_form": forms.EmailChangeForm(formdata=None),
        "password_form": forms.PasswordChangeForm(formdata=None),
        "action_form": ActionForm(),
    }
    page_forms.update(forms_in_error)
    return render_template(
        "auth/account.html",
        pending_request=facilitator_requests.pending_request(user),
        **page_forms,
    ), status


@bp.route("/account")
@login_required
def account():
    return _page()


@bp.route("/account/profile", methods=["POST"])
@login_required
def profile():
    form = forms.ProfileForm()
    if not form.validate_on_submit():
        return _page(400, profile_form=form)
    services.update_profile(current_user, form.display_name.data, form.timezone.data)
    flash(gettext("Your details are saved."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/country", methods=["POST"])
@login_required
def country():
    return _save_choice(
        _country_form(),
        "country",
        services.choose_country,
        gettext("Your country for crisis help is saved."),
    )


@bp.route("/account/language", methods=["POST"])
@login_required
def language():
    return _save_choice(
        _language_form(), "language", services.choose_language, gettext("Your language is saved.")
    )


# Visitors follow a link (no session needed); signed-in people post with their CSRF token, as
# the choice is then saved on the account. Either way the page they were on comes back.
@bp.route("/language/<code>", methods=["GET", "POST"])
def choose_language(code):
    if code not in i18n.LANGUAGES:
        abort(404)
    if request.method == "POST" and current_user.is_authenticated:
        services.choose_language(current_user, code)
    back = safe_next(request.args.get("next")) or url_for("main.index")
    return i18n.remember_on_device(redirect(back), code)


@bp.route("/account/discreet", methods=["POST"])
@login_required
def discreet_mode():
    form = forms.DiscreetForm()
    if not form.validate_on_submit():
        return _page(400, discreet_form=form)
    discreet.choose(current_user, form.discreet.data)
    said = (
        gettext("Discreet mode is on.") if form.discreet.data else gettext("Discreet mode is off.")
    )
    flash(said, "success")
    return discreet.remember_on_device(redirect(url_for("auth.account")), form.discreet.data)


@bp.route("/account/email", methods=["POST"])
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
            flash(
                gettext(
                    "We sent a link to %(email)s. Your address changes when you open it.",
                    email=new_email,
                ),
                "info",
            )
            return redirect(url_for("auth.account"))
    return _page(400, email_form=form)


@bp.route("/account/password", methods=["POST"])
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
            flash(
                gettext("Your password is changed. Every other device has been logged out."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _page(400, password_form=form)


@bp.route("/account/facilitator", methods=["GET", "POST"])
@login_required
def request_facilitator():
    form = forms.FacilitatorRequestForm()
    if form.validate_on_submit():
        try:
            facilitator_requests.request_facilitator(current_user, form.note.data)
        except facilitator_requests.RequestError as error:
            flash(str(error), "info")
        else:
            flash(gettext("Thank you. An admin will read your request and email you."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/request_facilitator.html",
        form=form,
        pending_request=facilitator_requests.pending_request(current_user),
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():  # the form asks for the password: that is the fresh proof
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except FieldError as error:
            show_field_error(form, error)
        else:
            logout_user()
            session.clear()
            flash(gettext("Your account and everything in it have been deleted."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/delete_account.html", form=form), 400 if form.errors else 200
