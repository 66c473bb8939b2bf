"""Streak, strength and week rules for goals and boundaries: pure functions, no database.

Days are the person's own calendar days (``date``), already turned from instants with their
timezone, so daylight-saving changes never split or double a day here. A week runs Monday to
Sunday.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import sqrt
from zoneinfo import ZoneInfo

DONE = "done"
SKIP = "skip"
DAILY = 7
OUTCOMES = ("held", "tested", "crossed")
WEEKS_SHOWN = 12  # the weeks of results pages show, this week included


def day_for(instant: datetime, timezone: str) -> date:
    """The person's calendar day at a moment, in their timezone."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def week_start(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


def days_between(first: date, last: date):
    """Every day from first to last, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def week_target(per_week: int, open_days: int) -> int:
    """Check-ins a week asks for when only some of its days were open (added mid-week, skips).

    Rounded half up, so three a week over four open days asks for two.
    """
    return (2 * per_week * open_days + 7) // 14


@dataclass(frozen=True)
class Schedule:
    per_week: int  # 1 to 7; 7 means every day
    start: date  # the day the goal was added
    end: date | None = None  # the day it was archived, while it is archived


@dataclass(frozen=True)
class WeekResult:
    monday: date
    done: int
    target: int

    @property
    def met(self) -> bool:
        return self.target > 0 and self.done >= self.target


@dataclass(frozen=True)
class GoalStats:
    current_streak: int
    best_streak: int
    unit: str  # "day" or "week": what a streak counts
    strength: int  # 0 to 100
    weeks: list[WeekResult] = field(default_factory=list)
    days: int = 0  # how many days the goal has been counted, today included
    first: date | None = None  # the first day that counts (a check-in can move it before start)

    @property
    def this_week(self) -> WeekResult | None:
        return self.weeks[-1] if self.weeks else None


def _span(schedule: Schedule, checkins: dict[date, str], today: date) -> tuple[date, date]:
    """First and last day that count.

    A check-in dated before the goal was added moves its start back (people record what they
    already did). One dated after today, which happens after moving west across timezones, still
    counts, so the last day is the later of the two. An archived goal stops on its archive day.
    """
    first = min([schedule.start, *checkins])
    last = max([today, *checkins])
    if schedule.end is not None:
        last = min(last, max(schedule.end, first))
    return first, last


def _timeline(checkins: dict[date, str], first: date, last: date) -> list[str | None]:
    """The status of each day from first to last (None: no check-in), indexed by day."""
    line: list[str | None] = [None] * ((last - first).days + 1)
    base = first.toordinal()
    for day, status in checkins.items():
        index = day.toordinal() - base
        if 0 <= index < len(line):
            line[index] = status
    return line


def _strength(per_week: int, line: list[str | None], open_index: int) -> float:
    """Exponentially smoothed share of check-ins, from 0 to 1.

    Each day moves the score toward how much of the recent window was done. A goal asked for
    less often moves more slowly, so one missed week of a weekly goal weighs about what one
    missed day of a daily goal does. Non-daily goals look at two weeks at a time to even out
    irregular days. Skip days leave the score as it was, and so does a day still open (today,
    until it is checked in).
    """
    window, needed = (1, 1) if per_week >= DAILY else (14, 2 * per_week)
    keep = 0.5 ** (sqrt(per_week / DAILY) / 13)
    score = 0.0
    recent = 0  # done days inside the window ending today
    for index, status in enumerate(line):
        recent += status == DONE
        if index >= window and line[index - window] == DONE:
            recent -= 1
        if status == SKIP or (status is None and index >= open_index):
            continue
        # A goal younger than its window is asked only for the days it has had.
        asked = needed * min(index + 1, window) / window
        score = score * keep + min(1.0, recent / asked) * (1 - keep)
    return score


def _day_streaks(line: list[str | None], open_index: int) -> tuple[int, int]:
    """Current and best run of done days; skip days and open days neither add nor break."""
    run = best = 0
    for index, status in enumerate(line):
        if status == DONE:
            run += 1
            best = max(best, run)
        elif status is None and index < open_index:
            run = 0
    return run, best


def _week_results(
    per_week: int, line: list[str | None], first: date, archived: bool
) -> list[WeekResult]:
    """Done and asked-for check-ins for every week from the first day to the last.

    The days of the last week still to come are open while the goal is active, so the week
    asks for its full share; an archived goal's last week ends on its archive day.
    """
    results = []
    start = -first.weekday()  # the index of the first Monday, on or before the first day
    while start < len(line):
        days = line[max(start, 0) : start + 7]
        open_days = (len(days) if archived else start + 7 - max(start, 0)) - days.count(SKIP)
        monday = first + timedelta(days=start)
        results.append(WeekResult(monday, days.count(DONE), week_target(per_week, open_days)))
        start += 7
    return results


def _week_streaks(weeks: list[WeekResult]) -> tuple[int, int]:
    """Current and best run of weeks that met their target.

    The last week is still open: it adds to the run once met and never breaks it. A week that
    asked for nothing (all skipped, or added on a Sunday) neither adds nor breaks.
    """
    run = best = 0
    for index, week in enumerate(weeks):
        if week.met:
            run += 1
            best = max(best, run)
        elif week.target > 0 and index != len(weeks) - 1:
            run = 0
    return run, best


def goal_stats(schedule: Schedule, checkins: dict[date, str], today: date) -> GoalStats:
    """Streaks, strength and weekly results of one goal as of today."""
    first, last = _span(schedule, checkins, today)
    line = _timeline(checkins, first, last)
    # Today is not over, and after a move west a check-in can be dated later than today.
    open_index = (min(today, last) - first).days
    weeks = _week_results(schedule.per_week, line, first, schedule.end is not None)
    if schedule.per_week >= DAILY:
        current, best = _day_streaks(line, open_index)
        unit = "day"
    else:
        current, best = _week_streaks(weeks)
        unit = "week"
    strength = round(100 * _strength(schedule.per_week, line, open_index))
    return GoalStats(current, best, unit, strength, weeks, open_index + 1, first)


def day_plan(
    goals: list[tuple[Schedule, dict[date, str]]], first: date, last: date
) -> dict[date, tuple[int, int]]:
    """For each day, (done, due): daily goals are due every open day; other goals count as due
    on the days they were done, since they ask for no particular day."""
    plan = {day: [0, 0] for day in days_between(first, last)}
    for schedule, checkins in goals:
        start = min([schedule.start, *checkins])
        stop = schedule.end or last
        for day, counts in plan.items():
            status = checkins.get(day)
            if status == DONE:
                counts[0] += 1
                counts[1] += 1
            elif schedule.per_week >= DAILY and status is None and start <= day <= stop:
                counts[1] += 1
    return {day: (done, due) for day, (done, due) in plan.items()}


def outcome_weeks(
    checkins: list[tuple[date, str]], last: date, weeks: int = 12
) -> list[tuple[date, dict[str, int]]]:
    """Boundary outcomes counted per week, for the given number of weeks ending with last's."""
    newest = week_start(last)
    mondays = [newest - timedelta(days=7 * back) for back in range(weeks - 1, -1, -1)]
    counts = {monday: Counter() for monday in mondays}
    for day, outcome in checkins:
        bucket = counts.get(week_start(day))
        if bucket is not None and day <= last:
            bucket[outcome] += 1
    return [(monday, {name: counts[monday][name] for name in OUTCOMES}) for monday in mondays]


def daily_series(
    values: dict[date, float], first: date, last: date
) -> list[tuple[date, float | None]]:
    """One point per day from first to last; days without a value are gaps."""
    return [(day, values.get(day)) for day in days_between(first, last)]
