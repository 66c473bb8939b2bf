"""The care plan, the reminder settings and the reminder mail in Spanish: pages for a person
whose account speaks Spanish, and every kind of reminder mail as such a person receives it."""

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from careplan_helpers import add_contact, add_event, add_program
from group_helpers import make_group, make_meeting
from helpers import next_local, submit
from spanish_pages import assert_one_stop, assert_reads

from caregiver.extensions import db
from caregiver.goals import services as goal_services
from caregiver.groups import attendance
from caregiver.reminders import jobs, meeting_preferences, services
from caregiver.reminders.models import ReminderPreference

pytestmark = pytest.mark.time_dependent

PICKUP = timedelta(seconds=30)
# Nothing a subject may name, in either language.
TOPIC_WORDS = (
    "addict", "opioid", "heroin", "drug", "overdose", "relapse", "recovery", "loved one",
    "adic", "opioide", "droga", "sobredosis", "recaída", "recuperación", "ser querido",
)  # fmt: skip


def page_of(response) -> str:
    return response.get_data(as_text=True)


def assert_spanish(page: str, spanish=(), english=()):
    assert '<html lang="es">' in page
    assert_reads(page, spanish, english)


# Care plan pages ---------------------------------------------------------------------------------


def test_the_care_plan_overview_speaks_spanish(client, spanish_speaker):
    add_event(spanish_speaker, "back_in_treatment", 5)
    add_program(spanish_speaker)
    page = page_of(client.get("/careplan/"))
    assert_spanish(
        page,
        spanish=(
            "<h1>Plan de cuidado</h1>",
            "Próximo paso",
            "Anotar un paso",
            "Volvió al tratamiento",
            "Seguro y papeles",
            "Contactos de cuidado",
            "1 programa en su lista.",
        ),
        english=("Next step", "Write a next step", "Back in treatment", "Care contacts"),
    )


def test_a_program_form_shows_its_labels_and_problems_in_spanish(client, spanish_speaker):
    page = page_of(client.get("/careplan/programs/new"))
    assert_spanish(
        page,
        spanish=(
            "Agregar un programa",
            "Nombre del programa o servicio",
            "¿Acepta nuestro seguro?",
        ),
        english=("Name of the program or service", "Takes our insurance?", ">Cancel<"),
    )
    response = submit(
        client,
        "/careplan/programs/new",
        {"name": "", "kind": "outpatient", "status": "to_call", "insurance": "unknown"},
        page="/careplan/programs/new",
    )
    assert response.status_code == 400
    assert_spanish(
        page_of(response),
        spanish=("Escriba el nombre del programa.",),
        english=("Write the program's name.",),
    )
    response = submit(
        client,
        "/careplan/programs/new",
        {"name": "Casa Esperanza", "kind": "outpatient", "status": "to_call", "phone": "call me"},
        page="/careplan/programs/new",
    )
    assert "Escriba un teléfono con números" in page_of(response)
    response = submit(
        client,
        "/careplan/programs/new",
        {"name": "Casa Esperanza", "kind": "outpatient", "status": "called", "insurance": "no"},
        page="/careplan/programs/new",
    )
    page = page_of(client.get(response.headers["Location"]))
    assert_spanish(
        page,
        spanish=("Programa guardado.", "Opciones que está viendo", "Ya llamé"),
        english=("Program saved.", "Options you're researching", "questions asked"),
    )


def test_the_contacts_page_and_the_journey_speak_spanish(client, spanish_speaker):
    page = page_of(client.get("/careplan/contacts/"))
    assert_spanish(
        page,
        spanish=("Contactos de cuidado", "Todavía no hay contactos", "Agregar un contacto"),
        english=("No contacts yet", "Add a contact"),
    )
    add_contact(spanish_speaker, role="sponsor")
    page = page_of(client.get("/careplan/contacts/"))
    assert_spanish(page, spanish=("Padrino o contacto del grupo", "Editar"), english=("Edit<",))
    add_event(spanish_speaker, "relapse", 3)
    page = page_of(client.get("/careplan/journey/"))
    assert_spanish(
        page,
        spanish=("El camino de su ser querido", "Recaída", "Una recaída es común"),
        english=("Their journey", "A relapse is common"),
    )
    page = page_of(client.get("/careplan/summary"))
    assert_spanish(
        page, spanish=("Resumen de cuidado", "Medicinas de ahora"), english=("None recorded",)
    )


