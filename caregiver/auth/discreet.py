"""Discreet mode: the app dresses as a plain notes app for anyone glancing at the phone.

The choice belongs to the account, and a cookie on the device carries it to the pages seen while
logged out (log-in, unlock), so the tab title never gives the topic away there either. Search
engines and first-time visitors carry no such cookie and still find the landing and guidance pages
under their real names.
"""

from flask import request
from flask_login import current_user

from caregiver.auth.models import User
from caregiver.extensions import db

COOKIE = "caregiver_discreet"
COOKIE_LASTS = 400 * 24 * 3600  # the longest a browser keeps a cookie


def is_discreet() -> bool:
    """Whether this request's pages wear the neutral dress."""
    if current_user.is_authenticated:
        return current_user.discreet
    return request.cookies.get(COOKIE) == "1"


def choose(user: User, discreet: bool) -> None:
    """Turn discreet mode on or off for the account."""
    user.discreet = discreet
    db.session.commit()


def remember_on_device(response, discreet: bool):
    """Carry the choice to this device's logged-out pages (or stop carrying it)."""
    if discreet:
        response.set_cookie(
            COOKIE,
            "1",
            max_age=COOKIE_LASTS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    else:
        response.delete_cookie(COOKIE)
    return response
