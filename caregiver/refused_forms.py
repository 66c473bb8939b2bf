"""A form sent with a CSRF token that no longer holds: the same form again, with what was typed.

A page left open for hours, a browser that dropped its cookies, an old tab: the token does not
match the session, so nothing is done. Rather than a bare error page, the view that owns the
form draws its page again: its form checks the token once more, fails, and shows itself with
the typed words, a fresh token and a word on what happened, as for any other mistake.

Running a view for a refused request is safe only while it changes nothing, whatever the view
does. So the database refuses every commit meanwhile, the session is put back as it was (bar
the fresh token), and any answer other than a page (a redirect, a file, an error) gives way to
the plain refusal page. A button alone (delete, log out, a link's confirm button) has nothing
to keep, and gets that page too.
"""

from flask import Flask, current_app, flash, g, has_request_context, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from caregiver.errors import CSRF_MESSAGE, render_error, wants_json
from caregiver.extensions import db
from caregiver.i18n import lazy_gettext as _l

KEPT = _l(
    "This page was open for a long time, so we could not save it yet. "
    "Your words are still here: press Save again."
)
KEPT_SIGNED_OUT = _l(
    "This page was open for a long time, so we could not send it yet. "
    "What you typed is still here, ready to send again."
)
PASSWORDS_NOT_KEPT = _l("For your safety, passwords are never kept, so type yours again.")
FLASHES = "_flashes"  # where Flask keeps flashed messages in the session


class WouldChange(Exception):
    """A view tried to save something while its request's token was refused."""


def _no_commit_once_refused(_session) -> None:
    if token_refused():
        raise WouldChange


def token_refused() -> bool:
    """This request's CSRF token was refused, and its form is being shown again."""
    return has_request_context() and g.get("csrf_refused", False)


def form_again(error: CSRFError):
    """The form page again with what was typed, or the plain refusal page when there is none
    (JSON clients get a JSON error)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not _typed() or wants_json() or token_refused():
        return render_error(400, CSRF_MESSAGE)
    # Load the person first: that may note when their session was last used, a write that
    # must happen before writes are refused.
    message = str(KEPT if current_user.is_authenticated else KEPT_SIGNED_OUT)
    if any("password" in name and value for name, value in request.form.items()):
        message = f"{message} {PASSWORDS_NOT_KEPT}"
    before = dict(session)
    g.csrf_refused = True
    flash(message, "error")
    try:
        answer = current_app.make_response(
            current_app.ensure_sync(view)(**(request.view_args or {}))
        )
    except WouldChange:
        db.session.rollback()
        answer = None
    except HTTPException as refused:
        answer = None if refused.code == 400 else refused
    finally:
        _put_session_back(before, message)
    if isinstance(answer, HTTPException):  # a 404 or 429 is still the truth
        return current_app.handle_user_exception(answer)
    if not _is_page(answer):
        return render_error(400, CSRF_MESSAGE)
    if answer.status_code < 400:
        answer.status_code = 400
    return answer


def _typed() -> bool:
    """Whether the request carries anything besides its token."""
    token_key = current_app.config["WTF_CSRF_FIELD_NAME"]
    return request.method == "POST" and any(
        value for name, value in request.form.items(multi=True) if name != token_key
    )


def _is_page(answer) -> bool:
    return (
        isinstance(answer, Response)
        and answer.mimetype == "text/html"
        and not 300 <= answer.status_code < 400
    )


def _put_session_back(before: dict, message: str) -> None:
    """The session as it was, but with the fresh token the page carries, and without the
    message if the page did not show it (it would appear later, out of place)."""
    token_key = current_app.config["WTF_CSRF_FIELD_NAME"]
    wanted = {key: value for key, value in before.items() if key not in (token_key, FLASHES)}
    if token_key in session:
        wanted[token_key] = session[token_key]
    left = [shown for shown in session.get(FLASHES, []) if shown[1] != message]
    if left:
        wanted[FLASHES] = left
    if dict(session) != wanted:
        session.clear()
        session.update(wanted)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, form_again)
    # Listening is process-wide: the first app wires it, later apps (tests) find it there.
    if not event.contains(Session, "before_commit", _no_commit_once_refused):
        event.listen(Session, "before_commit", _no_commit_once_refused)
