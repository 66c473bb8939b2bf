"""Reading a Meeting Guide feed that a facilitator pasted or uploaded into meetings of a group.

Only the text given is read: no address in the feed is ever fetched. Each entry becomes a
``MeetingData`` checked by the same rules as a meeting made by hand; an entry that fails, is
already in the group or appears twice is skipped with the reason, and the rest can be imported.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, select

from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import recurrence, type_codes
from caregiver.groups.feed import (
    HugeNumber,
    python_weekday,
    read_feed,
)
from caregiver.groups.feed_address import split_address
from caregiver.groups.feed_source import Source, entry_source, entry_types, join_split_days
from caregiver.groups.meeting_services import MeetingData, check_meeting, create_meetings
from caregiver.groups.models import Meeting, SupportGroup
from caregiver.i18n import format_count, format_when, gettext
from caregiver.timezones import all_timezones

# The spec's end time when a feed gives none.
DEFAULT_LENGTH = timedelta(hours=1)
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$")
LANGUAGE_OF_TYPE = {code: language for language, code in type_codes.LANGUAGE_TYPES.items()}
LOCATION_CLOSED = "TC"  # "Location Temporarily Closed": the meeting happens online only
# The meeting form's limits for long text; short text is limited by its column.
TEXT_LIMITS = {"location_notes": 1000, "conference_notes": 1000, "notes": 2000}
DAY_NUMBERS = {str(day) for day in range(7)}  # the spec's days, 0 (Sunday) to 6, as text


class EntryProblem(Exception):
    """One entry of the feed can't become a meeting; the message says why, in plain words."""


@dataclass(frozen=True)
class Planned:
    number: int  # its place in the feed, from 1
    data: MeetingData
    source: Source = field(default_factory=Source)

    @property
    def days(self) -> str:
        return recurrence.describe(self.data.rule)

    @property
    def hours(self) -> str:
        return gettext(
            "%(start)s to %(end)s",
            start=format_when(self.data.start_time, "time"),
            end=format_when(self.data.end_time, "time"),
        )

    @property
    def place(self) -> str:
        data = self.data
        where = ", ".join(part for part in (data.venue or data.address, data.city) if part)
        if data.mode == "online":
            return gettext("Online")
        return gettext("%(place)s, and online", place=where) if data.mode == "hybrid" else where


@dataclass(frozen=True)
class Skipped:
    number: int
    name: str
    reason: str


@dataclass
class ImportPlan:
    ready: list[Planned] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _text(entry: dict, key: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    # Postal codes and phone numbers sometimes arrive as numbers.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise EntryProblem(gettext("Its %(field)s should be text.", field=key.replace("_", " ")))


def _days(value) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value]
    if value is None or value == "" or not items:
        raise EntryProblem(
            gettext("It has no day of the week. Only weekly meetings can be imported.")
        )
    days = set()
    for item in items:
        if isinstance(item, str) and item.strip() in DAY_NUMBERS:
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 6:
            raise EntryProblem(
                gettext("Its day should be a number from 0 (Sunday) to 6 (Saturday).")
            )
        days.add(python_weekday(item))
    return tuple(sorted(days))


def _time(value, what: str) -> time:
    found = TIME_PATTERN.match(value.strip()) if isinstance(value, str) else None
    if found is None and what == "end time":
        raise EntryProblem(gettext("Its end time should be a 24-hour time like 19:00."))
    if found is None:
        raise EntryProblem(gettext("Its start time should be a 24-hour time like 19:00."))
    return time(int(found[1]), int(found[2]))


def _schedule(entry: dict, default_timezone: str, now: datetime) -> dict:
    weekdays = _days(entry.get("day"))
    if entry.get("time") in (None, ""):
        raise EntryProblem(
            gettext("It has no start time. Only meetings with a day and time can be imported.")
        )
    start = _time(entry["time"], "start time")
    if entry.get("end_time") not in (None, ""):
        end = _time(entry["end_time"], "end time")
    else:
        moment = datetime.combine(now.date(), start) + DEFAULT_LENGTH
        end = moment.time() if moment.date() == now.date() else time(23, 59)
    timezone = _text(entry, "timezone") or default_timezone
    if timezone not in all_timezones():
        raise EntryProblem(
            gettext(
                "Its timezone “%(zone)s” isn't one we know, like America/Chicago.", zone=timezone
            )
        )
    # A weekly series starts today in its own timezone; the first date follows from its days.
    first_day = now.astimezone(ZoneInfo(timezone)).date()
    return {
        "weekdays": weekdays,
        "start_time": start,
        "end_time": end,
        "timezone": timezone,
        "first_day": first_day,
    }


def _number(entry: dict, key: str) -> float | None:
    value = entry.get(key)
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        return float(value)
    except (TypeError, ValueError) as error:
        raise EntryProblem(gettext("Its %(field)s should be a number.", field=key)) from error


