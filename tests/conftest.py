"""Fixtures: an app on a real SQLite file (and PostgreSQL when TEST_DATABASE_URL is set), a real
SMTP server that receives the app's mail, and factories for people."""

import os
import smtplib

import catalogs
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from helpers import (
    PASSWORD,
    PEOPLE_ZONE,
    FlakyInbox,
    Inbox,
    RuleWithSharedBuilders,
    _postgres_schema_url,
    create_schema,
    free_port,
    log_in,
    make_test_app,
)
from postgres_schemas import SchemaLender

from caregiver.auth import services as auth_services
from caregiver.extensions import db

pytest_plugins = ["pinned_clock"]

# Flask's hook for the class of the URL rules its apps make: every test makes an app.
Flask.url_rule_class = RuleWithSharedBuilders


@pytest.fixture(scope="session", autouse=True)
def compiled_catalog():
    """The Spanish .mo file the app reads, rebuilt when the .po file is newer (as `make` does)."""
    catalogs.compile_spanish()


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


# The real connect, taken before any test's guard replaces it.
REAL_CONNECT = smtplib.SMTP.connect


@pytest.fixture
def own_smtp(app, monkeypatch):
    """A second SMTP server of the test's own, on its own port, which it may start when it likes
    (a server that is down, then comes back)."""
    port = free_port()
    inbox = FlakyInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    guard = smtplib.SMTP.connect  # the suite's guard against reaching other mail servers

    def connect(self, host="localhost", to_port=0, source_address=None):
        if (host, to_port) == ("127.0.0.1", port):
            return REAL_CONNECT(self, host, to_port, source_address)
        return guard(self, host, to_port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    app.config["SMTP_PORT"] = port
    yield controller, inbox
    if controller._thread is not None:
        controller.stop()
    else:
        controller.loop.close()  # never started: close the event loop it made


@pytest.fixture(scope="session")
def lent_schemas():
    lender = SchemaLender()
    yield lender
    lender.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, lent_schemas):
    """A real database: a SQLite file, or a schema in the test PostgreSQL. It is empty, but for
    a test of the app fixture on PostgreSQL: that one gets a schema with its tables made and
    nothing in them (see postgres_schemas)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL runs in CI")
    if "app" in request.fixturenames:
        yield from lent_schemas.lend(base)
        return
    admin, schema, url = _postgres_schema_url(base)
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def app(database_url, tmp_path, smtp_server, lent_schemas):
    controller, _inbox = smtp_server
    app = make_test_app(database_url, tmp_path, controller.port)
    with app.app_context():
        if not lent_schemas.has_tables(database_url):
            create_schema()
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
            PEOPLE_ZONE,
            role=role,
            verified=verified,
        )

    return make


@pytest.fixture
def login(client, make_user):
    """Log the test client in as a new person of ``role``; returns that person."""

    def as_role(role="caregiver"):
        user = make_user(role=role)
        log_in(client, user)
        return user

    return as_role


@pytest.fixture
def spanish_speaker(login):
    """A signed-in person whose account speaks Spanish, whatever their browser asks for."""
    person = login()
    person.language = "es"
    db.session.commit()
    return person
