"""Goal, boundary, check-in and weekly rating forms: they check the input alone."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from caregiver.forms import DayField, TimeOfDayField
from caregiver.goals import boundaries, services
from caregiver.goals.models import WELLBEING_AREAS

CADENCE_CHOICES = [SelectChoice(str(n), services.cadence_label(n)) for n in range(7, 0, -1)]
RATING_CHOICES = [SelectChoice("", "Skip")] + [SelectChoice(str(n), str(n)) for n in range(1, 11)]


def _length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"Keep {what} to {limit:,} characters or fewer.")


class GoalForm(FlaskForm):
    title = StringField(
        "What will you do for yourself?",
        [InputRequired("Give the goal a name, like “walk 20 minutes”."), _length(200, "the name")],
        description="Small and specific works best: “walk 20 minutes”, “call my sister”.",
        render_kw={"autocomplete": "off", "maxlength": services.TITLE_MAX},
    )
    per_week = SelectField(
        "How often?", choices=CADENCE_CHOICES, default="7", validate_choice=False
    )
    reminder_time = TimeOfDayField(
        "Reminder time (optional)",
        [Optional()],
        description="We can email you a reminder at this time of day. Leave it empty for none.",
    )

    def validate_per_week(self, field):
        if field.data not in {choice.value for choice in CADENCE_CHOICES}:
            raise ValidationError("Choose between 1 and 7 times a week.")

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
        "My boundary",
        [
            InputRequired("Write the boundary, like “I will not give cash”."),
            _length(boundaries.STATEMENT_MAX, "the boundary"),
        ],
        description="Say what you will or won't do. It's about your actions, not theirs.",
        render_kw={"rows": 2, "autocomplete": "off"},
    )
    reason = TextAreaField(
        "Why it matters to me (optional)",
        [_length(boundaries.DETAIL_MAX, "this")],
        render_kw={"rows": 3, "autocomplete": "off"},
    )
    response = TextAreaField(
        "What I will do if it's crossed (optional)",
        [_length(boundaries.DETAIL_MAX, "this")],
        description="Pick something you can really follow through on, calmly.",
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

    day = DayField("Day", [InputRequired("Enter a date.")])
    value = HiddenField()
    note = TextAreaField(
        "Note (optional)",
        [_length(services.NOTE_MAX, "the note")],
        render_kw={"rows": 2, "autocomplete": "off"},
    )


def _rating_in_range(form, field):
    if field.data and field.data not in {choice.value for choice in RATING_CHOICES}:
        raise ValidationError("Choose a number from 1 to 10.")


class WellbeingForm(FlaskForm):
    """The weekly check-in: one optional 1–10 rating per area of the person's own life."""

    week = DayField("Week", [InputRequired("Choose a week.")])

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
