"""Guidance pages: one blueprint for the articles and the conversation planner.

Importing a module here declares its routes on ``bp``.
"""

from caregiver.guidance.views import article_pages, planner_pages
from caregiver.guidance.views.blueprint import bp

__all__ = ["bp", "article_pages", "planner_pages"]
