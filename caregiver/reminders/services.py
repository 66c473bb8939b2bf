"""Reminder preferences: turning kinds on and off, and keeping each one's next due instant true.

``next_due_at`` is recomputed from the local time and the person's timezone on every change
(a new time, new weekdays, a move to another timezone) and after every planning, so the planner
only ever reads what is due.
"""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from caregiver import clock
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.goals.models import Goal
from caregiver.groups.models import Meeting
from caregiver.i18n import gettext
from caregiver.outbox.models import FAILED, OutboxMessage
from caregiver.reminders import meeting_reminders, schedule
from caregiver.reminders.models import (
    EVERY_DAY,
    MEETING_KINDS,
    ReminderPreference,
    ReminderSettings,
)

DEFAULT_JOURNAL_TIME = time(20, 0)
WEEKLY_SUMMARY_TIME = time(18, 0)  # Sunday evening, unless quiet hours cover it
SUNDAY = 6
GOAL_SWITCH = 0  # the goal row with object 0 is the "goal reminders on" switch itself


@dataclass(frozen=True)
class JournalNudge:
    on: bool
    at: time
    weekdays: frozenset[int]


def settings_of(user_id: int) -> ReminderSettings:
    """The person's mail settings (defaults, unsaved, when they never changed them)."""
    found = db.session.get(ReminderSettings, user_id)
    return found or ReminderSettings(
        user_id=user_id, quiet_hours=True, quiet_from=time(22, 0), quiet_until=time(7, 0)
    )


def preference(user_id: int, kind: str, object_id: int = 0) -> ReminderPreference | None:
    """One of the person's preferences, if they turned it on."""
    return db.session.scalar(
        select(ReminderPreference).where(
            ReminderPreference.user_id == user_id,
            ReminderPreference.kind == kind,
            ReminderPreference.object_id == object_id,
        )
    )


def journal_nudge(user_id: int) -> JournalNudge:
    """The daily journal nudge as the account page shows it (off: the suggested defaults)."""
    row = preference(user_id, "journal")
    if row is None:
        return JournalNudge(False, DEFAULT_JOURNAL_TIME, schedule.parse_weekdays(EVERY_DAY))
    return JournalNudge(True, row.local_time, schedule.parse_weekdays(row.weekdays))


def upsert(user, kind: str, object_id: int, at: time | None, weekdays: str, now: datetime):
    row = preference(user.id, kind, object_id)
    if row is None:
        row = ReminderPreference(user_id=user.id, kind=kind, object_id=object_id)
        db.session.add(row)
    row.local_time, row.weekdays = at, weekdays
    advance(row, user.timezone, now)
    return row


def due_after(row, timezone: str, after: datetime, from_day=None):
    """When ``row`` next falls due after ``after`` (None for a switch with no time of its own).

    ``row`` is a ``ReminderPreference`` or a plain row with its columns (the planner's)."""
    if row.local_time is None:
        return None
    weekdays = schedule.parse_weekdays(row.weekdays)
    return schedule.next_due(row.local_time, weekdays, ZoneInfo(timezone), after, from_day)


def advance(row, timezone: str, after: datetime, from_day=None) -> None:
    """Move ``row`` (as for ``due_after``) on to its next due instant after ``after``, from
    local day ``from_day``; the caller stores it."""
    if row.kind not in MEETING_KINDS:
        row.next_due_at = due_after(row, timezone, after, from_day)
        return
    meeting = db.session.get(Meeting, row.object_id) if row.object_id else None
    found = None
    if meeting is not None:
        found = meeting_reminders.next_reminder(
            row.user_id, row.kind, meeting, timezone, after, from_day
        )
    row.next_due_at, row.occurrence_day = found or (None, None)


def set_journal_nudge(user, on: bool, at: time, weekdays: frozenset[int], now=None) -> None:
    """Turn the daily journal nudge on at ``at`` on ``weekdays``, or off."""
    if on and weekdays:
        days = ",".join(str(d) for d in sorted(weekdays))
        upsert(user, "journal", 0, at, days, now or clock.now())
    else:
        remove(user.id, "journal")
    db.session.commit()


def goal_reminders_on(user_id: int) -> bool:
    return preference(user_id, "goal", GOAL_SWITCH) is not None


def set_goal_reminders(user, on: bool, now=None) -> None:
    """Turn reminders on for every active goal that has a reminder time, or all of them off."""
    remove(user.id, "goal")
    if on:
        now = now or clock.now()
        upsert(user, "goal", GOAL_SWITCH, None, EVERY_DAY, now)
        goals = db.session.scalars(
            select(Goal).where(
                Goal.user_id == user.id,
                Goal.archived_at.is_(None),
                Goal.reminder_time.is_not(None),
            )
        )
        for goal in goals:
            upsert(user, "goal", goal.id, goal.reminder_time, EVERY_DAY, now)
    db.session.commit()


def goal_changed(user_id: int, goal_id: int, now=None) -> None:
    """Follow a goal's reminder time, archiving or deletion, if goal reminders are on."""
    if not goal_reminders_on(user_id):
        return
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.archived_at is not None or goal.reminder_time is None:
        db.session.execute(
            delete(ReminderPreference).where(
                ReminderPreference.user_id == user_id,
                ReminderPreference.kind == "goal",
                ReminderPreference.object_id == goal_id,
            )
        )
    else:
        user = db.session.get(User, user_id)
        upsert(user, "goal", goal.id, goal.reminder_time, EVERY_DAY, now or clock.now())
    db.session.commit()


