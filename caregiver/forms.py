"""Form pieces shared by every feature."""

from functools import wraps

from flask import request
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, Field, SelectMultipleField, TimeField
from wtforms.utils import unset_value
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, html_params

from caregiver import clock, timezones
from caregiver.extensions import csrf
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l

# A DayField takes dates from 1 January of EARLIEST_YEAR to 31 December, YEARS_AHEAD years on.
EARLIEST_YEAR = 1900
YEARS_AHEAD = 5
TIMEZONE_LABEL = _l("Timezone")


def show_field_error(form, error) -> None:
    """Put a service's FieldError next to its field, or above the form if no field matches."""
    target = form._fields.get(error.field)
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = [*target.errors, error.message]


def accepts_upload(max_bytes: int, max_field_bytes: int | None = None):
    """Let a view take a larger request than the app's limit (a file to import), with its CSRF
    token checked as every form's is."""

    def decorate(view):
        # The app-wide CSRF check reads the form before any view runs, under the app's limits,
        # so a larger file would be refused before the view could raise them.
        @wraps(view)
        def checked(*args, **kwargs):
            if request.method == "POST":
                request.max_content_length = max_bytes
                if max_field_bytes:
                    request.max_form_memory_size = max_field_bytes
                csrf.protect()
            return view(*args, **kwargs)

        return csrf.exempt(checked)

    return decorate


class ActionForm(FlaskForm):
    """No fields: carries the CSRF token for a POST button (delete, log out, approve)."""


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (large tap targets, no ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _attributes(**values) -> Markup:
    return Markup(html_params(**values))  # noqa: S704 - html_params escapes every value


class TimezoneInput:
    """A short select of zones and, under it, a box for any other zone by name or city."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        # The box shares the field's hint and error, so a screen reader hears them there too.
        shared = {k: v for k, v in kwargs.items() if k in ("aria-describedby", "aria-invalid")}
        chosen = None if field.typed else field.data
        options = Markup("").join(
            Markup("<option {}>{}</option>").format(
                _attributes(value=zone, selected=zone == chosen), text
            )
            for zone, text in timezones.short_choices(chosen)
        )
        other_id = f"{field.id}-other"
        box = {
            "type": "text", "id": other_id, "name": field.other_name, "value": field.typed,
            "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
            "maxlength": timezones.MAX_TYPED, **shared,
        }  # fmt: skip
        return Markup(
            '<select {}>{}</select><label class="other-zone" for="{}">{}</label><input {}>'
        ).format(
            _attributes(name=field.name, **kwargs),
            options,
            other_id,
            gettext("Not in the list? Type it here, like Europe/Berlin or just Berlin"),
            _attributes(**box),
        )


class TimezoneField(Field):
    """An IANA timezone: picked from a short list, or typed by name or city in the box under
    it, and accepted only when zoneinfo knows it."""

    widget = TimezoneInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(TIMEZONE_LABEL if label is None else label, validators, **kwargs)
        self.other_name = f"{self.name}_other"
        self.typed = ""  # kept only when it matched no zone, to show it again with the error

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        typed = (formdata.get(self.other_name) or "") if formdata else ""
        if typed.strip():
            try:
                self.data = timezones.find_zone(typed)
            except ValueError as error:
                self.typed = " ".join(typed.split())[: timezones.MAX_TYPED]
                self.process_errors.append(str(error))

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0]

    def _value(self):
        return self.data or ""

    def pre_validate(self, form):
        if not self.typed and not timezones.known(self.data):
            raise ValidationError(gettext("Choose your timezone from the list."))


class _SaysWhatToType:
    """A field whose input that does not parse gets ``parse_message`` instead of a generic one."""

    parse_message = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.parse_message)) from error


class TimeOfDayField(_SaysWhatToType, TimeField):
    parse_message = _l("Enter a time like 08:30, or leave it empty.")


class DayField(_SaysWhatToType, DateField):
    """A date from 1900 to the end of the year ``years_ahead`` from now. Anything further is a
    slip of the keyboard, and near the years 1 and 9999 the date arithmetic behind every
    calendar, streak and meeting list would overflow."""

    parse_message = _l("Enter a date, like 2026-03-14.")

    def __init__(self, *args, years_ahead: int = YEARS_AHEAD, **kwargs):
        super().__init__(*args, **kwargs)
        self.years_ahead = years_ahead

    def pre_validate(self, form):
        last_year = clock.now().year + self.years_ahead
        if self.data and not EARLIEST_YEAR <= self.data.year <= last_year:
            raise ValidationError(
                gettext(
                    "Choose a date from %(first)s to %(last)s.", first=EARLIEST_YEAR, last=last_year
                )
            )
