"""Languages: which one a page speaks, the footer's switch, and the choice kept on the account."""

import ast
import json
import re
from datetime import date, datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import catalogs
import pytest
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask_babel import force_locale
from helpers import csrf_token, submit
from spanish_pages import SPANISH, assert_reads, lang_of

from caregiver import charts, i18n
from caregiver.extensions import db
from caregiver.goals import boundaries, services

SCRIPT_WORDS_RE = re.compile(r'<script type="application/json" id="script-words">(.*?)</script>')


def switch_link(response, code: str) -> str:
    """The footer's link to ``code``, as a visitor without JavaScript would follow it."""
    page = response.get_data(as_text=True)
    found = re.search(rf'<a href="([^"]+)" hreflang="{code}"', page)
    assert found, "no language link for " + code
    return unescape(found.group(1))


def test_a_visitor_gets_the_language_of_their_browser(client):
    assert lang_of(client.get("/")) == "en"
    assert lang_of(client.get("/", headers={"Accept-Language": "es"})) == "es"
    assert lang_of(client.get("/help", headers={"Accept-Language": "es-MX,es;q=0.9"})) == "es"
    # A language the app does not speak falls to the next one the browser names, then English.
    assert lang_of(client.get("/", headers={"Accept-Language": "fr, es;q=0.5"})) == "es"
    assert lang_of(client.get("/", headers={"Accept-Language": "fr"})) == "en"
    assert "Accept-Language" in client.get("/").headers["Vary"]


def test_the_switch_works_without_javascript_and_brings_the_visitor_back(client):
    page = client.get("/auth/login?next=%2Fjournal%2F")
    link = switch_link(page, "es")
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fjournal%2F"
    # The cookie now outweighs the browser's own languages.
    back = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert lang_of(back) == "es"
    assert 'aria-current="true">Español' in back.get_data(as_text=True)
    response = client.get(switch_link(back, "en"))
    assert lang_of(client.get(response.headers["Location"])) == "en"


def test_the_switch_goes_back_only_to_a_page_of_this_site(client):
    for unsafe in ("https://example.org/", "//example.org/", "/\\example.org"):
        response = client.get("/language/es", query_string={"next": unsafe})
        assert response.headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_a_signed_in_persons_choice_is_kept_on_the_account(client, login):
    person = login()
    page = client.get("/dashboard")
    text = page.get_data(as_text=True)
    # Signed in, the switch is a small form with a CSRF token, since it changes the account.
    action = unescape(re.search(r'<form method="post" action="(/language/es[^"]*)"', text)[1])
    assert action == "/language/es?next=/dashboard"
    assert client.post(action).status_code == 400  # no CSRF token
    response = client.post(action, data={"csrf_token": csrf_token(client, "/dashboard")})
    assert response.headers["Location"] == "/dashboard"
    db.session.refresh(person)
    assert person.language == "es"
    # Another browser, its own languages: the account's choice wins.
    client.delete_cookie("caregiver_lang")
    assert lang_of(client.get("/dashboard", headers={"Accept-Language": "en"})) == "es"


def test_the_account_page_chooses_or_forgets_the_language(client, login):
    person = login()
    response = submit(client, "/account/language", {"language": "es"}, page="/account")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.language == "es"
    page = client.get("/account", headers={"Accept-Language": "en"})
    assert lang_of(page) == "es"
    response = submit(client, "/account/language", {"language": ""}, page="/account")
    db.session.refresh(person)
    assert person.language is None
    assert lang_of(client.get("/account", headers={"Accept-Language": "es"})) == "es"
    assert lang_of(client.get("/account", headers={"Accept-Language": "en"})) == "en"
    response = submit(client, "/account/language", {"language": "fr"}, page="/account")
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.language is None


def test_mail_speaks_the_language_on_the_account_whatever_the_browser(client, make_user, mailbox):
    person = make_user(email="lee@example.org")
    person.language = "es"
    db.session.commit()
    submit(client, "/auth/reset", {"email": person.email}, headers={"Accept-Language": "en"})
    message = mailbox.last_to(person.email)
    assert '<html lang="es">' in message.get_body(preferencelist=("html",)).get_content()
    other = make_user(email="sam@example.org")
    submit(client, "/auth/reset", {"email": other.email}, headers={"Accept-Language": "es"})
    message = mailbox.last_to(other.email)
    assert '<html lang="en">' in message.get_body(preferencelist=("html",)).get_content()


# Spanish --------------------------------------------------------------------------------------


