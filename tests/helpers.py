"""Helpers shared by the tests: acting as a browser would, reading the mail the app sent."""

import base64
import contextvars
import re
import socket
import threading
import uuid
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2
import jinja2.bccache
import sqlalchemy as sa
from flask.testing import FlaskClient
from playwright.sync_api import expect
from werkzeug.routing import Rule
from werkzeug.test import encode_multipart

from caregiver import clock, create_app
from caregiver.extensions import db

PASSWORD = "correct horse battery staple"
TEST_PASSWORD_HASH_MEMORY_KIB = 1024
PEOPLE_ZONE = "America/Chicago"  # where make_user's people live
# Fixed master keys for tests only (32 bytes each, URL-safe base64).
KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()
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


class FlakyInbox(Inbox):
    """An SMTP peer that refuses some recipients for good (550) or for now (451)."""

    def __init__(self):
        super().__init__()
        self.refuse, self.defer = set(), set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        if address in self.defer:
            self.defer.discard(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def today() -> date:
    """Today on the test people's calendar, at the test's pinned instant."""
    return clock.today_in(PEOPLE_ZONE)


class PinnedDay:
    """A date in a test's parameters, found when the test runs: parameters are built when the
    module is imported, before the test's clock is pinned. ``pick`` gets the pinned today."""

    def __init__(self, pick):
        self.pick = pick

    def iso(self) -> str:
        return self.pick(today()).isoformat()


def DaysFromToday(days: int) -> PinnedDay:  # noqa: N802 - reads as the value it stands for
    """The pinned today moved by ``days``."""
    return PinnedDay(lambda day: day + timedelta(days=days))


def next_local(at: time, zone: str | ZoneInfo, weekday: int | None = None) -> datetime:
    """The first moment after the pinned now when ``zone``'s clock reads ``at``, on that weekday
    (0 = Monday) when one is given; aware, in that zone."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    now = clock.now()
    day = now.astimezone(zone).date()
    while True:
        moment = datetime.combine(day, at, tzinfo=zone)
        if moment > now and (weekday is None or day.weekday() == weekday):
            return moment
        day += timedelta(days=1)


def resolve_days(values: dict) -> dict:
    """Form values with every PinnedDay turned into the date it names."""
    return {k: v.iso() if isinstance(v, PinnedDay) else v for k, v in values.items()}


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


def _postgres_schema_url(base_url: str):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    return admin, schema, f"{base_url}{sep}options=-csearch_path%3D{schema}"


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed (the fixture pushes one so tests can use
    the database), which would share ``g`` (the logged-in person, the CSRF token) across
    requests and clients.
    """

    def open(self, *args, **kwargs):
        # Like a server, send the whole response and close it before the client goes on: work
        # the app does once a response has gone out (sending account mail) is then done.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def app_env(smtp_port) -> dict[str, str]:
    """The environment a test app (or a process the test starts) runs with."""
    return {
        "SECRET_KEY": "test-secret-key-not-for-production",
        "CAREGIVER_ENCRYPTION_KEYS": KEY_A,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "Caregiver <no-reply@caregiver.example>",
    }


def make_test_app(database_url, tmp_path, smtp_port, **overrides):
    config = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "ENV_VARS": app_env(smtp_port),
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": None,
        # Thousands of people sign in during a run: hash with 1 MiB instead of 46, the same
        # argon2id otherwise (test_auth checks the deployed parameters).
        "PASSWORD_HASH_MEMORY_KIB": TEST_PASSWORD_HASH_MEMORY_KIB,
    }
    config["ENV_VARS"].update(overrides.pop("ENV_VARS", {}))
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


class RuleWithSharedBuilders(Rule):
    """A URL rule whose two URL-building functions are written once per test process.

    Werkzeug writes and compiles those functions for every rule of every app; with an app per
    test, that was most of the cost of making one (about 0.2 s for some 160 rules). A builder
    depends only on the rule's parts and defaults, and is bound to each rule that takes it, so
    the rules of every later app take the ones made first."""

    _builders: dict = {}

    def _compile_builder(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(self.defaults), append_unknown)
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder


