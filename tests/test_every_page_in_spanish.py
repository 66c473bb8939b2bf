"""Every page in Spanish: no words a person reads were left out of the catalog.

For this test the Spanish catalog is a pseudo-translation (tests/catalogs.py) that puts every
message between marks, given to the app through its own BABEL_TRANSLATION_DIRECTORIES setting.
Every page of the site map (tests/site_map.py) is read, as the role that sees it, by people who
chose Spanish: any English word left outside the marks in a page's text or in what it says to
screen readers never went through gettext. What people wrote themselves (journal words and other
texts marked ``dir="auto"`` or ``translate="no"``, group and meeting details) is theirs and stays as
written,
and words marked as another language (``lang="en"``: the switch's "English") are that language.
"""

import re
from html.parser import HTMLParser

import catalogs
import pyotp
import pytest
from babel.dates import get_day_names, get_month_names
from babel.messages.pofile import read_po
from flask_babel import get_domain
from helpers import create_schema, log_in, make_test_app, submit
from site_map import EMAILS, fill_site

from caregiver import clock, crisis
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.groups.models import Meeting, MeetingChange, SupportGroup
from caregiver.guidance import library

pytestmark = pytest.mark.one_instant
SKIPPED_ELEMENTS = {"script", "style", "svg", "template", "textarea"}
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
WORD = re.compile(r"[A-Za-z]{3,}")
SECRET_RE = re.compile(r"<code data-secret>([A-Z2-7 ]+)</code>")
CODE_RE = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")
MARKED = re.compile(f"{catalogs.OPEN}[^{catalogs.OPEN}{catalogs.CLOSE}]*{catalogs.CLOSE}")


def words_of(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(re.sub(r"<[^>]+>|%\([a-z_]+\)[sd]", " ", text))}


def english_words() -> set[str]:
    """Words of the English messages, and the names of months and days, that the Spanish
    catalog does not use as they are (crisis, control, Caregiver...)."""
    english, spanish = set(), set()
    for _context, message in catalogs.extracted():
        for form in message if isinstance(message, tuple) else (message,):
            english |= words_of(form)
    for width in ("wide", "abbreviated"):
        english |= {name.lower() for name in get_month_names(width, locale="en").values()}
        english |= {name.lower() for name in get_day_names(width, locale="en").values()}
        # Spanish shortens some months as English does (nov, oct): those stay Spanish.
        spanish |= {name.lower() for name in get_month_names(width, locale="es_US").values()}
        spanish |= {name.lower() for name in get_day_names(width, locale="es_US").values()}
    with catalogs.CATALOG.open("rb") as source:
        for message in read_po(source):
            for form in message.string if isinstance(message.string, tuple) else (message.string,):
                spanish |= words_of(form or "")
    return english - spanish - spanish_data_words()


def spanish_data_words() -> set[str]:
    """Words of the texts that come in Spanish from data, not from the catalog: crisis help and
    the articles (whose sources may be English pages, named as such)."""
    words = set()
    for code in crisis.catalog(None):
        words |= set().union(
            *(words_of(text) for text in strings_in(crisis.page(None, code, "es")))
        )
    for article in (library.CONTENT_DIR / "es").glob("*.md"):
        words |= words_of(article.read_text())
    return words


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in strings_in(item)]
    return []


