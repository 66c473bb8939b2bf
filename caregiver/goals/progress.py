"""What /progress and the today list show: goal statistics, weekly ratings, and the pictures."""

from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update

from caregiver import charts, clock
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.goals import boundaries, rules, tallies
from caregiver.goals.models import WELLBEING_AREAS, Goal, GoalCheckin, WellbeingCheckin
from caregiver.goals.services import GoalItem, kept, open_goal, owned
from caregiver.i18n import gettext
from caregiver.journal import services as journal

WEEKS_SHOWN = rules.WEEKS_SHOWN
MOOD_TICKS = (1, 3, 5)  # the moods named on the chart's scale
TALLY_FIELDS = [field.name for field in fields(tallies.Tally)]
# Each reach keeps its tally in Goal's columns <prefix>_<field>.
COLUMN_PREFIX = {tallies.SHOWN: "tally", tallies.THIS_WEEK: "recent"}
# Check-ins are read through the tables' columns, not the mapped classes: a query that names no
# mapped class returns plain rows without the ORM's loading, which took about a quarter of the
# time of reading twelve weeks of fifty goals.
GOALS, CHECKINS = Goal.__table__.c, GoalCheckin.__table__.c
CHECKIN_ROWS = select(CHECKINS.goal_id, CHECKINS.day, CHECKINS.status)


@dataclass
class GoalProgress:
    goal: GoalItem
    stats: rules.GoalStats  # its weeks are the ones of the reach asked for
    checkins: dict[date, str]  # those after the goal's tally: always the weeks of that reach

    @property
    def recent_weeks(self) -> list[rules.WeekResult]:
        return self.stats.weeks[-WEEKS_SHOWN:]


@dataclass
class AreaTrend:
    name: str
    label: str
    latest: int | None
    previous: int | None


def goal_progress(
    user_id: int, today: date, archived: bool | None, reach: tallies.Reach
) -> list[GoalProgress]:
    """Every active (or archived; ``None``: all) goal with its statistics over ``reach``, in two
    queries.

    Only the check-ins after each goal's tally are read, so the work is the same for any length
    of history (see ``tallies``); a tally that is missing or moves on is written once.
    """
    rows = db.session.scalars(owned(Goal, user_id, archived)).all()
    if not rows:
        return []
    stored = {row.id: _stored_tally(row, reach) for row in rows}
    untallied = [goal_id for goal_id, tally in stored.items() if tally is None]
    earliest = min((tally.day for tally in stored.values() if tally is not None), default=date.max)
    query = (
        CHECKIN_ROWS.join(Goal.__table__, GOALS.id == CHECKINS.goal_id)
        .where(GOALS.user_id == user_id, *kept(GOALS, archived))
        .where(CHECKINS.day > func.coalesce(*_base_day_columns(reach), date.min))
        # The same rows, bounded so that an index is read from a known day: the person's
        # check-ins after the earliest base day, and all of those of a goal with no tally yet.
        # With the bound above alone, PostgreSQL reads the whole table, everyone's history.
        .where(
            or_(
                and_(CHECKINS.user_id == user_id, CHECKINS.day > earliest),
                CHECKINS.goal_id.in_(untallied),
            )
        )
    )
    return _with_stats(rows, stored, _by_goal(db.session.execute(query)), today, reach)


def one_goal_progress(row: Goal, today: date) -> GoalProgress:
    """One goal with this week's statistics: its page and its card on the today list."""
    query = CHECKIN_ROWS.where(CHECKINS.goal_id == row.id)
    tally = _stored_tally(row, tallies.THIS_WEEK)
    if tally is not None:
        query = query.where(CHECKINS.day > tally.day)
    found = _by_goal(db.session.execute(query))
    return _with_stats([row], {row.id: tally}, found, today, tallies.THIS_WEEK)[0]


def _prefixes(reach: tallies.Reach) -> list[str]:
    """The tallies a reach may go on from, the one it keeps first: this week's statistics go on
    from the twelve weeks' tally too, when they have none of their own."""
    return list(dict.fromkeys([COLUMN_PREFIX[reach], COLUMN_PREFIX[tallies.SHOWN]]))


def _base_day_columns(reach: tallies.Reach) -> list:
    """The base day columns of those tallies, in the same order."""
    return [GOALS[f"{prefix}_day"] for prefix in _prefixes(reach)]


def _by_goal(found) -> dict[int, dict[date, str]]:
    by_goal: dict[int, dict[date, str]] = {}
    for goal_id, day, status in found:
        by_goal.setdefault(goal_id, {})[day] = status
    return by_goal


def _stored_tally(row: Goal, reach: tallies.Reach) -> tallies.Tally | None:
    """The first stored tally of those a reach may go on from."""
    for prefix in _prefixes(reach):
        if getattr(row, f"{prefix}_day") is not None:
            values = {name: getattr(row, f"{prefix}_{name}") for name in TALLY_FIELDS}
            return tallies.Tally(**values)
    return None


