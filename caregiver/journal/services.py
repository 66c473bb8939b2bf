"""Journal decisions: writing, editing, deleting and listing a person's own entries."""

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, func, or_, select

from caregiver import clock, crypto
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.forms import EARLIEST_YEAR
from caregiver.i18n import format_count, format_when, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.journal import prompts
from caregiver.journal.models import JournalEntry, JournalTag, entry_tags
from caregiver.text import clean_text

TITLE_MAX = 200
BODY_MAX = 50_000
TAGS_MAX = 20
TAG_MAX = 40
PAGE_SIZE = 20
UNDO_DAYS = 30
# Each mood's face is the sprite icon "mood-<n>".
MOODS = {1: _l("Very low"), 2: _l("Low"), 3: _l("Okay"), 4: _l("Good"), 5: _l("Very good")}


@dataclass
class EntryData:
    """What a person typed, already checked by the form."""

    body: str
    entry_date: date
    entry_time: time
    title: str = ""
    mood: int | None = None
    tags: list[str] = field(default_factory=list)
    prompt_key: str | None = None


@dataclass
class Entry:
    """An entry opened for its owner; ``unreadable`` when its text cannot be decrypted."""

    id: int
    entry_date: date
    entry_time: time
    mood: int | None
    title: str
    body: str
    tags: list[tuple[int, str]]
    prompt: prompts.Prompt | None
    unreadable: bool
    deleted_at: datetime | None
    updated_at: datetime


@dataclass
class Filters:
    tag_id: int | None = None
    mood: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.tag_id, self.mood, self.date_from, self.date_to))


@dataclass
class Page:
    entries: list[Entry]
    next_cursor: str | None


class BadCursor(ValueError):
    """A page link was altered or is from an older version."""


# Input rules -------------------------------------------------------------------------------------


def parse_tags(raw: str) -> list[str]:
    """Split a comma-separated tag list, dropping blanks and repeats (case-insensitively)."""
    seen, tags = set(), []
    for part in raw.split(","):
        tag = " ".join(clean_text(part).split()).lstrip("#")
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def tag_problem(tags: list[str]) -> str | None:
    """Why this tag list is not acceptable, or None."""
    if len(tags) > TAGS_MAX:
        return gettext(
            "Use at most %(most)s tags (you have %(count)s).", most=TAGS_MAX, count=len(tags)
        )
    long = [t for t in tags if len(t) > TAG_MAX]
    if long:
        return gettext(
            "Keep each tag to %(most)s characters or fewer (“%(tag)s…” is longer).",
            most=TAG_MAX,
            tag=long[0][:TAG_MAX],
        )
    return None


def check_entry(data: EntryData, timezone: str) -> None:
    """Raise FieldError for the first rule the entry breaks."""
    if not data.body.strip():
        raise FieldError("body", gettext("Write something before saving."))
    if len(data.body) > BODY_MAX:
        raise FieldError(
            "body",
            gettext("An entry can be up to %(most)s characters.", most=format_count(BODY_MAX)),
        )
    if len(data.title) > TITLE_MAX:
        raise FieldError(
            "title", gettext("Keep the title to %(most)s characters or fewer.", most=TITLE_MAX)
        )
    if data.mood is not None and data.mood not in MOODS:
        raise FieldError("mood", gettext("Choose a mood from the list."))
    if problem := tag_problem(data.tags):
        raise FieldError("tags", problem)
    if data.entry_date > clock.today_in(timezone):
        raise FieldError("entry_date", gettext("The date can't be later than today."))
    if data.entry_date.year < EARLIEST_YEAR:
        raise FieldError(
            "entry_date",
            gettext("The date can't be earlier than %(year)s.", year=EARLIEST_YEAR),
        )


def _instant(day: date, moment: time, timezone: str) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(timezone))


# Writing -----------------------------------------------------------------------------------------


def create_entry(user, data: EntryData) -> JournalEntry:
    """Save a new entry for ``user``; raise FieldError on input the form let through."""
    check_entry(data, user.timezone)
    entry = add_entry(user, data)
    db.session.commit()
    return entry


