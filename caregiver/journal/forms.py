"""Journal forms: they check the input alone (lengths, choices, dates)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from caregiver.forms import DayField
from caregiver.i18n import format_count, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.journal import services

MOOD_CHOICES = [SelectChoice("", _l("No mood"))] + [
    SelectChoice(str(value), label) for value, label in services.MOODS.items()
]


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class EntryForm(FlaskForm):
    title = StringField(
        _l("Title (optional)"),
        [
            Length(
                max=services.TITLE_MAX,
                message=_l("Keep the title to %(most)s characters or fewer.", most=200),
            )
        ],
        render_kw={"autocomplete": "off", "maxlength": services.TITLE_MAX},
    )
    body = TextAreaField(
        _l("What's on your mind?"),
        [
            InputRequired(_l("Write something before saving.")),
            Length(
                max=services.BODY_MAX,
                message=_l(
                    "An entry can be up to %(most)s characters. "
                    "Your text is still here: shorten it or split it into two entries.",
                    most=format_count(services.BODY_MAX),
                ),
            ),
        ],
        render_kw={"rows": 10, "autocomplete": "off", "spellcheck": "true"},
    )
    mood = RadioField(
        _l("How are you feeling?"), choices=MOOD_CHOICES, default="", validate_choice=False
    )
    tags = StringField(
        _l("Tags (optional)"),
        description=_l("Separate tags with commas, e.g. money, sleep, good day."),
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    entry_date = DayField(_l("Date"), [InputRequired(_l("Enter a date."))])
    entry_time = TimeField(_l("Time"), [InputRequired(_l("Enter a time."))])
    prompt_key = HiddenField()

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_mood(self, field):
        if field.data not in {choice.value for choice in MOOD_CHOICES}:
            raise ValidationError(gettext("Choose a mood from the list."))

    def validate_tags(self, field):
        problem = services.tag_problem(services.parse_tags(field.data or ""))
        if problem:
            raise ValidationError(problem)

    def validate_entry_date(self, field):
        if self.today and field.data and field.data > self.today:
            raise ValidationError(gettext("The date can't be later than today."))

    def fill_from(self, entry: services.Entry) -> None:
        """Start the form with an entry's current content, to edit it."""
        self.process(
            data={
                "title": entry.title,
                "body": entry.body,
                "mood": str(entry.mood) if entry.mood else "",
                "tags": ", ".join(name for _id, name in entry.tags),
                "entry_date": entry.entry_date,
                "entry_time": entry.entry_time,
                "prompt_key": entry.prompt.key if entry.prompt else "",
            }
        )

    def entry_data(self) -> services.EntryData:
        """The checked input as plain values for the service."""
        return services.EntryData(
            body=self.body.data,
            title=self.title.data or "",
            mood=_optional_int(self.mood.data),
            tags=services.parse_tags(self.tags.data or ""),
            entry_date=self.entry_date.data,
            entry_time=self.entry_time.data,
            prompt_key=self.prompt_key.data or None,
        )


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    tag = SelectField(_l("Tag"), validate_choice=False)
    mood = SelectField(
        _l("Mood"),
        choices=[SelectChoice("", _l("Any mood")), *MOOD_CHOICES[1:]],
        validate_choice=False,
    )
    date_from = DateField(_l("From"), [Optional()])
    date_to = DateField(_l("To"), [Optional()])

    def __init__(self, formdata, tags: list[tuple[int, str]]):
        super().__init__(formdata)
        self.tag.choices = [SelectChoice("", gettext("Any tag"))] + [
            SelectChoice(str(tag_id), name) for tag_id, name in tags
        ]

    def filters(self) -> services.Filters:
        """The filters that parsed; anything malformed is ignored with a field error."""
        return services.Filters(
            tag_id=_digits(self.tag.data),
            mood=m if (m := _digits(self.mood.data)) in services.MOODS else None,
            date_from=self.date_from.data if not self.date_from.errors else None,
            date_to=self.date_to.data if not self.date_to.errors else None,
        )


def _digits(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


class SearchForm(FlaskForm):
    q = StringField(
        _l("Search your journal"),
        [InputRequired(_l("Type a word to look for.")), Length(max=200)],
        render_kw={"type": "search", "autocomplete": "off", "enterkeyhint": "search"},
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Export file"),
        [FileRequired(_l("Choose the .zip or journal.json file you exported."))],
        description=_l("The .zip you downloaded from Export, or the journal.json inside it."),
        render_kw={"accept": ".zip,.json,application/zip,application/json"},
    )
