"""The one blueprint of the auth feature, shared by the modules of its views package."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
