"""The open meeting feed in the Meeting Guide format (the JSON spec in code4recovery/spec).

One entry per weekday of each weekly meeting of a listed group; the spec knows weekly meetings
only, so monthly and one-time meetings stay out. The spec allows ``day`` as an array, but
importers split such an entry into one per day and make up a slug for each, so a person's saved
favourite is lost whenever the days change. We split it ourselves, the same way (``<slug>-<day>``),
so those slugs stay what they already were. An online meeting whose link is kept for signed-in
people stays out: the spec counts an online meeting without a link or phone number as inactive,
and no honest link or number would let a stranger in. A meeting read from another feed is given
back with that feed's slug, codes, group, page and time of update. Reading a feed someone gives
us (its text only, never an address in it) is at the end; turning it into meetings is in
``feed_import``.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import type_codes
from caregiver.groups.models import Meeting, SupportGroup
from caregiver.groups.services import slugify
from caregiver.i18n import format_count, gettext

SLUG_MAX = 64
DAY_SUFFIX = 2  # "-3": room kept at the end of a slug for the day
SLUG_PATTERN = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")
MAX_FEED_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_DIGITS = 300  # a number read from a feed; a longer one is kept as a HugeNumber
UPDATED_FORMAT = "%Y-%m-%d %H:%M:%S"
# The spec allows digits and + , * # in a dial-in number (the last three for one-tap dialling).
PHONE_NOISE = re.compile(r"[^0-9,*#]")


def spec_day(weekday: int) -> int:
    """Python's weekday (0 = Monday) as the spec's day (0 = Sunday)."""
    return (weekday + 1) % 7


def python_weekday(day: int) -> int:
    """The spec's day (0 = Sunday) as Python's weekday (0 = Monday)."""
    return (day + 6) % 7


def meeting_slug(meeting: Meeting, room: int = 0) -> str:
    """A URL-safe key unique in the feed: the name as a slug, then the meeting's id."""
    suffix = f"-{meeting.id}"
    return slugify(meeting.name)[: SLUG_MAX - room - len(suffix)].rstrip("-") + suffix


def day_slugs(meeting: Meeting) -> dict[int, str]:
    """Each of the meeting's spec days with its slug: the meeting's own slug for a meeting on
    one day, and ``<slug>-<day>`` for each day of one on several, as importers have named them."""
    days = sorted(spec_day(weekday) for weekday in meeting.weekday_list)
    if len(days) == 1:
        return {days[0]: meeting.source_slug or meeting_slug(meeting)}
    base = meeting.source_slug
    if not base or len(base) > SLUG_MAX - DAY_SUFFIX:
        base = meeting_slug(meeting, room=DAY_SUFFIX)
    return {day: f"{base}-{day}" for day in days}


def meeting_types(meeting: Meeting) -> list[str]:
    """The spec's type codes of a meeting: as its source feed gave them, or from its settings."""
    if meeting.feed_types is None:
        return type_codes.settings_codes(meeting)
    return type_codes.split(meeting.feed_types)


def dial_number(phone: str) -> str:
    """A phone number in the spec's form: digits, a leading +, and , * # for one-tap dialling."""
    digits = PHONE_NOISE.sub("", phone)
    return ("+" + digits) if phone.strip().startswith("+") and digits else digits


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in ("", None)}


def _place(meeting: Meeting) -> dict:
    if meeting.mode == "online":
        # The spec asks online meetings for an approximate place (a point of origin that also
        # implies the timezone), never a street address.
        return _present(
            {
                "formatted_address": _joined(meeting.city, meeting.region, meeting.country),
                "city": meeting.city,
                "state": meeting.region,
                "country": meeting.country,
                "approximate": "yes",
            }
        )
    region_line = " ".join(part for part in (meeting.region, meeting.postal_code) if part)
    return _present(
        {
            "location": meeting.venue,
            "formatted_address": _joined(
                meeting.address, meeting.city, region_line, meeting.country
            ),
            "address": meeting.address,
            "city": meeting.city,
            "state": meeting.region,
            "postal_code": meeting.postal_code,
            "country": meeting.country,
            "location_notes": meeting.location_notes,
            "latitude": meeting.latitude,
            "longitude": meeting.longitude,
            # Without a street the place is only a name in a city: not a point on a map.
            "approximate": "no" if meeting.address else "yes",
        }
    )


def _conference(meeting: Meeting) -> dict:
    # A link the facilitator kept for signed-in people never leaves the app.
    if not meeting.online or not meeting.link_public:
        return {}
    values = {
        "conference_url": meeting.conference_url,
        "conference_phone": dial_number(meeting.conference_phone),
    }
    notes_key = "conference_url_notes" if meeting.conference_url else "conference_phone_notes"
    values[notes_key] = meeting.conference_notes
    return _present(values)


def listed_in_feed(meeting: Meeting) -> bool:
    """Whether a weekly meeting goes in the open feed: not an online one whose way in is private."""
    return meeting.mode != "online" or meeting.link_public


def _updated(meeting: Meeting) -> str:
    return (meeting.source_updated or meeting.updated_at).astimezone(UTC).strftime(UPDATED_FORMAT)


