"""The load scoreboard: Caregiver's pages under gunicorn, against a bare Flask app.

The app (``wsgi:app``) and the bare app of bench/hello.py run under the same gunicorn settings
(gunicorn.conf.py with 2 sync workers, no access log, no worker recycling, so a trial never pays
for a restart) on free ports. Debian's ``wrk`` loads them with 8 connections for a few seconds a
trial, hello and each page in turn, in 3 rounds; a page's ratio is its requests per second over
hello's in the same round, and the table shows the median ratio of the rounds. The browser's
``Accept-Encoding: gzip`` is sent, as a phone's browser sends it.

Two people are loaded: a light one (20 journal entries, 50 goals and 5 boundaries with 12 weeks
of check-ins) and a heavy one (10,000 entries, the same goals and boundaries with two years of
check-ins). Twelve weeks are what the pages show (the today list's streaks and strength, the
charts and the calendar of /progress), so both people's pages hold the same content and only the
length of history behind it differs: a month would compare a page with a third of its squares
filled against a full one. Signed-in pages carry the session cookie of a real log-in; the
check-in is the today list's tap (a POST with the form's CSRF token, answered with the card).
SQL statements per page are counted once per page in the bench's own process; worker memory is
each gunicorn worker's resident size after its load.

Budgets, all against figures of the same run: the dashboard and the journal list at least
0.30x hello's requests per second, every signed-in page at least 0.15x; the heavy person within
1.25x of the light one on each page; p95 at most 50 ms for the heavy person; at most 10 SQL
statements a page, the same for both people; at most 120 MB per worker.

Only this part, quickly: ``python -m bench load`` (``BENCH_LOAD_SECONDS=1`` shortens each trial;
``BENCH_DATABASE_URL`` adds PostgreSQL as for the whole bench).
"""

import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask

