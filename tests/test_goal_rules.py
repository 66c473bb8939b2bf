"""Streak, strength and week rules (pure functions: no app, no database)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from caregiver.goals import rules
from caregiver.goals.rules import DONE, SKIP, Schedule, goal_stats

MONDAY = date(2026, 11, 2)  # a Monday


def days(first: date, count: int, status: str = DONE) -> dict[date, str]:
    return {first + timedelta(days=i): status for i in range(count)}


# Weeks and days --------------------------------------------------------------------------------


def test_weeks_run_monday_to_sunday():
    assert rules.week_start(date(2026, 11, 2)) == MONDAY
    assert rules.week_start(date(2026, 11, 8)) == MONDAY  # Sunday
    assert rules.week_start(date(2026, 11, 9)) == date(2026, 11, 9)
    assert rules.week_start(date(2027, 1, 1)) == date(2026, 12, 28)  # across a year


@pytest.mark.parametrize(
    ("per_week", "open_days", "target"),
    [(3, 7, 3), (3, 4, 2), (3, 6, 3), (1, 1, 0), (1, 4, 1), (7, 5, 5), (5, 0, 0), (2, 3, 1)],
)
def test_a_week_with_fewer_open_days_asks_for_fewer(per_week, open_days, target):
    assert rules.week_target(per_week, open_days) == target


def test_new_york_days_and_weeks_across_daylight_saving():
    zone = "America/New_York"
    # Spring forward: Sunday 8 March 2026 has 23 hours. 23:30 that evening is 03:30 UTC Monday.
    assert rules.day_for(datetime(2026, 3, 9, 3, 30, tzinfo=UTC), zone) == date(2026, 3, 8)
    assert rules.week_start(rules.day_for(datetime(2026, 3, 9, 3, 30, tzinfo=UTC), zone)) == date(
        2026, 3, 2
    )
    # One hour later it is Monday there: a new week.
    assert rules.day_for(datetime(2026, 3, 9, 4, 30, tzinfo=UTC), zone) == date(2026, 3, 9)
    # Fall back: Sunday 1 November 2026 has 25 hours; 23:59 is 04:59 UTC on Monday.
    assert rules.day_for(datetime(2026, 11, 2, 4, 59, tzinfo=UTC), zone) == date(2026, 11, 1)
    assert rules.day_for(datetime(2026, 11, 2, 5, 0, tzinfo=UTC), zone) == date(2026, 11, 2)


def test_auckland_days_and_weeks_across_daylight_saving():
    zone = "Pacific/Auckland"
    # Summer time ends Sunday 5 April 2026 (UTC+13 to UTC+12): 23:30 Sunday is 11:30 UTC.
    assert rules.day_for(datetime(2026, 4, 5, 11, 30, tzinfo=UTC), zone) == date(2026, 4, 5)
    assert rules.day_for(datetime(2026, 4, 5, 12, 0, tzinfo=UTC), zone) == date(2026, 4, 6)
    # Summer time starts Sunday 27 September 2026 (UTC+12 to UTC+13): Monday starts at 11:00 UTC.
    assert rules.day_for(datetime(2026, 9, 27, 10, 59, tzinfo=UTC), zone) == date(2026, 9, 27)
    assert rules.day_for(datetime(2026, 9, 27, 11, 0, tzinfo=UTC), zone) == date(2026, 9, 28)
    # The same instant is already Monday in Auckland and still Sunday in New York.
    moment = datetime(2026, 9, 27, 12, 0, tzinfo=UTC)
    assert rules.week_start(rules.day_for(moment, zone)) == date(2026, 9, 28)
    assert rules.week_start(rules.day_for(moment, "America/New_York")) == date(2026, 9, 21)


@pytest.mark.parametrize(
    ("zone", "week"),
    [("America/New_York", date(2026, 3, 2)), ("Pacific/Auckland", date(2026, 3, 30))],
)
def test_a_daily_goal_through_a_daylight_saving_week_keeps_its_streak(zone, week):
    """A check-in made each evening at 21:00 local time lands on its own day, DST or not."""
    checkins = {}
    for offset in range(14):
        local = datetime.combine(week + timedelta(days=offset), datetime.min.time())
        local = local.replace(hour=21, tzinfo=rules.ZoneInfo(zone))
        checkins[rules.day_for(local.astimezone(UTC), zone)] = DONE
    assert len(checkins) == 14
    stats = goal_stats(Schedule(7, week), checkins, week + timedelta(days=13))
    assert (stats.current_streak, stats.best_streak) == (14, 14)
    assert [w.done for w in stats.weeks] == [7, 7]


# Daily goals --------------------------------------------------------------------------------------


def test_a_gap_breaks_the_streak_and_the_best_one_is_kept():
    checkins = days(MONDAY, 5) | days(MONDAY + timedelta(days=6), 3)
    stats = goal_stats(Schedule(7, MONDAY), checkins, MONDAY + timedelta(days=8))
    assert (stats.current_streak, stats.best_streak, stats.unit) == (3, 5, "day")


def test_today_without_a_check_in_yet_does_not_break_the_streak():
    checkins = days(MONDAY, 4)
    today = MONDAY + timedelta(days=4)
    assert goal_stats(Schedule(7, MONDAY), checkins, today).current_streak == 4
    # The next day, the unchecked day is a miss.
    assert goal_stats(Schedule(7, MONDAY), checkins, today + timedelta(days=1)).current_streak == 0


def test_skip_days_neither_break_the_streak_nor_lower_the_strength():
    with_skip = days(MONDAY, 10) | {MONDAY + timedelta(days=4): SKIP}
    today = MONDAY + timedelta(days=9)
    stats = goal_stats(Schedule(7, MONDAY), with_skip, today)
    assert (stats.current_streak, stats.best_streak) == (9, 9)
    # The same nine done days with no skip day in between score the same.
    plain = goal_stats(
        Schedule(7, MONDAY + timedelta(days=1)), days(MONDAY + timedelta(days=1), 9), today
    )
    assert stats.strength == plain.strength
    missed = dict(with_skip)
    del missed[MONDAY + timedelta(days=4)]
    assert goal_stats(Schedule(7, MONDAY), missed, today).strength < stats.strength


def test_strength_rises_with_check_ins_and_one_miss_after_a_good_month_is_not_failure():
    scores = [
        goal_stats(Schedule(7, MONDAY), days(MONDAY, n), MONDAY + timedelta(days=n - 1)).strength
        for n in range(1, 31)
    ]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    assert scores[-1] >= 75
    month = days(MONDAY, 30)
    after_miss = goal_stats(Schedule(7, MONDAY), month, MONDAY + timedelta(days=31)).strength
    assert scores[-1] - 6 <= after_miss < scores[-1]
    # A whole missed week costs a lot more than one day.
    after_week = goal_stats(Schedule(7, MONDAY), month, MONDAY + timedelta(days=37)).strength
    assert after_week < after_miss - 15


def test_strength_of_nothing_is_zero_and_of_everything_approaches_full():
    assert goal_stats(Schedule(7, MONDAY), {}, MONDAY + timedelta(days=20)).strength == 0
    year = days(MONDAY, 365)
    assert goal_stats(Schedule(7, MONDAY), year, MONDAY + timedelta(days=364)).strength == 100


def test_a_back_dated_check_in_before_the_goal_was_added_counts():
    added = MONDAY + timedelta(days=3)
    checkins = days(MONDAY, 4)  # three days before it was added, and the day itself
    stats = goal_stats(Schedule(7, added), checkins, added)
    assert stats.current_streak == 4
    assert stats.weeks[0].monday == MONDAY


def test_an_archived_goal_stops_counting_on_its_archive_day():
    checkins = days(MONDAY, 10)
    archived = Schedule(7, MONDAY, MONDAY + timedelta(days=9))
    later = goal_stats(archived, checkins, MONDAY + timedelta(days=60))
    then = goal_stats(archived, checkins, MONDAY + timedelta(days=9))
    assert later == then
    assert later.current_streak == 10
    # Archived the day after the last check-in, before checking in: that day is not a miss.
    next_day = Schedule(7, MONDAY, MONDAY + timedelta(days=10))
    assert goal_stats(next_day, checkins, MONDAY + timedelta(days=60)).current_streak == 10


def test_moving_west_dates_a_check_in_after_today_and_it_still_counts():
    """Checked in on Tuesday in Auckland, then flew to New York where it is still Monday."""
    checkins = days(MONDAY, 9)  # through Tuesday the 10th
    monday_in_new_york = MONDAY + timedelta(days=7)
    stats = goal_stats(Schedule(7, MONDAY), checkins, monday_in_new_york)
    assert (stats.current_streak, stats.best_streak) == (9, 9)
    # Moving west with a gap: the unchecked Monday is still today there, so it is open.
    gap = days(MONDAY, 7) | {MONDAY + timedelta(days=8): DONE}
    assert goal_stats(Schedule(7, MONDAY), gap, monday_in_new_york).current_streak == 8


# Goals for some days a week -----------------------------------------------------------------------


def test_weekly_goal_counts_weeks_that_met_their_target():
    # Three times a week: weeks 1 and 2 met, week 3 had only one, week 4 met.
    checkins = {}
    for week, count in enumerate([3, 4, 1, 3]):
        checkins |= days(MONDAY + timedelta(weeks=week), count)
    today = MONDAY + timedelta(weeks=3, days=6)
    stats = goal_stats(Schedule(3, MONDAY), checkins, today)
    assert [(w.done, w.target, w.met) for w in stats.weeks] == [
        (3, 3, True),
        (4, 3, True),
        (1, 3, False),
        (3, 3, True),
    ]
    assert (stats.current_streak, stats.best_streak, stats.unit) == (1, 2, "week")


def test_the_current_week_never_breaks_a_weekly_streak():
    checkins = days(MONDAY, 3) | days(MONDAY + timedelta(weeks=1), 3)
    wednesday = MONDAY + timedelta(weeks=2, days=2)
    stats = goal_stats(Schedule(3, MONDAY), checkins, wednesday)
    assert stats.current_streak == 2
    assert (stats.this_week.done, stats.this_week.target) == (0, 3)


def test_a_goal_added_mid_week_asks_for_a_share_of_that_week():
    thursday = MONDAY + timedelta(days=3)
    stats = goal_stats(Schedule(3, thursday), days(thursday, 2), thursday + timedelta(days=3))
    first = stats.weeks[0]
    assert (first.monday, first.done, first.target, first.met) == (MONDAY, 2, 2, True)
    assert stats.current_streak == 1
    # Added on a Sunday, a once-a-week goal asks nothing that week: it neither adds nor breaks.
    sunday = MONDAY + timedelta(days=6)
    stats = goal_stats(
        Schedule(1, sunday), days(sunday + timedelta(days=1), 1), sunday + timedelta(days=7)
    )
    assert [w.target for w in stats.weeks] == [0, 1]
    assert stats.current_streak == 1


def test_skip_days_lower_a_weekly_target_and_do_not_break_the_streak():
    # Twice a week; the second week was spent at the hospital (five skip days), one walk done.
    checkins = days(MONDAY, 2) | days(MONDAY + timedelta(weeks=1), 5, SKIP)
    checkins[MONDAY + timedelta(weeks=1, days=5)] = DONE
    checkins |= days(MONDAY + timedelta(weeks=2), 2)
    stats = goal_stats(Schedule(2, MONDAY), checkins, MONDAY + timedelta(weeks=2, days=6))
    assert [(w.done, w.target) for w in stats.weeks] == [(2, 2), (1, 1), (2, 2)]
    assert stats.current_streak == 3


def test_weekly_strength_forgives_the_day_it_was_done_on():
    """Two walks a week on different days each week score like two on fixed days."""
    fixed, moving = {}, {}
    for week in range(8):
        monday = MONDAY + timedelta(weeks=week)
        fixed |= {monday: DONE, monday + timedelta(days=3): DONE}
        moving |= {monday + timedelta(days=week % 4): DONE, monday + timedelta(days=5): DONE}
    today = MONDAY + timedelta(weeks=8)
    a = goal_stats(Schedule(2, MONDAY), fixed, today).strength
    b = goal_stats(Schedule(2, MONDAY), moving, today).strength
    assert abs(a - b) <= 5 and a >= 30
    # Missing a whole week costs less than a daily goal's missed week would.
    weekly_gap = {
        d: s
        for d, s in fixed.items()
        if not MONDAY + timedelta(weeks=6) <= d < MONDAY + timedelta(weeks=7)
    }
    weekly_drop = a - goal_stats(Schedule(2, MONDAY), weekly_gap, today).strength
    every_day = days(MONDAY, 56)
    daily = goal_stats(Schedule(7, MONDAY), every_day, today).strength
    daily_gap = {
        d: s
        for d, s in every_day.items()
        if not MONDAY + timedelta(weeks=6) <= d < MONDAY + timedelta(weeks=7)
    }
    daily_drop = daily - goal_stats(Schedule(7, MONDAY), daily_gap, today).strength
    assert 0 < weekly_drop < daily_drop


# What /progress draws -----------------------------------------------------------------------------


def test_day_plan_counts_daily_goals_as_due_and_others_when_done():
    daily = (
        Schedule(7, MONDAY + timedelta(days=1)),
        {MONDAY + timedelta(days=1): DONE, MONDAY + timedelta(days=2): SKIP},
    )
    weekly = (Schedule(2, MONDAY), {MONDAY + timedelta(days=3): DONE})
    archived = (Schedule(7, MONDAY, MONDAY + timedelta(days=1)), {MONDAY: DONE})
    plan = rules.day_plan([daily, weekly, archived], MONDAY, MONDAY + timedelta(days=3))
    assert plan == {
        MONDAY: (1, 1),  # only the archived goal existed and was done
        MONDAY + timedelta(days=1): (1, 2),  # daily done; archived goal due on its last day
        MONDAY + timedelta(days=2): (0, 0),  # daily skipped; archived goal gone
        MONDAY + timedelta(days=3): (1, 2),  # daily missed; weekly done
    }


def test_outcome_weeks_count_each_outcome_in_its_week():
    found = [
        (MONDAY, "held"),
        (MONDAY + timedelta(days=6), "crossed"),
        (MONDAY + timedelta(days=7), "tested"),
        (MONDAY - timedelta(weeks=20), "held"),  # too old to show
    ]
    weeks = rules.outcome_weeks(found, MONDAY + timedelta(days=8), weeks=3)
    assert weeks == [
        (MONDAY - timedelta(weeks=1), {"held": 0, "tested": 0, "crossed": 0}),
        (MONDAY, {"held": 1, "tested": 0, "crossed": 1}),
        (MONDAY + timedelta(weeks=1), {"held": 0, "tested": 1, "crossed": 0}),
    ]


def test_daily_series_has_a_gap_for_each_day_without_a_value():
    series = rules.daily_series(
        {MONDAY: 4.0, MONDAY + timedelta(days=2): 2.5}, MONDAY, MONDAY + timedelta(days=3)
    )
    assert series == [
        (MONDAY, 4.0),
        (MONDAY + timedelta(days=1), None),
        (MONDAY + timedelta(days=2), 2.5),
        (MONDAY + timedelta(days=3), None),
    ]
