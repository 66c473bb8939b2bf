"""Meeting finder benchmarks: ``GET /meetings/`` over 20 and then 2,000 weekly meetings.

The list expands every listed meeting's occurrences in memory, so its time grows with the number
of meetings while its SQL statement count must not. Meetings are checked by the real service
(``check_meeting``) and saved in bulk, with one-date cancellations and moves as a facilitator
makes them; the data is seeded so every run and every database gets the same meetings.
"""

import random
import re
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from datetime import time as wall_time

from flask import Flask
from flask.testing import FlaskClient

from bench import Row, median_ms, within_time
from bench.journal import (
    FAST_REPEATS,
    PASSWORD,
    TIMEZONE,
    IsolatedClient,
    StatementCounter,
    get_page,
    logged_in_client,
)
from caregiver import clock
from caregiver.auth import services as auth_services
from caregiver.extensions import db
from caregiver.groups import recurrence
from caregiver.groups.meeting_services import MeetingData, check_meeting
from caregiver.groups.models import (
    GROUP_KINDS,
    Attendance,
    GroupFacilitator,
    Meeting,
    MeetingChange,
    SupportGroup,
)

SEED = 11
SIZES = (20, 2_000)
MEETINGS_PER_GROUP = 10  # 2,000 meetings in 200 groups
LIST_BUDGET_MS = 500.0
CANCEL_SHARE = 0.05
MOVE_SHARE = 0.02
# Places with their timezone, across the US and Europe; online meetings keep the city as the
# approximate origin, as the Meeting Guide feed asks.
PLACES = [
    ("Boston", "MA", "US", "America/New_York"),
    ("Atlanta", "GA", "US", "America/New_York"),
    ("Springfield", "IL", "US", "America/Chicago"),
    ("Houston", "TX", "US", "America/Chicago"),
    ("Denver", "CO", "US", "America/Denver"),
    ("Phoenix", "AZ", "US", "America/Phoenix"),
    ("Portland", "OR", "US", "America/Los_Angeles"),
    ("Fresno", "CA", "US", "America/Los_Angeles"),
    ("Anchorage", "AK", "US", "America/Anchorage"),
    ("Honolulu", "HI", "US", "Pacific/Honolulu"),
    ("Dublin", "", "IE", "Europe/Dublin"),
    ("Manchester", "", "GB", "Europe/London"),
    ("Lyon", "", "FR", "Europe/Paris"),
    ("Hamburg", "", "DE", "Europe/Berlin"),
    ("Valencia", "", "ES", "Europe/Madrid"),
    ("Porto", "", "PT", "Europe/Lisbon"),
    ("Krakow", "", "PL", "Europe/Warsaw"),
    ("Helsinki", "", "FI", "Europe/Helsinki"),
    ("Athens", "", "GR", "Europe/Athens"),
    ("Rome", "", "IT", "Europe/Rome"),
]
# The second group's city, so the search finds online meetings at 20 meetings too.
SEARCH_URL = f"/meetings/?q={PLACES[1][0]}&place=online"
LANGUAGE_OF = {"IE": "en", "GB": "en", "FR": "fr", "DE": "de", "ES": "es", "PT": "pt", "PL": "pl"}
MODES = ("in_person", "in_person", "online", "hybrid")
TOTAL_RE = re.compile(r'class="muted small" role="status">\s*(\d+) meetings?')


@dataclass
class Finder:
    app: Flask
    database: str
    email: str
    facilitator_id: int


def _meeting(rng: random.Random, number: int, place: tuple, today: date) -> MeetingData:
    """One plausible weekly meeting in a place, on one or two weekdays."""
    city, region, country, timezone = place
    mode = rng.choice(MODES)
    hour = rng.choice((9, 10, 12, 17, 18, 19, 19, 20))
    weekdays = tuple(rng.sample(range(7), rng.choice((1, 1, 1, 2))))
    online = mode != "in_person"
    return MeetingData(
        name=f"{city} {('evening', 'morning', 'family', 'parents')[number % 4]} meeting {number}",
        repeat="weekly",
        weekdays=weekdays,
        first_day=today - timedelta(days=rng.randint(30, 700)),
        start_time=wall_time(hour, rng.choice((0, 30))),
        end_time=wall_time(hour + 1, 30),
        timezone=timezone,
        mode=mode,
        venue="" if mode == "online" else f"Community Hall {number}",
        address="" if mode == "online" else f"{number} Main Street",
        city=city,
        region=region,
        country=country,
        conference_url=f"https://zoom.us/j/555{number:04d}" if online else "",
        link_public=online and rng.random() < 0.5,
        open_to_all=rng.random() < 0.85,
        wheelchair=rng.random() < 0.5,
        childcare=rng.random() < 0.15,
        beginners=rng.random() < 0.4,
        language=LANGUAGE_OF.get(country, "en"),
    )


def _row(data: MeetingData, group_id: int) -> Meeting:
    """A meeting as ``create_meeting`` saves it, from data the service has checked."""
    values = asdict(check_meeting(data))
    values["weekdays"] = ",".join(str(day) for day in sorted(set(data.weekdays)))
    return Meeting(group_id=group_id, updated_at=clock.now(), **values)


def _today(meeting: Meeting) -> date:
    return clock.today_in(meeting.timezone)


def _change(rng: random.Random, meeting: Meeting) -> MeetingChange | None:
    """A cancellation or a move of one of the meeting's dates in the next ten days, or None."""
    roll = rng.random()
    if roll >= CANCEL_SHARE + MOVE_SHARE:
        return None
    start = _today(meeting) + timedelta(days=rng.randint(1, 10))
    on_day = recurrence.next_day(recurrence.Rule.of(meeting), start)
    change = MeetingChange(meeting_id=meeting.id, on_day=on_day, note="Bench change")
    if roll < CANCEL_SHARE:
        change.status = "cancelled"
    else:
        change.status, change.new_day = "moved", on_day + timedelta(days=1)
        change.new_start, change.new_end = meeting.start_time, meeting.end_time
    return change


