"""Statistics carried on from a stored tally equal the full walk (pure functions, no database)."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caregiver.goals import rules, tallies
from caregiver.goals.rules import DONE, SKIP, WEEKS_SHOWN, Schedule, goal_stats

EPOCH = date(2024, 1, 1)


REACHES = {"twelve weeks": tallies.SHOWN, "this week": tallies.THIS_WEEK}


def shown(stats: rules.GoalStats, reach=tallies.SHOWN) -> rules.GoalStats:
    """The reference's statistics with only the weeks of a reach."""
    return replace(stats, weeks=stats.weeks[-reach.weeks :])


@st.composite
def goals(draw):
    """A schedule, a history and a today: long or short, dense or sparse, odd corners included."""
    today = EPOCH + timedelta(days=draw(st.integers(0, 2000)))
    # Mostly started in the past; a move west can leave the start a day or two after today.
    start = today - timedelta(days=draw(st.integers(-3, 900)))
    per_week = draw(st.integers(1, rules.DAILY))
    end = None
    if draw(st.booleans()):
        end = start + timedelta(days=draw(st.integers(0, max(0, (today - start).days) + 2)))
    # Check-ins from before the start (back-dated) to after today (a move west).
    earliest = start - timedelta(days=draw(st.sampled_from([0, 0, 3, 60, 400])))
    rng = random.Random(draw(st.integers(0, 2**32)))
    done_share = draw(st.sampled_from([0.0, 0.2, 0.5, 0.8, 0.95, 1.0]))
    skip_share = draw(st.sampled_from([0.0, 0.03, 0.2]))
    checkins = {}
    for day in rules.days_between(earliest, today + timedelta(days=2)):
        roll = rng.random()
        if roll < done_share:
            checkins[day] = DONE
        elif roll < done_share + skip_share:
            checkins[day] = SKIP
    offsets = st.integers(-900, 5)
    extra = draw(st.dictionaries(offsets, st.sampled_from([DONE, SKIP, None]), max_size=6))
    for offset, status in extra.items():
        day = today + timedelta(days=offset)
        if status is None:
            checkins.pop(day, None)
        else:
            checkins[day] = status
    return Schedule(per_week, start, end), checkins, today


def base_days(schedule, checkins, today, reach):
    """Every Sunday a tally of ``reach`` may stand on for this goal, newest first."""
    first = min([schedule.start, *checkins])
    last = max([today, *checkins])
    if schedule.end is not None:
        last = min(last, max(schedule.end, first))
    newest = tallies.base_day(first, min(today, last), reach)
    found = []
    while newest is not None and newest >= first:
        found.append(newest)
        newest -= timedelta(weeks=1)
    return found


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("reach", REACHES.values(), ids=REACHES)
@SETTINGS
@given(goal=goals(), pick=st.integers(0, 200))
def test_statistics_from_any_tally_equal_the_full_walk(reach, goal, pick):
    schedule, checkins, today = goal
    expected = shown(goal_stats(schedule, checkins, today), reach)
    fresh, kept = tallies.continued_stats(schedule, None, checkins, today, reach)
    assert fresh == expected
    candidates = base_days(schedule, checkins, today, reach)
    assert (kept is None) == (not candidates)
    if not candidates:
        return
    assert kept == tallies.tally_at(schedule, checkins, today, candidates[0])
    base = candidates[pick % len(candidates)]
    tally = tallies.tally_at(schedule, checkins, today, base)
    after = {day: status for day, status in checkins.items() if day > base}
    assert tallies.fits(tally, schedule, after, today, reach)
    stats, moved = tallies.continued_stats(schedule, tally, after, today, reach)
    assert stats == expected
    # A tally within the allowed lag is kept; an older one moves to the newest base day.
    if base >= candidates[0] - reach.lag:
        assert moved == tally
    else:
        assert moved == kept


@pytest.mark.parametrize("reach", REACHES.values(), ids=REACHES)
@SETTINGS
@given(
    goal=goals(),
    later=st.integers(0, 120),
    recent=st.dictionaries(st.integers(0, 70), st.sampled_from([DONE, SKIP])),
)
def test_a_kept_tally_goes_on_as_days_pass_and_later_days_are_checked_in(
    reach, goal, later, recent
):
    schedule, checkins, today = goal
    _stats, kept = tallies.continued_stats(schedule, None, checkins, today, reach)
    if kept is None:
        return
    then = today + timedelta(days=later)
    # Check-ins after the base day never reach back into a tally; others throw it away.
    newer = dict(checkins)
    for back, status in recent.items():
        day = then - timedelta(days=back)
        if day > kept.day:
            newer[day] = status
    after = {day: status for day, status in newer.items() if day > kept.day}
    assert tallies.fits(kept, schedule, after, then, reach)
    stats, _moved = tallies.continued_stats(schedule, kept, after, then, reach)
    assert stats == shown(goal_stats(schedule, newer, then), reach)


def test_a_tally_from_a_later_clock_does_not_fit():
    schedule = Schedule(7, EPOCH)
    checkins = dict.fromkeys(rules.days_between(EPOCH, EPOCH + timedelta(days=400)), DONE)
    today = EPOCH + timedelta(days=400)
    _stats, kept = tallies.continued_stats(schedule, None, checkins, today)
    earlier = today - timedelta(weeks=3)
    after = {day: status for day, status in checkins.items() if day > kept.day}
    assert not tallies.fits(kept, schedule, after, earlier)
    with pytest.raises(ValueError, match="does not fit"):
        tallies.continued_stats(schedule, kept, after, earlier)


def test_a_young_goal_keeps_no_tally_and_an_old_one_stands_before_the_weeks_shown():
    today = date(2026, 11, 18)  # a Wednesday
    young = Schedule(3, date(2026, 8, 31))  # the Monday the twelfth week back starts
    assert tallies.continued_stats(young, None, {}, today)[1] is None
    old = Schedule(3, date(2026, 8, 30))
    stats, kept = tallies.continued_stats(old, None, {}, today)
    assert kept.day == date(2026, 8, 30)  # the Sunday before the twelfth week back
    assert kept.day.weekday() == 6 and len(stats.weeks) == WEEKS_SHOWN
    assert stats.weeks[0].monday == kept.day + timedelta(days=1)


def test_this_weeks_tally_stands_on_last_sunday_and_goes_on_from_the_twelve_weeks_one():
    today = date(2026, 11, 18)  # a Wednesday
    schedule = Schedule(3, date(2025, 6, 2))
    checkins = dict.fromkeys(rules.days_between(schedule.start, today), DONE)
    _stats, twelve = tallies.continued_stats(schedule, None, checkins, today)
    after = {day: status for day, status in checkins.items() if day > twelve.day}
    stats, kept = tallies.continued_stats(schedule, twelve, after, today, tallies.THIS_WEEK)
    assert kept.day == date(2026, 11, 15)
    assert [week.monday for week in stats.weeks] == [date(2026, 11, 16)]
    assert stats == shown(goal_stats(schedule, checkins, today), tallies.THIS_WEEK)
    # A young goal started this week keeps none.
    young = Schedule(3, date(2026, 11, 16))
    assert tallies.continued_stats(young, None, {}, today, tallies.THIS_WEEK)[1] is None
