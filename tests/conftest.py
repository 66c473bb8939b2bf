"""Fixtures: an app on a real SQLite file (and PostgreSQL when TEST_DATABASE_URL is set), a real
SMTP server that receives the app's mail, and helpers to act as a person would."""

import contextvars
import os
import re
import smtplib
import socket
import threading
import uuid
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from caregiver import create_app
from caregiver.auth import services as auth_services
from caregiver.extensions import db

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LINK_RE = re.compile(r"https?://\S+")


class Inbox:
    """What the test SMTP server received, newest last."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def clear(self):
        with self._lock:
            self.messages.clear()

    def to(self, address):
        """Messages whose envelope recipient is ``address``."""
        return [m for rcpts, m in self.messages if address in rcpts]

    def last_to(self, address):
        found = self.to(address)
        assert found, f"no mail was sent to {address}; got {len(self.messages)} message(s)"
        return found[-1]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path_part: str) -> str:
    """The first link in a message's text whose path contains ``path_part``, as a path."""
    for url in LINK_RE.findall(text_of(message)):
        parts = urlsplit(url)
        if path_part in parts.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link containing {path_part!r} in: {text_of(message)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    _controller, inbox = smtp_server
    inbox.clear()
    return inbox


@pytest.fixture(autouse=True)
def only_the_test_mail_server(smtp_server, monkeypatch):
    """Fail any test that would reach a mail server other than the one it runs."""
    controller, _inbox = smtp_server
    allowed = ("127.0.0.1", controller.port)
    real_connect = smtplib.SMTP.connect

    def guarded_connect(self, host="localhost", port=0, source_address=None):
        if (host, port) != allowed:
            pytest.fail(f"test tried to reach a real mail server at {host}:{port}")
        return real_connect(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded_connect)


def _postgres_schema_url(base_url: str):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    return admin, schema, f"{base_url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A real, empty database: a SQLite file, or a fresh schema in the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL runs in CI")
    admin, schema, url = _postgres_schema_url(base)
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed (the fixture pushes one so tests can use
    the database), which would share ``g`` (the logged-in person, the CSRF token) across
    requests and clients.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url, tmp_path, smtp_port, **overrides):
    config = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "ENV_VARS": {
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_SECURITY": "none",
            "MAIL_FROM": "Caregiver <no-reply@caregiver.example>",
        },
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(database_url, tmp_path, smtp_server):
    controller, _inbox = smtp_server
    app = make_test_app(database_url, tmp_path, controller.port)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create people: ``make_user(role="facilitator", email=..., verified=True)``."""
    counter = iter(range(1, 10_000))

    def make(role="caregiver", email=None, password=PASSWORD, verified=True, name=None):
        n = next(counter)
        return auth_services.create_user(
            email or f"person{n}@example.org",
            name or f"Person {n}",
            password,
            "America/Chicago",
            role=role,
            verified=verified,
        )

    return make


def csrf_token(client, page="/auth/login") -> str:
    response = client.get(page)
    found = CSRF_RE.search(response.get_data(as_text=True))
    assert found, f"no CSRF token on {page} (status {response.status_code})"
    return found.group(1)


def submit(client, url, data=None, page=None, **kwargs):
    """Post a form as a browser would: with the CSRF token from the page it sits on."""
    fields = dict(data or {})
    fields["csrf_token"] = csrf_token(client, page or url)
    return client.post(url, data=fields, **kwargs)


def log_in(client, user_or_email, password=PASSWORD, remember=False):
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = submit(client, "/auth/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login(client, make_user):
    """Log the test client in as a new person of ``role``; returns that person."""

    def as_role(role="caregiver"):
        user = make_user(role=role)
        log_in(client, user)
        return user

    return as_role