class ReadText(HTMLParser):
    """The text of a page a person reads or hears, without what people wrote themselves: the
    page's words in order, and each attribute read aloud on its own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[bool] = []  # for each open element: whether its words are skipped
        self.lang = None
        self.words: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        skipped = bool(self.open and self.open[-1]) or (
            tag in SKIPPED_ELEMENTS
            or found.get("dir") == "auto"
            or found.get("translate") == "no"
            or (tag != "html" and found.get("lang") not in (None, "es"))
        )
        if not skipped:
            self.attributes += [found[name] for name in READ_ATTRIBUTES if found.get(name)]
        if tag not in VOID:
            self.open.append(skipped)
        elif skipped:
            self.words.append(" ")  # an input's or image's place: words on either side part

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        if not (self.open and self.open[-1]):
            self.words.append(data)
        else:
            self.words.append(" ")  # skipped words still part the words around them


def groups_words() -> list[str]:
    """What facilitators wrote about their groups and meetings (the demo groups are in English),
    longest first so that a name inside a description goes with the description."""
    texts = []
    for model, names in WRITTEN_BY_FACILITATORS.items():
        for row in db.session.scalars(db.select(model)):
            texts += [" ".join(getattr(row, name).split()) for name in names]
    return sorted({text for text in texts if text}, key=len, reverse=True)


WRITTEN_BY_FACILITATORS = {
    SupportGroup: ("name", "description"),
    Meeting: ("name", "notes", "venue", "address", "city", "location_notes", "conference_notes"),
    MeetingChange: ("note",),
}


def left_in_english(
    html: str, english: set[str], theirs: list[str]
) -> tuple[str | None, list[str]]:
    """The page's language, and each stretch of its text or attributes outside the marks that
    holds an English word, with a little of what surrounds it."""
    reader = ReadText()
    reader.feed(html)
    found = []
    for text in ["".join(reader.words), *reader.attributes]:
        text = " ".join(text.split())
        for words in theirs:
            text = text.replace(words, "\n")
        while MARKED.search(text):  # a message inside another: the inner one first
            text = MARKED.sub("\n", text)
        for outside in text.split("\n"):
            if any(word.lower() in english for word in WORD.findall(outside)):
                found.append(outside.strip()[:100])
    return reader.lang, found


@pytest.fixture
def pseudo_app(database_url, tmp_path, smtp_server):
    """An app whose Spanish is the pseudo-translation.

    Flask-Babel keeps the catalogs it has read for every app of the process, so they are put
    aside while this app runs and given back after: other tests must read the real Spanish."""
    controller, _inbox = smtp_server
    folder = catalogs.write_pseudo_spanish(tmp_path / "pseudo")
    app = make_test_app(
        database_url, tmp_path, controller.port, BABEL_TRANSLATION_DIRECTORIES=str(folder)
    )
    with app.app_context():
        create_schema()
        read_before = dict(get_domain().cache)
        get_domain().cache.clear()
        try:
            yield app
        finally:
            get_domain().cache.clear()
            get_domain().cache.update(read_before)
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_has_every_word_through_the_catalog(pseudo_app):
    app = pseudo_app
    site = fill_site(app)
    db.session.execute(db.update(User).values(language="es"))
    db.session.commit()
    english = english_words()
    theirs = groups_words()
    problems = []
    for role, pages in site.pages.items():
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
        if role in EMAILS:
            log_in(client, EMAILS[role])
        for name, path in pages:
            problems += read_in_spanish(client.get(path), f"{role} {name} {path}", english, theirs)
    # Last: once two-step is on, logging in asks for a code.
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    log_in(client, EMAILS["caregiver"])
    problems += two_step_pages(client, english, theirs)
    assert not problems, "\n".join(problems)


def read_in_spanish(response, where: str, english: set[str], theirs: list[str]) -> list[str]:
    if response.status_code != 200:
        return [f"{where}: {response.status_code}"]
    lang, words = left_in_english(response.get_data(as_text=True), english, theirs)
    problems = [f"{where}: <html lang={lang!r}>"] if lang != "es" else []
    return problems + [f"{where}: {text!r}" for text in words]


def two_step_pages(client, english: set[str], theirs: list[str]) -> list[str]:
    """The pages reached by the two-step buttons, which keep their state in the session."""
    submit(client, "/account/two-step/start", page="/account/two-step")
    setup = client.get("/account/two-step/setup")
    secret = SECRET_RE.search(setup.get_data(as_text=True)).group(1).replace(" ", "")
    submit(client, "/account/two-step/setup", {"code": pyotp.TOTP(secret).at(clock.now())})
    problems = read_in_spanish(setup, "two-step setup", english, theirs)
    for path in ("recovery-codes", "new-codes", "off"):
        response = client.get(f"/account/two-step/{path}")
        # The codes are random letters and digits: "few95…" is no English left untranslated.
        codes = CODE_RE.findall(response.get_data(as_text=True))
        assert len(codes) == (10 if path == "recovery-codes" else 0), path
        problems += read_in_spanish(response, f"two-step {path}", english, theirs + codes)
    return problems
