"""The reminder settings form: it checks the input alone; the services decide what falls due."""

from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from caregiver.forms import CheckboxesField, TimeOfDayField

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_CHOICES = [SelectChoice(str(n), name) for n, name in enumerate(DAY_NAMES)]
DAY_VALUES = frozenset(choice.value for choice in WEEKDAY_CHOICES)


class ReminderTimeField(TimeOfDayField):
    """A time of day for a reminder; whether it may be empty depends on its switch."""

    def __init__(self, label, **kwargs):
        super().__init__(label, [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a time like 20:00 (8 PM).") from error


class ReminderSettingsForm(FlaskForm):
    journal_on = BooleanField("Email me a daily journal nudge")
    journal_at = ReminderTimeField("Time")
    journal_days = CheckboxesField("On these days", choices=WEEKDAY_CHOICES, validate_choice=False)
    goal_on = BooleanField(
        "Email me goal reminders", description="At the reminder time you set on each goal."
    )
    meeting_day_before = BooleanField(
        "Email me the day before",
        description="For each date of a group you follow, and each date you said you'll attend.",
    )
    meeting_hour_before = BooleanField("Email me an hour before")
    weekly_on = BooleanField(
        "Email me a summary on Sunday evenings",
        description="Counts only: entries, goals done, and the meetings you plan to attend.",
    )
    quiet_on = BooleanField(
        "Keep quiet hours",
        description="No reminder mail between these times, except ones you chose for a time "
        "inside them.",
    )
    quiet_from = ReminderTimeField("From")
    quiet_until = ReminderTimeField("Until")

    # One section per kind of mail (keys of REMINDER_KINDS, in its order) and the fields that set
    # it: a new kind adds its fields above and a line here, and the page shows it.
    SECTIONS = (
        (
            "journal",
            "A short email at the time you choose, inviting a few quiet minutes with your journal.",
            ("journal_on", "journal_at", "journal_days"),
        ),
        (
            "goal",
            "A short email when it is time for one of your self-care goals.",
            ("goal_on",),
        ),
        (
            "meeting_day_before",
            "A reminder at the same time the day before a meeting you go to.",
            ("meeting_day_before",),
        ),
        (
            "meeting_hour_before",
            "A reminder an hour before it starts.",
            ("meeting_hour_before",),
        ),
        (
            "weekly_summary",
            "Your week at a glance, never a word of what you wrote.",
            ("weekly_on",),
        ),
    )

    def validate_journal_days(self, field):
        if any(value not in DAY_VALUES for value in field.data or ()):
            raise ValidationError("Choose days from the list.")

    def validate(self, extra_validators=None) -> bool:
        # A time may be empty while its switch is off; only a switch that is on needs one.
        super().validate(extra_validators)
        if self.journal_on.data:
            _require(self.journal_at, "Choose a time for the nudge.")
            if not self.journal_days.errors and not self.weekdays():
                self.journal_days.errors.append("Choose at least one day, or turn the nudge off.")
        if self.quiet_on.data:
            _require(self.quiet_from, "Choose when quiet hours start.")
            _require(self.quiet_until, "Choose when quiet hours end.")
            start, end = self.quiet_from.data, self.quiet_until.data
            if start is not None and start == end and not self.quiet_until.errors:
                self.quiet_until.errors.append(
                    "Quiet hours need an end time different from the start time."
                )
        return not self.errors

    def meeting_kinds(self) -> set[str]:
        """The meeting reminder kinds ticked."""
        names = ("meeting_day_before", "meeting_hour_before")
        return {name for name in names if self[name].data}

    def weekdays(self) -> frozenset[int]:
        """The nudge's days as numbers, Monday = 0."""
        return frozenset(
            int(value) for value in self.journal_days.data or () if value in DAY_VALUES
        )

    def fill_from(self, nudge, goals_on: bool, quiet, weekly_on=False, meetings=()) -> None:
        """Start the form from the saved settings (a JournalNudge, the goal switch, quiet hours)."""
        self.process(
            data={
                "journal_on": nudge.on,
                "journal_at": nudge.at,
                "journal_days": [str(day) for day in sorted(nudge.weekdays)],
                "goal_on": goals_on,
                "weekly_on": weekly_on,
                "meeting_day_before": "meeting_day_before" in meetings,
                "meeting_hour_before": "meeting_hour_before" in meetings,
                "quiet_on": quiet.quiet_hours,
                "quiet_from": quiet.quiet_from,
                "quiet_until": quiet.quiet_until,
            }
        )

    def quiet_hours(self, saved) -> tuple[bool, time, time]:
        """Quiet hours to save; a time left empty while they are off keeps its saved value."""
        start = self.quiet_from.data or saved.quiet_from
        end = self.quiet_until.data or saved.quiet_until
        return bool(self.quiet_on.data), start, end


def _require(field, message: str) -> None:
    if field.data is None and not field.errors:
        field.errors.append(message)
