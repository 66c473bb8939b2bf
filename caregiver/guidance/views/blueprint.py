"""The one blueprint of the guidance feature, shared by the modules of its views package."""

from flask import Blueprint

bp = Blueprint("guidance", __name__)
