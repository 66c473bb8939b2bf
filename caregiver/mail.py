"""Building messages (text + HTML from paired templates) and the ways they go out.

The app mails only through the outbox (``caregiver.outbox``), which renders each message with
``render_message``, turns it into bytes with ``prepare`` and hands it to a ``connection()``: SMTP
when ``SMTP_HOST`` is set, otherwise the console and ``instance/mail/``. The scheduler keeps one
``connection(own_process=True)`` open for a whole run, talking from a child process.
"""

import binascii
import functools
import secrets
import smtplib
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale

from caregiver import clock, smtp_child
from caregiver.i18n import DEFAULT_LANGUAGE

# The parts' headers; their bodies are quoted-printable, which writes every "=" as "=3D", so
# a boundary that starts with "=_" can never occur inside one.
_PART_HEAD = (
    'Content-Type: text/{}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
)


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Shown instead of the name in MAIL_FROM (discreet mail says "Notes").
    sender_name: str | None = None

    def to_bytes(self, sender: str) -> bytes:
        """The message as it goes on the wire: text first, with an HTML alternative.

        Written out directly rather than through ``email.generator``: the structure is always
        the same two parts, and the generator's header folding and line-by-line copying cost
        more than rendering the message, which counts when the outbox sends thousands. Header
        encoding (RFC 2047) and quoted-printable bodies still come from the standard library.
        """
        message_id = self.headers.get("Message-ID") or make_msgid(domain=_domain_of(sender))
        if self.sender_name:
            sender = formataddr((self.sender_name, parseaddr(sender)[1]))
        headers = [
            ("From", sender),
            ("To", self.to),
            ("Subject", self.subject),
            ("Date", format_datetime(clock.now())),
            ("Message-ID", message_id),
            *((name, value) for name, value in self.headers.items() if name != "Message-ID"),
            ("MIME-Version", "1.0"),
        ]
        head = "".join(_header_line(name, value) for name, value in headers)
        if not self.html:
            return (head + _PART_HEAD.format("plain")).encode("ascii") + _quoted(self.text)
        boundary = f"=_caregiver_{secrets.token_hex(12)}"
        return b"".join(
            (
                f'{head}Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
                f"\r\n--{boundary}\r\n{_PART_HEAD.format('plain')}".encode("ascii"),
                _quoted(self.text),
                f"\r\n--{boundary}\r\n{_PART_HEAD.format('html')}".encode("ascii"),
                _quoted(self.html),
                f"\r\n--{boundary}--\r\n".encode("ascii"),
            )
        )


