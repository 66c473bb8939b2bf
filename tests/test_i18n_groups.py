"""Meetings and groups in Spanish: the finder and its filters, a meeting's page, a group's page,
the facilitator's forms and the messages after an RSVP."""

import re
from zoneinfo import ZoneInfo

import pytest
from group_helpers import make_group, make_meeting
from helpers import log_in, submit
from spanish_pages import SPANISH, assert_reads, lang_of, page_text

from caregiver import clock
from caregiver.extensions import db

pytestmark = pytest.mark.time_dependent


def in_spanish(person):
    person.language = "es"
    db.session.commit()
    return person


@pytest.fixture
def facilitator(make_user):
    return make_user(role="facilitator", name="Dana Facilitator")


@pytest.fixture
def meeting(facilitator):
    group = make_group(facilitator, languages=("es", "en"), description="Familias, bienvenidas.")
    return make_meeting(group, language="es", mode="hybrid", conference_url="https://zoom.us/j/1")


def test_a_spanish_visitor_finds_meetings_with_spanish_filters(client, meeting):
    response = client.get("/meetings/", headers=SPANISH)
    page = page_text(response)
    assert lang_of(response) == "es"
    assert_reads(
        page,
        spanish=(
            "Buscar una reunión para familias",
            "No necesita una cuenta para ir",
            "Esta noche",
            "Este fin de semana",
            "Próximas 2 semanas",
            "Más filtros",
            "Cualquier día",
            "Cualquier idioma",
            ">Español</option>",
            ">Vietnamita</option>",
            "En persona o en línea",
            "Springfield y en línea",
            "Ver reuniones",
        ),
    )
    # One meeting is left in the window on the evening its weekly meeting has just ended.
    count = re.search(r"(\d+) (reunión|reuniones) en las próximas 2 semanas\.", page)
    assert count
    assert (count[2] == "reunión") == (count[1] == "1")
    assert_reads(
        page,
        english=(
            "Find a family meeting",
            "More filters",
            "Any language",
            "This weekend",
            "Show meetings",
            "in the next 2 weeks",
            "and online",
            ">Spanish<",
        ),
    )

    # A filter that finds nothing says so in Spanish.
    empty = page_text(client.get("/meetings/", query_string={"q": "zzz"}, headers=SPANISH))
    assert "Ninguna reunión coincide" in empty and "Ver reuniones en línea" in empty
    assert "No meetings match" not in empty


def meeting_in_progress(meeting) -> bool:
    """Whether the weekly meeting is being held at the pinned instant, on its own clock."""
    local = clock.now().astimezone(ZoneInfo(meeting.timezone))
    held = local.weekday() in meeting.weekday_list
    return held and meeting.start_time <= local.time() < meeting.end_time


def test_a_meeting_page_and_a_group_page_speak_spanish(client, meeting):
    response = client.get(f"/meetings/{meeting.id}", headers=SPANISH)
    page = page_text(response)
    assert lang_of(response) == "es"
    # A meeting being held right now heads its dates "Now and next" (on a leap day's evening,
    # for one, which is a Tuesday in 2028).
    if meeting_in_progress(meeting):
        dates_heading, english_heading = "Ahora y próximas", "Now and next"
    else:
        dates_heading, english_heading = "Próximas fechas", "Next dates"
    assert_reads(
        page,
        spanish=(
            "Cada martes",
            "(hora de Chicago)",  # the meeting's clock, named by its city
            "Todas las reuniones",
            dates_heading,
            "Dónde",
            "Unirse en línea",
            "Sobre esta reunión",
            "Abierta a todos",
            "Agregar a mi calendario (.ics)",
            "para decir que irá o para seguir el grupo",
        ),
    )
    # The meeting's language is named in the language of the page.
    assert '<li class="tag">Español</li>' in page
    assert_reads(
        page, english=("Every Tuesday", english_heading, "About this meeting", "Open to anyone")
    )
    assert '<li class="tag">Spanish</li>' not in page

    group = page_text(client.get(f"/groups/{meeting.group.slug}", headers=SPANISH))
    assert_reads(
        group,
        spanish=("Todos los grupos", "Grupo de apoyo para familias", "Español, Inglés"),
        english=("All groups", "Family support group", "Spanish, English", "Log in</a> to"),
    )
    listing = page_text(client.get("/groups/", headers=SPANISH))
    assert "Grupos de apoyo" in listing and "Support groups" not in listing


def test_an_rsvp_is_confirmed_in_spanish(client, make_user, meeting):
    person = in_spanish(make_user())
    log_in(client, person)
    page = f"/meetings/{meeting.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Voy a ir</button>" in html and "¿A qué fechas va a venir?" in html
    first = re.findall(r'name="on_day" value="([0-9-]+)"', html)[0]
    done = submit(client, f"{page}/attend", {"on_day": [first]}, page=page, follow_redirects=True)
    shown = page_text(done)
    assert "Anotado: piensa venir el " in shown and "Piensa ir" in shown
    assert "Guardar mis fechas</button>" in shown
    assert "Noted: you plan to come" not in shown and "You plan to go" not in shown

    nothing = submit(client, f"{page}/attend", {}, page=page, follow_redirects=True)
    assert "Quitado de sus planes: " in page_text(nothing)

    followed = submit(
        client, f"/groups/{meeting.group.slug}/follow", page=page, follow_redirects=True
    )
    shown = page_text(followed)
    assert "Ahora sigue a Springfield Families." in shown and "Usted sigue este grupo" in shown
    assert "You follow" not in shown


def test_a_facilitator_fills_the_meeting_form_in_spanish(client, facilitator, meeting):
    log_in(client, in_spanish(facilitator))
    url = f"/groups/{meeting.group.slug}/meetings/new"
    form = page_text(client.get(url))
    assert_reads(
        form,
        spanish=(
            "Agregar una reunión",
            "Nombre de la reunión",
            "Cada cuánto",
            "Semanal",
            "Una sola vez",
            "Zona horaria de la reunión",
            "Quién puede venir",
            "Acceso para silla de ruedas",
            "Mostrar el enlace a todos",
            "Agregar reunión",
            ">Martes<",
        ),
        english=("Meeting name", "How often", "Who can come", "Add meeting", ">Tuesday<"),
    )

    # A meeting that ends before it starts is refused with the reason, in Spanish.
    refused = submit(
        client,
        url,
        {
            "name": "Reunión de familias",
            "repeat": "weekly",
            "weekdays": ["1"],
            "first_day": "2030-01-01",
            "start_time": "20:00",
            "end_time": "19:00",
            "timezone": "America/Chicago",
            "mode": "online",
            "conference_url": "https://zoom.us/j/2",
            "open_to_all": "yes",
            "language": "es",
        },
    )
    assert refused.status_code == 400
    shown = page_text(refused)
    assert "La reunión debe terminar después de empezar." in shown
    assert "The meeting must end after it starts." not in shown

    missing = page_text(submit(client, url, {"repeat": "weekly"}))
    assert "Póngale un nombre a la reunión." in missing
    assert "Give the meeting a name." not in missing

    manage = page_text(client.get(f"/groups/{meeting.group.slug}/manage"))
    assert "Escribir a los seguidores" in manage and "Message followers" not in manage
    dates = page_text(client.get(f"/groups/meetings/{meeting.id}/dates"))
    assert "Cancelar o cambiar una fecha" in dates and "Cancel this date" not in dates
