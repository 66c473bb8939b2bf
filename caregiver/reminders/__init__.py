"""Reminder emails: preferences, the planner, the outbox and its deliverer, the scheduler."""

from flask import Flask

from caregiver import events
from caregiver.reminders import meeting_services, services


def init_app(app: Flask) -> None:
    """Keep reminders in step with what the other features announce."""
    events.timezone_changed.connect(services.timezone_changed)
    events.address_confirmed.connect(services.address_confirmed)
    events.goal_changed.connect(services.goal_changed)
    events.meeting_changed.connect(meeting_services.meeting_changed)
    events.plans_changed.connect(meeting_services.plans_changed)
