"""Goal, boundary, check-in and weekly rating forms: they check the input alone."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from caregiver.forms import DayField, TimeOfDayField
from caregiver.goals import boundaries, services
from caregiver.goals.models import WELLBEING_AREAS
from caregiver.i18n import LazyText, format_count, gettext
from caregiver.i18n import lazy_gettext as _l

# Labels in words, put off until shown so they speak the page's language.
CADENCE_CHOICES = [
    SelectChoice(str(n), LazyText(services.cadence_label, n)) for n in range(7, 0, -1)
]
RATING_CHOICES = [SelectChoice("", _l("Skip"))] + [
    SelectChoice(str(n), str(n)) for n in range(1, 11)
]


def _most(limit: int) -> str:
    return format_count(limit)


DETAIL_LENGTH = Length(
    max=boundaries.DETAIL_MAX,
    message=_l("Keep this to %(most)s characters or fewer.", most=_most(boundaries.DETAIL_MAX)),
)


class GoalForm(FlaskForm):
    title = StringField(
        _l("What will you do for yourself?"),
        [
            InputRequired(_l("Give the goal a name, like “walk 20 minutes”.")),
            Length(
                max=200,
                message=_l("Keep the name to %(most)s characters or fewer.", most=_most(200)),
            ),
        ],
        description=_l("Small and specific works best: “walk 20 minutes”, “call my sister”."),
        render_kw={"autocomplete": "off", "maxlength": services.TITLE_MAX},
    )
    per_week = SelectField(
        _l("How often?"), choices=CADENCE_CHOICES, default="7", validate_choice=False
    )
    reminder_time = TimeOfDayField(
        _l("Reminder time (optional)"),
        [Optional()],
        description=_l("We can email you a reminder at this time of day. Leave it empty for none."),
    )

    def validate_per_week(self, field):
        if field.data not in {choice.value for choice in CADENCE_CHOICES}:
            raise ValidationError(gettext("Choose between 1 and 7 times a week."))

    def goal_data(self) -> services.GoalData:
        return services.GoalData(self.title.data, int(self.per_week.data), self.reminder_time.data)

    def fill_from(self, goal: services.GoalItem) -> None:
        """Start the form with a goal's current settings, to edit it."""
        self.process(
            data={
                "title": goal.title,
                "per_week": str(goal.per_week),
                "reminder_time": goal.reminder_time,
            }
        )


class BoundaryForm(FlaskForm):
    statement = TextAreaField(
        _l("My boundary"),
        [
            InputRequired(_l("Write the boundary, like “I will not give cash”.")),
            Length(
                max=boundaries.STATEMENT_MAX,
                message=_l(
                    "Keep the boundary to %(most)s characters or fewer.",
                    most=_most(boundaries.STATEMENT_MAX),
                ),
            ),
        ],
        description=_l("Say what you will or won't do. It's about your actions, not theirs."),
        render_kw={"rows": 2, "autocomplete": "off"},
    )
    reason = TextAreaField(
        _l("Why it matters to me (optional)"),
        [DETAIL_LENGTH],
        render_kw={"rows": 3, "autocomplete": "off"},
    )
    response = TextAreaField(
        _l("What I will do if it's crossed (optional)"),
        [DETAIL_LENGTH],
        description=_l("Pick something you can really follow through on, calmly."),
        render_kw={"rows": 3, "autocomplete": "off"},
    )

    def boundary_data(self) -> boundaries.BoundaryData:
        return boundaries.BoundaryData(
            self.statement.data, self.reason.data or "", self.response.data or ""
        )

    def fill_from(self, texts: dict) -> None:
        """Start the form from a boundary's or an example's statement, reason and response."""
        self.process(
            data={name: texts.get(name, "") for name in ("statement", "reason", "response")}
        )


class CheckinForm(FlaskForm):
    """One tap on a today card: the day, which button (done, skip, held…), and a note."""

    day = DayField(_l("Day"), [InputRequired(_l("Enter a date."))])
    value = HiddenField()
    note = TextAreaField(
        _l("Note (optional)"),
        [
            Length(
                max=services.NOTE_MAX,
                message=_l(
                    "Keep the note to %(most)s characters or fewer.", most=_most(services.NOTE_MAX)
                ),
            )
        ],
        render_kw={"rows": 2, "autocomplete": "off"},
    )


def _rating_in_range(form, field):
    if field.data and field.data not in {choice.value for choice in RATING_CHOICES}:
        raise ValidationError(gettext("Choose a number from 1 to 10."))


class WellbeingForm(FlaskForm):
    """The weekly check-in: one optional 1–10 rating per area of the person's own life."""

    week = DayField(_l("Week"), [InputRequired(_l("Choose a week."))])

    def ratings(self) -> dict[str, int | None]:
        return {area: int(self[area].data) if self[area].data else None for area in WELLBEING_AREAS}

    def fill_from(self, ratings: dict[str, int | None]) -> None:
        for area, value in ratings.items():
            self[area].data = str(value) if value is not None else ""


for _area, _label in WELLBEING_AREAS.items():
    setattr(
        WellbeingForm,
        _area,
        RadioField(
            _label,
            # Blank space is not "no rating": no button sends it, so it gets the range message.
            [Optional(strip_whitespace=False), _rating_in_range],
            choices=RATING_CHOICES,
            validate_choice=False,
        ),
    )
