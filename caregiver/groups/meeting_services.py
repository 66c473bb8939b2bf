"""Meeting decisions: checking a schedule and a place, saving, copying, changing one date."""

from dataclasses import asdict, dataclass, fields, replace
from datetime import date, time
from urllib.parse import urlsplit

from sqlalchemy import select

from caregiver import clock, events
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import conference, recurrence, type_codes
from caregiver.groups.changes import refuse_missing_time, revised
from caregiver.groups.models import LANGUAGES, MODES, REPEATS, Meeting, MeetingChange, SupportGroup
from caregiver.i18n import format_count, gettext
from caregiver.timezones import all_timezones

NAME_MAX = 120
NOTE_MAX = 300
WEEKDAYS = frozenset(range(7))  # Monday to Sunday, as Python numbers them
# The longest text each field may hold (the column sizes, and a sane cap on notes).
TEXT_LIMITS = {
    "name": NAME_MAX,
    "venue": 120,
    "address": 200,
    "city": 80,
    "region": 80,
    "postal_code": 20,
    "country": 80,
    "location_notes": 1000,
    "conference_url": 500,
    "conference_phone": 60,
    "conference_notes": 1000,
    "notes": 2000,
}


@dataclass
class MeetingData:
    """Everything a facilitator sets on a meeting, as plain values."""

    name: str
    repeat: str
    first_day: date
    start_time: time
    end_time: time
    timezone: str
    weekdays: tuple[int, ...] = ()
    month_week: int | None = None
    month_weekday: int | None = None
    last_day: date | None = None
    mode: str = "in_person"
    venue: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    location_notes: str = ""
    latitude: float | None = None
    longitude: float | None = None
    conference_url: str = ""
    conference_phone: str = ""
    conference_notes: str = ""
    link_public: bool = False
    open_to_all: bool = True
    wheelchair: bool = False
    childcare: bool = False
    beginners: bool = False
    language: str = "en"
    notes: str = ""

    @property
    def rule(self) -> recurrence.Rule:
        return recurrence.Rule(
            repeat=self.repeat,
            first_day=self.first_day,
            start_time=self.start_time,
            end_time=self.end_time,
            timezone=self.timezone,
            weekdays=tuple(sorted(set(self.weekdays))),
            month_week=self.month_week,
            month_weekday=self.month_weekday,
            last_day=self.last_day,
        )

    @classmethod
    def of(cls, meeting: Meeting) -> "MeetingData":
        """The settings of a stored meeting (to edit or copy it)."""
        values = {f.name: getattr(meeting, f.name) for f in fields(cls) if f.name != "weekdays"}
        return cls(weekdays=tuple(meeting.weekday_list), **values)


def _strip(data: MeetingData) -> MeetingData:
    text = {
        f.name: " ".join(v.split())
        for f in fields(data)
        if isinstance(v := getattr(data, f.name), str)
    }
    for name in ("location_notes", "conference_notes", "notes"):
        text[name] = getattr(data, name).strip()
    return replace(data, **text)


def _check_schedule(data: MeetingData) -> None:
    if data.repeat not in REPEATS:
        raise FieldError("repeat", gettext("Choose weekly, monthly or one time."))
    if data.timezone not in all_timezones():
        raise FieldError("timezone", gettext("Choose the meeting's timezone from the list."))
    if data.end_time <= data.start_time:
        raise FieldError("end_time", gettext("The meeting must end after it starts."))
    if data.repeat == "weekly" and not data.weekdays:
        raise FieldError("weekdays", gettext("Choose at least one day of the week."))
    if data.repeat == "weekly" and not set(data.weekdays) <= WEEKDAYS:
        raise FieldError("weekdays", gettext("Choose the days of the week from the list."))
    if data.repeat == "monthly" and not (
        data.month_week in recurrence.ORDINALS and data.month_weekday in WEEKDAYS
    ):
        raise FieldError(
            "month_week", gettext("Choose which week and day of the month, like the first Tuesday.")
        )
    if data.repeat == "once":
        # A series follows the clock-change rule on those nights; a single date can simply
        # be set at a time that exists.
        refuse_missing_time("start_time", data.first_day, data.start_time, data.timezone)
        refuse_missing_time("end_time", data.first_day, data.end_time, data.timezone)
    if data.repeat != "once" and data.last_day and data.last_day < data.first_day:
        raise FieldError("last_day", gettext("The last date must come after the first."))
    if not recurrence.ever_occurs(data.rule):
        field = "month_week" if data.repeat == "monthly" else "last_day"
        raise FieldError(
            field,
            gettext("This schedule never happens between those dates. Check the dates and days."),
        )