def _with_stats(
    rows: list[Goal],
    stored: dict[int, tallies.Tally | None],
    found: dict,
    today: date,
    reach: tallies.Reach,
) -> list[GoalProgress]:
    """Statistics from each goal's stored tally, reading all of a goal's history only when its
    tally does not fit (a clock that went back); then the tallies that changed are stored."""
    goals = {row.id: open_goal(row) for row in rows}
    unfit = [
        goal_id
        for goal_id, tally in stored.items()
        if tally
        and not tallies.fits(tally, goals[goal_id].schedule, found.get(goal_id, {}), today, reach)
    ]
    if unfit:
        found |= _by_goal(db.session.execute(CHECKIN_ROWS.where(CHECKINS.goal_id.in_(unfit))))
        stored = stored | dict.fromkeys(unfit)
    items, moved = [], []
    for row in rows:
        goal, checkins = goals[row.id], found.get(row.id, {})
        stats, kept = tallies.continued_stats(goal.schedule, stored[row.id], checkins, today, reach)
        items.append(GoalProgress(goal, stats, checkins))
        if kept != stored[row.id]:
            moved.append(_tally_values(row, kept))
    if moved:
        _store_tallies(moved, COLUMN_PREFIX[reach])
    return items


def _tally_values(row: Goal, tally: tallies.Tally | None) -> dict:
    values = asdict(tally) if tally else dict.fromkeys(TALLY_FIELDS)
    return {"goal": row.id, "version": row.history_version} | {
        f"new_{name}": value for name, value in values.items()
    }


def _store_tallies(moved: list[dict], prefix: str) -> None:
    """Store tallies in the columns ``<prefix>_<field>``, over the version they were read with
    only (see Goal.history_version)."""
    table = Goal.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("goal"), table.c.history_version == bindparam("version"))
        .values({f"{prefix}_{name}": bindparam(f"new_{name}") for name in TALLY_FIELDS})
    )
    db.session.execute(statement, moved)
    db.session.commit()


def heatmap(goals: list[GoalProgress], today: date) -> charts.Chart:
    """The 12-week calendar of goal check-ins."""
    first = rules.week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    # Check-ins before the weeks shown are not loaded; the first day stands in for them.
    counted = [
        (replace(item.goal.schedule, start=item.stats.first), item.checkins) for item in goals
    ]
    plan = rules.day_plan(counted, first, today)
    title = gettext("Self-care check-ins, last 12 weeks")
    return charts.heatmap("goal-calendar", title, plan, today)


def boundary_chart(user_id: int, today: date) -> charts.Chart:
    """Boundary outcomes per week for the last 12 weeks."""
    first = rules.week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    found = [(day, outcome) for _id, day, outcome in boundaries.outcomes_since(user_id, first)]
    weeks = rules.outcome_weeks(found, today, WEEKS_SHOWN)
    series = [(key, str(label)) for key, label in boundaries.OUTCOME_LABELS.items()]
    return charts.stacked_bars(
        "boundary-weeks", gettext("How your boundaries went, by week"), weeks, series
    )


def mood_charts(user_id: int, today: date) -> list[charts.Chart]:
    """The journal's mood, averaged per day, over 30 and over 90 days."""
    found = journal.mood_days(user_id, today - timedelta(days=89), today)
    moods = {day: mood for day, (_count, mood) in found.items()}
    entries = {day: count for day, (count, _mood) in found.items()}
    ticks = {value: str(journal.MOODS[value]) for value in MOOD_TICKS}
    return [
        charts.line(
            f"mood-{days}",
            gettext("Mood in your journal, last %(days)s days", days=days),
            rules.daily_series(moods, today - timedelta(days=days - 1), today),
            1,
            5,
            gettext("Average mood"),
            y_ticks=ticks,
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
        raise FieldError("week", gettext("Choose this week or an earlier one."))
    if all(value is None for value in ratings.values()):
        raise FieldError(
            "ratings", gettext("Rate at least one area, or come back when you have a minute.")
        )
    if any(value is not None and not 1 <= value <= 10 for value in ratings.values()):
        raise FieldError("ratings", gettext("Each rating goes from 1 to 10."))
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
        gettext("How you rated your own life, by week"),
        points,
        1,
        10,
        gettext("Average rating (1–10)"),
        y_ticks={1: "1", 5: "5", 10: "10"},
        x_label=gettext("Week of"),
    )


def area_trends(weeks: dict[date, WellbeingCheckin]) -> list[AreaTrend]:
    """Each area's latest rating next to the one before it."""
    ordered = [weeks[monday] for monday in sorted(weeks, reverse=True)]
    latest = ratings_of(ordered[0] if ordered else None)
    previous = ratings_of(ordered[1] if len(ordered) > 1 else None)
    return [
        AreaTrend(area, str(label), latest[area], previous[area])
        for area, label in WELLBEING_AREAS.items()
    ]
