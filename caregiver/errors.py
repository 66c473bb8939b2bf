"""Friendly error pages (JSON for JSON clients), never a bare stack trace."""

import logging

from flask import Flask, render_template, request
from flask_babel import force_locale
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from caregiver.i18n import DEFAULT_LANGUAGE, current_language, gettext
from caregiver.i18n import lazy_gettext as _l


class FieldError(Exception):
    """A rule about one field failed; the view shows ``message`` next to ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


MESSAGES = {
    400: (_l("Something was wrong with that request"), _l("Please go back and try again.")),
    403: (
        _l("This page isn't available to you"),
        _l(
            "Your account doesn't have access to this page. "
            "If you think it should, contact an admin."
        ),
    ),
    404: (_l("We couldn't find that page"), _l("The link may be old, or the page may have moved.")),
    405: (
        _l("That didn't work"),
        _l("This page can't be used that way. Please go back and try again."),
    ),
    413: (
        _l("That was too much to send at once"),
        _l("What you sent is larger than we accept. Try sending it in smaller parts."),
    ),
    429: (
        _l("Too many tries for now"),
        _l(
            "For everyone's safety we slow down repeated attempts. "
            "Please wait a minute and try again."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("We're sorry. Nothing you saved was lost. Please try again in a moment."),
    ),
}

log = logging.getLogger(__name__)

# Used only when the normal layout itself fails (for example, the database is down).
FALLBACK_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Caregiver</title></head><body><main><h1>{title}</h1><p>{message}</p>
<p>{emergency}
{crisis} <a href="/help">{help}</a></p>
</main></body></html>"""

CSRF_MESSAGE = _l(
    "This form had expired or was sent from somewhere else, so we didn't act on it. "
    "Please go back, reload the page, and try again."
)


def wants_json() -> bool:
    if request.path.endswith(".json") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def in_words(text) -> str:
    """A text in the language of the page; in English when that language cannot be worked out
    (it may be the person's account, in the database that has just failed)."""
    try:
        return str(text)
    except Exception:  # noqa: BLE001 - an error page must still be shown
        log.exception("error text could not be translated")
        with force_locale(DEFAULT_LANGUAGE):
            return str(text)


def fallback_page(title, message) -> str:
    """The error page without the layout, in the page's language when it can be known."""
    try:
        return _fallback_page(title, message, current_language())
    except Exception:  # noqa: BLE001 - an error page must still be shown
        log.exception("error page could not be translated")
        with force_locale(DEFAULT_LANGUAGE):
            return _fallback_page(title, message, DEFAULT_LANGUAGE)


def _fallback_page(title, message, language: str) -> str:
    return FALLBACK_PAGE.format(
        lang=language,
        title=escape(title),
        message=escape(message),
        emergency=gettext(
            "In an emergency call %(number)s.", number=Markup('<a href="tel:911">911</a>')
        ),
        crisis=gettext(
            "For a crisis call or text %(number)s.", number=Markup('<a href="tel:988">988</a>')
        ),
        help=gettext("Crisis help"),
    )


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if detail:
        message = detail
    title, message = in_words(title), in_words(message)
    if wants_json():
        return {"error": title, "message": message, "status": code}, code
    try:
        page = render_template("errors/error.html", code=code, title=title, message=message)
    except Exception:  # noqa: BLE001 - the layout needs the database; it may be what failed
        log.exception("error page could not be rendered")
        page = fallback_page(title, message)
    return page, code


def init_app(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def unknown_host(error):
        # A Host this app does not serve: no link of ours can be built for it, so no layout.
        title, message = (in_words(text) for text in MESSAGES[400])
        if wants_json():
            return {"error": title, "message": message, "status": 400}, 400
        return fallback_page(title, message), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code if error.code in MESSAGES else 400)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)
