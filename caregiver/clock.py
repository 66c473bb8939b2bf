"""The one place the app reads the time.

Every "now" and "today" in the app comes from here, so the scheduler, the planner, the meeting
finder, streaks, weeks, digests and reminders agree on the instant, and tests pin it in one
place. Ruff's banned-api rule stops any other module reading the wall clock its own way.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)  # noqa: TID251 - the one allowed read of the wall clock


def local_now(zone: str | ZoneInfo) -> datetime:
    """The current instant on a timezone's wall clock."""
    return now().astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))


def today_in(zone: str | ZoneInfo) -> date:
    """Today's date on a timezone's calendar."""
    return local_now(zone).date()
