"""Reminder throughput: 10,000 due reminders planned and delivered to a local SMTP sink, compared
with a plain smtplib loop sending the same 10,000 messages, rendered beforehand, over one
connection, in the same run.

The loop is the floor any mailer pays for SMTP itself; the ratio (loop time / our time) says how
much of that throughput survives planning, leasing, rendering at send time and recording each
message as sent. Budget: at least 0.7. One timed run of each (10,000 messages each is long enough
to smooth out a noisy machine), the loop first.
"""

import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask

from bench import Row
from caregiver import clock, mail
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.outbox.models import SENT, OutboxMessage
from caregiver.reminders import jobs, messages
from caregiver.reminders.models import ReminderPreference

COUNT = 10_000
MIN_RATIO = 0.7


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_sink() -> Iterator[int]:
    """aiosmtpd's Sink handler in a process of its own (not competing for this one's GIL)."""
    port = _free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    sink = subprocess.Popen(  # noqa: S603 - fixed command
        [*command, "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or sink.poll() is not None:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def add_due_reminders(count: int, prefix: str = "bench-reminder-") -> list[str]:
    """``count`` verified people, each with a journal nudge due a minute ago, inserted in bulk;
    their addresses. (The tests of concurrent senders build their load with it too.)"""
    now = clock.now()
    due = now - timedelta(minutes=1)
    emails = [f"{prefix}{n}@example.org" for n in range(count)]
    for start in range(0, count, 1000):
        chunk = emails[start : start + 1000]
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": email,
                    "display_name": "Sam",
                    "password_hash": "not-a-real-hash",
                    "timezone": "America/Chicago",
                    "role": "caregiver",
                    "email_verified_at": now,
                    "created_at": now,
                }
                for email in chunk
            ],
        )
        ids = db.session.scalars(sa.select(User.id).where(User.email.in_(chunk))).all()
        db.session.execute(
            sa.insert(ReminderPreference),
            [
                {
                    "user_id": user_id,
                    "kind": "journal",
                    "object_id": 0,
                    "local_time": due.time().replace(second=0, microsecond=0),
                    "weekdays": "0,1,2,3,4,5,6",
                    "next_due_at": due,
                    "created_at": now,
                    "updated_at": now,
                }
                for user_id in ids
            ],
        )
    db.session.commit()
    return emails


def _same_messages(now: datetime) -> list[tuple[str, bytes]]:
    """The messages the outbox is about to send, rendered as it renders them, for the loop."""
    due = db.session.execute(
        sa.select(ReminderPreference.user_id, ReminderPreference.next_due_at)
        .where(ReminderPreference.kind == "journal")
        .order_by(ReminderPreference.user_id)
    ).all()
    wire = []
    for start in range(0, len(due), 1000):
        rows = [
            SimpleNamespace(user_id=user_id, kind="journal", object_id=0, due_at=due_at)
            for user_id, due_at in due[start : start + 1000]
        ]
        batch = messages.Batch(rows, now)
        for row in rows:
            prepared = mail.prepare(batch.render(row))
            wire.append((prepared.message.to, prepared.data))
    return wire


def _plain_loop(port: int, wire: list[tuple[str, bytes]]) -> float:
    """Seconds for smtplib to send the prepared messages over one connection."""
    sender = "no-reply@caregiver.example"
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for to, data in wire:
            client.sendmail(sender, [to], data)
    return time.perf_counter() - start


def run(app: Flask, database: str) -> list[Row]:
    """Time the plain loop, then plan and deliver COUNT reminders through the outbox."""
    with smtp_sink() as port, app.app_context():
        app.config.update(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=port,
            SMTP_SECURITY="none",
            MAIL_FROM="Caregiver <no-reply@caregiver.example>",
            BASE_URL="https://caregiver.example",
        )
        add_due_reminders(COUNT)
        print(f"bench: {COUNT:,} reminders due; sending ...", flush=True)
        wire = _same_messages(clock.now())
        loop_s = _plain_loop(port, wire)
        db.session.commit()
        start = time.perf_counter()
        result = jobs.run_once(clock.now())
        ours_s = time.perf_counter() - start
        sent = db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == SENT))
    ratio = loop_s / ours_s
    complete = sent == COUNT == result.delivery.sent
    failed = ratio < MIN_RATIO or not complete
    return [
        Row("smtplib loop, one connection", database, COUNT, loop_s * 1000, notes="baseline"),
        Row(
            "reminders planned + delivered",
            database,
            COUNT,
            ours_s * 1000,
            budget=f">= {MIN_RATIO} of loop",
            verdict=f"{ratio:.2f} {'FAIL' if failed else 'ok'}",
            failed=failed,
            notes=f"{COUNT / ours_s:,.0f} msg/s vs {COUNT / loop_s:,.0f}; {sent:,} sent",
        ),
    ]
