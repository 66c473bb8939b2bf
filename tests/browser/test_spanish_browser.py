"""Spanish in the browser: what the page's script writes itself speaks the page's language, and
a person who chose Spanish reads it whatever language their browser asks for."""

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from caregiver.auth import services as auth_services
from caregiver.extensions import db

pytestmark = pytest.mark.one_instant  # words, not dates
EMAIL = "lucia@example.org"


def test_the_scripts_words_are_spanish_for_a_spanish_speaker(page, live_server, check):
    base = live_server.config["BASE_URL"]
    with live_server.app_context():
        person = auth_services.create_user(
            EMAIL, "Lucía", PASSWORD, "America/Los_Angeles", verified=True
        )
        person.language = "es"
        db.session.commit()

    # The browser asks for English: the log-in page follows it until the person is known.
    page.goto(base + "/auth/login")
    show = page.get_by_role("button", name="Show password")
    expect(show).to_have_text("Show")
    page.goto(base + "/language/es")  # the footer's switch, as a visitor follows it
    page.goto(base + "/auth/login")
    show = page.get_by_role("button", name="Mostrar la contraseña")
    expect(show).to_have_text("Mostrar")
    show.click()
    expect(page.get_by_role("button", name="Mostrar la contraseña")).to_have_text("Ocultar")
    page.get_by_label("Correo electrónico").fill(EMAIL)
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Entrar", exact=True).click()
    expect(page).to_have_url(base + "/dashboard")

    # A draft kept on the phone, offered again after the tab closed, in Spanish.
    page.goto(base + "/journal/new")
    page.get_by_label("¿Qué tiene en mente?").fill("Hoy fue un día largo.")
    expect(page.get_by_text("Borrador guardado en este aparato a las")).to_be_visible()
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(base + "/journal/new")
    expect(page.get_by_text("Tiene un borrador sin guardar de las")).to_be_visible()
    check(page, "draft-offered-in-spanish")
    page.get_by_role("button", name="Recuperar el borrador").click()
    expect(page.get_by_label("¿Qué tiene en mente?")).to_have_value("Hoy fue un día largo.")
    expect(page.get_by_role("button", name="Descartar el borrador")).to_have_count(0)
