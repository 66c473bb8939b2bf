"""Real processes: two schedulers at once send each reminder once (two started at the same
moment included), and a sender killed in the middle of a batch loses nothing and repeats at
most the one message it had in flight."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from helpers import Inbox, app_env, free_port
from pinned_clock import pinned_env

from bench.reminders import add_due_reminders
from caregiver.extensions import db
from caregiver.outbox.models import SENT, OutboxMessage
from caregiver.reminders import jobs
from caregiver.reminders.models import SchedulerHeartbeat

pytestmark = pytest.mark.ticking_clock

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask", "--app", "caregiver"]


def process_env(database_url: str, smtp_port: int) -> dict:
    return {
        **os.environ,
        **app_env(smtp_port),
        "DATABASE_URL": database_url,
        "BASE_URL": "https://caregiver.example",
    }


def start(args, env, log_path):
    log = open(log_path, "w")  # noqa: SIM115 - closed by the caller through the process
    return subprocess.Popen(  # noqa: S603 - fixed command
        [*FLASK, *args],
        cwd=ROOT,
        env={**env, **pinned_env()},  # it starts at the test's instant, as it is now
        stdout=log,
        stderr=subprocess.STDOUT,
    ), log


def test_two_schedulers_at_once_send_500_reminders_exactly_once(
    app, database_url, mailbox, smtp_server, tmp_path
):
    controller, _inbox = smtp_server
    emails = add_due_reminders(500, "two")
    env = process_env(database_url, controller.port)
    runs = [start(["reminders", "run-once"], env, tmp_path / f"run{n}.log") for n in range(2)]
    for process, log in runs:
        assert process.wait(timeout=300) == 0, (tmp_path / "run0.log").read_text()
        log.close()
    received = Counter(rcpt for rcpts, _message in mailbox.messages for rcpt in rcpts)
    assert received == {email: 1 for email in emails}
    assert len({message["Message-ID"] for _r, message in mailbox.messages}) == 500
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == SENT)) == 500


ERRORS = ("UniqueViolation", "IntegrityError", "Traceback", "Error", "raised an exception")


def first_runs_done(log_path: Path) -> bool:
    """The scheduler has printed the counts of its first planning and its first delivery."""
    lines = log_path.read_text().splitlines()
    return any(line.startswith("Planned ") for line in lines) and any(
        line.startswith("Sent ") for line in lines
    )


def test_two_schedulers_started_together_both_tick_cleanly_and_send_once(
    app, database_url, mailbox, smtp_server, tmp_path
):
    controller, _inbox = smtp_server
    [email] = add_due_reminders(1, "together-")
    env = process_env(database_url, controller.port)
    logs = [tmp_path / f"scheduler{n}.log" for n in range(2)]
    started = [start(["scheduler"], env, log) for log in logs]  # one right after the other
    try:
        deadline = time.monotonic() + 120
        while not all(first_runs_done(log) for log in logs):
            for (process, _log), log in zip(started, logs, strict=True):
                assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, [log.read_text() for log in logs]
            time.sleep(0.05)
    finally:
        for process, log in started:
            process.terminate()
            process.wait(timeout=30)
            log.close()
    for log in logs:
        output = log.read_text()
        assert not [word for word in ERRORS if word in output], output
    assert [rcpts for rcpts, _message in mailbox.messages] == [[email]]
    db.session.expire_all()
    assert db.session.scalars(sa.select(OutboxMessage.status)).all() == [SENT]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SchedulerHeartbeat)) == 1


def test_two_first_heartbeats_at_once_both_succeed(app):
    # Two schedulers' first beats, each on its own connection, both before any row exists:
    # each stops just before writing until the other is there too.
    both_writing = threading.Barrier(2, timeout=30)

    def wait_for_the_other(_connection, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("INSERT") and "scheduler_heartbeats" in statement:
            both_writing.wait()

    errors = []

    def first_beat():
        with app.app_context():
            try:
                jobs.beat()
            except Exception as error:  # noqa: BLE001 - the test reports it
                errors.append(error)
            finally:
                db.session.remove()

    sa.event.listen(db.engine, "before_cursor_execute", wait_for_the_other)
    try:
        schedulers = [threading.Thread(target=first_beat) for _ in range(2)]
        for scheduler in schedulers:
            scheduler.start()
        for scheduler in schedulers:
            scheduler.join(timeout=60)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", wait_for_the_other)
    assert not errors, errors
    assert jobs.scheduler_state()[0] == "ok"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SchedulerHeartbeat)) == 1


class SlowInbox(Inbox):
    """A mail server that takes a moment over each message, so a batch is caught mid-way."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_a_sender_killed_mid_batch_loses_nothing_and_repeats_at_most_one(
    app, database_url, slow_smtp, tmp_path
):
    controller, inbox = slow_smtp
    emails = add_due_reminders(150, "kill")
    env = process_env(database_url, controller.port)
    process, log = start(["scheduler"], env, tmp_path / "scheduler.log")
    try:
        deadline = time.monotonic() + 120
        while len(inbox.messages) < 40:  # wait until it is well into its first batch
            assert process.poll() is None, (tmp_path / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler sent nothing"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    assert len(inbox.messages) < len(emails), "the batch finished before the kill"
    # A restarted sender finds the dead one's leased rows once its lease has run out.
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(locked_until=None))
        db.session.commit()
    rerun, rerun_log = start(["reminders", "run-once"], env, tmp_path / "rerun.log")
    assert rerun.wait(timeout=300) == 0, (tmp_path / "rerun.log").read_text()
    rerun_log.close()
    received = Counter(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)
    assert set(received) == set(emails), "a reminder was lost"
    assert sum(received.values()) - len(emails) <= 1, f"more than one repeat: {received}"
