"""When a meeting happens: its rule expanded into occurrences, with one-date changes applied.

Pure functions over plain values. The rule is expanded with dateutil's rrule on the meeting's
local wall clock and each local time is then placed in the meeting's timezone, so a weekly
19:00 meeting stays at 19:00 local on both sides of a daylight-saving change. Where the clocks
change, ``wall_clock.meeting_span`` is the one rule every page, calendar file and reminder follows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from dateutil.rrule import weekdays as weekdays_of

from caregiver.groups.wall_clock import meeting_span
from caregiver.groups.words import and_list
from caregiver.i18n import format_when, gettext, pgettext
from caregiver.i18n import lazy_gettext as _l

# Names standing alone (a choice in a list); inside a sentence see ``weekday_in_sentence``.
WEEKDAY_NAMES = (
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
    _l("Sunday"),
)  # fmt: skip
# Which week of the month, as a choice in a list.
ORDINALS = {
    1: _l("First"), 2: _l("Second"), 3: _l("Third"), 4: _l("Fourth"), 5: _l("Fifth"),
    -1: _l("Last"),
}  # fmt: skip
# How far ahead an open-ended series is searched for a first occurrence.
HORIZON_DAYS = 400
# A meeting's end time is later on its day than its start, so it lasts under a day: an
# occurrence going on now started less than this long ago (kept generous).
LONGEST = timedelta(hours=25)


@lru_cache(maxsize=256)
def parse_weekdays(text: str) -> tuple[int, ...]:
    """Stored weekdays ("0,3") as a tuple of numbers, 0 = Monday."""
    return tuple(int(day) for day in text.split(",") if day)


@dataclass(frozen=True)
class Rule:
    repeat: str  # weekly | monthly | once
    first_day: date
    start_time: time
    end_time: time
    timezone: str
    weekdays: tuple[int, ...] = ()  # 0 = Monday
    month_week: int | None = None  # 1..5, or -1 for the last
    month_weekday: int | None = None
    last_day: date | None = None

    @classmethod
    def of(cls, meeting) -> "Rule":
        """The rule of a stored meeting, or of a row holding its schedule columns."""
        return cls(
            repeat=meeting.repeat,
            first_day=meeting.first_day,
            start_time=meeting.start_time,
            end_time=meeting.end_time,
            timezone=meeting.timezone,
            weekdays=parse_weekdays(meeting.weekdays),
            month_week=meeting.month_week,
            month_weekday=meeting.month_weekday,
            last_day=meeting.last_day,
        )


@dataclass(frozen=True)
class Change:
    on_day: date
    status: str  # cancelled | moved
    new_day: date | None = None
    new_start: time | None = None
    new_end: time | None = None
    note: str = ""


@dataclass(frozen=True)
class Occurrence:
    meeting_id: int
    on_day: date  # the local date the series gave it: it names the occurrence
    start: datetime  # aware, in the meeting's timezone
    end: datetime
    status: str = "scheduled"  # scheduled | cancelled | moved
    note: str = ""
    moved_from: datetime | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return f"{self.meeting_id}:{self.on_day.isoformat()}"

    def minutes_in(self, now: datetime) -> int | None:
        """Whole minutes since it started, while it is going on (and not cancelled); else None."""
        if self.status == "cancelled" or not self.start <= now < self.end:
            return None
        return int((now - self.start).total_seconds() // 60)


def weekday_in_sentence(day: int) -> str:
    """A weekday's name (0 = Monday) as it reads inside a sentence ("every Monday")."""
    names = (
        pgettext("in a sentence", "Monday"),
        pgettext("in a sentence", "Tuesday"),
        pgettext("in a sentence", "Wednesday"),
        pgettext("in a sentence", "Thursday"),
        pgettext("in a sentence", "Friday"),
        pgettext("in a sentence", "Saturday"),
        pgettext("in a sentence", "Sunday"),
    )
    return names[day]


def _monthly(week: int, weekday: str) -> str:
    if week == 2:
        return gettext("Second %(weekday)s of the month", weekday=weekday)
    if week == 3:
        return gettext("Third %(weekday)s of the month", weekday=weekday)
    if week == 4:
        return gettext("Fourth %(weekday)s of the month", weekday=weekday)
    if week == 5:
        return gettext("Fifth %(weekday)s of the month", weekday=weekday)
    if week == -1:
        return gettext("Last %(weekday)s of the month", weekday=weekday)
    return gettext("First %(weekday)s of the month", weekday=weekday)


def describe(rule: Rule) -> str:
    """The rule in words: "Every Monday and Thursday", "First Tuesday of the month"."""
    if rule.repeat == "once":
        return format_when(rule.first_day, "day_year")
    if rule.repeat == "monthly":
        return _monthly(rule.month_week or 1, weekday_in_sentence(rule.month_weekday or 0))
    names = [weekday_in_sentence(day) for day in sorted(rule.weekdays)]
    if len(names) == 7:
        return gettext("Every day")
    if not names:
        return gettext("Every week")
    return gettext("Every %(days)s", days=and_list(names))


