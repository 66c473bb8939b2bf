"""Export a person's journal (Markdown files and one JSON file in a ZIP) and import it back."""

import hashlib
import io
import json
import zipfile
from datetime import date, time

from sqlalchemy import select

from caregiver import clock
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.i18n import format_count, gettext
from caregiver.journal import services
from caregiver.journal.models import JournalEntry
from caregiver.transfer import ImportReport, NotAnExport, parse_export, read_zip_member

FORMAT = "caregiver-journal"
VERSION = 1
JSON_NAME = "journal.json"
MAX_IMPORT_ENTRIES = 20_000
# journal.json unpacked: room for the most entries at a few kilobytes each.
MAX_UNPACKED_BYTES = 64 * 2**20


def _entry_dict(entry: services.Entry) -> dict:
    prompt = entry.prompt
    return {
        "date": entry.entry_date.isoformat(),
        "time": entry.entry_time.isoformat(timespec="minutes"),
        "title": entry.title,
        "body": entry.body,
        "mood": entry.mood,
        "mood_label": str(services.MOODS[entry.mood]) if entry.mood in services.MOODS else None,
        "tags": [name for _id, name in entry.tags],
        "prompt": {"key": prompt.key, "text": prompt.text} if prompt else None,
        "updated_at": entry.updated_at.isoformat(),
    }


def _all_entries(user_id: int) -> list[services.Entry]:
    rows = db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None))
        .order_by(JournalEntry.written_at, JournalEntry.id)
    ).all()
    return services.open_entries(user_id, rows, every=True)


def export_data(user) -> dict:
    """Everything in a person's journal as plain data (unreadable entries are left out)."""
    entries = [e for e in _all_entries(user.id) if not e.unreadable]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": clock.now().isoformat(),
        "timezone": user.timezone,
        "entries": [_entry_dict(e) for e in entries],
    }


def _markdown(item: dict) -> str:
    # JSON strings and lists are valid YAML, so the front matter reads in any Markdown tool.
    lines = ["---", f"date: {item['date']}", f"time: {json.dumps(item['time'])}"]
    if item["title"]:
        lines.append(f"title: {json.dumps(item['title'], ensure_ascii=False)}")
    if item["mood"]:
        lines.append(f"mood: {item['mood']}  # {item['mood_label']}")
    lines.append(f"tags: {json.dumps(item['tags'], ensure_ascii=False)}")
    if item["prompt"]:
        lines.append(f"prompt: {json.dumps(item['prompt']['text'], ensure_ascii=False)}")
    lines += ["---", "", item["body"], ""]
    return "\n".join(lines)


def export_zip(user) -> bytes:
    """A ZIP with one Markdown file per entry and journal.json with everything."""
    data = export_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names = set()
        for item in data["entries"]:
            stem = f"entries/{item['date']}-{item['time'].replace(':', '')}"
            name, n = f"{stem}.md", 1
            while name in names:
                n += 1
                name = f"{stem}-{n}.md"
            names.add(name)
            archive.writestr(name, _markdown(item))
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _fingerprint(day: date, moment: time, title: str, body: str) -> str:
    text = "\x1f".join([day.isoformat(), moment.isoformat("minutes"), title.strip(), body])
    return hashlib.sha256(text.encode()).hexdigest()


def read_upload(filename: str, content: bytes) -> dict:
    """Parse an uploaded export (the ZIP, or the journal.json inside it)."""
    if zipfile.is_zipfile(io.BytesIO(content)):
        # An export's ZIP holds one Markdown file per entry, and the JSON with all of them.
        content = read_zip_member(content, JSON_NAME, MAX_UNPACKED_BYTES, MAX_IMPORT_ENTRIES + 1)
    data = parse_export(
        content,
        FORMAT,
        VERSION,
        gettext("a journal export"),
        MAX_IMPORT_ENTRIES,
        gettext("entries"),
    )
    if not isinstance(data.get("entries"), list):
        raise NotAnExport(gettext("That export has no list of entries."))
    if len(data["entries"]) > MAX_IMPORT_ENTRIES:
        raise NotAnExport(
            gettext(
                "Import at most %(most)s entries at a time.", most=format_count(MAX_IMPORT_ENTRIES)
            )
        )
    return data


def _entry_data(item) -> services.EntryData:
    if not isinstance(item, dict):
        raise ValueError(gettext("not an entry"))
    tags = item.get("tags") or []
    prompt = item.get("prompt") or {}
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(gettext("tags must be a list of words"))
    if not isinstance(item.get("body"), str) or not isinstance(item.get("title") or "", str):
        raise ValueError(gettext("title and body must be text"))
    return services.EntryData(
        body=item["body"],
        title=item.get("title") or "",
        entry_date=date.fromisoformat(str(item.get("date"))),
        entry_time=time.fromisoformat(str(item.get("time"))),
        mood=item.get("mood"),
        tags=services.parse_tags(",".join(tags)),
        prompt_key=prompt.get("key") if isinstance(prompt, dict) else None,
    )


def import_data(user, data: dict) -> ImportReport:
    """Add the entries of an export, skipping ones the journal already holds."""
    report = ImportReport()
    seen = {
        _fingerprint(e.entry_date, e.entry_time, e.title, e.body)
        for e in _all_entries(user.id)
        if not e.unreadable
    }
    for number, item in enumerate(data["entries"], start=1):
        try:
            entry = _entry_data(item)
            services.check_entry(entry, user.timezone)
        except (ValueError, TypeError) as error:
            report.problems.append(
                gettext("Entry %(number)s: %(problem)s", number=number, problem=error)
            )
            continue
        except FieldError as error:
            report.problems.append(
                gettext("Entry %(number)s: %(problem)s", number=number, problem=error.message)
            )
            continue
        key = _fingerprint(entry.entry_date, entry.entry_time, entry.title, entry.body)
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        services.add_entry(user, entry)
        report.added += 1
    db.session.commit()
    return report
