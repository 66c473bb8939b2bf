"""The shared pages and the main area in Spanish: landing, home, crisis help, privacy, the More
page, error pages and a refused form, with no English left in what they say."""

from helpers import log_in
from spanish_pages import SPANISH, assert_reads, lang_of, page_text

from caregiver.extensions import db


def spanish_person(make_user, role="caregiver"):
    person = make_user(role=role, name="Ana")
    person.language = "es"
    db.session.commit()
    return person


def test_a_spanish_visitor_reads_the_landing_page_in_spanish(client):
    response = client.get("/", headers=SPANISH)
    assert lang_of(response) == "es"
    page = page_text(response)
    assert_reads(
        page,
        spanish=(
            "No tiene que cargar con esto sin ayuda",
            "Crear una cuenta gratis",
            "¿Alguien está en peligro ahora mismo?",
            "Nuestra promesa de privacidad",
            '"No te voy a dar dinero en efectivo"',
            # 988 comes with how to reach it in Spanish.
            "En español: llame al 988 y oprima el 2, o envíe la palabra AYUDA al 988.",
        ),
    )
    assert 'Si alguien no se despierta o no respira, llame al <a href="tel:911">911</a> ahora.' in (
        page
    )
    assert_reads(
        page, english=("You don't have to carry this alone", "Create a free account", "Log in")
    )


def test_a_new_spanish_speaker_gets_a_spanish_home_page(client, make_user):
    log_in(client, spanish_person(make_user))
    response = client.get("/dashboard", headers={"Accept-Language": "en"})
    assert lang_of(response) == "es"
    page = page_text(response)
    assert_reads(
        page,
        spanish=(
            "Hola, Ana",
            "Respire hondo.",
            "¿Necesita ayuda ahora mismo?",
            'Sobredosis o peligro: llame al <a href="tel:911">911</a>.',
            'Crisis: llame o envíe un mensaje de texto al <a href="tel:988">988</a>.',
            "Toda la ayuda en una crisis",
        ),
        english=("Hello, Ana", "Take a breath", "Need help right now?", "All crisis help"),
    )


def test_crisis_help_in_spanish_reads_the_spanish_texts_of_the_data(client):
    response = client.get("/help", headers=SPANISH)
    assert lang_of(response) == "es"
    page = page_text(response)
    assert_reads(
        page,
        spanish=(
            "Busque ayuda ahora",
            "Emergencia: llame al 911",
            "Llamar al 988",
            "Mensaje al 988",
            "988 Línea de Prevención del Suicidio y Crisis",
            "En español: llame al 988 y oprima el 2, o envíe la palabra AYUDA al 988.",
            "AYUDA (mensaje de texto al 988)",
            "Si tuvo una sobredosis",
            "Estos números son para: <strong>Estados Unidos</strong>.",
            "TTY (teléfono de texto):",
        ),
        english=(
            "Get help now",
            "In Spanish: call 988",
            "Suicide &amp; Crisis Lifeline",
            "If they have overdosed",
            "United States",
        ),
    )
    # The footer's crisis line and another country's page speak Spanish too.
    assert "¿Está en crisis? Busque ayuda ahora" in page
    other = page_text(client.get("/help/gb", headers=SPANISH))
    assert "Estos números son para: <strong>Reino Unido</strong>." in other


def test_the_offline_page_follows_the_page_language_and_keeps_the_deployments_country(client):
    page = page_text(client.get("/offline", headers=SPANISH))
    assert "No tiene conexión" in page and "Las llamadas funcionan sin internet." in page
    assert "Emergencia: llame al 911" in page
    assert "En español: llame al 988 y oprima el 2" in page
    assert "You're offline" not in page and "Talk to someone" not in page


def test_privacy_and_more_pages_in_spanish(client, make_user):
    page = page_text(client.get("/privacy", headers=SPANISH))
    assert "Cómo protegemos su privacidad" in page and "<strong>Salir rápido</strong>" in page
    assert "How we protect your privacy" not in page and "What we never do" not in page
    log_in(client, spanish_person(make_user))
    response = client.get("/more")
    assert lang_of(response) == "es"
    page = page_text(response)
    assert "<h1>Más</h1>" in page and "Cerrar sesión" in page
    welcome = page_text(client.get("/welcome"))
    assert "Le damos la bienvenida, Ana" in welcome and "Welcome" not in welcome


def test_an_error_page_in_spanish(client):
    response = client.get("/no-such-page", headers=SPANISH)
    assert response.status_code == 404
    assert lang_of(response) == "es"
    page = page_text(response)
    assert "No encontramos esa página" in page
    assert "Puede que el enlace sea viejo o que la página haya cambiado de lugar." in page
    assert "We couldn't find that page" not in page
    answer = client.get("/no-such-page", headers={**SPANISH, "Accept": "application/json"})
    assert answer.get_json()["error"] == "No encontramos esa página"


def test_a_refused_form_says_so_in_spanish(client, make_user):
    person = make_user()
    fields = {"email": person.email, "password": "whatever it was"}
    refused = client.post("/auth/login", data=fields, headers=SPANISH)
    assert refused.status_code == 400
    page = page_text(refused)
    assert "Esta página estuvo abierta mucho tiempo, así que todavía no pudimos enviarla." in page
    assert "Por su seguridad, nunca guardamos contraseñas: escriba la suya otra vez." in page
    assert "This page was open for a long time" not in page
    # A button alone has nothing to keep: the plain refusal page, in Spanish.
    bare = page_text(client.post("/auth/logout", headers=SPANISH))
    assert "Este formulario había caducado" in bare and "This form had expired" not in bare


def test_an_admin_reads_the_admin_pages_in_spanish(client, make_user):
    log_in(client, spanish_person(make_user, role="admin"))
    page = page_text(client.get("/admin/"))
    assert_reads(
        page, spanish=("Correo saliente", "Solicitudes para dirigir grupos", "No hay solicitudes")
    )
    assert "Outgoing mail" not in page and "Facilitator requests" not in page
    outbox = page_text(client.get("/admin/outbox"))
    assert "Mensajes fallidos" in outbox and "No hay mensajes fallidos" in outbox
    assert "Failed messages" not in outbox
