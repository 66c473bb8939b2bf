"""Building care plans for the tests: one of everything, written through the services."""

from datetime import timedelta

from caregiver.careplan import journey, services
from caregiver.careplan.models import (
    CareContact,
    InsuranceCall,
    JourneyEvent,
    PaperworkDocument,
    Program,
)


def add_event(user, kind="assessment", days_ago=10, **values):
    """One journey event, ``days_ago`` days before the person's today."""
    day = services.today(user) - timedelta(days=days_ago)
    fields = {"day": day, "kind": kind, "medication": None, "dose": "", "note": "", **values}
    return services.create(JourneyEvent, user, fields, services.today(user))


def add_program(user, name="Harbor House", **values):
    fields = {"name": name, "kind": "residential", "status": "to_call", "insurance": "unknown"}
    return services.create(Program, user, {**fields, **values}, services.today(user))


def add_contact(user, name="Dr. Rivera", **values):
    fields = {"name": name, "role": "doctor", "phone": "555-0100", **values}
    return services.create(CareContact, user, fields, services.today(user))


def fill_everything(user, marker=""):
    """One row of every kind, every text field carrying ``marker``; returns the rows by kind."""
    today = services.today(user)
    m = marker
    event = add_event(user, "medication", 40, medication="buprenorphine", dose=f"{m} 8 mg")
    add_event(user, "relapse", 20, note=f"{m} a hard week")
    program = add_program(
        user,
        f"{m} Harbor House",
        phone="(555) 010-2000 ext. 4",
        website="harbor.example.org/" + m.replace(" ", "-"),
        address=f"{m} 1 Pier Road",
        waitlist=f"{m} two weeks",
        cost=f"{m} sliding scale",
        notes=f"{m} kind intake nurse",
        checklist=["accredited", "moud"],
    )
    contact = add_contact(user, f"{m} Dr. Rivera", email="rivera@example.org", notes=f"{m} calm")
    call = {
        "day": today,
        "who": f"{m} insurer",
        "said": f"{m} need a form",
        "next_step": f"{m} fax",
    }
    services.create(InsuranceCall, user, call, today)
    services.create(PaperworkDocument, user, {"name": f"{m} photo ID", "ready": True}, today)
    services.save_plan(
        user,
        {
            "their_name": f"{m} Sam",
            "plan_name": f"{m} Blue Plan",
            "member_number": f"{m}-M123",
            "group_number": f"{m}-G456",
            "preauth": f"{m} PA-789",
        },
    )
    services.set_next_step(user, f"{m} call insurer back Tuesday", today + timedelta(days=2))
    journey.set_counter(user, True, f"event:{event.id}")
    return {"event": event, "program": program, "contact": contact}
