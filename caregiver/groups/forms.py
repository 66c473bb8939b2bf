"""Group, meeting, date-change, finder and message forms: they check the input alone."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FloatField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from caregiver.forms import CheckboxesField, DayField, TimeOfDayField, TimezoneField
from caregiver.groups import conference, finder
from caregiver.groups.meeting_services import MeetingData
from caregiver.groups.models import GROUP_KINDS, MODES, REPEATS
from caregiver.groups.recurrence import ORDINALS, WEEKDAY_NAMES
from caregiver.groups.services import LANGUAGES, GroupData
from caregiver.i18n import LazyText, format_count, gettext
from caregiver.i18n import lazy_gettext as _l


def options(pairs) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox list from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


WEEKDAY_CHOICES = options((str(n), name) for n, name in enumerate(WEEKDAY_NAMES))
ORDINAL_CHOICES = options((str(n), word) for n, word in ORDINALS.items())
LANGUAGE_CHOICES = options(LANGUAGES.items())
MAX_DAYS = 31  # far more dates than a meeting's page offers


class LenientFloatField(FloatField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(gettext("Enter a number like 39.7817, or leave it empty.")) from error


def _length(limit: int, what) -> Length:
    message = _l(
        "Keep %(what)s to %(limit)s characters or fewer.", what=what, limit=format_count(limit)
    )
    return Length(max=limit, message=message)


def _text(label, limit, what, **kwargs):
    return StringField(label, [_length(limit, what)], **kwargs)


class GroupForm(FlaskForm):
    name = StringField(
        _l("Group name"),
        [InputRequired(_l("Give the group a name.")), _length(120, _l("the name"))],
    )
    kind = SelectField(_l("Kind of group"), choices=options(GROUP_KINDS.items()), default="family")
    description = TextAreaField(
        _l("About the group"),
        [_length(2000, _l("the description"))],
        description=_l("Who it is for and what a first visit is like."),
        render_kw={"rows": 4},
    )
    languages = CheckboxesField(
        _l("Languages"), choices=LANGUAGE_CHOICES, default=["en"], validate_choice=False
    )
    contact_email = StringField(
        _l("Contact email (optional)"),
        [_length(254, _l("the address"))],
        description=_l("Shown only to people who are signed in."),
        render_kw={"type": "email", "autocomplete": "email"},
    )
    listed = BooleanField(
        _l("List this group publicly"),
        default=True,
        description=_l(
            "Unlisted groups are reachable only by their link and stay out of every list."
        ),
    )

    def group_data(self) -> GroupData:
        return GroupData(
            name=self.name.data or "",
            description=self.description.data or "",
            kind=self.kind.data,
            languages=tuple(self.languages.data or ()),
            contact_email=self.contact_email.data or "",
            listed=bool(self.listed.data),
        )


class MeetingForm(FlaskForm):
    name = StringField(
        _l("Meeting name"),
        [InputRequired(_l("Give the meeting a name.")), _length(120, _l("the name"))],
    )
    repeat = RadioField(_l("How often"), choices=options(REPEATS.items()), default="weekly")
    weekdays = CheckboxesField(_l("On"), choices=WEEKDAY_CHOICES, validate_choice=False)
    month_week = SelectField(_l("Week of the month"), choices=ORDINAL_CHOICES, default="1")
    month_weekday = SelectField(_l("Day"), choices=WEEKDAY_CHOICES, default="1")
    first_day = DayField(
        _l("Starting on"), [InputRequired(_l("Choose the first date."))],
        description=_l("For a one-time meeting, its date."),
    )  # fmt: skip
    last_day = DayField(_l("Until (optional)"), [Optional()])
    start_time = TimeOfDayField(
        _l("Starts"), [InputRequired(_l("Enter a start time, like 19:00."))]
    )
    end_time = TimeOfDayField(_l("Ends"), [InputRequired(_l("Enter an end time, like 20:30."))])
    timezone = TimezoneField(_l("Timezone of the meeting"))
    mode = RadioField(_l("Where"), choices=options(MODES.items()), default="in_person")
    venue = _text(_l("Place name"), 120, _l("the place name"))
    address = _text(_l("Street address"), 200, _l("the address"), render_kw={"autocomplete": "off"})
    city = _text(_l("City"), 80, _l("the city"))
    region = _text(_l("State or region"), 80, _l("the region"))
    postal_code = _text(_l("Postal code"), 20, _l("the postal code"))
    country = _text(_l("Country"), 80, _l("the country"))
    location_notes = TextAreaField(
        _l("Finding the room (optional)"), [_length(1000, _l("the notes"))],
        description=_l("Like “side door, room 4”."), render_kw={"rows": 2},
    )  # fmt: skip
    latitude = LenientFloatField(_l("Latitude (optional)"), [Optional()])
    longitude = LenientFloatField(_l("Longitude (optional)"), [Optional()])
    conference_url = _text(
        _l("Meeting link"),
        500,
        _l("the link"),
        description=_l(
            "A link shown to everyone must be from %(providers)s: meeting apps leave out "
            "any other.",
            providers=LazyText(conference.provider_names),
        ),
        render_kw={"type": "url", "inputmode": "url"},
    )
    conference_phone = _text(
        _l("Dial-in phone"), 60, _l("the phone number"), render_kw={"type": "tel"}
    )
    conference_notes = TextAreaField(
        _l("Joining notes (optional)"), [_length(1000, _l("the notes"))],
        description=_l("Meeting ID, passcode, what to expect."), render_kw={"rows": 2},
    )  # fmt: skip
    link_public = BooleanField(
        _l("Show the link to everyone"),
        description=_l("Off: only signed-in people see the link. Open links invite disruption."),
    )
    open_to_all = RadioField(
        _l("Who can come"),
        choices=options([("yes", _l("Open to anyone")), ("no", _l("Members only"))]),
        default="yes",
    )
    wheelchair = BooleanField(_l("Wheelchair accessible"))
    childcare = BooleanField(_l("Childcare available"))
    beginners = BooleanField(_l("Newcomers especially welcome"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    notes = TextAreaField(
        _l("Notes (optional)"), [_length(2000, _l("the notes"))], render_kw={"rows": 3}
    )

    def meeting_data(self) -> MeetingData:
        values = {name: self[name].data for name in TEXT_FIELDS}
        return MeetingData(
            repeat=self.repeat.data or "",
            weekdays=tuple(d for d in map(_int_or_none, self.weekdays.data or ()) if d is not None),
            month_week=_int_or_none(self.month_week.data),
            month_weekday=_int_or_none(self.month_weekday.data),
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            timezone=self.timezone.data or "",
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            link_public=bool(self.link_public.data),
            open_to_all=self.open_to_all.data != "no",
            wheelchair=bool(self.wheelchair.data),
            childcare=bool(self.childcare.data),
            beginners=bool(self.beginners.data),
            **{name: value or "" for name, value in values.items()},
        )

    def fill_from(self, data: MeetingData) -> None:
        """Start the form from a meeting's settings (to edit or copy it)."""
        values = {name: getattr(data, name) for name in data.__dataclass_fields__}
        values["weekdays"] = [str(d) for d in data.weekdays]
        values["month_week"] = str(data.month_week or 1)
        values["month_weekday"] = str(data.month_weekday if data.month_weekday is not None else 1)
        values["open_to_all"] = "yes" if data.open_to_all else "no"
        self.process(data=values)


