"""The outbox: one row per message, written once (by its idempotency key), delivered by whoever
claims it first, retried with backoff, never sent twice by two senders.

Delivery is at least once with a bound: a row is marked sent right after the server accepted it
(SMTP 250), one row at a time. A sender killed between the server's 250 and that commit leaves
its one in-flight row to be sent again when the lease expires: at most one duplicate per crashed
sender, never a lost message. The fixed Message-ID lets mail clients fold such a repeat.

The outbox knows no feature: each feature registers, from its ``init_app``, how its kinds of mail
are rendered (``register``), and hears through ``events.address_refused`` that a server refused
an address for good.
"""

import logging
import random
import smtplib
import socket
import uuid
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import make_msgid
from functools import partial

import sqlalchemy as sa
from flask import after_this_request, current_app, g, has_request_context

from caregiver import clock, events, mail, smtp_child
from caregiver.extensions import db
from caregiver.models import dialect_insert
from caregiver.outbox.models import (
    FAILED,
    PENDING,
    PRIORITY_REMINDER,
    SENT,
    SKIPPED,
    OutboxMessage,
)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
WINDOW = 8  # messages handed to the SMTP child ahead of their outcomes
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 500  # a batch pauses the SMTP child while the next is claimed: few, large ones


@dataclass
class Delivery:
    """What one deliver run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: "Delivery") -> None:
        """Count another run's outcomes into this one."""
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.skipped += other.skipped
        for reason, count in other.skip_reasons.items():
            self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + count

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped


