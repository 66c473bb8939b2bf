"""Full-text search over a person's own entries, although they are encrypted at rest.

Decrypt-and-scan: the person's entries are decrypted in batches inside the request and matched
in memory (see docs/architecture.md for why this beats a blind index here). The scan reads only
ids and sealed text, in list order, and opens each batch in bulk; tags are matched by name once
and then by id; the full entry is built only for the hits shown.
"""

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, chain

from sqlalchemy import select

from caregiver import crypto
from caregiver.extensions import db
from caregiver.journal.models import JournalEntry, JournalTag, entry_tags
from caregiver.journal.services import Entry, entry_tag_map, opened_entry, tag_names

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


class Term:
    """One search word, matched as ``re.IGNORECASE`` matches it.

    In ASCII text an ASCII word matches exactly where its lower case is a substring of the
    text's lower case, which plain string search finds many times faster than the expression;
    other text goes to the expression.
    """

    def __init__(self, term: str):
        self.pattern = re.compile(re.escape(term), re.IGNORECASE)
        self.lowered = term.lower() if term.isascii() else None


def _tagged(user_id: int, terms: list[Term]) -> list[set[int]]:
    """For each term, the ids of the entries carrying a tag whose name contains it.

    A person has a few dozen tags: their names are opened and matched once, and only the links
    of the tags that matched are read.
    """
    names = tag_names(db.session.scalars(select(JournalTag).where(JournalTag.user_id == user_id)))
    matching = [
        {tag_id for tag_id, name in names.items() if term.pattern.search(name)} for term in terms
    ]
    wanted = set().union(*matching)
    if not wanted:
        return [set() for _ in terms]
    links = db.session.execute(
        select(entry_tags.c.entry_id, entry_tags.c.tag_id).where(entry_tags.c.tag_id.in_(wanted))
    ).all()
    return [{entry_id for entry_id, tag_id in links if tag_id in tags} for tags in matching]


def _sealed_batches(user_id: int) -> Iterator[list[tuple[int, bytes | None, bytes]]]:
    """The person's live entries as (id, sealed title, sealed body), newest first, BATCH rows
    at a time from a server-side cursor where the database has one."""
    query = (
        select(JournalEntry.id, JournalEntry.title_sealed, JournalEntry.body_sealed)
        .where(JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None))
        .order_by(JournalEntry.written_at.desc(), JournalEntry.id.desc())
    )
    # Plain rows on the session's own connection: no ORM objects for thousands of entries.
    result = db.session.connection().execute(query, execution_options={"yield_per": BATCH})
    yield from result.partitions()


def _opened(user_id: int, batch) -> Iterator[tuple[int, str, str]]:
    """A batch's (id, title, body) decrypted; entries that cannot be opened are left out."""
    table = JournalEntry.__tablename__
    bodies = crypto.unseal_many(user_id, table, "body_sealed", [(r[0], r[2]) for r in batch])
    titled = [(r[0], r[1]) for r in batch if r[1]]
    titles = dict(
        zip(
            (entry_id for entry_id, _ in titled),
            crypto.unseal_many(user_id, table, "title_sealed", titled),
            strict=True,
        )
    )
    for (entry_id, title_sealed, _), body in zip(batch, bodies, strict=True):
        title = titles[entry_id] if title_sealed else ""
        if title is not None and body is not None:
            yield entry_id, title, body


def _entries(user_id: int, found: list[tuple[int, str, str]]) -> list[Entry]:
    """The hits shown, as full entries, with the text already opened by the scan."""
    ids = [entry_id for entry_id, _title, _body in found]
    rows = {
        row.id: row
        for row in db.session.scalars(select(JournalEntry).where(JournalEntry.id.in_(ids)))
    }
    tags = entry_tag_map(user_id, ids)
    return [
        opened_entry(rows[entry_id], title, body, tags.get(entry_id, []))
        for entry_id, title, body in found
    ]


Opened = list[tuple[int, str, str]]  # (entry id, title, body)


def _positions(text: str, starts: list[int], needle: str) -> Iterator[int]:
    """Which of the texts joined into ``text`` (the n-th begins at ``starts[n]``) contain
    ``needle``; one search per text found, none per text passed over."""
    at = text.find(needle)
    while at != -1:
        number = bisect_right(starts, at) - 1
        yield number
        at = text.find(needle, starts[number + 1])


def _matching(terms: list[Term], tagged: list[set[int]], opened: Opened) -> list[int]:
    """Positions in ``opened`` of the entries whose title, body or tags contain every term.

    The batch's ASCII entries are joined and lower-cased once, so a word is looked for in one
    long string; a newline between texts keeps a match from spanning two (a term has none).
    """
    plain = [n for n, (_, title, body) in enumerate(opened) if title.isascii() and body.isascii()]
    others = sorted(set(range(len(opened))) - set(plain))
    texts = [(opened[n][1], opened[n][2]) for n in plain]
    joined = "\n".join(chain.from_iterable(texts)).lower()
    starts = [0, *accumulate(len(title) + len(body) + 2 for title, body in texts)]
    found = None
    for term, tagged_with in zip(terms, tagged, strict=True):
        matched = (
            {n for n, (entry_id, _, _) in enumerate(opened) if entry_id in tagged_with}
            if tagged_with
            else set()
        )
        if term.lowered is not None:
            matched.update(plain[n] for n in _positions(joined, starts, term.lowered))
            scanned = others
        else:
            scanned = range(len(opened))
        matched.update(
            n
            for n in scanned
            if term.pattern.search(opened[n][1]) or term.pattern.search(opened[n][2])
        )
        found = matched if found is None else found & matched
    return sorted(found or ())


def search(user_id: int, query: str) -> Results:
    """Entries whose title, body or tags contain every term, newest first."""
    words = terms_of(query)
    if not words:
        return Results([], 0, [])
    terms = [Term(word) for word in words]
    anything = re.compile("|".join(t.pattern.pattern for t in terms), re.IGNORECASE)
    tagged = _tagged(user_id, terms)
    shown: Opened = []
    total = 0
    for batch in _sealed_batches(user_id):
        opened = list(_opened(user_id, batch))
        matching = _matching(terms, tagged, opened)
        total += len(matching)
        shown.extend(opened[n] for n in matching[: SHOW_AT_MOST - len(shown)])
    hits = [
        Hit(
            entry,
            highlight(entry.title, anything),
            snippet(entry.body, anything),
            [(tag_id, highlight(name, anything)) for tag_id, name in entry.tags],
        )
        for entry in _entries(user_id, shown)
    ]
    return Results(hits, total, words)
