"""Form pieces shared by every feature."""

from functools import lru_cache, wraps
from zoneinfo import available_timezones

from flask import request
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from caregiver import clock
from caregiver.extensions import csrf

# A DayField takes dates from 1 January of EARLIEST_YEAR to 31 December, YEARS_AHEAD years on.
EARLIEST_YEAR = 1900
YEARS_AHEAD = 5

# Shown first so most people find theirs without scrolling through 400 names.
COMMON_TIMEZONES = [
    ("America/New_York", "Eastern time (New York)"),
    ("America/Chicago", "Central time (Chicago)"),
    ("America/Denver", "Mountain time (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific time (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic time (Puerto Rico)"),
]


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


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    """Every IANA timezone name this machine knows, sorted."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def timezone_choices() -> dict[str, list[tuple[str, str]]]:
    """Choices for a timezone select: common ones first, then every IANA name."""
    return {
        "Common": COMMON_TIMEZONES,
        "All timezones": [(z, z.replace("_", " ")) for z in all_timezones()],
    }


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (large tap targets, no ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TimezoneField(SelectField):
    """A select of IANA timezones that accepts only names zoneinfo knows."""

    def __init__(self, label="Timezone", validators=None, **kwargs):
        super().__init__(label, validators, choices=timezone_choices, **kwargs)

    def pre_validate(self, form):
        if self.data not in all_timezones():
            raise ValidationError("Choose your timezone from the list.")


class _SaysWhatToType:
    """A field whose input that does not parse gets ``parse_message`` instead of a generic one."""

    parse_message = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.parse_message) from error


class TimeOfDayField(_SaysWhatToType, TimeField):
    parse_message = "Enter a time like 08:30, or leave it empty."


class DayField(_SaysWhatToType, DateField):
    """A date from 1900 to the end of the year ``years_ahead`` from now. Anything further is a
    slip of the keyboard, and near the years 1 and 9999 the date arithmetic behind every
    calendar, streak and meeting list would overflow."""

    parse_message = "Enter a date, like 2026-03-14."

    def __init__(self, *args, years_ahead: int = YEARS_AHEAD, **kwargs):
        super().__init__(*args, **kwargs)
        self.years_ahead = years_ahead

    def pre_validate(self, form):
        last_year = clock.now().year + self.years_ahead
        if self.data and not EARLIEST_YEAR <= self.data.year <= last_year:
            raise ValidationError(f"Choose a date from {EARLIEST_YEAR} to {last_year}.")