def weekly_summary_on(user_id: int) -> bool:
    return preference(user_id, "weekly_summary") is not None


def summary_time(settings: ReminderSettings) -> time:
    """Sunday 18:00, or the end of quiet hours when they cover it (the app picks this time)."""
    if settings.quiet_hours and schedule.in_quiet_hours(
        WEEKLY_SUMMARY_TIME, settings.quiet_from, settings.quiet_until
    ):
        return settings.quiet_until
    return WEEKLY_SUMMARY_TIME


def set_weekly_summary(user, on: bool, now=None) -> None:
    """Turn the Sunday summary on or off."""
    if on:
        at = summary_time(settings_of(user.id))
        upsert(user, "weekly_summary", 0, at, str(SUNDAY), now or clock.now())
    else:
        remove(user.id, "weekly_summary")
    db.session.commit()


def turn_off(user_id: int, kind: str) -> int:
    """Stop one kind of mail for a person (the unsubscribe link); how many rows it removed."""
    removed = remove(user_id, kind)
    db.session.commit()
    return removed


def remove(user_id: int, kind: str) -> int:
    result = db.session.execute(
        delete(ReminderPreference).where(
            ReminderPreference.user_id == user_id, ReminderPreference.kind == kind
        )
    )
    return result.rowcount or 0


def timezone_changed(user, now=None) -> None:
    """Recompute every due instant after a person moves to another timezone."""
    now = now or clock.now()
    rows = db.session.scalars(
        select(ReminderPreference).where(ReminderPreference.user_id == user.id)
    )
    for row in rows:
        advance(row, user.timezone, now)
    db.session.commit()


def set_quiet_hours(user_id: int, on: bool, start: time, end: time) -> None:
    """Quiet hours: no reminder mail between ``start`` and ``end``, unless chosen for then."""
    row = db.session.get(ReminderSettings, user_id)
    if row is None:
        row = ReminderSettings(user_id=user_id)
        db.session.add(row)
    row.quiet_hours, row.quiet_from, row.quiet_until = on, start, end
    db.session.commit()
    user = db.session.get(User, user_id)
    summary = preference(user_id, "weekly_summary")
    if summary is not None and summary.local_time != summary_time(row):
        set_weekly_summary(user, True)
    # Meeting reminders are timed by the app, so quiet hours move them too.
    for reminder in db.session.scalars(
        select(ReminderPreference).where(
            ReminderPreference.user_id == user_id,
            ReminderPreference.kind.in_(MEETING_KINDS),
            ReminderPreference.object_id != 0,
        )
    ):
        advance(reminder, user.timezone, clock.now())
    db.session.commit()


def address_confirmed(user_id: int) -> None:
    """A confirmed address ends a bounce pause: reminders go out to it again."""
    row = db.session.get(ReminderSettings, user_id)
    if row is not None and row.bounced_at is not None:
        row.bounced_at = row.bounce_reason = None
        db.session.commit()


def why_no_mail(user) -> str | None:
    """Why reminders cannot reach this person now, in words for the account page."""
    if user.email_verified_at is None:
        return gettext("Reminders start once you confirm your email address.")
    settings = db.session.get(ReminderSettings, user.id)
    if settings is not None and settings.bounced_at is not None:
        return gettext(
            "Our last email to your address was refused by your mail provider, so reminders "
            "are paused. Change your email on your account page; once you confirm the new "
            "address, they start again."
        )
    return None


@dataclass(frozen=True)
class OutboxHealth:
    """What the admin page shows about mail: rows by status, and the failed ones."""

    counts: dict[str, int]
    failed: list
    page: int
    pages: int


FAILED_PER_PAGE = 50


def outbox_health(page: int = 1) -> OutboxHealth:
    """Counts by status, and one page of failed rows (newest first) with their recipients."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    total_failed = counts.get(FAILED, 0)
    pages = max(1, -(-total_failed // FAILED_PER_PAGE))
    page = min(max(page, 1), pages)
    failed = db.session.execute(
        select(OutboxMessage, User.email)
        .join(User, User.id == OutboxMessage.user_id)
        .where(OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(FAILED_PER_PAGE)
        .offset((page - 1) * FAILED_PER_PAGE)
    ).all()
    return OutboxHealth(counts, failed, page, pages)


def address_refused(user_id: int, reason: str, now: datetime) -> None:
    """Pause reminders to an address a mail server refused for good (until it is confirmed
    again); the outbox commits this with the message's failure."""
    settings = db.session.get(ReminderSettings, user_id)
    if settings is None:
        settings = ReminderSettings(user_id=user_id)
        db.session.add(settings)
    settings.bounced_at = now
    settings.bounce_reason = reason


def registered(user, daily_nudge: bool = False) -> None:
    """Turn on the evening journal nudge a new person asked for when signing up (it waits,
    like every reminder, until their address is confirmed)."""
    if daily_nudge:
        set_journal_nudge(user, True, DEFAULT_JOURNAL_TIME, frozenset(range(7)))