def _check_place(data: MeetingData) -> None:
    if data.mode not in MODES:
        raise FieldError("mode", gettext("Choose in person, online, or both."))
    if data.mode != "online" and not data.city:
        raise FieldError("city", gettext("Add the city, so people can find a meeting near them."))
    if data.mode != "online" and not (data.address or data.venue):
        raise FieldError("address", gettext("Add the address or the name of the place."))
    if data.mode != "in_person" and not (data.conference_url or data.conference_phone):
        raise FieldError(
            "conference_url", gettext("Add the meeting link or a dial-in phone number.")
        )
    if data.conference_url and not _secure_link(data.conference_url):
        raise FieldError("conference_url", gettext("Use a secure link that starts with https://."))
    # Only a link shown to everyone reaches the open feed, where apps drop unknown services.
    public_link = data.mode != "in_person" and data.link_public and data.conference_url
    if public_link and not conference.provider(data.conference_url):
        raise FieldError("conference_url", conference.unaccepted_message())
    if (data.latitude is None) != (data.longitude is None):
        raise FieldError("latitude", gettext("Give both latitude and longitude, or neither."))
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        raise FieldError("latitude", gettext("Latitude is between -90 and 90."))
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        raise FieldError("longitude", gettext("Longitude is between -180 and 180."))


def _secure_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # a "[" reads as the start of an IPv6 address that never closes
        return False
    return parts.scheme == "https" and bool(parts.netloc)


def _check_lengths(data: MeetingData) -> None:
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(data, name)) > limit:
            raise FieldError(
                name,
                gettext("Keep this to %(limit)s characters or fewer.", limit=format_count(limit)),
            )
    if data.language not in LANGUAGES:
        raise FieldError("language", gettext("Choose the language from the list."))


def check_schedule(data: MeetingData) -> MeetingData:
    """The schedule part checked (for a preview), or FieldError."""
    data = _strip(data)
    _check_schedule(data)
    return data


def check_meeting(data: MeetingData) -> MeetingData:
    """The data cleaned, or FieldError naming the first field that needs fixing."""
    data = _strip(data)
    if not data.name:
        raise FieldError("name", gettext("Give the meeting a name."))
    _check_lengths(data)
    _check_schedule(data)
    _check_place(data)
    if data.mode == "in_person":
        data = replace(data, conference_url="", conference_phone="", conference_notes="")
    return data


def _fill(meeting: Meeting, data: MeetingData) -> None:
    values = asdict(data)
    values["weekdays"] = ",".join(str(d) for d in sorted(set(data.weekdays)))
    if data.repeat != "weekly":
        values["weekdays"] = ""
    if data.repeat != "monthly":
        values["month_week"] = values["month_weekday"] = None
    if data.repeat == "once":
        values["last_day"] = None
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.updated_at = clock.now()


def create_meeting(group: SupportGroup, data: MeetingData) -> Meeting:
    """Check and save a new meeting of a group."""
    return create_meetings(group, [data])[0]


def create_meetings(group: SupportGroup, items: list[MeetingData]) -> list[Meeting]:
    """Check every meeting first, then save them all at once (an import is all or nothing)."""
    checked = [check_meeting(data) for data in items]
    created = []
    for data in checked:
        meeting = Meeting(group_id=group.id)
        _fill(meeting, data)
        db.session.add(meeting)
        created.append(meeting)
    db.session.commit()
    for meeting in created:
        events.meeting_changed.send(meeting.id)
    return created


def update_meeting(meeting: Meeting, data: MeetingData) -> list[str]:
    """Check and save a meeting's new settings; returns what changed that attendees must hear."""
    data = check_meeting(data)
    before = MeetingData.of(meeting)
    _fill(meeting, data)
    if meeting.feed_types is not None:
        meeting.feed_types = ",".join(
            type_codes.after_edit(type_codes.split(meeting.feed_types), before, data)
        )
    # The listing changed here, so the source's "last updated" no longer describes it.
    meeting.source_updated = None
    _drop_stale_changes(meeting, data.rule)
    parts = changed_parts(before, data)
    if "time" in parts:
        revised(meeting)
    db.session.commit()
    events.meeting_changed.send(meeting.id)
    return parts


def _drop_stale_changes(meeting: Meeting, rule: recurrence.Rule) -> None:
    # A cancellation or move names a date of the old schedule; on a new one it means nothing.
    for change in db.session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
    ):
        if not recurrence.has_day(rule, change.on_day):
            db.session.delete(change)


def changed_parts(before: MeetingData, after: MeetingData) -> list[str]:
    """Which parts of a meeting that people plan around changed: "time", "place", "link"."""
    parts = []
    if before.rule != after.rule:
        parts.append("time")
    place = (
        "mode",
        "venue",
        "address",
        "city",
        "region",
        "postal_code",
        "country",
        "location_notes",
    )
    if any(getattr(before, name) != getattr(after, name) for name in place):
        parts.append("place")
    link = ("conference_url", "conference_phone", "conference_notes")
    if any(getattr(before, name) != getattr(after, name) for name in link):
        parts.append("link")
    return parts


def copy_data(meeting: Meeting) -> MeetingData:
    """A new meeting's settings started from an existing one."""
    data = MeetingData.of(meeting)
    return replace(data, name=gettext("%(name)s (copy)", name=meeting.name)[:NAME_MAX])


def delete_meeting(meeting: Meeting) -> None:
    """Remove a meeting, its changes and its RSVPs."""
    meeting_id = meeting.id
    db.session.delete(meeting)
    db.session.commit()
    events.meeting_changed.send(meeting_id)
