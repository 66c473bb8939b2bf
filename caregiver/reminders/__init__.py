"""Reminder emails: preferences, the planner, the outbox and its deliverer, the scheduler."""

from flask import Flask

from caregiver import events, outbox
from caregiver.groups.alerts import NOTICE_KINDS
from caregiver.reminders import meeting_preferences, messages, services
from caregiver.reminders.models import REMINDER_KINDS


def init_app(app: Flask) -> None:
    """Keep reminders in step with what the other features announce, and render reminders and
    group notices for the outbox."""
    outbox.register((*REMINDER_KINDS, *NOTICE_KINDS), messages.Batch)
    events.address_refused.connect(services.address_refused)
    events.registered.connect(services.registered)
    events.timezone_changed.connect(services.timezone_changed)
    events.address_confirmed.connect(services.address_confirmed)
    events.goal_changed.connect(services.goal_changed)
    events.meeting_changed.connect(meeting_preferences.meeting_changed)
    events.plans_changed.connect(meeting_preferences.plans_changed)
