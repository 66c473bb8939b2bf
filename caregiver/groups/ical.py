"""iCalendar (RFC 5545) files for meetings: one meeting's series, or a person's whole feed.

A meeting becomes one VEVENT in its own timezone with an RRULE and a DURATION, so 19:00 stays
19:00 local across daylight-saving changes. Cancelled dates become EXDATEs; each moved date is
an extra VEVENT with the same UID and a RECURRENCE-ID naming the start it replaces. So does a
date on a night the clocks change whose times a calendar app could read otherwise than
``wall_clock.meeting_span`` does: it is written as the two instants, and every app agrees.

Every event carries the meeting's SEQUENCE (raised by each change to when it happens) and its
LAST-MODIFIED, and a UID on the site's own host, so subscribed calendars replace what they hold.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from caregiver import clock
from caregiver.groups import recurrence, wall_clock
from caregiver.groups.models import Meeting

PRODID = "-//Caregiver//Support group meetings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_NAME = "Caregiver meetings"
# How often a subscribed calendar is asked to look for changes.
FEED_REFRESH = timedelta(hours=1)
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

PageUrl = Callable[[Meeting], str]
Changes = dict[date, recurrence.Change]


@dataclass(frozen=True)
class Audience:
    """Who a file is for and where it is served: joining links shown or not, the meeting's
    page, the site's host name (which makes UIDs unique to this site)."""

    show_link: bool
    page_url: str
    host: str


def event_uid(meeting: Meeting, host: str) -> str:
    """The stable UID every event of a meeting shares, so calendars update rather than add."""
    return f"meeting-{meeting.id}@{host}"


def horizon() -> date:
    """How far ahead a file spells out its timezone and its clock-change dates."""
    return date(clock.now().year + 11, 1, 1)


def rrule_of(rule: recurrence.Rule) -> dict | None:
    """The RRULE value of a repeating rule, or None for a one-off meeting."""
    if rule.repeat == "weekly" and rule.weekdays:
        value: dict = {"FREQ": "WEEKLY", "BYDAY": [RRULE_DAYS[d] for d in sorted(rule.weekdays)]}
    elif rule.repeat == "monthly" and rule.month_week and rule.month_weekday is not None:
        value = {"FREQ": "MONTHLY", "BYDAY": [f"{rule.month_week}{RRULE_DAYS[rule.month_weekday]}"]}
    else:
        return None
    if rule.last_day:
        # RFC 5545 wants UNTIL in UTC when DTSTART has a TZID; the end of the last local day
        # keeps that day's occurrence whatever its time.
        last = datetime.combine(rule.last_day, time(23, 59, 59), tzinfo=ZoneInfo(rule.timezone))
        value["UNTIL"] = last.astimezone(UTC)
    return value


def location_of(meeting: Meeting) -> str:
    """The place on one line ("Hall, 100 Main St, Springfield, IL 62701, US"), or ""."""
    if not meeting.in_person:
        return ""
    region = " ".join(part for part in (meeting.region, meeting.postal_code) if part)
    parts = (meeting.venue, meeting.address, meeting.city, region, meeting.country)
    return ", ".join(part for part in parts if part)


def description_of(meeting: Meeting, show_link: bool, page_url: str, notice: str = "") -> str:
    """The event's text: any notice, the group, notes, how to find or join it, the page link."""
    parts = [notice] if notice else []
    parts.append(f"Group: {meeting.group.name}")
    if meeting.notes:
        parts.append(meeting.notes)
    if meeting.in_person and meeting.location_notes:
        parts.append(f"Finding it: {meeting.location_notes}")
    if meeting.online:
        parts.append(_joining(meeting, show_link))
    parts.append(f"Details and changes: {page_url}")
    return "\n\n".join(parts)


def _joining(meeting: Meeting, show_link: bool) -> str:
    # Open links invite disruption: unless the facilitator made it public, only signed-in
    # people (and their private feed) get the link and the dial-in number.
    if not show_link:
        return "To see how to join online, log in to Caregiver and open the meeting's page."
    lines = []
    if meeting.conference_url:
        lines.append(f"Join online: {meeting.conference_url}")
    if meeting.conference_phone:
        lines.append(f"Join by phone: {meeting.conference_phone}")
    if meeting.conference_notes:
        lines.append(meeting.conference_notes)
    return "\n".join(lines)


def _written(moment: datetime) -> datetime:
    # A local time is read as the first of two on an autumn night that has it twice, so the
    # second one is written in UTC, which names it exactly.
    first = moment.replace(fold=0)
    return first if first.astimezone(UTC) == moment.astimezone(UTC) else moment.astimezone(UTC)


def _event(meeting: Meeting, to: Audience, start: datetime, end=None, notice="") -> Event:
    event = Event.new(
        uid=event_uid(meeting, to.host),
        # The file is the meeting as it was last changed: a stamp of each download would make
        # every poll look like a new revision and defeat the ETag.
        stamp=meeting.updated_at,
        last_modified=meeting.updated_at,
        sequence=meeting.sequence,
        start=start,
        end=end,
        summary=meeting.name,
        description=description_of(meeting, to.show_link, to.page_url, notice),
        url=to.page_url,
    )
    if location := location_of(meeting):
        event.add("location", location)
        if meeting.latitude is not None and meeting.longitude is not None:
            event.add("geo", (meeting.latitude, meeting.longitude))
    return event


