"""An SMTP connection held by a child process, for sending many messages in a row.

The outbox renders and records messages in its own process while this one talks to the server.
Sharing one process, the two would take turns on the interpreter lock, and every SMTP reply
would wait for rendering to let go of it; in a process of its own the talking runs on another
core. Messages go one at a time, in order, over one connection: the caller submits a message,
prepares the next, then reads the first one's outcome (``result``) before submitting again.

The child is forked: it starts at once, with nothing to import, and runs only smtplib and the
pipe (never the parent's database connections, which it closes nothing of: it leaves through
``os._exit``). If the parent dies, the child reads the end of the pipe, says QUIT and leaves.
"""

import contextlib
import multiprocessing
import pickle
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection


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
    """The parent's end: ``submit`` a message, then ``result`` raises what smtplib raised."""

    def __init__(self, pipe: Connection, process: multiprocessing.Process):
        self._pipe, self._process = pipe, process

    def submit(self, envelope_from: str, to: str, data: bytes) -> None:
        self._pipe.send((envelope_from, to, data))

    def result(self) -> None:
        try:
            outcome = self._pipe.recv()
        except (EOFError, OSError):
            raise smtplib.SMTPServerDisconnected("the sending process ended") from None
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
def open_line(settings: SmtpSettings) -> Iterator[Line]:
    """Start the child, which connects; raises here what connecting raised there."""
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_serve, args=(settings, theirs, ours), name="smtp-line", daemon=True
    )
    process.start()
    theirs.close()
    line = Line(ours, process)
    try:
        line.result()  # the outcome of connecting
        yield line
    finally:
        line.close()


def _serve(settings: SmtpSettings, pipe: Connection, parents_end: Connection) -> None:
    """The child: connect, then send each message that arrives until told to stop."""
    # The fork copied the parent's end too: closed here, the pipe ends when the parent does.
    parents_end.close()
    try:
        client = open_smtp(settings)
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent
        _answer(pipe, error)
        return
    _answer(pipe, None)
    with client:
        while (job := _next(pipe)) is not None:
            envelope_from, to, data = job
            try:
                client.sendmail(envelope_from, [to], data)
            except Exception as error:  # noqa: BLE001 - the parent decides what it means
                _answer(pipe, error)
            else:
                _answer(pipe, None)


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
