"""Journal benchmarks: search against its AES-GCM floor, the list page, deep paging and writing
an entry.

The data is generated, not sampled from real people: English-like bodies from a small fixed
vocabulary, seeded so every run (and every database) gets exactly the same journals.
"""

import contextvars
import html
import random
import re
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as wall_time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy import func as sa_func

from bench import REPEATS, Row, median_ms, within_ratio
from caregiver import clock, crypto
from caregiver.auth import services as auth_services
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.journal import search, services
from caregiver.journal.models import JournalEntry
from caregiver.journal.services import EntryData

SEED = 42
PASSWORD = "correct horse battery staple"  # noqa: S105 (throwaway benchmark people only)
TIMEZONE = "America/Chicago"
# How many entries each person gets; "writer" starts empty and is used to time create_entry.
PEOPLE = {"search": 10_000, "other": 500, "short": 10, "long": 1_000, "writer": 0}
COMMIT_EVERY = 500
BODY_CHARS = (200, 1_500)
DAYS_BACK = 3 * 365
MARKER_SHARE = 0.01
# Chosen so neither appears inside any vocabulary word or tag (search matches substrings).
MARKER = "quillwort"
COMMON = "today"
# Search reads and decrypts every entry, so its floor is a bare loop doing only that (one query
# over the stored values and AES-GCM): search must keep at least half that loop's rate,
# measured alongside it.
SEARCH_RATE_BUDGET = 0.5
PAGE_RATIO_BUDGET = 3.0
DEEP_PAGE = 20
# Requests and single writes take milliseconds, so more repetitions cost little and steady
# the median on a noisy machine.
FAST_REPEATS = 15

VOCABULARY_TEXT = """
the and i to was he she we it today my a of in that with for not but his her
felt said again called mom dad son daughter brother sister family tired hope worried
talked slept work morning night evening dinner breakfast walk phone text meeting group
doctor clinic counselor therapy treatment program recovery relapse sober clean days week
months money rent car court lawyer job school kids grandkids house kitchen garden dog rain
sun coffee quiet loud angry sad calm scared proud grateful honest tried listened cried
laughed hugged waited drove visited promised forgot remembered asked answered boundaries
support meds naloxone overdose craving withdrawal appointment insurance pharmacy hospital
friend neighbor pastor church prayer journal breathe sleep rest boundary patience love
trust lies truth long short hard easy better worse small big first last maybe still
"""
VOCABULARY = VOCABULARY_TEXT.split()
# Zipf-like weights: a few words are everywhere, most are occasional, as in real writing.
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
TAGS = [
    "family",
    "sleep",
    "work",
    "therapy",
    "meeting",
    "setback",
    "good day",
    "self-care",
    "money",
    "court",
    "doctor",
    "naloxone",
    "support group",
    "boundaries",
    "gratitude",
]
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
NEXT_RE = re.compile(r'href="([^"]+)" rel="next"')
CARD = 'class="entry-card'


@dataclass
class Journals:
    """The generated data: who is who, and how many of their entries carry the marker."""

    app: Flask
    database: str
    ids: dict[str, int]
    emails: dict[str, str]
    marked: dict[str, int]


# Generating entries ------------------------------------------------------------------------------


def _sentence(rng: random.Random) -> list[str]:
    return rng.choices(VOCABULARY, weights=WEIGHTS, k=rng.randint(5, 16))