@lru_cache(maxsize=8192)
def _pattern_days(
    repeat: str, weekdays: tuple[int, ...], month_week: int | None, month_weekday: int | None,
    first: date, last: date,
) -> tuple[date, ...]:  # fmt: skip
    # The dates a weekly or monthly pattern gives in a range, whatever the series' own bounds:
    # thousands of meetings share a few dozen patterns, so each is expanded once per range.
    start = datetime.combine(first, time())
    if repeat == "weekly":
        if not weekdays:
            return ()
        recurrence = rrule(WEEKLY, dtstart=start, byweekday=weekdays)
    else:
        if month_weekday is None or not month_week:
            return ()
        recurrence = rrule(MONTHLY, dtstart=start, byweekday=weekdays_of[month_weekday](month_week))
    end = datetime.combine(last, time())
    return tuple(moment.date() for moment in recurrence.between(start, end, inc=True))


def series_days(rule: Rule, first: date, last: date) -> list[date]:
    """The local dates the series falls on between two dates, both included."""
    if rule.repeat == "once":
        return [rule.first_day] if first <= rule.first_day <= last else []
    first = max(first, rule.first_day)
    if rule.last_day:
        last = min(last, rule.last_day)
    if first > last:
        return []
    days = _pattern_days(
        rule.repeat, rule.weekdays, rule.month_week, rule.month_weekday, first, last
    )
    return list(days)


def has_day(rule: Rule, day: date) -> bool:
    """Whether the series has an occurrence on this local date."""
    return series_days(rule, day, day) == [day]


def next_day(rule: Rule, after: date) -> date | None:
    """The series' first date on or after a date, within the search horizon."""
    days = series_days(rule, after, after + timedelta(days=HORIZON_DAYS))
    return days[0] if days else None


def ever_occurs(rule: Rule) -> bool:
    """Whether the rule gives at least one date (a fifth Monday in a short range may not)."""
    if rule.repeat == "once":
        return True
    last = rule.last_day or rule.first_day + timedelta(days=HORIZON_DAYS)
    return bool(series_days(rule, rule.first_day, last))


def occurrence_on(meeting_id: int, rule: Rule, day: date, change: Change | None = None):
    """The occurrence the series gave to a local date, with its change applied."""
    return _occurrence(meeting_id, rule, ZoneInfo(rule.timezone), day, change)


def _occurrence(meeting_id: int, rule: Rule, zone: ZoneInfo, day: date, change: Change | None):
    start, end = meeting_span(day, rule.start_time, rule.end_time, zone)
    if change is None:
        return Occurrence(meeting_id, day, start, end)
    if change.status == "cancelled":
        return Occurrence(meeting_id, day, start, end, "cancelled", change.note)
    return Occurrence(
        meeting_id,
        day,
        *moved_span(rule, zone, day, change),
        "moved",
        change.note,
        moved_from=start,
    )


def moved_span(rule: Rule, zone: ZoneInfo, day: date, change: Change):
    """When a moved date now begins and ends."""
    new_start, new_end = change.new_start or rule.start_time, change.new_end or rule.end_time
    return meeting_span(change.new_day or day, new_start, new_end, zone)


def occurrences(
    meeting_id: int,
    rule: Rule,
    changes: dict[date, Change],
    window_start: datetime,
    window_end: datetime,
    under_way: bool = False,
) -> list[Occurrence]:
    """Occurrences that start within [window_start, window_end), changes applied, by start;
    with ``under_way``, also one already going on when the window opens (people can still
    join it).

    Cancelled occurrences are kept (marked) so every list can show them crossed out; a moved
    one appears at its new time, even when its original date is outside the window.
    """
    zone = ZoneInfo(rule.timezone)
    earliest = window_start - LONGEST if under_way else window_start
    # A day of slack each side: the window is in instants, the series in local dates.
    first = earliest.astimezone(zone).date() - timedelta(days=1)
    last = window_end.astimezone(zone).date() + timedelta(days=1)
    days = set(series_days(rule, first, last))
    days.update(
        change.on_day
        for change in changes.values()
        if change.status == "moved" and change.new_day and first <= change.new_day <= last
    )
    found = []
    for day in days:
        occurrence = _occurrence(meeting_id, rule, zone, day, changes.get(day))
        begun = occurrence.end > window_start if under_way else occurrence.start >= window_start
        if begun and occurrence.start < window_end:
            found.append(occurrence)
    return sorted(found, key=lambda o: o.start)


def next_occurrences(
    meeting_id: int,
    rule: Rule,
    changes: dict[date, Change],
    now: datetime,
    count: int = 5,
    under_way: bool = False,
) -> list[Occurrence]:
    """The next few occurrences from now (cancelled ones included and marked); with
    ``under_way``, one already going on comes first."""
    window = timedelta(days=35)
    found = occurrences(meeting_id, rule, changes, now, now + window, under_way=under_way)
    start = now + window
    while len(found) < count and start < now + timedelta(days=HORIZON_DAYS):
        found.extend(occurrences(meeting_id, rule, changes, start, start + window))
        start += window
    return found[:count]
