"""The demo data, and a demo caregiver a few weeks in: what Lighthouse scores and the README's
screenshots show. Journal entries, goals, boundaries and weekly ratings are made through the
services, seeded, so every run shows the same weeks (counted back from the clock's today)."""

import random
from datetime import time, timedelta

from flask import Flask

from caregiver import clock
from caregiver.auth import services as auth_services
from caregiver.auth.models import User
from caregiver.cli import DEMO_PASSWORD, DEMO_PEOPLE
from caregiver.extensions import db
from caregiver.goals import boundaries, progress, rules, services
from caregiver.goals.models import WELLBEING_AREAS
from caregiver.journal import services as journal

SEED = 11
WEEKS = 6
EMAIL = DEMO_PEOPLE[1][0]
PASSWORD = DEMO_PASSWORD
GOALS = ("walk", "sleep", "friend")
BOUNDARIES = ("money", "talk")
# (days ago, hour, mood, tags, title, body)
ENTRIES = (
    (0, 8, 3, ["sleep"], "", "Up early again. Coffee on the porch before anyone else woke."),
    (1, 21, 4, ["support group"], "Group night", "I said out loud how tired I am. Nobody "
     "tried to fix it. Two parents stayed after to talk, and I drove home lighter."),
    (3, 19, 2, ["family", "boundaries"], "", "He asked for money for the phone bill. I "
     "offered to pay the bill myself, like I planned. He hung up. I held it."),
    (5, 7, 3, ["self-care"], "", "Walked the long way round the park. Twenty minutes, no phone."),
    (8, 22, 1, ["family"], "A hard night", "No answer all evening. I kept checking the "
     "phone. Naloxone is in the kitchen drawer and in my bag. I wrote this instead of pacing."),
    (12, 18, 4, ["gratitude"], "", "He called just to say hello. First time in weeks."),
    (16, 20, 3, ["therapy"], "Counselor", "We talked about what I can control and what I "
     "can't. I made a list of both and kept it on the fridge."),
)  # fmt: skip


def load_demo(app: Flask) -> None:
    """Load the demo accounts, groups and meetings, as ``flask demo-data`` does."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo-data"])
    if result.exit_code:
        raise RuntimeError(f"demo-data failed: {result.output}") from result.exception


def fill(user: User, rng: random.Random) -> None:
    """Give ``user`` a journal, goals, boundaries and weekly ratings over the last few weeks."""
    now = clock.local_now(user.timezone).time().replace(second=0, microsecond=0)
    today = services.today(user)
    first = today - timedelta(weeks=WEEKS)
    for days_ago, hour, mood, tags, title, body in ENTRIES:
        at = time(hour) if days_ago else min(time(hour), now)  # never later than now
        day = today - timedelta(days=days_ago)
        entry = journal.EntryData(body, day, at, title=title, mood=mood, tags=tags)
        journal.add_entry(user, entry)
    for key in GOALS:
        goal = services.add_suggested_goal(user, key)
        goal.start_day = first
        for back in range(1, WEEKS * 7):
            if rng.random() < goal.per_week / 7 * 0.9:
                services.check_in_goal(goal, today - timedelta(days=back), rules.DONE, "", today)
    for key in BOUNDARIES:
        example = services.examples()["boundaries"][key]
        data = boundaries.BoundaryData(example["statement"], example["reason"], example["response"])
        boundary = boundaries.create_boundary(user, data)
        for back in range(1, WEEKS * 7, 4):
            outcome = rng.choices(rules.OUTCOMES, weights=(6, 3, 1))[0]
            boundaries.check_in_boundary(boundary, today - timedelta(days=back), outcome, "", today)
    for back in range(WEEKS):
        week = rules.week_start(today) - timedelta(weeks=back)
        ratings = {area: rng.randint(3 + back % 2, 8) for area in WELLBEING_AREAS}
        progress.save_wellbeing(user.id, week, ratings, today)
    db.session.commit()


def demo_caregiver(app: Flask) -> str:
    """Load the demo data and fill the demo caregiver's weeks; returns their email."""
    load_demo(app)
    with app.app_context():
        fill(auth_services.find_by_email(EMAIL), random.Random(SEED))
    return EMAIL