TEXT_FIELDS = (
    "name", "mode", "venue", "address", "city", "region", "postal_code", "country",
    "location_notes", "conference_url", "conference_phone", "conference_notes", "language",
    "notes",
)  # fmt: skip


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CancelForm(FlaskForm):
    on_day = DayField(_l("Date"), [InputRequired(_l("Choose the date to cancel."))])
    note = _text(
        _l("Note for people coming (optional)"), 300, _l("the note"),
        description=_l("Like “closed for the holiday, see you next week”."),
    )  # fmt: skip


class MoveForm(FlaskForm):
    on_day = DayField(_l("Date it was due"), [InputRequired(_l("Choose the date to move."))])
    new_day = DayField(_l("New date"), [InputRequired(_l("Choose the new date."))])
    new_start = TimeOfDayField(_l("New start"), [Optional()])
    new_end = TimeOfDayField(_l("New end"), [Optional()])
    note = _text(
        _l("Note for people coming (optional)"), 300, _l("the note"),
        description=_l("Like “moved to Wednesday for the holiday”."),
    )  # fmt: skip


class CofacilitatorForm(FlaskForm):
    email = StringField(
        _l("Their email"),
        [InputRequired(_l("Enter their email address.")), _length(254, _l("the address"))],
        description=_l("They need an approved facilitator account here."),
        render_kw={"type": "email", "autocomplete": "off"},
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        [InputRequired(_l("Write the message.")), _length(2000, _l("the message"))],
        description=_l("Sent by email to everyone who follows the group. Keep it practical."),
        render_kw={"rows": 6},
    )


class DaysField(Field):
    """Dates ticked in a list of checkboxes, which the meeting's page draws beside each date."""

    def process_formdata(self, valuelist):
        self.data = set()
        for value in valuelist[:MAX_DAYS]:
            try:
                self.data.add(date.fromisoformat(value))
            except ValueError as error:
                raise ValueError("That date could not be read. Try again.") from error


class AttendForm(FlaskForm):
    """One form for every date on a meeting's page: the ticked ones are the person's plans."""

    on_day = DaysField(_l("Dates you plan to come to"), default=set)
    share_name = BooleanField(_l("Let the facilitator see my name"))


class FinderForm(FlaskForm):
    """The meeting search: read from the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), [_length(finder.QUERY_MAX, _l("the search"))])
    when = SelectField(_l("When"), choices=options(finder.WHEN.items()), default="")
    day = SelectField(
        _l("Day"), choices=[SelectChoice("", _l("Any day")), *WEEKDAY_CHOICES], default=""
    )
    part = SelectField(
        _l("Time of day"),
        choices=options([("", _l("Any time"))] + [(k, v[0]) for k, v in finder.DAY_PARTS.items()]),
        default="",
    )
    place = SelectField(
        _l("In person or online"),
        choices=options([("", _l("Either")), *finder.PLACES.items()]),
        default="",
    )
    kind = SelectField(
        _l("Kind"), choices=options([("", _l("Any kind")), *GROUP_KINDS.items()]), default=""
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("Any language")), *LANGUAGE_CHOICES],
        default="",
    )
    tz = TimezoneField(_l("Show times in"), [Optional()])

    def filters(self) -> finder.Filters:
        return finder.Filters(
            when=self.when.data if self.when.data in finder.WHEN else "",
            day=_int_or_none(self.day.data),
            part=self.part.data or "",
            place=self.place.data or "",
            kind=self.kind.data or "",
            language=self.language.data or "",
            q=" ".join((self.q.data or "").split())[: finder.QUERY_MAX],
        )
