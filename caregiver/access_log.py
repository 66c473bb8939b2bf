"""gunicorn's access log, without anything private in it.

The default line carries the whole request line: a journal search's words in ``?q=``, and the
token of a password-reset, unlock or calendar link in the path, which would let whoever reads the
log use it. This log names the route's pattern instead (``/auth/reset/<token>``,
``/journal/<int:entry_id>``), never a query string, a referrer, a user agent or an address.
"""

import re

from flask import Flask, request, request_started
from gunicorn.glogging import Logger

# Where the app leaves the matched rule's pattern for the server's log line.
ROUTE_KEY = "caregiver.route"

# A path that matched no route is logged with anything id- or token-like masked.
_NUMBER = re.compile(r"^\d+$")
_WORD = re.compile(r"^[A-Za-z][A-Za-z._-]{0,23}$")
FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def masked_path(path: str) -> str:
    """``path`` with numbers as ``<n>`` and anything that is not a short plain word as ``<…>``."""
    segments = []
    for segment in path.split("/"):
        if not segment or _WORD.match(segment):
            segments.append(segment)
        elif _NUMBER.match(segment):
            segments.append("<n>")
        else:
            segments.append("<…>")
    return "/".join(segments)


def _note_route(app: Flask, **_extra) -> None:
    # Routing has run when a request starts, before any hook that could answer it early.
    if request.url_rule is not None:
        request.environ[ROUTE_KEY] = request.url_rule.rule


def init_app(app: Flask) -> None:
    """Leave each request's route pattern in its WSGI environ, where the logger finds it."""
    request_started.connect(_note_route, app)


def route_of(environ: dict) -> str:
    """The URL rule the request matched, or the masked path when it matched none."""
    return environ.get(ROUTE_KEY) or masked_path(environ.get("PATH_INFO", ""))


class PrivateAccessLogger(Logger):
    """Only safe atoms exist: a format asking for any other (``%(q)s``, ``%(f)s``, a header)
    gets ``-``, and ``%(r)s`` / ``%(U)s`` hold the route's pattern."""

    def atoms(self, resp, req, environ, request_time):
        every = super().atoms(resp, req, environ, request_time)
        route = route_of(environ)
        method = environ.get("REQUEST_METHOD", "-")
        safe = {name: every[name] for name in ("t", "s", "m", "H", "b", "B", "T", "D", "M", "L")}
        safe["U"] = route
        safe["r"] = f"{method} {route} {environ.get('SERVER_PROTOCOL', '-')}"
        return safe