class Skip(Exception):  # noqa: N818 - reads as "raise Skip(reason)"
    """The message should not be sent any more (the person left, turned it off, ...)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# kind -> prepare(rows, now): an object whose render(row) gives the message, or raises Skip.
_renderers: dict[str, Callable] = {}


def register(kinds, prepare: Callable) -> None:
    """Say how mail of these kinds is rendered: ``prepare(rows, now)`` is called once for the
    rows of a batch that share it (to read what they need in a few queries), and its
    ``render(row)`` gives each message or raises Skip."""
    for kind in kinds:
        _renderers[kind] = prepare


class _Rendering:
    """A claimed batch rendered by the preparers its kinds registered."""

    def __init__(self, rows, now: datetime):
        by_prepare: dict[Callable, list] = {}
        for row in rows:
            if row.kind in _renderers:
                by_prepare.setdefault(_renderers[row.kind], []).append(row)
        self.prepared = {prepare: prepare(group, now) for prepare, group in by_prepare.items()}

    def render(self, row) -> mail.Message:
        prepare = _renderers.get(row.kind)
        if prepare is None:
            raise Skip("unknown kind")
        return self.prepared[prepare].render(row)


def idempotency_key(kind: str, user_id: int, object_id: int, local_date: date | None) -> str:
    """The one key a message can have: the same reminder planned twice is the same row."""
    return f"{kind}:{user_id}:{object_id}:{local_date.isoformat() if local_date else '-'}"


def message_row(
    kind: str,
    user_id: int | None,
    *,
    object_id: int = 0,
    local_date: date | None = None,
    due_at: datetime | None = None,
    priority: int = PRIORITY_REMINDER,
    status: str = PENDING,
    skip_reason: str | None = None,
    key: str | None = None,
    to_address: str | None = None,
    now: datetime | None = None,
) -> dict:
    """The values of one outbox row, ready for ``add``."""
    now = now or clock.now()
    return {
        "idempotency_key": key or idempotency_key(kind, user_id, object_id, local_date),
        "user_id": user_id,
        "kind": kind,
        "object_id": object_id,
        "local_date": local_date,
        "to_address": to_address,
        "due_at": due_at or now,
        "priority": priority,
        "status": status,
        "attempts": 0,
        "next_attempt_at": now,
        "message_id": make_msgid(domain=mail.sender_domain()),
        "skip_reason": skip_reason,
        "created_at": now,
    }


def add(rows: list[dict]) -> int:
    """Insert the rows whose keys are new; how many that was.

    The rows go as parameters of one cached statement (the driver's executemany, pipelined on
    PostgreSQL), not as a VALUES list compiled anew for every batch size.
    """
    if not rows:
        return 0
    table = OutboxMessage.__table__
    insert = dialect_insert(db.session, table)
    insert = insert.on_conflict_do_nothing(index_elements=["idempotency_key"])
    insert = insert.execution_options(preserve_rowcount=True)  # the sum over all the rows
    return db.session.connection().execute(insert, rows).rowcount


def enqueue(kind: str, user_id: int, **values) -> bool:
    """Add one message unless its key is already there; True when this call added it."""
    return add([message_row(kind, user_id, **values)]) == 1


def deliver_soon(key: str) -> None:
    """Send the row with ``key`` outside the request that wrote it: once its response has gone
    out (or at once, outside a request). The scheduler sends it if this does not.

    The person waiting on the page still gets the mail within a moment, but nothing of the
    sending (rendering, the mail server's answers) shows in how long the page took: a page that
    answers the same for every address must also take the same time.
    """
    app = current_app._get_current_object()
    if not has_request_context():
        _deliver_now(app, [key])
        return
    keys = g.get("outbox_after_response")
    if keys is None:
        keys = g.outbox_after_response = []

        @after_this_request
        def deliver_after_response(response):
            response.call_on_close(partial(_deliver_now, app, keys))
            return response

    keys.append(key)


def _deliver_now(app, keys: list[str]) -> None:
    with app.app_context():
        try:
            with Sender(own_process=False) as sender:
                for key in keys:
                    sender.deliver(limit=1, key=key)
        except Exception:  # noqa: BLE001 - the response is gone; the scheduler will retry
            log.exception("mail left for the scheduler")
        finally:
            db.session.remove()


def claim(now: datetime, worker: str, limit: int = BATCH, key: str | None = None) -> list[int]:
    """Lease up to ``limit`` ready rows (only the one with ``key``, when given) to ``worker``;
    nobody else sends them while the lease lasts.

    One conditional UPDATE: on PostgreSQL its subquery skips rows another sender has locked
    (FOR UPDATE SKIP LOCKED); on SQLite it runs under BEGIN IMMEDIATE, which takes the database's
    write lock before anything is read, so two senders cannot both see a row as free.
    """
    postgres = db.engine.dialect.name == "postgresql"
    ready = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .order_by(OutboxMessage.priority, OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if key is not None:
        ready = ready.where(OutboxMessage.idempotency_key == key)
    if postgres:
        ready = ready.with_for_update(skip_locked=True)
    lease = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ready.scalar_subquery()))
        .values(locked_until=now + LEASE, locked_by=worker)
        .returning(OutboxMessage.id)
    )
    with db.engine.connect() as connection:
        if not postgres:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        claimed = connection.execute(lease).scalars().all()
        connection.commit()
    return sorted(claimed)


def retry_delay(attempts: int) -> timedelta:
    """About a minute after the first failure, doubling up to an hour, with jitter."""
    base = min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not a secret


def worker_name() -> str:
    """A name for this sender in leases: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{uuid.uuid4().hex[:8]}"


class Sender:
    """Delivers claimed batches one after another over one SMTP connection, opened at the first
    message that goes out (nothing is opened when nothing is ready) and closed by ``close``.

    Messages are prepared here while the SMTP child sends the ones before (up to ``WINDOW``
    ahead), and the child records each one the server accepted before it sends the next: at
    most one message is ever between the server's answer and its record, so a crash sends at
    most one message twice. In process (a web request, or mail to a folder), this process
    records each message right after sending it, with the same bound.
    """

    def __init__(
        self, now: datetime | None = None, worker: str | None = None, own_process: bool = True
    ):
        self.fixed_now = now
        self.worker = worker or worker_name()
        # A web request sends its one message itself: no child process in a web worker.
        self.own_process = own_process
        self.broken = False  # the connection failed: the rest waits for the next run
        self._resources = ExitStack()
        self._transport: mail.Transport | None = None
        self._ledger: sa.Connection | None = None

    def __enter__(self) -> "Sender":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._resources.close()
        # End the session's reads: the marks were written on other connections, and what
        # this session loaded before must not hide them.
        db.session.commit()

    def deliver(self, limit: int = BATCH, key: str | None = None) -> Delivery:
        """Claim one batch (or the row with ``key``) and send it; what happened to its rows."""
        done = Delivery()
        now = self.fixed_now or clock.now()  # a long run keeps its leases fresh
        ids = claim(now, self.worker, limit, key) if not self.broken else []
        if not ids:
            return done
        rows = _claimed(ids)
        batch = _Rendering(rows, now)
        handed = deque()  # rows handed to the transport whose outcome is not read yet
        for index, row in enumerate(rows):
            prepared = _prepare(row, batch, done)  # while the child sends the ones before
            if prepared is None:
                continue
            self._settle(handed, now, done, keep=self._ahead())
            if self.broken:  # learnt from an earlier message's outcome: this one waits
                _release(rows[index:], now)
                break
            if not self._start(row, prepared, now, done):  # this one is retried
                _release(rows[index + 1 :], now)
                break
            handed.append(row)
        self._settle(handed, now, done, keep=0)
        return done

    def _start(self, row, prepared: mail.Prepared, now: datetime, done: Delivery) -> bool:
        """Hand one message over; False, and the row retried, when that failed."""
        try:
            if self._transport is None:
                marker = _ChildMarker(db.engine) if self.own_process else None
                transport = mail.connection(self.own_process, marker)
                self._transport = self._resources.enter_context(transport)
            self._transport.submit(prepared, _sent_mark(row, now))
        except CONNECTION_ERRORS as error:
            self.broken = True
            _retry(row, _error_text(error), now, done)
            return False
        return True

    def _ahead(self) -> int:
        """How many messages may wait for their outcome while the next is prepared: only the
        SMTP child records what it sent; in process, each is recorded before the next goes."""
        return WINDOW - 1 if self._transport is not None and self._transport.apart else 0

    def _settle(self, handed: deque, now: datetime, done: Delivery, keep: int) -> None:
        """Read outcomes, oldest first, until at most ``keep`` messages wait for one."""
        while len(handed) > keep:
            self._record(handed.popleft(), self._transport.result(), now, done)

    def _record(self, row, outcome, now: datetime, done: Delivery) -> None:
        """Write down what became of one message, at once."""
        if outcome is None:
            self._sent_ledger().execute(_SENT, _sent_mark(row, now))
            done.sent += 1
        elif outcome == smtp_child.RECORDED:
            done.sent += 1
        elif outcome == smtp_child.UNTRIED:
            _release([row], now)
        elif isinstance(outcome, smtplib.SMTPRecipientsRefused):
            code, text = next(iter(outcome.recipients.values()))
            _refused(row, code, text, now, done, recipient=True)
        elif isinstance(outcome, smtplib.SMTPResponseException):
            _refused(row, outcome.smtp_code, outcome.smtp_error, now, done, recipient=False)
        else:
            self.broken = True  # a disconnect is not an answer: the rest waits
            _retry(row, _error_text(outcome), now, done)

    def _sent_ledger(self) -> sa.Connection:
        """This process's connection for "sent" marks (see ``_ledger``)."""
        if self._ledger is None:
            self._ledger = _ledger(self._resources.enter_context(db.engine.connect()))
            if self._ledger.dialect.name == "postgresql":
                # Back in the pool, the connection commits as every other one does.
                self._resources.callback(self._ledger.exec_driver_sql, "RESET synchronous_commit")
        return self._ledger


def _ledger(connection: sa.Connection) -> sa.Connection:
    """A connection for "sent" marks, in autocommit: each UPDATE is durable as it returns,
    with no BEGIN and COMMIT around it (a third of the cost per message).

    On PostgreSQL the commit does not wait for the disk either (``synchronous_commit``, for
    this connection only), as SQLite in WAL mode with ``synchronous=NORMAL`` does not: a
    crashed sender still loses no mark; only a crash of the database server itself could
    forget its last fraction of a second of marks, and send those few messages again.
    """
    ledger = connection.execution_options(isolation_level="AUTOCOMMIT")
    if ledger.dialect.name == "postgresql":
        ledger.exec_driver_sql("SET synchronous_commit TO off")
    return ledger


class _ChildMarker:
    """Records "sent" from the SMTP child, over a connection it opens there after the fork."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.connection: sa.Connection | None = None

    def __call__(self, mark: dict) -> None:
        if self.connection is None:
            # The pooled connections the fork copied stay the parent's: a fresh pool here.
            self.engine.dispose(close=False)
            self.connection = _ledger(self.engine.connect())
        self.connection.execute(_SENT, mark)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _sent_mark(row, now: datetime) -> dict:
    return {"row_id": row.id, "attempts": row.attempts + 1, "sent_at": now}


CONNECTION_ERRORS = (OSError, smtplib.SMTPException)


def _claimed(ids: list[int]) -> list:
    """The claimed rows, as plain rows: each row's outcome is its own small UPDATE."""
    return db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.user_id,
            OutboxMessage.kind,
            OutboxMessage.object_id,
            OutboxMessage.due_at,
            OutboxMessage.local_date,
            OutboxMessage.to_address,
            OutboxMessage.created_at,
            OutboxMessage.attempts,
            OutboxMessage.message_id,
        )
        .where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.priority, OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()