SCHEMA_SCRIPTS: dict[str, str] = {}


def schema_script(engine: sa.Engine) -> str:
    """The statements ``db.create_all()`` sends to an empty database of the engine's dialect.

    create_all asks the database about each table before creating it, one statement at a time:
    about 0.3 s a test on PostgreSQL. The statements it would send are the same for every test,
    so they are written once per test process and dialect, by create_all itself on a mock
    engine."""
    script = SCHEMA_SCRIPTS.get(engine.dialect.name)
    if script is None:
        statements: list[str] = []

        def keep(statement, *_args, **_kwargs):
            statements.append(str(statement.compile(dialect=engine.dialect)).strip())

        db.metadata.create_all(sa.create_mock_engine(engine.url, keep), checkfirst=False)
        script = SCHEMA_SCRIPTS[engine.dialect.name] = ";\n".join(statements) + ";"
    return script


def create_schema() -> None:
    """``db.create_all()`` into the app's empty database, in one script sent at once."""
    engine = db.engine
    script = schema_script(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            # One transaction: SQLite would otherwise write each statement through to disk.
            connection.connection.driver_connection.executescript(f"BEGIN;\n{script}\nCOMMIT;")
        else:
            connection.exec_driver_sql(script)


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per test process instead of once per test's app.

    Every test builds its own app, whose Jinja environment would parse and compile each template
    it renders again. Jinja stores a template's code with a checksum of its source, so a template
    that changes during a run is compiled afresh.
    """

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def csrf_token(client, page="/auth/login") -> str:
    response = client.get(page)
    found = CSRF_RE.search(response.get_data(as_text=True))
    assert found, f"no CSRF token on {page} (status {response.status_code})"
    return found.group(1)


def submit(client, url, data=None, page=None, **kwargs):
    """Post a form as a browser would: with the CSRF token from the page it sits on."""
    fields = resolve_days(data or {})
    fields["csrf_token"] = csrf_token(client, page or url)
    return client.post(url, data=fields, **kwargs)


def post_multipart(client, url: str, fields: dict):
    """Post a form with files, with the CSRF token from its page. The body is encoded here in
    memory: the test client would spool a large one to a file it never closes."""
    boundary, body = encode_multipart({**fields, "csrf_token": csrf_token(client, url)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def log_in(client, user_or_email, password=PASSWORD, remember=False):
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = submit(client, "/auth/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def count_statements(work) -> tuple[int, object]:
    """How many SQL statements this process runs while ``work()`` does, and what it returned."""
    statements = []

    def record(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = work()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(statements), result


def count_queries(client, url):
    """How many SQL statements one GET of ``url`` runs (it must answer 200)."""
    count, response = count_statements(lambda: client.get(url))
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return count


def queries_for(app, person, url):
    """SQL statements for one GET of ``url`` by ``person``, signed in on a fresh client."""
    client = app.test_client()
    log_in(client, person)
    client.get(url)  # warm up: the session's last-seen time may be written once
    return count_queries(client, url)


def raw_values(engine) -> bytes:
    """Every value of every table as plain SQL returns it, bytes joined together."""
    chunks = []
    with engine.connect() as connection:
        for table in sa.inspect(connection).get_table_names():
            for row in connection.execute(
                sa.select(sa.Table(table, sa.MetaData(), autoload_with=connection))
            ):
                for value in row:
                    chunks.append(value if isinstance(value, bytes) else str(value).encode())
    return b"\x00".join(chunks)


def shown_text(locator) -> str:
    """The text of a page element as a reader sees it, line breaks and all.

    Line breaks in an entry come from the stylesheet (``white-space: pre-wrap``); read before the
    new page's stylesheet applies, the browser folds them into spaces. The page's load event comes
    after its stylesheets, so wait for it first.
    """
    locator.page.wait_for_load_state("load")
    return locator.inner_text()


def log_in_on_page(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real log-in page in the browser; lands on the dashboard."""
    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(base + "/dashboard")
