"""Friendly error pages (JSON for JSON clients), never a bare stack trace."""

import logging

from flask import Flask, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError


class FieldError(Exception):
    """A rule about one field failed; the view shows ``message`` next to ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


MESSAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: (
        "This page isn't available to you",
        "Your account doesn't have access to this page. If you think it should, contact an admin.",
    ),
    404: ("We couldn't find that page", "The link may be old, or the page may have moved."),
    405: ("That didn't work", "This page can't be used that way. Please go back and try again."),
    413: (
        "That was too much to send at once",
        "What you sent is larger than we accept. Try sending it in smaller parts.",
    ),
    429: (
        "Too many tries for now",
        "For everyone's safety we slow down repeated attempts. Please wait a minute and try again.",
    ),
    500: (
        "Something went wrong on our side",
        "We're sorry. Nothing you saved was lost. Please try again in a moment.",
    ),
}

log = logging.getLogger(__name__)

# Used only when the normal layout itself fails (for example, the database is down).
FALLBACK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Caregiver</title></head><body><main><h1>{title}</h1><p>{message}</p>
<p>In an emergency call <a href="tel:911">911</a>.
For a crisis call or text <a href="tel:988">988</a>. <a href="/help">Crisis help</a></p>
</main></body></html>"""

CSRF_MESSAGE = (
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


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if detail:
        message = detail
    if wants_json():
        return {"error": title, "message": message, "status": code}, code
    try:
        page = render_template("errors/error.html", code=code, title=title, message=message)
    except Exception:  # noqa: BLE001 - the layout needs the database; it may be what failed
        log.exception("error page could not be rendered")
        page = FALLBACK_PAGE.format(title=escape(title), message=escape(message))
    return page, code


def init_app(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def unknown_host(error):
        # A Host this app does not serve: no link of ours can be built for it, so no layout.
        title, message = MESSAGES[400]
        if wants_json():
            return {"error": title, "message": message, "status": 400}, 400
        return FALLBACK_PAGE.format(title=escape(title), message=escape(message)), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code if error.code in MESSAGES else 400)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)