def test_a_spanish_visitor_reads_the_login_page_in_spanish(client):
    page = client.get("/auth/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert_reads(
        page,
        spanish=("Entrar", "¿Olvidó su contraseña?", "Correo electrónico", "Contraseña"),
        english=("Forgot your password?", "Email address", "Skip to main content"),
    )
    # The footer's sentence keeps its tappable number inside the Spanish words.
    assert 'En una emergencia, llame al <a href="tel:911">911</a>.' in page


def test_a_spanish_speaker_gets_spanish_menus_labels_and_messages(client, login):
    person = login()
    person.language = "es"
    db.session.commit()
    page = client.get("/more").get_data(as_text=True)
    assert "Diario" in page and "Metas" in page and "Su cuenta" in page
    response = submit(client, "/account/language", {"language": "es"}, page="/account")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Su idioma está guardado." in page
    assert "País para la ayuda en una crisis" in page
    # A language the app does not offer is refused in the person's own language, and the one
    # they had stays.
    response = submit(client, "/account/language", {"language": "fr"}, page="/account")
    assert response.status_code == 400
    assert "Opción inválida." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.language == "es"


def test_the_today_list_cards_speak_each_pages_language_in_turn(client, login):
    """The cards' macros are shared by every page: each page still gets its own language."""
    person = login()
    services.create_goal(person, services.GoalData("Caminar", 7))
    boundaries.create_boundary(person, boundaries.BoundaryData("No doy dinero"))
    expected = {
        "en": ["Done", "Skip day", "Add a note", "Held", "Crossed", "How did it go?"],
        "es": ["Hecho", "Día libre", "Agregar una nota", "Se mantuvo", "Se cruzó", "¿Cómo le fue?"],
    }
    for language in ("en", "es", "en", "es"):
        person.language = language
        db.session.commit()
        response = client.get("/goals/")
        assert lang_of(response) == language
        page = unescape(response.get_data(as_text=True))
        assert all(word in page for word in expected[language]), language
        other = expected["es" if language == "en" else "en"][0]
        assert f"</svg> {other}</button>" not in page


def test_the_scripts_words_speak_each_pages_language_in_turn(client, login):
    """Every page sends its script's words, translated once per language: each page still
    gets its own language's, with the time left for the script to fill."""
    person = login()
    expected = {
        "en": ("Show password", "Restore draft", "Draft kept on this device at {time}."),
        "es": ("Mostrar la contraseña", "Recuperar el borrador", "{time}"),
    }
    for language in ("en", "es", "en", "es"):
        person.language = language
        db.session.commit()
        page = client.get("/dashboard").get_data(as_text=True)
        found = SCRIPT_WORDS_RE.search(page)
        assert found, "no script words on the page"
        words = json.loads(found.group(1))
        shown, restore, kept = expected[language]
        assert (words["show password"], words["restore draft"]) == (shown, restore), language
        assert kept in words["draft kept"]


def test_every_message_has_a_spanish_translation_that_is_not_fuzzy():
    with catalogs.CATALOG.open("rb") as source:
        catalog = read_po(source)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        translated[message.context, key] = all(strings) and not message.fuzzy
    wanted = {(c, m[0] if isinstance(m, tuple) else m) for c, m in catalogs.extracted()}
    missing = sorted(m for m in wanted if not translated.get(m))
    assert not missing, f"untranslated or fuzzy in {catalogs.CATALOG.name}: {missing}"
    assert not list(catalog.check()), "a translation's placeholders differ from its English"


STRFTIME_OF_SHAPE = {
    "time": "%-I:%M %p",
    "weekday": "%A",
    "date": "%b %-d, %Y",
    "long_date": "%B %-d, %Y",
    "month": "%B %Y",
    "month_day": "%B %-d",
    "short_month": "%b",
    "short_month_day": "%b %-d",
    "day": "%A, %B %-d",
    "day_year": "%A, %B %-d, %Y",
    "short_day": "%a %b %-d",
    "short_day_comma": "%a, %b %-d",
    "short_day_year": "%a %b %-d, %Y",
    "day_at": "%A, %B %-d at %-I:%M %p",
    "short_day_at": "%A, %b %-d at %-I:%M %p",
    "short_day_time": "%a %b %-d, %-I:%M %p",
    "date_at": "%b %-d, %Y at %-I:%M %p",
    "day_year_at": "%A, %B %-d, %Y at %-I:%M %p",
}


