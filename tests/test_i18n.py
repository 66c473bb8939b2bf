"""Languages: which one a page speaks, the footer's switch, and the choice kept on the account."""

import os
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from helpers import csrf_token, submit

from caregiver.extensions import db

LANG_RE = re.compile(r'<html lang="([a-z]+)">')


def lang_of(response) -> str:
    found = LANG_RE.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:200]
    return found.group(1)


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

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "caregiver" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """The .mo file the app reads, built as `make` builds it when the .po file is newer."""
    compiled = CATALOG.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CATALOG.stat().st_mtime:
        with CATALOG.open("rb") as source:
            catalog = read_po(source)
        # Written aside, then moved into place: another test process may be reading it.
        draft = compiled.with_name(f".{compiled.name}.{os.getpid()}")
        with draft.open("wb") as target:
            write_mo(target, catalog)
        os.replace(draft, compiled)


def test_a_spanish_visitor_reads_the_login_page_in_spanish(client):
    page = client.get("/auth/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    for words in ("Entrar", "¿Olvidó su contraseña?", "Correo electrónico", "Contraseña"):
        assert words in page
    for english in ("Forgot your password?", "Email address", "Skip to main content"):
        assert english not in page
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


def searched(directory: str) -> bool:
    """The folders `make translations` looks in: all but hidden ones and caches (a folder named
    with a leading underscore, like templates/_partials, is read too)."""
    name = os.path.basename(directory)
    return not name.startswith(".") and name != "__pycache__"


def extracted_messages() -> set:
    """Every message the code and templates ask to translate, as `make translations` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=searched
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_has_a_spanish_translation_that_is_not_fuzzy():
    with CATALOG.open("rb") as source:
        catalog = read_po(source)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(m for m in extracted_messages() if not translated.get(m))
    assert not missing, f"untranslated or fuzzy in {CATALOG.name}: {missing}"
    assert not list(catalog.check()), "a translation's placeholders differ from its English"
