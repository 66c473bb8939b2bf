"""Goal statistics carried on from a stored base, so they cost the same for any length of history.

``rules.goal_stats`` walks every day a goal has had. A goal here keeps a ``Tally``: where that walk
stood at the end of a base day, a Sunday before the weeks a page shows. Statistics as of today go
on from it over the days after it only. A page that shows twelve weeks (``SHOWN``) keeps its base
day before them and moves it on at most every ``lag`` while those days are walked anyway, so moving
it reads nothing more. The today list, a goal's page and a check-in show this week only
(``THIS_WEEK``), so they keep a second tally at last Sunday and walk a week at most. A change on or
before a base day throws that tally away, and the next walk starts from the goal's first day again
(see ``services.check_in_goal`` and ``services.forget_tally``).

Pure functions, no database; the tests hold them to ``rules.goal_stats`` for random histories.
"""

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from math import sqrt

from caregiver.goals.rules import (
    DAILY,
    DONE,
    SKIP,
    WEEKS_SHOWN,
    GoalStats,
    Schedule,
    WeekResult,
    week_start,
    week_target,
)

RING_DAYS = 14  # the longest strength window: older done days no longer count
RING_MASK = (1 << RING_DAYS) - 1
SUNDAY = 6


@dataclass(frozen=True)
class Reach:
    """The latest weeks statistics show, and how far their base day may fall behind."""

    weeks: int
    lag: timedelta


# A base day five weeks behind had /progress read and walk 17 weeks instead of 12, some 40% more
# for a long-time user in the worst week; a week behind costs one UPDATE every other week.
SHOWN = Reach(WEEKS_SHOWN, timedelta(weeks=1))
THIS_WEEK = Reach(1, timedelta(0))


@dataclass(frozen=True)
class Tally:
    day: date  # the base day, a Sunday: every day up to it is over
    first: date  # the goal's first counted day
    score: float  # strength, 0 to 1, before rounding
    ring: int  # which of the RING_DAYS days ending on the base day were done; bit 0 is that day
    run: int  # current streak: days for a daily goal, weeks for the others
    best: int


def base_day(first: date, anchor: date, reach: Reach = SHOWN) -> date | None:
    """Where a tally should stand: the Sunday before the weeks shown, if the goal is that old.

    ``anchor`` is the earlier of today and the goal's last day, so every day up to the base day
    is over and none of the weeks shown is in the tally.
    """
    day = week_start(anchor) - timedelta(weeks=reach.weeks - 1, days=1)
    return day if day >= first else None


def _span(schedule: Schedule, first: date, checkins: dict[date, str], today: date):
    """The last day that counts, and the anchor: as in ``rules._span``."""
    last = max([today, *checkins])
    if schedule.end is not None:
        last = min(last, max(schedule.end, first))
    return last, min(today, last)


def fits(
    tally: Tally, schedule: Schedule, checkins: dict[date, str], today: date, reach: Reach = SHOWN
) -> bool:
    """Whether statistics of ``reach`` can go on from ``tally`` with ``checkins`` (those after
    its base day).

    A tally from a later clock (tests travel in time, people in timezones) or from before the
    goal's start moved does not.
    """
    _last, anchor = _span(schedule, tally.first, checkins, today)
    wanted = base_day(tally.first, anchor, reach)
    return (
        tally.day.weekday() == SUNDAY
        and tally.first <= schedule.start
        and wanted is not None
        and tally.first <= tally.day <= wanted
    )


def continued_stats(
    schedule: Schedule,
    tally: Tally | None,
    checkins: dict[date, str],
    today: date,
    reach: Reach = SHOWN,
) -> tuple[GoalStats, Tally | None]:
    """Statistics as of today, equal to ``rules.goal_stats`` with the weeks of ``reach``; and
    the tally to keep from now on (the same one, a newer one, or None for a goal too young).

    ``checkins`` holds every check-in after the tally's base day (without a tally, all of them);
    the tally must fit (see ``fits``).
    """
    if tally is not None and not fits(tally, schedule, checkins, today, reach):
        raise ValueError("the tally does not fit these check-ins")
    first = tally.first if tally else min([schedule.start, *checkins])
    _last, anchor = _span(schedule, first, checkins, today)
    wanted = base_day(first, anchor, reach)
    if wanted is None or (tally is not None and tally.day >= wanted - reach.lag):
        stats, _ = _walk(schedule, tally, checkins, today, None, reach.weeks)
        return stats, tally if wanted is not None else None
    return _walk(schedule, tally, checkins, today, wanted, reach.weeks)


