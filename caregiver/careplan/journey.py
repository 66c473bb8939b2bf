"""The loved one's journey: the timeline, current medications and the days-since counter."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from caregiver import clock
from caregiver.careplan import rules, services
from caregiver.careplan.models import CareContact, CarePlan, JourneyEvent, Program
from caregiver.extensions import db
from caregiver.i18n import format_when


@dataclass
class Counter:
    """Days since an event, as the person chose to show it."""

    days: int
    label: str
    since: date


def timeline(user_id: int, kind: str | None = None) -> list[SimpleNamespace]:
    """The person's events newest first (ties: the later written first), maybe of one kind."""
    criteria = [JourneyEvent.kind == kind] if kind in rules.EVENT_KINDS else []
    return services.items(JourneyEvent, user_id, *criteria)


def describe(event: SimpleNamespace) -> str:
    """An event in a few words: its kind and day."""
    return f"{rules.EVENT_KINDS[event.kind]}, {format_when(event.day, 'date')}"


def kinds_used(events: list[SimpleNamespace]) -> list[tuple[str, str]]:
    """The kinds present in a timeline, as (key, label) in the form's order, for the filter."""
    present = {event.kind for event in events}
    return [(key, label) for key, label in rules.EVENT_KINDS.items() if key in present]


def current_medications(events: list[SimpleNamespace]) -> list[SimpleNamespace]:
    """Medications taken now: the latest event of each, unless that one says it stopped.

    ``events`` is a timeline, newest first.
    """
    latest = {}
    for event in events:
        if event.kind in rules.MEDICATION_KINDS and event.medication not in latest:
            latest[event.medication] = event
    return [e for e in latest.values() if e.kind == "medication"]


def summary(user_id: int) -> dict:
    """What the printable summary shows: the timeline, medications, contacts, chosen programs."""
    events = timeline(user_id)
    return {
        "plan": services.plan_of(user_id),
        "events": events,
        "medications": current_medications(events),
        "contacts": services.items(CareContact, user_id),
        "chosen": services.items(Program, user_id, Program.status == "chosen"),
    }


def counter(user_id: int, today: date, events: list[SimpleNamespace]) -> Counter | None:
    """The days-since counter, when the person turned it on and its event still exists."""
    plan = services.plan_row(user_id)
    if plan is None or not plan.show_counter:
        return None
    if plan.count_from_event_id is not None:
        chosen = next((e for e in events if e.id == plan.count_from_event_id), None)
    else:
        chosen = next((e for e in events if e.kind == plan.count_from_kind), None)
    if chosen is None:
        return None
    return Counter((today - chosen.day).days, rules.EVENT_KINDS[chosen.kind], chosen.day)


def set_counter(user, show: bool, count_from: str) -> None:
    """Show or hide the counter, counting from ``event:<id>`` or ``kind:<key>``.

    ValueError when showing it from an event that is not the person's own or an unknown kind;
    hiding it keeps the last choice for next time.
    """
    try:
        event_id, kind = _count_source(user.id, count_from)
    except ValueError:
        if show:
            raise
        event_id = kind = None
    plan = services.plan_row(user.id) or CarePlan(user_id=user.id)
    db.session.add(plan)
    plan.show_counter = show
    if event_id or kind:
        plan.count_from_event_id, plan.count_from_kind = event_id, kind
    plan.updated_at = clock.now()
    db.session.commit()


def _count_source(user_id: int, count_from: str) -> tuple[int | None, str | None]:
    source, _, value = count_from.partition(":")
    if source == "event" and value.isdigit() and len(value) < 12:
        if services.owned_rows(JourneyEvent, user_id, [int(value)]):
            return int(value), None
    elif source == "kind" and value in rules.EVENT_KINDS:
        return None, value
    raise ValueError("nothing of theirs to count from")


def count_from_value(user_id: int) -> str:
    """The counter's current choice as the form's value (``event:<id>`` or ``kind:<key>``)."""
    plan = services.plan_row(user_id)
    if plan is None:
        return "kind:back_in_treatment"
    if plan.count_from_event_id is not None:
        return f"event:{plan.count_from_event_id}"
    return f"kind:{plan.count_from_kind}" if plan.count_from_kind else ""