def _header_line(name: str, value: str) -> str:
    """One header line, RFC 2047-encoded when the value is not plain ASCII."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"A line break in the {name} header")  # never let a value add headers
    if not value.isascii():
        value = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {value}\r\n"


def _quoted(body: str) -> bytes:
    """UTF-8 in quoted-printable (binascii's, in C) with the CRLF line ends SMTP wants."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    return binascii.b2a_qp(body.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")


def sender_domain() -> str:
    """The domain of ``MAIL_FROM``: for Message-IDs and the unsubscribe address."""
    return _domain_of(current_app.config["MAIL_FROM"])


@functools.lru_cache(maxsize=8)
def _domain_of(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "caregiver"


def absolute_url(endpoint: str, **values) -> str:
    """A full link for mail and feeds, always on ``BASE_URL``: never on a request's Host."""
    base = current_app.config["BASE_URL"]
    if has_request_context():
        return base + url_for(endpoint, **values)
    # Outside a request (the scheduler sending reminders) the URL map builds the path itself.
    # Mail links repeat across thousands of messages: one adapter per app, and the links
    # without values (most of them) built once.
    links = current_app.extensions.get("mail_links")
    if links is None:
        root = current_app.config["APPLICATION_ROOT"]
        links = current_app.extensions["mail_links"] = _Links(current_app.url_map.bind("", root))
    return base + links.build(endpoint, values)


class _Links:
    def __init__(self, adapter):
        self.adapter, self.plain = adapter, {}

    def build(self, endpoint: str, values: dict) -> str:
        if values:
            return self.adapter.build(endpoint, values)
        path = self.plain.get(endpoint)
        if path is None:
            path = self.plain[endpoint] = self.adapter.build(endpoint)
        return path


def render_message(
    name: str, to: str, *, discreet: bool = False, language: str | None = None, **context
) -> Message:
    """Render ``email/<name>.txt`` and ``.html``; the subject is the txt template's block.

    ``discreet``: the person asked for mail that names no topic (subjects, sender, greeting), so
    the templates speak of "Notes" instead of the app's name (``app_name``).
    ``language``: the person's chosen language; mail is rendered outside their requests, so it
    cannot follow their browser and is in English when they chose none.
    """
    language = language or DEFAULT_LANGUAGE
    context.update(discreet=discreet, app_name=app_name(discreet), current_locale=language)
    env = current_app.jinja_env
    with force_locale(language):
        text_template = env.get_template(f"email/{name}.txt")
        html_template = env.get_template(f"email/{name}.html")
        # One context serves the subject block and the whole text (as Template.render would).
        ctx = text_template.new_context(dict(context))
        subject = "".join(text_template.blocks["subject"](ctx)).strip()
        text = "".join(text_template.root_render_func(ctx)).strip() + "\n"
        html = html_template.render(subject=subject, **context)
    return Message(
        to=to,
        subject=subject,
        text=text,
        html=html,
        sender_name=app_name(discreet) if discreet else None,
    )


APP_NAME = "Caregiver"
NEUTRAL_NAME = "Notes"  # discreet mode's name for the app, wherever it shows


def app_name(discreet: bool) -> str:
    """The app's name as a person sees it: its own, or the neutral one in discreet mode."""
    return NEUTRAL_NAME if discreet else APP_NAME


def prepare(message: Message) -> "Prepared":
    """The message as the bytes that go on the wire, from ``MAIL_FROM``."""
    return Prepared(message, message.to_bytes(current_app.config["MAIL_FROM"]))


@dataclass
class Prepared:
    """A message turned into the bytes that go on the wire."""

    message: Message
    data: bytes


class Transport:
    """One open way out for many messages.

    ``submit`` hands a prepared message over and ``result`` returns the oldest outcome not yet
    read: None (the server took it), ``smtp_child.RECORDED`` (took it, and the child recorded
    it), ``smtp_child.UNTRIED``, or the exception smtplib raised (the outbox tells 4xx from
    5xx). Here, in process, each message is sent as it is submitted; see ``LineTransport`` for
    the way where the two are apart.
    """

    apart = False  # True when messages go out while the caller prepares the next ones

    def __init__(self, sender: str):
        self.envelope_from = parseaddr(sender)[1]
        self._outcomes: deque = deque()

    def submit(self, prepared: Prepared, mark: dict | None = None) -> None:
        """Send ``prepared``; ``mark`` is for a transport that records what it sent."""
        self._outcomes.append(self._send(prepared))

    def result(self):
        """The oldest unread outcome (see the class)."""
        return self._outcomes.popleft()

    def _send(self, prepared: Prepared) -> Exception | None:
        raise NotImplementedError


class FolderTransport(Transport):
    """Development without a mail server: each message into a folder, and onto the console."""

    def __init__(self, sender: str, folder: Path):
        super().__init__(sender)
        self.folder = folder

    def _send(self, prepared: Prepared) -> None:
        _write_to_folder(prepared, self.folder)


class ClientTransport(Transport):
    """SMTP from this process: a web request's one message."""

    def __init__(self, sender: str, client: smtplib.SMTP):
        super().__init__(sender)
        self.client = client

    def _send(self, prepared: Prepared) -> Exception | None:
        try:
            self.client.sendmail(self.envelope_from, [prepared.message.to], prepared.data)
        except (OSError, smtplib.SMTPException) as error:
            return error
        return None


class LineTransport(Transport):
    """SMTP from a child process (``smtp_child``): the caller prepares the next messages while
    the server answers the first, and reads their outcomes later, in order."""

    apart = True

    def __init__(self, sender: str, line: smtp_child.Line):
        super().__init__(sender)
        self.line = line

    def submit(self, prepared: Prepared, mark: dict | None = None) -> None:
        self.line.submit(self.envelope_from, prepared.message.to, prepared.data, mark)

    def result(self):
        return self.line.result()


@contextmanager
def connection(
    own_process: bool = False, marker: smtp_child.Marker | None = None
) -> Iterator[Transport]:
    """One open transport for many messages; with ``own_process``, SMTP talks from a child
    process (see ``smtp_child``, and its ``marker``) while this one prepares the next ones."""
    config = current_app.config
    sender = config["MAIL_FROM"]
    if not config["SMTP_HOST"]:
        yield FolderTransport(sender, Path(config["MAIL_DIR"]))
        return
    settings = smtp_child.SmtpSettings.from_config(config)
    if own_process:
        with smtp_child.open_line(settings, marker) as line:
            yield LineTransport(sender, line)
        return
    with smtp_child.open_smtp(settings) as client:
        yield ClientTransport(sender, client)


def _write_to_folder(prepared: Prepared, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.eml"
    path.write_bytes(prepared.data)
    # Development only: the console shows where the mail went and its text part, so a
    # newcomer can click the verification link without an SMTP server.
    message = prepared.message
    print(
        f"\n--- mail to {message.to}: {message.subject} (saved to {path})\n{message.text}---",
        flush=True,
    )
