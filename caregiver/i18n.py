"""Which language a page or a message speaks, and the switch that changes it.

Signed-in people keep their choice on the account, so their mail and reminders speak it too;
visitors carry it in a cookie set by the footer's switch; everyone else gets the best of their
browser's languages.
"""

from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from caregiver.extensions import babel

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# Each in its own language: someone who cannot read the page must still find theirs.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
COOKIE = "caregiver_lang"
COOKIE_LASTS = 400 * 24 * 3600  # the longest a browser keeps a cookie


# Numbers, times and the names of days as each language writes them in the United States, where
# the app's readers are (docs/spanish.md): 20,000 and 7:00 p.m. in Spanish too.
FORMATS = {"en": "en_US", "es": "es_US"}
# Every way the app writes a day or a time, as Babel patterns: English keeps the shapes it has
# always had, Spanish puts the day before the month. Babel supplies the names of months and
# weekdays and the a.m./p.m. of each language.
SHAPES = {
    "time": {"en": "h:mm a", "es": "h:mm a"},
    "weekday": {"en": "EEEE", "es": "EEEE"},
    "weekday_letter": {"en": "EEEEE", "es": "EEEEE"},
    "date": {"en": "MMM d, y", "es": "d MMM y"},
    "long_date": {"en": "MMMM d, y", "es": "d 'de' MMMM 'de' y"},
    "month": {"en": "MMMM y", "es": "MMMM 'de' y"},
    "month_day": {"en": "MMMM d", "es": "d 'de' MMMM"},
    "short_month": {"en": "MMM", "es": "MMM"},
    "short_month_day": {"en": "MMM d", "es": "d MMM"},
    "day": {"en": "EEEE, MMMM d", "es": "EEEE d 'de' MMMM"},
    "day_year": {"en": "EEEE, MMMM d, y", "es": "EEEE d 'de' MMMM 'de' y"},
    "short_day": {"en": "EEE MMM d", "es": "EEE d MMM"},
    "short_day_comma": {"en": "EEE, MMM d", "es": "EEE d MMM"},
    "short_day_year": {"en": "EEE MMM d, y", "es": "EEE d MMM y"},
    "day_at": {"en": "EEEE, MMMM d 'at' h:mm a", "es": "EEEE d 'de' MMMM, h:mm a"},
    "short_day_at": {"en": "EEEE, MMM d 'at' h:mm a", "es": "EEEE d MMM, h:mm a"},
    "short_day_time": {"en": "EEE MMM d, h:mm a", "es": "EEE d MMM, h:mm a"},
    "date_at": {"en": "MMM d, y 'at' h:mm a", "es": "d MMM y, h:mm a"},
    "day_year_at": {"en": "EEEE, MMMM d, y 'at' h:mm a", "es": "EEEE d 'de' MMMM 'de' y, h:mm a"},
}


