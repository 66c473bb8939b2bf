"""Accounts in Spanish: the account, security, two-step and app lock pages, their messages, and
the account mail a Spanish-speaking person receives, whatever their browser says."""

import re

from helpers import PASSWORD, log_in, submit, text_of
from spanish_pages import ENGLISH_BROWSER, assert_reads, spanish_page
from test_two_step import turn_on

from caregiver.auth.models import FacilitatorRequest
from caregiver.extensions import db

# Words a subject must never carry: mail previews are seen by whoever holds the phone.
NOT_IN_A_SUBJECT = re.compile(
    r"adicci|droga|opioide|opiáceo|recupera[cr]|sobredosis|tratamiento|consumo|addict|drug",
    re.IGNORECASE,
)


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def assert_spanish_mail(message, subject_words: str, body_words: str, english: str):
    subject = message["Subject"]
    assert subject_words in subject, subject
    assert not NOT_IN_A_SUBJECT.search(subject), subject
    text, html = text_of(message), html_of(message)
    assert '<html lang="es">' in html
    for body in (text, html):
        assert body_words in body
        assert english not in body
        # The shared frame's footer, with how to reach 988 in Spanish.
        assert "llame al 911" in body and "AYUDA" in body
        assert "If someone is in danger" not in body


def test_the_account_page_speaks_spanish(client, spanish_speaker):
    page = spanish_page(client, "/account")
    assert_reads(
        page,
        spanish=(
            "<h1>Su cuenta</h1>",
            "Sesión iniciada como",
            "Sus datos",
            "Guardar datos",
            "Cambiar su contraseña",
            "Inicio de sesión en dos pasos",
            "Bloqueo en este aparato",
            "¿Dirige un grupo de apoyo para familias?",
            "Eliminar su cuenta",
        ),
        english=(
            "Your account",
            "Signed in as",
            "Save details",
            "Change your password",
            "Two-step sign-in",
            "Delete your account",
            "Add to home screen",
        ),
    )


