"""Care plan forms: they check the input alone (required fields, shapes, choices, dates)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from caregiver.careplan import models, rules, services
from caregiver.careplan.models import CareContact, CarePlan, InsuranceCall, JourneyEvent, Program
from caregiver.forms import CheckboxesField, DayField
from caregiver.i18n import lazy_gettext as _l


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


NOT_ON_THE_LIST = _l("Choose one from the list.")


def _one_of(labels: dict, message=NOT_ON_THE_LIST):
    def validator(_form, field):
        if field.data not in labels:
            raise ValidationError(message)

    return validator


def _pick(label, labels: dict, message=NOT_ON_THE_LIST, default=None, **options):
    """One of a fixed list: a select with a "Choose…" first, or radio buttons with a default."""
    if default is None:
        return SelectField(
            label,
            choices=choices(labels, _l("Choose…")),
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
    checks = [Length(max=rule.limit, message=services.too_long(rule.limit))]
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
    day = DayField(_l("Date"), [InputRequired(_l("Enter a date, like 2026-03-14."))])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, today=today, **kwargs)
        if self.day.data is None and not self.day.raw_data:
            self.day.data = today  # a new event or call starts on today

    def validate_day(self, field):
        if self.today and field.data and field.data > self.today:
            raise ValidationError(services.FUTURE_DAY)


class EventForm(_DayForm):
    kind = _pick(_l("What happened"), rules.EVENT_KINDS, _l("Choose what happened from the list."))
    medication = SelectField(
        _l("Medication"),
        choices=choices(rules.MEDICATIONS, _l("Not a medication event")),
        description=_l("Only for “medication started or changed” and “medication stopped”."),
        validate_choice=False,
    )
    dose = _text(_l("Dose or medication name (optional)"), JourneyEvent, "dose")
    note = _text(_l("Private note (optional)"), JourneyEvent, "note", area=True, rows=4)

    def validate_medication(self, field):
        if self.kind.data in rules.MEDICATION_KINDS and field.data not in rules.MEDICATIONS:
            raise ValidationError(_l("Choose which medication."))


class ProgramForm(_ValuesForm):
    name = _text(_l("Name of the program or service"), Program, "name")
    kind = _pick(_l("Kind"), rules.PROGRAM_KINDS, _l("Choose the kind of program."))
    status = _pick(_l("Where things stand"), rules.PROGRAM_STATUSES, default="to_call")
    phone = _text(_l("Phone (optional)"), Program, "phone", type="tel", inputmode="tel")
    website = _text(
        _l("Website (optional)"),
        Program,
        "website",
        description=_l("Like example.org; we add https:// when it is left out."),
        inputmode="url",
        autocapitalize="none",
    )
    address = _text(_l("Address (optional)"), Program, "address", area=True, rows=2)
    insurance = _pick(_l("Takes our insurance?"), rules.INSURANCE, default="unknown")
    waitlist = _text(
        _l("Waitlist (optional)"), Program, "waitlist", placeholder=_l("e.g. about 2 weeks")
    )
    cost = _text(_l("Cost notes (optional)"), Program, "cost", area=True, rows=2)
    notes = _text(_l("Notes (optional)"), Program, "notes", area=True, rows=4)


class ChecklistForm(FlaskForm):
    questions = CheckboxesField(
        _l("Questions to ask"), choices=choices(rules.QUESTIONS), validate_choice=False
    )


class ContactForm(_ValuesForm):
    name = _text(_l("Name"), CareContact, "name", autocomplete="off")
    role = _pick(_l("Role"), rules.CONTACT_ROLES, _l("Choose their role."))
    phone = _text(_l("Phone (optional)"), CareContact, "phone", type="tel", inputmode="tel")
    email = _text(_l("Email (optional)"), CareContact, "email", type="email", autocapitalize="none")
    notes = _text(_l("Notes (optional)"), CareContact, "notes", area=True, rows=3)


class CallForm(_DayForm):
    who = _text(
        _l("Who you spoke with"), InsuranceCall, "who", placeholder=_l("e.g. insurer, Dana")
    )
    said = _text(_l("What was said (optional)"), InsuranceCall, "said", area=True, rows=4)
    next_step = _text(
        _l("Next step (optional)"),
        InsuranceCall,
        "next_step",
        description=_l("It also shows on your home page, until you mark it done."),
    )


class PlanForm(_ValuesForm):
    their_name = _text(
        _l("Their name (optional)"),
        CarePlan,
        "their_name",
        description=_l("Shown at the top of the printable summary."),
    )
    plan_name = _text(_l("Insurance plan"), CarePlan, "plan_name")
    member_number = _text(_l("Member number"), CarePlan, "member_number")
    group_number = _text(_l("Group number"), CarePlan, "group_number")
    preauth = _text(
        _l("Pre-authorization reference numbers"),
        CarePlan,
        "preauth",
        area=True,
        description=_l("One a line, with what each one is for."),
        rows=3,
    )


class NextStepForm(_ValuesForm):
    next_step = StringField(
        _l("Next step"),
        [DataRequired(_l("Write the next step, like “call the insurer back”.")), Length(max=300)],
        render_kw={"autocomplete": "off"},
    )
    next_step_due = DayField(_l("By when (optional)"), [Optional()])


class DocumentForm(_ValuesForm):
    name = _text(_l("Add a document"), models.PaperworkDocument, "name")


class CounterForm(FlaskForm):
    show = BooleanField(_l("Show a days-since counter"))
    count_from = SelectField(_l("Count from"), validate_choice=False)


class ImportForm(FlaskForm):
    file = FileField(
        _l("Care plan file"),
        [FileRequired(_l("Choose the careplan .json file you downloaded."))],
        render_kw={"accept": ".json,application/json"},
    )
