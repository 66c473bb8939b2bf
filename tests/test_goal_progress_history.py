"""Goal statistics through the database: the numbers of the full walk, and the same work for a
month of history as for years of it (stored tallies, see ``caregiver.goals.tallies``)."""

import random
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import pytest
import sqlalchemy as sa
from helpers import CSRF_RE, count_statements, log_in, queries_for

from caregiver import clock
from caregiver.extensions import db
from caregiver.goals import progress, rules, services, tallies
from caregiver.goals.models import Goal, GoalCheckin

pytestmark = pytest.mark.time_dependent

ZONE = "America/Chicago"  # the test people's timezone


def today() -> date:
    return rules.day_for(clock.now(), ZONE)


def seed(user, days_back: int, per_weeks=(7, 3, 1, 5), seed_number=1) -> list[Goal]:
    """Goals started ``days_back`` days ago with check-ins on most days, some back-dated before
    the start, written in bulk as an import would."""
    rng = random.Random(seed_number)
    first = today() - timedelta(days=days_back)
    made = [services.create_goal(user, services.GoalData(f"goal {n}", n)) for n in per_weeks]
    rows = []
    for goal in made:
        goal.start_day = first
        for day in rules.days_between(first - timedelta(days=10), today()):
            roll = rng.random()
            if roll < 0.85:
                status = rules.DONE if roll < 0.8 else rules.SKIP
                rows.append({"user_id": user.id, "goal_id": goal.id, "day": day, "status": status})
    db.session.execute(sa.insert(GoalCheckin), rows)
    db.session.commit()
    return made


def full_walk(goal: services.GoalItem, current: date, reach: tallies.Reach) -> rules.GoalStats:
    """The reference: every check-in the goal has, walked from its first day."""
    query = sa.select(GoalCheckin.day, GoalCheckin.status).where(GoalCheckin.goal_id == goal.id)
    stats = rules.goal_stats(goal.schedule, dict(db.session.execute(query).all()), current)
    return replace(stats, weeks=stats.weeks[-reach.weeks :])


def assert_full_walk_numbers(user) -> None:
    """/progress's twelve weeks, and this week's numbers of the today list, of a goal's page and
    of its card after a tap, all equal to the full walk."""
    current = today()
    for reach, archived in ((tallies.SHOWN, None), (tallies.THIS_WEEK, False)):
        items = progress.goal_progress(user.id, current, archived, reach)
        assert items
        for item in items:
            assert item.stats == full_walk(item.goal, current, reach), item.goal.title
            if reach == tallies.THIS_WEEK:
                one = progress.one_goal_progress(db.session.get(Goal, item.goal.id), current)
                assert one.stats == item.stats


def tally_days(user, column=Goal.tally_day) -> dict[int, date | None]:
    """Each goal's base day of the twelve weeks' tally (or of another, by its column)."""
    rows = db.session.execute(
        sa.select(Goal.id, column).where(Goal.user_id == user.id).order_by(Goal.id)
    )
    return dict(rows.all())


