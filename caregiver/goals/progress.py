"""What /progress and the today list show: goal statistics, weekly ratings, and the pictures."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from caregiver import charts, clock
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.goals import boundaries, rules
from caregiver.goals.models import WELLBEING_AREAS, Goal, WellbeingCheckin
from caregiver.goals.services import GoalItem, goal_checkins, goals_of, open_goal
from caregiver.journal import services as journal

WEEKS_SHOWN = 12
MOOD_TICKS = {1: "Very low", 3: "Okay", 5: "Very good"}
OUTCOME_SERIES = list(boundaries.OUTCOME_LABELS.items())


@dataclass
class GoalProgress:
    goal: GoalItem
    stats: rules.GoalStats
    checkins: dict[date, str]

    @property
    def recent_weeks(self) -> list[rules.WeekResult]:
        return self.stats.weeks[-WEEKS_SHOWN:]


@dataclass
class AreaTrend:
    name: str
    label: str
    latest: int | None
    previous: int | None


def goal_progress(user_id: int, today: date, archived: bool | None = False) -> list[GoalProgress]:
    """Every active (or archived; ``None``: all) goal with its statistics, in two queries."""
    goals = goals_of(user_id, archived)
    checkins = goal_checkins(user_id) if goals else {}
    return [_with_stats(goal, checkins.get(goal.id, {}), today) for goal in goals]


def one_goal_progress(row: Goal, today: date) -> GoalProgress:
    """One goal with its statistics."""
    found = goal_checkins(row.user_id, [row.id]).get(row.id, {})
    return _with_stats(open_goal(row), found, today)


def _with_stats(goal: GoalItem, found: dict[date, str], today: date) -> GoalProgress:
    return GoalProgress(goal, rules.goal_stats(goal.schedule, found, today), found)


def heatmap(goals: list[GoalProgress], today: date) -> charts.Chart:
    """The 12-week calendar of goal check-ins."""
    first = rules.week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    plan = rules.day_plan([(item.goal.schedule, item.checkins) for item in goals], first, today)
    return charts.heatmap("goal-calendar", "Self-care check-ins, last 12 weeks", plan, today)


def boundary_chart(user_id: int, today: date) -> charts.Chart:
    """Boundary outcomes per week for the last 12 weeks."""
    first = rules.week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    found = [(day, outcome) for _id, day, outcome in boundaries.outcomes_since(user_id, first)]
    weeks = rules.outcome_weeks(found, today, WEEKS_SHOWN)
    return charts.stacked_bars(
        "boundary-weeks", "How your boundaries went, by week", weeks, OUTCOME_SERIES
    )


def mood_charts(user_id: int, today: date) -> list[charts.Chart]:
    """The journal's mood, averaged per day, over 30 and over 90 days."""
    found = journal.mood_days(user_id, today - timedelta(days=89), today)
    moods = {day: mood for day, (_count, mood) in found.items()}
    entries = {day: count for day, (count, _mood) in found.items()}
    return [
        charts.line(
            f"mood-{days}",
            f"Mood in your journal, last {days} days",
            rules.daily_series(moods, today - timedelta(days=days - 1), today),
            1,
            5,
            "Average mood",
            y_ticks=MOOD_TICKS,
            weights=entries,
        )
        for days in (30, 90)
    ]


# The weekly "how am I doing" ratings ----------------------------------------------------------


def ratings_of(row: WellbeingCheckin | None) -> dict[str, int | None]:
    """A week's ratings by area (all None for a week without a check-in)."""
    return {area: getattr(row, area) if row else None for area in WELLBEING_AREAS}


def wellbeing_weeks(user_id: int, today: date) -> dict[date, WellbeingCheckin]:
    """The person's weekly ratings of the last 12 weeks, by Monday."""
    first = rules.week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    rows = db.session.scalars(
        select(WellbeingCheckin).where(
            WellbeingCheckin.user_id == user_id, WellbeingCheckin.week >= first
        )
    )
    return {row.week: row for row in rows}


def latest_wellbeing(user_id: int) -> WellbeingCheckin | None:
    """The most recent weekly ratings, to start this week's form from."""
    return db.session.scalar(
        select(WellbeingCheckin)
        .where(WellbeingCheckin.user_id == user_id)
        .order_by(WellbeingCheckin.week.desc())
        .limit(1)
    )


def save_wellbeing(user_id: int, week: date, ratings: dict[str, int | None], today: date) -> None:
    """Save (or replace) one week's ratings; FieldError when none is given or a week is wrong."""
    if week != rules.week_start(week) or week > today:
        raise FieldError("week", "Choose this week or an earlier one.")
    if all(value is None for value in ratings.values()):
        raise FieldError("ratings", "Rate at least one area, or come back when you have a minute.")
    if any(value is not None and not 1 <= value <= 10 for value in ratings.values()):
        raise FieldError("ratings", "Each rating goes from 1 to 10.")
    row = db.session.scalar(
        select(WellbeingCheckin).where(
            WellbeingCheckin.user_id == user_id, WellbeingCheckin.week == week
        )
    )
    if row is None:
        row = WellbeingCheckin(user_id=user_id, week=week)
        db.session.add(row)
    for area in WELLBEING_AREAS:
        setattr(row, area, ratings.get(area))
    row.updated_at = clock.now()
    db.session.commit()


def wellbeing_chart(weeks: dict[date, WellbeingCheckin], today: date) -> charts.Chart:
    """The average of each week's ratings, for the last 12 weeks."""
    newest = rules.week_start(today)
    points = []
    for back in range(WEEKS_SHOWN - 1, -1, -1):
        monday = newest - timedelta(weeks=back)
        given = [v for v in ratings_of(weeks.get(monday)).values() if v is not None]
        points.append((monday, round(sum(given) / len(given), 1) if given else None))
    return charts.line(
        "wellbeing-weeks",
        "How you rated your own life, by week",
        points,
        1,
        10,
        "Average rating (1–10)",
        y_ticks={1: "1", 5: "5", 10: "10"},
        x_label="Week of",
    )


def area_trends(weeks: dict[date, WellbeingCheckin]) -> list[AreaTrend]:
    """Each area's latest rating next to the one before it."""
    ordered = [weeks[monday] for monday in sorted(weeks, reverse=True)]
    latest = ratings_of(ordered[0] if ordered else None)
    previous = ratings_of(ordered[1] if len(ordered) > 1 else None)
    return [
        AreaTrend(area, label, latest[area], previous[area])
        for area, label in WELLBEING_AREAS.items()
    ]
