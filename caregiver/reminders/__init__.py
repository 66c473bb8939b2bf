"""Reminder emails: preferences, the planner, the outbox and its deliverer, the scheduler."""
