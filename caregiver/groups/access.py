"""Who may see and change a group, answered the same way by every groups view."""

from flask import abort
from flask_login import current_user

from caregiver.extensions import db
from caregiver.groups import services
from caregiver.groups.models import Meeting, SupportGroup


def group_or_404(slug: str) -> SupportGroup:
    """A group by its link, listed or not (an unlisted group is reachable by its link)."""
    group = services.group_by_slug(slug)
    if group is None:
        abort(404)
    return group


def managed_group(slug: str) -> SupportGroup:
    """A group the signed-in person runs; 403 for anyone else, 404 when it is unlisted."""
    group = group_or_404(slug)
    if not services.facilitates(current_user, group.id):
        abort(403 if group.listed else 404)
    return group


def meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting by id (reachable like its group: by link, listed or not)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def managed_meeting(meeting_id: int) -> Meeting:
    """A meeting of a group the signed-in person runs (403, or 404 when unlisted)."""
    meeting = meeting_or_404(meeting_id)
    managed_group(meeting.group.slug)
    return meeting
