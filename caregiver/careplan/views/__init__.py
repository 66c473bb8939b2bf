"""The care plan's pages: one blueprint, a module for each part of the plan.

Importing a module here declares its routes on ``bp``.
"""

from caregiver.careplan.views import (
    contact_pages,
    insurance_pages,
    journey_pages,
    overview_pages,
    program_pages,
)
from caregiver.careplan.views.blueprint import bp

__all__ = [
    "bp",
    "contact_pages",
    "insurance_pages",
    "journey_pages",
    "overview_pages",
    "program_pages",
]