from bench import BENCH_KEY, BENCH_SECRET, format_columns, journal, progress
from bench.journal import CSRF_RE, PASSWORD, TIMEZONE, StatementCounter, logged_in_client
from caregiver.auth import services as auth_services
from caregiver.extensions import db
from caregiver.goals import services as goal_services
from caregiver.goals.models import Goal
from caregiver.goals.rules import WEEKS_SHOWN
from caregiver.journal.models import JournalEntry, entry_tags

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
SEED = 5
WORKERS = 2
CONNECTIONS = 8
THREADS = 2
ROUNDS = 3
WARM_UP_SECONDS = 1
GOALS = 50
# label: (journal entries, days of check-ins)
PEOPLE = {"light": (20, 7 * WEEKS_SHOWN), "heavy": (10_000, 2 * 365)}
FAST_PAGES = {"dashboard", "journal list"}
FAST_RATIO = 0.30
PAGE_RATIO = 0.15
HEAVY_LIMIT = 1.25
P95_LIMIT_MS = 50.0
STATEMENT_LIMIT = 10
RSS_LIMIT_MB = 120.0
FORM = "application/x-www-form-urlencoded"
COLUMNS = (
    "database",
    "person",
    "page",
    "req/s",
    "x hello",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "SQL",
    "RSS MB",
    "verdict",
)
LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("LOAD %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    errors, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
LOAD_LINE = re.compile(r"^LOAD (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", re.MULTILINE)


def trial_seconds() -> float:
    return float(os.environ.get("BENCH_LOAD_SECONDS", "") or 3)


# Serving ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def worker_rss_mb(self) -> float:
        """The largest resident size among the master's worker processes."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue  # a process that ended while we looked
            fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return max(sizes, default=0.0)


@contextmanager
def gunicorn(target: str, env: dict[str, str], log: Path) -> Iterator[Server]:
    """``target`` under gunicorn.conf.py with the bench's settings, until the block ends."""
    port = _free_port()
    command = [
        str(GUNICORN),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        f"--workers={WORKERS}",
        f"--bind=127.0.0.1:{port}",
        "--access-logfile=/dev/null",
        "--max-requests=0",
        target,
    ]
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed command
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server("127.0.0.1", port, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {target} did not start:\n{log.read_text()[-3000:]}")
            try:
                call(server, "GET", "/", {})
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=60)


def app_env(database_url: str) -> dict[str, str]:
    """The app's environment: production settings on the bench's database and keys."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "CAREGIVER_ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "CAREGIVER_ENCRYPTION_KEYS": BENCH_KEY,
        "DATABASE_URL": database_url,
        "BASE_URL": "https://caregiver.example",
        "TRUSTED_HOSTS": "127.0.0.1",
        # Rate limits count in memory (production allows it for one worker only): no page loaded
        # here is rate-limited, and --workers sets the real number.
        "WEB_CONCURRENCY": "1",
    }


# Talking to the servers ------------------------------------------------------------------------


def call(server: Server, method: str, path: str, cookies: dict, body: str | None = None, **headers):
    """One request; Set-Cookie answers go into ``cookies`` (kept though the app marks them
    Secure: the bench talks plain HTTP to its own server). Returns (status, text)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        return response.status, text
    finally:
        connection.close()


def sign_in(server: Server, email: str) -> dict[str, str]:
    """The cookies of a real log-in through the form."""
    cookies: dict[str, str] = {}
    _status, page = call(server, "GET", "/auth/login", cookies)
    token = CSRF_RE.search(page)
    if token is None:
        raise RuntimeError("no CSRF token on the log-in page")
    form = urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    status, _page = call(server, "POST", "/auth/login", cookies, form, **{"Content-Type": FORM})
    if status != 302:
        raise RuntimeError(f"log-in of {email} answered {status}")
    return cookies


# The people and their pages ----------------------------------------------------------------


@dataclass
class Person:
    label: str
    email: str
    entry_id: int
    goal_id: int
    day: str


@dataclass
class Page:
    person: str
    name: str
    path: str
    method: str = "GET"
    form: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


def seed(app: Flask, database: str) -> list[Person]:
    """The light and the heavy person, filled by the journal's and progress's bulk fillers."""
    rng = random.Random(SEED)
    people = []
    with app.app_context():
        for label, (entries, days) in PEOPLE.items():
            email = f"load-{label}@example.org"
            user = auth_services.create_user(email, label, PASSWORD, TIMEZONE, verified=True)
            journal.add_entries(user, entries, rng)
            progress.add_goals(user, GOALS, rng, days)
            db.session.commit()
            # The newest entry with tags: both people's entry pages show the same parts.
            newest = (
                sa.select(sa.func.max(JournalEntry.id))
                .join(entry_tags, entry_tags.c.entry_id == JournalEntry.id)
                .where(JournalEntry.user_id == user.id)
            )
            first_goal = sa.select(sa.func.min(Goal.id)).where(Goal.user_id == user.id)
            day = goal_services.today(user).isoformat()
            people.append(
                Person(label, email, db.session.scalar(newest), db.session.scalar(first_goal), day)
            )
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    print(f"bench: load people seeded on {database}", flush=True)
    return people


def pages_of(person: Person) -> list[Page]:
    check_in = {"day": person.day, "value": "done", "note": ""}
    return [
        Page(person.label, "dashboard", "/dashboard"),
        Page(person.label, "journal list", "/journal/"),
        Page(person.label, "journal entry", f"/journal/{person.entry_id}"),
        Page(person.label, "progress", "/progress"),
        Page(person.label, "today list", "/goals/"),
        Page(person.label, "check-in", f"/goals/{person.goal_id}/check-in", "POST", check_in),
    ]


def signed_in(server: Server, person: Person) -> list[Page]:
    """The person's pages with a session cookie and, for the POST, a CSRF token."""
    cookies = sign_in(server, person.email)
    _status, today = call(server, "GET", "/goals/", cookies)
    token = CSRF_RE.search(today)
    if token is None:
        raise RuntimeError("no CSRF token on the today list")
    pages = pages_of(person)
    for page in pages:
        page.cookies = cookies
        if page.method == "POST":
            page.form["csrf_token"] = token.group(1)
            page.headers = {"Content-Type": FORM, "X-Requested-With": "fetch"}
    return pages


def check_answers(server: Server, page: Page) -> None:
    """A page that redirects (to the log-in page, say) would look fast: it must answer 200."""
    body = urlencode(page.form) if page.method == "POST" else None
    status, _text = call(server, page.method, page.path, dict(page.cookies), body, **page.headers)
    if status != 200:
        raise RuntimeError(f"{page.method} {page.path} for {page.person} answered {status}")


def count_statements(app: Flask, counter: StatementCounter, person: Person | None) -> dict:
    """SQL statements per page (the second request of each, in this process); by page name."""
    if person is None:
        client = journal.IsolatedClient(app, app.response_class, use_cookies=True)
        client.get("/")
        return {"landing": counter.during(lambda: client.get("/"))}
    client = logged_in_client(app, person.email)
    token = CSRF_RE.search(client.get("/goals/").get_data(as_text=True)).group(1)
    counts = {}
    for page in pages_of(person):
        if page.method == "POST":
            form = {**page.form, "csrf_token": token}
            headers = {"X-Requested-With": "fetch"}

            def request(page=page, form=form, headers=headers):
                return client.post(page.path, data=form, headers=headers)
        else:

            def request(page=page):
                return client.get(page.path)

        if request().status_code != 200:
            raise RuntimeError(f"{page.path} did not answer 200 in process")
        counts[page.name] = counter.during(request)
    return counts


# Loading -------------------------------------------------------------------------------------


@dataclass
class Trial:
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def lua_script(page: Page, folder: Path) -> Path:
    lines = ['wrk.headers["Accept-Encoding"] = "gzip"']
    if page.cookies:
        cookie = "; ".join(f"{name}={value}" for name, value in page.cookies.items())
        lines.append(f'wrk.headers["Cookie"] = {json.dumps(cookie)}')
    for name, value in page.headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    if page.method == "POST":
        lines.append('wrk.method = "POST"')
        lines.append(f"wrk.body = {json.dumps(urlencode(page.form))}")
    path = folder / f"{abs(hash((page.person, page.name, page.path)))}.lua"
    path.write_text("\n".join(lines) + "\n" + LUA_DONE)
    return path


def load(server: Server, page: Page, seconds: float, folder: Path) -> Trial:
    """One wrk trial against ``page``."""
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout=10s",
        "-s",
        str(lua_script(page, folder)),
        server.url + page.path,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    found = LOAD_LINE.search(done.stdout)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    requests, duration_us, errors, p50, p95, p99 = (int(value) for value in found.groups())
    rps = requests / (duration_us / 1e6)
    return Trial(requests, rps, p50 / 1000, p95 / 1000, p99 / 1000, errors)


@dataclass
class Line:
    """One line of the scoreboard: a page for a person on a database, over the rounds."""

    database: str
    person: str
    page: str
    trials: list[Trial] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    statements: int | None = None
    rss_mb: float = 0.0
    misses: list[str] = field(default_factory=list)

    def median(self, name: str) -> float:
        """The median over the rounds; a latency is infinite in a round where no request
        finished within the trial."""
        if name == "rps":
            return statistics.median(trial.rps for trial in self.trials)
        return statistics.median(
            getattr(trial, name) if trial.requests else float("inf") for trial in self.trials
        )

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else 1.0

    @property
    def errors(self) -> int:
        return sum(trial.errors for trial in self.trials)


def wrk_available() -> str | None:
    """Why the load part cannot run, or None; tries to install Debian's wrk first."""
    if shutil.which("wrk") is None and shutil.which("apt-get") is not None:
        print("bench: wrk not found; apt-get install -y wrk ...", flush=True)
        subprocess.run(  # noqa: S603 - fixed command
            ["apt-get", "install", "-y", "-q", "wrk"],  # noqa: S607
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    if shutil.which("wrk") is None:
        return "wrk is not installed and could not be (apt-get install wrk)"
    return None


def judge(lines: list[Line]) -> None:
    """Write each budget a line misses into its ``misses``."""
    light = {line.page: line for line in lines if line.person == "light"}
    for line in lines:
        if line.person not in PEOPLE:
            continue
        floor = FAST_RATIO if line.page in FAST_PAGES else PAGE_RATIO
        if line.ratio < floor:
            line.misses.append(f"{line.ratio:.2f}x hello < {floor:.2f}x")
        if line.statements is not None and line.statements > STATEMENT_LIMIT:
            line.misses.append(f"{line.statements} SQL > {STATEMENT_LIMIT}")
        if line.rss_mb > RSS_LIMIT_MB:
            line.misses.append(f"RSS {line.rss_mb:.0f} MB > {RSS_LIMIT_MB:.0f}")
        if line.errors:
            line.misses.append(f"{line.errors} errors")
        if not all(trial.requests for trial in line.trials):
            line.misses.append("no request finished within a trial")
        if line.person != "heavy":
            continue
        base = light[line.page]
        slower = base.ratio / line.ratio if line.ratio else float("inf")
        if slower > HEAVY_LIMIT:
            line.misses.append(f"{slower:.2f}x slower than light > {HEAVY_LIMIT}")
        if line.median("p95") > P95_LIMIT_MS:
            line.misses.append(f"p95 {line.median('p95'):.0f} ms > {P95_LIMIT_MS:.0f}")
        if line.statements != base.statements:
            line.misses.append(f"SQL {line.statements} vs light {base.statements}")


def run(app: Flask, database: str) -> list[Line]:
    """Seed the two people on ``app``'s database, serve it and hello, and load every page."""
    reason = wrk_available()
    if reason:
        print(f"bench: load scoreboard skipped: {reason}", flush=True)
        return []
    people = seed(app, database)
    with app.app_context():
        counter = StatementCounter(db.engine)
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    statements = {"visitor": count_statements(app, counter, None)}
    for person in people:
        statements[person.label] = count_statements(app, counter, person)
    seconds = trial_seconds()
    with (
        tempfile.TemporaryDirectory(prefix="caregiver-load-") as tmp,
        gunicorn("bench.hello:app", {"PATH": os.environ.get("PATH", "")}, Path(tmp) / "h") as hi,
        gunicorn("wsgi:app", app_env(url), Path(tmp) / "app.log") as ours,
    ):
        folder = Path(tmp)
        hello = Page("-", "hello", "/")
        others = [(hi, Page("-", "hello template", "/template"))]
        others.append((ours, Page("visitor", "landing", "/")))
        for person in people:
            others += [(ours, page) for page in signed_in(ours, person)]
        for server, page in others:
            check_answers(server, page)
        print(f"bench: loading {len(others)} pages on {database}, {ROUNDS} rounds ...", flush=True)
        for server, page in [(hi, hello), *others]:
            load(server, page, WARM_UP_SECONDS, folder)
        lines = {
            page.name + page.person: Line(database, page.person, page.name) for _s, page in others
        }
        hello_line = Line(database, "-", "hello")
        for _round in range(ROUNDS):
            for server, page in others:
                base = load(hi, hello, seconds, folder)
                trial = load(server, page, seconds, folder)
                hello_line.trials.append(base)
                line = lines[page.name + page.person]
                line.trials.append(trial)
                line.ratios.append(trial.rps / base.rps)
                line.rss_mb = max(line.rss_mb, server.worker_rss_mb())
        hello_line.rss_mb = hi.worker_rss_mb()
    result = [hello_line, *lines.values()]
    for line in result:
        line.statements = statements.get(line.person, {}).get(line.page)
    judge(result)
    return result


def _cells(line: Line) -> tuple[str, ...]:
    return (
        line.database,
        line.person,
        line.page,
        f"{line.median('rps'):,.0f}",
        f"{line.ratio:.2f}",
        f"{line.median('p50'):.1f}",
        f"{line.median('p95'):.1f}",
        f"{line.median('p99'):.1f}",
        "-" if line.statements is None else str(line.statements),
        f"{line.rss_mb:.0f}",
        "; ".join(line.misses) if line.misses else "ok",
    )


def format_table(lines: list[Line]) -> str:
    return format_columns(COLUMNS, [_cells(line) for line in lines], numeric=set(range(3, 10)))


DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SIZING_LABELS = {"hello": "hello (bare Flask)", "landing": "landing (visitor)"}


def _markdown(header: list[str], numeric: range, rows: list[list[str]]) -> str:
    rule = "|" + "".join("---:|" if at in numeric else "---|" for at in range(len(header)))
    lines = [f"| {' | '.join(row)} |" for row in [header, *rows]]
    return "\n".join([lines[0], rule, *lines[1:]])


def markdown_table(lines: list[Line]) -> str:
    """The scoreboard as the README shows it; a signed-in page (those have budgets) is "met" or
    "missed"."""
    rows = []
    for line in lines:
        _database, _person, page, *figures, statements, rss, _verdict = _cells(line)
        rows.append(
            [
                DATABASE_NAMES.get(line.database, line.database),
                "" if line.person == "-" else line.person,
                page,
                *figures,
                "" if line.statements is None else statements,
                rss,
                ("missed" if line.misses else "met") if line.person in PEOPLE else "",
            ]
        )
    return _markdown([*COLUMNS[:-1], "budget"], range(3, 10), rows)


def sizing_table(lines: list[Line]) -> str:
    """Requests per second and p95 of the heavy person's pages, a column pair per database, as
    docs/deployment.md shows them."""
    databases = list(dict.fromkeys(line.database for line in lines))
    by_page: dict[str, dict[str, Line]] = {}
    for line in lines:
        if line.person in ("-", "visitor", "heavy") and line.page != "hello template":
            by_page.setdefault(line.page, {})[line.database] = line
    header = ["page (heavy person)"]
    for database in databases:
        name = DATABASE_NAMES.get(database, database)
        header += [f"{name} req/s", f"{name} p95 ms"]
    rows = []
    for page, found in by_page.items():
        row = [SIZING_LABELS.get(page, page)]
        for database in databases:
            line = found.get(database)
            row += [f"{line.median('rps'):,.0f}", f"{line.median('p95'):.0f}"] if line else ["", ""]
        rows.append(row)
    return _markdown(header, range(1, len(header)), rows)


def misses(lines: list[Line]) -> list[str]:
    """One line a missed budget, for the bench's verdict."""
    return [
        f"load {line.page} ({line.database}, {line.person}): {miss}"
        for line in lines
        for miss in line.misses
    ]
