"""Wall-clock times in a zone on the nights its clocks change: the one rule, and the gaps.

The rule is RFC 5545's, so our pages, reminders and calendar files agree with calendar apps: a
time the spring-forward night skips is read with the offset before the jump (02:30 EST is 03:30
EDT) and a time the autumn night has twice is the first of the two. A meeting ends at its end
time on the clock, unless the night skipped its start: then it moves forward whole and keeps its
usual length, so it never ends as it starts. A one-time meeting or a moved date may not be set
in a gap at all (``missing_time`` says why); a weekly or monthly series follows the rule.
Pure functions over plain values.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from caregiver import timezones
from caregiver.i18n import format_when, gettext


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a day in a zone, normalized through UTC.

    A time inside a spring-forward gap is read with the offset before the jump, as RFC 5545
    says (02:30 EST is 03:30 EDT); a time the autumn night has twice is the first of the two.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)


def length(start: time, end: time) -> timedelta:
    """How long a meeting from ``start`` to ``end`` on one day lasts, read on the wall clock."""
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def meeting_span(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When a meeting set for ``start`` to ``end`` on a local day begins and ends, as instants.

    Both times are read by ``local_moment``; when the night skips the start, the meeting moves
    forward whole, keeping its usual length (02:30-03:30 becomes 03:30-04:30, not 03:30-03:30).
    """
    begins = local_moment(day, start, zone)
    if begins.replace(tzinfo=None) == datetime.combine(day, start):
        return begins, local_moment(day, end, zone)
    return begins, (begins.astimezone(UTC) + length(start, end)).astimezone(zone)


@dataclass(frozen=True)
class Gap:
    """The wall-clock times a spring-forward night skips: from ``skipped_from`` the clocks
    jump to ``resumes_at``."""

    skipped_from: time
    resumes_at: time


def gap_at(day: date, at: time, zone: ZoneInfo) -> Gap | None:
    """The gap a wall-clock time falls in on a day, or None when that time exists."""
    wall = datetime.combine(day, at)
    if local_moment(day, at, zone).replace(tzinfo=None) == wall:
        return None
    # In a gap, fold=0 reads the time with the offset before the jump and fold=1 with the one
    # after (PEP 495), so the jump's instant lies between the two readings.
    before = wall.replace(tzinfo=zone).utcoffset()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    low, high = wall - after, wall - before  # in UTC: still before the jump, already after it
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) // 2
        moment = middle.replace(second=0, microsecond=0, tzinfo=UTC)
        if moment.astimezone(zone).utcoffset() == after:
            high = moment.replace(tzinfo=None)
        else:
            low = moment.replace(tzinfo=None)
    return Gap((high + before).time(), (high + after).time())


def missing_time(day: date, at: time, timezone: str) -> str | None:
    """Why a wall-clock time cannot be chosen on a day (it is skipped), or None when it can."""
    gap = gap_at(day, at, ZoneInfo(timezone))
    if gap is None:
        return None
    return gettext(
        "%(time)s doesn't exist on %(day)s in %(place)s: clocks jump from %(skipped)s to "
        "%(resumes)s. Choose another time.",
        time=format_when(at, "time"),
        day=format_when(day, "month_day"),
        place=timezones.city(timezone),
        skipped=f"{gap.skipped_from:%-I:%M}",
        resumes=f"{gap.resumes_at:%-I:%M}",
    )


@lru_cache(maxsize=512)
def clock_change_days(timezone: str, year: int) -> tuple[date, ...]:
    """The local dates in a year on which the zone's clocks change (their wall times then
    include a gap or a repeated stretch)."""
    zone = ZoneInfo(timezone)
    day, found = date(year, 1, 1), []
    offset = datetime.combine(day, time(), tzinfo=zone).utcoffset()
    while day.year == year:
        following = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).utcoffset()
        if following != offset:
            found.append(day)
        day, offset = day + timedelta(days=1), following
    return tuple(found)
