"""Building messages (text + HTML from paired templates) and sending them.

Callers build a ``Message`` and call ``send(message)``, which delivers at once (SMTP when
``SMTP_HOST`` is set, otherwise the console and ``instance/mail/``). The outbox's deliverer keeps
one ``connection()`` open for a whole batch.
"""

import logging
import secrets
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, has_request_context, url_for

log = logging.getLogger(__name__)
# Bodies as quoted-printable UTF-8: plain ASCII stays readable in the raw message.
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP
# The classic policy, with the line endings SMTP needs (smtplib sends bytes as they are).
# Headers here are short ASCII lines (RFC 2047-encoded when not), so they are not re-folded.
WIRE = compat32.clone(linesep="\r\n", max_line_length=None)


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_email(self, sender: str) -> MIMEBase:
        """The message as a MIME email, text first with an HTML alternative.

        Built with the classic ``email.mime`` classes: they produce the same wire format as
        ``EmailMessage`` several times faster, which counts when the outbox sends thousands.
        """
        text = MIMEText(self.text, "plain", UTF8)
        if self.html:
            # A random boundary given up front spares the generator its search through the text.
            email = MIMEMultipart("alternative", boundary=f"=_caregiver_{secrets.token_hex(12)}")
            email.attach(text)
            email.attach(MIMEText(self.html, "html", UTF8))
        else:
            email = text
        email["From"] = sender
        email["To"] = self.to
        email["Subject"] = _header(self.subject)
        email["Date"] = format_datetime(datetime.now(UTC))
        email["Message-ID"] = self.headers.get("Message-ID") or make_msgid(domain="caregiver")
        for name, value in self.headers.items():
            if name != "Message-ID":
                email[name] = _header(value)
        return email


def _header(value: str) -> str | Header:
    """A header value, encoded (RFC 2047) only when it is not plain ASCII."""
    return value if value.isascii() else Header(value, "utf-8")


def sender_domain() -> str:
    """The domain of ``MAIL_FROM``: for Message-IDs and the unsubscribe address."""
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "caregiver"


def absolute_url(endpoint: str, **values) -> str:
    """A full link for mail: ``BASE_URL`` when set, else the current request's host."""
    base = current_app.config["BASE_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    if has_request_context():
        return base + url_for(endpoint, **values)
    # Outside a request (the scheduler sending reminders) the URL map builds the path itself.
    adapter = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return base + adapter.build(endpoint, values)


def render_message(name: str, to: str, **context) -> Message:
    """Render ``email/<name>.txt`` and ``.html``; the subject is the txt template's block."""
    env = current_app.jinja_env
    text_template = env.get_template(f"email/{name}.txt")
    html_template = env.get_template(f"email/{name}.html")
    ctx = text_template.new_context(dict(context))
    subject = "".join(text_template.blocks["subject"](ctx)).strip()
    return Message(
        to=to,
        subject=subject,
        text=text_template.render(**context).strip() + "\n",
        html=html_template.render(subject=subject, **context),
    )


def send(message: Message) -> None:
    """Deliver a message through the configured transport."""
    with connection() as transport:
        transport.send(transport.prepare(message))


@dataclass
class Prepared:
    """A message turned into the bytes that go on the wire."""

    message: Message
    data: bytes


class Transport:
    """One open way out for many messages: SMTP, or (in development) a folder and the console.

    ``prepare`` does the CPU work and ``send`` the talking, so a sender can prepare the next
    message while the server answers the last. SMTP errors reach the caller as smtplib raises
    them (the outbox tells 4xx from 5xx).
    """

    def __init__(self, sender: str, client: smtplib.SMTP | None = None, folder: Path | None = None):
        self.sender, self.client, self.folder = sender, client, folder
        self.envelope_from = parseaddr(sender)[1]

    def prepare(self, message: Message) -> Prepared:
        return Prepared(message, message.to_email(self.sender).as_bytes(policy=WIRE))

    def send(self, prepared: Prepared) -> None:
        if self.client is None:
            _write_to_folder(prepared, self.folder)
        else:
            self.client.sendmail(self.envelope_from, [prepared.message.to], prepared.data)


@contextmanager
def connection() -> Iterator[Transport]:
    """One open transport for many messages."""
    config = current_app.config
    if not config["SMTP_HOST"]:
        yield Transport(config["MAIL_FROM"], folder=Path(config["MAIL_DIR"]))
        return
    with _open_smtp(config) as client:
        yield Transport(config["MAIL_FROM"], client=client)


def _open_smtp(config) -> smtplib.SMTP:
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    security = config["SMTP_SECURITY"]
    # Loading the system's certificates costs tens of milliseconds: only when they are used.
    context = ssl.create_default_context() if security != "none" else None
    if security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security == "starttls":
            client.starttls(context=context)
        if config["SMTP_USERNAME"]:
            client.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    except BaseException:
        client.close()
        raise
    return client


def _write_to_folder(prepared: Prepared, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.eml"
    path.write_bytes(prepared.data)
    # Development only: the console shows where the mail went and its text part, so a
    # newcomer can click the verification link without an SMTP server.
    message = prepared.message
    print(
        f"\n--- mail to {message.to}: {message.subject} (saved to {path})\n{message.text}---",
        flush=True,
    )
