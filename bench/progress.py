"""Progress benchmarks: /progress and the today list for 1 goal and for 50 goals with two years
of check-ins, plus boundaries, journal moods and weekly ratings, as a long-time user has."""

import random
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from bench import Row, median_ms, within_ratio
from bench.journal import PASSWORD, TIMEZONE, StatementCounter, get_page, logged_in_client
from caregiver import clock
from caregiver.auth import services as auth_services
from caregiver.extensions import db
from caregiver.goals import boundaries, rules, services
from caregiver.goals.models import BoundaryCheckin, Goal, GoalCheckin, WellbeingCheckin
from caregiver.journal import services as journal

SEED = 7
PEOPLE = {"one-goal": 1, "fifty-goals": 50}
DAYS_BACK = 2 * 365
DONE_SHARE = 0.8
SKIP_SHARE = 0.03
BOUNDARIES = 5
# 50 goals against 1, both with two years of check-ins, in the same run.
PROGRESS_RATIO_BUDGET = 3.0
REPEATS = 15


@dataclass
class Setup:
    app: Flask
    database: str
    emails: dict[str, str]


def _checkins(rng: random.Random, user_id: int, item_id: int, column: str, first, values, days):
    """Rows for one item: most of ``days`` days from ``first``, each one of ``values`` by weight."""
    rows = []
    for offset in range(days):
        roll = rng.random()
        if roll < DONE_SHARE + SKIP_SHARE:
            value = values[0] if roll < DONE_SHARE else values[1]
            day = first + timedelta(days=offset)
            rows.append({"user_id": user_id, column: item_id, "day": day, **value})
    return rows


def add_goals(user, goal_count: int, rng: random.Random, days: int = DAYS_BACK) -> None:
    """``goal_count`` goals and BOUNDARIES boundaries started ``days`` ago, with check-ins on
    most of those days, inserted in bulk (not committed)."""
    today = rules.day_for(clock.now(), user.timezone)
    first = today - timedelta(days=days)
    rows = []
    for number in range(goal_count):
        per_week = 7 if number % 3 else 3
        goal = services.create_goal(user, services.GoalData(f"Goal number {number}", per_week))
        goal.start_day = first
        done, skip = {"status": "done"}, {"status": "skip"}
        rows += _checkins(rng, user.id, goal.id, "goal_id", first, (done, skip), days)
    db.session.execute(sa.insert(GoalCheckin), rows)
    outcomes = [{"outcome": name} for name in ("held", "tested")]
    for number in range(BOUNDARIES):
        boundary = boundaries.create_boundary(user, boundaries.BoundaryData(f"Boundary {number}"))
        rows = _checkins(rng, user.id, boundary.id, "boundary_id", first, outcomes, days)
        db.session.execute(sa.insert(BoundaryCheckin), rows)


def _fill(user, goal_count: int, rng: random.Random) -> None:
    today = rules.day_for(clock.now(), user.timezone)
    add_goals(user, goal_count, rng)
    for back in range(90):
        day = today - timedelta(days=back)
        mood = rng.randint(1, 5)
        entry = journal.EntryData(
            body="A day.", entry_date=day, entry_time=clock.now().time(), mood=mood
        )
        journal.add_entry(user, entry)
    for back in range(12):
        week = rules.week_start(today) - timedelta(weeks=back)
        db.session.add(WellbeingCheckin(user_id=user.id, week=week, sleep=rng.randint(1, 10)))
    db.session.commit()


def build(app: Flask, database: str) -> Setup:
    """Create the people and their goals in one app context (setup, not measured)."""
    rng = random.Random(SEED)
    emails = {}
    with app.app_context():
        for label, count in PEOPLE.items():
            email = f"bench-{label}@example.org"
            user = auth_services.create_user(email, label, PASSWORD, TIMEZONE, verified=True)
            emails[label] = email
            _fill(user, count, rng)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(GoalCheckin))
        goals = db.session.scalar(sa.select(sa.func.count()).select_from(Goal))
    print(f"bench: {goals} goals with {total:,} check-ins on {database}", flush=True)
    return Setup(app, database, emails)


def _timed(setup: Setup, counter: StatementCounter, label: str, url: str) -> tuple[float, int]:
    client = logged_in_client(setup.app, setup.emails[label])
    get_page(client, url)
    statements = counter.during(lambda: get_page(client, url))
    return median_ms(lambda: get_page(client, url), REPEATS), statements


def run(app: Flask, database: str) -> list[Row]:
    """Build the goals on ``app``'s database and time /progress and /goals/."""
    start = time.perf_counter()
    setup = build(app, database)
    print(f"bench: built in {time.perf_counter() - start:.1f} s; measuring ...", flush=True)
    with app.app_context():
        counter = StatementCounter(db.engine)
    rows = []
    for url in ("/progress", "/goals/"):
        few_ms, few_sql = _timed(setup, counter, "one-goal", url)
        many_ms, many_sql = _timed(setup, counter, "fifty-goals", url)
        note = "2 years of check-ins, {} SQL statements"
        rows.append(Row(f"GET {url}", database, 1, few_ms, notes=note.format(few_sql)))
        many = Row(f"GET {url}", database, 50, many_ms, notes=note.format(many_sql))
        rows.append(many)
        if url == "/progress":
            scenario = f"GET {url} 50 goals vs 1"
            rows.append(within_ratio(scenario, database, many_ms, few_ms, PROGRESS_RATIO_BUDGET))
        same = few_sql == many_sql
        rows.append(
            Row(
                f"SQL per {url} request 50 vs 1",
                database,
                budget="equal",
                verdict="ok" if same else "FAIL",
                failed=not same,
                notes=f"{many_sql} vs {few_sql} statements",
            )
        )
    return rows
