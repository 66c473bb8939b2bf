"""When a reminder falls due: a local time on chosen weekdays, turned into UTC instants.

Pure functions of their arguments (no clock, no database), so daylight-saving changes in any
timezone can be tested directly.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A reminder sent more than this late is not worth sending ("stale"): it is marked skipped.
STALE_AFTER = timedelta(hours=6)
# Nor is yesterday's reminder today, unless it is only minutes late (23:59 planned at 00:01).
NEW_DAY_GRACE = timedelta(hours=1)


def parse_weekdays(raw: str) -> frozenset[int]:
    """Weekday numbers (Monday = 0) from their stored form "0,2,4"."""
    return frozenset(int(part) for part in raw.split(",") if part.strip().isdigit())


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether a wall-clock time happens at all in ``zone`` (not inside a spring-forward gap)."""
    aware = wall.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on ``day`` in ``zone``.

    A time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) moves to
    the next minute that does; a time that happens twice (when clocks go back) is the first one.
    """
    wall = datetime.combine(day, at.replace(second=0, microsecond=0))
    step = timedelta(minutes=1)
    # Gaps last an hour almost everywhere (30 minutes on Lord Howe Island); a day is a safe bound.
    for _ in range(24 * 60):
        if exists(wall, zone):
            return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        wall += step
    raise ValueError(f"no valid time after {at} on {day} in {zone.key}")


def next_due(
    at: time,
    weekdays: frozenset[int],
    zone: ZoneInfo,
    after: datetime,
    from_day: date | None = None,
) -> datetime | None:
    """The first instant after ``after`` when ``at`` comes round on one of ``weekdays``.

    ``from_day`` skips local days before it: once a day's reminder is planned, the next one is
    looked for from the following day, so a time that happens twice is planned once.
    """
    if not weekdays:
        return None
    day = after.astimezone(zone).date()
    if from_day is not None and from_day > day:
        day = from_day
    for _ in range(15):
        if day.weekday() in weekdays:
            instant = local_instant(day, at, zone)
            if instant > after:
                return instant
        day += timedelta(days=1)
    return None


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether a local time falls in quiet hours, which may run past midnight (22:00-07:00)."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def is_stale(due_at: datetime, now: datetime, zone: ZoneInfo) -> bool:
    """Too late to be useful: six hours past its time, or an hour late and a local day old."""
    late = now - due_at
    if late > STALE_AFTER:
        return True
    return late > NEW_DAY_GRACE and now.astimezone(zone).date() != due_at.astimezone(zone).date()