def add_entry(user, data: EntryData) -> JournalEntry:
    """Add a checked entry to the session (the caller commits)."""
    entry = JournalEntry(user_id=user.id, body_sealed=b"")
    db.session.add(entry)
    _fill(entry, data, user.timezone)
    return entry


def update_entry(user, entry: JournalEntry, data: EntryData) -> None:
    """Replace an entry's content with what the person typed."""
    check_entry(data, user.timezone)
    _fill(entry, data, user.timezone)
    entry.updated_at = clock.now()
    db.session.commit()


def _fill(entry: JournalEntry, data: EntryData, timezone: str) -> None:
    entry.entry_date, entry.entry_time = data.entry_date, data.entry_time
    entry.written_at = _instant(data.entry_date, data.entry_time, timezone)
    entry.mood = data.mood
    entry.prompt_key = data.prompt_key if prompts.get(data.prompt_key) else None
    db.session.flush()  # the row id is part of each sealed value's place
    title = clean_text(data.title).strip()
    entry.title_sealed = crypto.seal_field(entry, "title_sealed", title) if title else None
    entry.body_sealed = crypto.seal_field(entry, "body_sealed", clean_text(data.body))
    db.session.execute(delete(entry_tags).where(entry_tags.c.entry_id == entry.id))
    links = [{"entry_id": entry.id, "tag_id": t.id} for t in _tags_named(entry.user_id, data.tags)]
    if links:
        db.session.execute(entry_tags.insert(), links)


def _tags_named(user_id: int, names: list[str]) -> list[JournalTag]:
    wanted = {crypto.blind_index(user_id, "tag", n.casefold()): n for n in names}
    found = {
        t.lookup: t
        for t in db.session.scalars(
            select(JournalTag).where(JournalTag.user_id == user_id, JournalTag.lookup.in_(wanted))
        )
    }
    for lookup, name in wanted.items():
        if lookup not in found:
            tag = JournalTag(user_id=user_id, lookup=lookup, name_sealed=b"")
            db.session.add(tag)
            db.session.flush()
            tag.name_sealed = crypto.seal_field(tag, "name_sealed", name)
            found[lookup] = tag
    return [found[lookup] for lookup in wanted]


def delete_entry(entry: JournalEntry) -> None:
    """Move an entry to "recently deleted", where it can be restored for UNDO_DAYS days."""
    entry.deleted_at = clock.now()
    db.session.commit()


def restore_entry(entry: JournalEntry) -> None:
    """Bring a deleted entry back."""
    entry.deleted_at = None
    db.session.commit()


def erase_entry(entry: JournalEntry) -> None:
    """Delete an entry for good, now."""
    db.session.delete(entry)
    db.session.flush()
    _drop_unused_tags([entry.user_id])
    db.session.commit()


def purge_deleted(now: datetime | None = None) -> int:
    """Erase entries deleted more than UNDO_DAYS ago (everyone's); return how many."""
    cutoff = (now or clock.now()) - timedelta(days=UNDO_DAYS)
    owners = db.session.scalars(
        select(JournalEntry.user_id).where(JournalEntry.deleted_at < cutoff).distinct()
    ).all()
    result = db.session.execute(delete(JournalEntry).where(JournalEntry.deleted_at < cutoff))
    _drop_unused_tags(owners)
    db.session.commit()
    return result.rowcount


def _drop_unused_tags(user_ids: list[int]) -> None:
    # A tag lives only as long as some entry carries it; its name is private text too.
    used = exists().where(entry_tags.c.tag_id == JournalTag.id)
    db.session.execute(delete(JournalTag).where(JournalTag.user_id.in_(user_ids), ~used))


# Reading -----------------------------------------------------------------------------------------


def tag_names(tag_rows) -> dict[int, str]:
    """Open tag names; an unreadable one shows as a notice instead."""
    names = {}
    for tag in tag_rows:
        try:
            names[tag.id] = crypto.unseal_field(tag, "name_sealed")
        except crypto.Unreadable:
            names[tag.id] = gettext("(unreadable tag)")
    return names


