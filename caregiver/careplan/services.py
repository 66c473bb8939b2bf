"""Care plan decisions: checking, saving, opening and listing a person's own care-plan rows.

Each model names its sealed fields (``SEALED``) and plain ones (``PLAIN``); ``TEXT_RULES`` and
``CHOICES`` below say what each field accepts, so one ``clean`` serves the forms and imports.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import func, select

from caregiver import clock
from caregiver.careplan import rules
from caregiver.careplan.models import (
    CareContact,
    CarePlan,
    InsuranceCall,
    JourneyEvent,
    PaperworkDocument,
    Program,
)
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import format_count, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.sealed import open_text, save_sealed, seal_optional
from caregiver.text import clean_line, clean_text


@dataclass(frozen=True)
class Text:
    """What one text field accepts: a length, a shape, and the message when it is required."""

    limit: int
    shape: str = "line"  # line, lines (keeps line breaks), phone, url or email
    required: str | None = None


SHAPE_CHECKS = {
    "phone": rules.phone_problem,
    "url": rules.url_problem,
    "email": rules.email_problem,
}

TEXT_RULES = {
    JourneyEvent: {"dose": Text(120), "note": Text(5000, "lines")},
    Program: {
        "name": Text(200, required=_l("Write the program's name.")),
        "phone": Text(40, "phone"),
        "website": Text(300, "url"),
        "address": Text(300, "lines"),
        "waitlist": Text(200),
        "cost": Text(1000, "lines"),
        "notes": Text(5000, "lines"),
    },
    CareContact: {
        "name": Text(120, required=_l("Write their name.")),
        "phone": Text(40, "phone"),
        "email": Text(254, "email"),
        "notes": Text(2000, "lines"),
    },
    InsuranceCall: {
        "who": Text(200, required=_l("Write who you spoke with.")),
        "said": Text(5000, "lines"),
        "next_step": Text(300),
    },
    PaperworkDocument: {"name": Text(200, required=_l("Write the document's name."))},
    CarePlan: {
        "their_name": Text(120),
        "plan_name": Text(200),
        "member_number": Text(60),
        "group_number": Text(60),
        "preauth": Text(1000, "lines"),
        "next_step": Text(300),
    },
}
CHOICES = {
    JourneyEvent: {"kind": rules.EVENT_KINDS},
    Program: {
        "kind": rules.PROGRAM_KINDS,
        "insurance": rules.INSURANCE,
        "status": rules.PROGRAM_STATUSES,
    },
    CareContact: {"role": rules.CONTACT_ROLES},
}
FUTURE_DAY = _l("The date can't be later than today: this is a record of what has happened.")
# What a choice left out means (a file from an import may not say).
CHOICE_DEFAULTS = {"insurance": "unknown", "status": "to_call"}
# How each list reads, newest or first-added first.
ORDER = {
    JourneyEvent: (JourneyEvent.day.desc(), JourneyEvent.id.desc()),
    InsuranceCall: (InsuranceCall.day.desc(), InsuranceCall.id.desc()),
    Program: (Program.id,),
    CareContact: (CareContact.id,),
    PaperworkDocument: (PaperworkDocument.id,),
}


def today(user) -> date:
    """Today on the person's own calendar."""
    return clock.today_in(user.timezone)


def too_long(limit: int):
    """The message for text over ``limit`` characters (lazy: forms make theirs at import)."""
    return _l("Keep this to %(limit)s characters or fewer.", limit=format_count(limit))


def _clean_text(name: str, rule: Text, raw) -> str:
    if raw is not None and not isinstance(raw, str):
        raise FieldError(name, gettext("This must be text."))
    text = clean_text(raw or "").strip() if rule.shape == "lines" else clean_line(raw or "")
    if not text:
        if rule.required:
            raise FieldError(name, rule.required)
        return ""
    if len(text) > rule.limit:
        raise FieldError(name, too_long(rule.limit))
    if (check := SHAPE_CHECKS.get(rule.shape)) and (problem := check(text)):
        raise FieldError(name, problem)
    return rules.normalize_url(text) if rule.shape == "url" else text


def _check_day(values: dict, today_: date) -> None:
    day = values.get("day")
    if not isinstance(day, date):
        raise FieldError("day", gettext("Enter a date."))
    if day > today_:
        raise FieldError("day", FUTURE_DAY)


def clean(model, values: dict, today_: date) -> dict:
    """The values with text tidied and checked, or FieldError for the first rule broken."""
    cleaned = {}
    for name, labels in CHOICES.get(model, {}).items():
        value = values.get(name) or CHOICE_DEFAULTS.get(name)
        if value not in labels:
            raise FieldError(name, gettext("Choose one from the list."))
        cleaned[name] = value
    for name, rule in TEXT_RULES[model].items():
        cleaned[name] = _clean_text(name, rule, values.get(name))
    if "day" in model.PLAIN:
        _check_day(values, today_)
        cleaned["day"] = values["day"]
    if model is JourneyEvent:
        cleaned["medication"] = _medication(cleaned["kind"], values.get("medication"))
        if cleaned["medication"] is None:
            cleaned["dose"] = ""
    # Ticks and the "in hand" mark have buttons of their own; an edit form leaves them be.
    if model is Program and "checklist" in values:
        cleaned["checklist"] = rules.checklist_bits(values["checklist"] or [])
    if model is PaperworkDocument and "ready" in values:
        cleaned["ready"] = bool(values["ready"])
    return cleaned


