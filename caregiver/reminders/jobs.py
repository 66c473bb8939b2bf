"""The scheduler's jobs (plan, deliver, clean up), its heartbeat, and the process that runs them.

The scheduler is its own process (`flask --app caregiver scheduler`), never part of a web
worker. Every job is safe to run twice and in two processes at once, so running a second
scheduler, or restarting one mid-batch, sends nothing twice (see outbox.py for the one bound).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import delete

from caregiver import clock, outbox
from caregiver.auth import security_log, sign_in_throttle
from caregiver.extensions import db
from caregiver.groups.models import GroupNotice
from caregiver.journal import services as journal_services
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
    """Record that the scheduler is alive."""
    row = db.session.get(SchedulerHeartbeat, name)
    if row is None:
        db.session.add(SchedulerHeartbeat(name=name, beat_at=now or clock.now()))
    else:
        row.beat_at = now or clock.now()
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


def _job(app: Flask, work):
    def run():
        with app.app_context():
            try:
                work()
                beat()
            finally:
                db.session.remove()

    run.__name__ = work.__name__
    return run


def build_scheduler(app: Flask):
    """A BlockingScheduler in UTC with the three jobs; the caller starts it."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    # Plan and deliver at once on start, to catch up after downtime, then on their intervals.
    start = clock.now()
    scheduler.add_job(
        _job(app, planner.plan), "interval", minutes=1, id="plan", next_run_time=start
    )
    scheduler.add_job(
        _job(app, deliver_all),
        "interval",
        seconds=30,
        id="deliver",
        next_run_time=start + timedelta(seconds=2),  # after the first planning
    )
    scheduler.add_job(_job(app, cleanup), "cron", hour=3, minute=17, id="cleanup")
    return scheduler