def entry_tag_map(
    user_id: int, entry_ids: list[int] | None, known_names: dict[int, str] | None = None
) -> dict[int, list[tuple[int, str]]]:
    """Each entry's tags as (id, name) (``None``: all the person's entries).

    Links and tags are read apart: a person has a few dozen tags but thousands of links, so
    each tag is fetched and decrypted once. ``known_names`` are tags the page has opened already
    (the list's filter names every tag in use); only the others are read.
    """
    links = select(entry_tags.c.entry_id, entry_tags.c.tag_id).join(
        JournalTag, JournalTag.id == entry_tags.c.tag_id
    )
    links = links.where(JournalTag.user_id == user_id)
    if entry_ids is not None:
        links = links.where(entry_tags.c.entry_id.in_(entry_ids))
    pairs = db.session.execute(links).all()
    names = dict(known_names or {})
    missing = {tag_id for _entry_id, tag_id in pairs} - names.keys()
    if missing:
        tags = select(JournalTag).where(JournalTag.user_id == user_id, JournalTag.id.in_(missing))
        names |= tag_names(db.session.scalars(tags).all())
    result = defaultdict(list)
    for entry_id, tag_id in pairs:
        result[entry_id].append((tag_id, names[tag_id]))
    for found in result.values():
        found.sort(key=lambda item: item[1].casefold())
    return result


def open_entry(row: JournalEntry, tags: list[tuple[int, str]] | None = None) -> Entry:
    """Decrypt an entry for its owner; never raises on a damaged row."""
    if tags is None:
        tags = entry_tag_map(row.user_id, [row.id]).get(row.id, [])
    try:
        title = crypto.unseal_field(row, "title_sealed") if row.title_sealed else ""
        body = crypto.unseal_field(row, "body_sealed")
    except crypto.Unreadable:
        return opened_entry(row, None, None, tags)
    return opened_entry(row, title, body, tags)


def opened_entry(
    row: JournalEntry, title: str | None, body: str | None, tags: list[tuple[int, str]]
) -> Entry:
    """An entry whose text was already decrypted (None where it could not be)."""
    unreadable = title is None or body is None
    return Entry(
        id=row.id,
        entry_date=row.entry_date,
        entry_time=row.entry_time,
        mood=row.mood,
        title="" if unreadable else title,
        body=crypto.UNREADABLE_NOTICE if unreadable else body,
        tags=tags,
        prompt=prompts.get(row.prompt_key),
        unreadable=unreadable,
        deleted_at=row.deleted_at,
        updated_at=row.updated_at,
    )


def open_entries(
    user_id: int,
    rows: list[JournalEntry],
    every: bool = False,
    known_tags: dict[int, str] | None = None,
) -> list[Entry]:
    """Open a list of the person's entries, their tags read in one go (but ``known_tags``).

    ``every`` says the rows are the whole journal, so tags are read without a long id list.
    """
    tags = entry_tag_map(user_id, None if every else [r.id for r in rows], known_tags)
    return [open_entry(r, tags.get(r.id, [])) for r in rows]