def _at(rule: recurrence.Rule, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(rule.timezone))


def _dated_event(meeting: Meeting, to: Audience, span: tuple, notice="") -> Event:
    start, end = span
    return _event(meeting, to, _written(start), _written(end), notice)


def _moved_event(meeting: Meeting, day: date, change: recurrence.Change, to: Audience) -> Event:
    rule = recurrence.Rule.of(meeting)
    span = recurrence.moved_span(rule, ZoneInfo(rule.timezone), day, change)
    notice = f"Moved from {_at(rule, day, rule.start_time):%A, %B %-d at %-I:%M %p}."
    notice = f"{notice} {change.note}" if change.note else notice
    return _dated_event(meeting, to, span, notice)


def _read_otherwise(rule: recurrence.Rule, day: date) -> bool:
    # What apps make of this date from the DURATION: added on the wall clock (as many do) or
    # as exact time (as RFC 5545 says); either must give our end, or the date is spelled out.
    start = _at(rule, day, rule.start_time)
    length = wall_clock.length(rule.start_time, rule.end_time)
    _start, end = wall_clock.meeting_span(
        day, rule.start_time, rule.end_time, ZoneInfo(rule.timezone)
    )
    guesses = {(start + length).astimezone(UTC), start.astimezone(UTC) + length}
    return guesses != {end.astimezone(UTC)}


def clock_change_dates(rule: recurrence.Rule, first: date, changes: Changes) -> list[date]:
    """The series' unchanged dates, up to the horizon, that need their instants spelled out."""
    last = horizon()
    return [
        day
        for year in range(first.year, last.year + 1)
        for day in wall_clock.clock_change_days(rule.timezone, year)
        if first <= day <= last and day not in changes and recurrence.has_day(rule, day)
        and _read_otherwise(rule, day)
    ]  # fmt: skip


def meeting_events(meeting: Meeting, changes: Changes, to: Audience) -> list[Event]:
    """The VEVENTs of one meeting: the series, then one per moved date (none if it never runs)."""
    rule = recurrence.Rule.of(meeting)
    # An RFC 5545 DTSTART off the rule counts as an extra occurrence, so start on a real one.
    first = recurrence.next_day(rule, rule.first_day)
    if first is None:
        return []
    # A change left over from before the schedule was edited names a date the series no longer
    # has; as a RECURRENCE-ID it would be an extra event, so it is left out.
    changes = {day: c for day, c in sorted(changes.items()) if recurrence.has_day(rule, day)}

    if rule.repeat == "once":
        change = changes.get(first)
        if change and change.status == "moved":
            return [_moved_event(meeting, first, change, to)]
        notice = f"Cancelled. {change.note}".strip() if change else ""
        span = wall_clock.meeting_span(
            first, rule.start_time, rule.end_time, ZoneInfo(rule.timezone)
        )
        event = _dated_event(meeting, to, span, notice)
        if change:
            event.add("status", "CANCELLED")
        return [event]

    series = _event(meeting, to, _at(rule, first, rule.start_time))
    # A DURATION, unlike a DTEND, is the same exact length for every date (RFC 5545 3.8.5.3).
    series.add("duration", wall_clock.length(rule.start_time, rule.end_time))
    series.add("rrule", rrule_of(rule))
    cancelled = [
        _at(rule, day, rule.start_time) for day, c in changes.items() if c.status == "cancelled"
    ]
    if cancelled:
        series.add("exdate", cancelled)
    overrides = {day: _moved_event(meeting, day, c, to) for day, c in changes.items()
                 if c.status == "moved"}  # fmt: skip
    zone = ZoneInfo(rule.timezone)
    for day in clock_change_dates(rule, first, changes):
        span = wall_clock.meeting_span(day, rule.start_time, rule.end_time, zone)
        overrides[day] = _dated_event(meeting, to, span)
    for day, event in sorted(overrides.items()):
        event.add("recurrence-id", _at(rule, day, rule.start_time))
    return [series, *(event for _day, event in sorted(overrides.items()))]


def _calendar(name: str, events: list[Event], refresh: timedelta | None = None) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, name=name, method="PUBLISH", refresh_interval=refresh)
    # A fresh random calendar UID each time would make every download look changed.
    calendar.pop("UID", None)
    if refresh:
        calendar.add("x-published-ttl", refresh)
    for event in events:
        calendar.add_component(event)
    if events:
        # VTIMEZONE as explicit transitions from the earliest event to about ten years ahead:
        # enough for clients that read it, short enough to download often.
        earliest = min(event.start.date() for event in events) - timedelta(days=7)
        calendar.add_missing_timezones(earliest, horizon())
    return calendar


def meeting_calendar(
    meeting: Meeting, changes: Changes, show_link: bool, page_url: PageUrl, host: str
) -> Calendar:
    """A calendar holding one meeting's series."""
    to = Audience(show_link, page_url(meeting), host)
    return _calendar(meeting.name, meeting_events(meeting, changes, to))


def feed_calendar(
    meetings: Iterable[Meeting], changes: dict[int, Changes], page_url: PageUrl, host: str
) -> Calendar:
    """A person's calendar of many meetings; it is private to them, so joining links are in."""
    events = [
        event
        for meeting in meetings
        for event in meeting_events(
            meeting, changes.get(meeting.id, {}), Audience(True, page_url(meeting), host)
        )
    ]
    return _calendar(FEED_NAME, events, FEED_REFRESH)
