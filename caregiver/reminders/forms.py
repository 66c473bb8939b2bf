"""The reminder settings form: it checks the input alone; the services decide what falls due."""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from caregiver.forms import CheckboxesField, TimeOfDayField
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.reminders.choices import Choices, QuietHours
from caregiver.reminders.models import MEETING_KINDS
from caregiver.reminders.services import JournalNudge

# Monday = 0, as Python's date.weekday().
WEEKDAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
WEEKDAY_CHOICES = [SelectChoice(str(n), name) for n, name in enumerate(WEEKDAY_LABELS)]
DAY_VALUES = frozenset(choice.value for choice in WEEKDAY_CHOICES)


class ReminderTimeField(TimeOfDayField):
    """A time of day for a reminder; whether it may be empty depends on its switch."""

    def __init__(self, label, **kwargs):
        super().__init__(label, [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(gettext("Enter a time like 20:00 (8 PM).")) from error


class ReminderSettingsForm(FlaskForm):
    journal_on = BooleanField(_l("Email me a daily journal nudge"))
    journal_at = ReminderTimeField(_l("Time"))
    journal_days = CheckboxesField(
        _l("On these days"), choices=WEEKDAY_CHOICES, validate_choice=False
    )
    goal_on = BooleanField(
        _l("Email me goal reminders"),
        description=_l("At the reminder time you set on each goal."),
    )
    meeting_day_before = BooleanField(
        _l("Email me the day before"),
        description=_l(
            "For each date of a group you follow, and each date you said you'll attend."
        ),
    )
    meeting_hour_before = BooleanField(_l("Email me an hour before"))
    weekly_on = BooleanField(
        _l("Email me a summary on Sunday evenings"),
        description=_l("Counts only: entries, goals done, and the meetings you plan to attend."),
    )
    quiet_on = BooleanField(
        _l("Keep quiet hours"),
        description=_l(
            "No reminder mail between these times, except ones you chose for a time inside them."
        ),
    )
    quiet_from = ReminderTimeField(_l("From"))
    quiet_until = ReminderTimeField(_l("Until"))

    # One section per kind of mail (keys of REMINDER_KINDS, in its order) and the fields that set
    # it: a new kind adds its fields above and a line here, and the page shows it.
    SECTIONS = (
        (
            "journal",
            _l(
                "A short email at the time you choose, inviting a few quiet minutes with your "
                "journal."
            ),
            ("journal_on", "journal_at", "journal_days"),
        ),
        (
            "goal",
            _l("A short email when it is time for one of your self-care goals."),
            ("goal_on",),
        ),
        (
            "meeting_day_before",
            _l("A reminder at the same time the day before a meeting you go to."),
            ("meeting_day_before",),
        ),
        (
            "meeting_hour_before",
            _l("A reminder an hour before it starts."),
            ("meeting_hour_before",),
        ),
        (
            "weekly_summary",
            _l("Your week at a glance, never a word of what you wrote."),
            ("weekly_on",),
        ),
    )

    def validate_journal_days(self, field):
        if any(value not in DAY_VALUES for value in field.data or ()):
            raise ValidationError(gettext("Choose days from the list."))

    def validate(self, extra_validators=None) -> bool:
        # A time may be empty while its switch is off; only a switch that is on needs one.
        super().validate(extra_validators)
        if self.journal_on.data:
            _require(self.journal_at, gettext("Choose a time for the nudge."))
            if not self.journal_days.errors and not self.weekdays():
                self.journal_days.errors.append(
                    gettext("Choose at least one day, or turn the nudge off.")
                )
        if self.quiet_on.data:
            _require(self.quiet_from, gettext("Choose when quiet hours start."))
            _require(self.quiet_until, gettext("Choose when quiet hours end."))
            start, end = self.quiet_from.data, self.quiet_until.data
            if start is not None and start == end and not self.quiet_until.errors:
                self.quiet_until.errors.append(
                    gettext("Quiet hours need an end time different from the start time.")
                )
        return not self.errors

    def weekdays(self) -> frozenset[int]:
        """The nudge's days as numbers, Monday = 0."""
        return frozenset(
            int(value) for value in self.journal_days.data or () if value in DAY_VALUES
        )

    def fill_from(self, chosen: Choices) -> None:
        """Start the form from what the person chose so far."""
        self.process(
            data={
                "journal_on": chosen.journal.on,
                "journal_at": chosen.journal.at,
                "journal_days": [str(day) for day in sorted(chosen.journal.weekdays)],
                "goal_on": chosen.goals,
                "weekly_on": chosen.weekly,
                **{kind: kind in chosen.meetings for kind in MEETING_KINDS},
                "quiet_on": chosen.quiet.on,
                "quiet_from": chosen.quiet.start,
                "quiet_until": chosen.quiet.end,
            }
        )

    def choices(self, before: Choices) -> Choices:
        """The checked answers as one value; a time left empty keeps its saved value."""
        return Choices(
            journal=JournalNudge(
                bool(self.journal_on.data),
                self.journal_at.data or before.journal.at,
                self.weekdays(),
            ),
            goals=bool(self.goal_on.data),
            meetings=frozenset(kind for kind in MEETING_KINDS if self[kind].data),
            weekly=bool(self.weekly_on.data),
            quiet=QuietHours(
                bool(self.quiet_on.data),
                self.quiet_from.data or before.quiet.start,
                self.quiet_until.data or before.quiet.end,
            ),
        )


def _require(field, message: str) -> None:
    if field.data is None and not field.errors:
        field.errors.append(message)