def encode_cursor(row: JournalEntry) -> str:
    """An opaque page marker: the last entry's sort position, never any of its text."""
    stamp = int(row.written_at.timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"{stamp}.{row.id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Read a page marker; raise BadCursor when it was altered."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, entry_id = raw.split(".")
        moment = datetime.fromtimestamp(int(stamp) / 1_000_000, tz=ZoneInfo("UTC"))
        return moment, int(entry_id)
    except (ValueError, binascii.Error, OverflowError, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error


def _filtered(user_id: int, filters: Filters, deleted: bool = False):
    query = select(JournalEntry).where(
        JournalEntry.user_id == user_id,
        JournalEntry.deleted_at.is_not(None) if deleted else JournalEntry.deleted_at.is_(None),
    )
    if filters.mood is not None:
        query = query.where(JournalEntry.mood == filters.mood)
    if filters.date_from is not None:
        query = query.where(JournalEntry.entry_date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(JournalEntry.entry_date <= filters.date_to)
    if filters.tag_id is not None:
        query = query.where(
            exists().where(
                and_(
                    entry_tags.c.entry_id == JournalEntry.id,
                    entry_tags.c.tag_id == filters.tag_id,
                )
            )
        )
    return query


def list_entries(
    user_id: int,
    filters: Filters,
    cursor: str | None = None,
    known_tags: dict[int, str] | None = None,
) -> Page:
    """One page of a person's entries, newest first, after ``cursor`` (keyset pagination);
    ``known_tags``: tag names the page has opened already."""
    query = _filtered(user_id, filters)
    if cursor:
        moment, entry_id = decode_cursor(cursor)
        query = query.where(
            or_(
                JournalEntry.written_at < moment,
                and_(JournalEntry.written_at == moment, JournalEntry.id < entry_id),
            )
        )
    rows = db.session.scalars(
        query.order_by(JournalEntry.written_at.desc(), JournalEntry.id.desc()).limit(PAGE_SIZE + 1)
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    entries = open_entries(user_id, rows, known_tags=known_tags)
    return Page(entries, encode_cursor(rows[-1]) if more else None)


def deleted_entries(user_id: int) -> list[Entry]:
    """Entries in "recently deleted", most recently deleted first."""
    rows = db.session.scalars(
        _filtered(user_id, Filters(), deleted=True).order_by(JournalEntry.deleted_at.desc())
    ).all()
    return open_entries(user_id, rows)


def by_month(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """Group a newest-first list under month headings ("November 2026")."""
    groups: list[tuple[str, list[Entry]]] = []
    for entry in entries:
        label = format_when(entry.entry_date, "month")
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(entry)
    return groups


def used_tags(user_id: int) -> list[tuple[int, str]]:
    """The person's tags that are on at least one entry, by name."""
    in_use = exists().where(
        entry_tags.c.tag_id == JournalTag.id,
        entry_tags.c.entry_id == JournalEntry.id,
        JournalEntry.deleted_at.is_(None),
    )
    rows = db.session.scalars(select(JournalTag).where(JournalTag.user_id == user_id, in_use)).all()
    return sorted(tag_names(rows).items(), key=lambda item: item[1].casefold())


def day_summaries(user_id: int, first: date, last: date) -> dict[date, tuple[int, float | None]]:
    """For each day from first to last (both included) with entries: (how many, average mood)."""
    rows = db.session.execute(
        select(JournalEntry.entry_date, func.count(), func.avg(JournalEntry.mood))
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.deleted_at.is_(None),
            JournalEntry.entry_date >= first,
            JournalEntry.entry_date <= last,
        )
        .group_by(JournalEntry.entry_date)
    ).all()
    return {d: (count, float(mood) if mood is not None else None) for d, count, mood in rows}


def mood_days(user_id: int, first: date, last: date) -> dict[date, tuple[int, float]]:
    """For each day from first to last with a mood recorded: (how many entries have one, their
    average mood)."""
    rows = db.session.execute(
        select(JournalEntry.entry_date, func.count(JournalEntry.mood), func.avg(JournalEntry.mood))
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.deleted_at.is_(None),
            JournalEntry.mood.is_not(None),
            JournalEntry.entry_date >= first,
            JournalEntry.entry_date <= last,
        )
        .group_by(JournalEntry.entry_date)
    ).all()
    return {d: (count, float(mood)) for d, count, mood in rows}


def month_days(user_id: int, year: int, month: int) -> dict[int, tuple[int, float | None]]:
    """For each day of a month with entries: (how many, average mood or None)."""
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return {d.day: summary for d, summary in day_summaries(user_id, first, last).items()}


def count_entries(user_id: int) -> int:
    """How many entries the person has (not counting deleted ones), read from the index of
    live entries alone."""
    return db.session.scalar(
        select(func.count())
        .select_from(JournalEntry)
        .where(JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None))
    )


def has_entries(user_id: int) -> bool:
    """Whether the person has any entry (not counting deleted ones); one index probe, however
    long the journal."""
    return db.session.scalar(
        select(exists().where(JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None)))
    )
