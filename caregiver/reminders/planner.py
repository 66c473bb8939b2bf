"""The planner: turn every preference that has fallen due into one outbox row, then move its due
instant on to the next local day it applies.

It reads only preferences with ``next_due_at <= now`` (an index), never every person. Planning
is safe to repeat and to run in two processes at once: the outbox row's idempotency key (kind,
person, object, local date) admits one row per reminder per local day, whoever writes first.
After downtime, what fell due in the last few hours still goes out; older reminders are written
as skipped ("stale") so the record shows them, and a daily reminder from an earlier local day is
not sent on the next one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from caregiver import clock, outbox
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.outbox.models import PENDING, SKIPPED
from caregiver.reminders import schedule, services
from caregiver.reminders.models import ReminderPreference

BATCH = 500


@dataclass
class Planning:
    """What one planning run did."""

    planned: int = 0
    already: int = 0
    stale: int = 0


def plan(now: datetime | None = None, batch: int = BATCH) -> Planning:
    """Write an outbox row for every reminder due by ``now``; returns the counts."""
    now = now or clock.now()
    done = Planning()
    while True:
        due = select(*_DUE_COLUMNS, User.timezone).join(User, User.id == ReminderPreference.user_id)
        due = due.where(ReminderPreference.next_due_at <= now)
        due = due.order_by(ReminderPreference.next_due_at, ReminderPreference.id).limit(batch)
        if db.engine.dialect.name == "postgresql":
            due = due.with_for_update(of=ReminderPreference, skip_locked=True)
        # Plain rows, moved on below with one statement: no unit of work for a batch of 500.
        preferences = [SimpleNamespace(**row._mapping) for row in db.session.execute(due)]
        if not preferences:
            break
        planned = [_plan_one(preference, preference.timezone, now) for preference in preferences]
        to_send = [row for row in planned if row["status"] == PENDING]
        added = outbox.add(to_send)
        stale = outbox.add([row for row in planned if row["status"] == SKIPPED])
        _move_on(preferences)
        done.planned += added
        done.stale += stale
        done.already += len(planned) - added - stale
        db.session.commit()
        if len(preferences) < batch:
            break
    return done


_DUE_COLUMNS = (
    ReminderPreference.id,
    ReminderPreference.user_id,
    ReminderPreference.kind,
    ReminderPreference.object_id,
    ReminderPreference.local_time,
    ReminderPreference.weekdays,
    ReminderPreference.next_due_at,
    ReminderPreference.occurrence_day,
)
_table = ReminderPreference.__table__
_MOVE_ON = (
    _table.update()
    .where(_table.c.id == bindparam("preference_id"))
    .values(
        next_due_at=bindparam("due"),
        occurrence_day=bindparam("day"),
        updated_at=bindparam("changed_at"),
    )
)


def _move_on(preferences: list) -> None:
    """Store each preference's next due instant (one cached statement, many rows)."""
    changed_at = clock.now()
    db.session.connection().execute(
        _MOVE_ON,
        [
            {
                "preference_id": preference.id,
                "due": preference.next_due_at,
                "day": preference.occurrence_day,
                "changed_at": changed_at,
            }
            for preference in preferences
        ],
    )


def _plan_one(preference, timezone: str, now: datetime) -> dict:
    """The outbox row for a due preference; moves the preference on to its next due instant."""
    zone = ZoneInfo(timezone)
    due_at = preference.next_due_at
    # A meeting reminder is about its occurrence's date; any other about the day it falls due.
    local_day = preference.occurrence_day or due_at.astimezone(zone).date()
    stale = schedule.is_stale(due_at, now, zone)
    row = outbox.message_row(
        preference.kind,
        preference.user_id,
        object_id=preference.object_id,
        local_date=local_day,
        due_at=due_at,
        status=SKIPPED if stale else PENDING,
        skip_reason="stale" if stale else None,
        now=now,
    )
    services.advance(preference, timezone, due_at, local_day + timedelta(days=1))
    following = preference.next_due_at
    if following is not None and schedule.is_stale(following, now, zone):
        # Long downtime: jump to what is still worth sending rather than one row per lost day.
        services.advance(preference, timezone, now - schedule.NEW_DAY_GRACE)
    return row
