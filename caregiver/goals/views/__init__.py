"""Goals, boundaries and progress pages: one blueprint, a module for each.

Importing a module here declares its routes on ``bp``.
"""

from caregiver.goals.views import boundary_pages, goal_pages, progress_pages
from caregiver.goals.views.blueprint import bp

__all__ = ["bp", "boundary_pages", "goal_pages", "progress_pages"]