def test_stored_tallies_give_the_numbers_of_the_full_walk(app, make_user, pinned_clock):
    user = make_user()
    goals = seed(user, 400)
    young = seed(user, 30, per_weeks=(7, 2), seed_number=2)
    new = services.create_goal(user, services.GoalData("started today", 4))
    assert_full_walk_numbers(user)
    stored = tally_days(user)
    recent = tally_days(user, Goal.recent_day)
    last_sunday = rules.week_start(today()) - timedelta(days=1)
    assert all(stored[goal.id] for goal in goals) and not any(stored[g.id] for g in young)
    assert all(recent[goal.id] == last_sunday for goal in goals + young)
    assert stored[new.id] is None and recent[new.id] is None
    assert_full_walk_numbers(user)  # now from the tallies
    assert tally_days(user) == stored and tally_days(user, Goal.recent_day) == recent
    walk, weekly = goals[0], goals[1]
    # Today's check-ins keep both tallies ...
    current = today()
    services.check_in_goal(walk, current, "clear", "", current)
    services.check_in_goal(walk, current, rules.DONE, "", current)
    assert tally_days(user) == stored and tally_days(user, Goal.recent_day) == recent
    assert_full_walk_numbers(user)
    # ... one last week throws this week's tally away and keeps the twelve weeks' one ...
    services.check_in_goal(walk, last_sunday - timedelta(days=2), rules.SKIP, "", current)
    assert tally_days(user, Goal.recent_day)[walk.id] is None
    assert tally_days(user) == stored
    assert_full_walk_numbers(user)
    assert tally_days(user, Goal.recent_day)[walk.id] == last_sunday
    # ... and one recorded, changed or cleared on a day both counted throws both away.
    old = stored[walk.id] - timedelta(days=20)
    for status in (rules.DONE, rules.SKIP, "clear"):
        services.check_in_goal(walk, old, status, "", current)
        assert tally_days(user)[walk.id] is None
        assert tally_days(user, Goal.recent_day)[walk.id] is None
        assert_full_walk_numbers(user)
    services.update_goal(weekly, services.GoalData("goal 3", 6))
    assert tally_days(user)[weekly.id] is None
    assert tally_days(user, Goal.recent_day)[weekly.id] is None
    assert_full_walk_numbers(user)
    services.archive_goal(weekly, current)
    assert_full_walk_numbers(user)
    services.restore_goal(weekly)
    assert_full_walk_numbers(user)
    # Weeks later the tallies move on; a clock set back finds them too new and walks it all.
    pinned_clock.shift(timedelta(weeks=6))
    assert_full_walk_numbers(user)
    moved = tally_days(user)
    assert all(moved[goal.id] > stored[goal.id] for goal in goals)
    pinned_clock.shift(timedelta(weeks=-16))
    assert_full_walk_numbers(user)
    assert all(tally_days(user)[goal.id] < stored[goal.id] for goal in goals)


@pytest.mark.parametrize("reach", [tallies.SHOWN, tallies.THIS_WEEK], ids=["twelve", "week"])
def test_a_tally_worked_out_before_a_back_dated_check_in_is_not_stored(app, make_user, reach):
    user = make_user()
    goal = seed(user, 300, per_weeks=(7,))[0]
    current = today()
    read = db.session.get(Goal, goal.id)
    version = read.history_version
    checkins = dict(
        db.session.execute(
            sa.select(GoalCheckin.day, GoalCheckin.status).where(GoalCheckin.goal_id == goal.id)
        ).all()
    )
    _stats, tally = tallies.continued_stats(
        services.open_goal(read).schedule, None, checkins, current, reach
    )
    # Another request records a day that tally counted, before this one stores it.
    services.check_in_goal(goal, tally.day - timedelta(days=2), rules.SKIP, "", current)
    stale = progress._tally_values(read, tally) | {"version": version}
    prefix = progress.COLUMN_PREFIX[reach]
    progress._store_tallies([stale], prefix)
    assert tally_days(user, getattr(Goal, f"{prefix}_day"))[goal.id] is None
    assert_full_walk_numbers(user)


def test_pages_and_a_check_in_run_the_same_statements_for_a_month_and_two_years(app, make_user):
    month, years = make_user(), make_user()
    seed(month, 30)
    seed(years, 730)
    first_goal = {person.id: tally_days(person) for person in (month, years)}
    for url in ("/goals/", "/progress", "/goals/{}"):
        counts = [
            queries_for(app, person, url.format(min(first_goal[person.id])))
            for person in (month, years)
        ]
        assert counts[0] == counts[1], (url, counts)
    posts = []
    for person in (month, years):
        client = app.test_client()
        log_in(client, person)
        goal_id = min(first_goal[person.id])
        token = CSRF_RE.search(client.get("/goals/").get_data(as_text=True)).group(1)
        data = {"day": today().isoformat(), "note": "", "csrf_token": token}
        for value in ("clear", "done"):
            tap = partial(
                client.post,
                f"/goals/{goal_id}/check-in",
                data=data | {"value": value},
                headers={"X-Requested-With": "fetch"},
            )
            count, response = count_statements(tap)
            assert response.status_code == 200
            posts.append(count)
    assert posts[:2] == posts[2:], posts
    # The two years were walked once, when their tallies were written, and not since.
    assert all(tally_days(years).values())