def gettext(string: str, **variables) -> str:
    """``string`` in the language of the page or message, with ``variables`` put in."""
    found = page_translations().ugettext(string)
    return found % variables if variables else found


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The form for ``num`` in the language of the page or message; ``%(num)d`` is ``num``."""
    variables.setdefault("num", num)
    return page_translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables) -> str:
    """``gettext`` of a message whose words depend on ``context``."""
    found = page_translations().upgettext(context, string)
    return found % variables if variables else found


class LazyText(LazyString):
    """Words translated when shown, for strings made at import time (form labels, menus).

    Escaped like any other text where a template shows them: Flask-Babel's own lazy string
    passes itself off as markup, so an apostrophe in a label would come out unescaped."""

    def __html__(self):
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyText:
    """``gettext`` put off until the text is shown, in the language of that moment."""
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyText:
    """``ngettext`` put off until the text is shown, in the language of that moment."""
    return LazyText(ngettext, singular, plural, num, **variables)


def once_per_language(words: dict[str, LazyText]) -> Callable[[], dict[str, str]]:
    """A function that gives ``words`` in the page's language, translated once per catalog:
    for words that every page sends, or that a page repeats for each of its many cards. A
    catalog does not change while the app runs; keyed by the catalog itself, not its language
    code, as two apps in one process may read different catalogs for one language. Callers
    must not change the dict."""

    @lru_cache(maxsize=8)
    def translated(_catalog) -> dict[str, str]:
        return {key: str(text) for key, text in words.items()}

    return lambda: translated(page_translations())


def select_locale() -> str:
    """The language of this request: the account's, the switch's cookie, then the browser's."""
    # Mail rendered by the scheduler has an app context but no request; its language is forced.
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language the current page or message is written in, as a code (``en``, ``es``)."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def format_when(moment: date | time | datetime, shape: str = "date") -> str:
    """A day, a time of day or an instant written as ``shape`` (see SHAPES) in the language of
    the page or message; an aware instant is written in its own timezone."""
    # The written words depend only on the language, the shape and the wall clock reading with
    # its offset, which isoformat() holds whole (equal instants in two zones compare equal, so
    # the value itself would not do as a key).
    return _written(current_language(), shape, type(moment), moment.isoformat())


def date_writer(shape: str) -> Callable[[date], str]:
    """``format_when`` for the many days of one chart or list: the page's language is looked up
    once, not for each day."""
    language = current_language()
    return lambda day: _written(language, shape, type(day), day.isoformat())


@lru_cache(maxsize=4096)
def _written(language: str, shape: str, kind: type, iso: str) -> str:
    # A list of entries or dates writes the same days again on every visit; Babel takes tens of
    # microseconds for each.
    pattern = SHAPES[shape].get(language, SHAPES[shape][DEFAULT_LANGUAGE])
    place = FORMATS[language]
    moment = kind.fromisoformat(iso)
    if kind is datetime:
        return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=place)
    if kind is time:
        return format_time(moment, pattern, locale=place)
    return format_date(moment, pattern, locale=place)


def format_count(number: int) -> str:
    """A whole number with the digit grouping of the page's language: 20,000."""
    return format_decimal(number, locale=FORMATS[current_language()])


def return_path() -> str | None:
    """Where the language switch brings a person back to: this page, unless it answered a form
    (whose address may not take a GET); then the switch's own default."""
    if request.method != "GET":
        return None
    return request.full_path.rstrip("?")


def remember_on_device(response, language: str):
    """Keep a visitor's choice for the pages they see while logged out."""
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_LASTS,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def page_translations():
    """The translations of the page or message being written, looked up once.

    Flask-Babel finds them anew for every message (the context, the locale, then its cache),
    which a page of forty messages pays forty times. They are kept on its own context, in the
    place ``force_locale`` empties on the way in and puts back on the way out, so mail written
    in another language during a request still gets its own."""
    if not has_app_context():
        return get_translations()  # no page: the words as written
    context = g.get("_flask_babel")
    found = getattr(context, "babel_translations", None)
    if found is None:
        found = get_translations()
        if context is not None:
            context.babel_translations = found
    return found


def init_app(app: Flask) -> None:
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: page_translations().ugettext(message),
        ngettext=lambda one, many, n: page_translations().ungettext(one, many, n),
        pgettext=lambda context, message: page_translations().upgettext(context, message),
        npgettext=lambda context, one, many, n: page_translations().unpgettext(
            context, one, many, n
        ),
        newstyle=True,
    )

    app.add_template_filter(format_when, "when")
    app.add_template_filter(format_count, "count")

    @app.context_processor
    def language():
        return {
            "current_locale": current_language(),
            "language_names": LANGUAGE_NAMES,
            "language_return_path": return_path,
        }

    @app.after_request
    def vary_by_language(response):
        # The same address answers in another language for another browser or cookie, so a
        # shared cache must not hand one person's page to the next.
        if request.endpoint != "static":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