def test_a_wrong_current_password_is_refused_in_spanish(client, spanish_speaker):
    response = submit(
        client,
        "/account/password",
        {"current_password": "not my password at all", "new_password": "a brand new phrase"},
        page="/account",
        headers=ENGLISH_BROWSER,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Esa no es su contraseña actual." in page
    assert "That isn&#39;t your current password." not in page


def test_a_saved_change_is_said_in_spanish(client, spanish_speaker):
    response = submit(
        client, "/account/discreet", {"discreet": "y"}, page="/account", headers=ENGLISH_BROWSER
    )
    page = client.get(response.headers["Location"], headers=ENGLISH_BROWSER).get_data(as_text=True)
    assert "El modo discreto está activado." in page
    assert "Discreet mode is on." not in page


def test_the_security_page_speaks_spanish(client, spanish_speaker):
    page = spanish_page(client, "/account/security")
    assert_reads(
        page,
        spanish=(
            "<h1>Inicio de sesión y seguridad</h1>",
            "Dónde tiene la sesión abierta",
            "Este aparato",
            "Lo que pasó últimamente",
            # The log's entries are named in Spanish too.
            "<strong>Inició sesión</strong>",
            "¿Hay algo aquí que no hizo usted?",
        ),
        english=(
            "Where you&#39;re signed in",
            "This device",
            "What happened lately",
            "Signed in<",
        ),
    )


def test_two_step_set_up_speaks_spanish(client, spanish_speaker):
    page = spanish_page(client, "/account/two-step")
    assert "Con el inicio de sesión en dos pasos" in page
    assert "Activar los dos pasos" in page
    assert "Set up two-step sign-in" not in page
    submit(client, "/account/two-step/start", page="/account/two-step", headers=ENGLISH_BROWSER)
    page = spanish_page(client, "/account/two-step/setup")
    assert_reads(
        page,
        spanish=(
            "Abra su aplicación de autenticación y elija agregar una cuenta.",
            "Escanee esto con su aplicación de autenticación.",
            "Código QR para su aplicación de autenticación",
            "Código de 6 dígitos de su aplicación",
        ),
        english=("Scan the QR code", "QR code for your authenticator app", "Turn on two-step"),
    )
    # A code of the wrong shape is refused in Spanish, next to its field.
    response = submit(client, "/account/two-step/setup", {"code": "12"}, headers=ENGLISH_BROWSER)
    assert response.status_code == 400
    assert "Escriba los 6 dígitos que muestra su aplicación" in response.get_data(as_text=True)


def test_the_suggested_passkey_name_is_in_spanish(client, spanish_speaker):
    android = "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/126.0 Mobile Safari/537.36"
    page = client.get("/account/passkeys", headers={"User-Agent": android} | ENGLISH_BROWSER)
    assert 'value="Chrome en Android"' in page.get_data(as_text=True)


def test_the_app_lock_page_and_its_pin_rule_speak_spanish(client, spanish_speaker):
    page = spanish_page(client, "/account/lock")
    assert_reads(
        page,
        spanish=("Bloqueo de la aplicación", "Activar el bloqueo", "5 minutos", "Elija un PIN"),
    )
    assert "Turn on the app lock" not in page and "App lock" not in page
    response = submit(
        client,
        "/account/lock",
        {"minutes": "5", "pin": "12ab", "pin_again": "12ab"},
        headers=ENGLISH_BROWSER,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Use de 4 a 6 dígitos, solo números." in page
    assert "numbers only" not in page


def test_a_visitor_with_a_spanish_browser_gets_spanish_sign_in_messages(client, make_user):
    person = make_user()
    response = submit(
        client,
        "/auth/login",
        {"email": person.email, "password": "wrong password here"},
        headers={"Accept-Language": "es"},
    )
    page = response.get_data(as_text=True)
    assert "Ese correo y esa contraseña no coinciden con ninguna cuenta." in page
    assert "don&#39;t match an account" not in page
    page = client.get("/auth/reset", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Cambie su contraseña" in page and "Enviar enlace" in page
    assert "Reset your password" not in page


def test_account_mail_speaks_spanish_with_discreet_subjects(app, client, make_user, mailbox):
    person = make_user(email="ana@example.org", name="Ana")
    person.language = "es"
    db.session.commit()

    submit(client, "/auth/reset", {"email": person.email}, headers=ENGLISH_BROWSER)
    message = mailbox.last_to(person.email)
    assert_spanish_mail(
        message,
        "Elija una contraseña nueva para Caregiver",
        "Abra este enlace para elegir una contraseña nueva",
        "Open this link",
    )
    assert "Hola, Ana:" in text_of(message)

    # Changing the password from the account: "your password was changed".
    log_in(client, person)
    submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "una frase nueva y larga"},
        page="/account",
    )
    assert_spanish_mail(
        mailbox.last_to(person.email),
        "Cambió su contraseña de Caregiver",
        "acaba de cambiar",
        "was just changed",
    )

    # Asking for a new email address: the confirmation goes to the new one.
    submit(
        client,
        "/account/email",
        {"email": "ana.nueva@example.org", "password": "una frase nueva y larga"},
        page="/account",
    )
    assert_spanish_mail(
        mailbox.last_to("ana.nueva@example.org"),
        "Confirme su correo nuevo para Caregiver",
        "Usted pidió usar este correo",
        "Confirm this address",
    )


def test_a_security_notice_and_a_facilitator_answer_arrive_in_spanish(app, make_user, mailbox):
    person, admin = make_user(email="luz@example.org"), make_user(role="admin")
    person.language = "es"
    db.session.commit()
    client = app.test_client()
    log_in(client, person)
    # Turning on two-step sign-in mails a notice that names the change in the log's words.
    turn_on(client)
    assert_spanish_mail(
        mailbox.last_to(person.email),
        "Un cambio en cómo entra a Caregiver",
        "Inicio de sesión en dos pasos activado",
        "Two-step sign-in turned on",
    )
    submit(
        client,
        "/account/facilitator",
        {"note": "Dirijo el grupo de familias de los martes en la parroquia."},
    )
    admin_client = app.test_client()
    log_in(admin_client, admin)
    request_id = db.session.scalar(db.select(FacilitatorRequest.id))
    submit(admin_client, f"/admin/requests/{request_id}/approve", page="/admin/")
    assert_spanish_mail(
        mailbox.last_to(person.email),
        "Ya puede publicar reuniones en Caregiver",
        "Aprobamos su solicitud",
        "was approved",
    )


def test_a_discreet_spanish_subject_names_no_topic(client, make_user, mailbox):
    person = make_user(email="notas@example.org")
    person.language, person.discreet = "es", True
    db.session.commit()
    submit(client, "/auth/reset", {"email": person.email}, headers=ENGLISH_BROWSER)
    message = mailbox.last_to(person.email)
    assert message["Subject"] == "Elija una contraseña nueva para Notes"
