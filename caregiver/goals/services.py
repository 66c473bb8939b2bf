"""Self-care goal decisions, and the check-in rules goals and boundaries share."""

import tomllib
from dataclasses import dataclass
from datetime import date, time
from functools import cache, partial
from pathlib import Path

from sqlalchemy import bindparam, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from caregiver import clock, crypto, events
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.goals import rules
from caregiver.goals.models import Goal, GoalCheckin
from caregiver.i18n import DEFAULT_LANGUAGE, current_language, format_count, gettext, ngettext
from caregiver.sealed import open_text, save_sealed, seal_optional
from caregiver.text import clean_line, clean_text

TITLE_MAX = 200
NOTE_MAX = 2000
EXAMPLES_DIR = Path(__file__).parent  # examples.toml, and examples.<language>.toml beside it


EXAMPLE_KINDS = ("boundaries", "goals")


def examples(language: str | None = None) -> dict:
    """Starter boundaries and goal suggestions, keyed by their ``key``, in the page's language
    (or ``language``); an example the translation lacks stays in English."""
    return _examples(language or current_language())


@cache
def _examples(language: str) -> dict:
    found = _examples_file("examples.toml")
    if language != DEFAULT_LANGUAGE:
        translated = _examples_file(f"examples.{language}.toml")
        for kind, items in found.items():
            for key in items:
                items[key] = {**items[key], **translated.get(kind, {}).get(key, {})}
    return found


def _examples_file(name: str) -> dict:
    path = EXAMPLES_DIR / name
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {kind: {item["key"]: item for item in data.get(kind, [])} for kind in EXAMPLE_KINDS}


def today(user) -> date:
    """Today on the person's own calendar."""
    return clock.today_in(user.timezone)


def cadence_label(per_week: int) -> str:
    """How often a goal asks to be done, in words."""
    if per_week >= rules.DAILY:
        return gettext("Every day")
    return ngettext("Once a week", "%(num)d times a week", per_week)


# Check-ins (goals and boundaries) ----------------------------------------------------------------


def check_day(day: date | None, today: date, archived: bool, noun: str) -> None:
    """Raise FieldError unless a check-in may be recorded for this item on this day."""
    if archived:
        if noun == "boundary":
            raise FieldError("day", gettext("This boundary is archived. Restore it to check in."))
        raise FieldError("day", gettext("This goal is archived. Restore it to check in."))
    if day is None:
        raise FieldError("day", gettext("Enter a date."))
    if day > today:
        raise FieldError("day", gettext("You can't check in for a day that hasn't come yet."))


def check_note(note: str) -> str:
    """The note cleaned, or FieldError when it is too long."""
    note = clean_text(note or "").strip()
    if len(note) > NOTE_MAX:
        raise FieldError(
            "note",
            gettext("Keep the note to %(most)s characters or fewer.", most=format_count(NOTE_MAX)),
        )
    return note


def record_checkin(model, item, day: date, value: str, note: str):
    """Insert or update the one check-in an item has for a day, for the caller to commit.

    Two taps racing each other both end as the same single row: the loser of the insert updates.
    """
    criteria = (getattr(model, model.item_column) == item.id, model.day == day)
    row = db.session.scalar(select(model).where(*criteria))
    if row is None:
        row = model(user_id=item.user_id, day=day, **{model.item_column: item.id})
        setattr(row, model.value_column, value)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            row = db.session.scalar(select(model).where(*criteria))
    setattr(row, model.value_column, value)
    row.updated_at = clock.now()
    seal_optional(row, "note_sealed", note)
    return row


def clear_checkin(model, item, day: date) -> None:
    """Remove an item's check-in for a day, if it has one, for the caller to commit."""
    item_id = getattr(model, model.item_column)
    db.session.execute(delete(model).where(item_id == item.id, model.day == day))


def _opened(row) -> tuple[str, str]:
    return getattr(row, row.value_column), open_text(row, "note_sealed")