def _medication(kind: str, medication) -> str | None:
    if kind not in rules.MEDICATION_KINDS:
        return None
    if medication not in rules.MEDICATIONS:
        raise FieldError("medication", gettext("Choose which medication."))
    return medication


def _fill(row, cleaned: dict) -> None:
    for name, value in cleaned.items():
        if name in row.SEALED:
            seal_optional(row, f"{name}_sealed", value)
        else:
            setattr(row, name, value)


def create(model, user, values: dict, today_: date):
    """Check and save a new row of ``model`` for ``user``; FieldError when a rule is broken."""
    cleaned = clean(model, values, today_)
    row = model(user_id=user.id, **{f"{name}_sealed": b"" for name in model.SEALED})
    _fill(row, {name: value for name, value in cleaned.items() if name not in model.SEALED})
    save_sealed(row, lambda r: _fill(r, cleaned))  # the seals need the row's id
    return row


def update(row, values: dict, today_: date) -> None:
    """Check and save new values for one of the person's rows."""
    cleaned = clean(type(row), values, today_)
    save_sealed(row, lambda r: _fill(r, cleaned))


def delete(row) -> None:
    """Delete one of the person's rows for good."""
    db.session.delete(row)
    db.session.commit()


def open_row(row) -> SimpleNamespace:
    """A row with its sealed text opened for its owner (a notice where it cannot be read)."""
    values = {name: getattr(row, name) for name in row.PLAIN}
    values.update({name: open_text(row, f"{name}_sealed") for name in row.SEALED})
    return SimpleNamespace(id=row.id, created_at=row.created_at, **values)


def items(model, user_id: int, *criteria) -> list[SimpleNamespace]:
    """A person's rows of one kind, opened, in the order their list shows them."""
    query = select(model).where(model.user_id == user_id, *criteria).order_by(*ORDER[model])
    return [open_row(row) for row in db.session.scalars(query)]


def count(model, user_id: int) -> int:
    """How many rows of one kind the person has."""
    query = select(func.count()).select_from(model).where(model.user_id == user_id)
    return db.session.scalar(query)


def owned_rows(model, user_id: int, ids: list[int]) -> list:
    """The person's rows among ``ids``, in the order asked (anyone else's are left out)."""
    rows = db.session.scalars(select(model).where(model.user_id == user_id, model.id.in_(ids)))
    found = {row.id: row for row in rows}
    return [found[i] for i in ids if i in found]


# Programs ----------------------------------------------------------------------------------------


def set_checklist(row: Program, keys: list[str]) -> None:
    """Tick exactly these questions for one program."""
    row.checklist = rules.checklist_bits(keys)
    row.updated_at = clock.now()
    db.session.commit()


# Paperwork ---------------------------------------------------------------------------------------


def toggle_document(row: PaperworkDocument) -> None:
    """Mark a document as in hand, or as still needed."""
    row.ready = not row.ready
    row.updated_at = clock.now()
    db.session.commit()


def add_suggested_documents(user) -> int:
    """Add the usual documents the person does not have on the list yet; returns how many."""
    have = {item.name.casefold() for item in items(PaperworkDocument, user.id)}
    # In the person's language: the names become their own text, like any document they add.
    suggested = [str(name) for name in rules.SUGGESTED_DOCUMENTS]
    missing = [name for name in suggested if name.casefold() not in have]
    for name in missing:
        create(PaperworkDocument, user, {"name": name}, today(user))
    return len(missing)


# The plan: insurance details and the next step ---------------------------------------------------


def plan_row(user_id: int) -> CarePlan | None:
    """The person's plan row, if they saved anything in it yet."""
    return db.session.scalar(select(CarePlan).where(CarePlan.user_id == user_id))


def plan_of(user_id: int) -> SimpleNamespace:
    """The person's plan opened (empty values when there is none yet)."""
    row = plan_row(user_id)
    if row is not None:
        return open_row(row)
    empty = {name: "" for name in CarePlan.SEALED}
    return SimpleNamespace(
        id=None, next_step_due=None, show_counter=False, count_from_kind=None, **empty
    )


def save_plan(user, values: dict) -> CarePlan:
    """Save some of the plan's text fields (the ones given), creating the plan if needed."""
    row = plan_row(user.id) or CarePlan(user_id=user.id)
    cleaned = {}
    for name in values.keys() & set(CarePlan.SEALED):
        cleaned[name] = _clean_text(name, TEXT_RULES[CarePlan][name], values[name])
    if "next_step_due" in values:
        cleaned["next_step_due"] = values["next_step_due"] if cleaned.get("next_step") else None
    save_sealed(row, lambda r: _fill(r, cleaned))
    return row


def set_next_step(user, text: str, due: date | None) -> None:
    """Write down the next step (it shows on the home page), with an optional day."""
    save_plan(user, {"next_step": text, "next_step_due": due})


def carry_next_step(user, call: dict) -> None:
    """A logged call's next step becomes the plan's next step, so it shows on the home page."""
    if (call.get("next_step") or "").strip():
        set_next_step(user, call["next_step"], None)
