"""Care plan forms: they check the input alone (required fields, shapes, choices, dates)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from caregiver.careplan import models, rules, services
from caregiver.careplan.models import CareContact, CarePlan, InsuranceCall, JourneyEvent, Program
from caregiver.forms import CheckboxesField, DayField


def choices(labels: dict, blank: str | None = None, group: str | None = None) -> list:
    """Select choices from one of the rules' label lists, optionally under a group heading."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(key, label, optgroup=group) for key, label in labels.items()]


def _shape(check):
    """A validator from one of the rules' ``*_problem`` functions (empty input passes)."""

    def validator(_form, field):
        if field.data and field.data.strip() and (problem := check(field.data)):
            raise ValidationError(problem)

    return validator


def _one_of(labels: dict, message: str = "Choose one from the list."):
    def validator(_form, field):
        if field.data not in labels:
            raise ValidationError(message)

    return validator


def _pick(label, labels: dict, message="Choose one from the list.", default=None, **options):
    """One of a fixed list: a select with a "Choose…" first, or radio buttons with a default."""
    if default is None:
        return SelectField(
            label,
            choices=choices(labels, "Choose…"),
            validators=[_one_of(labels, message)],
            validate_choice=False,
            **options,
        )
    return RadioField(
        label,
        choices=choices(labels),
        default=default,
        validators=[_one_of(labels, message)],
        validate_choice=False,
        **options,
    )


def _text(label, model, name, area=False, description=None, **render_kw):
    """A text field whose length limit (and required message) is the service's own."""
    rule = services.TEXT_RULES[model][name]
    checks = [Length(max=rule.limit, message=f"Keep this to {rule.limit:,} characters or fewer.")]
    if rule.required:
        checks.insert(0, InputRequired(rule.required))
    if check := services.SHAPE_CHECKS.get(rule.shape):
        checks.append(_shape(check))
    field = TextAreaField if area else StringField
    render_kw.setdefault("autocomplete", "off")
    return field(label, checks, description=description, render_kw=render_kw)


class _ValuesForm(FlaskForm):
    """A form whose fields are named like the service's values."""

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def values(self) -> dict:
        """The checked input as plain values for the service."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class _DayForm(_ValuesForm):
    day = DayField("Date", [InputRequired("Enter a date, like 2026-03-14.")])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, today=today, **kwargs)
        if self.day.data is None and not self.day.raw_data:
            self.day.data = today  # a new event or call starts on today

    def validate_day(self, field):
        if self.today and field.data and field.data > self.today:
            raise ValidationError(services.FUTURE_DAY)


class EventForm(_DayForm):
    kind = _pick("What happened", rules.EVENT_KINDS, "Choose what happened from the list.")
    medication = SelectField(
        "Medication",
        choices=choices(rules.MEDICATIONS, "Not a medication event"),
        description="Only for “medication started or changed” and “medication stopped”.",
        validate_choice=False,
    )
    dose = _text("Dose or medication name (optional)", JourneyEvent, "dose")
    note = _text("Private note (optional)", JourneyEvent, "note", area=True, rows=4)

    def validate_medication(self, field):
        if self.kind.data in rules.MEDICATION_KINDS and field.data not in rules.MEDICATIONS:
            raise ValidationError("Choose which medication.")


class ProgramForm(_ValuesForm):
    name = _text("Name of the program or service", Program, "name")
    kind = _pick("Kind", rules.PROGRAM_KINDS, "Choose the kind of program.")
    status = _pick("Where things stand", rules.PROGRAM_STATUSES, default="to_call")
    phone = _text("Phone (optional)", Program, "phone", type="tel", inputmode="tel")
    website = _text(
        "Website (optional)",
        Program,
        "website",
        description="Like example.org; we add https:// when it is left out.",
        inputmode="url",
        autocapitalize="none",
    )
    address = _text("Address (optional)", Program, "address", area=True, rows=2)
    insurance = _pick("Takes our insurance?", rules.INSURANCE, default="unknown")
    waitlist = _text("Waitlist (optional)", Program, "waitlist", placeholder="e.g. about 2 weeks")
    cost = _text("Cost notes (optional)", Program, "cost", area=True, rows=2)
    notes = _text("Notes (optional)", Program, "notes", area=True, rows=4)


class ChecklistForm(FlaskForm):
    questions = CheckboxesField(
        "Questions to ask", choices=choices(rules.QUESTIONS), validate_choice=False
    )


class ContactForm(_ValuesForm):
    name = _text("Name", CareContact, "name", autocomplete="off")
    role = _pick("Role", rules.CONTACT_ROLES, "Choose their role.")
    phone = _text("Phone (optional)", CareContact, "phone", type="tel", inputmode="tel")
    email = _text("Email (optional)", CareContact, "email", type="email", autocapitalize="none")
    notes = _text("Notes (optional)", CareContact, "notes", area=True, rows=3)


class CallForm(_DayForm):
    who = _text("Who you spoke with", InsuranceCall, "who", placeholder="e.g. insurer, Dana")
    said = _text("What was said (optional)", InsuranceCall, "said", area=True, rows=4)
    next_step = _text(
        "Next step (optional)",
        InsuranceCall,
        "next_step",
        description="It also shows on your home page, until you mark it done.",
    )


class PlanForm(_ValuesForm):
    their_name = _text(
        "Their name (optional)",
        CarePlan,
        "their_name",
        description="Shown at the top of the printable summary.",
    )
    plan_name = _text("Insurance plan", CarePlan, "plan_name")
    member_number = _text("Member number", CarePlan, "member_number")
    group_number = _text("Group number", CarePlan, "group_number")
    preauth = _text(
        "Pre-authorization reference numbers",
        CarePlan,
        "preauth",
        area=True,
        description="One a line, with what each one is for.",
        rows=3,
    )


class NextStepForm(_ValuesForm):
    next_step = StringField(
        "Next step",
        [DataRequired("Write the next step, like “call the insurer back”."), Length(max=300)],
        render_kw={"autocomplete": "off"},
    )
    next_step_due = DayField("By when (optional)", [Optional()])


class DocumentForm(_ValuesForm):
    name = _text("Add a document", models.PaperworkDocument, "name")


class CounterForm(FlaskForm):
    show = BooleanField("Show a days-since counter")
    count_from = SelectField("Count from", validate_choice=False)


class ImportForm(FlaskForm):
    file = FileField(
        "Care plan file",
        [FileRequired("Choose the careplan .json file you downloaded.")],
        render_kw={"accept": ".json,application/json"},
    )
