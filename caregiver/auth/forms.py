"""Account forms. They check the input alone; rules needing the database live in services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from caregiver.auth import app_lock
from caregiver.forms import TimezoneField
from caregiver.i18n import lazy_gettext as _l
from caregiver.i18n import lazy_ngettext
from caregiver.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

EMAIL_ATTRS = {"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}
NEW_PASSWORD_ATTRS = {"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH}
NEW_PASSWORD_HELP = _l(
    "At least %(num)d characters. A short phrase is easy to remember.", num=MIN_PASSWORD_LENGTH
)


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        [InputRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw=dict(EMAIL_ATTRS),
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        [
            InputRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Use %(least)d to %(most)d characters.",
                    least=MIN_PASSWORD_LENGTH,
                    most=MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
        description=NEW_PASSWORD_HELP,
        render_kw=dict(NEW_PASSWORD_ATTRS),
    )


def current_password_field(label=None):
    return PasswordField(
        label or _l("Current password"),
        [InputRequired(_l("Enter your current password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


def display_name_field():
    return StringField(
        _l("Your name"),
        [InputRequired(_l("Tell us what to call you.")), Length(max=80)],
        description=_l("A first name or nickname is fine. Group facilitators may see it."),
        render_kw={"autocomplete": "nickname"},
    )


class RegisterForm(FlaskForm):
    display_name = display_name_field()
    email = email_field()
    password = new_password_field()
    timezone = TimezoneField(
        description=_l("Reminders and dates follow this timezone."), render_kw={"data-prefill": ""}
    )
    daily_nudge = BooleanField(
        _l("Email me a gentle daily check-in at 8:00 PM"),
        description=_l("Optional. You can change the time or turn it off any time."),
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        [InputRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        _l("Keep me logged in for 30 days"), description=_l("Leave this off on a shared device.")
    )
    needs_code = False  # set when the password was right and two-step sign-in is on
    # Shown only by pages that log in again in place (see sign_in.log_in_again), and only to
    # someone who has turned on two-step sign-in.
    code = StringField(
        _l("Code from your app, or a recovery code"),
        [Optional(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none"},
    )


class EmailOnlyForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    timezone = TimezoneField(description=_l("Reminders and dates follow this timezone."))


class DiscreetForm(FlaskForm):
    discreet = BooleanField(
        _l("Discreet mode"),
        description=_l(
            'Tabs, the home-screen icon and email subjects say "Notes" and never name the topic.'
        ),
    )


class CountryForm(FlaskForm):
    """Whose crisis numbers to show; the choices are set by the view from the data files."""

    country = SelectField(
        _l("Country for crisis help"),
        description=_l("Help now, the help page and the footer show this country's numbers."),
    )


class LanguageForm(FlaskForm):
    """The language of pages and mail; the choices are set by the view."""

    language = SelectField(
        _l("Language"),
        description=_l("Pages, emails and reminders use this language."),
    )


class EmailChangeForm(FlaskForm):
    email = email_field(_l("New email address"))
    password = current_password_field()


class PasswordChangeForm(FlaskForm):
    current_password = current_password_field()
    new_password = new_password_field(_l("New password"))


class FacilitatorRequestForm(FlaskForm):
    note = TextAreaField(
        _l("About your group"),
        [
            InputRequired(_l("Tell us a little about the group you run or plan to run.")),
            Length(min=10, max=1000, message=_l("Write between 10 and 1,000 characters.")),
        ],
        description=_l(
            "Which group, where it meets, and how you are involved. An admin reads this."
        ),
    )


class ConfirmPasswordForm(FlaskForm):
    password = current_password_field(_l("Your password"))


class DeleteAccountForm(FlaskForm):
    password = current_password_field(_l("Your password"))


class PasskeyAddForm(FlaskForm):
    name = StringField(
        _l("Name this passkey"),
        [InputRequired(_l("Give this passkey a name, like “My phone”.")), Length(max=60)],
        description=_l("So you can tell your passkeys apart later."),
        render_kw={"autocomplete": "off", "maxlength": 60},
    )
    # The page's script fills it with the phone's answer; a browser without passkeys can't.
    credential = HiddenField()


class PasskeyLoginForm(FlaskForm):
    credential = HiddenField()
    remember = HiddenField()


def one_time_code_field(label, message, **attrs):
    return StringField(
        label,
        [
            InputRequired(message),
            Length(max=40, message=_l("That is longer than any code we send.")),
        ],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", **attrs},
    )


class AppCodeForm(FlaskForm):
    code = one_time_code_field(
        _l("6-digit code from your app"),
        _l("Type the 6-digit code from your app."),
        inputmode="numeric",
    )


class RecoveryCodeForm(FlaskForm):
    recovery_code = one_time_code_field(
        _l("Recovery code"), _l("Type one of your recovery codes, like abcde-23456.")
    )


class PasswordCheckForm(FlaskForm):
    password = current_password_field(_l("Your password"))


def pin_field(label, message, **validators):
    # Digits on a phone's keypad; never offered to a password manager as the account's password.
    attrs = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 6}
    return PasswordField(label, [InputRequired(message), *validators.values()], render_kw=attrs)


class AppLockForm(FlaskForm):
    minutes = RadioField(
        _l("Lock after"),
        choices=[
            SelectChoice(m, lazy_ngettext("%(num)d minute", "%(num)d minutes", m))
            for m in app_lock.MINUTES
        ],
        coerce=int,
        default=app_lock.DEFAULT_MINUTES,
    )
    pin = pin_field(
        _l("Choose a PIN"),
        _l("Choose a PIN of 4 to 6 digits."),
        digits=Regexp(app_lock.PIN_RE.pattern + r"\Z", message=app_lock.PIN_RULE),
    )
    pin_again = pin_field(
        _l("Type the PIN again"),
        _l("Type your PIN again, so we know it's the one you meant."),
        same=EqualTo("pin", message=_l("The two PINs aren't the same. Please type them again.")),
    )


class UnlockForm(FlaskForm):
    pin = pin_field(_l("Your PIN"), _l("Type your PIN."), short=Length(max=40))
