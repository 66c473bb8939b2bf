"""An SMTP connection held by a child process, for sending many messages in a row.

The outbox renders messages in its own process while this one talks to the server. Sharing one
process, the two would take turns on the interpreter lock, and every SMTP reply would wait for
rendering to let go of it; in a process of its own the talking runs on another core. The caller
may hand over several messages before reading their outcomes (``result``, in order), so neither
process waits on the other for each message.

When the caller gives a ``Marker``, the child itself records each message the server accepted,
right after the server's 250 and before it takes the next message: at most one message is ever
accepted and not yet recorded, however many wait in the pipe.

The child is forked: it starts at once, with nothing to import. It never uses the parent's
database connections (a marker opens its own) and leaves through ``os._exit``, closing nothing
of the parent's. When the parent dies, the child finishes the message in hand and leaves: the
messages still in the pipe stay leased to the dead sender, to be sent by the next one.
"""

import contextlib
import multiprocessing
import os
import pickle
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Protocol

# Outcomes besides an exception (what smtplib raised) and None (accepted, not recorded here).
RECORDED = "recorded"  # accepted by the server and recorded by the child
UNTRIED = "untried"  # not tried: the connection broke before it


class Marker(Protocol):
    """Records, from the child, that the server accepted a message."""

    def __call__(self, mark: dict) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    timeout: float
    security: str  # "none", "starttls" or "ssl"
    username: str = ""
    password: str = ""

    @classmethod
    def from_config(cls, config) -> "SmtpSettings":
        return cls(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            timeout=config["SMTP_TIMEOUT"],
            security=config["SMTP_SECURITY"],
            username=config["SMTP_USERNAME"] or "",
            password=config["SMTP_PASSWORD"] or "",
        )


def open_smtp(settings: SmtpSettings) -> smtplib.SMTP:
    """A connected, and where configured encrypted and logged-in, SMTP client."""
    # Loading the system's certificates costs tens of milliseconds: only when they are used.
    context = ssl.create_default_context() if settings.security != "none" else None
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password)
    except BaseException:
        client.close()
        raise
    return client


class Line:
    """The parent's end: ``submit`` messages, then read each one's outcome with ``result``."""

    def __init__(self, pipe: Connection, process: multiprocessing.Process):
        self._pipe, self._process = pipe, process

    def submit(self, envelope_from: str, to: str, data: bytes, mark: dict | None = None) -> None:
        """Hand a message over; ``mark`` is what the child's marker records once it is sent."""
        self._pipe.send((envelope_from, to, data, mark))

    def result(self):
        """The next message's outcome: None, RECORDED, UNTRIED or the exception smtplib raised."""
        try:
            return self._pipe.recv()
        except (EOFError, OSError):
            return smtplib.SMTPServerDisconnected("the sending process ended")

    def connected(self) -> None:
        """Raise what connecting raised in the child."""
        outcome = self.result()
        if outcome is not None:
            raise outcome

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the child may be gone already
            self._pipe.send(None)
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._pipe.close()


@contextmanager
def open_line(settings: SmtpSettings, marker: Marker | None = None) -> Iterator[Line]:
    """Start the child, which connects; raises here what connecting raised there."""
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_serve, args=(settings, theirs, ours, marker), name="smtp-line", daemon=True
    )
    process.start()
    theirs.close()
    line = Line(ours, process)
    try:
        line.connected()
        yield line
    finally:
        line.close()


# An SMTP error reply is an answer, after which the connection goes on; anything else broke it.
ANSWERS = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


def _serve(
    settings: SmtpSettings, pipe: Connection, parents_end: Connection, marker: Marker | None
) -> None:
    """The child: connect, then send each message that arrives until told to stop."""
    # The fork copied the parent's end too: closed here, the pipe ends when the parent does.
    parents_end.close()
    parent = os.getppid()
    try:
        client = open_smtp(settings)
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent
        _answer(pipe, error)
        return
    _answer(pipe, None)
    broken = False
    with client, _closing(marker):
        while (job := _next(pipe)) is not None and os.getppid() == parent:
            envelope_from, to, data, mark = job
            if broken:
                _answer(pipe, UNTRIED)
                continue
            try:
                client.sendmail(envelope_from, [to], data)
            except Exception as error:  # noqa: BLE001 - the parent decides what it means
                broken = not isinstance(error, ANSWERS)
                _answer(pipe, error)
            else:
                _answer(pipe, _recorded(marker, mark))


def _recorded(marker: Marker | None, mark: dict | None):
    """RECORDED once the marker wrote it down; None leaves the record to the parent."""
    if marker is None or mark is None:
        return None
    try:
        marker(mark)
    except Exception:  # noqa: BLE001 - the parent records it instead
        return None
    return RECORDED


@contextmanager
def _closing(marker: Marker | None) -> Iterator[None]:
    try:
        yield
    finally:
        if marker is not None:
            with contextlib.suppress(Exception):
                marker.close()


def _next(pipe: Connection):
    """The parent's next message, or None when it said stop or is gone."""
    try:
        return pipe.recv()
    except (EOFError, OSError):
        return None


def _answer(pipe: Connection, outcome: Exception | None) -> None:
    try:
        pipe.send(outcome)
    except (pickle.PickleError, TypeError, AttributeError):  # an exception that does not pickle
        pipe.send(smtplib.SMTPException(f"{type(outcome).__name__}: {outcome}"))
