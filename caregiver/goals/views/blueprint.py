"""The one blueprint of the goals feature, shared by the modules of its views package."""

from flask import Blueprint

bp = Blueprint("goals", __name__)