def seed(rng: random.Random, facilitator_id: int, first: int, count: int) -> None:
    """Add ``count`` weekly meetings (numbered from ``first``) in new listed groups."""
    # Series began weeks to years ago; a day either way does not matter here.
    today = clock.now().date()
    groups = []
    for number in range(first // MEETINGS_PER_GROUP, (first + count) // MEETINGS_PER_GROUP):
        place = PLACES[number % len(PLACES)]
        kind = list(GROUP_KINDS)[number % len(GROUP_KINDS)]
        groups.append(
            SupportGroup(slug=f"bench-{number}", name=f"{place[0]} families {number}", kind=kind)
        )
    db.session.add_all(groups)
    db.session.flush()
    db.session.add_all(GroupFacilitator(group_id=g.id, user_id=facilitator_id) for g in groups)
    meetings = []
    for offset in range(count):
        group = groups[offset // MEETINGS_PER_GROUP]
        place = PLACES[(first + offset) // MEETINGS_PER_GROUP % len(PLACES)]
        meetings.append(_row(_meeting(rng, first + offset, place, today), group.id))
    db.session.add_all(meetings)
    db.session.flush()
    db.session.add_all(c for m in meetings if (c := _change(rng, m)) is not None)
    db.session.commit()


def build(app: Flask, database: str) -> Finder:
    """The facilitator who runs the groups and a signed-in person (setup, not measured)."""
    with app.app_context():
        facilitator = auth_services.create_user(
            "bench-facilitator@example.org", "Bench facilitator", PASSWORD, TIMEZONE,
            role="facilitator", verified=True,
        )  # fmt: skip
        person = auth_services.create_user(
            "bench-finder@example.org", "Bench finder", PASSWORD, TIMEZONE, verified=True
        )
        return Finder(app, database, person.email, facilitator.id)


def _plan_to_go(finder: Finder) -> None:
    """The signed-in person says "I'll be there" to a few dates, so that part is exercised."""
    with finder.app.app_context():
        person = auth_services.find_by_email(finder.email)
        for meeting in db.session.scalars(db.select(Meeting).order_by(Meeting.id).limit(5)):
            day = recurrence.next_day(recurrence.Rule.of(meeting), _today(meeting) + timedelta(2))
            db.session.add(Attendance(user_id=person.id, meeting_id=meeting.id, on_day=day))
        db.session.commit()


@dataclass
class Timing:
    ms: float
    statements: int
    total: int


def _time(client: FlaskClient, counter: StatementCounter, url: str, at_least: int) -> Timing:
    """Median time and statement count of one page; its meeting count is checked first."""
    found = TOTAL_RE.search(get_page(client, url))
    total = int(found.group(1)) if found else 0
    if total < at_least:
        raise RuntimeError(f"GET {url} lists {total} meetings, expected at least {at_least}")
    statements = counter.during(lambda: get_page(client, url))
    return Timing(median_ms(lambda: get_page(client, url), FAST_REPEATS), statements, total)


def _measure(finder: Finder, counter: StatementCounter, n: int) -> dict[str, Timing]:
    visitor = IsolatedClient(finder.app, finder.app.response_class, use_cookies=True)
    person = logged_in_client(finder.app, finder.email)
    # Every weekly meeting falls at least once in two weeks; the search finds a few at least.
    return {
        "visitor": _time(visitor, counter, "/meetings/", n),
        "signed in": _time(person, counter, "/meetings/", n),
        "search": _time(visitor, counter, SEARCH_URL, 1),
    }


def _rows(database: str, n: int, timings: dict[str, Timing]) -> list[Row]:
    rows = []
    for label, timing in timings.items():
        scenario = f"GET {SEARCH_URL}" if label == "search" else f"GET /meetings/ {label}"
        notes = f"{timing.total:,} occurrences found, {timing.statements} SQL statements"
        row = Row(scenario, database, n, timing.ms, notes=notes)
        if n == SIZES[-1] and database == "sqlite":
            row = within_time(row, LIST_BUDGET_MS)
        elif n == SIZES[-1]:
            # The budget is set for the embedded default; elsewhere the ratio is for comparison.
            row.notes += f", {timing.ms / LIST_BUDGET_MS:.2f} of the SQLite budget"
        rows.append(row)
    return rows


def run(app: Flask, database: str) -> list[Row]:
    """Time the meetings list for 20 meetings, then again once there are 2,000."""
    rng = random.Random(SEED)
    finder = build(app, database)
    with app.app_context():
        counter = StatementCounter(db.engine)
    measured: dict[int, dict[str, Timing]] = {}
    made = 0
    for size in SIZES:
        start = time.perf_counter()
        with app.app_context():
            seed(rng, finder.facilitator_id, made, size - made)
        made = size
        if size == SIZES[0]:
            _plan_to_go(finder)
        print(
            f"bench: {size:,} meetings on {database} in {time.perf_counter() - start:.1f} s; "
            "measuring ...",
            flush=True,
        )
        measured[size] = _measure(finder, counter, size)
    small, large = SIZES
    rows = _rows(database, small, measured[small]) + _rows(database, large, measured[large])
    for label in measured[large]:
        few, many = measured[small][label].statements, measured[large][label].statements
        rows.append(
            Row(
                f"SQL per meetings {label} {large:,} vs {small}",
                database,
                budget="equal",
                verdict="ok" if few == many else "FAIL",
                failed=few != many,
                notes=f"{many} vs {few} statements",
            )
        )
    return rows