def _place(entry: dict, types: set[str]) -> dict:
    flag = entry.get("approximate")  # "yes"/"no" in the spec; some feeds send true/false
    approximate = flag is True or (isinstance(flag, str) and flag.strip().lower() == "yes")
    place = {
        "venue": _text(entry, "location"),
        "address": _text(entry, "address"),
        "city": _text(entry, "city"),
        "region": _text(entry, "state"),
        "postal_code": _text(entry, "postal_code"),
        "country": _text(entry, "country"),
    }
    formatted = _text(entry, "formatted_address")
    if formatted and not (place["address"] or place["city"]):
        place.update(split_address(formatted))
    link = {
        "conference_url": _text(entry, "conference_url"),
        "conference_phone": _text(entry, "conference_phone"),
    }
    notes = (_text(entry, "conference_url_notes"), _text(entry, "conference_phone_notes"))
    link["conference_notes"] = "\n".join(dict.fromkeys(note for note in notes if note))
    online = bool(link["conference_url"] or link["conference_phone"])
    # An approximate place is somewhere to go only when it names a building and has no link:
    # online meetings are often given a place name too, as their point of origin.
    if approximate:
        physical = bool(place["venue"]) and not online
    else:
        physical = bool(place["address"] or place["venue"])
    physical = physical and LOCATION_CLOSED not in types
    if not physical and not online:
        raise EntryProblem(
            gettext(
                "It has no street address and no meeting link or phone number, so no way to join."
            )
        )
    # A link read from a public feed is public already.
    if not physical:
        approximate_place = {name: place[name] for name in ("city", "region", "country")}
        return {**approximate_place, **link, "mode": "online", "link_public": True}
    place.update(
        location_notes=_text(entry, "location_notes"),
        latitude=_number(entry, "latitude"),
        longitude=_number(entry, "longitude"),
    )
    if not online:
        return {**place, "mode": "in_person"}
    return {**place, **link, "mode": "hybrid", "link_public": True}


def _refuse_huge_numbers(entry: dict) -> None:
    for key, value in entry.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, HugeNumber):
                raise EntryProblem(
                    gettext(
                        "Its %(field)s is a number %(digits)s digits long, far too long to be "
                        "right.",
                        field=key.replace("_", " "),
                        digits=format_count(item.digits),
                    )
                )


def entry_data(entry: dict, default_timezone: str, language: str, now: datetime) -> MeetingData:
    """One feed entry as meeting settings (not yet checked), or EntryProblem."""
    _refuse_huge_numbers(entry)
    types = entry_types(entry)
    languages = [LANGUAGE_OF_TYPE[code] for code in types if code in LANGUAGE_OF_TYPE]
    return MeetingData(
        name=_text(entry, "name"),
        repeat="weekly",
        **_schedule(entry, default_timezone, now),
        **_place(entry, set(types)),
        open_to_all=type_codes.CLOSED not in types,
        wheelchair=type_codes.WHEELCHAIR in types,
        childcare=type_codes.CHILDCARE in types,
        beginners=type_codes.NEWCOMERS in types,
        language=languages[0] if languages else language,
        notes=_text(entry, "notes"),
    )


def _text_limits() -> dict[str, int]:
    limits = dict(TEXT_LIMITS)
    for column in Meeting.__table__.columns:
        if isinstance(column.type, String) and column.type.length and column.name != "name":
            limits[column.name] = column.type.length
    return limits


def checked(data: MeetingData) -> MeetingData:
    """The settings checked like a meeting made by hand, or EntryProblem naming the trouble."""
    try:
        data = check_meeting(data)
    except FieldError as error:
        raise EntryProblem(error.message) from error
    for name, limit in _text_limits().items():
        value = getattr(data, name, None)
        if isinstance(value, str) and len(value) > limit:
            what = name.replace("_", " ").replace("venue", "place name")
            raise EntryProblem(
                gettext(
                    "Its %(field)s is longer than %(limit)s characters.",
                    field=what,
                    limit=format_count(limit),
                )
            )
    return data


def meeting_keys(data: MeetingData) -> set[tuple]:
    """What makes two weekly meetings the same, day by day: name, weekday, start and timezone."""
    name = " ".join(data.name.split()).casefold()
    return {(name, day, data.start_time, data.timezone) for day in data.weekdays}


def _existing_keys(group: SupportGroup) -> set[tuple]:
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.group_id == group.id, Meeting.repeat == "weekly")
    )
    return set().union(*(meeting_keys(MeetingData.of(meeting)) for meeting in meetings))


def _display_name(entry: dict) -> str:
    name = entry.get("name")
    return " ".join(name.split())[:120] if isinstance(name, str) else ""


def plan_import(group: SupportGroup, text: str, default_timezone: str, now: datetime) -> ImportPlan:
    """What importing this feed into the group would create and skip (FieldError if unreadable)."""
    entries = read_feed(text)
    language = (group.language_codes or ["en"])[0]
    existing, seen, plan = _existing_keys(group), set(), ImportPlan()
    for number, entry in enumerate(entries, 1):
        try:
            data = checked(entry_data(entry, default_timezone, language, now))
        except EntryProblem as problem:
            plan.skipped.append(Skipped(number, _display_name(entry), str(problem)))
            continue
        keys = meeting_keys(data)
        if keys & (existing | seen):
            reason = (
                gettext("It is already in this group.")
                if keys & existing
                else gettext("It is listed twice.")
            )
            plan.skipped.append(Skipped(number, data.name, reason))
            continue
        seen |= keys
        plan.ready.append(Planned(number, data, entry_source(entry)))
    plan.ready = join_split_days(plan.ready)
    return plan


def run_import(group: SupportGroup, plan: ImportPlan) -> list[Meeting]:
    """Create the planned meetings; every one was checked when planned, so none is refused."""
    created = create_meetings(group, [item.data for item in plan.ready])
    for meeting, item in zip(created, plan.ready, strict=True):
        source = item.source
        meeting.feed_types = source.types
        meeting.source_slug, meeting.source_group = source.slug, source.group
        meeting.source_url, meeting.source_updated = source.url, source.updated
    db.session.commit()
    return created