def _prepare(row, batch, done: Delivery) -> mail.Prepared | None:
    """The row's message ready to send, or None when it is skipped (and recorded so)."""
    try:
        message = batch.render(row)
    except Skip as skip:
        _record([row.id], status=SKIPPED, skip_reason=skip.reason, locked_until=None)
        done.add(Delivery(skipped=1, skip_reasons={skip.reason: 1}))
        return None
    message.headers["Message-ID"] = row.message_id
    return mail.prepare(message)


def _release(rows, now: datetime) -> None:
    """Give back rows that were never tried, to go out after a short wait."""
    _record([row.id for row in rows], locked_until=None, next_attempt_at=now + retry_delay(1))


def _record(ids: list[int], **values) -> None:
    """Write an outcome and commit it at once: a sent message is never forgotten."""
    if ids:
        table = OutboxMessage.__table__
        db.session.execute(table.update().where(table.c.id.in_(ids)).values(**values))
    db.session.commit()


# The hot path, one cached statement: this message went out.
_table = OutboxMessage.__table__
_SENT = (
    _table.update()
    .where(_table.c.id == sa.bindparam("row_id"))
    .values(
        status=SENT,
        attempts=sa.bindparam("attempts"),
        sent_at=sa.bindparam("sent_at"),
        last_error=None,
        locked_until=None,
    )
)