def feed_entries(meeting: Meeting, url: str) -> Iterator[dict]:
    """A meeting as Meeting Guide entries, one per weekday; ``url`` is its page on this site."""
    shared = {
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M"),
        "timezone": meeting.timezone,
        "types": meeting_types(meeting),
        **_place(meeting),
        **_conference(meeting),
        "group": meeting.source_group or meeting.group.name,
        "url": meeting.source_url or url,
        "updated": _updated(meeting),
    }
    if meeting.notes:
        shared["notes"] = meeting.notes
    for day, slug in day_slugs(meeting).items():
        yield {"name": meeting.name, "slug": slug, "day": day, **shared}


def feed_meetings(today: date) -> list[Meeting]:
    """Weekly meetings of listed groups that have not ended, with their groups loaded."""
    # A day's margin: somewhere a series that ended "yesterday" by UTC is still on today.
    still_on = today - timedelta(days=1)
    query = (
        select(Meeting)
        .join(Meeting.group)
        .options(contains_eager(Meeting.group))
        .where(SupportGroup.listed, Meeting.repeat == "weekly", Meeting.weekdays != "")
        .where(or_(Meeting.last_day.is_(None), Meeting.last_day >= still_on))
        .order_by(SupportGroup.name, Meeting.name, Meeting.id)
    )
    return list(db.session.scalars(query))


def build_feed(url_of: Callable[[Meeting], str], now: datetime) -> list[dict]:
    """The whole public feed: a list of entries, ordered by group, meeting name and day."""
    entries, taken = [], set()
    for meeting in filter(listed_in_feed, feed_meetings(now.date())):
        for entry in feed_entries(meeting, url_of(meeting)):
            # Two feeds read into different groups may have used the same slug.
            if entry["slug"] in taken:
                entry["slug"] = f"{meeting_slug(meeting, room=DAY_SUFFIX)}-{entry['day']}"
            taken.add(entry["slug"])
            entries.append(entry)
    return entries


# Reading a feed someone gives us ------------------------------------------------------------


def decode_upload(raw: bytes) -> str:
    """An uploaded file's text, or FieldError when it is too large or not text."""
    if len(raw) > MAX_FEED_BYTES:
        raise FieldError(
            "file", gettext("This file is larger than 2 MB. Split it into smaller files.")
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FieldError(
            "file", gettext("This file isn't a text file. Choose the .json file of the feed.")
        ) from error


@dataclass(frozen=True)
class HugeNumber:
    """A number in a feed with more digits than any real value: kept, not read, so that the
    meeting holding it is skipped with a message naming the field."""

    digits: int


def _whole_number(text: str) -> int | HugeNumber:
    # Past 300 digits a number no longer fits a float, and past 4,300 Python will not read it.
    digits = len(text.lstrip("-"))
    return HugeNumber(digits) if digits > MAX_DIGITS else int(text)


def _has_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _has_slug(value) -> bool:
    return _has_text(value) or (isinstance(value, int) and not isinstance(value, bool))


def read_feed(text: str) -> list[dict]:
    """The feed's entries, or FieldError("text") saying why it isn't a feed we can read."""
    if not text.strip():
        raise FieldError("text", gettext("Paste the feed here, or choose a .json file."))
    if len(text.encode()) > MAX_FEED_BYTES:
        raise FieldError(
            "text", gettext("This feed is larger than 2 MB. Split it into smaller parts.")
        )
    try:
        entries = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as error:
        raise FieldError(
            "text",
            gettext(
                "This isn't valid JSON (line %(line)s, column %(column)s: %(problem)s). "
                "Check that the whole feed was copied.",
                line=error.lineno,
                column=error.colno,
                problem=error.msg,
            ),
        ) from error
    except RecursionError as error:
        raise FieldError(
            "text", gettext("This JSON is nested too deeply to be a meeting feed.")
        ) from error
    if isinstance(entries, dict):
        raise FieldError(
            "text",
            gettext(
                "This JSON is a single object. A meeting feed is a list of meetings, "
                "starting with [ and ending with ]."
            ),
        )
    if not isinstance(entries, list):
        raise FieldError("text", gettext("This JSON isn't a list of meetings."))
    if not entries:
        raise FieldError("text", gettext("The list is empty: there are no meetings in it."))
    if len(entries) > MAX_ENTRIES:
        raise FieldError(
            "text",
            gettext(
                "This feed has more than %(limit)s meetings. Split it into parts.",
                limit=format_count(MAX_ENTRIES),
            ),
        )
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise FieldError(
                "text",
                gettext("Item %(number)s in the list isn't a meeting (an object).", number=number),
            )
        missing = [
            name
            for name, present in (("name", _has_text), ("slug", _has_slug))
            if not present(entry.get(name))
        ]
        if missing:
            raise FieldError(
                "text",
                _missing_message(number, missing),
            )
    return entries


def _missing_message(number: int, missing: list[str]) -> str:
    if missing == ["name"]:
        text = gettext("Meeting %(number)s in the list has no name.", number=number)
    elif missing == ["slug"]:
        text = gettext("Meeting %(number)s in the list has no slug.", number=number)
    else:
        text = gettext("Meeting %(number)s in the list has no name and no slug.", number=number)
    return text + " " + gettext("Every meeting in a feed needs a name and a slug.")
