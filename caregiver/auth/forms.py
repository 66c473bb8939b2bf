"""Account forms. They check the input alone; rules needing the database live in services."""

from flask_babel import lazy_ngettext
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
from caregiver.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

EMAIL_ATTRS = {"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}
NEW_PASSWORD_ATTRS = {"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH}
NEW_PASSWORD_HELP = (
    f"At least {MIN_PASSWORD_LENGTH} characters. A short phrase is easy to remember."
)


def email_field(label="Email address"):
    return EmailField(
        label,
        [InputRequired("Enter your email address."), Length(max=254)],
        render_kw=dict(EMAIL_ATTRS),
    )


def new_password_field(label="Password"):
    return PasswordField(
        label,
        [
            InputRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            ),
        ],
        description=NEW_PASSWORD_HELP,
        render_kw=dict(NEW_PASSWORD_ATTRS),
    )


def current_password_field(label="Current password"):
    return PasswordField(
        label,
        [InputRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


def display_name_field():
    return StringField(
        "Your name",
        [InputRequired("Tell us what to call you."), Length(max=80)],
        description="A first name or nickname is fine. Group facilitators may see it.",
        render_kw={"autocomplete": "nickname"},
    )


class RegisterForm(FlaskForm):
    display_name = display_name_field()
    email = email_field()
    password = new_password_field()
    timezone = TimezoneField(
        description="Reminders and dates follow this timezone.", render_kw={"data-prefill": ""}
    )
    daily_nudge = BooleanField(
        "Email me a gentle daily check-in at 8:00 PM",
        description="Optional. You can change the time or turn it off any time.",
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        [InputRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        "Keep me logged in for 30 days", description="Leave this off on a shared device."
    )
    needs_code = False  # set when the password was right and two-step sign-in is on
    # Shown only by pages that log in again in place (see sign_in.log_in_again), and only to
    # someone who has turned on two-step sign-in.
    code = StringField(
        "Code from your app, or a recovery code",
        [Optional(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none"},
    )


class EmailOnlyForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password")


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    timezone = TimezoneField(description="Reminders and dates follow this timezone.")


class DiscreetForm(FlaskForm):
    discreet = BooleanField(
        "Discreet mode",
        description=(
            'Tabs, the home-screen icon and email subjects say "Notes" and never name the topic.'
        ),
    )


class CountryForm(FlaskForm):
    """Whose crisis numbers to show; the choices are set by the view from the data files."""

    country = SelectField(
        "Country for crisis help",
        description="Help now, the help page and the footer show this country's numbers.",
    )


class LanguageForm(FlaskForm):
    """The language of pages and mail; the choices are set by the view."""

    language = SelectField(
        "Language",
        description="Pages, emails and reminders use this language.",
    )


class EmailChangeForm(FlaskForm):
    email = email_field("New email address")
    password = current_password_field()


class PasswordChangeForm(FlaskForm):
    current_password = current_password_field()
    new_password = new_password_field("New password")


class FacilitatorRequestForm(FlaskForm):
    note = TextAreaField(
        "About your group",
        [
            InputRequired("Tell us a little about the group you run or plan to run."),
            Length(min=10, max=1000, message="Write between 10 and 1,000 characters."),
        ],
        description="Which group, where it meets, and how you are involved. An admin reads this.",
    )


class ConfirmPasswordForm(FlaskForm):
    password = current_password_field("Your password")


class DeleteAccountForm(FlaskForm):
    password = current_password_field("Your password")


class PasskeyAddForm(FlaskForm):
    name = StringField(
        "Name this passkey",
        [InputRequired("Give this passkey a name, like “My phone”."), Length(max=60)],
        description="So you can tell your passkeys apart later.",
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
        [InputRequired(message), Length(max=40, message="That is longer than any code we send.")],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", **attrs},
    )


class AppCodeForm(FlaskForm):
    code = one_time_code_field(
        "6-digit code from your app", "Type the 6-digit code from your app.", inputmode="numeric"
    )


class RecoveryCodeForm(FlaskForm):
    recovery_code = one_time_code_field(
        "Recovery code", "Type one of your recovery codes, like abcde-23456."
    )


class PasswordCheckForm(FlaskForm):
    password = current_password_field("Your password")


def pin_field(label, message, **validators):
    # Digits on a phone's keypad; never offered to a password manager as the account's password.
    attrs = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 6}
    return PasswordField(label, [InputRequired(message), *validators.values()], render_kw=attrs)


class AppLockForm(FlaskForm):
    minutes = RadioField(
        "Lock after",
        choices=[
            SelectChoice(m, lazy_ngettext("%(num)d minute", "%(num)d minutes", m))
            for m in app_lock.MINUTES
        ],
        coerce=int,
        default=app_lock.DEFAULT_MINUTES,
    )
    pin = pin_field(
        "Choose a PIN",
        "Choose a PIN of 4 to 6 digits.",
        digits=Regexp(app_lock.PIN_RE.pattern + r"\Z", message=app_lock.PIN_RULE),
    )
    pin_again = pin_field(
        "Type the PIN again",
        "Type your PIN again, so we know it's the one you meant.",
        same=EqualTo("pin", message="The two PINs aren't the same. Please type them again."),
    )


class UnlockForm(FlaskForm):
    pin = pin_field("Your PIN", "Type your PIN.", short=Length(max=40))