@pytest.mark.parametrize("shape", sorted(i18n.SHAPES.keys() - {"weekday_letter"}))  # no strftime
def test_days_and_times_keep_their_english_shape_and_speak_spanish(shape):
    app = Flask(__name__)  # only the language part: no database to run on
    i18n.init_app(app)
    # A morning and an evening, on a day whose number and month name differ in both languages.
    zone = ZoneInfo("America/Chicago")
    for moment in (
        datetime(2027, 3, 2, 9, 5, tzinfo=zone),
        datetime(2027, 3, 2, 21, 40, tzinfo=zone),
    ):
        value = moment.timetz() if shape == "time" else moment
        if "%-I" not in STRFTIME_OF_SHAPE[shape]:
            value = moment.date()
        with app.test_request_context(), force_locale("en"):
            assert i18n.format_when(value, shape) == value.strftime(STRFTIME_OF_SHAPE[shape])
            assert i18n.date_writer(shape)(value) == value.strftime(STRFTIME_OF_SHAPE[shape])
        with app.test_request_context(), force_locale("es"):
            spanish = i18n.format_when(value, shape)
            assert i18n.date_writer(shape)(value) == spanish
        english_words = {"Tuesday", "Tue", "March", "Mar", "AM", "PM", "at"}
        assert not english_words & set(re.findall(r"[A-Za-z]+", spanish)), spanish
        if "%A" in STRFTIME_OF_SHAPE[shape]:
            assert "martes" in spanish
        if "%B" in STRFTIME_OF_SHAPE[shape]:
            assert "marzo" in spanish
        if "%p" in STRFTIME_OF_SHAPE[shape]:
            assert ("a.m." if moment.hour < 12 else "p.m.") in spanish  # as in the US


def test_the_check_in_calendar_names_its_rows_and_days_in_the_pages_language(app):
    # The app's own catalogs: a bare app would read none, and Flask-Babel keeps what it read
    # for the whole process.
    letters, tips = {}, {}
    for language in ("en", "es"):
        with app.test_request_context(), force_locale(language):
            svg = charts.heatmap("calendar", "Check-ins", {}, end=date(2027, 3, 2)).svg
        letters[language] = re.findall(r'text-anchor="end">(\w)</text>', svg)
        tips[language] = re.search(r'data-day="2027-03-02"[^>]*><title>([^<]*)<', svg)[1]
    # Monday, Wednesday and Friday: lunes, miércoles and viernes.
    assert letters == {"en": ["M", "W", "F"], "es": ["L", "M", "V"]}
    # A cell's tooltip names its day in the page's language too: martes 2 de marzo.
    assert tips["en"] == "Tue, Mar 2: nothing due"
    assert tips["es"] == "mar 2 mar: nada previsto"


def test_a_page_keeps_its_language_around_a_message_written_in_another(app):
    words = '{{ _("Log in") }} · {{ ngettext("%(num)d day", "%(num)d days", 2) }}'
    with app.test_request_context(headers=SPANISH):
        before = render_template_string(words)
        with force_locale("en"):
            inside = render_template_string(words)
        after = render_template_string(words)
    assert (before, inside, after) == ("Entrar · 2 días", "Log in · 2 days", "Entrar · 2 días")


def test_words_written_in_python_follow_the_page_and_a_message_in_another_language(app):
    def words():
        return i18n.gettext("Log in") + " · " + i18n.ngettext("%(num)d day", "%(num)d days", 2)

    with app.test_request_context(headers=SPANISH):
        before = words()
        with force_locale("en"):
            inside = words()
        after = words()
    assert (before, inside, after) == ("Entrar · 2 días", "Log in · 2 days", "Entrar · 2 días")


def test_python_takes_its_words_from_the_kept_translations():
    # Flask-Babel's own gettext looks the translations up again for every message.
    package = Path(i18n.__file__).parent
    found = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module == "flask_babel"
        and {alias.name for alias in node.names} & {"gettext", "ngettext", "pgettext"}
        and path.name != "i18n.py"
    ]
    assert found == [], "import gettext, ngettext and pgettext from caregiver.i18n"


def test_no_spanish_message_brings_a_quote_mark_its_english_has_not():
    # Template words are markup (they may hold our own <strong>), and many sit inside attributes
    # such as aria-label="…": a straight double quote the English lacks would end the attribute.
    with catalogs.CATALOG.open("rb") as source:
        catalog = read_po(source)
    found = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and any('"' in s for s in strings) and not any('"' in i for i in ids):
            found.append(ids[0])
    assert not found, f"use “ ” in these: {found}"


def test_counts_are_grouped_as_in_the_united_states_in_both_languages():
    app = Flask(__name__)
    i18n.init_app(app)
    for language in ("en", "es"):
        with app.test_request_context(), force_locale(language):
            assert i18n.format_count(20000) == "20,000"
            assert i18n.format_count(7) == "7"