def tally_at(schedule: Schedule, checkins: dict[date, str], today: date, day: date) -> Tally:
    """The tally as of base day ``day``, from every check-in (a Sunday up to ``base_day``)."""
    kept = _walk(schedule, None, checkins, today, day, WEEKS_SHOWN)[1]
    if kept is None:
        raise ValueError("not a base day of this goal")
    return kept


class _Walk:
    """The walk of ``rules.goal_stats``, a day at a time: strength, and the streak of its unit."""

    def __init__(self, per_week: int, open_index: int, tally: Tally | None):
        self.daily = per_week >= DAILY
        self.window, self.needed = (1, 1) if self.daily else (RING_DAYS, 2 * per_week)
        self.keep = 0.5 ** (sqrt(per_week / DAILY) / 13)
        self.open_index = open_index
        start = (tally.score, tally.ring, tally.run, tally.best) if tally else (0.0, 0, 0, 0)
        self.score, self.ring, self.run, self.best = start

    def days(self, start: int, statuses: list[str | None]) -> None:
        """Walk on over consecutive days, the first of them at index ``start``.

        The state stays in local names while the days are walked: pages walk thousands of days.
        """
        score, ring, run, best = self.score, self.ring, self.run, self.best
        keep, window, needed, daily = self.keep, self.window, self.needed, self.daily
        gain, mask, open_index = 1 - keep, (1 << window) - 1, self.open_index
        for index, status in enumerate(statuses, start):
            closed = index < open_index
            if status == DONE:
                ring = ((ring << 1) | 1) & RING_MASK
                if daily:
                    run += 1
                    best = run if run > best else best
            else:
                ring = (ring << 1) & RING_MASK
                if daily and status is None and closed:
                    run = 0
            if status != SKIP and (status is not None or closed):
                # Within the first window a goal is asked for that share of the window only.
                asked = needed if index + 1 >= window else needed * (index + 1) / window
                share = (ring & mask).bit_count() / asked
                score = score * keep + (share if share < 1.0 else 1.0) * gain
        self.score, self.ring, self.run, self.best = score, ring, run, best

    def week(self, week: WeekResult, last: bool) -> None:
        if self.daily:
            return
        if week.met:
            self.run += 1
            self.best = max(self.best, self.run)
        elif week.target > 0 and not last:
            self.run = 0


def _walk(
    schedule: Schedule,
    tally: Tally | None,
    checkins: dict[date, str],
    today: date,
    keep_at: date | None,
    weeks_shown: int,
) -> tuple[GoalStats, Tally | None]:
    """Walk the weeks after the tally (or all of them), keeping a tally at the end of ``keep_at``
    and the results of the last ``weeks_shown`` weeks.

    Days are indexed from the goal's first day as in ``rules``, weeks by their Monday's index.
    """
    first = tally.first if tally else min([schedule.start, *checkins])
    last, anchor = _span(schedule, first, checkins, today)
    open_index = (anchor - first).days
    length = max(0, (last - first).days + 1)
    archived = schedule.end is not None
    walk = _Walk(schedule.per_week, open_index, tally)
    shown: deque[WeekResult] = deque(maxlen=weeks_shown)
    kept = None
    start = (tally.day - first).days + 1 if tally else -first.weekday()
    keep_index = None if keep_at is None else (keep_at - first).days - 6  # that week's Monday
    origin = first.toordinal()
    line = {day.toordinal() - origin: status for day, status in checkins.items()}
    while start < length:
        begin = start if start > 0 else 0
        statuses = [line.get(index) for index in range(begin, min(start + 7, length))]
        walk.days(begin, statuses)
        # The rest of an active goal's last week is still to come, so it asks for all of it.
        open_days = len(statuses) if archived else start + 7 - begin
        target = week_target(schedule.per_week, open_days - statuses.count(SKIP))
        week = WeekResult(first + timedelta(days=start), statuses.count(DONE), target)
        walk.week(week, last=start + 7 >= length)
        shown.append(week)
        if start == keep_index:
            kept = Tally(keep_at, first, walk.score, walk.ring, walk.run, walk.best)
        start += 7
    unit = "day" if walk.daily else "week"
    strength = round(100 * walk.score)
    stats = GoalStats(walk.run, walk.best, unit, strength, list(shown), open_index + 1, first)
    return stats, kept