def _render(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


def make_body(rng: random.Random, with_marker: bool) -> str:
    """Sentences up to a random length within BODY_CHARS, the marker word in one if asked."""
    low, high = BODY_CHARS
    target = rng.randint(low, high)
    room = high - len(MARKER) - 1  # the marker goes in afterwards and must still fit
    sentences: list[list[str]] = []
    length = 0
    while length < target:
        words = _sentence(rng)
        if length + len(_render(words)) + 1 > room and length >= low:
            break
        sentences.append(words)
        length += len(_render(words)) + 1
    if with_marker:
        words = rng.choice(sentences)
        words.insert(rng.randint(0, len(words)), MARKER)
    return " ".join(_render(words) for words in sentences)


def make_entry(rng: random.Random, today: date) -> tuple[EntryData, bool]:
    """One plausible entry dated within the past three years; True when it has the marker."""
    with_marker = rng.random() < MARKER_SHARE
    title = ""
    if rng.random() < 0.4:
        title = " ".join(rng.choices(VOCABULARY, weights=WEIGHTS, k=rng.randint(2, 5)))
    data = EntryData(
        body=make_body(rng, with_marker),
        # From yesterday back: today's date with a later clock time would be in the future.
        entry_date=today - timedelta(days=rng.randint(1, DAYS_BACK)),
        entry_time=wall_time(rng.randint(6, 23), rng.randrange(0, 60, 5)),
        title=title.capitalize(),
        mood=rng.choice([None, 1, 2, 3, 4, 5]),
        tags=rng.sample(TAGS, rng.randint(0, 3)),
    )
    return data, with_marker


def add_entries(user: User, count: int, rng: random.Random) -> int:
    """Add ``count`` entries for ``user`` straight through the service; return how many marked."""
    today = clock.today_in(user.timezone)
    marked = 0
    for number in range(1, count + 1):
        data, with_marker = make_entry(rng, today)
        marked += with_marker
        services.add_entry(user, data)
        # Committing in batches keeps each transaction (and the session) small.
        if number % COMMIT_EVERY == 0:
            db.session.commit()
    db.session.commit()
    return marked


def build(app: Flask, database: str) -> Journals:
    """Create the people and their journals in one app context (no HTTP: it is only setup)."""
    rng = random.Random(SEED)
    ids, emails, marked = {}, {}, {}
    with app.app_context():
        for label, count in PEOPLE.items():
            email = f"bench-{label}@example.org"
            user = auth_services.create_user(
                email, f"Bench {label}", PASSWORD, TIMEZONE, verified=True
            )
            ids[label], emails[label] = user.id, email
            marked[label] = add_entries(user, count, rng)
    if not marked["search"]:
        raise RuntimeError("no entry got the marker word; the rare-word search would be empty")
    return Journals(app, database, ids, emails, marked)


# Search --------------------------------------------------------------------------------------


def _search(app: Flask, user_id: int, query: str) -> search.Results:
    # A fresh app context per call, as each request has: its own session and key cache.
    with app.app_context():
        return search.search(user_id, query)


@dataclass
class SealedFields:
    """What the bare loop needs to read and open one person's titles and bodies: the engine, a
    plain SELECT of the stored values, and the AES-GCM object of their data key."""

    engine: object
    query: object
    user_id: int
    aead: AESGCM
    count: int  # how many fields the loop opens


def sealed_fields(app: Flask, user_id: int) -> SealedFields:
    """Everything the bare loop needs, found once (not measured)."""
    with app.app_context():
        newest = db.session.scalar(
            select(crypto.DataKey)
            .where(crypto.DataKey.user_id == user_id)
            .order_by(crypto.DataKey.version.desc())
        )
        # crypto's own unwrapping, so only the loop differs from search.
        key = crypto._unwrap(newest)
        engine = db.engine
        live = (JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None))
        titles, bodies = (
            sa_func.count(JournalEntry.title_sealed),
            sa_func.count(JournalEntry.body_sealed),
        )
        count = db.session.scalar(select(titles + bodies).where(*live))
    query = select(JournalEntry.id, JournalEntry.title_sealed, JournalEntry.body_sealed).where(
        *live
    )
    return SealedFields(engine, query, user_id, AESGCM(key), count)


def decrypt_loop(sealed: SealedFields) -> None:
    """The floor of decrypt-and-scan: read the stored values with one Core query and AES-GCM
    decrypt each one in a plain loop, with the associated data crypto.seal bound to it."""
    start, end = crypto.HEADER_BYTES, crypto.HEADER_BYTES + crypto.NONCE_BYTES
    table, owner, decrypt = JournalEntry.__tablename__, sealed.user_id, sealed.aead.decrypt
    with sealed.engine.connect() as connection:
        rows = connection.execute(sealed.query)
        for row_id, title, body in rows:
            for column, blob in (("title_sealed", title), ("body_sealed", body)):
                if blob:
                    blob = bytes(blob)
                    aad = crypto._aad(blob[:start], table, column, row_id, owner)
                    decrypt(blob[start:end], blob[end:], aad)


def interleaved_ms(first, second, repeats: int = REPEATS) -> tuple[float, float]:
    """Medians of two actions timed turn about, so a noisy moment hits both alike."""
    first(), second()  # warm-up
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for action, samples in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def _search_rows(data: Journals, label: str, query: str, expect: int | None) -> list[Row]:
    """Time one search against the bare decrypt loop over the same entries; check the hit
    count first so a broken search cannot look fast."""
    n = PEOPLE[label]
    user_id = data.ids[label]
    found = _search(data.app, user_id, query).total
    if expect is not None and found != expect:
        raise RuntimeError(f"search for {query!r} found {found} entries, expected {expect}")
    sealed = sealed_fields(data.app, user_id)
    search_ms, loop_ms = interleaved_ms(
        lambda: _search(data.app, user_id, query), lambda: decrypt_loop(sealed)
    )
    kind = "rare" if query == MARKER else "common"
    share = loop_ms / search_ms  # search's rate as a share of the bare loop's
    failed = share < SEARCH_RATE_BUDGET
    return [
        Row(
            f"search {kind} word",
            data.database,
            n,
            search_ms,
            notes=f"{n / (search_ms / 1000):,.0f} entries/s, {found:,} hits",
        ),
        Row(
            "AES-GCM decrypt loop, same fields",
            data.database,
            n,
            loop_ms,
            notes=f"{sealed.count:,} fields, {n / (loop_ms / 1000):,.0f} entries/s",
        ),
        Row(
            f"search {kind} word rate vs decrypt loop",
            data.database,
            budget=f"rate >= {SEARCH_RATE_BUDGET:.1f}x",
            verdict=f"{share:.2f} {'FAIL' if failed else 'ok'}",
            failed=failed,
            notes=f"{loop_ms:.1f} ms / {search_ms:.1f} ms",
        ),
    ]


