"""Full-text search over a person's own entries, although they are encrypted at rest.

Decrypt-and-scan: the person's entries are decrypted in batches inside the request and matched
in memory (see docs/architecture.md for why this beats a blind index here).
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from caregiver.extensions import db
from caregiver.journal.models import JournalEntry
from caregiver.journal.services import Entry, entry_tag_map, open_entry

MAX_TERMS = 10
MAX_TERM = 100
SHOW_AT_MOST = 50
BATCH = 500
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 160
TERM_RE = re.compile(r'"([^"]+)"|(\S+)')

Parts = list[tuple[str, bool]]  # runs of text, True where a search word matched


@dataclass
class Hit:
    entry: Entry
    title: Parts
    snippet: Parts
    tags: list[tuple[int, Parts]]


@dataclass
class Results:
    hits: list[Hit]
    total: int
    terms: list[str]


def terms_of(query: str) -> list[str]:
    """Words to look for; "quoted words" stay together."""
    found = []
    for phrase, word in TERM_RE.findall(query):
        term = " ".join((phrase or word).split())[:MAX_TERM]
        if term and term.casefold() not in (t.casefold() for t in found):
            found.append(term)
    return found[:MAX_TERMS]


def highlight(text: str, pattern: re.Pattern) -> Parts:
    """Split text into runs, marking the ones that match."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        if match.start() > last:
            parts.append((text[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def snippet(body: str, pattern: re.Pattern) -> Parts:
    """A short run of text around the first match, cut at word boundaries."""
    match = pattern.search(body)
    start = max(0, match.start() - SNIPPET_BEFORE) if match else 0
    end = min(len(body), (match.end() if match else 0) + SNIPPET_AFTER)
    # Start and end on word boundaries so the snippet does not open mid-word.
    if start > 0:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < (match.start() if match else end) else start
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > (match.end() if match else start) else end
    text = " ".join(body[start:end].split())
    return highlight(
        ("… " if start > 0 else "") + text + (" …" if end < len(body) else ""), pattern
    )


def search(user_id: int, query: str) -> Results:
    """Entries whose title, body or tags contain every term, newest first."""
    terms = terms_of(query)
    if not terms:
        return Results([], 0, [])
    patterns = [re.compile(re.escape(t), re.IGNORECASE) for t in terms]
    anything = re.compile("|".join(p.pattern for p in patterns), re.IGNORECASE)
    tag_map = entry_tag_map(user_id, None)
    rows = db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None))
        .order_by(JournalEntry.written_at.desc(), JournalEntry.id.desc())
        .execution_options(yield_per=BATCH)
    )
    hits, total = [], 0
    for row in rows:
        entry = open_entry(row, tag_map.get(row.id, []))
        if entry.unreadable:
            continue
        haystack = "\n".join([entry.title, entry.body, *(name for _id, name in entry.tags)])
        if not all(p.search(haystack) for p in patterns):
            continue
        total += 1
        if len(hits) < SHOW_AT_MOST:
            hits.append(
                Hit(
                    entry,
                    highlight(entry.title, anything),
                    snippet(entry.body, anything),
                    [(tag_id, highlight(name, anything)) for tag_id, name in entry.tags],
                )
            )
    return Results(hits, total, terms)
