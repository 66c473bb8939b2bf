"""Finding meetings: upcoming occurrences of listed groups, filtered, in the viewer's timezone.

The cost is three SQL statements however many meetings there are: the schedules that match,
every change of those meetings, then the full rows of the meetings on the page shown; the
"Later" list (meetings that do not meet in the next two weeks) costs three more. Occurrences
are expanded in memory.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from caregiver.extensions import db
from caregiver.groups import recurrence
from caregiver.groups.changes import changes_for
from caregiver.groups.models import GROUP_KINDS, Meeting, SupportGroup
from caregiver.i18n import format_when, gettext
from caregiver.i18n import lazy_gettext as _l

DEFAULT_DAYS = 14
PAGE_SIZE = 20
QUERY_MAX = 100
# Parts of the day by the viewer's clock: [start hour, end hour).
DAY_PARTS = {
    "morning": (_l("Morning"), 0, 12),
    "afternoon": (_l("Afternoon"), 12, 17),
    "evening": (_l("Evening"), 17, 24),
}
WHEN = {"": _l("Next 2 weeks"), "tonight": _l("Tonight"), "weekend": _l("This weekend")}
PLACES = {"in_person": _l("In person"), "online": _l("Online")}


@dataclass(frozen=True)
class Filters:
    when: str = ""
    day: int | None = None  # 0 = Monday, by the viewer's calendar
    part: str = ""
    place: str = ""
    kind: str = ""
    language: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.when, self.day is not None, self.part, self.place, self.kind,
                    self.language, self.q))  # fmt: skip


@dataclass
class Listing:
    """One upcoming occurrence as a list shows it."""

    occurrence: recurrence.Occurrence
    meeting: Meeting
    group: SupportGroup
    start: datetime  # in the viewer's timezone
    end: datetime

    @property
    def local_time_differs(self) -> bool:
        """Whether the meeting's own clock reads differently from the viewer's."""
        own = self.occurrence.start
        return own.utcoffset() != self.start.utcoffset()


def window(filters: Filters, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """The instants a search covers: from now, for two weeks, tonight, or this weekend."""
    local_now = now.astimezone(zone)
    today = local_now.date()
    if filters.when == "tonight":
        return now, _midnight_after(today, zone)
    if filters.when == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today - timedelta(days=1)
        start = datetime.combine(saturday, time(), tzinfo=zone)
        return max(now, start), _midnight_after(saturday + timedelta(days=1), zone)
    return now, _midnight_after(today + timedelta(days=DEFAULT_DAYS - 1), zone)


def _midnight_after(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Only what the expansion needs: the full rows are loaded for the one page shown.
SCHEDULE = (
    Meeting.id, Meeting.name, Meeting.repeat, Meeting.weekdays, Meeting.month_week,
    Meeting.month_weekday, Meeting.first_day, Meeting.last_day, Meeting.start_time,
    Meeting.end_time, Meeting.timezone,
)  # fmt: skip


def _meetings_query(filters: Filters, first: date, last: date):
    query = (
        select(*SCHEDULE)
        .join(SupportGroup, SupportGroup.id == Meeting.group_id)
        .where(
            SupportGroup.listed,
            Meeting.first_day <= last,
            or_(Meeting.last_day.is_(None), Meeting.last_day >= first),
            or_(Meeting.repeat != "once", Meeting.first_day >= first),
        )
    )
    if filters.place == "in_person":
        query = query.where(Meeting.mode.in_(("in_person", "hybrid")))
    elif filters.place == "online":
        query = query.where(Meeting.mode.in_(("online", "hybrid")))
    if filters.kind in GROUP_KINDS:
        query = query.where(SupportGroup.kind == filters.kind)
    if filters.language:
        query = query.where(Meeting.language == filters.language)
    if filters.q:
        pattern = _like(filters.q)
        query = query.where(
            or_(
                Meeting.name.ilike(pattern, escape="\\"),
                SupportGroup.name.ilike(pattern, escape="\\"),
                Meeting.city.ilike(pattern, escape="\\"),
                Meeting.region.ilike(pattern, escape="\\"),
            )
        )
    return query


def _keep(start: datetime, filters: Filters) -> bool:
    if filters.day is not None and start.weekday() != filters.day:
        return False
    if filters.part in DAY_PARTS:
        _label, first_hour, end_hour = DAY_PARTS[filters.part]
        return first_hour <= start.hour < end_hour
    return True


def _schedules(filters: Filters, zone: ZoneInfo, start: datetime, end: datetime):
    """The matching schedules and their changes, for occurrences between start and end."""
    # A moved occurrence may come from a date a little outside the window; a week covers it.
    first = start.astimezone(zone).date() - timedelta(days=7)
    last = end.astimezone(zone).date() + timedelta(days=7)
    query = _meetings_query(filters, first, last)
    rows = db.session.execute(query).all()
    changes = changes_for(query.with_only_columns(Meeting.id).scalar_subquery()) if rows else {}
    return rows, changes


def _selected(filters: Filters, zone: ZoneInfo, row, changes, start: datetime, end: datetime):
    by_time = filters.day is not None or filters.part in DAY_PARTS
    for occurrence in recurrence.occurrences(
        row.id, recurrence.Rule.of(row), changes.get(row.id, {}), start, end, under_way=True
    ):
        if not by_time or _keep(occurrence.start.astimezone(zone), filters):
            yield occurrence


def _soonest_first(found: list) -> list[recurrence.Occurrence]:
    found.sort(key=itemgetter(0, 1, 2))
    return [item[3] for item in found]


def upcoming(filters: Filters, zone: ZoneInfo, now: datetime) -> list[recurrence.Occurrence]:
    """Every occurrence the filters select, soonest first (those going on now before the rest),
    cancelled ones kept and marked."""
    start, end = window(filters, zone, now)
    rows, changes = _schedules(filters, zone, start, end)
    return _soonest_first(
        [
            (occurrence.start.timestamp(), row.name, row.id, occurrence)
            for row in rows
            for occurrence in _selected(filters, zone, row, changes, start, end)
        ]
    )


def later(
    filters: Filters, zone: ZoneInfo, now: datetime, listed: set[int]
) -> list[recurrence.Occurrence]:
    """For the two-week list: the next date of each matching meeting that does not meet in
    those two weeks (a monthly meeting three weeks away), soonest first. Only dates that go
    ahead count; the search stops a year out."""
    if filters.when:
        return []
    _start, end = window(filters, zone, now)
    horizon = now + timedelta(days=recurrence.HORIZON_DAYS)
    rows, changes = _schedules(filters, zone, end, horizon)
    found = []
    for row in rows:
        if row.id in listed:
            continue
        going_ahead = (
            o
            for o in _selected(filters, zone, row, changes, end, horizon)
            if o.status != "cancelled"
        )
        occurrence = next(going_ahead, None)
        if occurrence is not None:
            found.append((occurrence.start.timestamp(), row.name, row.id, occurrence))
    return _soonest_first(found)


def listings(occurrences: list[recurrence.Occurrence], zone: ZoneInfo) -> list[Listing]:
    """The occurrences on one page with their meetings and groups, in one query."""
    ids = {occurrence.meeting_id for occurrence in occurrences}
    meetings = {
        meeting.id: meeting
        for meeting in db.session.scalars(
            select(Meeting).where(Meeting.id.in_(ids)).options(joinedload(Meeting.group))
        )
    } if ids else {}  # fmt: skip
    return [
        Listing(
            occurrence,
            meetings[occurrence.meeting_id],
            meetings[occurrence.meeting_id].group,
            occurrence.start.astimezone(zone),
            occurrence.end.astimezone(zone),
        )
        for occurrence in occurrences
    ]


def page_of(listings: list, page: int) -> tuple[list, int, int]:
    """One page of a list, its number (kept in range) and how many pages there are."""
    pages = max(1, -(-len(listings) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return listings[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, pages


def day_label(day: date, today: date) -> str:
    """ "Today", "Tomorrow", or the weekday and date."""
    if day == today:
        return gettext("Today")
    if day == today + timedelta(days=1):
        return gettext("Tomorrow")
    return format_when(day, "day")