def search_rows(data: Journals) -> list[Row]:
    """Scenario 1: decrypt-and-scan search over 10,000 entries, against its AES-GCM floor."""
    return [
        *_search_rows(data, "search", MARKER, data.marked["search"]),
        *_search_rows(data, "search", COMMON, None),
    ]


# The list page through HTTP ----------------------------------------------------------------------


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Flask reuses an app context that is already pushed, which would share ``g`` (the data key
    cache, the signed-in person) across requests and make them look cheaper than they are.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class StatementCounter:
    """Counts SQL statements sent on an engine (every cursor execute, ORM or not)."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def during(self, action) -> int:
        """How many statements ``action`` sends."""
        before = self.count
        action()
        return self.count - before


def logged_in_client(app: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    """A client signed in through the real log-in form, so it carries a real session."""
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    form = client.get("/auth/login").get_data(as_text=True)
    token = CSRF_RE.search(form)
    if token is None:
        raise RuntimeError("no CSRF token on the log-in page")
    response = client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )
    if response.status_code != 302:
        raise RuntimeError(f"log-in failed with status {response.status_code}")
    return client


def get_page(client: FlaskClient, url: str) -> str:
    """GET a page that must succeed, returning its HTML."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response.get_data(as_text=True)


@dataclass
class PageTiming:
    ms: float
    statements: int
    cards: int


def time_page(client: FlaskClient, counter: StatementCounter, url: str) -> PageTiming:
    """Median time, SQL statement count and entries shown for one page."""
    page = get_page(client, url)
    statements = counter.during(lambda: get_page(client, url))
    ms = median_ms(lambda: get_page(client, url), FAST_REPEATS)
    return PageTiming(ms, statements, page.count(CARD))


def _page_row(scenario: str, data: Journals, n: int, timing: PageTiming) -> Row:
    notes = f"{timing.cards} entries shown, {timing.statements} SQL statements"
    return Row(scenario, data.database, n, timing.ms, notes=notes)


def deep_url(client: FlaskClient, pages: int) -> str:
    """Follow "Older entries" links from the first page to page ``pages``; return its URL."""
    url = "/journal/"
    for _ in range(pages - 1):
        found = NEXT_RE.search(get_page(client, url))
        if found is None:
            raise RuntimeError(f"no 'Older entries' link on {url}")
        url = html.unescape(found.group(1))
    return url


def page_rows(data: Journals, counter: StatementCounter) -> list[Row]:
    """Scenarios 2 and 3: the first page for 10 vs 1,000 entries, then page 20 vs page 1."""
    short = logged_in_client(data.app, data.emails["short"])
    long = logged_in_client(data.app, data.emails["long"])
    few = time_page(short, counter, "/journal/")
    many = time_page(long, counter, "/journal/")
    deep = time_page(long, counter, deep_url(long, DEEP_PAGE))
    if deep.cards != services.PAGE_SIZE:
        raise RuntimeError(f"page {DEEP_PAGE} shows {deep.cards} entries")
    same = few.statements == many.statements
    return [
        _page_row("GET /journal/ page 1", data, PEOPLE["short"], few),
        _page_row("GET /journal/ page 1", data, PEOPLE["long"], many),
        within_ratio("list page 1,000 vs 10", data.database, many.ms, few.ms, PAGE_RATIO_BUDGET),
        Row(
            "SQL per list request 1,000 vs 10",
            data.database,
            budget="equal",
            verdict="ok" if same else "FAIL",
            failed=not same,
            notes=f"{many.statements} vs {few.statements} statements",
        ),
        _page_row(f"GET /journal/ page {DEEP_PAGE}", data, PEOPLE["long"], deep),
        within_ratio(
            f"page {DEEP_PAGE} vs page 1", data.database, deep.ms, many.ms, PAGE_RATIO_BUDGET
        ),
    ]


# Writing -------------------------------------------------------------------------------------


def create_row(data: Journals) -> Row:
    """Scenario 4: services.create_entry on its own, informational."""
    rng = random.Random(SEED)
    user_id = data.ids["writer"]

    def create() -> None:
        # Its own app context and a freshly loaded person, as a request that saves an entry.
        with data.app.app_context():
            user = db.session.get(User, user_id)
            entry, _marked = make_entry(rng, clock.today_in(user.timezone))
            services.create_entry(user, entry)

    ms = median_ms(create, FAST_REPEATS)
    return Row("services.create_entry", data.database, None, ms, notes="incl. loading the person")


def run(app: Flask, database: str) -> list[Row]:
    """Build the journals on ``app``'s database and run every journal scenario."""
    print(f"bench: building {sum(PEOPLE.values()):,} entries on {database} ...", flush=True)
    start = time.perf_counter()
    data = build(app, database)
    print(f"bench: built in {time.perf_counter() - start:.1f} s; measuring ...", flush=True)
    with app.app_context():
        counter = StatementCounter(db.engine)
    return [*search_rows(data), *page_rows(data, counter), create_row(data)]