def day_checkins(model, user_id: int, day: date) -> dict[int, tuple[str, str]]:
    """One day's check-ins of a person's items, by item id: (status or outcome, note)."""
    rows = db.session.scalars(select(model).where(model.user_id == user_id, model.day == day))
    return {getattr(row, model.item_column): _opened(row) for row in rows}


def checkin_for(model, item_id: int, day: date) -> tuple[str, str] | None:
    """One item's check-in on one day: (status or outcome, note), or None."""
    item = getattr(model, model.item_column)
    row = db.session.scalar(select(model).where(item == item_id, model.day == day))
    return _opened(row) if row else None


def recent_checkins(model, item_id: int, before: date | None = None):
    """An item's check-ins newest first, 30 at a time: ([(day, value, note)], next ``before``)."""
    limit = 30
    query = select(model).where(getattr(model, model.item_column) == item_id)
    if before is not None:
        query = query.where(model.day < before)
    rows = db.session.scalars(query.order_by(model.day.desc()).limit(limit + 1)).all()
    shown = [(row.day, *_opened(row)) for row in rows[:limit]]
    return shown, (rows[limit - 1].day if len(rows) > limit else None)


# Goals -------------------------------------------------------------------------------------------

GOAL_STATUSES = (rules.DONE, rules.SKIP, "clear")


@dataclass
class GoalData:
    """What a person typed, already checked by the form."""

    title: str
    per_week: int
    reminder_time: time | None = None


@dataclass
class GoalItem:
    """A goal opened for its owner."""

    id: int
    title: str
    per_week: int
    reminder_time: time | None
    start_day: date
    archived_day: date | None

    @property
    def cadence(self) -> str:
        return cadence_label(self.per_week)

    @property
    def schedule(self) -> rules.Schedule:
        return rules.Schedule(self.per_week, self.start_day, self.archived_day)


def check_goal(data: GoalData) -> GoalData:
    """The goal with its title cleaned, or FieldError for the first rule it breaks."""
    title = clean_line(data.title)
    if not title:
        raise FieldError("title", gettext("Give the goal a name, like “walk 20 minutes”."))
    if len(title) > TITLE_MAX:
        raise FieldError(
            "title", gettext("Keep the name to %(most)s characters or fewer.", most=TITLE_MAX)
        )
    if not 1 <= data.per_week <= rules.DAILY:
        raise FieldError("per_week", gettext("Choose between 1 and 7 times a week."))
    return GoalData(title, data.per_week, data.reminder_time)


def create_goal(user, data: GoalData) -> Goal:
    """Save a new goal for ``user``."""
    data = check_goal(data)
    goal = Goal(user_id=user.id, per_week=data.per_week, start_day=today(user), title_sealed=b"")
    save_sealed(goal, partial(_fill_goal, data=data))
    events.goal_changed.send(goal.user_id, goal_id=goal.id)
    return goal


def update_goal(goal: Goal, data: GoalData) -> None:
    """Change a goal's name, cadence or reminder."""
    data = check_goal(data)
    if data.per_week != goal.per_week:
        forget_tally(goal)
    save_sealed(goal, partial(_fill_goal, data=data))
    events.goal_changed.send(goal.user_id, goal_id=goal.id)


def _fill_goal(goal: Goal, data: GoalData) -> None:
    goal.title_sealed = crypto.seal_field(goal, "title_sealed", data.title)
    goal.per_week = data.per_week
    goal.reminder_time = data.reminder_time


def add_suggested_goal(user, key: str) -> Goal:
    """Add one of the starter goals; KeyError for an unknown one."""
    found = examples()["goals"][key]
    return create_goal(user, GoalData(found["title"], found["per_week"]))


def archive_goal(goal: Goal, day: date) -> None:
    """Put a goal away: it leaves the today list and its progress stops on ``day``."""
    goal.archived_at = clock.now()
    goal.archived_day = max(day, goal.start_day)
    forget_tally(goal)
    db.session.commit()
    events.goal_changed.send(goal.user_id, goal_id=goal.id)