def _refused(row, code: int, text, now: datetime, done: Delivery, recipient: bool) -> None:
    reason = f"{code} {_decoded(text)}"[:200]
    if code < 500:
        _retry(row, reason, now, done)
        return
    if recipient and row.user_id is not None:  # committed with the row's failure below
        events.address_refused.send(row.user_id, reason=reason, now=now)
    _record(
        [row.id], status=FAILED, attempts=row.attempts + 1, last_error=reason, locked_until=None
    )
    done.failed += 1


def _retry(row, reason: str, now: datetime, done: Delivery) -> None:
    attempts = row.attempts + 1
    values = {"attempts": attempts, "last_error": reason[:200], "locked_until": None}
    if attempts >= MAX_ATTEMPTS:
        values["status"] = FAILED
        done.failed += 1
    else:
        values["next_attempt_at"] = now + retry_delay(attempts)
        done.retried += 1
    _record([row.id], **values)


def _decoded(text) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _error_text(error: Exception) -> str:
    code = getattr(error, "smtp_code", None)
    name = type(error).__name__
    return f"{code} {name}" if code else f"{name}: {error}"[:200]


def retry_now(message_id: int) -> bool:
    """Put a failed row back in the queue (the admin's retry button); False if not failed."""
    row = db.session.get(OutboxMessage, message_id)
    if row is None or row.status != FAILED:
        return False
    row.status = PENDING
    row.attempts = 0
    row.next_attempt_at = clock.now()
    row.locked_until = None
    db.session.commit()
    return True