# Reminder settings and unsubscribing -------------------------------------------------------------

SETTINGS = "/account/reminders"


def test_the_reminder_settings_speak_spanish_and_say_saved(client, spanish_speaker):
    page = page_of(client.get(SETTINGS))
    assert_spanish(
        page,
        spanish=(
            "Correos de recordatorio",
            "Correo diario para escribir en el diario",
            "Horas de silencio",
            "Lunes",
            "Guardar recordatorios",
        ),
        english=("Reminder emails", "Quiet hours", "Monday", "Save reminder settings"),
    )
    fields = {"journal_on": "y", "journal_at": "20:00", "journal_days": []}
    response = submit(client, SETTINGS, fields)
    assert response.status_code == 400
    assert_spanish(
        page_of(response),
        spanish=("Elija al menos un día, o apague este correo.",),
        english=("Choose at least one day",),
    )
    fields["journal_days"] = ["0", "2", "4"]
    response = submit(client, SETTINGS, fields)
    assert response.status_code == 302
    assert_spanish(
        page_of(client.get(SETTINGS)),
        spanish=("Sus recordatorios están guardados.",),
        english=("Your reminder settings are saved.",),
    )


# Reminder mail -----------------------------------------------------------------------------------


def drive(pinned_clock, start: datetime, end: datetime) -> None:
    """Run the scheduler at each moment something falls due, up to ``end``."""
    now = start
    while True:
        due = db.session.scalar(sa.select(sa.func.min(ReminderPreference.next_due_at)))
        if due is None or due > end:
            return
        now = max(now, due + PICKUP)
        pinned_clock.move_to(now)
        jobs.run_once()


def test_every_kind_of_reminder_mail_arrives_in_spanish(app, make_user, mailbox, pinned_clock):
    app.config["BASE_URL"] = "https://caregiver.example"
    start = next_local(time(12, 0), UTC, weekday=0)  # a Monday
    pinned_clock.move_to(start)
    person = make_user(email="rosa@example.org")
    person.timezone, person.language = "America/Chicago", "es"
    db.session.commit()
    services.set_journal_nudge(person, True, time(20, 0), frozenset(range(7)), now=start)
    goal_services.create_goal(person, goal_services.GoalData("Caminar", 7, time(8, 0)))
    services.set_goal_reminders(person, True, now=start)
    services.set_weekly_summary(person, True, now=start)
    group = make_group(make_user(role="facilitator"))
    make_meeting(group)  # Tuesdays 19:00 America/Chicago
    attendance.follow(person, group)
    kinds = {"meeting_day_before", "meeting_hour_before"}
    meeting_preferences.set_meeting_reminders(person, kinds, now=start)
    drive(pinned_clock, start, start + timedelta(days=7))

    received = {}
    for message in mailbox.to(person.email):
        received.setdefault(str(message["Subject"]), []).append(message)
    expected = {
        "Su pausa de la noche": "Esta es la pausa de las 8:00 p.m. que usted eligió.",
        "Un recordatorio que puso para las 8:00 a.m.": "A las 8:00 a.m. toca una de las cosas",
        "Recordatorio: grupo familiar del martes": "Su grupo se reúne mañana: ",
        "Su semana en resumen": "Aquí está su semana, solo en números.",
    }
    assert set(expected) <= set(received), sorted(received)
    soon = [
        m
        for m in received["Recordatorio: grupo familiar del martes"]
        if "en más o menos una hora" in m.get_body(("plain",)).get_content()
    ]
    assert soon, "no hour-before reminder in Spanish"
    for subject, words in expected.items():
        message = received[subject][0]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert '<html lang="es">' in html
        for body in (text, html):
            assert "Hola, " in body and words in body, (subject, body)
            assert "Recibe este correo porque lo pidió en Caregiver." in body
            assert "Si alguien está en peligro, llame al 911." in body
            assert_reads(
                body, english=("Hello", "You get this because", "If someone is in danger", "Stop")
            )
            assert_one_stop(body)
        assert [word for word in TOPIC_WORDS if word in subject.lower()] == [], subject
    weekly = received["Su semana en resumen"][0].get_body(("plain",)).get_content()
    assert "Metas para cuidarse cumplidas: 0." in weekly