def restore_goal(goal: Goal) -> None:
    """Bring an archived goal back to the today list."""
    goal.archived_at = None
    goal.archived_day = None
    forget_tally(goal)
    db.session.commit()
    events.goal_changed.send(goal.user_id, goal_id=goal.id)


def delete_goal(goal: Goal) -> None:
    """Delete a goal and every check-in it has."""
    user_id, goal_id = goal.user_id, goal.id
    db.session.delete(goal)
    db.session.commit()
    events.goal_changed.send(user_id, goal_id=goal_id)


def check_in_goal(goal: Goal, day: date | None, status: str, note: str, today: date) -> None:
    """Record done or skip for a day (or clear it); FieldError for a day or item that can't."""
    check_day(day, today, goal.archived_at is not None, "goal")
    note = check_note(note)
    if status not in GOAL_STATUSES:
        raise FieldError("status", gettext("Choose “Done” or “Skip day”."))
    if status == "clear":
        clear_checkin(GoalCheckin, goal, day)
    else:
        record_checkin(GoalCheckin, goal, day, status, note)
    # In the same transaction as the check-in, so a tally worked out from check-ins read before
    # it is never stored (see Goal.history_version); a tally that counted its day is thrown away.
    db.session.execute(
        update(Goal)
        .where(Goal.id == goal.id)
        .values(
            history_version=Goal.history_version + 1,
            tally_day=case((Goal.tally_day < day, Goal.tally_day)),
            recent_day=case((Goal.recent_day < day, Goal.recent_day)),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def forget_tally(goal: Goal) -> None:
    """Throw away a goal's stored tallies when what they counted changes; the next walk starts
    over."""
    goal.tally_day = goal.recent_day = None
    goal.history_version = Goal.history_version + 1


def open_goal(row: Goal) -> GoalItem:
    """Decrypt a goal for its owner; never raises on a damaged row."""
    return GoalItem(
        id=row.id,
        title=open_text(row, "title_sealed"),
        per_week=row.per_week,
        reminder_time=row.reminder_time,
        start_day=row.start_day,
        archived_day=row.archived_day,
    )


def kept(model, archived: bool | None) -> list:
    """The criteria for active, archived or (None) all goals or boundaries."""
    if archived is None:
        return []
    return [model.archived_at.is_not(None) if archived else model.archived_at.is_(None)]


def owned(model, user_id: int, archived: bool | None):
    """A query of a person's goals or boundaries: active, archived or (None) all, oldest first."""
    return select(model).where(model.user_id == user_id, *kept(model, archived)).order_by(model.id)


def goals_of(user_id: int, archived: bool | None = False) -> list[GoalItem]:
    """A person's active or archived goals (``None``: all), oldest first."""
    return [open_goal(row) for row in db.session.scalars(owned(Goal, user_id, archived))]


# The dashboard asks on every visit: one statement, built once. The unique (goal, day) check-in
# makes the outer join count each goal once.
_DONE_TODAY = (
    select(func.count(Goal.id), func.count(GoalCheckin.goal_id))
    .select_from(Goal)
    .outerjoin(
        GoalCheckin,
        (GoalCheckin.goal_id == Goal.id)
        & (GoalCheckin.day == bindparam("day"))
        & (GoalCheckin.status == rules.DONE),
    )
    .where(Goal.user_id == bindparam("user_id"), Goal.archived_at.is_(None))
)


def done_today(user_id: int, day: date) -> tuple[int, int]:
    """How many of a person's active goals are done on a day, and how many there are."""
    total, done = db.session.execute(_DONE_TODAY, {"user_id": user_id, "day": day}).one()
    return done, total


def done_between(user_id: int, first: date, last: date) -> int:
    """How many goal check-ins the person marked done from ``first`` to ``last``."""
    return db.session.scalar(
        select(func.count())
        .select_from(GoalCheckin)
        .where(
            GoalCheckin.user_id == user_id,
            GoalCheckin.day.between(first, last),
            GoalCheckin.status == rules.DONE,
        )
    )
