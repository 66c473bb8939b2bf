"""iCalendar (RFC 5545) files for meetings: one meeting's series, or a person's whole feed.

A meeting becomes one VEVENT in its own timezone with an RRULE, so 19:00 stays 19:00 local
across daylight-saving changes. Cancelled dates become EXDATEs; each moved date is an extra
VEVENT with the same UID and a RECURRENCE-ID naming the start it replaces.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from caregiver import clock
from caregiver.groups import recurrence
from caregiver.groups.models import Meeting

PRODID = "-//Caregiver//Support group meetings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_NAME = "Caregiver meetings"
# How often a subscribed calendar is asked to look for changes.
FEED_REFRESH = timedelta(hours=1)
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

PageUrl = Callable[[Meeting], str]
Changes = dict[date, recurrence.Change]


def event_uid(meeting: Meeting) -> str:
    """The stable UID every event of a meeting shares, so calendars update rather than add."""
    return f"meeting-{meeting.id}@caregiver"


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


def _event(
    meeting: Meeting, start: datetime, end: datetime, show_link: bool, page_url: str, notice=""
) -> Event:
    event = Event.new(
        uid=event_uid(meeting),
        stamp=meeting.updated_at,
        start=start,
        end=end,
        summary=meeting.name,
        description=description_of(meeting, show_link, page_url, notice),
        url=page_url,
    )
    if location := location_of(meeting):
        event.add("location", location)
        if meeting.latitude is not None and meeting.longitude is not None:
            event.add("geo", (meeting.latitude, meeting.longitude))
    return event


def _at(rule: recurrence.Rule, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(rule.timezone))


def _moved_event(
    meeting: Meeting, day: date, change: recurrence.Change, show_link: bool, page_url: str
) -> Event:
    rule, zone = recurrence.Rule.of(meeting), ZoneInfo(meeting.timezone)
    new_day = change.new_day or day
    start = recurrence.local_moment(new_day, change.new_start or rule.start_time, zone)
    end = recurrence.local_moment(new_day, change.new_end or rule.end_time, zone)
    notice = f"Moved from {_at(rule, day, rule.start_time):%A, %B %-d at %-I:%M %p}."
    notice = f"{notice} {change.note}" if change.note else notice
    return _event(meeting, start, end, show_link, page_url, notice)


def meeting_events(
    meeting: Meeting, changes: Changes, show_link: bool, page_url: str
) -> list[Event]:
    """The VEVENTs of one meeting: the series, then one per moved date (none if it never runs)."""
    rule = recurrence.Rule.of(meeting)
    # An RFC 5545 DTSTART off the rule counts as an extra occurrence, so start on a real one.
    first = recurrence.next_day(rule, rule.first_day)
    if first is None:
        return []
    # A change left over from before the schedule was edited names a date the series no longer
    # has; as a RECURRENCE-ID it would be an extra event, so it is left out.
    changes = {day: c for day, c in sorted(changes.items()) if recurrence.has_day(rule, day)}
    start, end = _at(rule, first, rule.start_time), _at(rule, first, rule.end_time)

    if rule.repeat == "once":
        change = changes.get(first)
        if change and change.status == "moved":
            return [_moved_event(meeting, first, change, show_link, page_url)]
        notice = f"Cancelled. {change.note}".strip() if change else ""
        event = _event(meeting, start, end, show_link, page_url, notice)
        if change:
            event.add("status", "CANCELLED")
        return [event]

    series = _event(meeting, start, end, show_link, page_url)
    series.add("rrule", rrule_of(rule))
    cancelled = [
        _at(rule, day, rule.start_time) for day, c in changes.items() if c.status == "cancelled"
    ]
    if cancelled:
        series.add("exdate", cancelled)
    events = [series]
    for day, change in changes.items():
        if change.status == "moved":
            moved = _moved_event(meeting, day, change, show_link, page_url)
            moved.add("recurrence-id", _at(rule, day, rule.start_time))
            events.append(moved)
    return events


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
        calendar.add_missing_timezones(earliest, date(clock.now().year + 11, 1, 1))
    return calendar


def meeting_calendar(
    meeting: Meeting, changes: Changes, show_link: bool, page_url: PageUrl
) -> Calendar:
    """A calendar holding one meeting's series."""
    return _calendar(meeting.name, meeting_events(meeting, changes, show_link, page_url(meeting)))


def feed_calendar(
    meetings: Iterable[Meeting], changes: dict[int, Changes], page_url: PageUrl
) -> Calendar:
    """A person's calendar of many meetings; it is private to them, so joining links are in."""
    events = [
        event
        for meeting in meetings
        for event in meeting_events(meeting, changes.get(meeting.id, {}), True, page_url(meeting))
    ]
    return _calendar(FEED_NAME, events, FEED_REFRESH)
