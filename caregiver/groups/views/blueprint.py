"""The one blueprint of the groups feature, shared by the modules of its views package."""

from flask import Blueprint

bp = Blueprint("groups", __name__)
