"""Groups, meetings, calendars and feeds: one blueprint, a module for each kind of page.

Importing a module here declares its routes on ``bp``.
"""

from caregiver.groups.views import (
    calendar_pages,
    facilitator_pages,
    feed_pages,
    group_pages,
    meeting_pages,
)
from caregiver.groups.views.blueprint import bp

__all__ = [
    "bp",
    "calendar_pages",
    "facilitator_pages",
    "feed_pages",
    "group_pages",
    "meeting_pages",
]
