"""Everything a person chose on the reminder settings page, read and saved as one value."""

from dataclasses import dataclass, replace
from datetime import time

from caregiver.reminders import meeting_preferences, services


@dataclass(frozen=True)
class QuietHours:
    on: bool
    start: time
    end: time


@dataclass(frozen=True)
class Choices:
    journal: services.JournalNudge
    goals: bool
    meetings: frozenset[str]
    weekly: bool
    quiet: QuietHours


def current(user) -> Choices:
    """What the person has chosen so far (the suggested defaults where they chose nothing)."""
    quiet = services.settings_of(user.id)
    return Choices(
        journal=services.journal_nudge(user.id),
        goals=services.goal_reminders_on(user.id),
        meetings=frozenset(meeting_preferences.meeting_reminders_on(user.id)),
        weekly=services.weekly_summary_on(user.id),
        quiet=QuietHours(quiet.quiet_hours, quiet.quiet_from, quiet.quiet_until),
    )


def save(user, chosen: Choices, before: Choices) -> None:
    """Apply what changed since ``before``; what did not change keeps its due instant."""
    journal = chosen.journal
    if not journal.on:
        journal = replace(before.journal, on=False)
    if journal != before.journal:
        services.set_journal_nudge(user, journal.on, journal.at, journal.weekdays)
    if chosen.goals != before.goals:
        services.set_goal_reminders(user, chosen.goals)
    if chosen.meetings != before.meetings:
        meeting_preferences.set_meeting_reminders(user, set(chosen.meetings))
    if chosen.weekly != before.weekly:
        services.set_weekly_summary(user, chosen.weekly)
    services.set_quiet_hours(user.id, chosen.quiet.on, chosen.quiet.start, chosen.quiet.end)
