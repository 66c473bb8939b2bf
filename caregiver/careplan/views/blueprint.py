"""The one blueprint of the careplan feature, shared by the modules of its views package."""

from flask import Blueprint

bp = Blueprint("careplan", __name__)
