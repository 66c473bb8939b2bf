"""Export a person's care plan as one JSON file, and import such a file back.

Import adds what the account does not have yet: a row equal to one already there is skipped,
so importing the same file twice changes nothing. Plan details (insurance, the next step) fill
only fields that are still empty; nothing the person already wrote is overwritten.
"""

import json
from datetime import date
from types import SimpleNamespace

from caregiver import clock
from caregiver.careplan import journey, rules, services
from caregiver.careplan.models import LISTS, CarePlan, InsuranceCall, JourneyEvent, Program
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import format_count, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.transfer import ImportReport, NotAnExport, parse_export

FORMAT = "caregiver-careplan"
VERSION = 1
MAX_ITEMS = 5_000
# The export's lists, in the order they are imported (events first: the counter points at one).
SECTIONS = dict(zip(("events", "programs", "contacts", "calls", "documents"), LISTS, strict=True))
# How a problem names the list its item came from ("Events 3: ...").
SECTION_NAMES = {
    "events": _l("Events"),
    "programs": _l("Programs"),
    "contacts": _l("Contacts"),
    "calls": _l("Calls"),
    "documents": _l("Documents"),
}
__all__ = ["ImportReport", "NotAnExport", "export_json", "import_data", "read_upload"]


def _item_dict(model, item) -> dict:
    data = {name: getattr(item, name) for name in (*model.PLAIN, *model.SEALED)}
    if "day" in data:
        data["day"] = data["day"].isoformat()
    if "checklist" in data:
        data["checklist"] = rules.ticked(data["checklist"])
    return data


def export_data(user) -> dict:
    """Everything in a person's care plan as plain data, decrypted."""
    plan = services.plan_of(user.id)
    events = services.items(JourneyEvent, user.id)
    count_from = None
    if plan.id is not None:
        row = db.session.get(CarePlan, plan.id)
        ids = [e.id for e in reversed(events)]
        if row.count_from_event_id in ids:
            count_from = {"event": ids.index(row.count_from_event_id)}
        elif row.count_from_kind:
            count_from = {"kind": row.count_from_kind}
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": clock.now().isoformat(),
        "timezone": user.timezone,
        "plan": {
            **{name: getattr(plan, name) for name in CarePlan.SEALED},
            "next_step_due": plan.next_step_due.isoformat() if plan.next_step_due else None,
            "show_counter": plan.show_counter,
            "count_from": count_from,  # "event": its place in the events list, oldest first
        },
    }
    for section, model in SECTIONS.items():
        opened = services.items(model, user.id)
        if model in (JourneyEvent, InsuranceCall):
            opened.reverse()  # oldest first, so the file reads as the story went
        data[section] = [_item_dict(model, item) for item in opened]
    return data


def export_json(user) -> bytes:
    """The export as a UTF-8 JSON document."""
    return json.dumps(export_data(user), ensure_ascii=False, indent=2).encode()


def read_upload(content: bytes) -> dict:
    """Parse an uploaded export, or raise NotAnExport."""
    data = parse_export(content, FORMAT, VERSION, "a care plan export", MAX_ITEMS)
    for section in SECTIONS:
        if not isinstance(data.get(section, []), list):
            raise NotAnExport(gettext("The export's %(section)s are not a list.", section=section))
    if sum(len(data.get(section, [])) for section in SECTIONS) > MAX_ITEMS:
        raise NotAnExport(
            gettext("Import at most %(num)s items at a time.", num=format_count(MAX_ITEMS))
        )
    return data


def _values(model, item) -> dict:
    if not isinstance(item, dict):
        raise ValueError(gettext("not an item"))
    values = {name: item.get(name) for name in (*model.PLAIN, *model.SEALED)}
    if "day" in values:
        values["day"] = date.fromisoformat(str(values["day"]))
    if model is Program:
        values["checklist"] = list(item.get("checklist") or [])
    return values


def _key(model, item) -> str:
    return json.dumps(_item_dict(model, item), sort_keys=True, default=str)


def import_data(user, data: dict) -> ImportReport:
    """Add the file's rows the care plan lacks; fill empty plan details."""
    report = ImportReport()
    today = services.today(user)
    event_ids: list[int | None] = []  # the row each event of the file is now, in file order
    for section, model in SECTIONS.items():
        seen = {_key(model, item): item.id for item in services.items(model, user.id)}
        for number, item in enumerate(data.get(section, []), start=1):
            row_id = None
            try:
                values = _values(model, item)
                key = _key(model, SimpleNamespace(**services.clean(model, values, today)))
            except (ValueError, TypeError) as error:
                report.problems.append(f"{SECTION_NAMES[section]} {number}: {error}")
            except FieldError as error:
                report.problems.append(f"{SECTION_NAMES[section]} {number}: {error.message}")
            else:
                if key in seen:
                    report.duplicates += 1
                else:
                    seen[key] = services.create(model, user, values, today).id
                    report.added += 1
                row_id = seen[key]
            if model is JourneyEvent:
                event_ids.append(row_id)
    _import_plan(user, data.get("plan"), event_ids, report)
    return report


def _import_plan(user, plan, event_ids: list[int | None], report: ImportReport) -> None:
    if not isinstance(plan, dict):
        return
    current = services.plan_of(user.id)
    empty = {
        name: plan[name]
        for name in CarePlan.SEALED
        if isinstance(plan.get(name), str) and plan[name] and not getattr(current, name)
    }
    if "next_step" in empty:
        try:
            empty["next_step_due"] = date.fromisoformat(str(plan.get("next_step_due")))
        except ValueError:
            empty["next_step_due"] = None
    try:
        if empty:
            services.save_plan(user, empty)
        if current.id is None or not current.show_counter:
            _import_counter(user, plan, event_ids)
    except FieldError as error:
        report.problems.append(gettext("Plan: %(problem)s", problem=error.message))


def _import_counter(user, plan: dict, event_ids: list[int | None]) -> None:
    count_from = plan.get("count_from") or {}
    source = ""
    if isinstance(count_from, dict) and isinstance(count_from.get("event"), int):
        if 0 <= count_from["event"] < len(event_ids) and event_ids[count_from["event"]]:
            source = f"event:{event_ids[count_from['event']]}"
    elif isinstance(count_from, dict) and count_from.get("kind") in rules.EVENT_KINDS:
        source = f"kind:{count_from['kind']}"
    if source:
        journey.set_counter(user, bool(plan.get("show_counter")), source)
