"""The scheduler's jobs (plan, deliver, clean up), its heartbeat, and the process that runs them.

The scheduler is its own process (`flask --app caregiver scheduler`), never part of a web
worker. Every job is safe to run twice and in two processes at once, so running a second
scheduler, or restarting one mid-batch, sends nothing twice (see outbox.py for the one bound).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

from flask import Flask
from sqlalchemy import delete

from caregiver import clock, outbox
from caregiver.auth import security_log, sign_in_throttle
from caregiver.extensions import db
from caregiver.groups.models import GroupNotice
from caregiver.journal import services as journal_services
from caregiver.models import dialect_insert
from caregiver.outbox.models import SENT, SKIPPED, OutboxMessage
from caregiver.reminders import planner
from caregiver.reminders.models import SchedulerHeartbeat

HEARTBEAT = "scheduler"
HEARTBEAT_STALE = timedelta(minutes=3)
KEEP_SENT = timedelta(days=30)
MAX_BATCHES = 1000


@dataclass
class RunOnce:
    planning: planner.Planning
    delivery: outbox.Delivery


def deliver_all(now: datetime | None = None, worker: str | None = None) -> outbox.Delivery:
    """Deliver batch after batch, over one connection, until nothing is ready; the counts."""
    total = outbox.Delivery()
    with outbox.Sender(now, worker) as sender:
        for _ in range(MAX_BATCHES):
            batch = sender.deliver()
            total.add(batch)
            if not batch.handled or sender.broken:
                break
    return total


def run_once(now: datetime | None = None) -> RunOnce:
    """Plan what is due, then deliver what is ready (the `reminders run-once` command)."""
    return RunOnce(planner.plan(now), deliver_all(now))


def beat(now: datetime | None = None, name: str = HEARTBEAT) -> None:
    """Record that the scheduler is alive.

    One upsert, not a read then an insert: two schedulers started together both find no row,
    and the second insert would fail on the first one's key.
    """
    table = SchedulerHeartbeat.__table__
    upsert = dialect_insert(db.session, table).values(name=name, beat_at=now or clock.now())
    upsert = upsert.on_conflict_do_update(
        index_elements=[table.c.name], set_={"beat_at": upsert.excluded.beat_at}
    )
    db.session.execute(upsert)
    db.session.commit()


def scheduler_state(now: datetime | None = None) -> tuple[str, datetime | None]:
    """("ok" | "stale" | "never", last beat) for /healthz and the admin page."""
    row = db.session.get(SchedulerHeartbeat, HEARTBEAT)
    if row is None:
        return "never", None
    late = (now or clock.now()) - row.beat_at
    return ("stale" if late > HEARTBEAT_STALE else "ok"), row.beat_at


def cleanup(now: datetime | None = None) -> dict[str, int]:
    """Daily: erase journal entries deleted over 30 days ago, old sent or skipped mail rows, the
    words of old group notices (their mail expired long before), security log entries past 90
    days and wrong-password counts nobody added to for a day."""
    now = now or clock.now()
    purged = journal_services.purge_deleted(now)
    security_events = security_log.purge_old(now)
    throttles = sign_in_throttle.purge_old(now)
    old = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_((SENT, SKIPPED)), OutboxMessage.created_at < now - KEEP_SENT
        )
    )
    notices = db.session.execute(
        delete(GroupNotice).where(GroupNotice.created_at < now - KEEP_SENT)
    )
    db.session.commit()
    return {
        "journal_entries": purged,
        "outbox_rows": old.rowcount or 0,
        "group_notices": notices.rowcount or 0,
        "security_events": security_events,
        "sign_in_throttles": throttles,
    }


def _job(app: Flask, work, report: Callable | None = None):
    """``work`` in an app context, then a heartbeat; ``report`` hears what the first run did,
    and what each later run did when it did anything."""
    runs = count()

    def run():
        with app.app_context():
            try:
                done = work()
                beat()
            finally:
                db.session.remove()
        first = next(runs) == 0
        if report is not None and (first or _did_anything(done)):
            report(done)

    run.__name__ = work.__name__
    return run


def _did_anything(done) -> bool:
    if isinstance(done, planner.Planning):
        return bool(done.planned or done.already or done.stale)
    return bool(done.handled)


def build_scheduler(app: Flask, report: Callable | None = None):
    """A BlockingScheduler in UTC with the three jobs; the caller starts it. ``report`` hears
    the counts (a ``planner.Planning`` or an ``outbox.Delivery``) of the first planning and
    delivery runs, which show the scheduler is working, and of every later one that did
    something."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    # Plan and deliver at once on start, to catch up after downtime, then on their intervals.
    start = clock.now()
    scheduler.add_job(
        _job(app, planner.plan, report), "interval", minutes=1, id="plan", next_run_time=start
    )
    scheduler.add_job(
        _job(app, deliver_all, report),
        "interval",
        seconds=30,
        id="deliver",
        next_run_time=start + timedelta(seconds=2),  # after the first planning
    )
    scheduler.add_job(_job(app, cleanup), "cron", hour=3, minute=17, id="cleanup")
    return scheduler
