"""Building messages (text + HTML from paired templates) and sending them.

Callers build a ``Message`` and call ``send(message)``, which delivers at once (SMTP when
``SMTP_HOST`` is set, otherwise the console and ``instance/mail/``). The outbox's deliverer keeps
one ``connection()`` open for a whole batch.
"""

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, url_for

log = logging.getLogger(__name__)


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_email(self, sender: str) -> EmailMessage:
        """The message as a MIME email, text first with an HTML alternative."""
        email = EmailMessage()
        email["From"] = sender
        email["To"] = self.to
        email["Subject"] = self.subject
        email["Date"] = format_datetime(datetime.now(UTC))
        email["Message-ID"] = self.headers.get("Message-ID") or make_msgid(domain="caregiver")
        for name, value in self.headers.items():
            if name != "Message-ID":
                email[name] = value
        email.set_content(self.text)
        if self.html:
            email.add_alternative(self.html, subtype="html")
        return email


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
    with connection() as deliver:
        deliver(message.to_email(current_app.config["MAIL_FROM"]))


@contextmanager
def connection() -> Iterator[Callable[[EmailMessage], None]]:
    """One open transport for many messages; yields the function that sends one.

    SMTP errors reach the caller as raised by smtplib (the outbox tells 4xx from 5xx).
    """
    config = current_app.config
    if not config["SMTP_HOST"]:
        yield lambda email: _write_to_folder(email, Path(config["MAIL_DIR"]))
        return
    with _open_smtp(config) as client:
        yield client.send_message


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


def _write_to_folder(email: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.eml"
    path.write_bytes(bytes(email))
    # Development only: the console shows where the mail went and its text part, so a
    # newcomer can click the verification link without an SMTP server.
    body = email.get_body(preferencelist=("plain",))
    print(
        f"\n--- mail to {email['To']}: {email['Subject']} (saved to {path})\n"
        f"{body.get_content() if body else ''}---",
        flush=True,
    )
